"""The outline model: drops through mimeData/dropMimeData become commands, rows follow the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt

from briefer.core.outline_commands import PlacePassages
from briefer.ui.mime import decode_passages, decode_sections, decode_tags, encode_passages, encode_sections, encode_tags
from briefer.ui.outline_model import (
    COUNT_ROLE,
    ID_ROLE,
    KIND_ROLE,
    PASSAGE_ROLE,
    QUOTE_ROLE,
    SOURCE_ROLE,
    TAGS_ROLE,
    OutlineModel,
)
from briefer.ui.undo import push

from outline_support import BACKFIRE, Project

COPY, MOVE = Qt.DropAction.CopyAction, Qt.DropAction.MoveAction


@pytest.fixture
def model(project: Project, qtmodeltester, qtlog) -> Iterator[OutlineModel]:
    m = OutlineModel(project.service, project.stack)
    # Qt's QAbstractItemModelTester stays attached for every later change and
    # reports violations as warnings; any of them fails the test.
    qtmodeltester.check(m, force_py=False)
    yield m
    failures = [r.message for r in qtlog.records if "FAIL" in r.message or "ItemModelTester" in r.message]
    assert not failures, failures
    m.close()


def test_python_model_tester_through_edits(project: Project, qtmodeltester) -> None:
    m = OutlineModel(project.service, project.stack)
    qtmodeltester.check(m, force_py=True)  # stays connected and rechecks on every signal
    place(project, project.backfire_section, project.backfire)
    assert m.dropMimeData(
        m.mimeData([m.section_index(project.work_section)]), MOVE, -1, 0, m.section_index(project.backfire_section)
    )
    assert m.dropMimeData(
        m.mimeData([m.index(0, 0, m.section_index(project.backfire_section))]),
        MOVE,
        -1,
        0,
        m.section_index(project.work_section),
    )
    for _ in range(3):
        project.stack.undo()
    for _ in range(3):
        project.stack.redo()
    m.close()


def passages_in(model: OutlineModel, section: int) -> list[int]:
    index = model.section_index(section)
    return [model.index(r, 0, index).data(PASSAGE_ROLE) for r in range(model.placement_count(index))]


def test_sections_show_their_titles(model: OutlineModel, project: Project) -> None:
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Controls backfire", "Controls work"]
    assert model.index(0, 0).data(KIND_ROLE) == "section"


def test_mime_round_trip_and_plain_text_fallback(qapp) -> None:
    mime = encode_passages([3, 1], ["first quote", "second"])
    assert decode_passages(mime) == [3, 1]
    assert "first quote" in mime.text() and "second" in mime.text()
    assert decode_tags(encode_tags([7], ["A tag"])) == [7]
    assert decode_sections(encode_sections([2])) == [2]
    assert decode_passages(encode_tags([7])) == []


def test_drop_passages_into_section_is_one_undo_step(model: OutlineModel, project: Project) -> None:
    section = model.section_index(project.backfire_section)
    mime = encode_passages(project.backfire[:2], ["q1", "q2"])
    assert model.canDropMimeData(mime, COPY, -1, 0, section)
    assert model.dropMimeData(mime, COPY, -1, 0, section)
    assert project.placed(project.backfire_section) == project.backfire[:2]
    assert passages_in(model, project.backfire_section) == project.backfire[:2]
    assert project.stack.count() == 1
    project.stack.undo()
    assert project.placed(project.backfire_section) == []
    assert model.rowCount(model.section_index(project.backfire_section)) == 0
    project.stack.redo()
    assert project.placed(project.backfire_section) == project.backfire[:2]
    # Dropping at a row inserts there.
    assert model.dropMimeData(
        encode_passages([project.backfire[2]]), COPY, 1, 0, model.section_index(project.backfire_section)
    )
    assert project.placed(project.backfire_section) == [project.backfire[0], project.backfire[2], project.backfire[1]]


def test_passages_cannot_be_dropped_outside_a_section(model: OutlineModel, project: Project) -> None:
    assert not model.canDropMimeData(encode_passages([project.backfire[0]]), COPY, 0, 0, QModelIndex())
    assert not model.dropMimeData(encode_passages([project.backfire[0]]), COPY, 0, 0, QModelIndex())
    assert project.stack.count() == 0


def test_tag_becomes_filled_section(model: OutlineModel, project: Project) -> None:
    # No section is named after the tag (one of that name would be filled instead: test_outline_integrity).
    project.store.update_section(project.backfire_section, title="Why controls fail")
    mime = encode_tags([project.backfire_tag], ["Controls backfire"])
    assert model.dropMimeData(mime, COPY, 2, 0, QModelIndex())
    assert model.rowCount() == 3
    new = model.index(2, 0)
    assert new.data() == "Controls backfire"
    section_id = new.data(ID_ROLE)
    with project.reopen() as store:
        section = store.get_section(section_id)
        assert section.stance == project.backfire_tag
        placed = [p.passage for p in store.list_placements(section_id)]
        docs = [store.get_passage(p).document for p in placed]
    assert sorted(placed) == sorted(project.backfire)
    assert docs == sorted(docs)  # document order
    assert project.stack.count() == 1
    project.stack.undo()
    assert model.rowCount() == 2
    with project.reopen() as store:
        assert len(store.list_sections()) == 2 and store.list_placements() == []
    project.stack.redo()
    assert model.rowCount() == 3 and model.rowCount(model.index(2, 0)) == 3


def place(project: Project, section: int, passages: list[int]) -> None:
    push(project.stack, project.service, PlacePassages(section, passages))


def test_reorder_within_section_by_dragging(model: OutlineModel, project: Project) -> None:
    place(project, project.backfire_section, project.backfire)
    section = model.section_index(project.backfire_section)
    first = model.index(0, 0, section)
    persistent = model.index(0, 0, section)
    mime = model.mimeData([first])
    assert decode_passages(mime) == [project.backfire[0]]
    assert "accelerating" in mime.text()  # another application gets the quote
    assert model.dropMimeData(mime, MOVE, 3, 0, section)  # to the end
    order = [project.backfire[1], project.backfire[2], project.backfire[0]]
    assert project.placed(project.backfire_section) == order
    assert passages_in(model, project.backfire_section) == order
    project.stack.undo()
    assert project.placed(project.backfire_section) == project.backfire
    assert passages_in(model, project.backfire_section) == project.backfire
    project.stack.redo()
    assert project.placed(project.backfire_section) == order
    del persistent


def test_move_between_sections(model: OutlineModel, project: Project) -> None:
    place(project, project.backfire_section, project.backfire)
    place(project, project.work_section, project.work)
    source = model.section_index(project.backfire_section)
    mime = model.mimeData([model.index(1, 0, source), model.index(2, 0, source)])
    target = model.section_index(project.work_section)
    assert model.dropMimeData(mime, MOVE, 1, 0, target)
    assert project.placed(project.backfire_section) == project.backfire[:1]
    assert project.placed(project.work_section) == [project.work[0], *project.backfire[1:], project.work[1]]
    project.stack.undo()
    assert project.placed(project.backfire_section) == project.backfire
    assert project.placed(project.work_section) == project.work
    project.stack.redo()
    assert passages_in(model, project.work_section) == [project.work[0], *project.backfire[1:], project.work[1]]


def test_same_passage_in_two_sections(model: OutlineModel, project: Project) -> None:
    place(project, project.backfire_section, project.backfire[:1])
    source = model.section_index(project.backfire_section)
    mime = model.mimeData([model.index(0, 0, source)])
    # A copy drag (Ctrl) places the passage again instead of moving it.
    assert model.dropMimeData(mime, COPY, -1, 0, model.section_index(project.work_section))
    assert project.placed(project.backfire_section) == project.backfire[:1]
    assert project.placed(project.work_section) == project.backfire[:1]
    for section in (project.backfire_section, project.work_section):
        row = model.index(0, 0, model.section_index(section))
        assert row.data(COUNT_ROLE) == 2
        assert "placed 2 times" in row.data(Qt.ItemDataRole.AccessibleTextRole)
    project.stack.undo()
    assert model.index(0, 0, model.section_index(project.backfire_section)).data(COUNT_ROLE) == 1


def test_nest_and_reorder_sections_by_dragging(model: OutlineModel, project: Project) -> None:
    place(project, project.backfire_section, project.backfire[:2])
    work = model.section_index(project.work_section)
    expanded_rows = model.rowCount(model.section_index(project.backfire_section))
    mime = model.mimeData([work])
    assert decode_sections(mime) == [project.work_section]
    backfire = model.section_index(project.backfire_section)
    assert not model.canDropMimeData(mime, MOVE, -1, 0, work)  # not into itself
    assert model.dropMimeData(mime, MOVE, -1, 0, backfire)  # onto the section: nest it
    with project.reopen() as store:
        assert store.get_section(project.work_section).parent == project.backfire_section
    assert model.rowCount() == 1
    assert model.rowCount(backfire) == expanded_rows + 1
    assert model.index(expanded_rows, 0, backfire).data() == "Controls work"
    project.stack.undo()
    assert model.rowCount() == 2
    with project.reopen() as store:
        assert store.get_section(project.work_section).parent is None
    # Reorder at the top level: "Controls work" first.
    assert model.dropMimeData(model.mimeData([model.section_index(project.work_section)]), MOVE, 0, 0, QModelIndex())
    assert [model.index(r, 0).data() for r in range(2)] == ["Controls work", "Controls backfire"]
    project.stack.undo()
    assert [model.index(r, 0).data() for r in range(2)] == ["Controls backfire", "Controls work"]


def test_rename_through_the_model_is_undoable(model: OutlineModel, project: Project) -> None:
    index = model.section_index(project.work_section)
    assert model.setData(index, "Controls mostly work")
    assert index.data() == "Controls mostly work"
    with project.reopen() as store:
        assert store.get_section(project.work_section).title == "Controls mostly work"
    project.stack.undo()
    assert index.data() == "Controls work"


def test_deleted_passage_leaves_the_outline(model: OutlineModel, project: Project) -> None:
    from briefer.core.commands import DeletePassage

    place(project, project.backfire_section, project.backfire)
    push(project.stack, project.service, DeletePassage(project.backfire[1]))
    assert passages_in(model, project.backfire_section) == [project.backfire[0], project.backfire[2]]
    project.stack.undo()
    assert passages_in(model, project.backfire_section) == project.backfire


def test_a_placed_passage_edit_repaints_only_its_own_rows(model: OutlineModel, project: Project, qtbot) -> None:
    place(project, project.backfire_section, project.backfire[:2])
    place(project, project.work_section, [project.backfire[0]])  # the same passage twice
    section = model.section_index(project.backfire_section)
    first, second = model.index(0, 0, section), model.index(1, 0, section)
    assert first.data(TAGS_ROLE) == [("Controls backfire", "#c0392b")]
    assert first.data(SOURCE_ROLE).startswith("Outlet ")
    assert first.data(COUNT_ROLE) == 2
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=None: changed.append(top.data(ID_ROLE)))
    project.service.add_passage_tag(project.backfire[0], project.work_tag)
    both = [
        model.index(0, 0, section).data(ID_ROLE),
        model.index(0, 0, model.section_index(project.work_section)).data(ID_ROLE),
    ]
    assert sorted(changed) == sorted(both)  # both placements of the passage, nothing else
    assert ("Controls work", "#2e86c1") in first.data(TAGS_ROLE)
    assert second.data(TAGS_ROLE) == [("Controls backfire", "#c0392b")]
    changed.clear()
    project.service.add_passage_tag(project.work[1], project.backfire_tag)  # not in the outline
    assert changed == []


def test_the_outline_reads_only_placed_passages(project: Project, qtmodeltester, monkeypatch) -> None:
    def every_passage(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the outline read every passage of the project")

    monkeypatch.setattr(project.store, "list_passages", every_passage)
    place(project, project.backfire_section, project.backfire)
    m = OutlineModel(project.service, project.stack)
    qtmodeltester.check(m, force_py=True)
    section = m.section_index(project.backfire_section)
    assert [m.index(r, 0, section).data(QUOTE_ROLE) for r in range(3)] == [q for _d, q in BACKFIRE]
    project.service.update_passage(project.backfire[1], note="Key evidence")
    place(project, project.work_section, project.work)
    project.stack.undo()
    m.close()


def test_renaming_a_tag_or_document_repaints_the_rows_that_show_it(model: OutlineModel, project: Project) -> None:
    from briefer.core.commands import EditDocumentMetadata, EditTag

    place(project, project.backfire_section, project.backfire[:1])
    row = model.index(0, 0, model.section_index(project.backfire_section))
    assert row.data(TAGS_ROLE) == [("Controls backfire", "#c0392b")]
    push(project.stack, project.service, EditTag(project.backfire_tag, {"name": "Backfire"}, "Rename tag"))
    assert row.data(TAGS_ROLE) == [("Backfire", "#c0392b")]
    doc = project.store.get_passage(project.backfire[0]).document
    push(project.stack, project.service, EditDocumentMetadata(doc, {"publisher": "The Wire"}))
    assert row.data(SOURCE_ROLE).startswith("The Wire")
    project.stack.undo()
    assert row.data(SOURCE_ROLE).startswith("Outlet ")
