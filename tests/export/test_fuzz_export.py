"""Random quotes through Markdown escaping and back, and random template snippets through the sandbox.

Bounded by hypothesis's example counts; nothing here times anything.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefer.export.docx_build import build_docx
from briefer.export.errors import TemplateError
from briefer.export.markdown_dialect import markdown_to_html
from briefer.export.mdescape import escape_cell, escape_markdown
from briefer.export.render import render_template

from export_helpers import docx_body_texts, html_plain_text, rendered_text

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A quote as the store keeps it: one line of any printable characters, no
# leading or trailing space (renderers trim those, and the reader does too).
QUOTES = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), blacklist_characters="\t"),
        min_size=1,
        max_size=80,
    )
    .map(str.strip)
    .filter(bool)
)


@FUZZ
@given(QUOTES)
def test_a_quote_comes_back_verbatim_through_commonmark(quote: str) -> None:
    assert rendered_text(escape_markdown(quote)) == quote


@FUZZ
@given(QUOTES)
def test_a_quote_comes_back_verbatim_through_python_markdown_and_word(quote: str) -> None:
    escaped = escape_markdown(quote)
    assert html_plain_text(markdown_to_html(escaped)).strip("\n") == quote
    assert docx_body_texts(build_docx(f"> {escaped}[^1]\n\n[^1]: n")) == [quote]


@FUZZ
@given(QUOTES)
def test_a_quote_in_a_table_cell_stays_in_its_cell(quote: str) -> None:
    text = f"| a | b |\n|---|---|\n| {escape_cell(quote)} | x |\n"
    assert docx_body_texts(build_docx(text)) == ["a", "b", quote, "x"]


SNIPPETS = st.lists(
    st.sampled_from(
        [
            "{{ meta.title }}",
            "{{ x }}",
            "{% for s in outline %}{{ s.title }}{% endfor %}",
            "{{ 1/0 }}",
            "{{ ''.__class__ }}",
            "{{ range(10)|list }}",
            "{% if %}",
            "{{",
            "}}",
            "{% raw %}",
            "{# c #}",
            "{{ cycler }}",
            "{{ 'a' * 3 }}",
            "{{ meta|attr('title') }}",
            "{{ none.x }}",
            "{% set a = 1 %}{{ a }}",
            "{{ [1,2]|join('-') }}",
            "{{ 'x'|upper }}",
            "{% include 'nope' %}",
            "text",
            "\n",
            "{{ 10**3 }}",
        ]
    ),
    min_size=1,
    max_size=6,
).map("".join)


@settings(max_examples=120, deadline=None)
@given(SNIPPETS)
def test_a_template_snippet_renders_or_names_its_problem(tmp_path_factory: object, snippet: str) -> None:
    folder = Path(tmp_path_factory.mktemp("tpl"))  # type: ignore[attr-defined]
    (folder / "template.md.j2").write_text(snippet, encoding="utf-8")
    try:
        out = render_template(folder, "template.md.j2", {"meta": {"title": "T"}, "outline": []}, seconds=5)
    except TemplateError as exc:
        assert str(exc) and "Traceback" not in str(exc)
    else:
        assert isinstance(out, str)
