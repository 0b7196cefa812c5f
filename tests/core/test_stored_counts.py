"""Passage counts per document and per tag are kept by the project file itself (schema 5):
the corpus and codebook read them instead of counting every passage (issue 17). They
must agree with a real count through every kind of edit, and an older project gains
them correctly when it is upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from briefer.core.project import create_project, open_project
from briefer.core.schema import APPLICATION_ID, MIGRATIONS
from briefer.core.store import Store


def _read(path: Path, *queries: str) -> list[list[tuple[int, ...]]]:
    """Each query's rows, on a plain connection of its own (no Briefer code)."""
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(query).fetchall() for query in queries]
    finally:
        conn.close()


def _delete_document_elsewhere(path: Path, doc: int) -> None:
    """Delete a document as another SQLite program would (foreign keys on: its passages go too)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    with conn:
        conn.execute("DELETE FROM documents WHERE id = ?", (doc,))
    conn.close()


def _counted(path: Path) -> tuple[dict[int, int], dict[int, int]]:
    """The counts as a plain GROUP BY over the rows finds them."""
    docs, tags = _read(
        path,
        "SELECT document, COUNT(*) FROM passages GROUP BY document",
        "SELECT tag, COUNT(*) FROM passage_tags GROUP BY tag",
    )
    return dict(docs), dict(tags)


def test_counts_follow_tagging_untagging_deleting_and_undoing(tmp_path: Path) -> None:
    path = create_project(tmp_path / "p.briefer")
    service = open_project(path)
    store = service.store
    doc = service.documents.all()[0].id
    first, second = (t.id for t in service.tags.all()[:2])

    a = service.create_passage(document=doc, start=0, end=10, tags=[first, second])
    b = service.create_passage(document=doc, start=20, end=30, tags=[first])
    service.remove_passage_tag(b, first)
    service.add_passage_tag(b, second)
    snap = service.delete_passage(a)
    assert (store.passage_counts(), store.tag_counts()) == _counted(path)
    service.restore_passage(snap)
    assert (store.passage_counts(), store.tag_counts()) == _counted(path)
    assert store.passage_counts([doc]) == {doc: 2} and store.counts()[1] == 2
    assert store.tag_counts([first, second]) == {first: 1, second: 2}

    # Deleting a tag or a document takes its links and passages with it (cascades count too).
    tag_snap = store.snapshot_tag(second)
    store.delete_tag(second)
    assert (store.passage_counts(), store.tag_counts()) == _counted(path)
    store.restore_tag(tag_snap)
    assert store.tag_counts([second]) == {second: 2}
    store.close()
    _delete_document_elsewhere(path, doc)
    with Store.open(path) as reopened:
        assert reopened.passage_counts() == {} and reopened.tag_counts() == {} and reopened.counts()[1] == 0


def test_an_older_project_gains_counts_that_match_its_passages(tmp_path: Path) -> None:
    path = tmp_path / "old.briefer"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript("".join(MIGRATIONS[:4]) + "PRAGMA user_version = 4;")
    conn.execute(
        "INSERT INTO documents(id, sha256, text, length, imported_at) VALUES (1, 'a', 'Alpha beta gamma.', 17, 'x')"
    )
    conn.execute("INSERT INTO tags(id, name, color) VALUES (1, 'T', '#123456')")
    for pid, (start, end) in enumerate([(0, 5), (6, 10), (11, 16)], start=1):
        conn.execute(
            "INSERT INTO passages(id, document, start, end, quote, created, modified) VALUES (?, 1, ?, ?, ?, 'x', 'x')",
            (pid, start, end, "Alpha beta gamma."[start:end]),
        )
    conn.execute("INSERT INTO passage_tags(passage, tag) VALUES (1, 1), (3, 1)")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.passage_counts() == {1: 3} and store.tag_counts() == {1: 2}
        assert store.counts() == (1, 3)


def _totals(path: Path) -> tuple[int, int]:
    (docs,), (passages,) = _read(path, "SELECT COUNT(*) FROM documents", "SELECT COUNT(*) FROM passages")
    return docs[0], passages[0]


def test_the_projects_totals_follow_imports_passages_deletions_and_cascades(tmp_path: Path) -> None:
    path = create_project(tmp_path / "p.briefer")
    service = open_project(path)
    store = service.store
    assert store.counts() == _totals(path) == (5, 0)
    doc = service.documents.all()[0].id
    tag = service.tags.all()[0].id
    a = service.create_passage(document=doc, start=0, end=10, tags=[tag])
    service.create_passage(document=doc, start=20, end=30, tags=[tag])
    assert store.counts() == (5, 2)
    snap = service.delete_passage(a)
    assert store.counts() == _totals(path) == (5, 1)
    service.restore_passage(snap)
    assert store.counts() == (5, 2)
    store.close()
    # A document deleted takes its passages with it, and the totals follow the cascade.
    _delete_document_elsewhere(path, doc)
    with Store.open(path) as reopened:
        assert reopened.counts() == _totals(path) == (4, 0)


def test_an_older_project_gains_totals_that_match_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.briefer"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript("".join(MIGRATIONS[:5]) + "PRAGMA user_version = 5;")
    for doc in (1, 2):
        conn.execute(
            "INSERT INTO documents(id, sha256, text, length, imported_at) VALUES (?, ?, 'Alpha beta.', 11, 'x')",
            (doc, f"h{doc}"),
        )
    conn.execute(
        "INSERT INTO passages(id, document, start, end, quote, created, modified)"
        " VALUES (1, 2, 0, 5, 'Alpha', 'x', 'x')"
    )
    conn.commit()
    conn.close()
    with Store.open(path, readonly=True) as store:  # a read-only open upgrades too
        assert store.counts() == (2, 1)


def test_passage_count_agrees_with_the_listing_for_every_filter_through_edits(tmp_path: Path) -> None:
    """The Passages list's row count comes from the kept counts; it must match what it lists."""
    path = create_project(tmp_path / "p.briefer")
    service = open_project(path)
    store = service.store
    docs = [d.id for d in service.documents.all()[:2]]
    first, second = (t.id for t in service.tags.all()[:2])

    def agree() -> None:
        for tag in (None, first, second):
            for document in (None, *docs):
                listed = store.passage_order(tag=tag, document=document)
                assert store.passage_count(tag=tag, document=document) == len(listed), (tag, document)

    a = service.create_passage(document=docs[0], start=0, end=10, tags=[first, second])
    service.create_passage(document=docs[0], start=20, end=30, tags=[first])
    c = service.create_passage(document=docs[1], start=5, end=15, tags=[second])
    agree()
    service.remove_passage_tag(c, second)
    service.delete_passage(a)
    agree()
    snap = store.snapshot_tag(first)
    store.delete_tag(first)
    assert store.passage_count(tag=first) == 0
    store.restore_tag(snap)
    agree()
    store.close()
