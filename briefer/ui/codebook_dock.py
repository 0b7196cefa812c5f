"""The Codebook dock: the tag tree with colours, key numbers and counts.

Every edit here is a core command pushed on the undo stack; the tree is rebuilt
from the store when the codebook changes (it is small) with expansion and
selection restored by tag id, and only its counts are touched when passages change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QStandardItem, QStandardItemModel, QUndoStack

# Dialogs are imported where they open: PySide6 builds a class's Python type and
# enums on its first use (1-3 ms for each dialog class) and start-up needs none.
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QMenu,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from briefer.core.errors import BrieferError
from briefer.core.model import Tag
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.lazy import lazy_module
from briefer.ui.mime import TAGS_MIME, encode_tags
from briefer.ui.outline_model import subscribe_while_alive
from briefer.ui.style import muted_text, swatch
from briefer.ui.undo import push

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import commands
    from briefer.core.commands import Command
else:
    commands = lazy_module("briefer.core.commands")  # loaded on the first edit, not at start-up

TagIdRole = Qt.ItemDataRole.UserRole + 1
_PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
STANCE_MARK = "◆"


class TagItemModel(QStandardItemModel):
    """The codebook tree; dragging a tag carries its id (onto the outline it becomes a section)."""

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [TAGS_MIME, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        ids = list(dict.fromkeys(i.siblingAtColumn(0).data(TagIdRole) for i in indexes if i.isValid()))
        ids = [i for i in ids if i is not None]
        names = [self.itemFromIndex(i.siblingAtColumn(0)).text() for i in indexes if i.column() == 0]
        return encode_tags(ids, names)


class CodebookDock(QDockWidget):
    """Shows the codebook and offers every codebook edit as an undoable action."""

    tag_activated = Signal(int)  # double-click: show this tag's passages
    message = Signal(str)

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Codebook", parent)
        self.setObjectName("codebookDock")
        self.service = service
        self.undo_stack = undo_stack
        self.model = TagItemModel(self)
        self.model.setHorizontalHeaderLabels(["Tag", "Key", "Uses"])
        self.view = QTreeView()
        self.view.setObjectName("codebookView")
        self.view.setAccessibleName("Codebook")
        self.view.setModel(self.model)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformRowHeights(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(self._double_clicked)
        header = self.view.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        # Widths from the font, as in the corpus: ResizeToContents measures every
        # row of the column again each time a count changes (every tag applied).
        metrics = self.view.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for col, sample in ((1, "Key"), (2, "Uses 00000")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, metrics.horizontalAdvance(sample) + pad)
        self._build_actions()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view)
        self.setWidget(body)
        self._items: dict[int, QStandardItem] = {}  # tag id -> its name item
        self._uses: dict[int, tuple[QStandardItem, int]] = {}  # tag id -> its "Uses" item and number
        self._built = False
        subscribe_while_alive(service, self, self._on_change)
        self.rebuild()

    # ------------------------------------------------------------- actions
    def _build_actions(self) -> None:
        def action(text: str, slot: object, shortcut: QKeySequence | str | None = None) -> QAction:
            act = QAction(text, self)
            act.triggered.connect(slot)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.view.addAction(act)
            return act

        # Ctrl+N and Delete belong to the window (File > New, Edit > Delete, which
        # deletes the selected tag when this view has focus); a second binding
        # here would make both ambiguous and neither would fire.
        self.add_action = action("New tag…", self.add_tag, "Ins")
        self.add_child_action = action("New sub-tag…", self.add_child_tag)
        self.rename_action = action("Rename…", self.rename_tag, "F2")
        self.color_action = action("Colour…", self.recolour_tag)
        self.stance_action = action("Stance tag", self.toggle_stance)
        self.stance_action.setCheckable(True)
        self.up_action = action("Move up", lambda: self.move_selected(-1), "Ctrl+Up")
        self.down_action = action("Move down", lambda: self.move_selected(1), "Ctrl+Down")
        self.indent_action = action("Nest under tag above", self.indent_selected, "Ctrl+Right")
        self.outdent_action = action("Move out of parent", self.outdent_selected, "Ctrl+Left")
        self.merge_action = action("Merge into…", self.merge_selected)
        self.delete_action = action("Delete tag…", self.delete_selected)
        self.toolbar = QToolBar()
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.75)
        self.toolbar.addAction(self.add_action)
        more = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        more.setText("Edit tag")
        more.setMenu(self._edit_menu())
        self.toolbar.addWidget(more)

    def _edit_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.aboutToShow.connect(self._update_actions)
        for act in (
            self.add_child_action,
            self.rename_action,
            self.color_action,
            self.stance_action,
            None,
            self.up_action,
            self.down_action,
            self.indent_action,
            self.outdent_action,
            None,
            self.merge_action,
            self.delete_action,
        ):
            menu.addSeparator() if act is None else menu.addAction(act)
        return menu

    def _update_actions(self) -> None:
        tag = self.selected_tag()
        for act in (
            self.add_child_action,
            self.rename_action,
            self.color_action,
            self.stance_action,
            self.up_action,
            self.down_action,
            self.indent_action,
            self.outdent_action,
            self.merge_action,
            self.delete_action,
        ):
            act.setEnabled(tag is not None)
        self.stance_action.setChecked(bool(tag and tag.is_stance))

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.add_action)
        menu.addSeparator()
        for act in self._edit_menu().actions():
            menu.addAction(act)
        self._update_actions()
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _run(self, command: Command) -> bool:
        from PySide6.QtWidgets import QMessageBox

        try:
            push(self.undo_stack, self.service, command)
        except BrieferError as exc:
            QMessageBox.warning(self, "Codebook", str(exc))
            return False
        return True

    # ------------------------------------------------------------ commands
    def selected_tag(self) -> Tag | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        tag_id = index.siblingAtColumn(0).data(TagIdRole)
        return next((t for t in self.service.tags.all() if t.id == tag_id), None)

    def select_tag(self, tag_id: int) -> None:
        item = self._items.get(tag_id)
        if item is not None:
            self.view.setCurrentIndex(item.index())

    def _next_color(self) -> str:
        used = {t.color.lower() for t in self.service.tags.all()}
        return next((c for c in _PALETTE if c not in used), _PALETTE[len(used) % len(_PALETTE)])

    def add_tag(self, *, parent: int | None = None) -> None:
        """The New Tag dialog (name, colour, parent, stance, key); the tag is added as one undo step."""
        from briefer.ui.new_tag_dialog import NewTagDialog  # loaded on first use

        dialog = NewTagDialog(self.service.tags.all(), self._next_color(), parent, self)
        if not dialog.exec():
            return
        new = dialog.result_tag()
        command = commands.AddTag(
            new.name, new.color, parent=new.parent, is_stance=new.is_stance, position=new.position
        )
        if self._run(command) and command.tag_id is not None:
            self.select_tag(command.tag_id)

    def add_child_tag(self) -> None:
        tag = self.selected_tag()
        self.add_tag(parent=tag.id if tag else None)

    def rename_tag(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        tag = self.selected_tag()
        if tag is None:
            return
        name, ok = QInputDialog.getText(self, "Rename tag", "Tag name:", text=tag.name)
        if ok and name.strip() and name.strip() != tag.name:
            self._run(commands.EditTag(tag.id, {"name": name.strip()}, "Rename tag"))

    def recolour_tag(self) -> None:
        from PySide6.QtWidgets import QColorDialog

        tag = self.selected_tag()
        if tag is None:
            return
        color = QColorDialog.getColor(QColor(tag.color), self, f"Colour for {tag.name}")
        if color.isValid() and color.name() != tag.color:
            self._run(commands.EditTag(tag.id, {"color": color.name()}, "Recolour tag"))

    def toggle_stance(self) -> None:
        tag = self.selected_tag()
        if tag is not None:
            label = "Unmark stance tag" if tag.is_stance else "Mark as stance tag"
            self._run(commands.EditTag(tag.id, {"is_stance": not tag.is_stance}, label))

    def _siblings(self, parent: int | None) -> list[Tag]:
        return [t for t in self.service.tags.all() if t.parent == parent]

    def move_selected(self, step: int) -> None:
        tag = self.selected_tag()
        if tag is None:
            return
        position = tag.position + step
        if 0 <= position < len(self._siblings(tag.parent)):
            self._run(commands.MoveTag(tag.id, tag.parent, position, "Reorder tag"))
            self.select_tag(tag.id)

    def indent_selected(self) -> None:
        tag = self.selected_tag()
        if tag is None or tag.position == 0:
            return
        above = next(t for t in self._siblings(tag.parent) if t.position == tag.position - 1)
        self._run(commands.MoveTag(tag.id, above.id, len(self._siblings(above.id)), "Nest tag"))
        self.view.expand(self._items[above.id].index())
        self.select_tag(tag.id)

    def outdent_selected(self) -> None:
        tag = self.selected_tag()
        if tag is None or tag.parent is None:
            return
        parent = self.service.tags.get(tag.parent)
        self._run(commands.MoveTag(tag.id, parent.parent, parent.position + 1, "Un-nest tag"))
        self.select_tag(tag.id)

    def merge_selected(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        tag = self.selected_tag()
        if tag is None:
            return
        excluded = commands.tag_subtree(self.service, tag.id)
        targets = [t for t in self.service.tags.all() if t.id not in excluded]
        if not targets:
            return
        name, ok = QInputDialog.getItem(
            self, "Merge tag", f"Move the passages of “{tag.name}” to:", [t.name for t in targets], 0, False
        )
        if ok:
            target = next(t for t in targets if t.name == name)
            if self._run(commands.MergeTags(tag.id, target.id, f"Merge {tag.name} into {target.name}")):
                self.select_tag(target.id)

    def delete_selected(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        tag = self.selected_tag()
        if tag is None:
            return
        used = self.service.tags.usage(tag.id)
        children = len(commands.tag_subtree(self.service, tag.id)) - 1
        if used or children:
            what = f"{used} passage{'s' if used != 1 else ''}" + (
                f" and its {children} sub-tag{'s' if children != 1 else ''}" if children else ""
            )
            answer = QMessageBox.question(
                self,
                "Delete tag",
                f"Delete the tag “{tag.name}”? It is used by {what}.\n"
                "The passages stay; they only lose this tag. You can undo this.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._run(commands.DeleteTag(tag.id, f"Delete tag {tag.name}"))

    # ------------------------------------------------------------- display
    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.TAGS:
            self.rebuild()
        elif change.area is ChangeArea.PASSAGES:
            self._update_counts(change.tags)

    def rebuild(self) -> None:
        first_build, self._built = not self._built, True
        expanded = {tid for tid, item in self._items.items() if self.view.isExpanded(item.index())}
        current = self.selected_tag() if not first_build else None
        self.model.removeRows(0, self.model.rowCount())
        self._items = {}
        self._uses = {}
        counts = self.service.tags.counts()
        for number, tag in enumerate(self.service.tags.all(), start=1):
            name = QStandardItem(swatch(tag.color, 14), f"{tag.name}  {STANCE_MARK}" if tag.is_stance else tag.name)
            name.setData(tag.id, TagIdRole)
            name.setToolTip(f"{'Stance tag. ' if tag.is_stance else ''}{tag.description}".strip() or tag.name)
            if tag.is_stance:
                font = QFont()
                font.setBold(True)
                name.setFont(font)
            key = QStandardItem(str(number) if number <= 9 else "")
            key.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            key.setForeground(muted_text(self.palette()))
            key.setToolTip(f"Press {number} in the reader to apply this tag" if number <= 9 else "")
            count = QStandardItem(str(counts.get(tag.id, 0)))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row = [name, key, count]
            for item in row:
                item.setEditable(False)
            parent = self._items.get(tag.parent) if tag.parent is not None else None
            (parent or self.model.invisibleRootItem()).appendRow(row)
            self._items[tag.id] = name
            self._uses[tag.id] = (count, counts.get(tag.id, 0))
        for tid, item in self._items.items():
            if first_build or tid in expanded:
                self.view.expand(item.index())
        if current is not None and current.id in self._items:
            self.view.setCurrentIndex(self._items[current.id].index())

    def _update_counts(self, tags: tuple[int, ...] | None = None) -> None:
        # A change that names its tags (a tagging) recounts those alone; else one
        # GROUP BY over the tag index. Only the cells whose number changed are
        # touched, so one tagging repaints one or two rows.
        counts = self.service.tags.counts(tags)
        for tid, (cell, shown) in self._uses.items():
            if (tags is None or tid in counts) and counts.get(tid, 0) != shown:
                cell.setText(str(counts.get(tid, 0)))
                self._uses[tid] = (cell, counts.get(tid, 0))

    def _double_clicked(self, index: QModelIndex) -> None:
        tag_id = index.siblingAtColumn(0).data(TagIdRole)
        if tag_id is not None:
            self.tag_activated.emit(tag_id)
