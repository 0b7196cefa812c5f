"""The Outline dock: drops on the view's viewport, keyboard equivalents, the section editor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from briefer.core.outline_commands import PlacePassages
from briefer.ui.mime import encode_passages
from briefer.ui.outline_dock import OutlineDock
from briefer.ui.outline_model import ID_ROLE, PASSAGE_ROLE
from briefer.ui.undo import push

from outline_support import Project


@pytest.fixture
def dock(project: Project, qtbot) -> Iterator[OutlineDock]:
    window = QMainWindow()
    window.resize(700, 600)
    d = OutlineDock(project.service, project.stack, window)
    window.setCentralWidget(d)  # a plain layout: the view gets a predictable size
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield d
    d.model.close()


def drop_on_viewport(dock: OutlineDock, mime, pos: QPoint, action=Qt.DropAction.CopyAction) -> QDropEvent:
    viewport = dock.view.viewport()
    point = QPointF(pos)
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(point, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    return drop


def placed_rows(dock: OutlineDock, section: int) -> list[int]:
    index = dock.model.section_index(section)
    return [dock.model.index(r, 0, index).data(PASSAGE_ROLE) for r in range(dock.model.placement_count(index))]


def test_view_is_named_and_accepts_drops(dock: OutlineDock) -> None:
    assert dock.view.objectName() == "outlineView"
    assert dock.view.accessibleName() == "Outline"
    assert dock.view.acceptDrops() and dock.view.dragEnabled()


def test_synthetic_drop_on_the_viewport(dock: OutlineDock, project: Project) -> None:
    rect = dock.view.visualRect(dock.model.section_index(project.work_section))
    assert rect.isValid()
    mime = encode_passages([project.work[0], project.backfire[0]], ["a", "b"])
    drop = drop_on_viewport(dock, mime, rect.center())
    assert drop.isAccepted()
    assert project.placed(project.work_section) == [project.work[0], project.backfire[0]]
    assert placed_rows(dock, project.work_section) == [project.work[0], project.backfire[0]]
    assert dock.view.isExpanded(dock.model.section_index(project.work_section))
    project.stack.undo()
    assert project.placed(project.work_section) == []
    project.stack.redo()
    assert project.placed(project.work_section) == [project.work[0], project.backfire[0]]


def test_keyboard_move_up_down_and_remove(dock: OutlineDock, project: Project, qtbot) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire))
    section = dock.model.section_index(project.backfire_section)
    dock.view.setFocus()
    dock.select(dock.model.index(0, 0, section))
    qtbot.keyClick(dock.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    moved = [project.backfire[1], project.backfire[0], project.backfire[2]]
    assert project.placed(project.backfire_section) == moved
    # The selection follows the moved passage, so a second press moves it again.
    assert dock.view.currentIndex().data(PASSAGE_ROLE) == project.backfire[0]
    qtbot.keyClick(dock.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert project.placed(project.backfire_section) == [project.backfire[1], project.backfire[2], project.backfire[0]]
    qtbot.keyClick(dock.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert project.placed(project.backfire_section) == moved
    project.stack.undo()
    project.stack.undo()
    project.stack.undo()
    assert project.placed(project.backfire_section) == project.backfire
    dock.select(dock.model.index(1, 0, section))
    qtbot.keyClick(dock.view, Qt.Key.Key_Delete)
    assert project.placed(project.backfire_section) == [project.backfire[0], project.backfire[2]]
    project.stack.undo()
    assert project.placed(project.backfire_section) == project.backfire


def test_keyboard_nest_unnest_and_reorder_sections(dock: OutlineDock, project: Project, qtbot) -> None:
    dock.view.setFocus()
    dock.select(dock.model.section_index(project.work_section))
    qtbot.keyClick(dock.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    with project.reopen() as store:
        assert store.get_section(project.work_section).parent == project.backfire_section
    assert dock.view.currentIndex().data(ID_ROLE) == project.work_section
    qtbot.keyClick(dock.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    with project.reopen() as store:
        assert store.get_section(project.work_section).parent is None
    qtbot.keyClick(dock.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert [dock.model.index(r, 0).data() for r in range(2)] == ["Controls work", "Controls backfire"]
    project.stack.undo()
    project.stack.undo()
    assert dock.model.section_index(project.work_section).parent().data(ID_ROLE) == project.backfire_section
    project.stack.undo()
    with project.reopen() as store:
        assert [s.title for s in store.list_sections()] == ["Controls backfire", "Controls work"]
        assert store.get_section(project.work_section).parent is None


def test_send_to_section_places_a_second_copy(dock: OutlineDock, project: Project) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[:1]))
    dock.select(dock.model.index(0, 0, dock.model.section_index(project.backfire_section)))
    dock.send_menu.aboutToShow.emit()
    target = next(a for a in dock.send_menu.actions() if a.data() == project.work_section)
    target.trigger()
    assert project.placed(project.work_section) == project.backfire[:1]
    assert project.placed(project.backfire_section) == project.backfire[:1]
    project.stack.undo()
    assert project.placed(project.work_section) == []


def test_add_rename_delete_section(dock: OutlineDock, project: Project, qtbot) -> None:
    push(project.stack, project.service, PlacePassages(project.work_section, project.work))
    dock.select(dock.model.section_index(project.backfire_section))
    dock.add_section_action.trigger()
    QApplication.processEvents()
    assert dock.model.index(1, 0).data() == "New section"
    new_index = dock.model.index(1, 0)
    assert dock.model.setData(new_index, "Implications")
    assert dock.model.index(1, 0).data() == "Implications"
    dock.select(dock.model.section_index(project.work_section))
    dock.delete_action.trigger()
    assert dock.model.rowCount() == 2
    project.stack.undo()
    assert dock.model.rowCount() == 3
    assert project.placed(project.work_section) == project.work


def test_section_notes_typing_is_one_undo_step(dock: OutlineDock, project: Project, qtbot) -> None:
    dock.select(dock.model.section_index(project.backfire_section))
    assert dock.editor.section_id == project.backfire_section
    before = project.stack.count()
    dock.editor.notes.setFocus()
    qtbot.keyClicks(dock.editor.notes, "Huawei *adapted*.")
    with project.reopen() as store:
        assert store.get_section(project.backfire_section).notes == "Huawei *adapted*."
    assert project.stack.count() == before + 1
    project.stack.undo()
    assert dock.editor.notes.toPlainText() == ""
    stance_row = dock.editor.stance.findData(project.work_tag)
    dock.editor.stance.setCurrentIndex(stance_row)
    dock.editor.stance.activated.emit(stance_row)
    with project.reopen() as store:
        assert store.get_section(project.backfire_section).stance == project.work_tag
    project.stack.undo()
    assert dock.editor.stance.currentData() == project.backfire_tag
