"""The Outline dock: the section tree, its actions, and the section editor.

Every drag has an action with a shortcut and a context-menu entry doing the
same through the same commands: Send to section, Move up/down, Nest/Un-nest,
Remove from outline, Add/Rename/Delete section.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QMainWindow,
    QMenu,
    QSplitter,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from briefer.core.errors import BrieferError
from briefer.core.service import ProjectService
from briefer.ui.lazy import lazy_module
from briefer.ui.outline_delegate import OutlineDelegate
from briefer.ui.outline_model import ID_ROLE, KIND_ROLE, PASSAGE_ROLE, OutlineModel
from briefer.ui.section_editor import SectionEditor
from briefer.ui.undo import push

if TYPE_CHECKING:
    from briefer.core.commands import Command

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import outline_commands
else:
    outline_commands = lazy_module("briefer.core.outline_commands")  # loaded on the first edit


def build_send_menu(
    parent: QWidget,
    service: ProjectService,
    undo_stack: QUndoStack,
    passage_ids: Callable[[], Sequence[int]],
    title: str = "Send to section",
) -> QMenu:
    """A menu listing the outline's sections; choosing one places the passages there.

    Shared with other docks (the passages list, the reader) so "Send to section"
    is the same everywhere; ``passage_ids`` is asked when a section is chosen.
    """
    menu = QMenu(title, parent)
    menu.setObjectName("sendToSectionMenu")

    def fill() -> None:
        menu.clear()
        sections = service.outline.sections()
        depth: dict[int, int] = {}
        for s in sections:
            depth[s.id] = depth.get(s.parent, -1) + 1 if s.parent is not None else 0
            action = menu.addAction("    " * depth[s.id] + s.title)
            action.setData(s.id)
        if not sections:
            menu.addAction("(no sections yet)").setEnabled(False)

    def chosen(action: QAction) -> None:
        ids = list(passage_ids())
        if action.data() is None or not ids:
            return
        label = "Send passage to section" if len(ids) == 1 else f"Send {len(ids)} passages to section"
        try:
            push(undo_stack, service, outline_commands.PlacePassages(int(action.data()), ids, None, label=label))
        except BrieferError as exc:  # already there: refused, and the status bar says why
            window = parent.window()
            if isinstance(window, QMainWindow):
                window.statusBar().showMessage(str(exc), 6000)

    menu.aboutToShow.connect(fill)
    menu.triggered.connect(chosen)
    return menu


class OutlineDock(QDockWidget):
    """Dock holding ``outlineView`` (sections and placed passages) and the section editor."""

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Outline", parent)
        self.setObjectName("outlineDock")
        self.service = service
        self.undo_stack = undo_stack
        self.model = OutlineModel(service, undo_stack, self)

        self.view = QTreeView()
        self.view.setObjectName("outlineView")
        self.view.setAccessibleName("Outline")
        self.view.setAccessibleDescription("Sections of the briefing and the passages placed in them")
        self.view.setItemDelegate(OutlineDelegate(self.view))
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(False)
        self.view.setWordWrap(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.editor = SectionEditor(service, undo_stack)

        self.toolbar = QToolBar("Outline actions")
        self.toolbar.setObjectName("outlineToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._make_actions()

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter)
        self.setWidget(body)

        # The model goes in last: placing and styling a view that already holds
        # a thousand rows would lay them all out twice before the window shows.
        self.view.setModel(self.model)
        for index in self.model.section_indexes():  # not expandAll(): that visits every passage row too
            self.view.expand(index)
        # New sections and passages show up expanded, so a drop is visible at once.
        self.model.rowsInserted.connect(lambda parent, first, last: self.view.expand(parent))
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.refused.connect(self._say)

    # ------------------------------------------------------------- actions
    def _action(
        self,
        name: str,
        text: str,
        shortcut: str | QKeySequence.StandardKey | None,
        slot: Callable[[], None],
        tip: str,
        toolbar: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # Only while the outline has focus, so the reader keeps its own keys.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(
            f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})" if shortcut else tip
        )
        action.triggered.connect(slot)
        self.view.addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        return action

    def _make_actions(self) -> None:
        a = self._action
        self.add_section_action = a(
            "addSection", "Add section", "Ctrl+Shift+N", self.add_section, "Add a section after the current one", True
        )
        self.add_sub_action = a(
            "addSubsection",
            "Add subsection",
            "Ctrl+Alt+N",
            self.add_subsection,
            "Add a subsection inside the current section",
        )
        self.rename_action = a("renameSection", "Rename", "F2", self.rename_section, "Rename the section", True)
        self.delete_action = a(
            "deleteSection",
            "Delete section",
            "Ctrl+Shift+Delete",
            self.delete_section,
            "Delete the section with its subsections",
            True,
        )
        self.toolbar.addSeparator()
        self.up_action = a(
            "moveUp", "Move up", "Ctrl+Up", lambda: self.move_current(-1), "Move the passage or section up", True
        )
        self.down_action = a(
            "moveDown", "Move down", "Ctrl+Down", lambda: self.move_current(1), "Move the passage or section down", True
        )
        self.nest_action = a(
            "nestSection",
            "Nest",
            "Ctrl+Right",
            self.nest_section,
            "Make the section a subsection of the one above it",
            True,
        )
        self.unnest_action = a(
            "unnestSection", "Un-nest", "Ctrl+Left", self.unnest_section, "Move the section out of its parent"
        )
        self.remove_action = a(
            "removeFromOutline",
            "Remove",
            QKeySequence.StandardKey.Delete,
            self.remove_selected,
            "Remove the selected passages from the outline",
            True,
        )
        self.send_menu = build_send_menu(self, self.service, self.undo_stack, self.selected_passages)
        self.send_action = a(
            "sendToSection",
            "Send to section…",
            "Ctrl+Shift+S",
            self._popup_send_menu,
            "Place the selected passages in another section as well",
        )
        self.send_action.setMenu(self.send_menu)

    def _popup_send_menu(self) -> None:
        rect = self.view.visualRect(self.view.currentIndex())
        self.send_menu.popup(self.view.viewport().mapToGlobal(rect.bottomLeft()))

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        menu = QMenu(self)
        kind = index.data(KIND_ROLE)
        if kind == "placement":
            menu.addMenu(self.send_menu)
            menu.addAction(self.remove_action)
        menu.addActions([self.up_action, self.down_action])
        if kind == "section":
            menu.addActions([self.nest_action, self.unnest_action])
        menu.addSeparator()
        menu.addActions([self.add_section_action, self.add_sub_action])
        if kind == "section":
            menu.addActions([self.rename_action, self.delete_action])
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # ----------------------------------------------------------- selection
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.editor.set_section(self.model.section_of(current) if current.isValid() else None)

    def selected_passages(self) -> list[int]:
        rows = self._selected("placement")
        return [i.data(PASSAGE_ROLE) for i in rows]

    def _selected(self, kind: str) -> list[QModelIndex]:
        rows = [i for i in self.view.selectionModel().selectedRows() if i.data(KIND_ROLE) == kind]
        current = self.view.currentIndex()
        if not rows and current.isValid() and current.data(KIND_ROLE) == kind:
            rows = [current]
        return rows

    def select(self, index: QModelIndex) -> None:
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def _push(self, command: Command) -> bool:
        try:
            push(self.undo_stack, self.service, command)
        except BrieferError as exc:
            self._say(str(exc))
            return False
        return True

    def _say(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):  # a refused edit is news, not an error dialog
            window.statusBar().showMessage(message, 6000)

    # ------------------------------------------------------------ sections
    def _current_section(self) -> int | None:
        return self.model.section_of(self.view.currentIndex())

    def add_section(self) -> None:
        current = self._current_section()
        parent, position = None, None
        if current is not None:
            s = self.service.outline.section(current)
            parent, position = s.parent, s.position + 1
        command = outline_commands.AddSection("New section", parent=parent, position=position)
        if self._push(command) and command.section_id is not None:
            self._start_rename(command.section_id)

    def add_subsection(self) -> None:
        current = self._current_section()
        command = outline_commands.AddSection("New subsection", parent=current)
        if self._push(command) and command.section_id is not None:
            self._start_rename(command.section_id)

    def _start_rename(self, section_id: int) -> None:
        index = self.model.section_index(section_id)
        self.select(index)
        self.view.edit(index)

    def rename_section(self) -> None:
        index = self.view.currentIndex()
        if index.data(KIND_ROLE) == "section":
            self.view.edit(index)

    def delete_section(self) -> None:
        for index in self._selected("section")[:1]:
            self._push(outline_commands.DeleteSection(index.data(ID_ROLE)))

    def nest_section(self) -> None:
        index = self.view.currentIndex()
        if index.data(KIND_ROLE) != "section":
            return
        s = self.service.outline.section(index.data(ID_ROLE))
        siblings = [x for x in self.service.outline.sections() if x.parent == s.parent]
        above = [x for x in siblings if x.position < s.position]
        if not above:
            return
        new_parent = max(above, key=lambda x: x.position).id
        count = sum(1 for x in self.service.outline.sections() if x.parent == new_parent)
        if self._push(outline_commands.MoveSections([s.id], new_parent, count, label="Nest section")):
            self.select(self.model.section_index(s.id))

    def unnest_section(self) -> None:
        index = self.view.currentIndex()
        if index.data(KIND_ROLE) != "section":
            return
        s = self.service.outline.section(index.data(ID_ROLE))
        if s.parent is None:
            return
        parent = self.service.outline.section(s.parent)
        if self._push(
            outline_commands.MoveSections([s.id], parent.parent, parent.position + 1, label="Un-nest section")
        ):
            self.select(self.model.section_index(s.id))

    # ---------------------------------------------------------- moving rows
    def move_current(self, step: int) -> None:
        index = self.view.currentIndex()
        kind = index.data(KIND_ROLE)
        if kind == "placement":
            pl = self.service.outline.placement(index.data(ID_ROLE))
            count = len(self.service.outline.placements(pl.section))
            target = pl.position + step
            if 0 <= target < count:
                self._push(outline_commands.MovePlacements([pl.id], pl.section, target, label="Move passage"))
                self.select(self.model.placement_index(pl.id))
        elif kind == "section":
            s = self.service.outline.section(index.data(ID_ROLE))
            count = sum(1 for x in self.service.outline.sections() if x.parent == s.parent)
            target = s.position + step
            if 0 <= target < count:
                self._push(outline_commands.MoveSections([s.id], s.parent, target))
                self.select(self.model.section_index(s.id))

    def remove_selected(self) -> None:
        rows = self._selected("placement")
        if rows:
            ids = [i.data(ID_ROLE) for i in rows]
            label = "Remove passage from outline" if len(ids) == 1 else f"Remove {len(ids)} passages from outline"
            self._push(outline_commands.RemovePlacements(ids, label=label))
