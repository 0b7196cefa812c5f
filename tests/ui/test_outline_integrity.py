"""In the window: refused double placements, tags filling their own section, balance counting
once, the damage notice on opening, and the export dialog's choice about unverified quotes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QMainWindow

from briefer.core.outline_commands import PlacePassages
from briefer.ui.balance_panel import stance_balance
from briefer.ui.export_dialog import ExportDialog
from briefer.ui.mime import encode_passages, encode_tags
from briefer.ui.outline_dock import OutlineDock
from briefer.ui.outline_model import PASSAGE_ROLE
from briefer.ui.undo import push

from outline_support import BACKFIRE, Project

COPY = Qt.DropAction.CopyAction


@pytest.fixture
def dock(project: Project, qtbot) -> Iterator[OutlineDock]:
    window = QMainWindow()
    d = OutlineDock(project.service, project.stack, window)
    window.setCentralWidget(d)
    qtbot.addWidget(window)
    window.show()
    yield d
    d.model.close()


def rows(dock: OutlineDock, section: int) -> list[int]:
    index = dock.model.section_index(section)
    return [dock.model.index(r, 0, index).data(PASSAGE_ROLE) for r in range(dock.model.placement_count(index))]


def status(dock: OutlineDock) -> str:
    window = dock.window()
    assert isinstance(window, QMainWindow)
    return window.statusBar().currentMessage()


def test_dropping_a_passage_where_it_already_is_is_refused_and_said(dock: OutlineDock, project: Project) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[:2]))
    target = dock.model.section_index(project.backfire_section)
    assert not dock.model.dropMimeData(encode_passages([project.backfire[1], project.backfire[2]]), COPY, -1, 0, target)
    held = project.backfire[1]
    assert (
        status(dock)
        == f"section 'Controls backfire' already holds passage {held}; a passage is placed in a section once"
    )
    assert project.placed(project.backfire_section) == project.backfire[:2]
    assert rows(dock, project.backfire_section) == project.backfire[:2]
    assert project.stack.count() == 1  # the refused drop left no undo step


def test_send_to_section_where_it_already_is_is_refused_and_said(dock: OutlineDock, project: Project) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[:1]))
    dock.select(dock.model.index(0, 0, dock.model.section_index(project.backfire_section)))
    dock.send_menu.aboutToShow.emit()
    same = next(a for a in dock.send_menu.actions() if a.data() == project.backfire_section)
    same.trigger()
    assert "already holds passage" in status(dock)
    assert project.placed(project.backfire_section) == project.backfire[:1]


def test_moving_a_copy_into_a_section_holding_it_is_refused(dock: OutlineDock, project: Project) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[:1]))
    push(project.stack, project.service, PlacePassages(project.work_section, project.backfire[:1]))
    source = dock.model.section_index(project.work_section)
    mime = dock.model.mimeData([dock.model.index(0, 0, source)])
    target = dock.model.section_index(project.backfire_section)
    assert not dock.model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, target)
    assert "already holds passage" in status(dock)
    assert project.placed(project.work_section) == project.backfire[:1]


def test_a_tag_dropped_on_its_section_fills_it_in_one_undo_step(dock: OutlineDock, project: Project) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[2:]))
    sections = dock.model.rowCount()
    target = dock.model.section_index(project.backfire_section)
    assert dock.model.dropMimeData(encode_tags([project.backfire_tag], ["Controls backfire"]), COPY, -1, 0, target)
    assert dock.model.rowCount() == sections  # no nested twin either
    assert dock.model.rowCount(target) == 3
    placed = project.placed(project.backfire_section)
    assert placed[0] == project.backfire[2] and sorted(placed) == sorted(project.backfire)
    assert rows(dock, project.backfire_section) == placed
    project.stack.undo()
    assert project.placed(project.backfire_section) == project.backfire[2:]
    # Everything there already: nothing to do, and the status bar says so.
    project.stack.redo()
    assert not dock.model.dropMimeData(encode_tags([project.backfire_tag]), COPY, -1, 0, target)
    assert status(dock) == "section 'Controls backfire' already holds every passage tagged 'Controls backfire'"


def test_a_tag_dropped_on_empty_space_fills_the_section_of_its_name(dock: OutlineDock, project: Project) -> None:
    sections = dock.model.rowCount()
    assert dock.model.dropMimeData(encode_tags([project.work_tag]), COPY, sections, 0, QModelIndex())
    assert dock.model.rowCount() == sections
    assert sorted(project.placed(project.work_section)) == sorted(project.work)


def test_balance_counts_a_passage_placed_twice_once(project: Project) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire))
    sub = project.service.add_section(title="More", parent=project.backfire_section)
    push(project.stack, project.service, PlacePassages(sub, project.backfire[:2]))  # the same two again
    balance = {b.name: b for b in stance_balance(project.service)}["Controls backfire"]
    assert sum(balance.placed.values()) == 3


# ------------------------------------------------------------------ the window
def open_window(qtbot, path: Path, tmp_path: Path):
    from briefer.ui import create_main_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = create_main_window(path, settings)
    qtbot.addWidget(win)
    win.show()
    return win


def test_the_window_says_plainly_when_a_project_is_damaged(project: Project, qtbot, tmp_path: Path) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire))
    project.close()
    clean = open_window(qtbot, project.path, tmp_path)
    qtbot.waitUntil(lambda: clean.integrity_notice.checked, timeout=5000)
    assert clean.integrity_notice.isHidden()
    clean.close()
    conn = sqlite3.connect(project.path)  # another program, foreign keys off
    conn.execute("UPDATE placements SET passage = 999 WHERE position = 0")
    conn.commit()
    conn.close()
    win = open_window(qtbot, project.path, tmp_path)
    notice = win.integrity_notice
    qtbot.waitUntil(lambda: notice.checked, timeout=5000)
    assert notice.isVisibleTo(win)
    assert notice.text() == "⚠ This project is damaged: 1 broken reference (run 'briefer check brief.briefer')"
    assert "points at passage 999, which does not exist" in notice.toolTip()
    win.close()


def test_the_damage_check_waits_for_the_windows_first_frame(project: Project, qtbot, tmp_path: Path) -> None:
    """The check reads an index of every passage: it starts once the window has painted, not before."""
    import threading

    from briefer.ui import create_main_window

    project.close()
    conn = sqlite3.connect(project.path)  # another program, foreign keys off
    conn.execute("INSERT INTO placements(section, passage, position) VALUES (1, 999, 0)")
    conn.commit()
    conn.close()
    win = create_main_window(project.path, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    qtbot.wait(300)  # events handled, nothing painted: the window is not shown yet
    assert not win.integrity_notice.checked
    assert "briefer-integrity" not in [t.name for t in threading.enumerate()]
    win.show()
    qtbot.waitUntil(lambda: win.integrity_notice.checked, timeout=5000)
    assert win.integrity_notice.isVisibleTo(win)
    assert "points at passage 999, which does not exist" in win.integrity_notice.toolTip()
    win.close()


def test_the_export_dialog_offers_to_export_unverified_quotes_marked(project: Project, qtbot, tmp_path: Path) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[:2]))
    project.close()
    conn = sqlite3.connect(project.path)
    conn.execute("UPDATE passages SET quote = quote || '!' WHERE id = ?", (project.backfire[0],))
    conn.commit()
    conn.close()
    from briefer.core.project import open_project

    service = open_project(project.path)
    try:
        dialog = ExportDialog(service)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
        first = dialog.checks.toPlainText().splitlines()[0]
        assert first.startswith(f"✖ Unverified: passage {project.backfire[0]} ")
        assert not dialog.export_button.isEnabled()
        assert dialog.allow_unverified.isVisibleTo(dialog) and not dialog.allow_unverified.isChecked()
        with qtbot.waitSignal(dialog.checks_finished, timeout=10000):
            dialog.allow_unverified.setChecked(True)
        assert dialog.checks.toPlainText().startswith("⚠ Unverified, printed marked [unverified]: passage")
        assert dialog.export_button.isEnabled()
        out = tmp_path / "marked.docx"
        dialog.path.setText(str(out))
        with qtbot.waitSignal(dialog.finished_export, timeout=20000) as blocker:
            dialog.start_export()
        assert blocker.args == [str(out)], dialog.status.text()
        assert dialog.status.text().endswith("1 quote marked [unverified].")
        assert dialog.checks.toPlainText().startswith("⚠ Unverified, printed marked [unverified]: passage")
        from docx import Document

        body = [p.text for p in Document(str(out)).paragraphs]
        assert any(text.endswith(f"{BACKFIRE[0][1]}! [unverified]") for text in body), body
        assert not any(BACKFIRE[1][1] in text and "[unverified]" in text for text in body)
    finally:
        service.close()
