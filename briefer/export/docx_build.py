"""Markdown -> Python-Markdown's element tree -> Word, with named styles and real footnotes.

The tree is the one Python-Markdown's parser and tree processors build
(:func:`briefer.export.markdown_dialect.parse_briefing`); this module walks it
once. Every block maps to a named style and every inline to runs, so the
document carries no direct formatting beyond bold/italic that the Markdown
asked for. Paragraphs are written as WordprocessingML text and parsed in
batches (see docx_xml).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Inches
from markdown import util
from markdown.extensions.footnotes import NBSP_PLACEHOLDER

from briefer.export import docx_xml as xml
from briefer.export import raw_html
from briefer.export.card_markup import read_directive
from briefer.export.docx_footnotes import Footnotes
from briefer.export.docx_styles import load_base
from briefer.export.errors import ExportError
from briefer.export.markdown_dialect import BriefingTree, parse_briefing, strip_control
from briefer.export.raw_html import decode_entities

_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[\U00020000-\U0003ffff]")
_HEADING = {
    "h1": "Title",
    "h2": "Heading 1",
    "h3": "Heading 2",
    "h4": "Heading 3",
    "h5": "Heading 3",
    "h6": "Heading 3",
}
_LINK_SCHEMES = ("http://", "https://", "mailto:", "ftp://")
_BLOCK_TAGS = frozenset({"p", "ul", "ol", "blockquote", "table", "pre"})
_SECT_PR = qn("w:sectPr")
_BLOCK_LEVEL = frozenset(util.BLOCK_LEVEL_ELEMENTS)
_PLACEHOLDER = util.HTML_PLACEHOLDER_RE


def build_docx(
    text: str,
    *,
    reference: Path | None = None,
    title: str = "",
    author: str = "",
    marking: str = "",
    page: str = "",
    base: WordBase | None = None,
    _directive_lines: bool = True,
) -> bytes:
    """Build the Word file for a rendered Markdown briefing; returns its bytes.

    ``marking`` and ``title`` fill the running header and footer; ``page``
    ("letter" or "a4") overrides the reference document's paper size. ``base``
    is :func:`open_base` of the same reference, page, marking and title, opened
    ahead (while the template rendered); it is built into, so it serves one build.
    ``_directive_lines`` is for tests: see markdown_dialect.briefing_markdown.
    """
    tree = parse_briefing(text, _directive_lines=_directive_lines)
    notes: dict[str, Element] = {}
    for div in [c for c in tree.root if c.tag == "div" and "footnote" in c.get("class", "")]:
        tree.root.remove(div)
        for li in div.iter("li"):
            notes[li.get("id", "")] = li
    document, styles = base if base is not None else open_base(reference, page=page, marking=marking, title=title)
    # One thread beside this one parses the XML written so far (see docx_xml.ParseQueue).
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefer-docx-parse")
    try:
        builder = _Builder(document, styles, notes, tree, pool)
        builder.blocks(tree.root, builder.body, style=None)
        builder.body.finish()
        builder.footnotes.finish()
    finally:
        pool.shutdown(cancel_futures=True)
    document.core_properties.title = strip_control(title)
    document.core_properties.author = strip_control(author)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


WordBase = tuple[Document, dict[str, str]]


def open_base(reference: Path | None, *, page: str = "", marking: str = "", title: str = "") -> WordBase:
    """The document a build writes into: the reference's styles, page and running header and footer."""
    return load_base(reference, page=page, marking=strip_control(marking).strip(), title=strip_control(title).strip())


class _Container:
    """Somewhere paragraphs go (body, table cell, footnote) and the part owning its links."""

    part: Any

    def add(self, style: str | None, num_id: int | None, runs: str) -> Any:
        """Add a paragraph with this style, numbering and runs (WordprocessingML text)."""
        raise NotImplementedError


class _Body(_Container):
    """The document body: paragraphs are parsed in batches and go before the final section properties."""

    def __init__(self, document: Document, default_style: str | None, parsed: xml.ParseQueue) -> None:
        self.part = document.part
        self._body = document.element.body
        self._pending: list[str] = []
        self._parsed = parsed
        self._default_style = default_style  # Body Text: a paragraph the Markdown gave no style

    def add(self, style: str | None, num_id: int | None, runs: str) -> None:
        self._pending.append(xml.paragraph(style or self._default_style, num_id, runs))
        if len(self._pending) >= 2000:  # keep each parse moderate
            self._flush()

    def add_table(self, table: str) -> None:
        """A table written as WordprocessingML, parsed on its own (see ``docx_xml.parse_element``)."""
        self._flush()
        self._parsed.put(table, one_element=True)

    def _flush(self) -> None:
        """Send what is pending to be parsed (before a table, and at the end)."""
        if self._pending:
            self._parsed.put("".join(self._pending))
            self._pending = []

    def finish(self) -> None:
        """Everything written, parsed, into the body in the order it was written."""
        self._flush()
        self._insert(self._parsed.take())

    def _insert(self, elements: list[Any]) -> None:
        section = self._body[-1] if len(self._body) and self._body[-1].tag == _SECT_PR else None
        for element in elements:
            if section is not None:
                section.addprevious(element)
            else:
                self._body.append(element)


class _Cell(_Container):
    """A table cell's paragraphs, written into the table's XML with it."""

    def __init__(self, part: Any) -> None:
        self.part = part
        self.paragraphs: list[str] = []

    def add(self, style: str | None, num_id: int | None, runs: str) -> None:
        self.paragraphs.append(xml.paragraph(style, num_id, runs))


class _Note(_Container):
    """One footnote's paragraphs."""

    def __init__(self, footnotes: Footnotes) -> None:
        self.part = footnotes.part
        self._footnotes = footnotes
        self.paragraphs: list[str] = []

    def add(self, style: str | None, num_id: int | None, runs: str) -> None:
        self.paragraphs.append(self._footnotes.paragraph(style, num_id, runs, first=not self.paragraphs))


class _Runs:
    """A paragraph's runs as they are written, and the inline state that carries from one text to the next."""

    __slots__ = ("parts", "raw_formats", "after_break", "hidden", "card")

    def __init__(self, card: bool = False) -> None:
        self.parts: list[str] = []  # WordprocessingML runs (or a hyperlink's)
        self.raw_formats: list[str] = []  # formats opened by raw tags such as <strong>, innermost last
        self.after_break = False  # the source newline after a hard break is not a space
        self.hidden = False  # inside raw <script> or <style>, which a reader never sees
        self.card = card  # a Card Body paragraph: bold is Read Text, the rest Shrunk Text


class _Builder:
    """Walks a briefing's element tree once, writing Word paragraphs, tables and footnotes."""

    def __init__(
        self,
        document: Document,
        styles: dict[str, str],
        notes: dict[str, Element],
        tree: BriefingTree,
        pool: Executor | None = None,
    ) -> None:
        self.document = document
        self.styles = styles
        self.notes = notes
        self.raw_html = tree.raw_html
        self.unescape = tree.unescape
        self.is_block_html = tree.is_block_html
        self.footnotes = Footnotes(
            document, styles["footnote text"], styles["footnote reference"], parsed=xml.ParseQueue(pool)
        )
        self.body = _Body(document, styles["Body Text"], xml.ParseQueue(pool))
        self._links: dict[tuple[int, str], str] = {}  # (part, URL) -> relationship id
        self._open_notes: set[str] = set()  # footnotes being written, innermost last
        self._directive: dict[str, str] = {}  # a template's docx(...) for the next block
        self._style_ids: dict[str, str] | None = None  # every style of the document, by lower-case name

    # ----------------------------------------------------------------- blocks
    def blocks(self, parent: Element, where: _Container, style: str | None, level: int = 0) -> None:
        """The block children of ``parent``; loose text and inline elements between them make paragraphs."""
        text: str | None = parent.text
        inline: list[Element] = []
        for node in parent:
            if node.tag in _BLOCK_LEVEL:
                self._loose(text, inline, where, style)
                self.block(node, where, style, level)
                text, inline = node.tail, []
            else:  # only in raw HTML: Python-Markdown's own blocks hold blocks
                inline.append(node)
        self._loose(text, inline, where, style)

    def _loose(self, text: str | None, inline: list[Element], where: _Container, style: str | None) -> None:
        if inline or (text and text.strip()):
            runs = _Runs()
            self.inline(text, inline, runs, frozenset(), where.part)
            where.add(style or None, None, "".join(runs.parts))

    def block(self, node: Element, where: _Container, style: str | None, level: int = 0) -> None:
        tag = node.tag
        if tag in raw_html.HIDDEN:
            return  # a script or style sheet: nothing a reader sees
        raw = self._raw_block(node) if tag == "p" else None
        if tag == "p":
            if raw is not None and (directive := read_directive(raw)) is not None:
                self._directive = directive  # applies to the next block
                return
        directive, self._directive = self._directive, {}
        chosen = self._style_id(directive["style"]) if "style" in directive else None
        if tag == "p":
            if raw is not None:
                self.blocks(raw_html.parse_block(raw), where, style, level)
            else:
                self.paragraph(node, where, chosen or style)
        elif tag in _HEADING:
            self.paragraph(node, where, chosen or self.styles[_HEADING[tag]])
        elif tag == "blockquote":
            self.blocks(node, where, chosen or self.styles["Quote"], level)
        elif tag in ("ul", "ol"):
            self.list_items(node, where, level)
        elif tag == "table":
            self.table(node, where, chosen, directive.get("widths", ""))
        elif tag == "pre":
            self.paragraph(node, where, style, fmt=frozenset({"code"}), keep_newlines=True)
        elif tag == "hr":
            return  # a thematic break has no Word counterpart worth a style
        else:
            self.blocks(node, where, style, level)

    def _style_id(self, name: str) -> str:
        """The id of the style a template named in ``docx(style=...)``; unknown names stop the export."""
        if self._style_ids is None:
            self._style_ids = {}
            for style in self.document.styles.element.findall(qn("w:style")):
                element = style.find(qn("w:name"))
                if element is not None:
                    self._style_ids.setdefault(element.get(qn("w:val")).lower(), style.get(qn("w:styleId")))
        found = self._style_ids.get(name.lower())
        if found is None:
            raise ExportError(f"the template asks for the Word style '{name}', which its reference.docx does not have")
        return found

    def _raw_block(self, p: Element) -> str | None:
        """The raw HTML block a paragraph stands for, as Python-Markdown's raw-HTML postprocessor decides."""
        if len(p) or not p.text or "\x02" not in p.text:
            return None
        m = _PLACEHOLDER.fullmatch(p.text)
        if m is None:
            return None
        raw = self.raw_html[int(m.group(1))]
        return raw if self.is_block_html(raw) else None

    def paragraph(
        self,
        node: Element,
        where: _Container,
        style: str | None,
        num_id: int | None = None,
        fmt: frozenset[str] = frozenset(),
        keep_newlines: bool = False,
        skip: frozenset[str] = frozenset(),
    ) -> Any:
        """A paragraph of ``node``'s inline content (its text, children and their tails)."""
        runs = _Runs(card=style is not None and style == self.styles["Card Body"])
        self.inline(node.text, node, runs, fmt, where.part, keep_newlines, skip=skip)
        return where.add(style or None, num_id, "".join(runs.parts))

    def paragraph_of_text(self, text: str, where: _Container, style: str | None) -> Any:
        runs = _Runs()
        self._text(text, runs, frozenset(), False)
        return where.add(style or None, None, "".join(runs.parts))

    def list_items(self, node: Element, where: _Container, level: int) -> None:
        ordered = node.tag == "ol"
        name = ("List Number" if ordered else "List Bullet") + (" 2" if level else "")
        style = self.styles.get(name) or self.styles["List Number" if ordered else "List Bullet"]
        num_id = self._restart_numbering(style) if ordered else None
        for li in (c for c in node if c.tag == "li"):
            blocks = [c for c in li if c.tag in _BLOCK_TAGS]
            has_inline = bool(li.text and li.text.strip()) or any(
                c.tag not in _BLOCK_TAGS or (c.tail and c.tail.strip()) for c in li
            )
            if blocks and blocks[0].tag == "p" and not has_inline:
                # A loose item: its first paragraph is the item's own line.
                self.paragraph(blocks[0], where, style, num_id)
                blocks = blocks[1:]
            else:
                self.paragraph(li, where, style, num_id, skip=_BLOCK_TAGS)
            for child in blocks:
                if child.tag in ("ul", "ol"):
                    self.list_items(child, where, level + 1)
                else:
                    self.block(child, where, style if child.tag == "p" else None, level + 1)

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

    def table(self, node: Element, where: _Container, style: str | None = None, widths_percent: str = "") -> None:
        """A Word table in the body, written as WordprocessingML like the paragraphs; header cells in bold.

        The header row repeats on every page. Column widths are the template's
        (``docx(widths=[...])``, percent of the text width) or shared by content.
        """
        rows = [[c for c in row if c.tag in ("td", "th")] for row in node.iter("tr")]
        if where is not self.body:  # Word tables inside notes or cells: keep it simple
            for cells in rows:
                self.paragraph_of_text(" | ".join(self.plain_text(c) for c in cells), where, None)
            return
        width = max((len(cells) for cells in rows), default=0)
        if not rows or not width:
            return
        widths = _given_widths(widths_percent, width, self._text_width()) or self._column_widths(
            rows, width, self._text_width()
        )
        xml_rows = []
        for cells in rows:
            xml_cells = []
            for cell_node in cells:
                cell = _Cell(self.document.part)
                self.paragraph(cell_node, cell, None, fmt=frozenset({"b"}) if cell_node.tag == "th" else frozenset())
                xml_cells.append("".join(cell.paragraphs))
            xml_rows.append(xml_cells)
        table_style = style or self.styles["Table"]
        header_rows = 1 if rows and rows[0] and all(c.tag == "th" for c in rows[0]) else 0
        self.body.add_table(xml.table(table_style, widths, xml_rows, header_rows=header_rows))
        self.body.add(None, None, "")  # Word merges adjacent tables; keep them apart

    def _text_width(self) -> int:
        section = self.document.sections[-1]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        if width is None or left is None or right is None:  # a reference document without page size
            return int(Inches(6))
        return int(width - left - right)

    def _column_widths(self, rows: list[list[Element]], count: int, total: int) -> list[int]:
        """Share the text width by how much each column holds, so quotes get room."""
        weights = [0.0] * count
        # No column narrower than its longest word ("Location" must not wrap as "Locatio/n").
        floors = [0] * count
        for cells in rows:
            for c, cell in enumerate(cells[:count]):
                text = self.plain_text(cell)
                weights[c] = max(weights[c], min(len(text), 80))
                longest = max((len(word) for word in _WORD.findall(text)), default=0)
                floors[c] = max(floors[c], min(longest, 24) * _CHAR_EMU + _CELL_PADDING_EMU)
        weights = [max(w, 18.0) for w in weights]  # room for short columns such as "para. 12"
        shares = [int(total * w / sum(weights)) for w in weights]
        if sum(floors) >= total:
            return shares
        short = [c for c in range(count) if shares[c] < floors[c]]
        if not short:
            return shares
        rest = total - sum(floors[c] for c in short)
        others = [c for c in range(count) if c not in short]
        other_sum = sum(shares[c] for c in others) or 1
        return [floors[c] if c in short else int(rest * shares[c] / other_sum) for c in range(count)]

    def plain_text(self, node: Element) -> str:
        """The text of ``node`` as a reader sees it: raw tags dropped, escapes and entities decoded."""
        text = "".join(node.itertext())
        if "\x02" not in text:
            return decode_entities(text) if "&" in text else text
        text = self.unescape(text.replace(util.AMP_SUBSTITUTE, "&").replace(NBSP_PLACEHOLDER, ""))
        pieces = _PLACEHOLDER.split(text)
        for i, piece in enumerate(pieces):
            if i % 2:
                pieces[i] = raw_html.entity_text(self.raw_html[int(piece)])
            elif "&" in piece:
                pieces[i] = decode_entities(piece)
        return "".join(pieces)

    # ---------------------------------------------------------------- inlines
    def inline(
        self,
        text: str | None,
        children: Iterable[Element],
        runs: _Runs,
        fmt: frozenset[str],
        part: Any,
        keep_newlines: bool = False,
        in_link: bool = False,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        """Append the runs for ``text`` and then each child (and its tail) to ``runs``.

        Children whose tag is in ``skip`` (a list item's nested blocks) are
        written elsewhere; only their tails are read here.
        """
        if text:
            self._text(text, runs, fmt, keep_newlines)
        for node in children:
            if node.tag not in skip:
                self.inline_element(node, runs, fmt, part, keep_newlines, in_link)
            # A line break's tail of spaces alone is layout (Python-Markdown's
            # prettify step, which the Word path skips, writes it as a newline).
            if node.tail and not (node.tag == "br" and not node.tail.strip()):
                self._text(node.tail, runs, fmt, keep_newlines)

    def inline_element(
        self, node: Element, runs: _Runs, fmt: frozenset[str], part: Any, keep_newlines: bool, in_link: bool
    ) -> None:
        tag = node.tag
        flag = raw_html.FORMAT_TAGS.get(tag)
        if tag == "br":
            runs.parts.append(xml.BREAK_RUN)
            runs.after_break = True
            return
        if tag in raw_html.HIDDEN:
            return
        if tag == "sup" and (key := _note_key(node)) is not None and key not in self._open_notes:
            self._footnote(key, runs)
        elif tag == "a" and "footnote-backref" in node.get("class", ""):
            return  # Word footnotes need no way back
        elif tag == "a" and (href := self.attribute(node, "href")).startswith(_LINK_SCHEMES) and not in_link:
            rel_id = self._relate(part, href)
            outer, runs.parts = runs.parts, []
            self.inline(node.text, node, runs, fmt | {"link"}, part, keep_newlines, True)
            link_runs, runs.parts = runs.parts, outer
            runs.parts.append(
                f'<w:hyperlink r:id="{xml.attr(rel_id)}" w:history="1">{"".join(link_runs)}</w:hyperlink>'
            )
        elif tag == "img":
            self._write(self.attribute(node, "alt"), runs, fmt, keep_newlines)
        elif flag is not None:
            self.inline(node.text, node, runs, fmt | {flag}, part, keep_newlines, in_link)
        else:
            self.inline(node.text, node, runs, fmt, part, keep_newlines, in_link)
        runs.after_break = False

    def attribute(self, node: Element, name: str) -> str:
        """An attribute's value as the HTML would give it (escapes restored, an obfuscated e-mail decoded)."""
        value = node.get(name, "")
        if "\x02" in value:
            value = self.unescape(value.replace(util.AMP_SUBSTITUTE, "&"))
        return decode_entities(value) if "&" in value else value

    def _relate(self, part: Any, url: str) -> str:
        """``part.relate_to(url)``, which searches every relationship of the part each time."""
        key = (id(part), url)
        if key not in self._links:
            self._links[key] = part.relate_to(url, RT.HYPERLINK, is_external=True)
        return self._links[key]

    def _footnote(self, key: str, runs: _Runs) -> None:
        note = self.notes.get(key)
        if note is None:
            return
        note_id = self.footnotes.add()
        where = _Note(self.footnotes)
        # A note that refers to itself (or to a note that refers back) would be
        # written inside itself forever; inside it, that reference stays its number.
        self._open_notes.add(key)
        try:
            if any(c.tag == "p" for c in note):
                self.blocks(note, where, None)
            else:
                self.paragraph(note, where, None)
        finally:
            self._open_notes.discard(key)
        self.footnotes.fill(note_id, where.paragraphs)
        runs.parts.append(self.footnotes.reference(note_id))

    def _text(self, text: str, runs: _Runs, fmt: frozenset[str], keep_newlines: bool) -> None:
        """Text from the tree: raw-HTML placeholders act, entities are decoded, the rest is written."""
        if "\x02" not in text:
            self._write(decode_entities(text) if "&" in text else text, runs, fmt, keep_newlines)
            return
        # An e-mail address is written as entities whose '&' is a placeholder until
        # the HTML is written; the note's back-link space never reaches Word.
        # (Unescaping a code element's text too is harmless: code keeps no escapes.)
        text = self.unescape(text.replace(util.AMP_SUBSTITUTE, "&").replace(NBSP_PLACEHOLDER, ""))
        pending: list[str] = []  # text and entities up to the next raw tag: one run, as the HTML reads
        for i, piece in enumerate(_PLACEHOLDER.split(text)):
            if i % 2 == 0:
                pending.append(decode_entities(piece) if "&" in piece else piece)
                continue
            raw = self.raw_html[int(piece)]
            tag = raw_html.tag_of(raw)
            if tag is None:
                pending.append(raw_html.entity_text(raw))
                continue
            self._write("".join(pending), runs, fmt, keep_newlines)
            pending = []
            if tag[1] in raw_html.HIDDEN:
                runs.hidden = not tag[0]
            elif tag[1] == "br":
                runs.parts.append(xml.BREAK_RUN)
                runs.after_break = True
            elif tag[1] == "img" and not tag[0]:
                pending.append(raw_html.alt_text(raw))
            elif (flag := raw_html.FORMAT_TAGS.get(tag[1])) is not None:
                if not tag[0]:
                    runs.raw_formats.append(flag)
                elif flag in runs.raw_formats:
                    del runs.raw_formats[len(runs.raw_formats) - 1 - runs.raw_formats[::-1].index(flag)]
        self._write("".join(pending), runs, fmt, keep_newlines)

    def _write(self, text: str, runs: _Runs, fmt: frozenset[str], keep_newlines: bool) -> None:
        if runs.hidden:
            return
        if runs.after_break:
            text = text.lstrip("\n")
        text = strip_control(text)
        if not keep_newlines:
            text = text.replace("\n", " ")
        if not text:
            return
        runs.after_break = False
        if runs.raw_formats:
            fmt = fmt.union(runs.raw_formats)
        cjk = _CJK.search(text) is not None
        props = self._run_properties(fmt, cjk, runs.card) if fmt or cjk or runs.card else ""
        if "\n" not in text and "\t" not in text:
            runs.parts.append(f'<w:r>{props}<w:t xml:space="preserve">{xml.text(text)}</w:t></w:r>')
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
        runs.parts.append(f"<w:r>{props}{''.join(content)}</w:r>")

    def _run_properties(self, fmt: frozenset[str], cjk: bool, card: bool = False) -> str:
        """``rPr`` in the schema's order (rStyle, rFonts, b, i, strike, vertAlign).

        In a card body the passage (bold in the Markdown) is the Read Text
        style and the rest Shrunk Text: the styles carry the look, not ``w:b``.
        """
        props = []
        if "link" in fmt:
            props.append(f'<w:rStyle w:val="{xml.attr(self.styles["Hyperlink"])}"/>')
        elif card:
            props.append(f'<w:rStyle w:val="{xml.attr(self.styles["Read Text" if "b" in fmt else "Shrunk Text"])}"/>')
            fmt = fmt - {"b"}
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


# A generous character width for table text (bold 10 pt), and a cell's left and right margins, in EMU.
_CHAR_EMU = int(Inches(0.095))
_CELL_PADDING_EMU = int(Inches(0.16))
# A word that a line cannot break inside: Chinese, Japanese and Korean text breaks between any two characters.
_WORD = re.compile(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")


def _given_widths(percent: str, count: int, total: int) -> list[int] | None:
    """The template's column widths in EMU, scaled to the text width; None if they do not fit the table."""
    try:
        numbers = [float(n) for n in percent.split()]
    except ValueError:
        return None
    if len(numbers) != count or not all(n > 0 for n in numbers):
        return None
    return [int(total * n / sum(numbers)) for n in numbers]


def _note_key(sup: Element) -> str | None:
    """The footnote a ``<sup>`` refers to, or None if it is an ordinary superscript."""
    for child in sup:
        if child.tag == "a" and "footnote-ref" in child.get("class", ""):
            return child.get("href", "").lstrip("#")
    return None
