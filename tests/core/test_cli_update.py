"""`briefer update`, `briefer accept`, `briefer import --update` and the anchors in `show --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run, show

V1 = (
    "---\nurl: https://example.org/report\n---\n"
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.2 billion in 2023, officials said.\n"
    "Chinese firms stockpiled chips before the rules took effect.\n"
)
V2 = (
    "---\nurl: http://example.org/report/\n---\n"
    "A foreword was added.\n"
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.4 billion in 2023, officials said.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.briefer"
    assert run("new", path, "--empty").returncode == 0
    source = tmp_path / "report.md"
    source.write_text(V1, encoding="utf-8")
    assert run("import", path, source).stdout == f"imported {source} as 1\n"
    for quote in ("Export controls were tightened", "The budget was $3.2 billion", "Chinese firms stockpiled"):
        assert run("tag", path, "--doc", "1", "--quote", quote, "--tag", "Controls work").returncode == 0
    return path


def new_version(tmp_path: Path, name: str = "renamed.md") -> Path:
    path = tmp_path / "v2" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(V2, encoding="utf-8")
    return path


def test_update_prints_the_summary_then_each_passage_to_review(project: Path, tmp_path: Path) -> None:
    result = run("update", project, "1", new_version(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "re-anchored 3 passages: 1 exact, 0 moved, 1 fuzzy, 1 orphaned"
    assert lines[1].startswith("fuzzy 2: 'The budget was $3.2 billion' -> 'The budget was $3.4 billion' at ")
    assert lines[2] == "orphaned 3: 'Chinese firms stockpiled' is not in the new text"
    assert len(lines) == 3


def test_show_json_gives_anchor_candidate_and_version(project: Path, tmp_path: Path) -> None:
    before = show(project)
    assert before["documents"][0]["version"] == 1
    assert {p["anchor"] for p in before["passages"]} == {"exact"}
    assert all("candidate" not in p for p in before["passages"])
    run("update", project, "1", new_version(tmp_path))
    data = show(project)
    assert data["documents"][0]["version"] == 2
    passages = {p["id"]: p for p in data["passages"]}
    assert [passages[i]["anchor"] for i in (1, 2, 3)] == ["exact", "fuzzy", "orphaned"]
    candidate = passages[2]["candidate"]
    assert set(candidate) == {"start", "end", "quote", "score"}
    assert candidate["quote"] == "The budget was $3.4 billion"
    text = json.loads(run("show", project, "--json", "--with-text").stdout)["documents"][0]["text"]
    assert text[candidate["start"] : candidate["end"]] == candidate["quote"]
    assert text[passages[1]["start"] : passages[1]["end"]] == passages[1]["quote"]
    assert passages[3]["quote"] == "Chinese firms stockpiled"
    assert "candidate" not in passages[3]


def test_accept_anchors_the_candidate_and_refuses_other_passages(project: Path, tmp_path: Path) -> None:
    run("update", project, "1", new_version(tmp_path))
    result = run("accept", project, "2")
    assert result.returncode == 0, result.stderr
    passage = next(p for p in show(project)["passages"] if p["id"] == 2)
    assert (passage["anchor"], passage["quote"]) == ("exact", "The budget was $3.4 billion")
    assert "candidate" not in passage
    refused = run("accept", project, "3")
    assert refused.returncode == 1
    assert refused.stderr == "briefer: error: passage 3 is orphaned, not fuzzy: there is no candidate to accept\n"


def test_import_skips_a_new_version_unless_told_to_update(project: Path, tmp_path: Path) -> None:
    moved = new_version(tmp_path, "report.md")  # same file name, other folder; same URL spelled otherwise
    skipped = run("import", project, moved)
    assert skipped.returncode == 0
    assert skipped.stdout == f"skipped {moved}: a different version of 1 (use --update)\n"
    assert show(project)["documents"][0]["version"] == 1
    updated = run("import", project, moved, "--update")
    assert updated.returncode == 0, updated.stderr
    lines = updated.stdout.splitlines()
    assert lines[0] == (
        f"updated 1 from {moved}: version 2, re-anchored 3 passages: 1 exact, 0 moved, 1 fuzzy, 1 orphaned"
    )
    assert [line.split(":")[0] for line in lines[1:]] == ["fuzzy 2", "orphaned 3"]
    data = show(project)
    assert len(data["documents"]) == 1 and data["documents"][0]["version"] == 2
    again = run("import", project, moved, "--update")
    assert again.stdout == f"skipped {moved}: same content as document 1 already in the project\n"


def test_a_file_with_another_url_is_a_new_document_not_a_version(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "v2" / "report.md"
    other.parent.mkdir()
    other.write_text(V2.replace("example.org/report", "example.com/elsewhere"), encoding="utf-8")
    assert run("import", project, other).stdout == f"imported {other} as 2\n"


def test_update_errors_are_one_line_and_change_nothing(project: Path, tmp_path: Path) -> None:
    missing = run("update", project, "1", tmp_path / "nope.txt")
    assert (missing.returncode, missing.stderr) == (
        1,
        f"briefer: error: cannot read {tmp_path / 'nope.txt'}: no such file\n",
    )
    unknown = run("update", project, "9", new_version(tmp_path))
    assert (unknown.returncode, unknown.stderr) == (1, "briefer: error: no document with id 9\n")
    assert show(project)["documents"][0]["version"] == 1
    same = run("update", project, "1", project.parent / "report.md")
    assert same.returncode == 0
    assert same.stdout == f"document 1 is unchanged: {project.parent / 'report.md'} has the text it has\n"


def test_check_is_silent_about_passages_to_review_and_export_refuses_them_when_placed(
    project: Path, tmp_path: Path
) -> None:
    run("update", project, "1", new_version(tmp_path))
    checked = run("check", project)
    assert (checked.returncode, checked.stdout) == (0, "ok: 1 documents, 3 passages, 0 placements verified\n")
    out = tmp_path / "b.md"
    assert run("export", project, "-o", out).returncode == 0  # nothing placed: nothing to verify
    section = run("section", project, "Evidence").stdout.strip()
    assert run("place", project, "2", "--section", section).returncode == 0  # the fuzzy one
    refused = run("export", project, "-o", out, "--force")  # replacing the first export, knowingly
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[1].startswith("  passage 2 ")
    assert refused.stderr.splitlines()[1].endswith("its anchor needs review after the document was updated")
    assert run("export", project, "-o", out, "--allow-unverified", "--force").returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "3.2 billion *[unverified]*" in text  # the old quote, marked
    assert run("accept", project, "2").returncode == 0
    assert run("export", project, "-o", out, "--force").returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "3.4 billion" in text and "[unverified]" not in text


def test_exchange_exports_say_which_passages_await_review(project: Path, tmp_path: Path) -> None:
    """A REFI selection must be a span of the current text: while passages await review,
    the .qdpx export stops and names them; the spreadsheet says how each is anchored."""
    import csv

    run("update", project, "1", new_version(tmp_path))
    refused = run("export", project, "-o", tmp_path / "p.qdpx")
    assert refused.returncode == 1 and not (tmp_path / "p.qdpx").exists()
    assert "2 passages need review after a document update (ids 2, 3)" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert run("export", project, "-o", tmp_path / "p.csv").returncode == 0
    with (tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as fh:
        anchors = {row["id"]: row["anchor"] for row in csv.DictReader(fh)}
    assert anchors == {"1": "exact", "2": "fuzzy", "3": "orphaned"}
    run("accept", project, "2")
    run("export", project, "-o", tmp_path / "p.qdpx")
    assert not (tmp_path / "p.qdpx").exists()  # the orphaned one still awaits a decision
