"""Block structure of a briefing's Markdown, parsed exactly as Python-Markdown parses it.

Part of the fast reader in :mod:`briefer.export.mdtree`. This is Python-Markdown's
block parser (with the ``footnotes``, ``tables`` and ``sane_lists`` extensions)
restricted to the blocks briefings are made of: paragraphs, ``#`` headings,
``>`` quotes, lists, pipe tables and footnote definitions. Each block runs
through Python-Markdown's processors in their order, with their regular
expressions; a block another processor would claim (indented code, a setext
heading, a rule, a nested list, a link reference, raw HTML) raises
:class:`Unsupported`, and the caller hands the whole text to Python-Markdown.
The tree is ``xml.etree`` elements, as Python-Markdown builds it.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, SubElement

from markdown.blockprocessors import (BlockQuoteProcessor, HashHeaderProcessor, HRProcessor, ReferenceProcessor,
                                      SetextHeaderProcessor)
from markdown.extensions.footnotes import FN_BACKLINK_TEXT as BACKLINK  # placeholders, replaced by entities
from markdown.extensions.footnotes import NBSP_PLACEHOLDER as NBSP  # after serialising
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.tables import TableProcessor

TAB = 4  # Python-Markdown's tab_length
_MAX_NESTING = 30
_OL = re.compile(r"^[ ]{0,3}\d+\.[ ]+(.*)")
_UL = re.compile(r"^[ ]{0,3}[*+-][ ]+(.*)")
_OL_ITEM = re.compile(r"^[ ]{0,3}((\d+\.))[ ]+(.*)")  # sane_lists: ordered items only
_UL_ITEM = re.compile(r"^[ ]{0,3}(([*+-]))[ ]+(.*)")
_NESTED_ITEM = re.compile(r"^[ ]{4,7}((\d+\.)|[*+-])[ ]+.*")
_INTEGER = re.compile(r"(\d+)")
_HASH = HashHeaderProcessor.RE
_SETEXT = SetextHeaderProcessor.RE
_RULE = HRProcessor.SEARCH_RE
_QUOTE = BlockQuoteProcessor.RE
_REFERENCE = ReferenceProcessor.RE
_FOOTNOTE = FootnoteBlockProcessor.RE
_CODE_PIPES = TableProcessor.RE_CODE_PIPES
_END_BORDER = TableProcessor.RE_END_BORDER
# A line start any processor before the paragraph one could act on (a heading,
# quote, rule, setext underline, list item, footnote or link definition,
# indented code), or a pipe (tables). A block without any is a paragraph.
_NOT_PLAIN = re.compile(r"^ {0,3}[#>*+\-_=\[0-9]|^ {4}|\|", re.M)


class Unsupported(Exception):
    """The text uses Markdown the fast reader leaves to Python-Markdown."""


def _last(parent: Element) -> Element | None:
    return parent[-1] if len(parent) else None


def _detab(text: str) -> str:
    return "\n".join(line[TAB:] if line.startswith(" " * TAB) else line for line in text.split("\n"))


class BlockParser:
    """Python-Markdown's BlockParser over the supported blocks; ``footnotes`` holds the definitions."""

    def __init__(self) -> None:
        self.state: list[str] = []
        self.footnotes: dict[str, str] = {}  # id -> Markdown, in definition order

    def parse_chunk(self, parent: Element, text: str) -> None:
        self.parse_blocks(parent, text.split("\n\n"))

    def parse_blocks(self, parent: Element, blocks: list[str]) -> None:
        if len(self.state) > _MAX_NESTING:
            # Near the recursion limit Python-Markdown stops reading quotes; leave such text to it.
            raise Unsupported("deeply nested quotes or lists")
        # The processors in Python-Markdown's priority order; each test is its own.
        while blocks:
            block = blocks[0]
            if not block or block.startswith("\n"):
                self._empty(blocks)
            elif not _NOT_PLAIN.search(block):
                self._paragraph(parent, blocks)
            elif block.startswith(" " * TAB):
                raise Unsupported("indented code or list continuation")
            elif self._table(parent, blocks):
                pass
            elif _HASH.search(block):
                self._heading(parent, blocks)
            elif _SETEXT.match(block) or _RULE.search(block):
                raise Unsupported("setext heading or horizontal rule")
            elif _OL.match(block):
                self._list(parent, blocks, "ol")
            elif _UL.match(block):
                self._list(parent, blocks, "ul")
            elif _QUOTE.search(block):
                self._quote(parent, blocks)
            elif self._footnote(blocks):
                pass
            elif _REFERENCE.search(block):
                raise Unsupported("link reference definition")
            else:
                self._paragraph(parent, blocks)

    # ------------------------------------------------------------ processors
    def _empty(self, blocks: list[str]) -> None:
        block = blocks.pop(0)
        if block and block[1:]:
            blocks.insert(0, block[1:])

    def _heading(self, parent: Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        m = _HASH.search(block)
        assert m is not None
        before, after = block[:m.start()], block[m.end():]
        if before:
            self.parse_blocks(parent, [before])
        SubElement(parent, f"h{len(m.group('level'))}").text = m.group("header").strip()
        if after:
            blocks.insert(0, _detab(after) if self.state[-1:] == ["looselist"] else after)

    def _list(self, parent: Element, blocks: list[str], tag: str) -> None:
        items, start = self._items(blocks.pop(0), tag)
        sibling = _last(parent)
        if sibling is not None and sibling.tag == tag:  # sane_lists: only a list of the same kind continues
            lst = sibling
            if lst[-1].text:
                p = Element("p")
                p.text = lst[-1].text
                lst[-1].text = ""
                lst[-1].insert(0, p)
            child = _last(lst[-1])
            if child is not None and child.tail:
                p = SubElement(lst[-1], "p")
                p.text = child.tail.lstrip()
                child.tail = ""
            li = SubElement(lst, "li")
            self.state.append("looselist")
            self.parse_blocks(li, [items.pop(0)])
            self.state.pop()
        elif parent.tag in ("ol", "ul"):
            lst = parent
        else:
            lst = SubElement(parent, tag)
            if tag == "ol" and start != "1":
                lst.set("start", start)
        self.state.append("list")
        for item in items:
            self.parse_blocks(SubElement(lst, "li"), [item])
        self.state.pop()

    def _items(self, block: str, tag: str) -> tuple[list[str], str]:
        item_re = _OL_ITEM if tag == "ol" else _UL_ITEM
        items: list[str] = []
        start = "1"
        for line in block.split("\n"):
            m = item_re.match(line)
            if m:
                if not items and tag == "ol":
                    start = _INTEGER.match(m.group(1)).group()  # type: ignore[union-attr]
                items.append(m.group(3))
            elif _NESTED_ITEM.match(line):
                raise Unsupported("nested list")
            else:
                items[-1] = f"{items[-1]}\n{line}"
        return items, start

    def _quote(self, parent: Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        m = _QUOTE.search(block)
        assert m is not None
        self.parse_blocks(parent, [block[:m.start()]])
        block = "\n".join(self._unquote(line) for line in block[m.start():].split("\n"))
        sibling = _last(parent)
        quote = sibling if sibling is not None and sibling.tag == "blockquote" else SubElement(parent, "blockquote")
        self.state.append("blockquote")
        self.parse_chunk(quote, block)
        self.state.pop()

    @staticmethod
    def _unquote(line: str) -> str:
        if line.strip() == ">":
            return ""
        m = _QUOTE.match(line)
        return m.group(2) if m else line

    def _footnote(self, blocks: list[str]) -> bool:
        """FootnoteBlockProcessor.run: store definitions, put the rest back."""
        block = blocks.pop(0)
        m = _FOOTNOTE.search(block)
        if not m:
            blocks.insert(0, block)
            return False
        preceding = block[:m.start()]
        for m2 in _FOOTNOTE.finditer(block, m.end()):
            if block[m.end():m2.start()].strip("\n"):
                break
            self.footnotes[m.group(1)] = m.group(2).rstrip()
            m = m2
        note_id, fn_blocks = m.group(1), [m.group(2)]
        rest = block[m.end():].lstrip("\n")
        m2 = _FOOTNOTE.search(rest)
        if m2:
            fn_blocks[0] = "\n".join([fn_blocks[0], _detab(rest[:m2.start()].rstrip("\n"))]).lstrip("\n")
            blocks.insert(0, rest[m2.start():])
        else:
            fn_blocks[0] = "\n".join([fn_blocks[0], _detab(rest)]).strip("\n")
            while blocks and blocks[0].startswith(" " * TAB):  # detectTabbed: indented blocks belong to the note
                tabbed = blocks.pop(0)
                m3 = _FOOTNOTE.search(tabbed)
                if m3:
                    fn_blocks.append(_detab(tabbed[:m3.start()].rstrip("\n")))
                    blocks.insert(0, tabbed[m3.start():])
                    break
                fn_blocks.append(_detab(tabbed))
        self.footnotes[note_id] = "\n\n".join(fn_blocks).rstrip()
        if preceding.strip():
            blocks.insert(0, preceding.rstrip("\n"))
        return True

    def _paragraph(self, parent: Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        if not block.strip():
            return
        if self.state[-1:] == ["list"]:  # a list item's text stays loose in the <li>
            sibling = _last(parent)
            if sibling is not None:
                sibling.tail = f"{sibling.tail}\n{block}" if sibling.tail else f"\n{block}"
            else:
                parent.text = f"{parent.text}\n{block}" if parent.text else block.lstrip()
        else:
            SubElement(parent, "p").text = block.lstrip()

    # ---------------------------------------------------------------- tables
    def _table(self, parent: Element, blocks: list[str]) -> bool:
        """TableProcessor.test and .run; False when the block is not a table."""
        block = blocks[0]
        if "|" not in block:  # the header and separator rows need pipes
            return False
        rows = [row.strip(" ") for row in block.split("\n")]
        if len(rows) < 2:
            return False
        border = rows[0].startswith("|") or _END_BORDER.search(rows[0]) is not None
        header = _split_row(rows[0], border)
        is_table = len(header) > 1
        if not is_table and len(header) == 1 and border:
            for row in rows[1:]:
                is_table = row.startswith("|") or _END_BORDER.search(row) is not None
                if not is_table:
                    break
        if not is_table:
            return False
        separator = _split_row(rows[1], border)
        if len(separator) != len(header) or not set("".join(separator)) <= set("|:- "):
            return False
        blocks.pop(0)
        align: list[str | None] = []
        for cell in (c.strip(" ") for c in separator):
            if cell.startswith(":") and cell.endswith(":"):
                align.append("center")
            elif cell.startswith(":"):
                align.append("left")
            else:
                align.append("right" if cell.endswith(":") else None)
        table = SubElement(parent, "table")
        _table_row(SubElement(table, "thead"), "th", rows[0], border, align)
        body = SubElement(table, "tbody")
        lines = block.split("\n")[2:]
        if not lines:
            row = SubElement(body, "tr")
            for _ in align:
                SubElement(row, "td")
        for line in lines:
            _table_row(body, "td", line.strip(" "), border, align)
        return True


def _table_row(parent: Element, tag: str, line: str, border: bool, align: list[str | None]) -> None:
    row = SubElement(parent, "tr")
    cells = _split_row(line, border)
    for i, where in enumerate(align):
        cell = SubElement(row, tag)
        cell.text = cells[i].strip(" ") if i < len(cells) else ""
        if where:
            cell.set("style", f"text-align: {where};")


class _Pipes:
    RE_CODE_PIPES = TableProcessor.RE_CODE_PIPES  # what TableProcessor._split reads from its instance


def _split_row(row: str, border: bool) -> list[str]:
    """TableProcessor._split_row: the cells, split at pipes outside code spans."""
    if border:
        if row.startswith("|"):
            row = row[1:]
        row = _END_BORDER.sub("", row)
    if "`" in row:
        return TableProcessor._split(_Pipes, row)  # type: ignore[arg-type]
    cells, pos = [], 0
    for m in _CODE_PIPES.finditer(row):
        if m.group(5):
            cells.append(row[pos:m.start(5)])
            pos = m.start(5) + 1
    cells.append(row[pos:])
    return cells


def footnotes_div(parser: BlockParser) -> Element | None:
    """FootnoteExtension.makeFootnotesDiv: the notes parsed into ``<div class="footnote">``, with back-links."""
    if not parser.footnotes:
        return None
    div = Element("div", {"class": "footnote"})
    SubElement(div, "hr")
    ol = SubElement(div, "ol")
    known = len(parser.footnotes)
    for index, (note_id, text) in enumerate(list(parser.footnotes.items()), start=1):
        li = SubElement(ol, "li", {"id": f"fn:{note_id}"})
        holder = Element("div")
        parser.parse_chunk(holder, text)
        if len(parser.footnotes) != known:
            raise Unsupported("a footnote defined inside a footnote")
        li.extend(list(holder))
        backlink = Element("a", {"href": f"#fnref:{note_id}", "class": "footnote-backref",
                                 "title": f"Jump back to footnote {index} in the text"})
        backlink.text = BACKLINK
        if len(li):
            node = li[-1]
            if node.tag == "p":
                node.text = node.text + NBSP  # type: ignore[operator]
                node.append(backlink)
            else:
                SubElement(li, "p").append(backlink)
    return div



