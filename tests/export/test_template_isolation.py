"""Issue 15, item 7: a template that asks for gigabytes or one endless call is stopped by the
operating system (a child process with a memory limit and a hard deadline), with one line
naming the template and the reason; the caller's own memory and the project are untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.core.store import Store
from briefer.export import export_project, isolation
from briefer.export.errors import BriefingTooLargeError, TemplateError
from briefer.export.templates import find_template

ROOT = Path(__file__).resolve().parents[2]

# Each of these, rendered in the exporting process, took gigabytes (the sandbox's
# own checks cannot see inside one call).
GREEDY = {
    "center": "{{ 'a'|center(10**10) }}",
    "ljust": "{{ 'a'.ljust(10**10) }}",
    "zfill": "{{ 'a'.zfill(10**10) }}",
    "percent-format": "{{ '%0*d'|format(3*10**9, 1) }}",
    "str-format": "{{ '{0:>3000000000}'.format(1) }}",
    "indent": "{% set s = 'a\\n' * 500000 %}{{ s|indent(3000) }}",
    "replace": "{{ ('a' * 1000000)|replace('a', 'b' * 1000000) }}",
    "to-bytes": "{{ (1).to_bytes(3*10**9, 'big') }}",
    "doubling-string": (
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
        "{{ ns.s|length }}"
    ),
    "doubling-list": (
        "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}"
        "{{ ns.l|length }}"
    ),
}
# One multiplication of a huge integer runs for seconds in C, where no deadline check can run.
SLOW_CALL = "{% set ns = namespace(n=7) %}{% for i in range(29) %}{% set ns.n = ns.n * ns.n %}{% endfor %}{{ 1 }}"


def _template(project: Path, name: str, body: str) -> None:
    folder = project.parent / "templates" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.md.j2").write_text(body, encoding="utf-8")


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: the command line forks its renderer."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "briefer", *argv], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


@pytest.mark.parametrize("case", sorted(GREEDY))
def test_a_greedy_template_is_stopped_at_the_memory_limit(bundled_project: Path, tmp_path: Path, case: str) -> None:
    _template(bundled_project, "greedy", GREEDY[case])
    out = tmp_path / "out.md"
    with Store.open(bundled_project, readonly=True) as store, pytest.raises(TemplateError) as caught:
        export_project(store, out, template_name="greedy")
    message = str(caught.value)
    assert message.startswith(str(bundled_project.parent / "templates" / "greedy" / "template.md.j2"))
    assert "512 MB" in message and "\n" not in message
    assert not out.exists()


def test_the_command_line_reports_a_greedy_template_in_one_line(bundled_project: Path, tmp_path: Path) -> None:
    _template(bundled_project, "greedy", GREEDY["center"])
    out = tmp_path / "out.docx"
    result = _cli("export", str(bundled_project), "-o", str(out), "--template", "greedy")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "greedy/template.md.j2" in lines[0] and "512 MB" in lines[0]
    assert not out.exists()
    # The project is as it was: the next export, with a sound template, works.
    good = _cli("export", str(bundled_project), "-o", str(out))
    assert good.returncode == 0, good.stderr and out.is_file()


def _many_sources(path: Path, count: int) -> Path:
    """A project citing ``count`` sources never formatted before, one placed passage each."""
    import hashlib

    from briefer.core.service import ProjectService

    with Store.create(path) as store:
        service = ProjectService(store)
        section = service.add_section(title="Evidence")
        store.add_tag(name="Evidence", color="#2a7ab9")
        for n in range(count):
            text = f"Paragraph one of source {n}.\nThe quoted sentence of source {n}.\n"
            doc = store.add_document(
                text=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                title=f"Report number {n}",
                publisher=f"Institute {n}",
                author=f"Author{n} Family{n}",
                date=f"20{10 + n % 15}-0{1 + n % 9}-1{n % 9}",
                url=f"https://example.org/{n}",
                language="en",
            )
            service.place(
                passage=service.tag_quote(document=doc, quote=f"The quoted sentence of source {n}.", tags=["Evidence"]),
                section=section,
            )
    return path


def test_a_long_preparation_in_the_warm_worker_is_not_the_templates_time(
    bundled_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's renders go to a warm worker, which reads the project and formats its citations
    before the template starts. That is Briefer's own work, as long as the project makes it: it
    is neither a worker that failed to start nor a template that loops (it was, past 60 s)."""
    from briefer.export.citation_cache import use_cache_folder

    memo = find_template("memo")
    isolation.render_isolated(bundled_project, memo)  # the worker is up and listening
    large = _many_sources(tmp_path / "large.briefer", 150)
    use_cache_folder(str(tmp_path / "never-formatted"))  # 150 sources' notes and entries to format first
    monkeypatch.setattr(isolation, "_STARTUP_SECONDS", 0.25)  # far less than that formatting takes
    try:
        rendered = isolation.render_isolated(large, memo)
    finally:
        use_cache_folder(None)
    assert "The quoted sentence of source 149." in rendered.text
    assert "Report Number 149" in rendered.text  # its source, formatted (in title case, as Chicago has it)


def test_one_endless_call_is_killed_at_the_deadline(bundled_project: Path, tmp_path: Path) -> None:
    _template(bundled_project, "slow", SLOW_CALL)
    with Store.open(bundled_project, readonly=True) as store, pytest.raises(TemplateError) as caught:
        export_project(store, tmp_path / "out.md", template_name="slow", seconds=0.5)
    assert "longer than 0.5 seconds" in str(caught.value) and "slow/template.md.j2" in str(caught.value)


def test_the_command_line_kills_an_endless_call(bundled_project: Path, tmp_path: Path) -> None:
    _template(bundled_project, "slow", SLOW_CALL)
    result = _cli("export", str(bundled_project), "-o", str(tmp_path / "o.md"), "--template", "slow")
    assert result.returncode == 1
    assert "longer than 10 seconds" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_briefing_too_large_to_build_is_refused(bundled_project: Path, tmp_path: Path) -> None:
    _template(bundled_project, "huge", "{% set s = 'a' * 1000000 %}{% for i in range(40) %}{{ s }}{% endfor %}")
    with (
        Store.open(bundled_project, readonly=True) as store,
        pytest.raises(TemplateError, match="larger than 32 MB") as caught,
    ):
        export_project(store, tmp_path / "out.md", template_name="huge")
    # Its own kind of template error, which callers can tell from a broken template.
    assert isinstance(caught.value, BriefingTooLargeError)


def test_a_template_printing_without_end_is_stopped_by_its_size_not_its_deadline(
    bundled_project: Path, tmp_path: Path
) -> None:
    """Output is counted as it is rendered: a loop printing without end is refused as too
    large, saying so, long before the 10-second limit would call it a loop."""
    _template(
        bundled_project,
        "endless",
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ 'x' * 100 }}\n{% endfor %}{% endfor %}",
    )
    with Store.open(bundled_project, readonly=True) as store, pytest.raises(TemplateError) as caught:
        export_project(store, tmp_path / "out.md", template_name="endless")
    assert "larger than 32 MB, more than one briefing can hold" in str(caught.value)
    assert isinstance(caught.value, BriefingTooLargeError)
    assert "longer than" not in str(caught.value)
    assert not (tmp_path / "out.md").exists()


def test_the_warm_worker_is_replaced_after_a_failure_and_serves_the_next_render(
    bundled_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's path: no fork, one spawned worker reused while it stays healthy."""
    monkeypatch.setattr(isolation, "_can_fork", lambda: False)
    _template(bundled_project, "greedy", GREEDY["to-bytes"])
    memo = find_template("memo")
    first = isolation.render_isolated(bundled_project, memo)
    assert first.text.startswith("# ") and first.meta["title"]
    worker = isolation._WORKER._process
    assert isolation.render_isolated(bundled_project, memo).text == first.text
    assert isolation._WORKER._process is worker  # reused, not started again
    with pytest.raises(TemplateError, match="512 MB"):
        isolation.render_isolated(bundled_project, find_template("greedy", bundled_project))
    assert isolation._WORKER._process is not worker
    assert isolation.render_isolated(bundled_project, memo).text == first.text


def test_template_errors_come_back_as_they_would_in_process(bundled_project: Path, monkeypatch) -> None:
    monkeypatch.setattr(isolation, "_can_fork", lambda: False)
    _template(bundled_project, "typo", "line one\n{{ meta.titel }}\n")
    with pytest.raises(TemplateError, match=r"typo/template.md.j2, line 2: unknown name or field"):
        isolation.render_isolated(bundled_project, find_template("typo", bundled_project))


def test_a_forked_render_gives_the_warnings_its_template_leaves(tmp_path: Path, monkeypatch) -> None:
    """The command line's path: the forked child sends back its warnings only when the template
    changed them; otherwise they are its parent's, the same as the context built them."""
    from test_citations import build

    from briefer.export.prepare import context_for

    path = build(tmp_path / "chips.briefer", translate=False, empty_section=True)
    monkeypatch.setattr(isolation, "_can_fork", lambda: True)  # as the command line, which has no Qt
    with Store.open(path, readonly=True) as store:
        memo = find_template("memo")
        expected = [w.message for w in context_for(store, memo).warnings]
        assert len(expected) >= 2
        rendered = isolation.render_isolated(path, memo, store=store)
        assert [w.message for w in rendered.warnings] == expected
        folder = tmp_path / "templates" / "noisy"
        folder.mkdir(parents=True)
        (folder / "template.md.j2").write_text("{{ warnings.append(warnings[0]) or '' }}done", encoding="utf-8")
        rendered = isolation.render_isolated(path, find_template("noisy", path), store=store)
        assert rendered.text == "done"
        assert [w.message for w in rendered.warnings] == [*expected, expected[0]]


def test_the_word_base_opened_while_the_template_renders_builds_the_same_file(tmp_path: Path, monkeypatch) -> None:
    """Where the render is forked, the Word build's base document is opened while the template renders:
    the file is the one a build that opens it afterwards writes (the worker's path), and a template that
    changes the marking the base was opened with gets a base with its own marking."""
    from test_citations import build

    from export_helpers import docx_part

    path = build(tmp_path / "chips.briefer")
    parts = ("word/document.xml", "word/footnotes.xml", "word/header1.xml", "word/footer1.xml", "word/styles.xml")
    written: dict[bool, list[str]] = {}
    for forked in (True, False):
        monkeypatch.setattr(isolation, "_can_fork", lambda forked=forked: forked)
        with Store.open(path, readonly=True) as store:
            out = export_project(store, tmp_path / f"memo-{forked}.docx").path
        written[forked] = [docx_part(out, name) for name in parts]
    assert written[True] == written[False]
    assert "UNCLASSIFIED" in written[True][2]

    monkeypatch.setattr(isolation, "_can_fork", lambda: True)
    folder = tmp_path / "templates" / "remarked"
    folder.mkdir(parents=True)
    (folder / "template.md.j2").write_text("{{ meta.update(marking='TOP DRAWER') or '' }}# Hi\n", encoding="utf-8")
    with Store.open(path, readonly=True) as store:
        out = export_project(store, tmp_path / "remarked.docx", template_name="remarked").path
    header = docx_part(out, "word/header1.xml")
    assert "TOP DRAWER" in header and "UNCLASSIFIED" not in header
