"""Helpers for the export tests: a project with awkward quotes, and readers for outputs."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
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
        store.set_meta(title=title, author="A. Analyst", date="2026-11-23",
                       marking="UNCLASSIFIED // TEST", bottom_line="Controls **mostly** backfire.")
        backfire = store.add_tag(name="Controls backfire", color="#e8743b", is_stance=True)
        work = store.add_tag(name="Controls work", color="#2a7ab9", is_stance=True)
        store.add_tag(name="Semiconductors", color="#9bc53d")
        en_text = "Opening paragraph.\n" + "\n".join(f"Before {i}.\n{q}" for i, q in enumerate(TRICKY_QUOTES)) \
            + "\n" + MULTILINE_QUOTE + "\nEnd."
        en = store.add_document(text=en_text, sha256=_sha(en_text), title="Tricky *source*",
                                publisher="Example Press", author="Jane Doe", date="2024-05-01",
                                url=URL, language="en")
        zh_text = "這一結果引發了激烈辯論。" + CHINESE_QUOTE + ",反而加速了發展。\n第二段。"
        zh = store.add_document(text=zh_text, sha256=_sha(zh_text), title="美國與中國的科技競賽",
                                language="zh-Hant")
        s_intro = service.add_section(title="Background", notes="Plain **notes** with a [link](https://example.com).")
        s_back = service.add_section(title="Controls backfire", notes="- point one\n- point two", stance=backfire)
        s_work = service.add_section(title="Controls work", stance=work)
        service.add_section(title="Sub-point", parent=s_work, notes="1. first\n2. second")
        for i, quote in enumerate(TRICKY_QUOTES):
            pid = service.tag_quote(document=en, quote=quote, tags=["Controls backfire" if i % 2 else "Controls work"],
                                    note=f"Claim {i} is *important*")
            service.place(passage=pid, section=s_back if i % 2 else s_work)
        multi = service.tag_quote(document=en, quote=MULTILINE_QUOTE, tags=["Semiconductors"])
        service.place(passage=multi, section=s_intro)
        zh_pid = service.tag_quote(document=zh, quote=CHINESE_QUOTE, tags=["Controls backfire"],
                                   translation="Some outsiders say these policies backfire.")
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
        found.extend(c.content for c in token.children or [] if c.type == "html_inline"
                     and not c.content.lower().startswith(("<br", "<strong", "</strong")))
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
