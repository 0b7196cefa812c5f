"""Rendering: the deadline, bounded counts, compiled templates kept up to date, the lazy context."""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest

from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.export import export_project
from briefer.export.context import CONTEXT_NAMES, build_context
from briefer.export.errors import TemplateError
from briefer.export.render import render_template
from briefer.export.templates import find_template

ROOT = Path(__file__).resolve().parents[2]


def _template(
    tmp_path: Path, body: str, name: str = "t", extra: dict[str, str] | None = None
) -> list[tuple[str, Path]]:
    folder = tmp_path / "tpl" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.md.j2").write_text(body, encoding="utf-8")
    for file, text in (extra or {}).items():
        (folder / file).write_text(text, encoding="utf-8")
    return [("user", tmp_path / "tpl")]


def test_runaway_recursion_is_stopped(store: Store, tmp_path: Path) -> None:
    # No loop at all: a macro calling itself twice, 2**40 calls.
    body = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
    with pytest.raises(TemplateError, match="longer than 0.5 seconds"):
        export_project(store, tmp_path / "out.md", template_name="t", roots=_template(tmp_path, body), seconds=0.5)


@pytest.mark.parametrize(
    "body", ["{{ [1, 2]|slice(100000000)|list }}", "{{ lipsum(100000000) }}", "{{ lipsum(5, max=100000000) }}"]
)
def test_counts_that_would_loop_in_jinjas_own_code_are_refused(store: Store, tmp_path: Path, body: str) -> None:
    with pytest.raises(TemplateError, match="not allowed in a template"):
        export_project(store, tmp_path / "out.md", template_name="t", roots=_template(tmp_path, body))


def test_small_counts_still_work(store: Store, tmp_path: Path) -> None:
    body = "{% set x = [1, 2, 3] %}{{ x|slice(2)|list }} {{ lipsum(1, False, 3, 4)|wordcount > 0 }}\n"
    export_project(store, tmp_path / "out.md", template_name="t", roots=_template(tmp_path, body))
    assert (tmp_path / "out.md").read_text(encoding="utf-8") == "\\[\\[1, 2\\], \\[3\\]\\] yes\n"


def test_an_edited_template_is_used_at_once(store: Store, tmp_path: Path) -> None:
    """Compiled templates are kept between renders, but never once the file changed."""
    roots = _template(tmp_path, "first {{ meta.author }}\n")
    export_project(store, tmp_path / "a.md", template_name="t", roots=roots)
    _template(tmp_path, "second {{ meta.author }}\n")
    export_project(store, tmp_path / "b.md", template_name="t", roots=roots)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "first A. Analyst\n"
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == "second A. Analyst\n"


def test_included_and_imported_templates_see_the_context(store: Store, tmp_path: Path) -> None:
    body = (
        '{% import "macros.j2" as m %}{% set heading = "Sources" %}'
        '{% include "part.j2" %}{{ m.count(passages) }} {{ heading }}\n'
    )
    roots = _template(
        tmp_path,
        body,
        extra={
            "part.j2": "{{ meta.author }}: {{ cited|length }} cited; ",
            "macros.j2": "{% macro count(items) %}{{ items|length }}{% endmacro %}",
        },
    )
    export_project(store, tmp_path / "out.md", template_name="t", roots=roots)
    ctx = build_context(store)
    assert (tmp_path / "out.md").read_text(
        encoding="utf-8"
    ) == f"A. Analyst: {len(ctx.cited)} cited; {len(ctx.passages)} Sources\n"


def test_errors_in_an_included_template_name_that_file(store: Store, tmp_path: Path) -> None:
    roots = _template(tmp_path, "{% set x = 1 %}line\n{% include 'part.j2' %}", extra={"part.j2": "\n\n{{ nope.x }}"})
    with pytest.raises(TemplateError, match=r"part\.j2, line 3: unknown name or field"):
        export_project(store, tmp_path / "out.md", template_name="t", roots=roots)


def test_the_collector_runs_again_after_an_export(store: Store, tmp_path: Path) -> None:
    assert gc.isenabled()
    export_project(store, tmp_path / "out.docx")
    assert gc.isenabled()
    with pytest.raises(TemplateError):
        export_project(store, tmp_path / "out.md", template_name="t", roots=_template(tmp_path, "{{ nope }}"))
    assert gc.isenabled()
    gc.disable()  # an application that turned it off keeps it off
    try:
        export_project(store, tmp_path / "out.md")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_context_offers_exactly_the_documented_names(store: Store) -> None:
    variables = build_context(store).as_template_vars()
    assert list(variables) == list(CONTEXT_NAMES)
    readme = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"Top-level names:\n\n(.*?)\n\n", readme, re.S).group(1)
    assert set(re.findall(r"^\| `(\w+)", documented, re.M)) | {"meta"} == set(CONTEXT_NAMES)


def test_every_passage_view_is_built_only_when_a_template_names_passages(store: Store) -> None:
    context = build_context(store)
    render_template(find_template("memo").path, "template.md.j2", context.as_template_vars())
    assert "passages" not in vars(context)  # the memo prints the placed passages only
    render_template(find_template("evidence-annex").path, "template.md.j2", context.as_template_vars())
    assert "passages" in vars(context)


def test_every_passage_is_listed_once_placed_ones_first(project: Path) -> None:
    with Store.open(project) as store:  # one passage that no section holds
        service = ProjectService(store)
        doc = store.list_documents()[0].id
        unplaced = service.tag_quote(document=doc, quote="Opening paragraph.", tags=["Semiconductors"])
    with Store.open(project, readonly=True) as store:
        context = build_context(store)
        passages = context.passages
        assert [p.citation for p in passages] == list(range(1, len(passages) + 1))
        assert len({p.id for p in passages}) == len(passages) == len(store.list_passages())
    assert all(a is b for a, b in zip(passages, context.cited, strict=False))  # the same views the outline holds
    assert [p.id for p in passages[len(context.cited) :]] == [unplaced]
    assert passages[-1].paragraph_number == 1 and passages[-1].sentence == "Opening paragraph."


def test_paragraph_numbers_count_non_blank_lines(tmp_path: Path) -> None:
    import hashlib

    text = "\n  \nFirst paragraph.\n\n\t\nSecond one.\nThird, with the quote.\n\nFourth."
    path = tmp_path / "p.briefer"
    with Store.create(path) as store:
        service = ProjectService(store)
        doc = store.add_document(text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), title="t")
        store.add_tag(name="T", color="#000000")
        section = service.add_section(title="S")
        for quote in ("Fourth.", "the quote", "First", "Second"):  # asked for out of order
            service.place(passage=service.tag_quote(document=doc, quote=quote, tags=["T"]), section=section)
    with Store.open(path, readonly=True) as store:
        numbers = {p.quote: p.paragraph_number for p in build_context(store).cited}
    assert numbers == {"Fourth.": 4, "the quote": 3, "First": 1, "Second": 2}


def test_a_straight_run_of_slow_filters_is_stopped(store: Store, tmp_path: Path) -> None:
    # No loop, no macro: each statement is one slow filter call.
    body = '{% set a = "a " * 200000 %}' + "{% set a = a|wordwrap(1) %}" * 40 + "{{ a|length }}"
    with pytest.raises(TemplateError, match="longer than 0.5 seconds"):
        export_project(store, tmp_path / "out.md", template_name="t", roots=_template(tmp_path, body), seconds=0.5)


def test_paragraph_numbers_are_the_same_however_far_and_in_whatever_order_they_are_asked() -> None:
    """Blank lines are found only as far as a passage asks (context._Paragraphs): every line's number
    matches a count of the non-blank lines up to it, asked in any order, including past the last blank line."""
    import random

    from briefer.export.context import _Paragraphs

    rng = random.Random(5)
    pieces = ["Word.", "  indented", "\t", "  ", "", "\u3000全角", "Last line", "x"]
    for _ in range(40):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        lines = text.split("\n")

        # The number of line k: the non-blank lines before it, plus one (a blank line's own
        # number is that of the paragraph after it, as the context has always counted).
        expected = [1 + sum(1 for line in lines[:k] if line.strip(" \t")[:1].strip()) for k in range(len(lines))]
        paragraphs = _Paragraphs(text)
        order = list(range(len(starts)))
        rng.shuffle(order)
        for k in order:
            assert paragraphs.number(starts[k]) == expected[k], (text, k)
