"""The command line for a person at a terminal: a readable `show`, forgiving tag names and quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer import cli


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "chips.briefer"
    assert run(capsys, "new", path, "--title", "Export controls briefing")[0] == 0
    return path


def test_show_without_json_prints_a_summary(project: Path, capsys) -> None:
    assert run(capsys, "section", project, "Why now", "--parent", "Background")[0] == 0
    code, out, err = run(capsys, "tag", project, "--doc", "1", "--quote", "Biden", "--tag", "Controls work")
    pid = out.strip()
    assert run(capsys, "place", project, pid, "--section", "Why now")[0] == 0
    data = json.loads(run(capsys, "show", project, "--json")[1])
    code, out, err = run(capsys, "show", project)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Export controls briefing"
    sections = 6
    assert lines[1] == f"{len(data['documents'])} documents, {len(data['tags'])} tags, 1 passage, {sections} sections"
    assert lines[3] == "Outline:"
    assert "- Background (0 passages)" in lines
    assert "  - Why now (1 passage)" in lines  # nested under Background, indented
    assert lines.index("  - Why now (1 passage)") == lines.index("- Background (0 passages)") + 1


def test_tag_names_match_in_any_case_and_unknown_ones_suggest(project: Path, capsys) -> None:
    code, out, err = run(capsys, "tag", project, "--doc", "1", "--quote", "Biden", "--tag", "controls WORK")
    assert code == 0, err
    passage = json.loads(run(capsys, "show", project, "--json")[1])["passages"][0]
    assert passage["tags"] == ["Controls work"]
    code, out, err = run(capsys, "tag", project, "--doc", "1", "--quote", "Biden", "--tag", "Control works")
    assert code == 1
    assert err.strip().startswith("briefer: error: no tag named 'Control works' (did you mean 'Controls work'")
    assert len(err.strip().splitlines()) == 1


def test_a_tag_name_two_tags_share_in_other_cases_is_refused(project: Path, capsys) -> None:
    from briefer.core.store import Store

    with Store.open(project) as store:
        store.add_tag(name="controls work", color="#123456")
    code, out, err = run(capsys, "tag", project, "--doc", "1", "--quote", "Biden", "--tag", "CONTROLS WORK")
    assert code == 1 and "fits several tags" in err
    assert run(capsys, "tag", project, "--doc", "1", "--quote", "Biden", "--tag", "controls work")[0] == 0


def test_quote_with_other_whitespace_finds_the_passage(project: Path, capsys) -> None:
    text = json.loads(run(capsys, "show", project, "--json", "--with-text")[1])["documents"][0]["text"]
    start = text.index("Biden and the Democratic")
    original = text[start : start + 60].rstrip()
    assert original.count(" ") >= 5
    pasted = "  " + original.replace(" ", "\n", 3).replace(" ", "  ", 2) + "\n"  # as copied from a PDF viewer
    code, out, err = run(capsys, "tag", project, "--doc", "1", "--quote", pasted, "--tag", "Controls work")
    assert code == 0, err
    passage = json.loads(run(capsys, "show", project, "--json")[1])["passages"][0]
    assert passage["quote"] == original  # the document's own text, not the pasted one
    assert (passage["start"], passage["end"]) == (start, start + len(original))
