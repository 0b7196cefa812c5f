"""Markdown -> Python-Markdown's HTML tree -> Word, with named styles and real footnotes.

The HTML is only an intermediate tree (read by mdtree, or by Python-Markdown
and html.parser): every block maps to a named style and every inline to runs,
so the document carries no direct formatting beyond bold/italic that the
Markdown asked for. Paragraphs are written as WordprocessingML text and parsed
in batches (see docx_xml).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import markdown
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Emu, Inches
from lxml.etree import SubElement

from briefer.export import docx_xml as xml
from briefer.export.docx_footnotes import Footnotes
from briefer.export.docx_styles import load_base
from briefer.export.htmltree import Node, parse_html
from briefer.export.mdtree import markdown_tree

# python-docx (lxml) refuses XML-illegal characters: C0 controls except tab
# and newline, lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[\U00020000-\U0003ffff]")
_HEADING = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3",
            "h5": "Heading 3", "h6": "Heading 3"}
_LINK_SCHEMES = ("http://", "https://", "mailto:", "ftp://")
_SECT_PR = qn("w:sectPr")


def strip_control(text: str) -> str:
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def markdown_to_html(text: str) -> str:
    return markdown.markdown(strip_control(text), extensions=["footnotes", "tables", "sane_lists"],
                             output_format="html")


def markdown_to_tree(text: str) -> Node:
    """The briefing as Python-Markdown's HTML tree: read directly when it can be, else converted and parsed."""
    tree = markdown_tree(strip_control(text))
    return tree if tree is not None else parse_html(markdown_to_html(text))


def build_docx(text: str, *, reference: Path | None = None, title: str = "", author: str = "") -> bytes:
    """Build the Word file for a rendered Markdown briefing; returns its bytes."""
    root = markdown_to_tree(text)
    notes: dict[str, Node] = {}
    for div in [c for c in root.children if c.tag == "div" and "footnote" in c.attrs.get("class", "")]:
        root.children.remove(div)
        for li in div.find_all("li"):
            notes[li.attrs.get("id", "")] = li
    document, styles = load_base(reference)
    builder = _Builder(document, styles, notes)
    builder.blocks(root.children, builder.body, style=None)
    builder.body.flush()
    builder.footnotes.finish()
    document.core_properties.title = strip_control(title)
    document.core_properties.author = strip_control(author)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _Container:
    """Somewhere paragraphs go (body, table cell, footnote) and the part owning its links."""

    part: Any

    def add(self, style: str | None, num_id: int | None, runs: str) -> Any:
        """Add a paragraph with this style, numbering and runs (WordprocessingML text)."""
        raise NotImplementedError


class _Body(_Container):
    """The document body: paragraphs are parsed in batches and go before the final section properties."""

    def __init__(self, document: Document) -> None:
        self.part = document.part
        self._body = document.element.body
        self._pending: list[str] = []

    def add(self, style: str | None, num_id: int | None, runs: str) -> None:
        self._pending.append(xml.paragraph(style, num_id, runs))
        if len(self._pending) >= 2000:  # keep each parse moderate
            self.flush()

    def flush(self) -> None:
        """Parse what is pending into the body (before a table is added, and at the end)."""
        if not self._pending:
            return
        paragraphs = xml.parse_elements("".join(self._pending))
        self._pending = []
        section = self._body[-1] if len(self._body) and self._body[-1].tag == _SECT_PR else None
        for p in paragraphs:
            if section is not None:
                section.addprevious(p)
            else:
                self._body.append(p)


class _Cell(_Container):
    """A table cell: its first paragraph replaces the empty one python-docx gave the cell."""

    def __init__(self, cell: Any, part: Any) -> None:
        self.part = part
        self._cell = cell
        self._first = True

    def add(self, style: str | None, num_id: int | None, runs: str) -> Any:
        p = xml.parse_elements(xml.paragraph(style, num_id, runs))[0]
        if self._first:
            empty = self._cell.paragraphs[0]._p  # noqa: SLF001
            empty.addnext(p)
            empty.getparent().remove(empty)
            self._first = False
        else:
            self._cell._tc.append(p)  # noqa: SLF001
        return p


class _Note(_Container):
    """One footnote's paragraphs."""

    def __init__(self, footnotes: Footnotes) -> None:
        self.part = footnotes.part
        self._footnotes = footnotes
        self.paragraphs: list[str] = []

    def add(self, style: str | None, num_id: int | None, runs: str) -> None:
        self.paragraphs.append(self._footnotes.paragraph(style, num_id, runs, first=not self.paragraphs))


class _Builder:
    def __init__(self, document: Document, styles: dict[str, str], notes: dict[str, Node]) -> None:
        self.document = document
        self.styles = styles
        self.notes = notes
        self.footnotes = Footnotes(document, styles["footnote text"], styles["footnote reference"])
        self.body = _Body(document)
        self._links: dict[tuple[int, str], str] = {}  # (part, URL) -> relationship id
        self._open_notes: set[str] = set()  # footnotes being written, innermost last

    # ----------------------------------------------------------------- blocks
    def blocks(self, nodes: list[Node], where: _Container, style: str | None, level: int = 0) -> None:
        for node in nodes:
            if not node.tag:
                if node.text.strip():
                    self.paragraph([node], where, style)
            elif node.tag == "p":
                self.paragraph(node.children, where, style)
            elif node.tag in _HEADING:
                self.paragraph(node.children, where, self.styles[_HEADING[node.tag]])
            elif node.tag == "blockquote":
                self.blocks(node.children, where, self.styles["Quote"], level)
            elif node.tag in ("ul", "ol"):
                self.list(node, where, level)
            elif node.tag == "table":
                self.table(node, where)
            elif node.tag == "pre":
                self.paragraph(node.children, where, style, fmt=frozenset({"code"}), keep_newlines=True)
            elif node.tag == "hr":
                continue  # a thematic break has no Word counterpart worth a style
            else:
                self.blocks(node.children, where, style, level)

    def paragraph(self, inlines: list[Node], where: _Container, style: str | None, num_id: int | None = None,
                  fmt: frozenset[str] = frozenset(), keep_newlines: bool = False) -> Any:
        runs: list[str] = []
        self.inline(inlines, runs, fmt, where.part, keep_newlines)
        return where.add(style or None, num_id, "".join(runs))

    def list(self, node: Node, where: _Container, level: int) -> None:
        ordered = node.tag == "ol"
        name = ("List Number" if ordered else "List Bullet") + (" 2" if level else "")
        style = self.styles.get(name) or self.styles["List Number" if ordered else "List Bullet"]
        num_id = self._restart_numbering(style) if ordered else None
        for li in (c for c in node.children if c.tag == "li"):
            inline = [c for c in li.children if c.tag not in ("p", "ul", "ol", "blockquote", "table", "pre")]
            paras = [c for c in li.children if c.tag == "p"]
            first = paras[0].children if paras and not any(n.plain_text().strip() for n in inline) else inline
            self.paragraph(first, where, style, num_id)
            rest = [c for c in li.children if c.tag in ("p", "ul", "ol", "blockquote", "table", "pre")]
            if first is not inline and paras:
                rest.remove(paras[0])
            for child in rest:
                if child.tag in ("ul", "ol"):
                    self.list(child, where, level + 1)
                else:
                    self.blocks([child], where, style if child.tag == "p" else None, level + 1)

    def _restart_numbering(self, style_id: str) -> int | None:
        """A fresh numbering instance so each ordered list starts at 1 again."""
        try:
            style = self.document.styles.element.get_by_id(style_id)
            num_id = style.pPr.numPr.numId.val
            numbering = self.document.part.numbering_part.element
            abstract = numbering.num_having_numId(num_id).abstractNumId.val
            num = numbering.add_num(abstract)
            num.add_lvlOverride(ilvl=0).add_startOverride(1)
            return int(num.numId)
        except (AttributeError, KeyError, NotImplementedError):
            return None  # the style has no numbering: fall back to the style alone

    def table(self, node: Node, where: _Container) -> None:
        rows = node.find_all("tr")
        if where is not self.body:  # Word tables inside notes or cells: keep it simple
            for row in rows:
                self.paragraph([Node("", text=" | ".join(c.plain_text() for c in row.children if c.tag))],
                               where, None)
            return
        width = max((len([c for c in r.children if c.tag in ("td", "th")]) for r in rows), default=0)
        if not rows or not width:
            return
        self.body.flush()  # the paragraphs before the table go in first
        table = self.document.add_table(rows=len(rows), cols=width)
        table.autofit = False
        widths = _column_widths(rows, width, self._text_width())
        for column, column_width in zip(table.columns, widths):
            column.width = column_width  # the grid, which LibreOffice follows
        grid = self.document.styles.element.get_by_id(self.styles["Table Grid"])
        if grid is not None:
            table.style = grid.name_val
        table_cells = table._cells  # noqa: SLF001 (table.cell() rebuilds this list on every call)
        for r, row in enumerate(rows):
            cells = [c for c in row.children if c.tag in ("td", "th")]
            for c, cell_node in enumerate(cells):
                cell = table_cells[r * width + c]
                cell.width = widths[c]
                p = self.paragraph(cell_node.children, _Cell(cell, self.document.part), None)
                if cell_node.tag == "th":
                    for rpr_parent in p.findall(qn("w:r")):
                        self._embolden(rpr_parent)
        self.body.add(None, None, "")  # Word merges adjacent tables; keep them apart

    def _text_width(self) -> int:
        section = self.document.sections[-1]
        try:
            return int(section.page_width - section.left_margin - section.right_margin)
        except TypeError:  # a reference document without page size
            return int(Inches(6))

    # ---------------------------------------------------------------- inlines
    def inline(self, nodes: list[Node], runs: list[str], fmt: frozenset[str], part: Any,
               keep_newlines: bool = False, in_link: bool = False) -> None:
        """Append the runs for ``nodes`` to ``runs`` (the paragraph's, or a hyperlink's)."""
        after_break = False
        for node in nodes:
            tag = node.tag
            if not tag:
                # The source newline after a hard break is not a space.
                self._text(node.text.lstrip("\n") if after_break else node.text, runs, fmt, keep_newlines)
            elif tag in ("strong", "b"):
                self.inline(node.children, runs, fmt | {"b"}, part, keep_newlines, in_link)
            elif tag in ("em", "i"):
                self.inline(node.children, runs, fmt | {"i"}, part, keep_newlines, in_link)
            elif tag in ("del", "s"):
                self.inline(node.children, runs, fmt | {"strike"}, part, keep_newlines, in_link)
            elif tag == "code":
                self.inline(node.children, runs, fmt | {"code"}, part, keep_newlines, in_link)
            elif tag == "br":
                runs.append(xml.BREAK_RUN)
                after_break = True
                continue
            elif tag == "sup" and (key := _note_key(node)) is not None and key not in self._open_notes:
                self._footnote(key, runs)
            elif tag == "sup":
                self.inline(node.children, runs, fmt | {"sup"}, part, keep_newlines, in_link)
            elif tag == "a" and node.attrs.get("href", "").startswith(_LINK_SCHEMES) and not in_link:
                rel_id = self._relate(part, node.attrs["href"])
                link_runs: list[str] = []
                self.inline(node.children, link_runs, fmt | {"link"}, part, keep_newlines, True)
                runs.append(f'<w:hyperlink r:id="{xml.attr(rel_id)}" w:history="1">{"".join(link_runs)}'
                            "</w:hyperlink>")
            elif tag == "img":
                self._text(node.attrs.get("alt", ""), runs, fmt, keep_newlines)
            else:
                self.inline(node.children, runs, fmt, part, keep_newlines, in_link)
            after_break = False

    def _relate(self, part: Any, url: str) -> str:
        """``part.relate_to(url)``, which searches every relationship of the part each time."""
        key = (id(part), url)
        if key not in self._links:
            self._links[key] = part.relate_to(url, RT.HYPERLINK, is_external=True)
        return self._links[key]

    def _footnote(self, key: str, runs: list[str]) -> None:
        note = self.notes.get(key)
        if note is None:
            return
        note_id = self.footnotes.add()
        where = _Note(self.footnotes)
        content = [_drop_backrefs(c) for c in note.children]
        if not any(c.tag == "p" for c in content):
            content = [Node("p", children=content)]
        # A note that refers to itself (or to a note that refers back) would be
        # written inside itself forever; inside it, that reference stays its number.
        self._open_notes.add(key)
        try:
            self.blocks(content, where, None)
        finally:
            self._open_notes.discard(key)
        self.footnotes.fill(note_id, where.paragraphs)
        runs.append(self.footnotes.reference(note_id))

    def _text(self, text: str, runs: list[str], fmt: frozenset[str], keep_newlines: bool) -> None:
        text = strip_control(text)
        if not keep_newlines:
            text = text.replace("\n", " ")
        if not text:
            return
        cjk = _CJK.search(text) is not None
        props = self._run_properties(fmt, cjk) if fmt or cjk else ""
        if "\n" not in text and "\t" not in text:
            runs.append(f'<w:r>{props}<w:t xml:space="preserve">{xml.text(text)}</w:t></w:r>')
            return
        content = []
        for i, line in enumerate(text.split("\n")):
            if i:
                content.append("<w:br/>")
            for j, chunk in enumerate(line.split("\t")):
                if j:
                    content.append("<w:tab/>")
                if chunk:
                    content.append(f'<w:t xml:space="preserve">{xml.text(chunk)}</w:t>')
        runs.append(f'<w:r>{props}{"".join(content)}</w:r>')

    def _run_properties(self, fmt: frozenset[str], cjk: bool) -> str:
        """``rPr`` in the schema's order (rStyle, rFonts, b, i, strike, vertAlign)."""
        props = []
        if "link" in fmt:
            props.append(f'<w:rStyle w:val="{xml.attr(self.styles["Hyperlink"])}"/>')
        if "code" in fmt or cjk:
            fonts = ' w:ascii="Courier New" w:hAnsi="Courier New"' if "code" in fmt else ""
            if cjk:
                fonts += ' w:hint="eastAsia"'  # CJK punctuation then uses the East Asian font
            props.append(f"<w:rFonts{fonts}/>")
        for flag in ("b", "i", "strike"):
            if flag in fmt:
                props.append(f"<w:{flag}/>")
        if "sup" in fmt:
            props.append('<w:vertAlign w:val="superscript"/>')
        return f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""

    @staticmethod
    def _embolden(run: Any) -> None:
        """Make a run bold (a table header cell's): ``w:b`` after rStyle and rFonts, before the rest."""
        rpr = run.find(xml.W_RPR)
        if rpr is None:
            rpr = SubElement(run, xml.W_RPR)
            run.insert(0, rpr)
        if rpr.find(qn("w:b")) is not None:
            return
        bold = SubElement(rpr, qn("w:b"))
        later = [c for c in rpr if c.tag in (qn("w:i"), qn("w:strike"), qn("w:vertAlign"))]
        if later:
            later[0].addprevious(bold)


def _column_widths(rows: list[Node], count: int, total: int) -> list[Emu]:
    """Share the text width by how much each column holds, so quotes get room."""
    weights = [0.0] * count
    for row in rows:
        for c, cell in enumerate([n for n in row.children if n.tag in ("td", "th")][:count]):
            weights[c] = max(weights[c], min(len(cell.plain_text()), 80))
    weights = [max(w, 18.0) for w in weights]  # room for short columns such as "para. 12"
    return [Emu(int(total * w / sum(weights))) for w in weights]


def _note_key(sup: Node) -> str | None:
    """The footnote a ``<sup>`` refers to, or None if it is an ordinary superscript."""
    for child in sup.children:
        if child.tag == "a" and "footnote-ref" in child.attrs.get("class", ""):
            return child.attrs.get("href", "").lstrip("#")
    return None


def _drop_backrefs(node: Node) -> Node:
    kept = [_drop_backrefs(c) for c in node.children if "footnote-backref" not in c.attrs.get("class", "")]
    if node.tag == "p" and kept and not kept[-1].tag:
        kept[-1] = Node("", text=kept[-1].text.rstrip("\u00a0 "))
    return Node(node.tag, dict(node.attrs), kept, node.text)
