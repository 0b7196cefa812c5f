"""The project file: transactions, migrations, wrong files, newer schemas, locking."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.core.errors import ConstraintError, NewerSchemaError, NotAProjectError, ProjectInUseError
from briefer.core.schema import SCHEMA_VERSION
from briefer.core.store import Store


def test_new_file_is_a_briefer_project_at_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "p.briefer"
    with Store.create(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.list_documents() == []
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "p.briefer"
    path.write_text("precious")
    with pytest.raises(FileExistsError):
        Store.create(path)
    assert path.read_text() == "precious"


def test_text_file_is_not_a_project_and_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.briefer"
    path.write_bytes(b"just some notes\n")
    with pytest.raises(NotAProjectError, match="not a Briefer project"):
        Store.open(path)
    assert path.read_bytes() == b"just some notes\n"


def test_other_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotAProjectError, match="not a Briefer project"):
        Store.open(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.briefer"
    Store.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer version of Briefer"):
        Store.open(path)
    assert path.read_bytes() == before


def test_older_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "p.briefer"
    conn = sqlite3.connect(path)
    from briefer.core.schema import APPLICATION_ID

    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # version 0: no tables yet
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        store.set_meta(title="migrated")
        assert store.get_meta().title == "migrated"


def _schema_2_project(path: Path) -> Path:
    """A project as Briefer wrote it before migration 3, holding one document."""
    from briefer.core.schema import APPLICATION_ID, MIGRATIONS

    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "PRAGMA user_version = 2;")
    conn.execute(
        "INSERT INTO documents(title, publisher, sha256, text, length, imported_at)"
        " VALUES ('Old', 'Press', 'abc', 'Some text.', 10, '2026-11-01')"
    )
    conn.commit()
    conn.close()
    return path


def test_documents_of_schema_2_keep_their_text_and_gain_citation_fields(tmp_path: Path) -> None:
    """A project from before migration 3 opens with every document intact, unpaged, the new fields empty."""
    path = _schema_2_project(tmp_path / "p.briefer")
    with Store.open(path) as store:
        (info,) = store.list_documents()
        doc = store.get_document(info.id)
        assert (doc.title, doc.publisher, doc.text) == ("Old", "Press", "Some text.")
        assert (doc.type, doc.doi, doc.container, doc.pages) == ("", "", "", ())
        store.update_document(info.id, type="report", container="Think Tank Review")
        assert store.document_info(info.id).type == "report"
        assert store.document_pages() == {}


def test_failed_action_leaves_nothing_half_done(tmp_path: Path) -> None:
    with Store.create(tmp_path / "p.briefer") as store:
        doc = store.add_document(text="alpha beta", sha256="x")
        with pytest.raises(ConstraintError, match="p.briefer"):
            with store.transaction():
                store.add_passage(document=doc, start=0, end=5, quote="alpha")
                store.add_document(text="dup", sha256="x")  # violates UNIQUE
        assert store.list_passages() == []


def test_positions_stay_dense_through_moves(tmp_path: Path) -> None:
    with Store.create(tmp_path / "p.briefer") as store:
        a, b, c = (store.add_section(title=t) for t in "abc")
        store.move_section(c, None, 0)
        assert [s.title for s in store.list_sections()] == ["c", "a", "b"]
        store.move_section(a, b, 0)
        assert [(s.title, s.parent, s.position) for s in store.list_sections()] == [
            ("c", None, 0),
            ("b", None, 1),
            ("a", b, 0),
        ]
        with pytest.raises(ValueError):
            store.move_section(b, a, 0)


_HOLD_OPEN = """
import sys, time
from briefer.core.store import Store
s = Store.open(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
"""


def test_second_writer_is_told_the_project_is_in_use(tmp_path: Path) -> None:
    path = tmp_path / "p.briefer"
    with Store.create(path) as store:
        store.set_meta(title="kept")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(ProjectInUseError, match="in use"):
            Store.open(path)
        with Store.open(path, readonly=True) as reader:  # reading still works
            assert reader.get_meta().title == "kept"
    finally:
        holder.communicate("\n", timeout=30)
    with Store.open(path) as store:  # released when the other process ends
        assert store.get_meta().title == "kept"


def test_passage_listing_follows_commits_and_rollbacks(tmp_path: Path) -> None:
    with Store.create(tmp_path / "p.briefer") as store:
        doc = store.add_document(text="alpha beta gamma", sha256="s")
        first = store.add_passage(document=doc, start=0, end=5, quote="alpha")
        assert [p.id for p in store.list_passages()] == [first]
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.add_passage(document=doc, start=6, end=10, quote="beta")
                assert len(store.list_passages()) == 2  # visible inside the transaction
                raise RuntimeError("user cancelled")
        assert [p.id for p in store.list_passages()] == [first]  # the rolled-back one is gone
        store.update_passage(first, note="now with a note")
        assert store.list_passages()[0].note == "now with a note"
        store.delete_passage(first)
        assert store.list_passages() == []


def test_a_document_without_a_type_is_cited_by_what_it_has(tmp_path: Path) -> None:
    with Store.create(tmp_path / "p.briefer") as store:
        kinds = {}
        for name, fields in {
            "said": {"type": "book", "publisher": "Press"},
            "newspaper": {"container": "The Daily Record", "publisher": "Record Group"},
            "pdf": {"source_file": "annual-report.PDF"},
            "published": {"publisher": "Think Tank"},
            "bare": {},
        }.items():
            doc = store.add_document(text=name, sha256=name, **fields)
            kinds[name] = store.document_info(doc)
        assert {name: info.item_type for name, info in kinds.items()} == {
            "said": "book",
            "newspaper": "article-newspaper",
            "pdf": "report",
            "published": "report",
            "bare": "webpage",
        }
        assert kinds["bare"].type == ""  # the guess is not stored: a record can still fill it in


def test_an_older_project_can_be_read_at_once(tmp_path: Path) -> None:
    """`briefer export` opens read-only: a schema-2 project is updated once, then read."""
    path = _schema_2_project(tmp_path / "old.briefer")
    with Store.open(path, readonly=True) as store:
        (info,) = store.list_documents()
        assert store.get_document(info.id).text == "Some text."
        assert store.schema_version == SCHEMA_VERSION
    result = subprocess.run(
        [sys.executable, "-m", "briefer", "export", str(path), "-o", str(tmp_path / "b.md")],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
