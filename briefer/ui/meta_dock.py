"""The Briefing dock: title, author, date, marking line and bottom line.

Each field pushes a ``SetProjectMeta`` per keystroke; consecutive keystrokes in
one field merge into one undo step. The fields follow the store (an undo, the
CLI in another window) but never rewrite the field being typed into.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.lazy import lazy_module
from briefer.ui.outline_model import subscribe_while_alive
from briefer.ui.undo import push

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import outline_commands
else:
    outline_commands = lazy_module("briefer.core.outline_commands")  # loaded on the first edit

_LABELS = {"title": "Title", "author": "Author", "date": "Date", "marking": "Marking", "bottom_line": "Bottom line"}
_HINTS = {
    "title": "What the briefing answers",
    "author": "Who signs it",
    "date": "For example 2026-11-23",
    "marking": "Handling line, e.g. UNCLASSIFIED // FOR OFFICIAL USE",
    "bottom_line": "The answer in two or three sentences, first thing the reader sees",
}


class MetaDock(QDockWidget):
    """Editor for the project's briefing metadata."""

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Briefing", parent)
        self.setObjectName("metaDock")
        self.service = service
        self.undo_stack = undo_stack
        self._pushing = False
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(8, 8, 8, 8)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # fields stay together at the top of a tall dock
        editor: QLineEdit | QPlainTextEdit
        for name, label in _LABELS.items():
            if name == "bottom_line":
                editor = QPlainTextEdit()
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(72)
                editor.textChanged.connect(lambda n=name: self._edited(n))
            else:
                editor = QLineEdit()
                editor.textEdited.connect(lambda _t, n=name: self._edited(n))
            editor.setObjectName(f"meta_{name}")
            editor.setAccessibleName(f"Briefing {label.lower()}")
            editor.setPlaceholderText(_HINTS[name])
            self.fields[name] = editor
            caption = QLabel(f"{label}:")
            caption.setBuddy(editor)
            form.addRow(caption, editor)
        self.setWidget(body)
        self._load()
        subscribe_while_alive(service, self, self._on_change)

    def _text(self, name: str) -> str:
        editor = self.fields[name]
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()

    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.META and not self._pushing:
            self._load()

    def _load(self) -> None:
        meta = self.service.meta()
        self._pushing = True  # setting the text must not push edits of its own
        try:
            for name, editor in self.fields.items():
                value = getattr(meta, name)
                if value == self._text(name):
                    continue
                if isinstance(editor, QPlainTextEdit):
                    editor.setPlainText(value)
                else:
                    editor.setText(value)
        finally:
            self._pushing = False

    def _edited(self, name: str) -> None:
        if self._pushing:
            return
        value = self._text(name)
        if value == getattr(self.service.meta(), name):
            return
        self._pushing = True
        try:
            push(
                self.undo_stack,
                self.service,
                outline_commands.SetProjectMeta(name, value, label=f"Edit {_LABELS[name].lower()}"),
            )
        finally:
            self._pushing = False
