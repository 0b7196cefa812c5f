"""Editor for the current passage: tags, note (Markdown) and translation.

Typing pushes ``SetPassageField`` commands that merge on the undo stack, so a
burst of typing is one undo step; the editor never writes the store itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from briefer.core.errors import NotFoundError
from briefer.core.model import Passage
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.fitted_widgets import ElidedLabel, GrowingTextEdit
from briefer.ui.lazy import lazy_module
from briefer.ui.tag_chips import TagChips
from briefer.ui.undo import push

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import commands
else:
    commands = lazy_module("briefer.core.commands")  # loaded on the first edit, not at start-up


class PassageEditor(QWidget):
    """Shows and edits one passage; hidden when none is selected."""

    new_tag_requested = Signal()  # "New tag…" in the Add tag menu

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passageEditor")
        self.setAccessibleName("Passage editor")
        self.service = service
        self.undo_stack = undo_stack
        self.passage_id: int | None = None
        self._loading = False

        self.quote = ElidedLabel(lines=2)
        self.quote.setObjectName("passageQuote")
        self.quote.setAccessibleName("Quote")
        self.tags = TagChips()
        self.tags.toggled.connect(self._tag_toggled)
        self.tags.new_tag_requested.connect(self.new_tag_requested.emit)
        self.note = GrowingTextEdit(min_lines=2, max_lines=8)
        self.note.setPlaceholderText("Why this matters (Markdown)…")
        self.note.setObjectName("passageNote")
        self.translation = GrowingTextEdit(min_lines=2, max_lines=8)
        self.translation.setPlaceholderText("Translation, for sources not in English…")
        self.translation.setObjectName("passageTranslation")
        for edit in (self.note, self.translation):
            edit.setTabChangesFocus(True)
        self.note.textChanged.connect(lambda: self._field_edited("note", self.note))
        self.translation.textChanged.connect(lambda: self._field_edited("translation", self.translation))

        self.note.setAccessibleName("Note")
        self.translation.setAccessibleName("Translation")
        self.note.setAccessibleDescription("Your note on this passage, in Markdown; it goes into the briefing")
        self.translation.setAccessibleDescription("An English rendering of the quote, for sources in other languages")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(4)
        layout.addWidget(self.quote)
        layout.addWidget(self.tags)
        texts = QHBoxLayout()
        texts.addWidget(self.note, 3)
        texts.addWidget(self.translation, 2)
        layout.addLayout(texts)
        layout.addStretch(1)
        service.subscribe(self._on_change)
        self.hide()

    def show_passage(self, passage_id: int | None) -> None:
        self.passage_id = passage_id
        self._load()

    def _load(self) -> None:
        passage = self._current()
        self.setVisible(passage is not None)
        if passage is None:
            return
        self._loading = True
        try:
            self.quote.set_full_text(f"“{passage.quote}”")
            self.tags.show_tags(passage.id, self.service.tags.all(), set(passage.tags))
            # Only replace text that differs: resetting an edit being typed in
            # would move its caret to the start.
            for edit, value in ((self.note, passage.note), (self.translation, passage.translation)):
                if edit.toPlainText() != value:
                    edit.setPlainText(value)
        finally:
            self._loading = False

    def _current(self) -> Passage | None:
        if self.passage_id is None:
            return None
        try:
            return self.service.passages.get(self.passage_id)
        except NotFoundError:
            self.passage_id = None
            return None

    def _on_change(self, change: Change) -> None:
        if change.area in (ChangeArea.PASSAGES, ChangeArea.TAGS) and not self._loading:
            if change.area is ChangeArea.TAGS or not change.ids or self.passage_id in change.ids:
                self._load()

    def _field_edited(self, name: str, edit: QPlainTextEdit) -> None:
        if self._loading or self.passage_id is None:
            return
        label = "Edit note" if name == "note" else "Edit translation"
        self._loading = True  # our own change event must not reload the edit being typed in
        try:
            push(
                self.undo_stack,
                self.service,
                commands.SetPassageField(self.passage_id, name, edit.toPlainText(), label),
            )
        finally:
            self._loading = False

    def _tag_toggled(self, tag_id: int, add: bool) -> None:
        if self._loading or self.passage_id is None:
            return
        push(
            self.undo_stack,
            self.service,
            commands.TogglePassageTag(
                self.passage_id, tag_id, add, "Add tag to passage" if add else "Remove tag from passage"
            ),
        )
