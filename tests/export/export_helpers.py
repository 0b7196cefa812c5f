"""Helpers for the export tests: a project with awkward quotes, and readers for outputs."""

from __future__ import annotations

import hashlib
import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from briefer.core.service import ProjectService
from briefer.core.store import Store

# Quotes that must survive verbatim (each is one line of a document).
TRICKY_QUOTES = [
    "The United States** must develop a national technology strategy",
    "# not a heading",
    "> not a blockquote",
    "<script>alert('x')</script> & co &amp; &lt;",
    "{{ 7*7 }} and {% if x %}y{% endif %}",
    "emoji 😀🇺🇳 and astral 𝔘𝔫𝔦",
    "- not a list item",
    "1. not a numbered item",
    "*stars* _under_ `code` [link](http://x.org) ![img](y.png) back\\slash",
    "a | pipe ~~strike~~ $math$ ^caret [^9]",
    "=== setext? ---",
    "+ plus +",
    "2024) ordered?",
    "***",
]
CHINESE_QUOTE = "但包括輝達(Nvidia)執行長在內的一些政府外部人士表示,這些政策適得其反"
MULTILINE_QUOTE = "first line of two\nsecond line **bold?**"
URL = "https://example.org/report_(2024)?a=1&b=2"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_project(path: Path, *, title: str = "Export *test* <briefing>") -> Path:
    """A project with every tricky quote placed under the two stance sections."""
    with Store.create(path) as store:
        service = ProjectService(store)
        store.set_meta(
            title=title,
            author="A. Analyst",
            date="2026-11-23",
            marking="UNCLASSIFIED // TEST",
            bottom_line="Controls **mostly** backfire.",
        )
        backfire = store.add_tag(name="Controls backfire", color="#e8743b", is_stance=True)
        work = store.add_tag(name="Controls work", color="#2a7ab9", is_stance=True)
        store.add_tag(name="Semiconductors", color="#9bc53d")
        en_text = (
            "Opening paragraph.\n"
            + "\n".join(f"Before {i}.\n{q}" for i, q in enumerate(TRICKY_QUOTES))
            + "\n"
            + MULTILINE_QUOTE
            + "\nEnd."
        )
        en = store.add_document(
            text=en_text,
            sha256=_sha(en_text),
            title="Tricky *source*",
            publisher="Example Press",
            author="Jane Doe",
            date="2024-05-01",
            url=URL,
            language="en",
        )
        zh_text = "這一結果引發了激烈辯論。" + CHINESE_QUOTE + ",反而加速了發展。\n第二段。"
        zh = store.add_document(text=zh_text, sha256=_sha(zh_text), title="美國與中國的科技競賽", language="zh-Hant")
        s_intro = service.add_section(title="Background", notes="Plain **notes** with a [link](https://example.com).")
        s_back = service.add_section(title="Controls backfire", notes="- point one\n- point two", stance=backfire)
        s_work = service.add_section(title="Controls work", stance=work)
        service.add_section(title="Sub-point", parent=s_work, notes="1. first\n2. second")
        for i, quote in enumerate(TRICKY_QUOTES):
            pid = service.tag_quote(
                document=en,
                quote=quote,
                tags=["Controls backfire" if i % 2 else "Controls work"],
                note=f"Claim {i} is *important*",
            )
            service.place(passage=pid, section=s_back if i % 2 else s_work)
        multi = service.tag_quote(document=en, quote=MULTILINE_QUOTE, tags=["Semiconductors"])
        service.place(passage=multi, section=s_intro)
        zh_pid = service.tag_quote(
            document=zh,
            quote=CHINESE_QUOTE,
            tags=["Controls backfire"],
            translation="Some outsiders say these policies backfire.",
        )
        service.place(passage=zh_pid, section=s_back)
    return path


def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(footnote_plugin).enable("table")


def rendered_text(markdown: str) -> str:
    """The visible text of a CommonMark rendering, one line per inline run/break."""
    tokens = markdown_parser().parse(markdown)
    out: list[str] = []
    for token in tokens:
        if token.type != "inline":
            continue
        line = []
        for child in token.children or []:
            if child.type in ("text", "text_special"):
                line.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                line.append("\n")
            elif child.type == "html_inline" and child.content.lower().startswith("<br"):
                line.append("\n")
            elif child.type == "code_inline":
                line.append("`" + child.content + "`")  # should never happen for quotes
        out.append("".join(line))
    return "\n".join(out)


def raw_html_tokens(markdown: str) -> list[str]:
    tokens = markdown_parser().parse(markdown)
    found = [t.content for t in tokens if t.type == "html_block"]
    for token in tokens:
        found.extend(
            c.content
            for c in token.children or []
            if c.type == "html_inline" and not c.content.lower().startswith(("<br", "<strong", "</strong"))
        )
    return found


def docx_all_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def docx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def docx_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        return zf.namelist()


# ------------------------------------------------ HTML and Word, block by block
class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_plain_text(html: str) -> str:
    """All the text of an HTML fragment, tags dropped and entities decoded."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


_TEXT_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre"}


class HtmlBlocks(HTMLParser):
    """What a reader sees in Python-Markdown's HTML: each block's text in document order, and the notes.

    A footnote reference's number is left out of the text (a Word footnote
    mark has none) and recorded instead; a soft line break reads as a space,
    ``<br>`` as a line break.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str | None] = []  # body blocks, each in the slot of its start tag
        self.notes: dict[str, list[str]] = {}  # note id -> its paragraphs
        self.refs: list[str] = []  # note ids referred to from the body, in order
        self.note_refs: dict[str, list[str]] = {}  # note ids referred to from inside each note
        self._open: list[tuple[str, int, list[str]]] = []  # (tag, slot, text) of open blocks
        self._note: str | None = None
        self._in_notes = False
        self._skip: str | None = None  # the tag whose text is not shown
        self._pre = 0
        self._after_break = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self._skip = tag  # what a browser never shows
        elif tag == "div" and attr.get("class") == "footnote":
            self._in_notes = True
        elif tag == "a" and attr.get("class") in ("footnote-ref", "footnote-backref"):
            self._skip = "a"
            if attr.get("class") == "footnote-ref":
                note = attr["href"].lstrip("#")
                (self.note_refs.setdefault(self._note, []) if self._note else self.refs).append(note)
        elif tag == "img" and self._open:
            self._open[-1][2].append(attr.get("alt", ""))
        elif tag == "br":
            if self._open:
                self._open[-1][2].append("\n")
            self._after_break = True
        elif tag == "li" and self._in_notes:
            self._note = attr.get("id", "")
            self.notes[self._note] = []
        elif tag in _TEXT_BLOCKS and not (self._in_notes and tag != "p"):
            self._pre += tag == "pre"
            self.blocks.append(None)
            self._open.append((tag, len(self.blocks) - 1, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skip:
            self._skip = None
        elif self._open and self._open[-1][0] == tag:
            _tag, slot, parts = self._open.pop()
            self._pre -= tag == "pre"
            text = "".join(parts).strip()
            if self._in_notes and self._note is not None:
                self.blocks[slot] = None
                if text:
                    self.notes[self._note].append(text.rstrip("\u00a0"))
            else:
                self.blocks[slot] = text

    def handle_data(self, data: str) -> None:
        if self._skip or not self._open:
            return
        if self._after_break and data.startswith("\n"):
            data = data[1:]
        if data:
            self._after_break = False
        self._open[-1][2].append(data if self._pre else data.replace("\n", " "))

    def body_texts(self) -> list[str]:
        return [b for b in self.blocks if b]

    def expected_footnotes(self) -> list[list[str]]:
        """The Word footnotes, one per reference, in the order Word meets them (a note's own notes follow it)."""
        found: list[list[str]] = []

        def visit(note: str, open_notes: tuple[str, ...]) -> None:
            found.append(self.notes.get(note, []))
            for inner in self.note_refs.get(note, []):
                if inner not in open_notes:
                    visit(inner, (*open_notes, inner))

        for ref in self.refs:
            visit(ref, (ref,))
        return found


def html_blocks(html: str) -> HtmlBlocks:
    reader = HtmlBlocks()
    reader.feed(html)
    reader.close()
    return reader


def docx_body_texts(data: bytes) -> list[str]:
    """Each non-empty paragraph's text in the Word body, table cells in row order, as python-docx reads it."""
    document = docx.Document(io.BytesIO(data))
    texts: list[str] = []
    for child in document.element.body:
        if child.tag == qn("w:p"):
            texts.append(Paragraph(child, document).text.strip())
        elif child.tag == qn("w:tbl"):
            for p in child.iter(qn("w:p")):
                texts.append(Paragraph(p, document).text.strip())
    return [t for t in texts if t]


def docx_footnotes(data: bytes) -> list[list[str]]:
    """Each real footnote's paragraphs (their text, mark and the space after it dropped)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/footnotes.xml" not in zf.namelist():
            return []
        root = etree.fromstring(zf.read("word/footnotes.xml"))
    notes: list[list[str]] = []
    for note in root.findall(qn("w:footnote")):
        if int(note.get(qn("w:id"))) <= 0:
            continue
        paragraphs = []
        for p in note.iter(qn("w:p")):
            text = "".join(
                "\n" if el.tag == qn("w:br") else "\t" if el.tag == qn("w:tab") else el.text or ""
                for el in p.iter(qn("w:t"), qn("w:br"), qn("w:tab"))
            )
            paragraphs.append(text.strip())
        notes.append([t for t in paragraphs if t])
    return notes
