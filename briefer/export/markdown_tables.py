"""Tables whose rows hold no code span, split the short way; the rest by Python-Markdown's tables extension.

Python-Markdown's table processor splits each row with a scanner that pairs
backtick runs, so that a pipe inside a code span stays in its cell. It reads
every character of every row through a regular expression with five
alternatives: a fifth of parsing an evidence annex (40,000 rows of quotes).
A row without a backtick has no code span, and the scanner then keeps exactly
the pipes that follow an even run of backslashes (none at all, or an escaped
backslash): a pipe after an odd run is an escaped pipe and stays in the cell.
Without a backslash either, every pipe is a cell border and ``str.split``
finds them all.

:class:`SimpleRowTables` takes the tables extension's place in the block
parser. It asks the extension's own processor whether a block is a table,
and hands it every table that has a backtick anywhere, or fewer than three
lines; the rest it builds itself, into the same elements with the same texts
and alignment as the extension would (the tests compare the two on generated
tables).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, SubElement

from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.tables import TableProcessor

# A pipe after an even run of backslashes (none, or escaped backslashes): a cell border.
_BORDER_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


class SimpleRowTables(BlockProcessor):
    """The block parser's table processor: rows without code split directly, the rest by ``tables``."""

    def __init__(self, parser: BlockParser, tables: TableProcessor, *, align_attribute: bool) -> None:
        super().__init__(parser)
        self.tables = tables
        self.align_attribute = align_attribute  # the extension's use_align_attribute

    def test(self, parent: Element, block: str) -> bool:
        return self.tables.test(parent, block)

    def run(self, parent: Element, blocks: list[str]) -> None:
        block = blocks[0]
        lines = block.split("\n")
        if "`" in block or len(lines) < 3:
            # A code span can hold a pipe; a table without body rows gets an empty one.
            self.tables.run(parent, blocks)
            return
        blocks.pop(0)
        header = lines[0].strip(" ")
        # The extension decides on borders from the header and strips them from every row.
        border = header.startswith("|") or TableProcessor.RE_END_BORDER.search(header) is not None
        align = [_alignment(c.strip(" ")) for c in _cells(lines[1].strip(" "), border)]
        table = SubElement(parent, "table")
        self._row(SubElement(table, "thead"), "th", _cells(header, border), align)
        body = SubElement(table, "tbody")
        for line in lines[2:]:
            self._row(body, "td", _cells(line.strip(" "), border), align)

    def _row(self, parent: Element, tag: str, cells: list[str], align: list[str | None]) -> None:
        # As many cells as the separator has columns: missing ones empty, extra ones dropped.
        tr = SubElement(parent, "tr")
        for i, a in enumerate(align):
            cell = SubElement(tr, tag)
            cell.text = cells[i].strip(" ") if i < len(cells) else ""
            if a:
                if self.align_attribute:
                    cell.set("align", a)
                else:
                    cell.set("style", f"text-align: {a};")


def _cells(row: str, border: bool) -> list[str]:
    """A row's cells as the extension splits a row without backticks."""
    if border:
        if row.startswith("|"):
            row = row[1:]
        if row.endswith("|"):  # the end border's pattern ends at the row's end: nothing to remove otherwise
            row = TableProcessor.RE_END_BORDER.sub("", row)
    if "\\" not in row:
        return row.split("|")
    cells, start = [], 0
    for m in _BORDER_PIPE.finditer(row):
        cells.append(row[start : m.end() - 1])
        start = m.end()
    cells.append(row[start:])
    return cells


def _alignment(separator: str) -> str | None:
    if separator.startswith(":") and separator.endswith(":"):
        return "center"
    if separator.startswith(":"):
        return "left"
    if separator.endswith(":"):
        return "right"
    return None
