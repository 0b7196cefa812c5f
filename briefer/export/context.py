"""The template context: a read-only, plain view of a project for templates.

Everything here is frozen dataclasses of strings, numbers and lists, so a
template cannot change the project and the sandbox has nothing dangerous to
reach. ``templates/README.md`` documents every field; keep the two in step.

Templates mostly print the placed passages, so only their views (and their
documents) are built up front; ``passages`` (a view of every passage, 200,000
on a large project), ``documents``, ``sources``, ``tags`` and the stance
counts are read the first time a template names them.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from briefer.core.integrity import Verdict, judge_passage, text_intact
from briefer.core.model import Document, DocumentInfo, Passage, Placement, ProjectMeta, Section, Tag, page_labels
from briefer.core.store import Store
from briefer.export.card_markup import author_year
from briefer.export.citations import DEFAULT_STYLE, Citations, CitationStyle, load_style
from briefer.export.errors import ExportError
from briefer.export.export_warnings import (
    ExportWarning,
    empty_section_warning,
    missing_field_warning,
    untranslated_warning,
)
from briefer.export.mdescape import Trusted

# The end of a sentence; searched for only within a paragraph (a line), so never across a line break.
_SENTENCE_END = re.compile(r"[.!?。！？]+[\"'”’」』)）]*\s*")
# A paragraph is a line whose first character after spaces and tabs is not
# whitespace. Searching from the newline (a literal the regex engine scans
# for quickly) is much faster than a multiline ``^``.
_NONBLANK_START = re.compile(r"[ \t]*\S")
_BLANK_AFTER_NEWLINE = re.compile(r"\n(?![ \t]*\S)")
_CJK_QUOTE = re.compile(r"[\u3400-\u9fff]")
# The names a template sees, in the order templates/README.md lists them.
CONTEXT_NAMES = (
    "meta",
    "today",
    "outline",
    "sections",
    "cited",
    "passages",
    "tagged",
    "documents",
    "sources",
    "tags",
    "stances",
    "stance_counts",
    "warnings",
    "citation_style",
    "bibliography",
    "sources_of",
)


@dataclass(frozen=True)
class DocumentView:
    id: int
    number: int  # source number, in order of first citation; 0 when never cited
    title: str
    publisher: str
    author: str
    date: str
    url: str
    language: str
    source_file: str
    cite: str  # one-line citation: publisher, author, date, "title" (URL separate)
    type: str = ""  # the CSL item type to cite it as (DocumentInfo.item_type)
    doi: str = ""
    container: str = ""  # newspaper, journal or website, apart from the publisher
    author_year: str = ""  # a debate card's short cite: "Raman 2025", else "Outlet 2025"
    # The export's citations, which format ``reference`` when a template asks for it.
    _citations: Citations | None = field(default=None, repr=False, compare=False)

    @property
    def reference(self) -> Trusted:
        """Its entry in the source list, formatted by the citation style (Markdown)."""
        return Trusted(self._citations.reference(self.id) if self._citations is not None else "")


@dataclass(frozen=True)
class TagView:
    id: int
    name: str
    color: str
    description: str
    is_stance: bool
    parent: str  # parent tag name, "" at top level
    count: int  # passages carrying this tag


@dataclass(frozen=True)
class PassageView:
    id: int
    citation: int  # footnote number, in order of first appearance in the outline
    quote: str
    note: str  # Markdown written by the analyst
    translation: str
    tags: list[str]
    language: str  # the document's language
    is_cjk: bool
    document: DocumentView
    start: int
    end: int
    sentence: str  # the sentence(s) containing the quote
    paragraph: str  # the paragraph(s) containing the quote
    paragraph_before: str  # paragraph text before the quote
    paragraph_after: str  # paragraph text after the quote
    paragraph_number: int  # which paragraph (non-empty line) of the document, from 1
    pages: tuple[str, ...] = ()  # labels of the pages it spans in a paged document (a PDF)
    # Formatted by the citation style, in citation order (Markdown): the note (or, for an
    # author-date style, the parenthetical citation), its pin cite, and the mark to put
    # after the quote (``[^N]``, or `` (Author, 2025, para. 1)``).
    footnote: str = ""
    pin: str = ""
    cite: str = ""
    foreign: bool = False  # the quote is not in English: print it with its translation
    # False when the quote cannot be trusted (see briefer.core.integrity): its
    # document's text fails its hash, or the quote no longer sits at its offsets.
    # Templates print a visible [unverified] mark beside such a quote.
    verified: bool = True


@dataclass(frozen=True)
class SectionView:
    id: int
    title: str
    notes: str  # Markdown written by the analyst
    stance: str  # stance tag name, "" when none
    level: int  # 1 for top-level sections
    number: str  # "1", "1.2", ...
    passages: list[PassageView] = field(default_factory=list)
    children: list[SectionView] = field(default_factory=list)


@dataclass(frozen=True)
class StanceCount:
    name: str
    tagged: int  # passages carrying the stance tag
    placed: int  # passages placed in sections with this stance


@dataclass(frozen=True)
class CitationStyleView:
    name: str  # "chicago", "apa", or a .csl file's name
    title: str  # the style's own title
    notes: bool  # a note style (footnotes); false for an author-date style (parenthetical citations)


# The views' fields are strings, numbers, lists and other views: safe for a template to read.
VIEW_TYPES = frozenset({DocumentView, TagView, PassageView, SectionView, StanceCount, CitationStyleView, ExportWarning})


class ExportContext:
    """Everything a template can use.

    What a briefing prints from the outline (its sections and the placed
    passages, their documents and citations) is built up front. The rest
    (``passages``: every passage; ``documents``, ``sources``, ``tags``,
    ``stances``, ``stance_counts``) is read from the project the first time a
    template names it, so an export costs what it prints, not what the project
    holds.
    """

    def __init__(
        self,
        *,
        meta: dict[str, str],
        today: str,
        outline: list[SectionView],
        sections: list[SectionView],
        cited: list[PassageView],
        warnings: list[ExportWarning],
        citation_style: CitationStyleView,
        citations: Citations,
        unverified: list[str],
        project: _Project,
    ) -> None:
        self.meta = meta
        self.today = today
        self.outline = outline
        self.sections = sections  # the outline flattened, depth first
        self.cited = cited  # passages placed in the outline, by citation number
        self.warnings = warnings
        self.citation_style = citation_style
        self.citations = citations
        # One line per passage placed in the outline that is unverified: what stops an export
        # unless the analyst allows it (then each prints marked [unverified]).
        self.unverified = unverified
        self._project = project
        # The names the template reads (prepare.py), found once per export; no template sees this.
        self.template_names: set[str] | None = None

    @cached_property
    def documents(self) -> list[DocumentView]:
        """Every document, in import order."""
        return self._project.every_document()

    @cached_property
    def sources(self) -> list[DocumentView]:
        """Every document with a passage, by source number (the outline's first)."""
        return self._project.sources()

    @cached_property
    def tags(self) -> list[TagView]:
        return self._project.tag_views()

    @cached_property
    def stances(self) -> list[StanceCount]:
        return self._project.stances()

    @cached_property
    def stance_counts(self) -> dict[str, int]:
        """Stance name -> passages tagged with it."""
        return {s.name: s.tagged for s in self.stances}

    @cached_property
    def bibliography(self) -> list[DocumentView]:
        """The documents cited in the outline, one each, in the style's source-list order."""
        return self.sources_of(self.cited)

    def sources_of(self, passages: Iterable[PassageView]) -> list[DocumentView]:
        """The documents of ``passages``, one each, in the style's source-list order."""
        documents = {p.document.id: p.document for p in passages}
        return [documents[d] for d in self.citations.sort(list(documents))]

    @cached_property
    def passages(self) -> list[PassageView]:
        """Every passage, by citation number (the placed ones are the objects in ``cited``)."""
        return self._project.every_passage()

    @cached_property
    def tagged(self) -> dict[str, list[PassageView]]:
        """Tag name -> its passages, by citation number: one pass over ``passages``.

        A table per tag written as ``passages`` filtered by tag inside a loop over
        ``tags`` reads every passage once per tag: 40 tags times 200,000 passages.
        """
        groups: dict[str, list[PassageView]] = {t.name: [] for t in self.tags}
        for passage in self.passages:
            for name in passage.tags:
                groups.setdefault(name, []).append(passage)
        return groups

    def as_template_vars(self) -> Mapping[str, object]:
        return TemplateVars(self)


class TemplateVars(Mapping[str, object]):
    """The context's names for Jinja, each read from the context only when a template asks for it.

    Jinja resolves exactly the names a template mentions, so a template that
    never names ``passages`` never pays for 20,000 passage views.
    """

    def __init__(self, context: ExportContext) -> None:
        self._context = context

    def __getitem__(self, name: str) -> object:
        if name not in CONTEXT_NAMES:
            raise KeyError(name)
        return getattr(self._context, name)

    def __contains__(self, name: object) -> bool:
        return name in CONTEXT_NAMES

    def __iter__(self) -> Iterator[str]:
        return iter(CONTEXT_NAMES)

    def __len__(self) -> int:
        return len(CONTEXT_NAMES)


def _damaged_placement(pl: Placement, what: str, ref: int) -> ExportError:
    return ExportError(
        f"the outline is damaged: placement {pl.id} points at {what} {ref}, "
        "which does not exist; run 'briefer check' on the project for the whole list"
    )


def _damaged_passage(p: Passage) -> ExportError:
    """A passage naming a document that is not there (a file edited by another program): the
    briefing cannot be built around it, and ``briefer check`` lists them all."""
    return ExportError(
        f"the project is damaged: passage {p.id} quotes document {p.document}, "
        "which does not exist; run 'briefer check' on the project for the whole list"
    )


# Documents whose text is read at once while every passage's view is built.
_TEXT_CHUNK = 32


class _Project:
    """What the context reads from the project beyond the outline, when a template first asks.

    The views it builds share the outline's: one DocumentView per document,
    the placed passages' views reused, citations formatted in citation order.
    A forked render child (isolation.py) must not use its parent's SQLite
    connection, so a process other than the one that built the context opens
    the project afresh (the parent builds what a template names before it
    forks; this is the fallback for a name it could not see).
    """

    def __init__(self, store: Store, style: CitationStyle) -> None:
        self._store = store
        self._pid = os.getpid()
        self._own: Store | None = None
        self.style = style
        self.tag_names: dict[int, str] = {}
        self.tags: list[Tag] = []
        self.sections: list[Section] = []
        self.placed_in: dict[int, list[int]] = {}
        self.placed_ids: list[int] = []
        self.cited_by_id: dict[int, PassageView] = {}
        self.views = _DocumentViews(self)
        self.citations = Citations(style, self.views)
        self.docs: dict[int, Document] = {}  # the placed passages' documents, with their text
        self.paragraphs: dict[int, _Paragraphs] = {}
        self._intact: dict[int, bool] = {}
        self._numbers: dict[int, int] = {}  # source numbers: the outline's documents first
        self._numbered_all = False
        self._infos: dict[int, DocumentInfo] | None = None

    def store(self) -> Store:
        if os.getpid() == self._pid:
            return self._store
        if self._own is None:
            self._own = Store.open(self._store.path, readonly=True)
        return self._own

    # ------------------------------------------------------------ documents
    def number(self, doc_id: int) -> int:
        if doc_id not in self._numbers and not self._numbered_all:
            # After the outline's, passages are cited in document order, so their
            # documents are numbered in id order.
            for d in self.store().documents_with_passages():
                self._numbers.setdefault(d, len(self._numbers) + 1)
            self._numbered_all = True
        return self._numbers.get(doc_id, 0)

    def number_placed(self, doc_id: int) -> None:
        self._numbers.setdefault(doc_id, len(self._numbers) + 1)

    def info(self, doc_id: int) -> DocumentInfo:
        if doc_id in self.docs:
            return self.docs[doc_id]
        if self._infos is None:
            self._infos = {d.id: d for d in self.store().list_documents()}
        return self._infos[doc_id]

    def every_document(self) -> list[DocumentView]:
        if self._infos is None:
            self._infos = {d.id: d for d in self.store().list_documents()}
        return [self.views[i] for i in sorted(self._infos)]

    def sources(self) -> list[DocumentView]:
        self.number(-1)  # number every document with a passage
        return [self.views[d] for d in sorted(self._numbers, key=self._numbers.__getitem__)]

    # ------------------------------------------------------------- passages
    def verdict(self, p: Passage, doc: Document) -> Verdict:
        """The quote checked against its document: the text hashed once per document, only
        for the documents of quotes that are printed."""
        if doc.id not in self._intact:
            self._intact[doc.id] = text_intact(doc.text, doc.sha256)
        return judge_passage(p, text_intact=self._intact[doc.id], quote_matches=doc.text[p.start : p.end] == p.quote)

    def view(self, p: Passage, doc: Document, citation: int, paragraphs: dict[int, _Paragraphs]) -> PassageView:
        return _passage_view(
            p,
            doc,
            citation,
            self.views[doc.id],
            self.tag_names,
            paragraphs,
            self.citations,
            self.verdict(p, doc).verified,
        )

    def every_passage(self) -> list[PassageView]:
        """Every passage's view: the outline's, then the rest in document order, each document's
        text read in turn (a few at a time, never the whole project's at once)."""
        store = self.store()
        placed = set(self.placed_ids)
        rest = [p for p in store.list_passages() if p.id not in placed]
        result = [self.cited_by_id[pid] for pid in self.placed_ids]
        by_document: dict[int, list[Passage]] = {}
        for p in rest:  # already in document order
            by_document.setdefault(p.document, []).append(p)
        doc_ids = list(by_document)
        for chunk in range(0, len(doc_ids), _TEXT_CHUNK):
            part = doc_ids[chunk : chunk + _TEXT_CHUNK]
            missing = [d for d in part if d not in self.docs]
            texts = store.documents_with_text(missing) if missing else {}
            for doc_id in part:
                doc = self.docs.get(doc_id) or texts.get(doc_id)
                if doc is None:
                    raise _damaged_passage(by_document[doc_id][0])
                paragraphs = self.paragraphs if doc_id in self.docs else {}
                for p in by_document[doc_id]:
                    result.append(self.view(p, doc, len(result) + 1, paragraphs))
        return result

    # ----------------------------------------------------------------- tags
    def tag_views(self) -> list[TagView]:
        counts = self.store().tag_counts()  # passage_tags holds each (passage, tag) once
        return [
            TagView(
                t.id,
                t.name,
                t.color,
                t.description,
                t.is_stance,
                self.tag_names.get(t.parent, "") if t.parent else "",
                counts.get(t.id, 0),
            )
            for t in self.tags
        ]

    def stances(self) -> list[StanceCount]:
        stance_ids = [t.id for t in self.tags if t.is_stance]
        counts = self.store().tag_counts(stance_ids) if stance_ids else {}
        return _stance_counts(self.tags, self.sections, self.placed_in, counts)


class _DocumentViews(Mapping[int, DocumentView]):
    """One view per document, made when first asked for (the citations read documents through it)."""

    def __init__(self, project: _Project) -> None:
        self._project = project
        self._views: dict[int, DocumentView] = {}

    def __getitem__(self, doc_id: int) -> DocumentView:
        if doc_id not in self._views:
            project = self._project
            self._views[doc_id] = _document_view(project.info(doc_id), project.number(doc_id), project.citations)
        return self._views[doc_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._views)

    def __len__(self) -> int:
        return len(self._views)


def build_context(
    store: Store, style: CitationStyle | None = None, *, source_list_aside: bool = False
) -> ExportContext:
    """The outline's sections and placed passages as views, each quote verified against its document.

    Only the placed passages and their documents are read; what else a
    template may name is read when it does (see ``ExportContext``). A passage
    that cannot be verified gets ``verified=False``; the placed ones are
    listed in ``unverified`` for the export to refuse or mark. A broken
    reference (a damaged file) raises ``ExportError``. Citations are formatted
    in ``style`` (Chicago by default), in citation order. With ``source_list_aside``
    (the template prints the outline's source list), that list is formatted in a
    forked child while the notes are formatted here (``Citations.prepare_aside``).
    """
    style = style if style is not None else load_style(DEFAULT_STYLE)
    project = _Project(store, style)
    meta = store.get_meta()
    project.tags = tags = store.list_tags()
    project.tag_names = {t.id: t.name for t in tags}
    project.sections = sections = store.list_sections()
    placements = store.list_placements()
    section_ids = {s.id for s in sections}
    placed_in = project.placed_in
    for pl in sorted(placements, key=lambda x: (x.section, x.position)):
        if pl.section not in section_ids:
            raise _damaged_placement(pl, "section", pl.section)
        placed_in.setdefault(pl.section, []).append(pl.passage)
    # Citation numbers follow the first appearance in the outline (depth first),
    # then the unplaced passages in document order, so annexes can cite them too.
    order: dict[int, None] = {}  # an ordered set
    for sec in sections:
        order.update((pid, None) for pid in placed_in.get(sec.id, []))
    project.placed_ids = placed_ids = list(order)
    passages = store.passages_by_id(placed_ids)
    for pl in placements:
        if pl.passage not in passages:
            raise _damaged_placement(pl, "passage", pl.passage)
    project.docs = docs = store.documents_with_text(passages[pid].document for pid in placed_ids)
    for pid in placed_ids:
        p = passages[pid]
        if p.document not in docs:
            raise _damaged_passage(p)
        project.number_placed(p.document)
    # Every document the child needs is read and numbered by now: it never touches the store.
    take_in_sources = (
        project.citations.prepare_aside(list(dict.fromkeys(passages[pid].document for pid in placed_ids)))
        if source_list_aside
        else None
    )
    try:
        context = _finish_context(project, style, meta, sections, placed_in, placed_ids, passages, docs)
    except BaseException:
        if take_in_sources is not None:
            take_in_sources(False)  # the export fails: stop the child rather than wait for it
        raise
    if take_in_sources is not None:
        take_in_sources(True)
    return context


def _finish_context(
    project: _Project,
    style: CitationStyle,
    meta: ProjectMeta,
    sections: list[Section],
    placed_in: dict[int, list[int]],
    placed_ids: list[int],
    passages: dict[int, Passage],
    docs: dict[int, Document],
) -> ExportContext:
    """The placed passages' views (their notes formatted in citation order), the outline and the warnings."""
    tag_names = project.tag_names
    cited = [
        project.view(passages[pid], docs[passages[pid].document], n, project.paragraphs)
        for n, pid in enumerate(placed_ids, 1)
    ]
    project.cited_by_id = cited_by_id = {v.id: v for v in cited}
    # The section a passage first appears in, in outline order (later ones are overwritten by earlier).
    section_of = {pid: sec for sec in reversed(sections) for pid in placed_in.get(sec.id, [])}
    unverified = [
        _unverified_line(p, project.verdict(p, docs[p.document]), docs[p.document], section_of[v.id])
        for v in cited
        if not v.verified
        for p in (passages[v.id],)
    ]
    outline = _outline(sections, placed_in, cited_by_id, tag_names)
    flat: list[SectionView] = []

    def walk(nodes: list[SectionView]) -> None:
        for node in nodes:
            flat.append(node)
            walk(node.children)

    walk(outline)
    return ExportContext(
        meta={name: getattr(meta, name) for name in meta.FIELDS},
        today=date.today().isoformat(),
        outline=outline,
        sections=flat,
        cited=cited,
        warnings=_warnings(flat, cited, project.citations),
        citation_style=CitationStyleView(style.name, style.title, style.notes),
        citations=project.citations,
        unverified=unverified,
        project=project,
    )


def _unverified_line(p: Passage, verdict: Verdict, doc: Document, section: Section) -> str:
    quote = " ".join(p.quote.split())
    quote = quote if len(quote) <= 50 else quote[:49] + "…"
    return (
        f"passage {p.id} {quote!r} in section '{section.title}', from document {doc.id} "
        f"'{doc.title or doc.source_file}': {verdict.value}"
    )


def _warnings(sections: list[SectionView], cited: list[PassageView], citations: Citations) -> list[ExportWarning]:
    """What the briefing made from the outline lacks: citation fields, translations, section contents."""
    warnings: list[ExportWarning] = []
    cited_documents = sorted({p.document.id: p.document for p in cited}.values(), key=lambda d: d.number)
    for doc in cited_documents:
        for name in citations.missing_fields(doc.id):
            title = doc.title or doc.source_file
            warnings.append(missing_field_warning(doc.number, title, doc.id, name, citations.style.name))
    warnings += [
        untranslated_warning(p.id, p.citation, p.quote, p.language)
        for p in cited
        if p.foreign and not p.translation.strip()
    ]
    empty: set[int] = set()
    for sec in reversed(sections):  # children before parents
        if not sec.notes.strip() and not sec.passages and all(c.id in empty for c in sec.children):
            empty.add(sec.id)
    reported: set[int] = set()
    for sec in sections:  # parents first: an empty parent speaks for its empty children
        if sec.id in empty and not reported.intersection(c.id for c in sec.children):
            warnings.append(empty_section_warning(sec.id, sec.number, sec.title))
        if sec.id in empty:
            reported.update(c.id for c in sec.children)
            reported.add(sec.id)
    return warnings


def _document_view(doc: DocumentInfo, number: int, citations: Citations) -> DocumentView:
    parts = [doc.publisher, doc.author, doc.date, f"“{doc.title}”" if doc.title else doc.source_file]
    cite = ", ".join(part.strip() for part in parts if part and part.strip())
    return DocumentView(
        doc.id,
        number,
        doc.title,
        doc.publisher,
        doc.author,
        doc.date,
        doc.url,
        doc.language,
        doc.source_file,
        cite,
        type=doc.item_type,
        doi=doc.doi,
        container=doc.container,
        author_year=author_year(doc.author, doc.date, doc.container or doc.publisher, doc.title or doc.source_file),
        _citations=citations,
    )


class _Surroundings(NamedTuple):
    """Where a passage sits in its document's text: what a template prints around the quote."""

    sentence: str
    paragraph: str
    before: str
    after: str
    paragraph_number: int
    pages: tuple[str, ...]


def _surroundings(p: Passage, doc: Document, paragraphs: dict[int, _Paragraphs]) -> _Surroundings:
    """The sentence, paragraph and pages around ``p``.

    A fuzzy or orphaned passage (awaiting review after its document was updated)
    has offsets into the previous text, so nothing around them in the current
    text is its context: it stands alone, its quote its own sentence and
    paragraph, with no page or paragraph number to pin cite, so a debate card
    never reads or highlights the wrong words.
    """
    if not p.anchored:
        quote = p.quote.strip()
        return _Surroundings(quote, quote, "", "", 0, ())
    text = doc.text
    if doc.id not in paragraphs:
        paragraphs[doc.id] = _Paragraphs(text)
    para_start = text.rfind("\n", 0, p.start) + 1
    para_end = text.find("\n", p.end)
    para_end = len(text) if para_end == -1 else para_end
    sent_start = para_start
    for m in _SENTENCE_END.finditer(text, para_start, p.start):
        sent_start = m.end()
    after = _SENTENCE_END.search(text, p.end, para_end)
    sent_end = para_end if after is None else after.end()
    return _Surroundings(
        sentence=text[sent_start:sent_end].strip(),
        paragraph=text[para_start:para_end].strip(),
        before=text[para_start : p.start].lstrip(),
        after=text[p.end : para_end].rstrip(),
        paragraph_number=paragraphs[doc.id].number(para_start),
        pages=tuple(page_labels(doc.pages, p.start, p.end)),
    )


def _passage_view(
    p: Passage,
    doc: Document,
    number: int,
    doc_view: DocumentView,
    tag_names: dict[int, str],
    paragraphs: dict[int, _Paragraphs],
    citations: Citations,
    verified: bool = True,
) -> PassageView:
    around = _surroundings(p, doc, paragraphs)
    note = citations.note(doc.id, around.pages, around.paragraph_number)
    is_cjk = doc.language.startswith("zh") or bool(_CJK_QUOTE.search(p.quote))
    return PassageView(
        id=p.id,
        citation=number,
        quote=p.quote,
        note=p.note,
        translation=p.translation,
        tags=[tag_names[t] for t in p.tags if t in tag_names],
        language=doc.language,
        is_cjk=is_cjk,
        document=doc_view,
        start=p.start,
        end=p.end,
        sentence=around.sentence,
        paragraph=around.paragraph,
        paragraph_before=around.before,
        paragraph_after=around.after,
        paragraph_number=around.paragraph_number,
        pages=around.pages,
        footnote=Trusted(note.text),
        pin=Trusted(note.pin),
        cite=Trusted(f"[^{number}]" if citations.style.notes else f" {note.text}"),
        foreign=is_cjk or _foreign_language(doc.language),
        verified=verified,
    )


def _foreign_language(language: str) -> bool:
    code = language.strip().lower()
    return bool(code) and code != "und" and code.split("-")[0] != "en"


class _Paragraphs:
    """Paragraph numbers in one document: its non-blank lines, counted from the start, from 1.

    A line is blank when its first character after spaces and tabs is
    whitespace (or there is none). Blank lines are found once, and only as
    far into the text as a passage asked about (most cited documents have
    one or two passages; scanning every whole text took some 5% of the context's
    time); lines are counted with ``str.count`` from the nearest offset
    already counted to, so a document is scanned about once however many of
    its passages are cited, instead of listing every line start of every
    cited document up front.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._blanks = _BLANK_AFTER_NEWLINE.finditer(text)
        self._blank_after_newline: list[int] = []  # the blank lines' starts found so far, in order
        self._first_line_blank = _NONBLANK_START.match(text) is None
        self._counted = [0]  # offsets, sorted, with the number of newlines before each
        self._newlines = [0]

    def number(self, line_start: int) -> int:
        """The paragraph number of the line that starts at ``line_start``."""
        if line_start == 0:
            return 1
        # Lines starting before line_start: the first, and one after each newline before line_start - 1.
        end = line_start - 1
        i = bisect.bisect_right(self._counted, end) - 1
        newlines = self._newlines[i] + self._text.count("\n", self._counted[i], end)
        self._counted.insert(i + 1, end)
        self._newlines.insert(i + 1, newlines)
        lines_before = 1 + newlines
        found = self._blank_after_newline
        while not found or found[-1] < line_start:  # find every blank line that starts before line_start
            blank = next(self._blanks, None)
            if blank is None:
                break
            found.append(blank.start() + 1)
        blank_before = int(self._first_line_blank) + bisect.bisect_left(found, line_start)
        return lines_before - blank_before + 1


def _outline(
    sections: list[Section], placed_in: dict[int, list[int]], pviews: dict[int, PassageView], tag_names: dict[int, str]
) -> list[SectionView]:
    children: dict[int | None, list[Section]] = {}
    for sec in sections:  # already parents first, siblings in order
        children.setdefault(sec.parent, []).append(sec)

    def build(parent: int | None, level: int, prefix: str) -> list[SectionView]:
        nodes = []
        for i, sec in enumerate(children.get(parent, []), 1):
            number = f"{prefix}{i}"
            nodes.append(
                SectionView(
                    id=sec.id,
                    title=sec.title,
                    notes=sec.notes,
                    stance=tag_names.get(sec.stance, "") if sec.stance else "",
                    level=level,
                    number=number,
                    passages=[pviews[pid] for pid in placed_in.get(sec.id, [])],
                    children=build(sec.id, level + 1, number + "."),
                )
            )
        return nodes

    return build(None, 1, "")


def _stance_counts(
    tags: list[Tag], sections: list[Section], placed_in: dict[int, list[int]], tag_counts: dict[int, int]
) -> list[StanceCount]:
    """Per stance tag: passages tagged, and passages placed in sections arguing it, each counted
    once however many of them hold it. A subsection without a stance argues its parent's, as
    in the window's balance view."""
    argues: dict[int, int | None] = {}
    for sec in sections:  # parents come first
        argues[sec.id] = sec.stance if sec.stance is not None else argues.get(sec.parent) if sec.parent else None
    result = []
    for tag in (t for t in tags if t.is_stance):
        tagged = tag_counts.get(tag.id, 0)
        placed = {pid for sec in sections if argues[sec.id] == tag.id for pid in placed_in.get(sec.id, [])}
        result.append(StanceCount(tag.name, tagged, len(placed)))
    return result
