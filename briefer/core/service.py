"""Project services: the operations the CLI and the window share.

Each public method is one transaction on the store and, when it changed
something, tells subscribers which part of the project changed so views can
refresh just that part (Anki's change-flag idea, in plain Python).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.core.errors import SQLITE_INT_MAX, BrieferError, DoublePlacementError, NotFoundError, OutOfRangeError
from briefer.core.model import PassageSnapshot, ProjectMeta, Tag
from briefer.core.queries import DocumentQueries, OutlineQueries, PassageQueries, TagQueries
from briefer.core.sentences import SentenceFinder
from briefer.core.store import Store

if TYPE_CHECKING:
    from briefer.core.integrity import Problem

CONTEXT_CHARS = 32  # prefix/suffix kept with a passage for re-anchoring


def quote_in_context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """``text[start:end]`` and the text kept either side of it (prefix, suffix) for re-anchoring."""
    return text[start:end], text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def add_passage_in_text(
    store: Store,
    text: str,
    document: int,
    start: int,
    end: int,
    *,
    tags: Iterable[int] = (),
    note: str = "",
    translation: str = "",
    created: str | None = None,
) -> int:
    """Store a new passage for ``text[start:end]`` of ``document`` (its whole text), with its context."""
    quote, prefix, suffix = quote_in_context(text, start, end)
    return store.add_passage(
        document=document,
        start=start,
        end=end,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        note=note,
        translation=translation,
        tags=tags,
        created=created,
    )


class ChangeArea(Enum):
    """The part of a project an operation changed; views refresh only for the areas they show."""

    META = "meta"  # the project's title, author, bottom line...
    DOCUMENTS = "documents"  # documents added, removed, or their metadata edited
    TAGS = "tags"  # the codebook
    PASSAGES = "passages"  # passages, their notes and tag links
    OUTLINE = "outline"  # sections and placements


@dataclass(frozen=True, slots=True)
class Change:
    """What an operation changed: an area, and the ids within it when the change is that narrow."""

    area: ChangeArea
    ids: tuple[int, ...] = ()
    # Whose passage counts the change may have moved, so the corpus and codebook
    # recount those rows alone, not the whole project: None when unknown (recount
    # everything), () when none (a note edited).
    documents: tuple[int, ...] | None = None
    tags: tuple[int, ...] | None = None


Listener = Callable[[Change], None]


class ProjectService:
    """Operations on one open project; the single entry point above the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._listeners: list[Listener] = []
        self._held: list[Change] | None = None  # changes of a batch, told once it commits
        # What the window reads, so it never reaches into the store itself.
        self.documents = DocumentQueries(store)
        self.tags = TagQueries(store)
        self.passages = PassageQueries(store)
        self.outline = OutlineQueries(store)

    # ----------------------------------------------------------------- project
    @property
    def path(self) -> Path:
        """The project file."""
        return self.store.path

    def meta(self) -> ProjectMeta:
        """The project's title, author, date, marking and bottom line."""
        return self.store.get_meta()

    def counts(self) -> tuple[int, int]:
        """How many documents and passages the project holds."""
        return self.store.counts()

    def close(self) -> None:
        """Close the project file (and give up its write lock)."""
        self.store.close()

    # ------------------------------------------------------------------ events
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(
        self,
        area: ChangeArea,
        *ids: int,
        documents: tuple[int, ...] | None = None,
        tags: tuple[int, ...] | None = None,
    ) -> None:
        change = Change(area, tuple(ids), documents, tags)
        if self._held is not None:
            self._held.append(change)
            return
        for listener in list(self._listeners):
            listener(change)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several operations as one transaction: listeners hear of their changes once it
        commits, each change once, and not at all if it rolls back."""
        if self._held is not None:  # inside another batch: join it
            with self.store.transaction():
                yield
            return
        self._held = []
        try:
            with self.store.transaction():
                yield
            held = list(dict.fromkeys(self._held))
        finally:
            self._held = None
        for change in held:
            self.notify(change.area, *change.ids, documents=change.documents, tags=change.tags)

    # -------------------------------------------------------------- look-ups
    def resolve_document(self, ref: str | int) -> int:
        """A document id, or a document's exact title."""
        # isdecimal(), not isdigit(): "²" is a digit int() refuses, so it can only be a title.
        if isinstance(ref, int) or str(ref).isdecimal():
            try:
                doc_id = int(ref)
            except ValueError:  # more digits than int() takes: far past any id
                raise OutOfRangeError(f"no document with id {str(ref)[:20]}… (the limit is {SQLITE_INT_MAX})") from None
            self.store.document_info(doc_id)
            return doc_id
        ids = self.store.documents_titled(str(ref))
        if not ids:
            raise NotFoundError(f"no document with id or title '{ref}'")
        if len(ids) > 1:
            raise BrieferError(f"several documents are titled '{ref}'; use an id: {', '.join(map(str, ids))}")
        return ids[0]

    def resolve_tag(self, name: str) -> Tag:
        """The tag called ``name``: exactly, else in any case when only one tag fits.

        An unknown name is refused with the closest names (``did you mean 'Controls work'?``).
        """
        tag = self.store.tag_named(name)
        if tag is not None:
            return tag
        tags = self.store.list_tags()
        folded = " ".join(name.split()).casefold()
        same = [t for t in tags if " ".join(t.name.split()).casefold() == folded]
        if len(same) == 1:
            return same[0]
        if same:
            names = ", ".join(f"'{t.name}'" for t in same)
            raise BrieferError(f"tag name '{name}' fits several tags ({names}): give its exact case")
        raise NotFoundError(f"no tag named '{name}' ({_suggest(name, [t.name for t in tags])})")

    def resolve_section(self, ref: str | int) -> int:
        """A section id, or a section's exact title: digits are tried as an id first, then as a title."""
        text = str(ref)
        if isinstance(ref, int) or text.isdecimal():
            section_id = int(ref) if isinstance(ref, int) or len(text) <= 30 else SQLITE_INT_MAX + 1
            if section_id <= SQLITE_INT_MAX and self.store.section_exists(section_id):
                return section_id
        ids = self.store.sections_titled(text)
        if not ids:
            what = "id or title" if text.isdecimal() else "title"
            raise NotFoundError(f"no outline section with {what} '{_short(text)}'")
        if len(ids) > 1:
            raise BrieferError(
                f"several outline sections are titled '{_short(text)}'; use an id: {', '.join(map(str, ids))}"
            )
        return ids[0]

    def broken_references(self) -> list[Problem]:
        """Placements, sections and passages naming rows that do not exist (no text is read)."""
        from briefer.core.integrity import check_references

        return check_references(self.store)

    # --------------------------------------------------------------- metadata
    def set_meta(self, **fields: str) -> None:
        self.store.set_meta(**fields)
        self.notify(ChangeArea.META)

    def update_document(self, doc_id: int, **fields: str) -> None:
        self.store.update_document(doc_id, **fields)
        self.notify(ChangeArea.DOCUMENTS, doc_id)

    # --------------------------------------------------------------- passages
    def create_passage(
        self,
        *,
        document: int,
        start: int,
        end: int,
        tags: Iterable[int] = (),
        note: str = "",
        translation: str = "",
        passage_id: int | None = None,
    ) -> int:
        """Store a passage for ``text[start:end]`` (code-point offsets).

        Tagging exactly the span of an existing passage adds the tags to that
        passage instead of creating a duplicate; the existing id is returned.
        """
        # Only the quote and its context, not the whole (possibly 2 MB) text.
        window_start = max(0, start - CONTEXT_CHARS)
        length, excerpt = self.store.document_excerpt(document, window_start, end + CONTEXT_CHARS)
        if not (0 <= start < end <= length):
            raise BrieferError(f"passage {start}-{end} lies outside document {document} (length {length})")
        quote = excerpt[start - window_start : end - window_start]
        tag_ids = list(tags)
        with self.store.transaction():
            existing = self.store.passage_at(document, start, end) if passage_id is None else None
            created = False
            if existing is not None:
                for tag in tag_ids:
                    self.store.add_passage_tag(existing, tag)
                pid = existing
            else:
                created = True
                pid = self.store.add_passage(
                    document=document,
                    start=start,
                    end=end,
                    quote=quote,
                    prefix=excerpt[: start - window_start],
                    suffix=excerpt[end - window_start :],
                    note=note,
                    translation=translation,
                    tags=tag_ids,
                    passage_id=passage_id,
                )
        self.notify(ChangeArea.PASSAGES, pid, documents=(document,) if created else (), tags=tuple(tag_ids))
        return pid

    def tag_quote(
        self,
        *,
        document: int,
        quote: str,
        tags: Iterable[str],
        occurrence: int = 1,
        note: str = "",
        translation: str = "",
    ) -> int:
        """Tag the ``occurrence``-th appearance of ``quote`` in a document."""
        tag_ids = [self.resolve_tag(name).id for name in tags]
        if not tag_ids:
            raise BrieferError("name at least one tag")
        if not quote.strip():
            raise BrieferError("the quote is empty")
        if occurrence < 1:
            raise BrieferError("--occurrence counts from 1")
        text = self.store.get_document(document).text
        span = find_quote(text, quote, occurrence)
        if span is None:
            where = "" if occurrence == 1 else f" {occurrence} times"
            raise NotFoundError(f"the quote does not occur{where} in document {document}: {quote[:60]!r}")
        with self.store.transaction():  # the passage and its note land together or not at all
            pid = self.create_passage(document=document, start=span[0], end=span[1], tags=tag_ids)
            if note or translation:
                fields = {k: v for k, v in (("note", note), ("translation", translation)) if v}
                self.store.update_passage(pid, **fields)
        return pid

    def autotag(self, *, pattern: str, tag: str, document: int | None = None, scope: str = "match") -> int:
        """Tag every regex match (or its sentence/paragraph); returns passages created.

        The pattern runs under one time limit for the whole run (PatternTooSlowError
        past it), and before the write transaction begins, so a slow pattern never
        holds the project and stores nothing.
        """
        plan = self.plan_autotag(pattern=pattern, tag=tag, document=document, scope=scope)
        return len(self.apply_autotag(plan).created)

    def plan_autotag(self, *, pattern: str, tag: str, document: int | None = None, scope: str = "match") -> AutotagPlan:
        """The spans an auto-tag run would tag, found without writing anything (the window counts them first)."""
        from briefer.core.patterns import compile_pattern, find_spans  # regex: loaded when a pattern runs

        compiled = compile_pattern(pattern)
        if scope not in ("match", "sentence", "paragraph"):
            raise BrieferError(f"unknown scope '{scope}' (match, sentence or paragraph)")
        tag_id = self.resolve_tag(tag).id
        doc_ids = [document] if document is not None else [d.id for d in self.store.list_documents()]
        texts = [self.store.get_document(doc_id).text for doc_id in doc_ids]  # a document's text never changes
        found = find_spans(compiled, texts)
        spans: dict[int, tuple[tuple[int, int], ...]] = {}
        for doc_id, text, matches in zip(doc_ids, texts, found, strict=True):
            # Sentences are segmented only in the paragraphs that hold a match (pysbd is slow).
            sentences = SentenceFinder(text) if scope == "sentence" and matches else None
            widened: dict[tuple[int, int], None] = {}  # in order of first match, once each
            for start, end in matches:
                if sentences is not None:
                    widened[sentences.around(start, end)] = None
                else:
                    widened[_widen(text, start, end, scope)] = None
            if widened:
                spans[doc_id] = tuple(widened)
        return AutotagPlan(tag_id, spans)

    def apply_autotag(self, plan: AutotagPlan) -> AutotagResult:
        """Store a plan in one transaction: new passages, or the tag added to a passage already on the span."""
        result = AutotagResult()
        with self.store.transaction():
            for doc_id, spans in plan.spans.items():
                text = self.store.get_document(doc_id).text  # still there (NotFoundError, all rolled back, if not)
                for start, end in spans:
                    existing = self.store.passage_at(doc_id, start, end)
                    if existing is not None:
                        if self.store.add_passage_tag(existing, plan.tag_id):
                            result.tagged.append(existing)
                        continue
                    result.created.append(add_passage_in_text(self.store, text, doc_id, start, end, tags=[plan.tag_id]))
        self.notify(ChangeArea.PASSAGES)
        return result

    def update_passage(self, passage_id: int, **fields: str) -> None:
        self.store.update_passage(passage_id, **fields)
        self.notify(ChangeArea.PASSAGES, passage_id, documents=(), tags=())

    def add_passage_tag(self, passage_id: int, tag_id: int) -> bool:
        added = self.store.add_passage_tag(passage_id, tag_id)
        self.notify(ChangeArea.PASSAGES, passage_id, documents=(), tags=(tag_id,))
        return added

    def remove_passage_tag(self, passage_id: int, tag_id: int) -> bool:
        removed = self.store.remove_passage_tag(passage_id, tag_id)
        self.notify(ChangeArea.PASSAGES, passage_id, documents=(), tags=(tag_id,))
        return removed

    def delete_passage(self, passage_id: int) -> PassageSnapshot:
        with self.store.transaction():
            snap = self.store.snapshot_passage(passage_id)
            self.store.delete_passage(passage_id)
        self.notify(ChangeArea.PASSAGES, passage_id, documents=(snap.passage.document,), tags=snap.passage.tags)
        if snap.placements:
            self.notify(ChangeArea.OUTLINE)
        return snap

    def restore_passage(self, snap: PassageSnapshot) -> None:
        self.store.restore_passage(snap)
        self.notify(ChangeArea.PASSAGES, snap.passage.id, documents=(snap.passage.document,), tags=snap.passage.tags)
        if snap.placements:
            self.notify(ChangeArea.OUTLINE)

    # ---------------------------------------------------------------- outline
    def add_section(
        self,
        *,
        title: str,
        parent: int | None = None,
        position: int | None = None,
        notes: str = "",
        stance: int | None = None,
        section_id: int | None = None,
    ) -> int:
        if not title.strip():
            raise BrieferError("a section needs a title")
        sid = self.store.add_section(
            title=title, parent=parent, position=position, notes=notes, stance=stance, section_id=section_id
        )
        self.notify(ChangeArea.OUTLINE, sid)
        return sid

    def place(self, *, passage: int, section: int, position: int | None = None, placement_id: int | None = None) -> int:
        """Put a passage into a section, at ``position`` (0 first, the section's count last) or at the end.

        A section holds a passage once: placing it again there is refused (it
        may still go into another section on purpose).
        """
        with self.store.transaction():
            self.store.get_passage(passage)
            target = self.store.get_section(section)
            refuse_double_placement(self.store, section, [passage], target.title)
            if position is not None:
                count = len(self.store.list_placements(section))
                if not 0 <= position <= count:
                    span = "the only position is 0" if count == 0 else f"a position runs from 0 to {count}"
                    raise OutOfRangeError(
                        f"position {position} is out of range: section '{_short(target.title)}' holds "
                        f"{count} passage{'s' if count != 1 else ''}, so {span}"
                    )
            pid = self.store.add_placement(
                section=section, passage=passage, position=position, placement_id=placement_id
            )
        self.notify(ChangeArea.OUTLINE, section)
        return pid


def find_quote(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """Where the ``occurrence``-th appearance of ``quote`` is in ``text``, whitespace differences ignored.

    A quote copied from a PDF viewer has line breaks where the text has spaces
    (or the other way round): any run of whitespace in the quote matches any run
    in the text. The span is the text's own, so the stored quote is the document's.
    """
    import re  # the pattern is the quote's words, escaped: nothing a user wrote runs as a pattern

    words = quote.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    for n, match in enumerate(pattern.finditer(text), start=1):
        if n == occurrence:
            return match.start(), match.end()
    return None


def _suggest(name: str, names: list[str]) -> str:
    """``did you mean 'X'?`` for the closest names, else the known names."""
    import difflib

    folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{folded[c]}'" for c in close) + "?"
    return f"known tags: {', '.join(names)}" if names else "the codebook is empty"


@dataclass(frozen=True)
class AutotagPlan:
    """What an auto-tag run would tag: the spans in each document, and the tag."""

    tag_id: int
    spans: dict[int, tuple[tuple[int, int], ...]]  # document id -> spans, in order

    @property
    def count(self) -> int:
        return sum(len(spans) for spans in self.spans.values())


@dataclass
class AutotagResult:
    """What a run stored: passages it created, and passages already there that gained the tag."""

    created: list[int] = field(default_factory=list)
    tagged: list[int] = field(default_factory=list)


def refuse_double_placement(store: Store, section: int, passages: Sequence[int], title: str | None = None) -> None:
    """Raise ``DoublePlacementError`` if ``section`` already holds any of ``passages``, or they repeat one."""
    held = store.passages_in_section(section, passages)
    repeated = [pid for pid, n in Counter(passages).items() if n > 1]
    if held or repeated:
        raise double_placement_error(title if title is not None else store.get_section(section).title, held + repeated)


def double_placement_error(title: str, passages: Iterable[int]) -> DoublePlacementError:
    """The one message for a passage placed twice in a section, naming the section and the passages."""
    clash = sorted(set(passages))
    which = ", ".join(map(str, clash))
    return DoublePlacementError(
        f"section '{_short(title)}' already holds passage{'s' if len(clash) > 1 else ''} {which}; "
        "a passage is placed in a section once"
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _widen(text: str, start: int, end: int, scope: str) -> tuple[int, int]:
    """Grow a match to its paragraph (a line), trimming surrounding whitespace; "match" leaves it.

    The sentence scope is :meth:`briefer.core.sentences.SentenceFinder.around`.
    """
    if scope != "paragraph":
        return start, end
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right == -1 else right
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right
