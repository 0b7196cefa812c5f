"""New versions of a document through the service and commands, on real project files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from briefer.core.anchor_commands import AcceptCandidate, ReselectPassage, UpdateDocumentText, update_from_file
from briefer.core.commands import DeletePassage
from briefer.core.errors import BrieferError
from briefer.core.project import open_project
from briefer.core.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from briefer.core.service import ProjectService
from briefer.core.store import Store
from briefer.core.versions import accept_candidate

V1 = (
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.2 billion in 2023, officials said.\n"
    "Chinese firms stockpiled chips before the rules took effect.\n"
    "Analysts disagree about whether the controls work.\n"
)
V2 = (
    "Analysts disagree about whether the controls work.\n"
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.4 billion in 2023, officials said.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> ProjectService:
    from briefer.core.importing import import_paths
    from briefer.core.project import create_project

    path = create_project(tmp_path / "p.briefer", empty=True)
    source = tmp_path / "report.txt"
    source.write_text(V1, encoding="utf-8")
    service = open_project(path)
    (outcome,) = import_paths(service, [source])
    assert outcome.document_id == 1
    return service


def tag(service: ProjectService, quote: str) -> int:
    return service.tag_quote(document=1, quote=quote, tags=["Controls work"])


def new_version(tmp_path: Path, text: str = V2) -> Path:
    path = tmp_path / "v2" / "report.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_update_keeps_the_old_text_and_re_anchors_every_passage(project: ProjectService, tmp_path: Path) -> None:
    exact = tag(project, "Export controls were tightened")
    moved = tag(project, "Analysts disagree about whether the controls work.")
    fuzzy = tag(project, "The budget was $3.2 billion in 2023")
    orphaned = tag(project, "Chinese firms stockpiled chips")
    report = update_from_file(project, 1, new_version(tmp_path))
    assert report.summary() == "re-anchored 4 passages: 1 exact, 1 moved, 1 fuzzy, 1 orphaned"
    assert project.documents.get(1).text == V2.strip("\n")
    assert project.documents.info(1).version == 2
    assert project.store.version_text(1, 1) == V1.strip("\n")
    text = project.documents.get(1).text
    got = project.passages.by_id([exact, moved, fuzzy, orphaned])
    assert [got[p].anchor for p in (exact, moved, fuzzy, orphaned)] == ["exact", "moved", "fuzzy", "orphaned"]
    for pid in (exact, moved):
        assert text[got[pid].start : got[pid].end] == got[pid].quote
    assert got[fuzzy].quote == "The budget was $3.2 billion in 2023"  # kept until accepted
    candidate = got[fuzzy].candidate
    assert candidate is not None and candidate.quote == "The budget was $3.4 billion in 2023"
    assert got[orphaned].quote == "Chinese firms stockpiled chips"
    # The reader paints (and tagging again finds) only passages at their offsets.
    painted = {pid for pid, _, _ in project.passages.overlapping(1, 0, len(text))}
    assert painted == {exact, moved}
    assert [line.split(":")[0] for line in report.review_lines()] == [f"fuzzy {fuzzy}", f"orphaned {orphaned}"]


def test_accept_makes_a_fuzzy_passage_exact_at_its_candidate_and_undo_restores_it(
    project: ProjectService, tmp_path: Path
) -> None:
    fuzzy = tag(project, "The budget was $3.2 billion in 2023")
    update_from_file(project, 1, new_version(tmp_path))
    before = project.passages.get(fuzzy)
    command = AcceptCandidate(fuzzy)
    command.do(project)
    after = project.passages.get(fuzzy)
    text = project.documents.get(1).text
    assert (after.anchor, after.quote, after.candidate) == ("exact", "The budget was $3.4 billion in 2023", None)
    assert text[after.start : after.end] == after.quote
    command.undo(project)
    assert project.passages.get(fuzzy) == before
    command.do(project)  # redo
    assert project.passages.get(fuzzy).anchor == "exact"


def test_accept_refuses_a_passage_that_is_not_fuzzy(project: ProjectService) -> None:
    pid = tag(project, "Export controls")
    with pytest.raises(BrieferError, match=f"passage {pid} is exact, not fuzzy"):
        accept_candidate(project, pid)


def test_reselect_anchors_an_orphaned_passage_at_the_chosen_text(project: ProjectService, tmp_path: Path) -> None:
    orphaned = tag(project, "Chinese firms stockpiled chips")
    update_from_file(project, 1, new_version(tmp_path))
    text = project.documents.get(1).text
    start = text.index("Export controls")
    command = ReselectPassage(orphaned, start, start + len("Export controls"))
    command.do(project)
    assert project.passages.get(orphaned).quote == "Export controls"
    assert project.passages.get(orphaned).anchor == "exact"
    command.undo(project)
    assert project.passages.get(orphaned).anchor == "orphaned"
    assert project.passages.get(orphaned).quote == "Chinese firms stockpiled chips"


def test_deleting_a_fuzzy_passage_undoes_with_its_candidate(project: ProjectService, tmp_path: Path) -> None:
    fuzzy = tag(project, "The budget was $3.2 billion in 2023")
    update_from_file(project, 1, new_version(tmp_path))
    before = project.passages.get(fuzzy)
    command = DeletePassage(fuzzy)
    command.do(project)
    assert project.passages.by_id([fuzzy]) == {}
    command.undo(project)
    assert project.passages.get(fuzzy) == before


def test_undoing_an_update_brings_back_the_old_text_and_every_passage(project: ProjectService, tmp_path: Path) -> None:
    ids = [tag(project, q) for q in ("Export controls", "The budget was $3.2 billion", "Chinese firms")]
    before = project.passages.by_id(ids)
    from briefer.core.anchor_commands import read_new_version

    command = UpdateDocumentText(1, read_new_version(new_version(tmp_path)))
    command.do(project)
    assert project.documents.info(1).version == 2
    command.undo(project)
    assert project.documents.get(1).text == V1.strip("\n")
    assert project.documents.info(1).version == 1
    assert project.store.document_versions(1) == []
    assert project.passages.by_id(ids) == before
    command.do(project)
    assert project.documents.info(1).version == 2


def test_a_new_text_already_in_the_project_as_another_document_is_refused(
    project: ProjectService, tmp_path: Path
) -> None:
    from briefer.core.importing import import_paths

    other = tmp_path / "other.txt"
    other.write_text(V2, encoding="utf-8")
    import_paths(project, [other])
    with pytest.raises(BrieferError, match="same text as document 2"):
        update_from_file(project, 1, new_version(tmp_path))
    assert project.documents.info(1).version == 1


def test_an_unreadable_new_version_is_a_clear_error_and_changes_nothing(
    project: ProjectService, tmp_path: Path
) -> None:
    with pytest.raises(BrieferError, match=r"cannot read .*missing\.txt: no such file"):
        update_from_file(project, 1, tmp_path / "missing.txt")
    assert project.documents.info(1).version == 1


def test_a_schema_3_project_upgrades_with_passages_exact_and_documents_at_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.briefer"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript(MIGRATIONS[0] + MIGRATIONS[1] + MIGRATIONS[2] + "PRAGMA user_version = 3;")
    conn.execute(
        "INSERT INTO documents(title, sha256, text, length, imported_at) VALUES ('Old', 'h', 'Some old text.', 14, '')"
    )
    conn.execute("INSERT INTO passages(document, start, end, quote, created, modified) VALUES (1, 5, 8, 'old', '', '')")
    conn.commit()
    conn.close()
    with Store.open(path, readonly=True) as store:  # a read-only command upgrades it first
        assert store.schema_version == SCHEMA_VERSION
        assert store.document_info(1).version == 1
        (passage,) = store.list_passages()
        assert (passage.anchor, passage.candidate, passage.quote) == ("exact", None, "old")
        assert store.passages_overlapping(1, 0, 14) == [(1, 5, 8)]


def test_files_of_one_import_are_matched_against_each_other_as_stored(tmp_path: Path) -> None:
    """The import knows each document it has just stored without reading it back: a later file
    of the same import that is another version of it is found, and what the import remembers
    of each document is exactly its stored row."""
    from briefer.core.importing import import_paths
    from briefer.core.importing.importer import _stored_info, prepare_file
    from briefer.core.project import create_project, open_project

    service = open_project(create_project(tmp_path / "p.briefer", empty=True))
    folder = tmp_path / "in"
    (folder / "later").mkdir(parents=True)
    (folder / "a.md").write_text("---\nurl: https://example.org/r\ntitle: Report\n---\nFirst text.\n", "utf-8")
    (folder / "later" / "b.md").write_text("---\nurl: https://example.org/r/\n---\nSecond text.\n", "utf-8")
    (folder / "c.html").write_text("<html><head><title>Page</title></head><body><p>Body text here.</p></body></html>")
    outcomes = import_paths(service, [folder])
    by_name = {o.path.name: o for o in outcomes}
    assert by_name["a.md"].status == "imported"
    assert by_name["b.md"].status == "skipped" and "a different version of" in by_name["b.md"].reason
    for name in ("a.md", "c.html"):
        outcome = by_name[name]
        path = outcome.path
        assert outcome.document_id is not None
        stored = service.documents.info(outcome.document_id)
        assert _stored_info(outcome.document_id, stored.source_file, prepare_file(path)) == stored
