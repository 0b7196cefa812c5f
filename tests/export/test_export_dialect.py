"""The briefing dialect is Python-Markdown's: the Word file reads as Python-Markdown's own HTML does.

Every check builds a real .docx with the export's builder and reads it back
with python-docx; the expectation is what Python-Markdown's plain
``markdown.markdown`` writes for the same text, read block by block.
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

import markdown
import pytest

from briefer.core.store import Store
from briefer.export.docx_build import build_docx
from briefer.export.engine import render_project
from briefer.export.markdown_dialect import (
    EXTENSIONS,
    BriefingExtension,
    markdown_to_html,
    parse_briefing,
    strip_control,
)
from briefer.export.mdescape import escape_cell, escape_markdown, markdown_link, strong_between
from briefer.export.templates import find_template

from export_helpers import CHINESE_QUOTE, MULTILINE_QUOTE, TRICKY_QUOTES, docx_body_texts, docx_footnotes, html_blocks

TEMPLATES = ["memo", "debate-brief", "evidence-annex"]


def python_markdown_html(text: str) -> str:
    """Python-Markdown alone, with the dialect's extensions and none of Briefer's."""
    return markdown.markdown(text, extensions=list(EXTENSIONS), output_format="html")


def assert_word_reads_as_python_markdown(text: str) -> None:
    data = build_docx(text)
    expected = html_blocks(python_markdown_html(text))
    # Less what XML cannot hold: Python-Markdown leaks a placeholder's STX/ETX
    # around some nested emphasis, and Word documents have no such characters.
    assert docx_body_texts(data) == [strip_control(t) for t in expected.body_texts()], text
    assert docx_footnotes(data) == [[strip_control(t) for t in note] for note in expected.expected_footnotes()], text


SAMPLES = [
    "",
    "# Title\n\nA paragraph.\n",
    "## Heading ##\n\ntext\n### Sub\nmore text\n",
    "Plain **notes** with a [link](https://example.com).",
    "Plain **notes** with a [link](<https://example.com/a b_(c)?d=1&e=2>).",
    "Claim 0 is *important*, a*b*c and 2 * 4, **bold** end, a* b, *open",
    "Trailing two spaces  \nnext line\nsoft line",
    "- point one\n- point two",
    "1. first\n2. second",
    "- a\n- b\n\n- c\n\nAfter the list.",
    (
        "> quote[^1]\n>\n> Original (zh): 原文[^1]\n\n> second quote[^2]\n\n"
        "[^1]: One.\n[^2]: Two, [url](<https://x.org/?a=1&b=2>), para. 3."
    ),
    "Text[^a] and again[^a] and[^b].\n\n[^a]: Note *a*\n[^b]: Note b\n\n    indented continuation\n",
    "| Passage | Source |\n|---|:---:|\n| a<br>b[^1] | c \\| d |\n| only one |\n\n[^1]: n",
    "Entities &amp; &lt; &gt; &#32; &#126; &#36; &#9; &#61; &#x41; &copy; &9z;",
    "<strong>bold html</strong> and 發展。<strong>他表示</strong>而加速了 <br> end",
    "a < b and 3 > 2 and <3 and AT&T",
    "Tab\there and\ttwo",
    "> a\nlazy continuation\n> b",
    # What the old fast reader left to Python-Markdown: now one path reads everything.
    "Code `x = 1 < 2 &amp;` inline.",
    "A reference [link][r].\n\n[r]: https://example.org",
    "Nested:\n\n- a\n    - b\n- c",
    "<div>raw <b>html</b> block &amp; more</div>\n\nafter",
    "Setext\n======",
    "a\n\n---\n\nb",
    "    indented code\n    second line",
    "Underscore _emphasis_ and __strong__ here.",
    "Mixed ***strong em*** and **bold *inner* bold**.",
    "![image alt](pic.png) and <https://auto.link> and <mail@example.com>",
    "Escapes \\q \\* \\[x\\]",
    "Undefined footnote[^nope] and [bracket] alone",
    "Text[^a] then[^c].\n\n[^a]: Outer, see[^b].\n[^b]: Inner.\n[^c]: Last.\n",
    # Found in review: each read differently from Python-Markdown once.
    "Research &region notes and &copy 2024 Reuters, &timestamp",
    "<https://example.org/?a=1&section=2>",
    "<div>Use &amp;lt;b&amp;gt; for bold <img alt='a &amp;amp; b'></div>",
    "x[^a\\]\n\n[^a\\]: note",
    "x[^`1`]\n\n[^`1`]: n",
    "b  \n *e*",
    "text <img src=x alt=pic> more",
    "<script>var x = 1 < 2;</script>\n\nafter <style>p {}</style> text",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_word_reads_as_python_markdown(text: str) -> None:
    assert_word_reads_as_python_markdown(text)


@pytest.mark.parametrize(
    "sample",
    TRICKY_QUOTES
    + [
        CHINESE_QUOTE,
        MULTILINE_QUOTE,
        "    four leading spaces",
        "\ttab first",
        "&#42; entity-looking",
        "trailing backslash \\",
        "12. twelve",
        "#hashtag",
        "> > nested",
        "a\r\nb\rc",
    ],
)
def test_escaped_values_read_as_python_markdown(sample: str) -> None:
    """Every escaped value, alone, quoted, listed, in a table cell, in bold, in a link: the same in Word."""
    escaped = escape_markdown(sample)
    for text in (
        escaped,
        f"> {escaped}[^1]\n\n[^1]: n",
        f"- {escaped}",
        f"1. {escaped}",
        f"| h | i |\n|---|---|\n| {escape_cell(sample)} | x |",
        strong_between("before ", sample, " after"),
        f"## {escaped}",
        f"[{escape_markdown(sample)}](<https://example.org/>)",
    ):
        assert_word_reads_as_python_markdown(text.replace("\r\n", "\n").replace("\r", "\n"))


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_reads_as_python_markdown(store: Store, template: str) -> None:
    text, _context = render_project(store, find_template(template))
    assert_word_reads_as_python_markdown(text)


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
                parts.append(
                    markdown_link(
                        rng.choice(["https://example.org/a_b?c=1&d=2", "mailto:x@y.org"]),
                        rng.choice([None, "text", quote]),
                    )
                )
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
            rows = [
                f"| {escape_cell(rng.choice(quotes))}[^{rng.randint(1, 5)}] | {inline().replace(chr(10), ' ')} |"
                for _ in range(rng.randint(0, 3))
            ]
            notes.extend(str(n) for n in range(1, 6))
            blocks.append("\n".join(["| Passage | Source |", "|---|---|", *rows]))
        elif kind == 5:
            blocks.append(f"> {inline()}\n>\n> Original: {escape_markdown(rng.choice(quotes))}")
        else:
            blocks.append(escape_markdown(rng.choice(quotes)))
    link = markdown_link("https://x.org/p")
    definitions = [
        f"[^{label}]: {rng.choice(['Cite', 'Press, “Title”'])}, {link}, para. 2." for label in sorted(set(notes))
    ]
    return "\n\n".join(blocks) + ("\n\n" + "\n".join(definitions) if definitions else "") + "\n"


def test_random_briefings_read_as_python_markdown() -> None:
    rng = random.Random(20261125)
    for _ in range(300):
        assert_word_reads_as_python_markdown(_random_briefing(rng))


def test_html_is_python_markdowns_own() -> None:
    """The preview's HTML: the dialect's speed-ups change nothing Python-Markdown writes."""
    rng = random.Random(7)
    for text in [*SAMPLES, *(_random_briefing(rng) for _ in range(100))]:
        assert markdown_to_html(text) == python_markdown_html(text), text


@pytest.mark.parametrize("by_definition", [True, False])
def test_many_notes_are_numbered_and_ordered_as_python_markdown_does(by_definition: bool) -> None:
    """References out of definition order, repeated, some notes never referred to: as the footnotes extension does."""
    rng = random.Random(3)
    labels = [str(n) for n in range(1, 200)]
    refs = [rng.choice(labels) for _ in range(400)]
    text = " ".join(f"w[^{label}]" for label in refs) + "\n\n" + "\n".join(f"[^{n}]: Note {n}." for n in labels)
    config = {"footnotes": {"USE_DEFINITION_ORDER": by_definition}}
    ours = markdown.Markdown(extensions=[*EXTENSIONS, BriefingExtension()], extension_configs=config)
    plain = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=config)
    for _ in range(2):  # and again after a reset, as a reused instance would
        assert ours.reset().convert(text) == plain.reset().convert(text)


def _word_path_tree(text: str, *, own_inline_pass: bool = False) -> str:
    """The Word path's finished tree, serialized; with ``own_inline_pass``, through
    Python-Markdown's inline pass over the whole tree instead of block by block, and
    with every table cell's <br> left to that pass."""
    from xml.etree.ElementTree import tostring

    from markdown.extensions.footnotes import FootnoteExtension

    from briefer.export.markdown_dialect import InlineByBlock, PlainTextMarker, briefing_markdown

    md = briefing_markdown(keep_tree=True)
    chunked = md.treeprocessors["inline"]
    assert isinstance(chunked, InlineByBlock)
    if own_inline_pass:
        md.treeprocessors.register(chunked.inline, "inline", 20)
        marker = md.treeprocessors["briefing-plain-text"]
        assert isinstance(marker, PlainTextMarker)
        footnotes = next(e for e in md.registeredExtensions if isinstance(e, FootnoteExtension))
        marker.read_citations(footnotes, line_break_tags=False)
    md.convert(strip_control(text))
    keeper = md.treeprocessors["briefing-keep-tree"]
    raw = [str(piece) for piece in md.htmlStash.rawHtmlBlocks]
    # Inline raw HTML is stashed in the order the pass meets it: compare each placeholder's piece, not its number.
    # A repeated reference's id (fnref2:, fnref3:) counts the references met so far; Word has no back-links to it.
    root = keeper.tree  # type: ignore[attr-defined]
    tree = "" if root is None else re.sub(r'<sup id="fnref\d*:', '<sup id="fnref:', tostring(root, "unicode"))
    return re.sub(r"\x02wzxhzdk:(\d+)\x03", lambda m: f"[raw {raw[int(m.group(1))]}]", tree)


def test_the_word_paths_inline_pass_by_blocks_makes_python_markdowns_tree() -> None:
    """The inline pass runs on a few blocks at a time (its work list, taken from the front,
    made a large annex slow), and a table cell's <br> is read ahead of it: every element,
    text, tail and stashed piece as Python-Markdown's own whole-tree pass makes them."""
    rng = random.Random(11)
    annex_like = "\n\n".join(
        [
            "# Annex\n\nIntro with *emphasis*, a [link](https://example.org) and a note[^1].",
            *(
                f"## Tag {t}\n\n| Passage | Note | Source |\n|---|---|---|\n"
                + "\n".join(
                    (
                        f"| quote {t}.{r} \\| piped[^{1 + (t * 7 + r) % 40}]<br>*Translation:* x | **n** | S{r} |"
                        if r % 2
                        else f"| para one {t}.{r}<br>para two<BR/>three[^{1 + r % 40}] | n | S{r} | p. {r} |"
                    )
                    for r in range(60)
                )
                for t in range(12)
            ),
            "> A quote[^2] and again[^2]\n>\n> > nested[^2] <em>raw</em> &amp; more",
            "Tail test<br>after a break, `code` and a <span>span</span> at the end",
        ]
    )
    notes = "\n".join(f"[^{n}]: Note {n}, see[^{(n % 40) + 1}] and *Title*." for n in range(1, 41))
    texts = [annex_like + "\n\n" + notes + "\n", *(_random_briefing(rng) for _ in range(60)), *SAMPLES]
    for text in texts:
        assert _word_path_tree(text) == _word_path_tree(text, own_inline_pass=True), text[:200]


def test_notes_numbered_by_first_reference_keep_python_markdowns_own_inline_pass() -> None:
    """The order of the pass decides the numbers then: the pass by blocks is not used."""
    from briefer.export.markdown_dialect import InlineByBlock

    md = markdown.Markdown(
        extensions=[*EXTENSIONS, BriefingExtension(keep_tree=True)],
        extension_configs={"footnotes": {"USE_DEFINITION_ORDER": False}},
    )
    assert not isinstance(md.treeprocessors["inline"], InlineByBlock)
    assert isinstance(parse_briefing("A[^1].\n\n[^1]: n.\n"), object)


def test_the_tree_has_no_html_left_to_parse() -> None:
    """The Word builder reads the tree itself: raw HTML only as the stash Python-Markdown keeps."""
    tree = parse_briefing("A <strong>b</strong> &amp; c\n")
    assert tree.raw_html == ["<strong>", "</strong>", "&amp;"]
    assert tree.root.find("p") is not None


def test_a_note_inside_a_note_keeps_its_place(tmp_path: Path) -> None:
    """Word footnotes come in the order they are referred to, also from inside another note."""
    text = "Text[^a] then[^c].\n\n[^a]: Outer, see[^b].\n[^b]: Inner.\n[^c]: Last.\n"
    assert docx_footnotes(build_docx(text)) == [["Outer, see."], ["Inner."], ["Last."]]


def test_link_targets_are_python_markdowns() -> None:
    """A source URL with '&region=' or '&section=' keeps them: only complete references are decoded."""
    import io
    import re

    import docx

    from briefer.export.mdescape import markdown_link

    urls = ["https://example.org/search?q=a&region=eu&lang=en", "https://example.org/?a=1&section=2&copy=3"]
    text = " ".join(markdown_link(url, "source") for url in urls) + " <https://example.org/?x=1&timestamp=2>"
    document = docx.Document(io.BytesIO(build_docx(text)))
    targets = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    expected = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', python_markdown_html(text))]
    assert sorted(targets) == sorted(expected)
    assert "https://example.org/search?q=a&region=eu&lang=en" in targets


def test_the_word_paths_tree_is_freed_when_the_builder_lets_go_of_it() -> None:
    """Python-Markdown's instance is a cycle of references (processors to it, it to its parser):
    the tree handed to the Word builder must not hang from it, or only a full collection frees
    it (half a second of walking a large annex's elements at the end of each export)."""
    import gc
    import weakref

    text = "# T\n\n| a | b |\n|---|---|\n| x[^1]<br>y | *y* |\n\n[^1]: n *e*\n\ntext *em* and a [link](https://x.org)"
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        tree = parse_briefing(text)
        elements = [weakref.ref(e) for e in tree.root.iter()]
        assert len(elements) > 10
        del tree
        assert [r() for r in elements if r() is not None] == []
    finally:
        if was_enabled:
            gc.enable()


def test_a_long_briefing_keeps_its_order_in_word() -> None:
    """Paragraphs, tables and notes are parsed a few thousand at a time on a second thread while
    the rest is written: the body and the notes come out in the order Python-Markdown reads them,
    notes inside notes included (such a note is finished before the note it is in)."""
    blocks = []
    for i in range(1, 5001):
        blocks.append(
            f"Paragraph {i}[^{i}] with *emphasis*."
            if i % 2
            else f"Paragraph {i}, 發展 and a [link](https://x.org/{i})."
        )
        if i % 700 == 0:
            blocks.append(f"| Passage | Source |\n|---|---|\n| table {i} row[^{i + 1}] | S |\n| second \\| row | T |")
    notes = [f"[^{n}]: Note {n}, see[^{n + 1}]." if n % 2 else f"[^{n}]: Inner note {n}." for n in range(1, 5002)]
    assert_word_reads_as_python_markdown("\n\n".join(blocks) + "\n\n" + "\n".join(notes) + "\n")


def test_the_word_build_leaves_no_thread_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread that parses beside the build ends with it, also when the build fails halfway."""
    import threading

    import briefer.export.docx_build as docx_build

    def parse_threads() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name.startswith("briefer-docx-parse")]

    text = "\n\n".join(f"Paragraph {i}." for i in range(4500)) + "\n\n| a | b |\n|---|---|\n| c | d |\n"
    assert docx_body_texts(build_docx(text))[-2:] == ["c", "d"]
    assert parse_threads() == []

    def broken_table(*args: object, **kwargs: object) -> None:
        raise RuntimeError("table writer broke")

    monkeypatch.setattr(docx_build._Builder, "table", broken_table)
    with pytest.raises(RuntimeError, match="table writer broke"):
        build_docx(text)
    assert parse_threads() == []
