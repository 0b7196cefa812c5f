"""Exporting to Markdown: quotes verbatim under an independent CommonMark parser, footnotes, context."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.context import build_context

from export_helpers import (
    CHINESE_QUOTE,
    MULTILINE_QUOTE,
    TRICKY_QUOTES,
    markdown_parser,
    raw_html_tokens,
    rendered_text,
)

TEMPLATES = ["memo", "debate-brief", "evidence-annex"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_quote_renders_verbatim(store: Store, tmp_path: Path, template: str) -> None:
    out = tmp_path / f"{template}.md"
    export_project(store, out, template_name=template)
    md = out.read_text(encoding="utf-8")
    text = rendered_text(md)
    for quote in TRICKY_QUOTES + [CHINESE_QUOTE]:
        assert quote in text, (quote, template)
    if template != "debate-brief":  # the multi-line passage sits in a section without stance
        assert MULTILINE_QUOTE in text
    assert "49" not in text  # {{ 7*7 }} in a quote is never evaluated
    assert not any("script" in html for html in raw_html_tokens(md))


@pytest.mark.parametrize("template", TEMPLATES)
def test_citations_are_footnotes(store: Store, tmp_path: Path, template: str) -> None:
    out = tmp_path / "out.md"
    export_project(store, out, template_name=template)
    tokens = markdown_parser().parse(out.read_text(encoding="utf-8"))
    refs = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "footnote_ref"]
    blocks = [t for t in tokens if t.type == "footnote_open"]
    assert refs and blocks
    assert {r.meta["id"] for r in refs} == set(range(len(blocks)))


def test_memo_structure_and_intentional_markdown(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "memo.md"
    export_project(store, out)
    md = out.read_text(encoding="utf-8")
    tokens = markdown_parser().parse(md)
    headings = [
        "".join(c.content for c in tokens[i + 1].children if c.type in ("text", "text_special"))
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
    assert headings[0] == "Export *test* <briefing>"  # the title is escaped too
    for title in (
        "Bottom line up front",
        "Background",
        "Controls backfire",
        "Controls work",
        "Sub-point",
        "Weight of the evidence",
        "Sources",
    ):
        assert title in headings
    assert headings.index("Controls backfire") < headings.index("Controls work")
    html = markdown_parser().render(md)
    assert "<strong>mostly</strong>" in html  # the bottom line is Markdown on purpose
    assert '<a href="https://example.com">link</a>' in html  # section notes too
    assert "<em>important</em>" in html  # passage notes too
    assert "Some outsiders say these policies backfire." in rendered_text(md)  # translation beside original


def test_context_numbers_citations_by_first_appearance(store: Store) -> None:
    ctx = build_context(store)
    walk = [p for s in ctx.sections for p in s.passages]
    assert [p.citation for p in walk] == sorted(p.citation for p in walk)
    assert [p.citation for p in ctx.cited] == list(range(1, len(walk) + 1))
    assert walk[0].quote == MULTILINE_QUOTE  # Background comes first in the outline
    assert [d.number for d in ctx.sources] == [1, 2]
    counts = {s.name: (s.tagged, s.placed) for s in ctx.stances}
    assert counts["Controls backfire"] == (len(TRICKY_QUOTES) // 2 + 1, len(TRICKY_QUOTES) // 2 + 1)
    zh = next(p for p in ctx.passages if p.quote == CHINESE_QUOTE)
    assert zh.is_cjk and zh.language == "zh-Hant"
    assert zh.paragraph_before == "這一結果引發了激烈辯論。" and zh.paragraph_after.startswith(",反而")
    assert zh.sentence.startswith(CHINESE_QUOTE)
    assert any("美國與中國的科技競賽" in w.message and "url" in w.message for w in ctx.warnings)
    assert not any("Tricky" in w.message for w in ctx.warnings)  # that source is complete


def test_warnings_are_returned(store: Store, tmp_path: Path) -> None:
    result = export_project(store, tmp_path / "x.md")
    missing = sorted(w.message.split(" has no ")[1].split(";")[0] for w in result.warnings)
    assert missing == ["author", "container", "date", "url"]  # a web page (no type, no publisher): its website
    assert all("美國與中國的科技競賽" in w.message and w.kind == "citation" for w in result.warnings)
