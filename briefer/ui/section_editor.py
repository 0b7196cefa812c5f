"""Edits the current section's stance and Markdown notes (the analyst's framing text).

Each keystroke pushes a ``SetSectionNotes`` that merges with the previous one,
so a burst of typing is one undo step; the editor follows the store through
the service's change events and never overwrites text the analyst is typing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QUndoStack
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from briefer.core.errors import BrieferError
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.lazy import lazy_module
from briefer.ui.outline_model import subscribe_while_alive
from briefer.ui.undo import push

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import outline_commands
else:
    outline_commands = lazy_module("briefer.core.outline_commands")  # loaded on the first edit


class SectionEditor(QWidget):
    """Stance chooser and notes editor for one section at a time."""

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.undo_stack = undo_stack
        self.section_id: int | None = None
        self._loading = False
        self._pushing = False

        self.heading = QLabel("No section selected")
        self.heading.setObjectName("sectionEditorHeading")
        bold = QFont(self.heading.font())
        bold.setBold(True)
        self.heading.setFont(bold)
        self.stance = QComboBox()
        self.stance.setObjectName("sectionStance")
        self.stance.setAccessibleName("Section stance")
        self.stance.setToolTip("The position this section argues; the balance panel counts evidence per stance.")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("sectionNotes")
        self.notes.setAccessibleName("Section notes (Markdown)")
        self.notes.setPlaceholderText("Framing text for this section, in Markdown…")
        self.notes.setTabChangesFocus(True)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Stance:", self.stance)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(QLabel("Notes (Markdown):"))
        layout.addWidget(self.notes, 1)

        self.notes.textChanged.connect(self._notes_edited)
        self.stance.activated.connect(self._stance_chosen)
        subscribe_while_alive(service, self, self._on_change)
        self.set_section(None)

    def set_section(self, section_id: int | None) -> None:
        if section_id == self.section_id and section_id is not None:
            return
        self.section_id = section_id
        self._load(force=True)

    def _on_change(self, change: Change) -> None:
        if change.area in (ChangeArea.OUTLINE, ChangeArea.TAGS):
            self._load(force=False)

    def _load(self, *, force: bool) -> None:
        self._loading = True
        try:
            section = None
            if self.section_id is not None:
                try:
                    section = self.service.outline.section(self.section_id)
                except BrieferError:  # deleted (or undone)
                    self.section_id = None
            self.setEnabled(section is not None)
            self.heading.setText(f"Section: {section.title}" if section else "No section selected")
            self.stance.clear()
            self.stance.addItem("No stance", None)
            for tag in self.service.tags.all():
                if tag.is_stance or (section is not None and tag.id == section.stance):
                    self.stance.addItem(tag.name, tag.id)
            self.stance.setCurrentIndex(max(self.stance.findData(section.stance if section else None), 0))
            notes = section.notes if section else ""
            # Our own keystrokes come back as change events too; rewriting the
            # text then would move the cursor, so only outside edits (undo) reload.
            if force or (notes != self.notes.toPlainText() and not self._pushing):
                cursor = self.notes.textCursor().position()
                self.notes.setPlainText(notes)
                c = self.notes.textCursor()
                c.setPosition(min(cursor, len(notes)))
                self.notes.setTextCursor(c)
        finally:
            self._loading = False

    def _notes_edited(self) -> None:
        if self._loading or self.section_id is None:
            return
        text = self.notes.toPlainText()
        if text == self.service.outline.section(self.section_id).notes:
            return
        self._pushing = True
        try:
            push(self.undo_stack, self.service, outline_commands.SetSectionNotes(self.section_id, text))
        finally:
            self._pushing = False

    def _stance_chosen(self, row: int) -> None:
        if self.section_id is None:
            return
        stance = self.stance.itemData(row)
        if stance != self.service.outline.section(self.section_id).stance:
            push(self.undo_stack, self.service, outline_commands.SetSectionStance(self.section_id, stance))
