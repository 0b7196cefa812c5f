"""The command line end to end, in subprocesses on temporary projects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


def run(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "briefer", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=120,
    )


def show(project: Path) -> dict:
    result = run("show", project, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_new_show_tag_section_place(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    assert run("new", project, "--title", "Chips").returncode == 0
    data = show(project)
    assert data["project"]["title"] == "Chips"
    assert len(data["documents"]) == 5
    assert {"Controls backfire", "Controls work"} <= {t["name"] for t in data["tags"]}
    assert [s["title"] for s in data["outline"]][1:3] == ["Controls backfire", "Controls work"]
    zh = next(d for d in data["documents"] if d["language"] == "zh-Hant")

    tagged = run(
        "tag",
        project,
        "--doc",
        str(zh["id"]),
        "--quote",
        "晶片",
        "--tag",
        "Semiconductors",
        "--tag",
        "Controls backfire",
        "--occurrence",
        "2",
        "--note",
        "chips",
        "--translation",
        "chip",
    )
    assert tagged.returncode == 0, tagged.stderr
    pid = int(tagged.stdout)
    data = show(project)
    [passage] = data["passages"]
    assert passage["id"] == pid and passage["quote"] == "晶片"
    assert passage["tags"] == ["Controls backfire", "Semiconductors"]
    assert (passage["note"], passage["translation"]) == ("chips", "chip")
    text = json.loads(run("show", project, "--json", "--with-text").stdout)["documents"][zh["id"] - 1]["text"]
    first = text.find("晶片")
    assert passage["start"] == text.find("晶片", first + 1)
    assert text[passage["start"] : passage["end"]] == "晶片"

    assert (
        run(
            "section",
            project,
            "Huawei",
            "--parent",
            "Controls backfire",
            "--stance",
            "Controls backfire",
            "--notes",
            "**Huawei** adapts",
        ).returncode
        == 0
    )
    assert run("place", project, str(pid), "--section", "Huawei").returncode == 0
    backfire = show(project)["outline"][1]
    [child] = backfire["children"]
    assert (child["title"], child["stance"], child["passages"], child["notes"]) == (
        "Huawei",
        "Controls backfire",
        [pid],
        "**Huawei** adapts",
    )


def test_tag_errors_write_nothing(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    run("new", project)
    for args, message in [
        (("--doc", "1", "--quote", "no such words anywhere", "--tag", "Controls work"), "does not occur"),
        (("--doc", "1", "--quote", "Biden", "--tag", "Nonsense"), "no tag named 'Nonsense'"),
        (("--doc", "No such title", "--quote", "Biden", "--tag", "Controls work"), "no document"),
    ]:
        result = run("tag", project, *args)
        assert result.returncode == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert show(project)["passages"] == []


def test_tag_by_exact_title(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    run("new", project)
    result = run("tag", project, "--doc", "China's tech crunch", "--quote", "Deng", "--tag", "Policy history")
    assert result.returncode == 0, result.stderr
    assert show(project)["passages"][0]["document"] == 2


def test_autotag_scopes_and_no_duplicates(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    run("new", project)
    first = run("autotag", project, "--pattern", "Huawei", "--tag", "Industry voices", "--scope", "sentence")
    assert first.returncode == 0, first.stderr
    created = int(first.stdout)
    assert created > 0
    again = run("autotag", project, "--pattern", "Huawei", "--tag", "Industry voices", "--scope", "sentence")
    assert int(again.stdout) == 0
    data = show(project)
    assert len(data["passages"]) == created
    assert all("Huawei" in p["quote"] and not p["quote"][0].isspace() for p in data["passages"])

    before = sum(1 for p in show(project)["passages"] if p["document"] == 4)
    zh = run("autotag", project, "--pattern", "晶片", "--tag", "Semiconductors", "--doc", "4", "--scope", "sentence")
    quotes = [p["quote"] for p in show(project)["passages"] if p["document"] == 4 and "Semiconductors" in p["tags"]]
    # An identical passage that already existed (a Huawei sentence) gains the tag instead.
    assert int(zh.stdout) > 0
    assert len(quotes) <= int(zh.stdout) + before
    assert all(q.endswith(("。", "！", "？", "」")) or "\n" not in q for q in quotes)
    assert all("晶片" in q for q in quotes)


def test_import_prints_one_line_per_file_and_exits_1_on_rejects(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    run("new", project, "--empty")
    good = tmp_path / "good.txt"
    good.write_text("Export controls and chips.", encoding="utf-8")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    result = run("import", project, good, bad, SEEDS[0], SEEDS[0])
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"imported {good} as 1"
    assert lines[1].startswith(f"rejected {bad}: corrupt")
    assert lines[2] == f"imported {SEEDS[0]} as 2"
    assert lines[3].startswith(f"skipped {SEEDS[0]}: same content")
    assert len(show(project)["documents"]) == 2


def test_new_refuses_to_overwrite_and_errors_are_one_line(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    project.write_text("mine")
    result = run("new", project)
    assert result.returncode == 1 and "already exists" in result.stderr
    assert project.read_text() == "mine"
    result = run("show", project, "--json")
    assert result.returncode == 1 and "not a Briefer project" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("show", tmp_path / "missing.briefer", "--json")
    assert result.returncode == 1 and "no such project file" in result.stderr


def test_write_while_open_elsewhere_says_in_use_and_show_still_works(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    run("new", project)
    from briefer.core.store import Store

    with Store.open(project):  # as the window would hold it
        result = run("tag", project, "--doc", "1", "--quote", "Biden", "--tag", "Controls work")
        assert result.returncode == 1 and "in use" in result.stderr
        assert len(show(project)["documents"]) == 5


def test_usage_errors_are_one_line() -> None:
    result = run("tag")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_launching_a_missing_project_says_so_without_a_window(tmp_path: Path) -> None:
    result = run(tmp_path / "nope.briefer")
    assert result.returncode == 1
    assert "no such project file" in result.stderr and "Traceback" not in result.stderr


def test_every_sub_command_is_known_before_the_parser_is_built() -> None:
    # main() tells a command from a project path without building the parser;
    # a command missing from COMMANDS would be opened as a project instead.
    from briefer.cli import COMMANDS, build_parser

    parser = build_parser()
    assert set(parser._subparsers._group_actions[0].choices) == COMMANDS


_LAUNCH_IMPORTS = """
import sys
import briefer.cli, briefer.app
calls = []
briefer.app.run_app = lambda path: calls.append(path) or 0
briefer.cli.main([sys.argv[1]])
heavy = sorted(m for m in ("jinja2", "markdown", "docx", "lxml", "briefer.export.engine") if m in sys.modules)
print(len(calls), heavy)
"""


def test_opening_the_window_does_not_load_the_export_engine(tmp_path: Path) -> None:
    # Jinja2, Markdown and python-docx cost ~0.1 s to import; the window loads
    # them on its first preview or export, never on the way to being shown.
    project = tmp_path / "p.briefer"
    assert run("new", project, "--empty").returncode == 0
    result = subprocess.run(
        [sys.executable, "-c", _LAUNCH_IMPORTS, str(project)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 []"


def test_output_cut_short_by_the_reader_is_not_an_error_message(tmp_path: Path) -> None:
    # `briefer show ... | head`: the pipe closes early; the shell tool reports nothing.
    project = tmp_path / "p.briefer"
    assert run("new", project).returncode == 0
    long_source = tmp_path / "long.txt"  # output well past any pipe buffer, so the write must fail
    long_source.write_text("Export controls and their effects. " * 20_000, encoding="utf-8")
    assert run("import", project, long_source).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefer", "show", str(project), "--json", "--with-text"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # the reader goes away after ten bytes
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141  # as if ended by SIGPIPE, like other shell tools
    assert stderr == ""


def test_an_unexpected_failure_is_one_line_and_keeps_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import briefer.cli as cli

    def broken(_args: object) -> int:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli, "cmd_show", broken)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert cli.main(["show", str(tmp_path / "p.briefer"), "--json"]) == 70
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("briefer: internal error: RecursionError: maximum recursion depth exceeded")
    report = Path(err.split("details in ")[1].split(";")[0])
    assert report.parent == tmp_path and "Traceback" in report.read_text()
