"""``briefer export`` and ``briefer templates``: exit codes, one-line errors, warnings on stderr."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.cli_export import add_export_commands

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="briefer")
    add_export_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_export_md_and_docx(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["export", str(project), "-o", str(tmp_path / "b.md")]) == 0
    out, err = capsys.readouterr()
    assert "template memo" in out
    lines = err.splitlines()
    assert lines and all(line.startswith("briefer: warning: ") and "美國與中國的科技競賽" in line for line in lines)
    assert run(["export", str(project), "-o", str(tmp_path / "b.docx"), "--template", "debate-brief"]) == 0
    assert (tmp_path / "b.docx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    "make_args,words",
    [
        (lambda p, t: [str(t / "missing.briefer"), "-o", str(t / "x.md")], "no such project file"),
        (lambda p, t: [str(p), "-o", str(t / "x.pdf")], ".md or .docx"),
        (lambda p, t: [str(p), "-o", str(t / "x.md"), "--template", "nope"], "no template named 'nope'"),
        (lambda p, t: [str(p), "-o", str(t / "nodir" / "x.md")], "does not exist"),
        (lambda p, t: [str(t / "junk.briefer"), "-o", str(t / "x.md")], "not a Briefer project"),
    ],
)
def test_errors_are_one_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_args, words: str
) -> None:
    (tmp_path / "junk.briefer").write_text("not sqlite")
    assert run(["export", *make_args(project, tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("briefer: error:") and err.count("\n") == 1
    assert words in err
    assert not (tmp_path / "x.md").exists()


def test_templates_lists_origin_and_description(
    project: Path, isolated_user_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated_user_dir / "custom").mkdir(parents=True)
    (isolated_user_dir / "custom" / "template.md.j2").write_text("x")
    (isolated_user_dir / "custom" / "manifest.json").write_text('{"name": "C", "description": "Custom one"}')
    assert run(["templates"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["custom", "debate-brief", "evidence-annex", "memo"]
    assert lines[0].split()[1] == "user" and "Custom one" in lines[0]
    assert all(line.split()[1] == "built-in" for line in lines[1:])


def test_broken_template_through_the_real_entry_point(project: Path, tmp_path: Path) -> None:
    beside = project.parent / "templates" / "memo"
    beside.mkdir(parents=True)
    (beside / "template.md.j2").write_text("ok\n{{ ''.__class__.__mro__ }}\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "briefer", "export", str(project), "-o", str(tmp_path / "x.md")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "template.md.j2, line 2" in result.stderr and "not allowed" in result.stderr


def test_export_refuses_to_replace_a_file_unless_forced(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.md"
    out.write_text("yesterday's briefing", encoding="utf-8")
    assert run(["export", str(project), "-o", str(out)]) == 1
    _, err = capsys.readouterr()
    assert err == f"briefer: error: {out} exists; use --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "yesterday's briefing"
    assert run(["export", str(project), "-o", str(out), "--force"]) == 0
    assert "yesterday's briefing" not in out.read_text(encoding="utf-8")
