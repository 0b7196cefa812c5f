"""New versions of a document: replace its text, keep the old one, re-anchor its passages.

The operations ``briefer update``, ``briefer import --update``, ``briefer
accept`` and the window's review share (no Qt; SQL stays in the store). Each
is one transaction; the undoable commands in ``anchor_commands`` wrap them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from briefer.core.errors import BrieferError
from briefer.core.model import Page, Passage
from briefer.core.reanchor import ANCHORS, Anchor, Anchored, Outcome, reanchor
from briefer.core.service import CONTEXT_CHARS, ChangeArea, ProjectService, quote_in_context


@dataclass(frozen=True)
class NewText:
    """A new version's text as the import pipeline made it (normalised, hashed, paged)."""

    text: str
    sha256: str
    source_file: str
    pages: tuple[Page, ...] = ()


@dataclass(frozen=True)
class UpdateReport:
    """What updating one document did: its new version and each passage's outcome."""

    document: int
    version: int
    outcomes: tuple[tuple[Passage, Outcome], ...]  # the passage as it was, and what became of it
    unchanged: bool = False  # the new text was the text it had: nothing was done

    def counts(self) -> Counter[str]:
        return Counter(outcome.anchor for _, outcome in self.outcomes)

    def summary(self) -> str:
        """``re-anchored N passages: E exact, M moved, F fuzzy, O orphaned``."""
        counts = self.counts()
        parts = ", ".join(f"{counts[name]} {name}" for name in ANCHORS)
        return f"re-anchored {len(self.outcomes)} passages: {parts}"

    def review_lines(self) -> list[str]:
        """One line per fuzzy or orphaned passage, in document order."""
        lines = []
        for passage, outcome in self.outcomes:
            if outcome.anchor == "fuzzy" and outcome.candidate is not None:
                c = outcome.candidate
                lines.append(
                    f"fuzzy {passage.id}: {_clip(passage.quote)!r} -> {_clip(c.quote)!r} "
                    f"at {c.start}-{c.end} (score {c.score:.2f}); accept with 'briefer accept PROJECT {passage.id}'"
                )
            elif outcome.anchor == "orphaned":
                lines.append(f"orphaned {passage.id}: {_clip(passage.quote)!r} is not in the new text")
        return lines


def _clip(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def update_document(service: ProjectService, doc_id: int, new: NewText) -> UpdateReport:
    """Replace a document's text with ``new``, keeping the old text as its previous version,
    and re-anchor every passage of the document; one transaction."""
    store = service.store
    document = store.get_document(doc_id)
    passages = store.list_passages(doc_id)
    if new.sha256 == document.sha256:
        kept = tuple((p, Outcome(_anchor_of(p), p.start, p.end, p.candidate)) for p in passages)
        return UpdateReport(doc_id, document.version, kept, unchanged=True)
    other = store.document_with_sha(new.sha256)
    if other is not None:
        raise BrieferError(f"{new.source_file} has the same text as document {other}; not updating document {doc_id}")
    outcomes = reanchor(document.text, new.text, [_anchored(p) for p in passages])
    with store.transaction():
        version = store.replace_document_text(
            doc_id, text=new.text, sha256=new.sha256, pages=new.pages, source_file=new.source_file
        )
        for passage, outcome in zip(passages, outcomes, strict=True):
            _store_outcome(service, new.text, passage, outcome)
    service.notify(ChangeArea.DOCUMENTS, doc_id)
    service.notify(ChangeArea.PASSAGES)
    return UpdateReport(doc_id, version, tuple(zip(passages, outcomes, strict=True)))


def revert_update(service: ProjectService, doc_id: int, passages: tuple[Passage, ...]) -> None:
    """Undo ``update_document``: the previous text back, and each passage as it was."""
    with service.store.transaction():
        service.store.revert_document_text(doc_id)
        for p in passages:
            restore_anchor(service, p, notify=False)
    service.notify(ChangeArea.DOCUMENTS, doc_id)
    service.notify(ChangeArea.PASSAGES)


def _anchor_of(passage: Passage) -> Anchor:
    return next((name for name in ANCHORS if name == passage.anchor), "exact")


def _anchored(passage: Passage) -> Anchored:
    """Where to look for a passage in its document's current text: its span, a fuzzy one's candidate, or nowhere."""
    if passage.anchored:
        return Anchored(passage.quote, passage.prefix, passage.suffix, passage.start, passage.end)
    if passage.candidate is not None:
        c = passage.candidate
        return Anchored(passage.quote, passage.prefix, passage.suffix, c.start, c.end)
    return Anchored(passage.quote, passage.prefix, passage.suffix, 0, 0, located=False)


def _store_outcome(service: ProjectService, text: str, passage: Passage, outcome: Outcome) -> None:
    if outcome.anchor in ("exact", "moved"):
        start, end = outcome.start, outcome.end
        service.store.set_passage_anchor(
            passage.id,
            outcome.anchor,
            start,
            end,
            *quote_in_context(text, start, end),
            None,
        )
    else:  # the old quote, context and offsets stay; a fuzzy one gains its candidate
        service.store.set_passage_anchor(
            passage.id,
            outcome.anchor,
            passage.start,
            passage.end,
            passage.quote,
            passage.prefix,
            passage.suffix,
            outcome.candidate,
        )


def reselect_passage(service: ProjectService, passage_id: int, start: int, end: int) -> Passage:
    """Anchor a passage ``exact`` at ``text[start:end]`` of its document's current text,
    which becomes its quote; returns the passage as it was (to undo with ``restore_anchor``)."""
    store = service.store
    before = store.get_passage(passage_id)
    window_start = max(0, start - CONTEXT_CHARS)
    length, excerpt = store.document_excerpt(before.document, window_start, end + CONTEXT_CHARS)
    if not 0 <= start < end <= length:
        raise BrieferError(f"passage {start}-{end} lies outside document {before.document} (length {length})")
    quote = excerpt[start - window_start : end - window_start]
    with store.transaction():
        if (existing := store.passage_at(before.document, start, end)) not in (None, passage_id):
            raise BrieferError(f"passage {existing} already marks that text; delete one of the two instead")
        store.set_passage_anchor(
            passage_id,
            "exact",
            start,
            end,
            quote,
            excerpt[: start - window_start],
            excerpt[end - window_start :],
            None,
        )
    service.notify(ChangeArea.PASSAGES, passage_id)
    return before


def accept_candidate(service: ProjectService, passage_id: int) -> Passage:
    """A fuzzy passage becomes ``exact`` at its candidate's span, with the candidate's text as its quote."""
    passage = service.store.get_passage(passage_id)
    if passage.anchor != "fuzzy" or passage.candidate is None:
        raise BrieferError(f"passage {passage_id} is {passage.anchor}, not fuzzy: there is no candidate to accept")
    return reselect_passage(service, passage_id, passage.candidate.start, passage.candidate.end)


def restore_anchor(service: ProjectService, before: Passage, *, notify: bool = True) -> None:
    """Put back a passage's span, quote, context, anchor and candidate as they were."""
    service.store.set_passage_anchor(
        before.id,
        before.anchor,
        before.start,
        before.end,
        before.quote,
        before.prefix,
        before.suffix,
        before.candidate,
    )
    if notify:
        service.notify(ChangeArea.PASSAGES, before.id)
