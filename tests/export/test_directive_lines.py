"""Directive comment lines stashed by the dialect itself read exactly as Python-Markdown's HTML parser reads them.

``DirectiveLines`` takes a template's ``docx(...)`` lines out of the text
before Python-Markdown's HTML block preprocessor runs. Every check parses the
same text twice, with it and without (``_directive_lines=False``), and
compares the element trees with each stash placeholder replaced by the raw HTML
it stands for, the preview's HTML byte for byte, and for the shipped templates
the Word files.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import tostring

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from markdown import util

from briefer.core.project import create_project, open_project
from briefer.core.store import Store
from briefer.export.docx_build import build_docx
from briefer.export.engine import render_project
from briefer.export.markdown_dialect import (
    BriefingTree,
    briefing_markdown,
    markdown_to_html,
    parse_briefing,
    strip_control,
)
from briefer.export.templates import find_template

TEMPLATES = ["memo", "debate-brief", "evidence-annex"]

NOTE = '<!-- docx style="Passage Note" -->'
TAG = '<!-- docx style="Card Tag" -->'
WIDTHS = '<!-- docx widths="40 60" -->'


def resolved(tree: BriefingTree) -> str:
    """The tree serialized with every stash placeholder replaced by its raw HTML."""

    def fill(text: str | None) -> str | None:
        if not text:
            return text
        return util.HTML_PLACEHOLDER_RE.sub(lambda m: tree.raw_html[int(m.group(1))], text)

    for element in tree.root.iter():
        element.text = fill(element.text)
        element.tail = fill(element.tail)
        for name, value in element.attrib.items():
            element.attrib[name] = fill(value) or ""
    return tostring(tree.root, encoding="unicode")


def assert_same(text: str) -> None:
    assert resolved(parse_briefing(text)) == resolved(parse_briefing(text, _directive_lines=False)), text
    assert markdown_to_html(text) == markdown_to_html(text, _directive_lines=False), text


def takes_fast_path(text: str) -> bool:
    """Whether DirectiveLines stashes the text's directive lines itself (else it leaves the text whole)."""
    md = briefing_markdown()
    lines = md.preprocessors["normalize_whitespace"].run(strip_control(text).split("\n"))
    return md.preprocessors["briefing-directive-lines"].run(lines) is not lines


# (name, text, fast): fast when DirectiveLines stashes the directive lines itself, else it
# leaves the whole text to Python-Markdown.
CASES = [
    ("after a text line", f"Some text.\n{NOTE}\nThe note.\n", True),
    ("blank line after", f"Text.\n\n{NOTE}\n\nA paragraph.\n", True),
    ("blank line before only", f"Text.\n\n{NOTE}\nA paragraph.\n", True),
    ("blank line after only", f"Text.\n{NOTE}\n\nA paragraph.\n", True),
    ("two in a row", f"{NOTE}\n{TAG}\nA paragraph.\n", True),
    ("two in a row after text", f"Text.\n{NOTE}\n{TAG}\n\nA paragraph.\n", True),
    ("two with a blank line between", f"Text.\n{NOTE}\n\n{TAG}\nA paragraph.\n", True),
    ("three in a row with blanks", f"\n\n{NOTE}\n\n\n{TAG}\n{NOTE}\n\n", True),
    ("at the end, no line end", f"A paragraph.\n\n{NOTE}", True),
    ("at the end after text", f"A paragraph.\n{NOTE}\n", True),
    ("at the end after a blank line", f"A paragraph.\n\n{NOTE}\n\n\n", True),
    ("alone", NOTE, True),
    ("first line", f"{NOTE}\nA paragraph.", True),
    ("after a leading blank line", f"\n{NOTE}\nA paragraph.", True),
    ("after a first line of spaces", f"   \n{NOTE}\nA paragraph.", True),
    ("around lines of spaces and tabs", f"Text.\n   \n{NOTE}\n  \t \nA paragraph.\n\t\n{TAG}\n", True),
    ("before a heading", f"{TAG}\n### A tag\n\nText.\n", True),
    ("before a setext heading", f"{TAG}\nA tag\n=====\n", True),
    ("before a rule", f"Text.\n{NOTE}\n---\n", True),
    ("before a table", f"{WIDTHS}\n| a | b |\n|---|---|\n| 1 | 2 |\n", True),
    ("before a list", f"Text.\n{NOTE}\n- one\n- two\n", True),
    ("between list items", f"- one\n{NOTE}\n- two\n\n1. x\n{TAG}\n\n2. y\n", True),
    ("after a blockquote line", f"> A quote.[^1]\n{NOTE}\nMore.\n\n[^1]: A note.\n", True),
    ("inside a footnote definition", f"Text.[^1]\n\n[^1]: A note.\n{NOTE}\n    continued\n", True),
    ("before indented code", f"{NOTE}\n    code line\n\nText.\n", True),
    ("after indented code", f"    code line\n{NOTE}\nText.\n", True),
    ("after a hard line break", f"A line  \n{NOTE}\nText.\n", True),
    ("next to references", f"&#32;lead &amp; x\n{NOTE}\n&#x41;&#32; next &copy;\n\n{TAG}\n&amp;\n", True),
    ("after a bare ampersand", f"a &\n{NOTE}\n& b\n", True),
    ("after a reference without its semicolon", f"a &#32\n{NOTE}\n&#65 b &amp c\n", False),
    ("tabs and dashes inside", f'<!--\tdocx\tstyle="Q&A -- Note"\t-->\nText.\n{TAG}\nx', True),
    ("two attributes", '<!-- docx style="Table" widths="30 70" -->\n| a | b |\n|---|---|\n| 1 | 2 |\n', True),
    ("a line separator inside", f'Text.\n<!--\u2028docx style="A"\u2028-->\nMore.\n{NOTE}\n', True),
    ("Chinese around", f"這一結果引發了激烈辯論。\n{NOTE}\n第二段。\n", True),
    (
        "after a cite with tags and a blank line",
        f"Doe, <em>Title</em>, [x](<https://e.org/a_(b)?c=1&d=2>).\n\n{NOTE}\nA <b>note</b>.\n",
        True,
    ),
    ("before tags", f"{TAG}\n**Doe** <em>Title</em> <span>open\n\n{NOTE}\nclosed</span> here.\n", True),
    ("after a span opened before a blank line", f"Text <span>open\n\n{NOTE}\nclosed</span> here.\n", True),
    ("after tags in a blockquote and a table", f"> a <em>b</em>\n\n| a<br>b | c |\n|---|---|\n\n{TAG}\nx\n", True),
    ("after a block tag mid-line", f"Text <div>x</div> <hr> <script>y</script>\n\n{NOTE}\nz\n", True),
    ("inside a multi-line div", f'<div class="box">\n{NOTE}\nText.\n</div>\n\n{TAG}\nA paragraph.\n', False),
    ("after a div closed on the line before", f"<div>x</div>\n{NOTE}\nA paragraph.\n", False),
    ("after a div and a blank line", f"<div>\nx\n</div>\n\n{NOTE}\nA paragraph.\n", False),
    ("with trailing text", f"{NOTE} trailing\nA paragraph.\n\n{TAG}\nMore.\n", False),
    ("with trailing spaces", f"{NOTE}   \n\nA paragraph.\n\n{TAG}\nMore.\n", False),
    ("indented by one space", f" {NOTE}\nA paragraph.\n\n{TAG}\nMore.\n", False),
    ("indented by three spaces", f"Text.\n   {NOTE}\nA paragraph.\n{TAG}\n", False),
    ("indented by four spaces", f"Text.\n\n    {NOTE}\nA paragraph.\n{TAG}\n", False),
    ("in a blockquote", f"> {NOTE}\n> A quote.\n\n{TAG}\nMore.\n", False),
    ("in a list item", f"- {NOTE}\n  An item.\n\n{TAG}\nMore.\n", False),
    ("in a table cell", f"| {NOTE} | b |\n|---|---|\n| 1 | 2 |\n\n{TAG}\nx\n", False),
    ("inside an open span", f"Text <span>open\n{NOTE}\nclosed</span> here.\n\n{TAG}\nx\n", False),
    ("after a comment opened mid-line", f"Text <!-- a remark\n{NOTE}\nA paragraph.\n\n{TAG}\nx\n", False),
    ("inside a tag spanning lines", f'Text <a title="a\n{NOTE}\nb">link</a>\n\n{TAG}\nx\n', False),
    ("after another comment line", f"<!-- a remark -->\n{NOTE}\nA paragraph.\n", False),
    ("after an autolink", f"<https://example.org>\n{NOTE}\nA paragraph.\n", False),
    ("after a bare less-than", f"a < b\n{NOTE}\nA paragraph.\n", False),
    ("after a directive in a code span", f"`{NOTE}`\n{TAG}\nA paragraph.\n", False),
    ("after a tag on the line before", f"A <em>cite</em>.\n{NOTE}\nA paragraph.\n", False),
    ("after a tag two lines before", f"A <em>cite</em>.\nMore.\n{NOTE}\nA paragraph.\n", False),
    ("after a tag starting a line", f"<em>x</em> y\n\n{NOTE}\nA paragraph.\n", False),
    ("after a tag after spaces", f"   <em>x</em> y\n\n{NOTE}\nA paragraph.\n", False),
    ("after a tag with quotes", f'Text <a href="x">y</a>\n\n{NOTE}\nA paragraph.\n', False),
    ("after a comment closed mid-line", f"Text <!-- x --> y\n\n{NOTE}\nA paragraph.\n", False),
    ("after a tag left open at the line end", f"Text <a\nhref=x>y</a>\n\n{NOTE}\nA paragraph.\n", False),
    ("after a line break tag", f"a<br>\n{NOTE}\nb\n", False),
    ("after a line break tag and a blank line", f"a<br>\n\n{NOTE}\nb\n", True),
    ("without attributes", f"<!-- docx -->\n{NOTE}\nA paragraph.\n", False),
    ("in capitals", f'<!-- DOCX style="A" -->\n{NOTE}\nA paragraph.\n', False),
    ("with a reference html.parser stops at", f"a &#; b\n{NOTE}\nPara; x\n\n{TAG}\ny\n", False),
    ("with a hex reference it stops at", f"a &#xzz b\n\n{NOTE}\nPara\n\n{TAG}\ny\n", False),
    ("with a reference that stops it inside", f'<!-- docx style="a&#b" -->\n{NOTE}\nPara;\n', False),
]


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize(("name", "text", "fast"), CASES, ids=[case[0] for case in CASES])
def test_tricky_directive_lines_read_the_same(name: str, text: str, fast: bool, line_end: str) -> None:
    text = text.replace("\n", line_end)
    assert takes_fast_path(text) is fast, name
    assert_same(text)


def test_a_directive_styles_the_paragraph_after_it_either_way() -> None:
    text = f"Text.\n{NOTE}\nThe note.\n\n{TAG}\n### A tag\n"
    styles = {body: style for style, body in body_paragraphs(build_docx(text))}
    assert styles["The note."] == "Passage Note" and styles["A tag"] == "Card Tag"
    assert styles["Text."] not in ("Passage Note", "Card Tag")
    assert body_paragraphs(build_docx(text, _directive_lines=False)) == body_paragraphs(build_docx(text))


DIRECTIVES = [NOTE, TAG, WIDTHS, '<!-- docx style="Card Cite" -->']
# Lines DirectiveLines leaves to Python-Markdown (the whole text with them).
ODD = [f"{NOTE} x", f"  {NOTE}", f"> {NOTE}", "<div>", "</div>", "<em>a</em> b", "a <!-- remark -->", "&#;"]
LINES = [
    "Plain text.",
    "Text with *emphasis* and **bold** and a note.[^1]",
    "> A quote &amp; more.[^2]",
    ">",
    "- an item",
    "1. first",
    "    indented",
    "## A heading",
    "===",
    "| a | b |",
    "|---|---|",
    "&#32;lead",
    "A <em>cite</em>, [a link](<https://e.org/a_(b)?c=1&d=2>).",
    "Text <span>open",
    "closed</span> here",
    "| a<br>b | c |",
    "hard break  ",
    "[^1]: The first note.",
    "[^2]: The second note.",
    "   ",
    "",
]


def _random_text(rng: random.Random) -> str:
    """Blocks as templates and hand edits write them, directive lines anywhere among their lines."""
    blocks = []
    for _ in range(rng.randint(1, 15)):
        block = [rng.choice(LINES) for _ in range(rng.randint(1, 3))]
        for _ in range(rng.choice([0, 1, 1, 2])):
            # Mostly first, as templates write them.
            block.insert(0 if rng.random() < 0.7 else rng.randint(0, len(block)), rng.choice(DIRECTIVES))
        if rng.random() < 0.03:
            block.insert(rng.randint(0, len(block)), rng.choice(ODD))
        blocks.append(block)
    text = "".join("\n".join(block) + rng.choice(["\n", "\n\n", "\n\n", "\n   \n", "\n\n\n"]) for block in blocks)
    return rng.choice(["", "\n", " \n"]) + text.rstrip("\n") + rng.choice(["", "\n", "\n\n"])


def test_random_texts_read_the_same() -> None:
    rng = random.Random(20261201)
    fast = 0
    for _ in range(400):
        text = _random_text(rng)
        if rng.random() < 0.3:
            text = text.replace("\n", "\r\n")
        fast += takes_fast_path(text)
        assert_same(text)
    assert fast > 150  # a good share take DirectiveLines itself, not only the fallback


@pytest.fixture(scope="module")
def placed_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled project with passages placed in its stance sections, with and without notes."""
    path = create_project(tmp_path_factory.mktemp("placed") / "placed.briefer")
    service = open_project(path)
    try:
        docs = {d.source_file.split("/")[-1][:3]: d.id for d in service.store.list_documents()}
        picks = [
            ("000", "The United States** must develop a national technology strategy", "Controls work", "A *claim*"),
            (
                "004",
                "Chinese companies, especially tech behemoth Huawei, appear to be adapting",
                "Controls backfire",
                "",
            ),
            (
                "003",
                "但包括輝達(Nvidia)執行長在內的一些政府外部人士表示",
                "Controls backfire",
                "Outsiders\nsecond line",
            ),
            ("002", "China seems to be in a better position to tackle the adversity", "Controls backfire", "Why"),
            (
                "002",
                "updating export controls that are necessary to protect U.S. national security",
                "Controls work",
                "x",
            ),
        ]
        for prefix, quote, stance, note in picks:
            pid = service.tag_quote(document=docs[prefix], quote=quote, tags=[stance], note=note)
            service.place(passage=pid, section=service.resolve_section(stance))
    finally:
        service.store.close()
    yield path


def _rendered(project: Path, template: str) -> str:
    with Store.open(project, readonly=True) as store:
        return render_project(store, find_template(template))[0]


@pytest.mark.parametrize("template", TEMPLATES)
def test_shipped_templates_on_the_bundled_project_read_the_same(placed_project: Path, template: str) -> None:
    text = _rendered(placed_project, template)
    assert takes_fast_path(text)
    assert_same(text)


@pytest.mark.parametrize("template", TEMPLATES)
def test_shipped_templates_on_tricky_quotes_read_the_same(project: Path, template: str) -> None:
    text = _rendered(project, template)
    assert takes_fast_path(text)
    assert_same(text)


def body_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """Each body paragraph's style and text, table cells' in row order, as python-docx reads them."""
    document = docx.Document(io.BytesIO(data))
    out = []
    for p in document.element.body.iter(qn("w:p")):
        paragraph = Paragraph(p, document)
        out.append((paragraph.style.name if paragraph.style is not None else "", paragraph.text))
    return out


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in ("word/document.xml", "word/footnotes.xml") if name in zf.namelist()}


def assert_same_word_file(text: str, template: str) -> None:
    info = find_template(template)
    built = {
        fast: build_docx(text, reference=info.reference_docx, page=info.page, title="T", _directive_lines=fast)
        for fast in (True, False)
    }
    assert body_paragraphs(built[True]) == body_paragraphs(built[False])
    assert _parts(built[True]) == _parts(built[False])
    styles = {style for style, _text in body_paragraphs(built[True])}
    expected = {"memo": "Passage Note", "debate-brief": "Card Tag", "evidence-annex": "Subtitle"}[template]
    assert expected in styles


@pytest.mark.parametrize("template", TEMPLATES)
def test_shipped_templates_build_the_same_word_file(placed_project: Path, template: str) -> None:
    assert_same_word_file(_rendered(placed_project, template), template)


@pytest.mark.parametrize("template", TEMPLATES)
def test_shipped_templates_on_tricky_quotes_build_the_same_word_file(project: Path, template: str) -> None:
    assert_same_word_file(_rendered(project, template), template)
