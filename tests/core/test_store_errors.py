"""SQLite's errors reach the caller as Briefer's own, naming the project file and the reason."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.core.commands import AddTag
from briefer.core.errors import (
    BrieferError,
    ConstraintError,
    NotAProjectError,
    ProjectDamagedError,
    ProjectFileError,
    ProjectIOError,
    ProjectLockedError,
)
from briefer.core.service import ProjectService
from briefer.core.store import Store


@pytest.fixture
def project(tmp_path: Path) -> Iterator[ProjectService]:
    path = tmp_path / "brief.briefer"
    Store.create(path).close()
    service = ProjectService(Store.open(path))
    yield service
    service.close()


def _names_the_file(exc: pytest.ExceptionInfo[BaseException], path: Path) -> None:
    message = str(exc.value)
    assert str(path) in message
    assert "\n" not in message
    assert not isinstance(exc.value, sqlite3.Error)


def test_a_locked_database_is_a_project_locked_error(project: ProjectService) -> None:
    # Another program (here a plain SQLite connection) holds the write lock.
    other = sqlite3.connect(project.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    # Not the store's five seconds: SQLite gives up at once and the error is the same.
    project.store._conn.execute("PRAGMA busy_timeout = 0")
    try:
        with pytest.raises(ProjectLockedError, match=r"is locked by another program \(database is locked\)") as exc:
            project.set_meta(title="changed")
        _names_the_file(exc, project.path)
        assert exc.value.reason == "database is locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    project.set_meta(title="changed")  # the failed attempt left no transaction open behind it
    assert project.meta().title == "changed"


def test_a_file_that_is_not_a_database_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "fake.briefer"
    path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)  # the right header, then garbage
    with pytest.raises(NotAProjectError, match="file is not a database") as exc:
        Store.open(path)
    _names_the_file(exc, path)


def test_a_file_damaged_while_open_is_a_project_damaged_error(project: ProjectService) -> None:
    size = project.path.stat().st_size
    with open(project.path, "r+b") as fh:  # everything after SQLite's header overwritten
        fh.seek(16)
        fh.write(b"\xff" * (size - 16))
    with pytest.raises(ProjectDamagedError) as exc:
        project.meta()
    _names_the_file(exc, project.path)


def test_an_integrity_violation_is_a_constraint_error(project: ProjectService) -> None:
    project.store.add_tag(name="Backfire", color="#c0392b")
    with pytest.raises(ConstraintError, match=re.escape("UNIQUE constraint failed: tags.name")) as exc:
        project.store.add_tag(name="Backfire", color="#000000")
    _names_the_file(exc, project.path)
    with pytest.raises(ConstraintError, match="FOREIGN KEY constraint failed") as fk:
        project.store.add_passage(document=999, start=0, end=4, quote="none")
    _names_the_file(fk, project.path)


def test_a_duplicate_tag_name_from_a_command_says_so(project: ProjectService) -> None:
    AddTag("Backfire", "#c0392b").do(project)
    with pytest.raises(BrieferError, match="a tag with that name already exists"):
        AddTag("Backfire", "#000000").do(project)


def test_writing_a_project_opened_read_only_is_a_project_io_error(tmp_path: Path) -> None:
    path = tmp_path / "brief.briefer"
    Store.create(path).close()
    with Store.open(path, readonly=True) as store:
        with pytest.raises(ProjectIOError, match="readonly database") as exc:
            store.set_meta(title="changed")
        _names_the_file(exc, path)


def test_every_project_file_error_is_a_briefer_error() -> None:
    for kind in (ProjectLockedError, ProjectDamagedError, ProjectIOError, ConstraintError):
        assert issubclass(kind, ProjectFileError)
    assert issubclass(ProjectFileError, BrieferError)
