"""The status bar's word on a damaged project: the cheap integrity check, run when a project opens.

Only references are checked here (placements, sections and passages naming
rows that do not exist), which reads no text; ``briefer check`` does the rest.
The notice never blocks: it is a line in the status bar, with the full list
in its tooltip.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from briefer.core.service import ProjectService

LISTED = 20  # problems named in the tooltip; the rest are counted
POLL_MS = 50


def broken_references(project: Path) -> list[str]:
    """The cheap check on a read-only connection of its own (it runs in a worker thread)."""
    from briefer.core.integrity import check_references
    from briefer.core.project import open_for_reading

    with open_for_reading(project) as store:
        return [p.message for p in check_references(store)]


class IntegrityNotice(QLabel):
    """A permanent status-bar label, shown only while the open project has broken references."""

    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__()
        self.setObjectName("integrityNotice")
        self.setAccessibleName("Project damage warning")
        self.setStyleSheet("color: #b03a2e; font-weight: bold;")
        self.problems: list[str] = []
        self.checked = False  # the last check started has finished
        self._pending: dict[str, list[str]] | None = None  # filled by the checking thread
        self._name = ""
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        status_bar.addPermanentWidget(self)
        self.hide()

    def check(self, service: ProjectService) -> None:
        """Run the cheap check on ``service``'s project and say plainly if something is wrong.

        In a worker thread: on a 10,000-document project it takes tens of
        milliseconds, which the window's first frame need not wait for.
        """
        # A plain thread, not a BackgroundJob: its concurrent.futures import would be paid at start-up.
        path, self._name, self.checked = Path(service.path), service.path.name, False
        box: dict[str, list[str]] = {}
        self._pending = box  # a check started earlier fills a box no one reads any more

        def run() -> None:
            try:
                box["problems"] = broken_references(path)
            except Exception as exc:  # a file too damaged to read at all is damage too
                box["problems"] = [f"the project could not be checked: {exc}"]

        threading.Thread(target=run, name="briefer-integrity", daemon=True).start()
        self._poll.start()

    def _collect(self) -> None:
        box = self._pending
        if box is None or "problems" not in box:
            return
        self._pending = None
        self._poll.stop()
        self._show(box["problems"])

    def _show(self, problems: list[str]) -> None:
        self.problems, self.checked = problems, True
        if not self.problems:
            self.hide()
            return
        count = len(self.problems)
        # Short, so the status bar never widens the window; the tooltip lists them.
        self.setText(
            f"⚠ This project is damaged: {count} broken reference{'s' if count != 1 else ''} "
            f"(run 'briefer check {self._name}')"
        )
        listed = self.problems[:LISTED]
        more = [f"… and {count - LISTED} more"] if count > LISTED else []
        self.setToolTip("\n".join(listed + more))
        self.show()
