"""Markdown -> Python-Markdown HTML -> Word, with named styles and real footnotes.

The HTML is only an intermediate tree: every block maps to a named style and
every inline to runs, so the document carries no direct formatting beyond
bold/italic that the Markdown asked for.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Inches

from briefer.export.docx_footnotes import Footnotes
from briefer.export.docx_styles import load_base
from briefer.export.htmltree import Node, parse_html

# python-docx (lxml) refuses XML-illegal characters: C0 controls except tab
# and newline, lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[\U00020000-\U0003ffff]")
_HEADING = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3",
            "h5": "Heading 3", "h6": "Heading 3"}
_LINK_SCHEMES = ("http://", "https://", "mailto:", "ftp://")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def strip_control(text: str) -> str:
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def markdown_to_html(text: str) -> str:
    return markdown.markdown(strip_control(text), extensions=["footnotes", "tables", "sane_lists"],
                             output_format="html")


def build_docx(text: str, *, reference: Path | None = None, title: str = "", author: str = "") -> bytes:
    """Build the Word file for a rendered Markdown briefing; returns its bytes."""
    root = parse_html(markdown_to_html(text))
    notes: dict[str, Node] = {}
    for div in [c for c in root.children if c.tag == "div" and "footnote" in c.attrs.get("class", "")]:
        root.children.remove(div)
        for li in div.find_all("li"):
            notes[li.attrs.get("id", "")] = li
    document, styles = load_base(reference)
    builder = _Builder(document, styles, notes)
    builder.blocks(root.children, builder.body, style=None)
    builder.footnotes.finish()
    document.core_properties.title = strip_control(title)
    document.core_properties.author = strip_control(author)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _Container:
    """Somewhere paragraphs go (body, table cell, footnote) and the part owning its links."""

    def __init__(self, new_paragraph: Callable[[], Any], part: Any) -> None:
        self.new_paragraph = new_paragraph
        self.part = part


class _Builder:
    def __init__(self, document: Document, styles: dict[str, str], notes: dict[str, Node]) -> None:
        self.document = document
        self.styles = styles
        self.notes = notes
        self.footnotes = Footnotes(document, styles["footnote text"], styles["footnote reference"])
        self.body = _Container(lambda: document.add_paragraph()._p, document.part)

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
                p = self.paragraph([], where, style)
                self.inline(node.children, p, frozenset({"code"}), where.part, keep_newlines=True)
            elif node.tag == "hr":
                continue  # a thematic break has no Word counterpart worth a style
            else:
                self.blocks(node.children, where, style, level)

    def paragraph(self, inlines: list[Node], where: _Container, style: str | None) -> Any:
        p = where.new_paragraph()
        if style:
            p.style = style
        self.inline(inlines, p, frozenset(), where.part)
        return p

    def list(self, node: Node, where: _Container, level: int) -> None:
        ordered = node.tag == "ol"
        name = ("List Number" if ordered else "List Bullet") + (" 2" if level else "")
        style = self.styles.get(name) or self.styles["List Number" if ordered else "List Bullet"]
        num_id = self._restart_numbering(style) if ordered else None
        for li in (c for c in node.children if c.tag == "li"):
            inline = [c for c in li.children if c.tag not in ("p", "ul", "ol", "blockquote", "table", "pre")]
            paras = [c for c in li.children if c.tag == "p"]
            first = paras[0].children if paras and not any(n.plain_text().strip() for n in inline) else inline
            p = self.paragraph(first, where, style)
            if num_id is not None:
                num_pr = p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
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
        table = self.document.add_table(rows=len(rows), cols=width)
        table.autofit = False
        widths = _column_widths(rows, width, self._text_width())
        for column, column_width in zip(table.columns, widths):
            column.width = column_width  # the grid, which LibreOffice follows
        grid = self.document.styles.element.get_by_id(self.styles["Table Grid"])
        if grid is not None:
            table.style = grid.name_val
        for r, row in enumerate(rows):
            cells = [c for c in row.children if c.tag in ("td", "th")]
            for c, cell_node in enumerate(cells):
                cell = table.cell(r, c)
                cell.width = widths[c]
                paragraphs = iter([cell.paragraphs[0]._p])

                def new_paragraph(cell: Any = cell, paragraphs: Any = paragraphs) -> Any:
                    first = next(paragraphs, None)
                    return first if first is not None else cell.add_paragraph()._p

                p = self.paragraph(cell_node.children, _Container(new_paragraph, self.document.part), None)
                if cell_node.tag == "th":
                    for rpr_parent in p.findall(qn("w:r")):
                        self._format(rpr_parent, frozenset({"b"}))
        self.document.add_paragraph()  # Word merges adjacent tables; keep them apart

    def _text_width(self) -> int:
        section = self.document.sections[-1]
        try:
            return int(section.page_width - section.left_margin - section.right_margin)
        except TypeError:  # a reference document without page size
            return int(Inches(6))

    # ---------------------------------------------------------------- inlines
    def inline(self, nodes: list[Node], p: Any, fmt: frozenset[str], part: Any,
               keep_newlines: bool = False, parent: Any = None) -> None:
        target = p if parent is None else parent
        after_break = False
        for node in nodes:
            if not node.tag:
                # The source newline after a hard break is not a space.
                self._text(node.text.lstrip("\n") if after_break else node.text, target, fmt, keep_newlines)
            elif node.tag in ("strong", "b"):
                self.inline(node.children, p, fmt | {"b"}, part, keep_newlines, parent)
            elif node.tag in ("em", "i"):
                self.inline(node.children, p, fmt | {"i"}, part, keep_newlines, parent)
            elif node.tag in ("del", "s"):
                self.inline(node.children, p, fmt | {"strike"}, part, keep_newlines, parent)
            elif node.tag == "code":
                self.inline(node.children, p, fmt | {"code"}, part, keep_newlines, parent)
            elif node.tag == "br":
                run = OxmlElement("w:r")
                run.append(OxmlElement("w:br"))
                target.append(run)
                after_break = True
                continue
            elif node.tag == "sup" and any("footnote-ref" in c.attrs.get("class", "") for c in node.children):
                self._footnote(node, target)
            elif node.tag == "sup":
                self.inline(node.children, p, fmt | {"sup"}, part, keep_newlines, parent)
            elif node.tag == "a" and node.attrs.get("href", "").startswith(_LINK_SCHEMES) and parent is None:
                link = OxmlElement("w:hyperlink")
                link.set(qn("r:id"), part.relate_to(node.attrs["href"], RT.HYPERLINK, is_external=True))
                link.set(qn("w:history"), "1")
                p.append(link)
                self.inline(node.children, p, fmt | {"link"}, part, keep_newlines, link)
            elif node.tag == "img":
                self._text(node.attrs.get("alt", ""), target, fmt, keep_newlines)
            else:
                self.inline(node.children, p, fmt, part, keep_newlines, parent)
            after_break = False

    def _footnote(self, sup: Node, target: Any) -> None:
        anchor = next(c for c in sup.children if c.tag == "a")
        note = self.notes.get(anchor.attrs.get("href", "").lstrip("#"))
        if note is None:
            return
        note_id, body = self.footnotes.add()
        where = _Container(body.new_paragraph, self.footnotes.part)
        content = [_drop_backrefs(c) for c in note.children]
        if not any(c.tag == "p" for c in content):
            content = [Node("p", children=content)]
        self.blocks(content, where, None)
        target.append(self.footnotes.reference_run(note_id))

    def _text(self, text: str, target: Any, fmt: frozenset[str], keep_newlines: bool) -> None:
        text = strip_control(text)
        if not keep_newlines:
            text = text.replace("\n", " ")
        if not text:
            return
        run = OxmlElement("w:r")
        self._format(run, fmt, cjk=bool(_CJK.search(text)))
        for i, line in enumerate(text.split("\n")):
            if i:
                run.append(OxmlElement("w:br"))
            for j, chunk in enumerate(line.split("\t")):
                if j:
                    run.append(OxmlElement("w:tab"))
                if chunk:
                    t = OxmlElement("w:t")
                    t.set(_XML_SPACE, "preserve")
                    t.text = chunk
                    run.append(t)
        target.append(run)

    def _format(self, run: Any, fmt: frozenset[str], cjk: bool = False) -> None:
        """Add run properties in the schema's order (rStyle, rFonts, b, i, strike, vertAlign)."""
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        order = ["rStyle", "rFonts", "b", "i", "strike", "vertAlign"]
        wanted: dict[str, dict[str, str]] = {}
        if "link" in fmt:
            wanted["rStyle"] = {"w:val": self.styles["Hyperlink"]}
        if "code" in fmt or cjk:
            fonts = {"w:ascii": "Courier New", "w:hAnsi": "Courier New"} if "code" in fmt else {}
            if cjk:
                fonts["w:hint"] = "eastAsia"  # CJK punctuation then uses the East Asian font
            wanted["rFonts"] = fonts
        for flag in ("b", "i", "strike"):
            if flag in fmt:
                wanted[flag] = {}
        if "sup" in fmt:
            wanted["vertAlign"] = {"w:val": "superscript"}
        for name, attrs in wanted.items():
            if rpr.find(qn(f"w:{name}")) is not None:
                continue
            element = OxmlElement(f"w:{name}")
            for key, value in attrs.items():
                element.set(qn(key), value)
            index = order.index(name)
            before = [c for c in rpr if c.tag.split("}")[1] in order
                      and order.index(c.tag.split("}")[1]) > index]
            if before:
                before[0].addprevious(element)
            else:
                rpr.append(element)
        if not len(rpr):
            run.remove(rpr)


def _column_widths(rows: list[Node], count: int, total: int) -> list[Emu]:
    """Share the text width by how much each column holds, so quotes get room."""
    weights = [0.0] * count
    for row in rows:
        for c, cell in enumerate([n for n in row.children if n.tag in ("td", "th")][:count]):
            weights[c] = max(weights[c], min(len(cell.plain_text()), 80))
    weights = [max(w, 18.0) for w in weights]  # room for short columns such as "para. 12"
    return [Emu(int(total * w / sum(weights))) for w in weights]


def _drop_backrefs(node: Node) -> Node:
    kept = [_drop_backrefs(c) for c in node.children if "footnote-backref" not in c.attrs.get("class", "")]
    if node.tag == "p" and kept and not kept[-1].tag:
        kept[-1] = Node("", text=kept[-1].text.rstrip("\u00a0 "))
    return Node(node.tag, dict(node.attrs), kept, node.text)
