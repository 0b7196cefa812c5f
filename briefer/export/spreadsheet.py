"""The evidence as a spreadsheet: one row per passage, as ``.xlsx`` (openpyxl) or ``.csv``; no Qt.

The CSV is UTF-8 with a byte-order mark, which is what makes Excel read
Chinese in it correctly. Every value stays verbatim: the ``.xlsx`` stores each
one as text, so a quote that starts with ``=`` is never taken for a formula.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from briefer.core.model import Section, page_labels
from briefer.core.store import Store

HEADERS = (
    "id",
    "document",
    "outlet",
    "author",
    "date",
    "url",
    "pages",
    "tags",
    "stance",
    "sections",
    "quote",
    "translation",
    "note",
    "start",
    "end",
    # exact or moved: start and end are in the document's current text; fuzzy or
    # orphaned (after an update, awaiting review): in the text the quote was taken from.
    "anchor",
)
OUTLINE_HEADERS = ("section", "position", "passage id", "quote")
# Column widths in characters; the long text columns wrap.
_WIDTHS = {"id": 7, "document": 32, "outlet": 18, "author": 18, "date": 11, "url": 28, "pages": 8, "tags": 24}
_WIDTHS |= {
    "stance": 18,
    "sections": 24,
    "quote": 60,
    "translation": 45,
    "note": 45,
    "start": 8,
    "end": 8,
    "anchor": 10,
}
_WRAPPED = ("quote", "translation", "note")


@dataclass(frozen=True)
class Evidence:
    """The rows of both sheets, as plain values."""

    passages: list[list[str | int]]
    outline: list[list[str | int]]


def evidence(store: Store) -> Evidence:
    """One row per passage in document order, and one per placement in outline order."""
    documents = {d.id: d for d in store.list_documents()}
    pages = store.document_pages()
    tags = {t.id: t for t in store.list_tags()}
    sections = store.list_sections()
    placements = store.list_placements()
    passages = store.list_passages()
    titles = {s.id: _section_path(s.id, {x.id: x for x in sections}) for s in sections}
    placed_in: dict[int, list[str]] = {}
    by_section: dict[int, list[int]] = {}
    for placement in placements:
        by_section.setdefault(placement.section, []).append(placement.passage)
    for section in sections:  # outline order, so a passage's sections are listed as the outline runs
        for passage in by_section.get(section.id, []):
            placed_in.setdefault(passage, []).append(titles[section.id])
    rows: list[list[str | int]] = []
    for p in passages:
        doc = documents[p.document]
        labels = page_labels(pages.get(p.document, ()), p.start, p.end)
        rows.append(
            [
                p.id,
                doc.title,
                doc.container or doc.publisher,
                doc.author,
                doc.date,
                doc.url,
                labels[0] if len(labels) == 1 else (f"{labels[0]}–{labels[-1]}" if labels else ""),
                "; ".join(tags[t].name for t in p.tags),
                "; ".join(tags[t].name for t in p.tags if tags[t].is_stance),
                "; ".join(dict.fromkeys(placed_in.get(p.id, []))),
                p.quote,
                p.translation,
                p.note,
                p.start,
                p.end,
                p.anchor,
            ]
        )
    quotes = {p.id: p.quote for p in passages}
    outline: list[list[str | int]] = []
    for section in sections:
        for position, passage in enumerate(by_section.get(section.id, []), start=1):
            outline.append([titles[section.id], position, passage, quotes.get(passage, "")])
    return Evidence(rows, outline)


def _section_path(section_id: int, sections: dict[int, Section]) -> str:
    """A section's title with its parents', ``Parent › Child``, so nested sections stay apart."""
    parts: list[str] = []
    current: int | None = section_id
    while current is not None:
        section = sections[current]
        parts.append(section.title)
        current = section.parent
    return " › ".join(reversed(parts))


def csv_bytes(store: Store) -> bytes:
    """The passages as CSV: UTF-8 with a BOM, a header row, ``\\r\\n`` between records (RFC 4180)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(evidence(store).passages)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(store: Store) -> bytes:
    """The passages (first sheet) and the outline (second sheet) as an Excel workbook."""
    from openpyxl import Workbook  # loaded only for this format
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    data = evidence(store)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = "Passages"
    outline = book.create_sheet("Outline")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for ws, headers, rows, wrapped in (
        (sheet, HEADERS, data.passages, _WRAPPED),
        (outline, OUTLINE_HEADERS, data.outline, ("quote",)),
    ):
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_text_cell(v) for v in row])
        for index, name in enumerate(headers, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = _WIDTHS.get(name, 12 if name != "section" else 32)
            align = wrap if name in wrapped else top
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = align
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula, whatever it starts with
        ws.freeze_panes = "A2"  # the header row stays in view
        ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_cell(value: str | int) -> str | int:
    if isinstance(value, int):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", value))
