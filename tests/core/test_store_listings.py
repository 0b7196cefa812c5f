"""The store's listings for large projects: document order, filters, excerpts, search, migration."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from briefer.core.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from briefer.core.store import Store

TEXT = "Alpha 😀 beta 𠀋 gamma: export controls, 50% of chips_made here. Export again. EXPORT."


def _project(path: Path) -> tuple[Store, int, int, list[int]]:
    store = Store.create(path)
    first = store.add_tag(name="Controls work", color="#2a7ab9")
    second = store.add_tag(name="Controls backfire", color="#e8743b")
    doc = store.add_document(text=TEXT, sha256=hashlib.sha256(TEXT.encode()).hexdigest(), title="T")
    other = store.add_document(text="Other text, strasse and more.", sha256="x", title="O")
    ids = [
        store.add_passage(document=doc, start=20, end=30, quote=TEXT[20:30], tags=[first]),
        store.add_passage(document=doc, start=2, end=9, quote=TEXT[2:9], tags=[first, second]),
        store.add_passage(document=other, start=0, end=5, quote="Other", tags=[second]),
        store.add_passage(document=doc, start=2, end=5, quote=TEXT[2:5]),
    ]
    return store, doc, other, ids


def test_passage_order_is_document_order_and_filters(tmp_path: Path) -> None:
    store, doc, other, ids = _project(tmp_path / "p.briefer")
    with store:
        assert store.passage_order() == [ids[3], ids[1], ids[0], ids[2]]
        tag = store.tag_named("Controls backfire").id
        assert store.passage_order(tag=tag) == [ids[1], ids[2]]
        assert store.passage_order(document=other) == [ids[2]]
        assert store.passage_keys([ids[1], 999]) == {ids[1]: (doc, 2, 9, ids[1])}
        assert store.passages_by_id([ids[2], 999])[ids[2]].quote == "Other"
        assert 999 not in store.passages_by_id([999])


def test_passage_positions_and_tags_without_quotes(tmp_path: Path) -> None:
    store, doc, _other, ids = _project(tmp_path / "p.briefer")
    with store:
        positions = {row[0]: row[1:] for row in store.passage_positions(doc)}
        assert positions == {ids[0]: (20, 30), ids[1]: (2, 9), ids[3]: (2, 5)}
        assert [row[0] for row in store.passage_positions(doc, [ids[0], ids[2]])] == [ids[0]]
        first, second = store.tag_named("Controls work").id, store.tag_named("Controls backfire").id
        assert store.passage_tags_of([ids[1], ids[3], ids[2]]) == {
            ids[1]: (first, second),
            ids[3]: (),
            ids[2]: (second,),
        }


def test_text_filter_ignores_case_beyond_ascii(tmp_path: Path) -> None:
    store, _doc, _other, ids = _project(tmp_path / "p.briefer")
    with store:
        store.update_passage(ids[2], note="Die STRASSE ist lang")
        assert store.passage_ids_containing("straße") == {ids[2]}  # casefold: ß is ss


def test_excerpt_counts_code_points_past_astral_characters(tmp_path: Path) -> None:
    store, doc, _other, _ids = _project(tmp_path / "p.briefer")
    with store:
        start = TEXT.index("gamma")
        assert store.document_excerpt(doc, start, start + 5) == (len(TEXT), "gamma")
        assert store.document_excerpt(doc, 0, 10**6) == (len(TEXT), TEXT)


def test_search_takes_wildcards_literally_and_stops_at_the_limit(tmp_path: Path) -> None:
    store, doc, _other, _ids = _project(tmp_path / "p.briefer")
    with store:
        assert [(h.start, h.match) for h in store.search("50%")] == [(TEXT.index("50%"), "50%")]
        assert [h.match for h in store.search("chips_made")] == ["chips_made"]
        assert store.search("50_") == []  # "_" is not "any character" (it would match "50%")
        hits = store.search("export")
        assert [h.match for h in hits] == ["export", "Export", "EXPORT"]
        assert all(TEXT[h.start : h.end] == h.match for h in hits)  # offsets after astral characters
        assert len(store.search("export", limit=2)) == 2
        assert [h.match for h in store.search("𠀋")] == ["𠀋"]


def test_schema_1_project_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.briefer"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript(f"BEGIN; {MIGRATIONS[0]} PRAGMA user_version = 1; COMMIT;")
    conn.execute("INSERT INTO documents(title, sha256, text, length, imported_at) VALUES ('Old', 'h', 'abc', 3, '')")
    conn.execute("INSERT INTO passages(document, start, end, quote, created, modified) VALUES (1, 0, 2, 'ab', '', '')")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [d.title for d in store.list_documents()] == ["Old"]
        assert store.passage_order(document=1) == [1]


def test_search_offsets_stay_exact_after_characters_whose_lower_case_is_longer(tmp_path: Path) -> None:
    # 'İ'.lower() is two code points; offsets taken in a lowered copy would point
    # one character early for every 'İ' before the hit.
    text = "İstanbul İzmir: export controls, Export again. Über die Kontrollen; über alles."
    with Store.create(tmp_path / "p.briefer") as store:
        doc = store.add_document(text=text, sha256="t", title="T")
        hits = store.search("export")
        assert [(h.document, h.match) for h in hits] == [(doc, "export"), (doc, "Export")]
        assert all(text[h.start : h.end] == h.match for h in hits)
        assert hits[0].context_before.endswith("İzmir: ")
        # Case beyond ASCII: LIKE (ASCII-only) must not be what decides the documents.
        assert [text[h.start : h.end] for h in store.search("über")] == ["Über", "über"]
        assert [h.match for h in store.search("İZMİR")] == ["İzmir"]
        # A query beyond ASCII matches alike in a document without any "İ".
        plain = store.add_document(text="über alles, Über", sha256="u", title="U")
        assert [(h.document, h.match) for h in store.search("ÜBER")] == [
            (doc, "Über"),
            (doc, "über"),
            (plain, "über"),
            (plain, "Über"),
        ]


def test_document_listing_is_the_corpus_columns_of_every_document_from_the_index(tmp_path: Path) -> None:
    store, doc, other, _ids = _project(tmp_path / "p.briefer")
    with store:
        untitled = store.add_document(text="No title here.", sha256="u", source_file="/in/notes.txt", date="2024-05")
        infos = store.list_documents()
        assert store.document_listing() == [
            (d.id, d.title, d.source_file, d.publisher, d.language, d.date) for d in infos
        ]
        assert [row[0] for row in store.document_listing()] == [doc, other, untitled]  # import order
    with sqlite3.connect(tmp_path / "p.briefer") as conn:
        plan = " ".join(
            str(r)
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id, title, source_file, publisher, language, date FROM documents ORDER BY id"
            )
        )
    assert "COVERING INDEX documents_listing" in plan  # no row's text is read to list it


def test_document_ids_and_a_block_of_the_listing_come_from_indexes(tmp_path: Path) -> None:
    """What the Corpus list reads when a project opens (the ids) and as rows are shown (a block)."""
    store, doc, other, _ids = _project(tmp_path / "p.briefer")
    with store:
        third = store.add_document(text="Third.", sha256="t", title="Third")
        assert store.document_ids() == [doc, other, third]
        assert [row[0] for row in store.document_listing([third, doc])] == [doc, third]
        assert store.document_listing([other]) == [(other, "O", "", "", "und", "")]
        plans = {
            name: " ".join(str(r[3]) for r in store._q(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
            for name, sql, params in (
                ("ids", "SELECT id FROM documents INDEXED BY documents_ids ORDER BY id", ()),
                (
                    "block",
                    "SELECT id, title FROM documents INDEXED BY documents_listing WHERE id IN (?, ?) ORDER BY id",
                    (doc, third),
                ),
            )
        }
    assert "COVERING INDEX documents_ids" in plans["ids"]
    assert "COVERING INDEX documents_listing" in plans["block"]
