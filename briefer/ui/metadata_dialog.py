"""Editing a document's citation details; the change is one undoable command."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from briefer.core.model import DocumentInfo

LANGUAGES = (
    ("en", "English"),
    ("zh-Hans", "Chinese (Simplified)"),
    ("zh-Hant", "Chinese (Traditional)"),
    ("zh", "Chinese"),
    ("und", "Undetermined"),
)


class MetadataDialog(QDialog):
    """Form for title, publisher, author, date, URL and language."""

    def __init__(self, info: DocumentInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Document details")
        self.setObjectName("metadataDialog")
        self.info = info
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for name, label in (
            ("title", "&Title"),
            ("publisher", "&Publisher"),
            ("author", "&Author"),
            ("date", "&Date"),
            ("url", "&URL"),
        ):
            edit = QLineEdit(getattr(info, name))
            edit.setObjectName(f"meta_{name}")
            edit.setMinimumWidth(420)
            self.edits[name] = edit
            form.addRow(label, edit)
        self.edits["date"].setPlaceholderText("YYYY-MM-DD")
        self.language = QComboBox()
        self.language.setObjectName("meta_language")
        for code, name in LANGUAGES:
            self.language.addItem(f"{name} ({code})", code)
        found = self.language.findData(info.language)
        if found < 0:
            self.language.addItem(info.language, info.language)
            found = self.language.count() - 1
        self.language.setCurrentIndex(found)
        form.addRow("&Language", self.language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def changed_fields(self) -> dict[str, str]:
        """Only the fields the analyst actually changed."""
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        values["language"] = self.language.currentData()
        return {k: v for k, v in values.items() if v != getattr(self.info, k)}
