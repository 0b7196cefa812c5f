"""Help menu: shortcuts listed from the actions themselves, Getting Started once and non-modal, About."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import QSettings, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

import briefer
from briefer.ui.help_dialogs import GettingStartedDialog, ShortcutsDialog


def help_action(window, text: str) -> QAction:
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def open_shortcuts(qtbot, window) -> ShortcutsDialog:
    help_action(window, "Keyboard Shortcuts").trigger()
    dialog = window.findChildren(ShortcutsDialog)[-1]
    qtbot.waitExposed(dialog)
    return dialog


def table_rows(dialog: ShortcutsDialog) -> list[tuple[str, str, str]]:
    t = dialog.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_shortcut_list_is_built_from_the_actions(qtbot, window) -> None:
    native = QKeySequence.SequenceFormat.NativeText
    rows = table_rows(open_shortcuts(qtbot, window))
    listed = {(what, keys) for what, keys, _ in rows}
    # Every action in the window that has a key is listed, under its own name and key.
    for action in window.findChildren(QAction):
        keys = ", ".join(s.toString(native) for s in action.shortcuts() if not s.isEmpty())
        if keys and action.text():
            name = action.text().split("\t")[0].replace("&", "").rstrip("….").strip()
            assert (name, keys) in listed, (name, keys)
    undo = QKeySequence(QKeySequence.StandardKey.Undo).toString(native)
    assert ("Undo", undo, "Edit") in rows
    assert any(what == "Find in Document" and where == "Edit" for what, _, where in rows)
    assert any(what == "Next match" for what, _, _ in rows)  # the find bar's own shortcuts
    assert any(keys == "1 … 9" and where == "Reader" for _, keys, where in rows)  # the reader's number keys
    assert any(what == "Keyboard Shortcuts" and where == "Help" for what, _, where in rows)


def test_a_new_action_shows_up_without_editing_a_list(qtbot, window) -> None:
    action = QAction("Sharpen the pencil", window)
    action.setShortcut("Ctrl+Alt+P")
    window.menus.view_menu.addAction(action)
    rows = table_rows(open_shortcuts(qtbot, window))
    native = QKeySequence("Ctrl+Alt+P").toString(QKeySequence.SequenceFormat.NativeText)
    assert ("Sharpen the pencil", native, "View") in rows


def test_getting_started_shows_once_and_never_blocks(qtbot, project_file: Path, tmp_path: Path) -> None:
    from briefer.ui import create_main_window

    settings = QSettings(str(tmp_path / "first.ini"), QSettings.Format.IniFormat)
    window = create_main_window(project_file, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_getting_started_on_first_run()
    (dialog,) = window.findChildren(GettingStartedDialog)
    qtbot.waitExposed(dialog)
    assert not dialog.isModal() and QApplication.activeModalWidget() is None
    assert len(dialog.step_labels) == 6
    assert [label.text().split(".")[0].removeprefix("<b>") for label in dialog.step_labels] == list("123456")
    assert window.menus.export_action.isEnabled() and window.reader.isEnabled()  # the window works meanwhile
    dialog.close()
    window.close()
    again = create_main_window(project_file, settings)
    qtbot.addWidget(again)
    again.show()
    again.show_getting_started_on_first_run()
    assert not again.findChildren(GettingStartedDialog)  # once only
    help_action(again, "Getting Started").trigger()  # but always from the menu
    assert len(again.findChildren(GettingStartedDialog)) == 1
    again.close()


def test_about_names_versions_and_the_project_file(qtbot, window, project_file: Path) -> None:
    help_action(window, "About Briefer").trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    qtbot.waitUntil(box.isVisible)
    text = box.text()
    assert f"Briefer {briefer.__version__}" in text
    assert f"Qt {qVersion()}" in text
    assert f"Python {platform.python_version()}" in text
    assert str(project_file.resolve()) in text
    box.close()
