"""The main window: composes the reader and the docks, owns the menus and settings.

It holds no editing logic of its own: panels push core commands on the one
undo stack, and the window only routes selections between them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent, QUndoStack

# Dialogs are imported where they open: PySide6 builds a class's Python type and
# enums on its first use (1-3 ms for each dialog class) and start-up needs none.
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from briefer.core.errors import BrieferError
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.core.wording import plural
from briefer.ui.balance_panel import BalanceDock
from briefer.ui.codebook_dock import CodebookDock
from briefer.ui.corpus_dock import CorpusDock
from briefer.ui.dock_help import explain_docks
from briefer.ui.first_frame import AfterFirstFrame
from briefer.ui.focus_cycle import cycle_focus
from briefer.ui.import_files import import_with_progress, importer_available
from briefer.ui.integrity_notice import IntegrityNotice
from briefer.ui.lazy import lazy_module
from briefer.ui.meta_dock import MetaDock
from briefer.ui.outline_dock import OutlineDock
from briefer.ui.passages_dock import PassagesDock
from briefer.ui.preview_dock import PreviewDock
from briefer.ui.reader import READER_KEYS
from briefer.ui.reader_panel import ReaderPanel
from briefer.ui.review_dock import ReviewDock
from briefer.ui.search_dock import SearchDock
from briefer.ui.style import load_stylesheet
from briefer.ui.undo import push
from briefer.ui.window_layout import WindowDocks, arrange_default, restore_layout, save_layout, size_class
from briefer.ui.window_menus import WindowMenus

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import commands
else:
    commands = lazy_module("briefer.core.commands")  # loaded on the first edit, not at start-up

MAX_RECENT = 8


class MainWindow(QMainWindow):
    """One open project: reader in the centre, corpus/codebook left, passages/search below,
    and the briefing being built on the right: outline on top, preview, details and balance beneath.
    """

    project_opened = Signal()

    def __init__(self, service: ProjectService, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setStyleSheet(load_stylesheet())  # on the window, not the app: tests and embedders stay unaffected
        self.settings = settings or QSettings("Briefer", "Briefer")
        self.undo_stack = QUndoStack(self)
        self.service = service
        self._project_docks: list[QDockWidget] = []
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("projectCounts")
        self.statusBar().addPermanentWidget(self.counts_label)
        self.integrity_notice = IntegrityNotice(self.statusBar())
        self._after_first_frame = AfterFirstFrame(self)
        self.menus = WindowMenus(parent=self, host=self)
        self._default_size()
        self._attach(service)
        self._arranged_on_show = False
        self._restore_layout()

    # ------------------------------------------------------------ composition
    def _attach(self, service: ProjectService) -> None:
        """Build every panel that works on ``service``."""
        self.service = service
        self.panel = ReaderPanel(service, self.undo_stack)
        self.reader = self.panel.reader
        self.setCentralWidget(self.panel)
        self.corpus = CorpusDock(service, self)
        self.codebook = CodebookDock(service, self.undo_stack, self)
        self.passages = PassagesDock(service, self)
        self.search = SearchDock(service, self)
        self.review = ReviewDock(service, self.undo_stack, self.reader, self)
        self._project_docks = [self.corpus, self.codebook, self.passages, self.search, self.review]
        self.corpus.document_activated.connect(self.panel.open_document)
        self.corpus.edit_requested.connect(self.edit_document_metadata)
        self.corpus.update_requested.connect(self.update_document_from_file)
        self.review.locate_requested.connect(self.show_hit)
        self.review.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.corpus.view.files_dropped.connect(self.import_paths)
        self.panel.edit_metadata_requested.connect(self.edit_document_metadata)
        self.reader.passage_selected.connect(self.passages.select_passage)
        self.reader.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.codebook.tag_activated.connect(self.passages.filter_by_tag)
        self.passages.passage_activated.connect(self.show_passage)
        self.search.hit_activated.connect(self.show_hit)
        service.subscribe(self._on_change)
        self._bind_delete_key([self.panel, self.codebook, self.passages])
        self.outline = OutlineDock(service, self.undo_stack, self)
        self.meta = MetaDock(service, self.undo_stack, self)
        self.balance = BalanceDock(service, self)
        self.preview = PreviewDock(service, self)
        self.preview.warning_chosen.connect(self.go_to_warning)
        self._project_docks += self._briefing_docks()
        for dock in self._project_docks:  # placed for real by _restore_layout()
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.show()  # a dock added after the window is shown (another project opened) stays hidden otherwise
        self.panel.new_tag_requested.connect(self.codebook.add_tag)
        self.menus.fill_view_menu(self._project_docks)
        self._add_reset_layout_action()
        explain_docks(self._project_docks)
        self._update_title()
        self._update_counts()
        # Its thread reads an index of every passage (from disk, on a large project
        # whose pages the system has dropped), which the first frame does not show.
        self._after_first_frame.then(lambda: self.integrity_notice.check(self.service))
        first = self.corpus.proxy.index(0, 0)
        if first.isValid():
            self.corpus.view.setCurrentIndex(first)
        self.project_opened.emit()

    def _bind_delete_key(self, widgets: list[QWidget]) -> None:
        """Delete acts on this window's own panels only; other docks keep theirs."""
        action = QAction("Delete", self)
        action.setShortcut(QKeySequence.StandardKey.Delete)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(self.delete_selection)
        for widget in widgets:
            widget.addAction(action)
        self._delete_key = action

    def _detach(self) -> None:
        # Unparent before deleteLater so nothing (findChild, layouts) sees the
        # old project's widgets before the event loop deletes them.
        old_panel = self.takeCentralWidget()
        if old_panel is not None:
            old_panel.setParent(None)
            old_panel.deleteLater()
        for dock in self._project_docks:
            self.removeDockWidget(dock)
            dock.setParent(None)
            dock.deleteLater()
        self._project_docks = []
        self.undo_stack.clear()
        self.service.close()

    def _briefing_docks(self) -> list[QDockWidget]:
        return [self.outline, self.meta, self.balance, self.preview]

    def _docks(self) -> WindowDocks:
        return WindowDocks(
            self.corpus,
            self.codebook,
            self.passages,
            self.search,
            self.review,
            self.outline,
            self.preview,
            self.meta,
            self.balance,
        )

    def _add_reset_layout_action(self) -> None:
        view_menu = self.menus.view_menu
        view_menu.addSeparator()
        for text, key, step in (("Next Pane", "F6", 1), ("Previous Pane", "Shift+F6", -1)):
            pane = view_menu.addAction(text)
            pane.setShortcut(QKeySequence(key))
            pane.setStatusTip("Move the keyboard focus to the next panel (reader, corpus, codebook, outline, …)")
            pane.triggered.connect(lambda _=False, s=step: cycle_focus(self, s))
        view_menu.addSeparator()
        action = view_menu.addAction("&Reset Layout")
        action.setObjectName("resetLayoutAction")
        action.setStatusTip("Put every panel back where it starts for a window of this size")
        action.triggered.connect(self.reset_layout)

    def reset_layout(self) -> None:
        """View > Reset Layout: the default arrangement for the window's current size."""
        arrange_default(self, self._docks(), self.size(), review_waiting=bool(self.service.passages.to_review()))

    # ---------------------------------------------------------------- projects
    def open_project(self, path: Path) -> bool:
        """Replace the open project with the one at ``path``."""
        from PySide6.QtWidgets import QMessageBox

        from briefer.core.project import open_project

        try:
            service = open_project(path)
        except (BrieferError, OSError) as exc:
            QMessageBox.critical(self, "Cannot open project", str(exc))
            return False
        self._save_layout()
        self._detach()
        self._attach(service)
        self._restore_layout()
        self.remember_project(path)
        return True

    def remember_project(self, path: Path) -> None:
        """Put ``path`` first among the recent projects, once the window has painted: Qt then
        writes the settings file and syncs it to disk, which on a disk busy with other
        writes (a large project just copied) can take longer than building the window."""
        self._after_first_frame.then(lambda: self._remember(path))

    def _remember(self, path: Path) -> None:
        path = Path(path).resolve()
        recent = [p for p in self.recent_projects() if Path(p) != path]
        self.settings.setValue("recentProjects", [str(path), *recent][:MAX_RECENT])
        self.settings.setValue("lastProject", str(path))

    def recent_projects(self) -> list[str]:
        value = self.settings.value("recentProjects", [])
        if isinstance(value, str):  # QSettings returns a bare string for one-element lists
            value = [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    # ------------------------------------------------------------ navigation
    def open_document(self, doc_id: int) -> None:
        self.corpus.select_document(doc_id)
        if self.reader.document_id != doc_id:  # the row was current already but the reader differs
            self.panel.open_document(doc_id)

    def show_passage(self, passage_id: int) -> None:
        passage = self.service.passages.get(passage_id)
        self.open_document(passage.document)
        self.panel.editor.show_passage(passage_id)  # first, so the reader scrolls in its final height
        self.reader.select_passage(passage_id, scroll=True)

    def go_to_warning(self, warning: object) -> None:
        """Take the analyst to what an export warning concerns: a passage, a section or a document's details."""
        passage, section, document = (getattr(warning, name, 0) for name in ("passage", "section", "document"))
        if passage:
            self.show_passage(passage)
        elif section:
            self.outline.show()
            self.outline.raise_()
            self.outline.select(self.outline.model.section_index(section))
            self.outline.view.setFocus()
        elif document:
            self.open_document(document)
            self.edit_document_metadata(document)

    def show_hit(self, doc_id: int, start: int, end: int) -> None:
        self.open_document(doc_id)
        self.reader.select_range(start, end)
        self.reader.setFocus()

    # ----------------------------------------------------------------- edits
    def delete_selection(self) -> None:
        """Edit > Delete: the selected tag in the codebook, else the current passage."""
        if self.codebook.view.hasFocus():
            self.codebook.delete_selected()
            return
        passage = self.reader.current_passage
        if self.passages.view.hasFocus() or passage is None:
            passage = self.passages.current_passage() or passage
        if passage is not None:
            push(self.undo_stack, self.service, commands.DeletePassage(passage))

    def edit_document_metadata(self, doc_id: int | None = None) -> None:
        doc_id = doc_id if doc_id is not None else self.reader.document_id
        if doc_id is None:
            return
        from briefer.ui.metadata_dialog import MetadataDialog  # not needed to start up

        dialog = MetadataDialog(self.service.documents.info(doc_id), self)
        if dialog.exec() and (fields := dialog.changed_fields()):
            push(self.undo_stack, self.service, commands.EditDocumentMetadata(doc_id, fields))

    def update_document_from_file(self, doc_id: int, path: Path | None = None) -> None:
        """The corpus menu's "Update from file…": a new version of the document's text, passages re-anchored."""
        from briefer.ui.new_versions import choose_new_version, update_from_file

        path = path or choose_new_version(self, self.service.documents.info(doc_id).title)
        if path is not None:
            self.statusBar().showMessage(update_from_file(self.service, self.undo_stack, doc_id, path), 10000)
            self._show_review()

    def _show_review(self) -> None:
        if self.service.passages.to_review():
            self.review.show()
            self.review.raise_()

    def import_paths(self, paths: list[Path]) -> None:
        if not importer_available():
            self.statusBar().showMessage("Importing is not available in this installation.", 6000)
            return
        outcomes = import_with_progress(self, self.service, paths)
        from briefer.ui.new_versions import offer_updates

        if said := offer_updates(self, self.service, self.undo_stack, outcomes):
            self.statusBar().showMessage(said, 10000)
            self._show_review()
        imported = [o.document_id for o in outcomes if o.status == "imported" and o.document_id is not None]
        if imported:
            self.open_document(imported[-1])

    def open_export_dialog(self) -> None:
        """File > Export Briefing: the export dialog, modal to this window."""
        from briefer.ui.export_dialog import ExportDialog  # loaded on first use, not at start-up

        dialog = ExportDialog(self.service, self)

        def go_there(warning: object) -> None:
            dialog.reject()
            self.go_to_warning(warning)

        dialog.warning_chosen.connect(go_there)
        dialog.setModal(True)
        dialog.show()  # not exec(): the export thread reports back through the event loop anyway

    def open_autotag_dialog(self) -> None:
        """Edit > Auto-tag: non-modal, so the analyst can read while trying words."""
        from briefer.ui.autotag_dialog import AutotagDialog  # loaded on first use, not at start-up

        dialog = AutotagDialog(self.service, self.undo_stack, self.reader.document_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # ------------------------------------------------------------------ help
    def show_shortcuts(self) -> None:
        """Help > Keyboard Shortcuts: built from this window's actions as they are now."""
        from briefer.ui.help_dialogs import ShortcutRow, ShortcutsDialog

        extra = [ShortcutRow(what, keys, "Reader") for what, keys in READER_KEYS]
        dialog = ShortcutsDialog(self, extra)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_getting_started(self) -> None:
        """Help > Getting Started: six steps, pictured with this window's panels; never modal."""
        from briefer.ui.help_dialogs import GettingStartedDialog, getting_started_steps

        existing = self.findChild(GettingStartedDialog)
        if existing is not None:
            existing.raise_()
            return
        pictures: dict[str, QWidget | None] = {
            "corpus": self.corpus,
            "reader": self.panel,
            "codebook": self.codebook,
            "passages": self.passages,
            "outline": self.outline,
            "preview": self.preview,
        }
        dialog = GettingStartedDialog(self, getting_started_steps(pictures))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_getting_started_on_first_run(self) -> None:
        """Once per user: the app calls this after showing the window; it opens beside it, never blocking."""
        from briefer.ui.help_dialogs import should_show_getting_started

        if should_show_getting_started(self.settings):
            self.show_getting_started()

    def show_about(self) -> None:
        from briefer.ui.help_dialogs import show_about

        show_about(self, self.service.path)

    # ---------------------------------------------------------------- status
    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.META:
            self._update_title()
        if change.area in (ChangeArea.DOCUMENTS, ChangeArea.PASSAGES):
            self._update_counts()

    def _update_title(self) -> None:
        title = self.service.meta().title
        self.setWindowTitle(f"{title or self.service.path.stem} — {self.service.path.name} — Briefer")

    def _update_counts(self) -> None:
        docs, passages = self.service.counts()
        self.counts_label.setText(f"{plural(docs, 'document')} · {plural(passages, 'passage')}")

    # -------------------------------------------------------------- settings
    def _default_size(self) -> None:
        """First-run size: most of the screen, so reader and outline both fit."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width = min(1600, int(screen.width() * 0.92)) if screen else 1400
        height = min(1000, int(screen.height() * 0.92)) if screen else 900
        self.resize(max(width, 1000), max(height, 700))

    def _screen_class(self) -> str:
        """The size class layouts are saved under: the screen's, so each monitor keeps its own."""
        screen = self.screen()
        return size_class(screen.availableGeometry().size() if screen else self.size())

    def _restore_layout(self) -> None:
        """The layout saved for this screen's size class, else the default one for the window's size."""
        restored = restore_layout(self, self.settings, self._screen_class(), needs=self.outline.objectName())
        self._default_layout = not restored
        if not restored:
            arrange_default(self, self._docks(), self.size(), review_waiting=bool(self.service.passages.to_review()))

    def _save_layout(self) -> None:
        save_layout(self, self.settings, self._screen_class())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # The first time, with no saved layout, proportion the docks to the size
        # the window really has (a caller may have resized it after building it).
        # Before the first show Qt defers part of a restored state, and would undo it.
        if not self._arranged_on_show and self._default_layout:
            arrange_default(self, self._docks(), self.size(), review_waiting=bool(self.service.passages.to_review()))
        self._arranged_on_show = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._save_layout()
        self.settings.sync()
        self.service.close()
        super().closeEvent(event)
