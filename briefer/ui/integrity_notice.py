"""The status bar's word on a damaged project: the cheap integrity check, run when a project opens.

Only references are checked here (placements, sections and passages naming
rows that do not exist), which reads no text; ``briefer check`` does the rest.
The notice never blocks: it is a line in the status bar, with the full list
in its tooltip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from briefer.core.service import ProjectService

LISTED = 20  # problems named in the tooltip; the rest are counted


class IntegrityNotice(QLabel):
    """A permanent status-bar label, shown only while the open project has broken references."""

    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__()
        self.setObjectName("integrityNotice")
        self.setAccessibleName("Project damage warning")
        self.setStyleSheet("color: #b03a2e; font-weight: bold;")
        self.problems: list[str] = []
        status_bar.addPermanentWidget(self)
        self.hide()

    def check(self, service: ProjectService) -> None:
        """Run the cheap check on ``service``'s project and say plainly if something is wrong."""
        self.problems = [p.message for p in service.broken_references()]
        if not self.problems:
            self.hide()
            return
        count = len(self.problems)
        # Short, so the status bar never widens the window; the tooltip lists them.
        self.setText(
            f"⚠ This project is damaged: {count} broken reference{'s' if count != 1 else ''} "
            f"(run 'briefer check {service.path.name}')"
        )
        listed = self.problems[:LISTED]
        more = [f"… and {count - LISTED} more"] if count > LISTED else []
        self.setToolTip("\n".join(listed + more))
        self.show()
