"""The main window's menus and actions, with platform-standard shortcuts.

The menus know the window only through ``MenuHost``, the handful of things
they call on it; ``MainWindow`` builds them and provides it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence

# Dialogs are imported where they open: PySide6 builds a class's Python type and
# enums on its first use (1-3 ms for each dialog class) and start-up needs none.
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu

from briefer.core.errors import BrieferError
from briefer.ui.import_files import importer_available

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from briefer.ui.reader import ReaderView
    from briefer.ui.reader_panel import ReaderPanel
    from briefer.ui.search_dock import SearchDock

PROJECT_FILTER = "Briefer projects (*.briefer);;All files (*)"
IMPORT_FILTER = (
    "Documents, bibliographies and QDA projects "
    "(*.txt *.md *.markdown *.html *.htm *.docx *.pdf *.json *.ris *.bib *.qdpx *.qdc);;"
    "Documents (*.txt *.md *.markdown *.html *.htm *.docx *.pdf);;"
    "Bibliographies (*.json *.ris *.bib);;"
    "REFI-QDA projects and codebooks (*.qdpx *.qdc);;All files (*)"
)


class MenuHost(Protocol):
    """What the menus call on the window they belong to.

    The panels are read when a menu item is used, not kept: opening another
    project replaces them.
    """

    undo_stack: QUndoStack
    panel: ReaderPanel
    reader: ReaderView
    search: SearchDock

    def open_project(self, path: Path) -> bool: ...

    def recent_projects(self) -> list[str]: ...

    def import_paths(self, paths: list[Path]) -> None: ...

    def open_export_dialog(self) -> None: ...

    def delete_selection(self) -> None: ...

    def edit_document_metadata(self, doc_id: int | None = None) -> None: ...

    def open_autotag_dialog(self) -> None: ...

    def show_getting_started(self) -> None: ...

    def show_shortcuts(self) -> None: ...

    def show_about(self) -> None: ...


class WindowMenus:
    """Creates the menu bar of ``parent`` once; the View menu follows the docks of the open project.

    ``parent`` owns the menu bar, the actions and the dialogs the menus open;
    ``host`` does what the actions ask (for the main window, both are the window).
    """

    def __init__(self, parent: QMainWindow, host: MenuHost) -> None:
        self.window = parent
        self.host = host
        bar = parent.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action(file_menu, "&New Project…", self.new_project, QKeySequence.StandardKey.New)
        self.open_action = self._action(file_menu, "&Open Project…", self.open_project, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.import_action = self._action(file_menu, "&Import Documents…", self.import_documents, "Ctrl+I")
        self.import_action.setEnabled(importer_available())
        self.import_folder_action = self._action(file_menu, "Import &Folder…", self.import_folder, "Ctrl+Shift+I")
        self.import_folder_action.setEnabled(importer_available())
        self.export_action = self._action(file_menu, "&Export Briefing…", host.open_export_dialog, "Ctrl+E")
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", self._quit, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = host.undo_stack.createUndoAction(parent, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = host.undo_stack.createRedoAction(parent, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.find_action = self._action(
            edit_menu, "&Find in Document…", lambda: host.panel.find_bar.open_bar(), QKeySequence.StandardKey.Find
        )
        self.search_action = self._action(edit_menu, "&Search All Documents…", self.search_corpus, "Ctrl+Shift+F")
        edit_menu.addSeparator()
        # The Delete key itself is bound per panel (see MainWindow._bind_delete_key):
        # a window-wide binding would clash with the outline's own Delete and
        # Qt fires neither of two ambiguous shortcuts. The menu only shows the key.
        delete_key = QKeySequence(QKeySequence.StandardKey.Delete).toString(QKeySequence.SequenceFormat.NativeText)
        self.delete_action = self._action(edit_menu, f"&Delete\t{delete_key}", host.delete_selection)
        self.details_action = self._action(
            edit_menu, "Document &Details…", lambda: host.edit_document_metadata(None), "Ctrl+Shift+D"
        )
        self.autotag_action = self._action(edit_menu, "&Auto-tag…", host.open_autotag_dialog, "Ctrl+Shift+T")
        tag_menu = edit_menu.addMenu("&Tag Selection As")
        tag_menu.aboutToShow.connect(lambda: self._fill_tag_menu(tag_menu))

        self.view_menu = bar.addMenu("&View")
        help_menu = bar.addMenu("&Help")
        self.getting_started_action = self._action(
            help_menu, "&Getting Started", host.show_getting_started, QKeySequence.StandardKey.HelpContents
        )
        self.shortcuts_action = self._action(help_menu, "&Keyboard Shortcuts", host.show_shortcuts, "Ctrl+/")
        help_menu.addSeparator()
        self._action(help_menu, "&About Briefer", host.show_about)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def fill_view_menu(self, docks: list[QDockWidget]) -> None:
        self.view_menu.clear()
        for dock in docks:
            self.view_menu.addAction(dock.toggleViewAction())

    # ----------------------------------------------------------------- slots
    def new_project(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from briefer.core.project import PROJECT_SUFFIX, create_project

        name, _ = QFileDialog.getSaveFileName(self.window, "New project", "", PROJECT_FILTER)
        if not name:
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(PROJECT_SUFFIX)
        try:
            create_project(path, empty=True)
        except (BrieferError, OSError) as exc:
            QMessageBox.critical(self.window, "Cannot create project", str(exc))
            return
        self.host.open_project(path)

    def open_project(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self.window, "Open project", "", PROJECT_FILTER)
        if name:
            self.host.open_project(Path(name))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.host.recent_projects()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.host.open_project(Path(p)))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def import_documents(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        names, _ = QFileDialog.getOpenFileNames(self.window, "Import documents", "", IMPORT_FILTER)
        if names:
            self.host.import_paths([Path(n) for n in names])

    def import_folder(self) -> None:
        """Every supported file in a folder and its subfolders."""
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of documents")
        if folder:
            self.host.import_paths([Path(folder)])

    def search_corpus(self) -> None:
        search = self.host.search
        search.show()
        search.raise_()
        selected = self.host.reader.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            search.query.setText(selected)
            search.search(selected)
        search.query.setFocus()
        search.query.selectAll()

    def _fill_tag_menu(self, menu: QMenu) -> None:
        menu.clear()
        self.host.reader.fill_tag_menu(menu)

    def _quit(self) -> None:
        self.window.close()
        QApplication.quit()
