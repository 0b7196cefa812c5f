"""The faithful-quoting matrix at the escaping level, read by both Markdown renderers."""

from __future__ import annotations

import markdown
import pytest

from briefer.export.markdown_dialect import markdown_to_html
from briefer.export.mdescape import escape_cell, escape_markdown, markdown_link, strong_between

from export_helpers import CHINESE_QUOTE, MULTILINE_QUOTE, TRICKY_QUOTES, html_plain_text, rendered_text

SAMPLES = TRICKY_QUOTES + [
    CHINESE_QUOTE,
    "    four leading spaces",
    "\ttab first",
    "&#42; entity-looking",
    "trailing backslash \\",
    "12. twelve",
    "#hashtag",
    "> > nested",
    "1) paren",
    "１. full-width digit",
    "  two leading spaces",
    "= setext?",
    "plain words only",
]


def _python_markdown_text(md: str) -> str:
    html = markdown_to_html(md)
    return html_plain_text(html)


@pytest.mark.parametrize("sample", SAMPLES)
def test_commonmark_shows_the_text_verbatim(sample: str) -> None:
    for md in (escape_markdown(sample), f"> {escape_markdown(sample)}", f"- {escape_markdown(sample)}"):
        assert rendered_text(md) == sample, md


@pytest.mark.parametrize("sample", SAMPLES)
def test_python_markdown_shows_the_text_verbatim(sample: str) -> None:
    assert _python_markdown_text(escape_markdown(sample)).strip("\n") == sample


def test_multiline_stays_in_one_blockquote() -> None:
    md = "> " + escape_markdown(MULTILINE_QUOTE)
    assert rendered_text(md) == MULTILINE_QUOTE
    html = markdown.markdown(md)
    assert html.count("<blockquote>") == 1 and "<br />" in html


@pytest.mark.parametrize("sample", SAMPLES + [MULTILINE_QUOTE])
def test_table_cell_escaping(sample: str) -> None:
    md = f"| a | b |\n|---|---|\n| {escape_cell(sample)} | x |\n"
    assert rendered_text(md).split("\n")[:-1] != []  # the table parsed
    text = rendered_text(md)
    assert sample in text
    html = markdown.markdown(md, extensions=["tables"])
    assert html.count("<tr>") == 2  # the row did not break apart


@pytest.mark.parametrize(
    "before,quote,after",
    [
        ("發展。", "他表示,政策適得其反。", "而加速了"),  # ** would not bind before 中文 after 。
        ("Some text ", "the quote", " more."),
        ("word", '"quoted"', "next"),
        ("", "** stars **", ""),
    ],
)
def test_strong_between_always_binds(before: str, quote: str, after: str) -> None:
    md = strong_between(before, quote, after)
    tokens = [t for t in __import__("export_helpers").markdown_parser().parseInline(md)[0].children]
    assert any(t.type in ("strong_open", "html_inline") for t in tokens)
    assert rendered_text(md) == before + quote + after
    assert _python_markdown_text(md) == before + quote + after


def test_links_keep_the_url_and_refuse_scripts() -> None:
    url = "https://example.org/report_(2024)?a=1&b=2*x*"
    html = markdown.markdown(markdown_link(url))
    assert 'href="https://example.org/report_(2024)?a=1&amp;b=2*x*"' in html
    from export_helpers import markdown_parser

    assert f'href="{url.replace("&", "&amp;")}"' in markdown_parser().render(markdown_link(url))
    assert "href" not in markdown.markdown(markdown_link("javascript:alert(1)"))
