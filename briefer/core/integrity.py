"""Is the evidence still what was stored? The one verification Briefer has.

Three callers share it: ``briefer check`` (everything: SQLite's own check,
references, every document's text against its SHA-256, every quote against
its text), the export (the documents and quotes it prints: an unverified
quote in the outline stops it unless the analyst allows it, marked), and the
window (the cheap part only, when it opens a project: references, no hashing).

A passage is *unverified* when its document's text no longer matches the
hash stored at import (a flipped byte, an edit by another program), or when
its quote no longer sits at its offsets in that text. Whether that is
*damage* (``check`` reports it) is decided in :func:`judge_passage`, the one
place that knows about a passage's anchoring.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from briefer.core.errors import ProjectFileError
from briefer.core.model import Passage
from briefer.core.store import Store


class Verdict(Enum):
    """What a passage's quote can be trusted for."""

    VERIFIED = "verified"
    TEXT_CHANGED = "its document's text no longer matches the SHA-256 stored at import"
    QUOTE_MISMATCH = "its quote no longer matches its document's text at its offsets"
    NEEDS_REVIEW = "its anchor needs review after the document was updated"

    @property
    def verified(self) -> bool:
        return self is Verdict.VERIFIED

    @property
    def is_damage(self) -> bool:
        """Whether ``check`` reports it: a passage waiting for review is expected, not damage."""
        return self in (Verdict.TEXT_CHANGED, Verdict.QUOTE_MISMATCH)


def judge_passage(passage: Passage, *, text_intact: bool, quote_matches: bool) -> Verdict:
    """The verdict on one passage, given whether its document's text passes its hash and
    whether ``text[start:end] == quote``. The export and ``check`` both ask here."""
    if not text_intact:  # a damaged text makes every quote from it untrustworthy, however anchored
        return Verdict.TEXT_CHANGED
    # A fuzzy or orphaned passage keeps its old quote and offsets, into the
    # previous version, so its quote is not expected to match: it is unverified
    # (the export will not print it unmarked) but not damage (check is silent).
    if not passage.anchored:
        return Verdict.NEEDS_REVIEW
    if not quote_matches:
        return Verdict.QUOTE_MISMATCH
    return Verdict.VERIFIED


def text_intact(text: str, sha256: str) -> bool:
    """Whether ``text`` still hashes to the SHA-256 stored with it (of its UTF-8 bytes, as import computed).

    ``surrogateescape`` turns bytes that were not UTF-8, as
    ``Store.document_texts`` reads them, back into those same bytes.
    """
    import hashlib  # here: the window's start-up check of references (this module) hashes nothing

    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest() == sha256


@dataclass(frozen=True)
class DocumentVerdict:
    """Whether a document's text passes its hash, and the verdict on each of its passages."""

    intact: bool
    passages: dict[int, Verdict]

    def unverified(self) -> dict[int, Verdict]:
        return {pid: v for pid, v in self.passages.items() if not v.verified}


def verify_document(text: str, sha256: str, passages: Iterable[Passage]) -> DocumentVerdict:
    """Check one document's stored text against its stored hash and each of its passages against the text."""
    intact = text_intact(text, sha256)
    return DocumentVerdict(
        intact,
        {p.id: judge_passage(p, text_intact=intact, quote_matches=text[p.start : p.end] == p.quote) for p in passages},
    )


@dataclass(frozen=True)
class Problem:
    """One thing found wrong, as one line an analyst can act on."""

    kind: str  # "sqlite", "text", "quote", "placement-passage", "placement-section", "section-parent", ...
    message: str


@dataclass
class IntegrityReport:
    """What a check looked at and what it found."""

    documents: int = 0
    passages: int = 0
    placements: int = 0
    problems: list[Problem] = field(default_factory=list)
    verdicts: dict[int, Verdict] = field(default_factory=dict)  # passage id -> verdict, unverified ones only

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"ok: {self.documents} documents, {self.passages} passages, {self.placements} placements verified"


_REFERENCE_MESSAGES = {
    "placement-passage": "placement {0} points at passage {1}, which does not exist",
    "placement-section": "placement {0} points at section {1}, which does not exist",
    "section-parent": "section {0} is inside section {1}, which does not exist",
    "passage-document": "passage {0} quotes document {1}, which does not exist",
}


def check_references(store: Store) -> list[Problem]:
    """The cheap part: placements, sections and passages naming rows that do not exist.

    Reads indexes and the small outline tables only, no text, so the window
    runs it each time it opens a project.
    """
    try:
        broken = store.broken_references()
    except ProjectFileError as exc:
        return [Problem("sqlite", f"the references could not be read: {exc}")]
    return [Problem(kind, _REFERENCE_MESSAGES[kind].format(row, ref)) for kind, row, ref in broken]


def verify_project(store: Store) -> IntegrityReport:
    """Everything: SQLite's integrity check, references, every text against its hash and
    every quote against its text. Problems that make a part unreadable become problems too,
    so a damaged file gets a report rather than an error."""
    report = IntegrityReport()
    try:
        report.problems += [Problem("sqlite", f"SQLite integrity check: {line}") for line in store.sqlite_integrity()]
    except ProjectFileError as exc:
        report.problems.append(Problem("sqlite", f"SQLite integrity check failed: {exc}"))
    report.problems += check_references(store)
    try:
        report.placements = store.placement_count()
        passages = store.list_passages()
    except ProjectFileError as exc:
        report.problems.append(Problem("sqlite", f"the passages could not be read: {exc}"))
        return report
    by_document: dict[int, list[Passage]] = {}
    for p in passages:
        by_document.setdefault(p.document, []).append(p)
    report.passages = len(passages)
    after = 0
    while True:
        try:
            page = store.document_texts(after)
        except ProjectFileError as exc:
            report.problems.append(Problem("sqlite", f"the documents after id {after} could not be read: {exc}"))
            break
        if not page:
            break
        for doc_id, title, sha256, text in page:
            quoted = by_document.get(doc_id, [])
            report.documents += 1
            _report_document(report, doc_id, title, quoted, verify_document(text, sha256, quoted))
        after = page[-1][0]
    return report


def _report_document(
    report: IntegrityReport, doc_id: int, title: str, passages: list[Passage], verdict: DocumentVerdict
) -> None:
    name = f"document {doc_id} '{_short(title)}'"
    if not verdict.intact:
        quoted = f"{len(passages)} passage{'s' if len(passages) != 1 else ''} quote it"
        report.problems.append(
            Problem("text", f"{name}: its text no longer matches the SHA-256 stored at import ({quoted})")
        )
    report.verdicts.update(verdict.unverified())
    for p in passages:  # a changed text is one line above, not one per passage
        if verdict.intact and verdict.passages[p.id].is_damage:
            report.problems.append(
                Problem(
                    "quote",
                    f"passage {p.id}: its quote {_short(p.quote)!r} no longer matches {name} at {p.start}-{p.end}",
                )
            )


def _short(text: str, limit: int = 50) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
