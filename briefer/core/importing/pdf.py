"""PDF reports: the text layer as a reader reads it, and where each page starts.

pypdf reads the text (pdfminer.six keeps paragraphs too, but took 6.7 s for a
200-page report where pypdf takes 0.8 s). Its plain extraction loses paragraph
breaks, so the lines are rebuilt from the positions pypdf reports for each
piece of text it writes (the pieces add up to exactly its output) and:

- running headers and footers go: a line at the top or bottom of a page that
  recurs on most pages (its digits aside), or is only a page number;
- a paragraph ends where the gap to the next line is clearly wider than the
  document's usual line spacing (or the text jumps up the page), and its lines
  are joined with a space (without one between Chinese characters), a word
  hyphenated across a line break joined again;
- a paragraph that runs on over a page break stays one paragraph.

What remains is verbatim: each paragraph is the printed words in order. Every
page's start in the text is kept with the PDF's own page label ("iv", "12")
where it defines them, else its 1-based number.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

from briefer.core.errors import ImportRejected
from briefer.core.importing.dates import iso_date
from briefer.core.model import Page
from briefer.core.textnorm import normalise

# Title and author values that name a file or a tool rather than the report.
_IMPLAUSIBLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel)\b|untitled\b|document\d*$|.*\.(?:docx?|pdf|rtf|odt|pptx?|indd|tex)$)",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d+|[ivxlcdm]+)(?:\s*(?:of|/)\s*\d+)?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SENTENCE_END = re.compile(r"[.!?。！？:;…\"'”’)\]）」』]$")
# How many lines at each edge of a page may be a running header or footer.
_EDGE_LINES = 2
# A gap this much wider than the usual line spacing starts a new paragraph.
_PARAGRAPH_GAP = 1.45

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd files are not the analyst's


@dataclass
class _Line:
    text: str
    y: float | None  # the baseline's height on the page, None when pypdf gave no position


@dataclass
class PdfText:
    """A PDF's text, its pages and the metadata its information dictionary or XMP gives."""

    text: str
    pages: tuple[Page, ...]
    metadata: dict[str, str]


def read_pdf(data: bytes) -> PdfText:
    """The PDF's text layer, cleaned as a reader expects; ``ImportRejected`` says why one cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise ImportRejected("encrypted PDF")
        labels = _page_labels(reader)
        pages = [_page_lines(page) for page in reader.pages]
        for page, lines in zip(reader.pages, pages, strict=True):
            if not lines:
                _check_contents(page)
        metadata = _metadata(reader)
    except ImportRejected:
        raise
    except FileNotDecryptedError:
        raise ImportRejected("encrypted PDF") from None
    except LimitReachedError:
        raise ImportRejected("a page is too large when decompressed (more than pypdf's limit)") from None
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        AssertionError,
        OverflowError,
        RecursionError,
        ZeroDivisionError,
    ) as exc:
        # pypdf raises many kinds of error for damaged files (and a decompression
        # bomb ends in its LimitReachedError): one sentence says which file and why.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImportRejected(f"corrupt or truncated PDF ({reason[:120]})") from None
    if not pages:
        raise ImportRejected("a PDF with no pages")
    body = _drop_running_lines(pages)
    if sum(len(line.text) for lines in body for line in lines) < max(20, 2 * len(body)):
        raise ImportRejected("no text layer; run OCR first")
    text, starts = _join(body)
    return PdfText(text, tuple(Page(start, label) for start, label in zip(starts, labels, strict=True)), metadata)


def _check_contents(page: Any) -> None:
    """Decode a page that gave no text, so a stream pypdf refused to inflate (a bomb) is told from a scan.

    Text extraction passes over such a stream in silence; decoding it again
    raises pypdf's ``LimitReachedError``. Only pages without text pay for this.
    """
    contents = page.get_contents()
    if contents is not None:
        contents.get_data()


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted only to set permissions, with an empty user password."""
    try:
        return bool(reader.decrypt(""))
    except (PyPdfError, NotImplementedError, ValueError):
        return False


def _page_labels(reader: PdfReader) -> list[str]:
    """The PDF's page labels when it defines them, else "1", "2", ... (pypdf gives those then)."""
    try:
        labels = list(reader.page_labels)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        labels = []
    count = len(reader.pages)
    if len(labels) != count or any(not label for label in labels):
        return [str(n) for n in range(1, count + 1)]
    return [str(label) for label in labels]


def _page_lines(page: Any) -> list[_Line]:
    """One page's lines in pypdf's reading order, each with the height of its first printed piece."""
    lines: list[_Line] = []
    parts: list[str] = []
    y: float | None = None

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        nonlocal y
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                _end_line()
            if piece:
                parts.append(piece)
                if y is None and piece.strip() and cm and tm:
                    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]

    def _end_line() -> None:
        nonlocal y
        line = normalise("".join(parts)).strip()
        if line:
            lines.append(_Line(_SPACES.sub(" ", line), y))
        parts.clear()
        y = None

    page.extract_text(visitor_text=visit)
    _end_line()
    return lines


def _edge_key(text: str) -> str:
    return _DIGITS.sub("#", text.casefold())


def _drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Each page's lines without its running header, footer and page number."""
    edges: list[set[int]] = []
    counts: dict[str, int] = {}
    for lines in pages:
        positioned = [i for i, line in enumerate(lines) if line.y is not None]
        by_height = sorted(positioned, key=lambda i: -(lines[i].y or 0.0))
        candidates = set(by_height[:_EDGE_LINES]) | set(by_height[-_EDGE_LINES:])
        edges.append(candidates)
        for key in {_edge_key(lines[i].text) for i in candidates}:
            counts[key] = counts.get(key, 0) + 1
    # "Most pages": more than half of them, and at least three, so that a short
    # document's first or last sentence is never taken for a running line.
    running = {key for key, n in counts.items() if n >= 3 and n > len(pages) / 2}
    body = []
    for lines, candidates in zip(pages, edges, strict=True):
        body.append(
            [
                line
                for i, line in enumerate(lines)
                if not (i in candidates and (_edge_key(line.text) in running or _PAGE_NUMBER.match(line.text)))
            ]
        )
    return body


def _join(pages: list[list[_Line]]) -> tuple[str, list[int]]:
    """The text, one paragraph per line, and the offset where each page's text starts."""
    spacing = _line_spacing(pages)
    paragraphs: list[list[tuple[int, str]]] = []  # each paragraph's lines, with the page each is on
    for number, lines in enumerate(pages):
        previous_y: float | None = None
        for index, line in enumerate(lines):
            new_paragraph = (
                not paragraphs
                or (index == 0 and not _runs_on(paragraphs[-1][-1][1], line.text))
                or (index > 0 and _breaks(previous_y, line.y, spacing))
            )
            if new_paragraph:
                paragraphs.append([])
            paragraphs[-1].append((number, line.text))
            previous_y = line.y
    out: list[str] = []
    position = 0
    starts: dict[int, int] = {}
    for p, paragraph in enumerate(paragraphs):
        if p:
            out.append("\n")
            position += 1
        previous: str | None = None
        for number, piece in paragraph:
            if previous is not None:
                if _hyphenated(previous, piece):
                    out[-1] = out[-1][:-1]  # the hyphen only split a word
                    position -= 1
                joiner = _joiner(previous, piece)
                out.append(joiner)
                position += len(joiner)
            starts.setdefault(number, position)
            out.append(piece)
            position += len(piece)
            previous = piece
    # A page with no text starts where the next text does.
    following = position
    for number in range(len(pages) - 1, -1, -1):
        following = starts.setdefault(number, following)
    return "".join(out), [starts[number] for number in range(len(pages))]


def _line_spacing(pages: list[list[_Line]]) -> float:
    """The body text's line spacing: the smallest gap between lines that is common (a fifth of them or more).

    Not the median: in a report of short paragraphs the gaps between
    paragraphs are as common as those between lines; and the smallest gap
    that is common, not the smallest, which a footnote's smaller type sets.
    """
    gaps = Counter(
        round((a.y - b.y) * 2) / 2
        for lines in pages
        for a, b in zip(lines, lines[1:], strict=False)
        if a.y is not None and b.y is not None and 0 < a.y - b.y < 100
    )
    total = sum(gaps.values())
    common = [gap for gap, n in gaps.items() if n * 5 >= total]
    return min(common) if common else 14.0


def _breaks(previous_y: float | None, y: float | None, spacing: float) -> bool:
    if previous_y is None or y is None:
        return False
    gap = previous_y - y
    return gap <= 0 or gap > spacing * _PARAGRAPH_GAP


def _runs_on(last_line: str, first_line: str) -> bool:
    """Whether a paragraph goes on over a page break: no full stop before it, a small letter after it."""
    return not _SENTENCE_END.search(last_line) and (first_line[:1].islower() or bool(_CJK.match(first_line)))


def _hyphenated(line: str, following: str) -> bool:
    return len(line) > 1 and line.endswith("-") and line[-2].isalpha() and following[:1].islower()


def _joiner(line: str, following: str) -> str:
    """What goes between two lines of one paragraph."""
    if _hyphenated(line, following):
        return ""
    if _CJK.search(line[-1:]) and _CJK.match(following):
        return ""
    return " "


def _metadata(reader: PdfReader) -> dict[str, str]:
    """Title, author and date from the information dictionary, or XMP, when they are plausible."""
    found: dict[str, str] = {}
    info = reader.metadata
    xmp = None
    try:
        xmp = reader.xmp_metadata
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        xmp = None
    title = (info.title if info else None) or (_first(xmp.dc_title) if xmp else None)
    author = (info.author if info else None) or ("; ".join(xmp.dc_creator) if xmp and xmp.dc_creator else None)
    for key, value in (("title", title), ("author", author)):
        value = _SPACES.sub(" ", normalise(str(value or ""))).strip()
        if value and not _IMPLAUSIBLE.match(value):
            found[key] = value
    created: datetime | None = None
    try:
        created = info.creation_date if info else None
    except (ValueError, TypeError):
        created = None
    if created is None and xmp is not None:
        try:
            created = xmp.xmp_create_date
        except (ValueError, TypeError, AttributeError):
            created = None
    if created is not None and 1900 < created.year < 2200:
        found["date"] = iso_date(created)
    return found


def _first(value: Any) -> str | None:
    if isinstance(value, dict):
        return next(iter(value.values()), None)
    return str(value) if value else None
