"""Widgets that size themselves to their text: an elided quote, note boxes that grow."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """Shows as much of a long text as fits in ``lines`` lines, ending in "…"; the whole text is its tooltip."""

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._lines = lines
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = " ".join(text.split())
        self._elide()

    def is_elided(self) -> bool:
        return self.text() != self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width(), 50)
        # Word wrap leaves the end of each line partly empty: budget a little
        # less than ``lines`` full lines so the elided text never wraps onto one more.
        budget = int(width * self._lines - width * 0.12 * self._lines)
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, budget)
        super().setText(shown)
        self.setToolTip(f"<p>{html.escape(self._full)}</p>" if shown != self._full else "")


class GrowingTextEdit(QPlainTextEdit):
    """A plain-text box as tall as its text, between ``min_lines`` and ``max_lines`` (then it scrolls)."""

    def __init__(self, min_lines: int = 2, max_lines: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_lines = min_lines
        self._max_lines = max_lines
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _size: self._fit())
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._fit()

    def _fit(self) -> None:
        # A plain-text document's height is counted in lines.
        lines = int(self.document().documentLayout().documentSize().height())
        lines = min(max(lines, self._min_lines), self._max_lines)
        margins = self.contentsMargins()
        frame = margins.top() + margins.bottom() + 2 * int(self.document().documentMargin())
        height = lines * self.fontMetrics().lineSpacing() + frame + 2
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)
