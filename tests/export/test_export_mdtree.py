"""The fast Markdown reader gives exactly the tree Python-Markdown + html.parser give, or steps aside.

``markdown_tree`` either returns None (the Word builder then uses
Python-Markdown) or the very tree ``parse_html(markdown_to_html(text))``
would; and the Word files built both ways are identical.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from briefer.core.store import Store
from briefer.export import docx_build
from briefer.export.docx_build import build_docx, markdown_to_html, strip_control
from briefer.export.engine import render_project
from briefer.export.htmltree import parse_html
from briefer.export.mdescape import escape_cell, escape_markdown, markdown_link, strong_between
from briefer.export.mdtree import markdown_tree
from briefer.export.templates import find_template

from export_helpers import CHINESE_QUOTE, MULTILINE_QUOTE, TRICKY_QUOTES

TEMPLATES = ["memo", "debate-brief", "evidence-annex"]


def python_markdown_tree(text: str):  # type: ignore[no-untyped-def]
    return parse_html(markdown_to_html(text))


def fast_tree(text: str):  # type: ignore[no-untyped-def]
    return markdown_tree(strip_control(text))


def assert_same_or_declined(text: str) -> bool:
    """True when the fast reader read ``text`` (and then exactly as Python-Markdown did)."""
    fast = fast_tree(text)
    if fast is None:
        return False
    assert fast == python_markdown_tree(text), text
    return True


# What briefings are made of: each is read by the fast reader.
SUPPORTED = [
    "",
    "# Title\n\nA paragraph.\n",
    "## Heading ##\n\ntext\n### Sub\nmore text\n",
    "Plain **notes** with a [link](https://example.com).",
    "Plain **notes** with a [link](<https://example.com/a b_(c)?d=1&e=2>).",
    "Claim 0 is *important*, a*b*c and 2 * 4, **bold** end, a* b, *open",
    "Trailing two spaces  \nnext line\nsoft line",
    "- point one\n- point two",
    "1. first\n2. second",
    "3. starts at three\n4. four",
    "- a\n- b\n\n- c\n\nAfter the list.",
    "1. a\n\n2. b",
    ("> quote[^1]\n>\n> Original (zh): 原文[^1]\n\n> second quote[^2]\n\n"
     "[^1]: One.\n[^2]: Two, [url](<https://x.org/?a=1&b=2>), para. 3."),
    "Text[^a] and again[^a] and[^b].\n\n[^a]: Note *a*\n[^b]: Note b\n\n    indented continuation\n",
    "| Passage | Source |\n|---|:---:|\n| a<br>b[^1] | c \\| d |\n| only one |\n\n[^1]: n",
    "| a | b |\n|---|---|\n",
    "Entities &amp; &lt; &gt; &#32; &#126; &#36; &#9; &#61; &#x41; &copy; &9z;",
    "<strong>bold html</strong> and 發展。<strong>他表示</strong>而加速了 <br> end",
    "a < b and 3 > 2 and <3",
    "*No bottom line written yet.*",
    "Tab\there and\ttwo",
    "line\n   \nafter spaces-only line",
    "> a\nlazy continuation\n> b",
    "- item\n> quote in list text",
    "Text\n# heading in a block\nmore",
    "\n\n\nleading blank lines\n\n\n\ntrailing",
]

# Each needs Python-Markdown: the fast reader must decline (and may not guess).
UNSUPPORTED = [
    "Code `x = 1` inline.",
    "A reference [link][r].\n\n[r]: https://example.org",
    "Nested:\n\n- a\n    - b\n- c",
    "<div>raw html block</div>",
    "Setext\n======",
    "a\n\n---\n\nb",
    "    indented code",
    "Underscore _emphasis_ and __strong__ here.",
    "Mixed ***strong em*** and **bold *inner* bold**.",
    "![image](pic.png)",
    "<https://auto.link> and <mail@example.com>",
    "AT&T and &#32x",
    "Escapes \\q",
    "Undefined footnote[^nope].",
    "[bracket] alone",
    "<em>other html</em>",
    "///Footnotes Go Here///",
]


@pytest.mark.parametrize("text", SUPPORTED)
def test_supported_markdown_reads_as_python_markdown_does(text: str) -> None:
    assert assert_same_or_declined(text)


@pytest.mark.parametrize("text", UNSUPPORTED)
def test_other_markdown_is_left_to_python_markdown(text: str) -> None:
    assert fast_tree(text) is None


@pytest.mark.parametrize("sample", TRICKY_QUOTES + [CHINESE_QUOTE, MULTILINE_QUOTE, "    four leading spaces",
                                                    "\ttab first", "&#42; entity-looking", "trailing backslash \\",
                                                    "12. twelve", "#hashtag", "> > nested", "a\r\nb\rc"])
def test_escaped_values_read_as_python_markdown_does(sample: str) -> None:
    """Every escaped value, alone, quoted, listed, in a table cell, in bold: read by the fast reader."""
    escaped = escape_markdown(sample)
    for text in (escaped, f"> {escaped}[^1]\n\n[^1]: n", f"- {escaped}", f"1. {escaped}",
                 f"| h | i |\n|---|---|\n| {escape_cell(sample)} | x |", strong_between("before ", sample, " after"),
                 f"## {escaped}", f"[{escape_markdown(sample)}](<https://example.org/>)"):
        assert assert_same_or_declined(text)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_is_read_by_the_fast_reader(store: Store, template: str) -> None:
    text, _context = render_project(store, find_template(template))
    assert assert_same_or_declined(text), template


def _random_briefing(rng: random.Random) -> str:
    """Blocks and inlines as templates and notes combine them."""
    quotes = TRICKY_QUOTES + [CHINESE_QUOTE, MULTILINE_QUOTE, "plain words.", "1984) was", "a|b", "**x**"]
    notes: list[str] = []

    def inline() -> str:
        parts = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.randrange(9)
            quote = rng.choice(quotes)
            if kind == 0:
                parts.append(escape_markdown(quote, at_line_start=False))
            elif kind == 1:
                parts.append(f"**{rng.choice(['bold', 'two words', '發展'])}**")
            elif kind == 2:
                parts.append(f"*{rng.choice(['em', 'some words'])}*")
            elif kind == 3:
                parts.append(markdown_link(rng.choice(["https://example.org/a_b?c=1&d=2", "mailto:x@y.org"]),
                                           rng.choice([None, "text", quote])))
            elif kind == 4:
                label = str(rng.randint(1, 5))
                notes.append(label)
                parts.append(f"[^{label}]")
            elif kind == 5:
                before, after = rng.choice(["", "前文。", "before "]), rng.choice(["", "後文", "."])
                parts.append(strong_between(before, quote, after))
            elif kind == 6:
                parts.append(rng.choice(["&amp;", "&#32;", "&lt;b&gt;", "x  \ny", " * ", "a*b*c"]))
            elif kind == 7:
                parts.append(f"[{escape_markdown(quote, at_line_start=False)}](https://example.com/{kind})")
            else:
                parts.append(rng.choice(["words", "更多文字", "(parenthesis)", "end."]))
        return rng.choice([" ", "", "\n"]).join(parts)

    blocks = []
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(7)
        if kind == 0:
            blocks.append(f"{'#' * rng.randint(1, 4)} {inline()}")
        elif kind == 1:
            blocks.append(inline())
        elif kind == 2:
            blocks.append("\n".join(f"> {line}" for line in inline().split("\n")))
        elif kind == 3:
            marker = rng.choice(["-", "1."])
            sep = rng.choice(["\n", "\n\n"])
            blocks.append(sep.join(f"{marker} {inline()}" for _ in range(rng.randint(1, 3))))
        elif kind == 4:
            rows = [f"| {escape_cell(rng.choice(quotes))}[^{rng.randint(1, 5)}] | {inline().replace(chr(10), ' ')} |"
                    for _ in range(rng.randint(0, 3))]
            notes.extend(str(n) for n in range(1, 6))
            blocks.append("\n".join(["| Passage | Source |", "|---|---|", *rows]))
        elif kind == 5:
            blocks.append(f"> {inline()}\n>\n> Original: {escape_markdown(rng.choice(quotes))}")
        else:
            blocks.append(escape_markdown(rng.choice(quotes)))
    link = markdown_link("https://x.org/p")
    definitions = [f"[^{label}]: {rng.choice(['Cite', 'Press, “Title”'])}, {link}, para. 2."
                   for label in sorted(set(notes))]
    return "\n\n".join(blocks) + ("\n\n" + "\n".join(definitions) if definitions else "") + "\n"


def test_random_briefings_read_as_python_markdown_does() -> None:
    rng = random.Random(20261125)
    read = 0
    for _ in range(400):
        read += assert_same_or_declined(_random_briefing(rng))
    assert read > 300  # the fast reader takes most of them


def _word_parts(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("template", TEMPLATES)
def test_word_file_is_the_same_with_either_reader(store: Store, template: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    text, _context = render_project(store, find_template(template))
    fast = build_docx(text, title="T", author="A")
    monkeypatch.setattr(docx_build, "markdown_tree", lambda text: None)
    slow = build_docx(text, title="T", author="A")
    assert _word_parts(fast) == _word_parts(slow)


def test_a_note_inside_a_note_keeps_its_place(tmp_path: Path) -> None:
    """Word footnotes come in the order they are referred to, also from inside another note."""
    text = "Text[^a] then[^c].\n\n[^a]: Outer, see[^b].\n[^b]: Inner.\n[^c]: Last.\n"
    assert fast_tree(text) is not None
    out = tmp_path / "n.docx"
    out.write_bytes(build_docx(text))
    with zipfile.ZipFile(out) as zf:
        notes = zf.read("word/footnotes.xml").decode()
    import re

    bodies = re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', notes)
    texts = [(note_id, re.sub(r"<[^>]+>", "", body).strip()) for note_id, body in bodies]
    assert texts == [("1", "Outer, see."), ("2", "Inner."), ("3", "Last.")]
