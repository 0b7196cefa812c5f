"""Work that waits for a window's first frame: what the first frame does not show need not delay it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstFrame(QObject):
    """Runs work once ``window`` has painted for the first time (at once, after that)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._waiting: list[Callable[[], None]] = []
        self.done = False  # the first frame is painted and the work waiting for it has run
        window.installEventFilter(self)

    def then(self, work: Callable[[], None]) -> None:
        if self.done:
            work()
        else:
            self._waiting.append(work)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # After the paint returns: work such as a thread's start has no place inside it.
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        self.done = True
        waiting, self._waiting = self._waiting, []
        for work in waiting:
            work()
