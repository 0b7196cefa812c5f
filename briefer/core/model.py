"""Domain dataclasses: what the store returns and the services pass around.

Offsets: ``Passage.start`` and ``Passage.end`` are Python ``str`` indices, i.e.
Unicode code points, into ``Document.text`` (the normalised text as stored).
The invariant ``document.text[start:end] == passage.quote`` holds for passages
anchored ``exact`` or ``moved``; after a new version of a document (``briefer
update``) a ``fuzzy`` or ``orphaned`` passage keeps its quote and its offsets
into the previous text. Qt counts UTF-16 code units instead; only the reader
widget converts.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProjectMeta:
    """The briefing's own details: what the export puts above the outline."""

    title: str = ""
    author: str = ""
    date: str = ""
    marking: str = ""
    bottom_line: str = ""

    FIELDS = ("title", "author", "date", "marking", "bottom_line")


@dataclass(frozen=True)
class DocumentInfo:
    """A document's metadata without its (possibly large) text."""

    id: int
    title: str
    publisher: str
    author: str
    date: str
    url: str
    language: str  # "en", "zh-Hans", "zh-Hant", "zh" or "und"
    source_file: str
    sha256: str
    length: int
    type: str = ""  # a CSL item type ("report", "article-newspaper", "webpage", ...) or ""
    doi: str = ""
    container: str = ""  # the newspaper, journal or website, kept apart from the publisher
    version: int = 1  # 1 until `briefer update` gives the document a new text

    METADATA_FIELDS = ("title", "publisher", "author", "date", "url", "language", "type", "doi", "container")

    @property
    def item_type(self) -> str:
        """The CSL item type to cite it as: what a source said, else a guess from what it has.

        The guess is not stored, so a bibliography record or the analyst can
        still fill ``type`` in: a container makes a newspaper article, a PDF or
        a publisher a report, anything else a web page.
        """
        if self.type:
            return self.type
        if self.container:
            return "article-newspaper"
        if self.publisher or self.source_file.lower().endswith(".pdf"):
            return "report"
        return "webpage"


@dataclass(frozen=True)
class Page:
    """Where a page of a paged document (a PDF) starts in its text, and the label printed on it."""

    start: int  # code-point offset into the document text
    label: str  # the PDF's own page label ("iv", "12") or the 1-based page number


@dataclass(frozen=True)
class Document(DocumentInfo):
    """A document with its text and, for a paged document, where each page starts."""

    text: str = ""
    pages: tuple[Page, ...] = ()


def page_labels(pages: tuple[Page, ...], start: int, end: int) -> list[str]:
    """The labels of the pages that ``text[start:end]`` spans (none for an unpaged document)."""
    if not pages:
        return []
    starts = [page.start for page in pages]
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, first)
    return [page.label for page in pages[first : last + 1]]


@dataclass(frozen=True)
class Tag:
    """A codebook entry; a stance tag marks a position the briefing weighs."""

    id: int
    name: str
    color: str  # "#rrggbb"
    description: str = ""
    parent: int | None = None
    position: int = 0
    is_stance: bool = False


ANCHORED = ("exact", "moved")
"""Anchors whose passages lie at ``text[start:end] == quote`` in the current text."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """Where a fuzzy passage's text seems to be in the current text, and how like its quote it is (0..1)."""

    start: int
    end: int
    quote: str
    score: float


@dataclass(frozen=True)
class Passage:
    """A tagged span of a document: its quote, context, note and translation.

    ``anchor`` says how the quote was found when the document last got a new
    version: ``exact`` or ``moved`` (at ``start``/``end``), ``fuzzy`` (the old
    quote and offsets, with a ``candidate`` in the current text to accept) or
    ``orphaned`` (the old quote and offsets; not found).
    """

    id: int
    document: int
    start: int  # code-point offset into the document text (see module doc)
    end: int
    quote: str
    prefix: str = ""  # context before the quote, for re-anchoring after edits
    suffix: str = ""
    note: str = ""
    translation: str = ""
    created: str = ""
    modified: str = ""
    tags: tuple[int, ...] = field(default=())
    anchor: str = "exact"  # "exact", "moved", "fuzzy" or "orphaned"
    candidate: Candidate | None = None  # for a fuzzy passage

    @property
    def anchored(self) -> bool:
        """Whether ``text[start:end] == quote`` holds in the document's current text."""
        return self.anchor in ANCHORED


@dataclass(frozen=True)
class Section:
    """A section of the outline (sections nest through ``parent``)."""

    id: int
    title: str
    parent: int | None = None
    position: int = 0
    notes: str = ""  # Markdown written by the analyst
    stance: int | None = None  # a tag id


@dataclass(frozen=True)
class Placement:
    """A passage placed in a section, at a position among its siblings."""

    id: int
    section: int
    passage: int
    position: int


@dataclass(frozen=True)
class PassageSnapshot:
    """Everything needed to bring a deleted passage back exactly (for undo)."""

    passage: Passage
    placements: tuple[Placement, ...]


@dataclass(frozen=True)
class SectionSnapshot:
    """A section subtree with its placements, for undoing a delete."""

    sections: tuple[Section, ...]
    placements: tuple[Placement, ...]


@dataclass(frozen=True)
class TagSnapshot:
    """A tag subtree and its passage links, for undoing a delete or merge."""

    tags: tuple[Tag, ...]
    links: tuple[tuple[int, int], ...]  # (passage, tag)
    stance_sections: tuple[tuple[int, int], ...] = ()  # (section, tag)


@dataclass(frozen=True)
class SearchHit:
    """One match of a corpus search, with the text around it."""

    document: int
    start: int
    end: int
    context_before: str
    match: str
    context_after: str
