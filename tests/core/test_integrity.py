"""``briefer check`` and the one verification behind it, on real project files damaged on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from briefer.cli import main
from briefer.core.integrity import Verdict, check_references, judge_passage, verify_project
from briefer.core.model import Passage
from briefer.core.project import create_project, open_project
from briefer.core.store import Store

QUOTES = ["small courtyard and high wall", "這些政策適得其反"]  # in two documents


def build(tmp_path: Path) -> tuple[Path, list[int]]:
    """The bundled corpus (imported, so hashes are import's own), two passages, both placed."""
    path = create_project(tmp_path / "p.briefer")
    service = open_project(path)
    try:
        docs = {d.id: service.store.get_document(d.id).text for d in service.store.list_documents()}
        ids = []
        for quote in QUOTES:
            doc = next(i for i, text in docs.items() if quote in text)
            ids.append(service.tag_quote(document=doc, quote=quote, tags=["Controls backfire"]))
        section = service.resolve_section("Controls backfire")
        for pid in ids:
            service.place(passage=pid, section=section)
    finally:
        service.close()
    return path, ids


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", str(path)])
    out = capsys.readouterr()
    assert out.err == ""
    return code, out.out.splitlines()


def document_of(path: Path, passage: int) -> tuple[int, str, str]:
    with Store.open(path, readonly=True) as store:
        doc = store.get_document(store.get_passage(passage).document)
        return doc.id, doc.text, doc.sha256


def edit(path: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    """Change the file as another program would: plain sqlite3, foreign keys off (its default)."""
    conn = sqlite3.connect(path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def flip(path: Path, find: bytes, at: int, new: int, *, within: tuple[int, int] | None = None) -> None:
    """Overwrite one byte of the file, ``at`` bytes into the only occurrence of ``find``."""
    data = bytearray(path.read_bytes())
    lo, hi = within or (0, len(data))
    first = data.find(find, lo, hi)
    assert first >= 0 and data.find(find, first + 1, hi) == -1, "the bytes to flip must occur once"
    data[first + at] = new
    path.write_bytes(bytes(data))


def test_a_clean_project_checks_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ids = build(tmp_path)
    assert check(path, capsys) == (0, ["ok: 5 documents, 2 passages, 2 placements verified"])


def test_a_flipped_byte_in_a_documents_text_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, ids = build(tmp_path)
    doc, text, _sha = document_of(path, ids[1])
    tail = text[-60:].encode()  # far from any quote, prefix or suffix: only the document holds it
    flip(path, tail, 10, tail[10] ^ 0x01)
    code, lines = check(path, capsys)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"document {doc} '")
    assert "no longer matches the SHA-256 stored at import (1 passage quote it)" in lines[0]
    with Store.open(path, readonly=True) as store:
        report = verify_project(store)
    assert report.verdicts == {ids[1]: Verdict.TEXT_CHANGED}


def test_a_byte_that_is_no_longer_utf8_is_found_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, ids = build(tmp_path)
    doc, text, _sha = document_of(path, ids[0])
    tail = text[-60:].encode()
    flip(path, tail, 5, 0xFF)
    code, lines = check(path, capsys)
    assert code == 1 and len(lines) == 1 and lines[0].startswith(f"document {doc} ")


def test_a_changed_quote_or_offsets_are_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, ids = build(tmp_path)
    edit(path, "UPDATE passages SET quote = 'small courtyard and tall wall' WHERE id = ?", (ids[0],))
    edit(path, "UPDATE passages SET start = start + 1, end = end + 1 WHERE id = ?", (ids[1],))
    code, lines = check(path, capsys)
    assert code == 1
    assert len(lines) == 2
    assert any(
        line.startswith(f"passage {ids[0]}: its quote 'small courtyard and tall wall' no longer") for line in lines
    )
    assert any(
        line.startswith(f"passage {ids[1]}: its quote '這些政策適得其反' no longer matches document") for line in lines
    )


def test_dangling_references_are_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, ids = build(tmp_path)
    with Store.open(path, readonly=True) as store:
        first, second = store.list_placements()
    edit(path, "UPDATE placements SET passage = 999 WHERE id = ?", (first.id,))
    edit(path, "UPDATE placements SET section = 888 WHERE id = ?", (second.id,))
    edit(path, "UPDATE sections SET parent = 777 WHERE id = (SELECT MAX(id) FROM sections)")
    code, lines = check(path, capsys)
    assert code == 1
    assert sorted(lines) == sorted(
        [
            f"placement {first.id} points at passage 999, which does not exist",
            f"placement {second.id} points at section 888, which does not exist",
            f"section {_last_section(path)} is inside section 777, which does not exist",
        ]
    )
    # The window's check finds the same, without reading any text.
    with Store.open(path, readonly=True) as store:
        assert sorted(p.message for p in check_references(store)) == sorted(lines)


def _last_section(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT MAX(id) FROM sections").fetchone()[0])
    finally:
        conn.close()


def test_a_passage_of_a_missing_document_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, ids = build(tmp_path)
    edit(path, "UPDATE passages SET document = 555 WHERE id = ?", (ids[0],))
    code, lines = check(path, capsys)
    assert code == 1 and lines == [f"passage {ids[0]} quotes document 555, which does not exist"]


def test_a_damaged_index_entry_fails_sqlites_own_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, ids = build(tmp_path)
    _doc, _text, sha = document_of(path, ids[0])
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'documents_listing'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    start = (root - 1) * page_size  # the bundled project's listing index is one page
    flip(path, sha.encode(), 10, ord("0") if sha[10] != "0" else ord("1"), within=(start, start + page_size))
    code, lines = check(path, capsys)
    assert code == 1
    assert any(line.startswith("SQLite integrity check: ") and "documents_listing" in line for line in lines), lines


def test_a_garbled_page_is_reported_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ids = build(tmp_path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'documents_listing'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    for i in range(start + page_size // 2, start + page_size):  # the cells at the page's end
        data[i] = (data[i] * 7 + 13) & 0xFF
    path.write_bytes(bytes(data))
    code, lines = check(path, capsys)
    assert code == 1
    assert lines and lines[0].startswith("SQLite integrity check"), lines


def test_the_cheap_check_reads_indexes_and_the_outline_only(tmp_path: Path) -> None:
    path, _ids = build(tmp_path)
    with Store.open(path, readonly=True) as store:
        plans = store.reference_plans()
    scans = [line for lines in plans.values() for line in lines if line.startswith("SCAN")]
    # Passages and documents are read from covering indexes: never a quote or a text.
    for line in scans:
        assert "COVERING INDEX" in line or line.split()[1] in ("placements", "sections"), line


def test_only_damage_is_reported_and_the_verdicts_say_why() -> None:
    passage = Passage(1, 1, 0, 5, "quote")
    assert judge_passage(passage, text_intact=True, quote_matches=True) is Verdict.VERIFIED
    assert judge_passage(passage, text_intact=False, quote_matches=True) is Verdict.TEXT_CHANGED
    assert judge_passage(passage, text_intact=True, quote_matches=False) is Verdict.QUOTE_MISMATCH
    assert Verdict.TEXT_CHANGED.is_damage and Verdict.QUOTE_MISMATCH.is_damage
    assert not Verdict.NEEDS_REVIEW.is_damage and not Verdict.NEEDS_REVIEW.verified
