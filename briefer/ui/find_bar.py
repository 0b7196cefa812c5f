"""Find in the current document: a slim bar above the reader (Ctrl+F)."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QToolButton, QWidget

MAX_COUNTED = 10_000  # past this the bar says "10,000+" rather than count on


class FindBar(QWidget):
    """Searches a text view forwards and backwards, wrapping at the ends."""

    def __init__(self, view: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.setAccessibleName("Find bar")
        self.view = view
        self.edit = QLineEdit(placeholderText="Find in document")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Find in document")
        self.status = QLabel()
        self.status.setObjectName("findStatus")
        self.status.setAccessibleName("Find result")
        self._cache_key: tuple[str, int, int] | None = None
        self._cache: list[int] = []
        prev_button = _tool_button("▲", "Previous match (Shift+F3)")
        next_button = _tool_button("▼", "Next match (F3)")
        close_button = _tool_button("✕", "Close (Esc)")
        prev_button.clicked.connect(self.find_previous)
        next_button.clicked.connect(self.find_next)
        close_button.clicked.connect(self.close_bar)
        self.edit.returnPressed.connect(self.find_next)
        self.edit.textEdited.connect(lambda _: self._find(backward=False, from_start_of_match=True))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(prev_button)
        layout.addWidget(next_button)
        layout.addWidget(self.status)
        layout.addWidget(close_button)
        for seq, slot, what in (
            (QKeySequence.StandardKey.FindNext, self.find_next, "Next match"),
            (QKeySequence.StandardKey.FindPrevious, self.find_previous, "Previous match"),
            (QKeySequence(Qt.Key.Key_Escape), self.close_bar, "Close the find bar"),
        ):
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.setWhatsThis(what)  # named in Help > Keyboard Shortcuts
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.edit.setText(selected)
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.view.setFocus()

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, *, backward: bool, from_start_of_match: bool = False) -> bool:
        needle = self.edit.text()
        if not needle:
            self.status.clear()
            return False
        if from_start_of_match:  # typing refines the current match instead of skipping it
            cursor = self.view.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.view.setTextCursor(cursor)
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        found = self.view.find(needle, flags)
        wrapped = False
        if not found:  # wrap around
            cursor = self.view.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backward else cursor.MoveOperation.Start)
            self.view.setTextCursor(cursor)
            found = self.view.find(needle, flags)
            wrapped = found
        self.status.setText(self._position_text(needle, wrapped=wrapped, backward=backward) if found else "Not found")
        self.edit.setProperty("notFound", not found)
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        if found:
            self.view.centerCursor()
        return found

    def _matches(self, needle: str) -> list[int]:
        """Where every match starts (as QTextDocument.find sees them), kept until the needle or text changes."""
        document = self.view.document()
        key = (needle, document.revision(), id(document))
        if self._cache_key != key:
            starts: list[int] = []
            cursor = document.find(needle, 0)
            while not cursor.isNull() and len(starts) < MAX_COUNTED:
                starts.append(cursor.selectionStart())
                cursor = document.find(needle, cursor)
            self._cache_key, self._cache = key, starts
        return self._cache

    def _position_text(self, needle: str, *, wrapped: bool, backward: bool) -> str:
        """ "3 of 12" for the current match, saying so when the search went round the end."""
        starts = self._matches(needle)
        total = f"{len(starts):,}+" if len(starts) >= MAX_COUNTED else f"{len(starts):,}"
        at = bisect_left(starts, self.view.textCursor().selectionStart())
        text = f"{at + 1:,} of {total}" if at < len(starts) else total
        if wrapped:
            text += " · from the end" if backward else " · from the top"
        return text


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button
