"""`briefer import` into a project that does not exist yet: made whole, or not at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from briefer.core.importing import NothingImportedError, import_into_new_project
from briefer.core.project import open_project
from tests.core.test_cli import SEEDS, run, show


def _journal_mode(project: Path) -> str:
    conn = sqlite3.connect(project)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_import_into_a_missing_project_creates_it_with_the_files_and_the_codebook(tmp_path: Path) -> None:
    project = tmp_path / "news.briefer"
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    result = run("import", project, SEEDS[0], bad, SEEDS[1])
    assert result.returncode == 1  # one file rejected, the others imported, as into an existing project
    lines = result.stdout.splitlines()
    assert lines[0] == f"imported {SEEDS[0]} as 1"
    assert lines[1].startswith(f"rejected {bad}: corrupt")
    assert lines[2] == f"imported {SEEDS[1]} as 2"
    assert lines[3] == f"created {project}"
    data = show(project)
    assert [d["source_file"] for d in data["documents"]] == [SEEDS[0].name, SEEDS[1].name]
    assert {t["name"] for t in data["tags"]} >= {"Controls backfire", "Controls work"}
    assert data["outline"]  # the default outline, as `new --empty` makes
    # Built without the write-ahead log, it is an ordinary WAL project once named,
    # with nothing left beside it.
    assert _journal_mode(project) == "wal"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "bad.docx") == ["news.briefer"]


def test_the_new_project_opens_for_writing_and_takes_more_imports(tmp_path: Path) -> None:
    project = tmp_path / "news.briefer"
    import_into_new_project(project, [SEEDS[0]])
    service = open_project(project)
    try:
        doc = service.store.list_documents()[0].id
        text = service.store.get_document(doc).text
        tag = service.store.list_tags()[0].id
        service.store.add_passage(document=doc, start=0, end=10, quote=text[:10], tags=[tag])
    finally:
        service.store.close()
    assert run("import", project, SEEDS[1]).returncode == 0
    assert len(show(project)["documents"]) == 2
    assert run("check", project).returncode == 0


def test_nothing_importable_makes_no_project(tmp_path: Path) -> None:
    project = tmp_path / "news.briefer"
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    result = run("import", project, bad)
    assert result.returncode == 1
    assert result.stdout.startswith(f"rejected {bad}: corrupt")
    assert f"{project} was not created" in result.stderr and "Traceback" not in result.stderr
    assert not project.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.docx"]


def test_an_interrupted_import_leaves_no_project_and_no_temporary_file(tmp_path: Path) -> None:
    project = tmp_path / "news.briefer"
    seen: list[Path] = []

    def interrupt_on_the_second_file(done: int, total: int, path: Path) -> None:
        seen.append(path)
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_into_new_project(project, SEEDS, interrupt_on_the_second_file)
    assert len(seen) == 2
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    project = tmp_path / "news.briefer"
    import_into_new_project(project, [SEEDS[0]])
    before = project.read_bytes()
    with pytest.raises(FileExistsError):
        import_into_new_project(project, [SEEDS[1]])
    assert project.read_bytes() == before


def test_nothing_imported_error_carries_each_files_outcome(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(NothingImportedError) as caught:
        import_into_new_project(tmp_path / "p.briefer", [empty])
    assert [o.status for o in caught.value.outcomes] == ["rejected"]
    assert not (tmp_path / "p.briefer").exists()
