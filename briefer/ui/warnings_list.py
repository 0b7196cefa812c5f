"""The export warnings as a list the analyst can act on, and the popup that shows it.

The preview's warning count opens :class:`WarningsDialog`; the export dialog
shows the same :class:`WarningsList`. Choosing a warning (double-click or
Enter) emits ``warning_chosen`` with the warning; the main window takes the
analyst to its document, section or passage.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from briefer.export.export_warnings import CITATION, SECTION, TRANSLATION, UNVERIFIED, ExportWarning

WARNING_ROLE = Qt.ItemDataRole.UserRole + 1
_WHERE = {CITATION: "Source", SECTION: "Section", TRANSLATION: "Passage", UNVERIFIED: "Passage"}


def warnings_text(count: int) -> str:
    return f"{count} citation warning{'s' if count != 1 else ''}" if count else ""


class WarningsList(QListWidget):
    """One row per warning: what it concerns, then its message."""

    warning_chosen = Signal(object)  # ExportWarning

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningsList")
        self.setAccessibleName("Export warnings")
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.itemActivated.connect(self._activated)

    def set_warnings(self, warnings: list[ExportWarning]) -> None:
        self.clear()
        for warning in warnings:
            item = QListWidgetItem(f"⚠ {_WHERE.get(warning.kind, 'Export')}: {warning.message}")
            item.setData(WARNING_ROLE, warning)
            item.setToolTip("Double-click or press Enter to go there")
            self.addItem(item)

    def warnings(self) -> list[ExportWarning]:
        return [self.item(row).data(WARNING_ROLE) for row in range(self.count())]

    def _activated(self, item: QListWidgetItem) -> None:
        warning = item.data(WARNING_ROLE)
        if isinstance(warning, ExportWarning):
            self.warning_chosen.emit(warning)


class WarningsDialog(QDialog):
    """The preview's warnings in a small window; choosing one closes it and goes there."""

    warning_chosen = Signal(object)  # ExportWarning

    def __init__(self, warnings: list[ExportWarning], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningsDialog")
        self.setWindowTitle("Export warnings")
        self.list = WarningsList()
        self.list.set_warnings(warnings)
        self.list.warning_chosen.connect(self._chosen)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Fix these before sending the briefing; double-click one to go there."))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def _chosen(self, warning: ExportWarning) -> None:
        self.accept()
        self.warning_chosen.emit(warning)
