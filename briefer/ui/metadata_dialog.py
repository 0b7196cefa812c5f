"""Editing a document's citation details; the change is one undoable command."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from briefer.core.model import DocumentInfo
from briefer.ui.style import error_text

LANGUAGES = (
    ("en", "English"),
    ("zh-Hans", "Chinese (Simplified)"),
    ("zh-Hant", "Chinese (Traditional)"),
    ("zh", "Chinese"),
    ("und", "Undetermined"),
)


# CSL item types an analyst's sources usually are (any other CSL type can be typed in).
ITEM_TYPES = (
    ("", "Not set"),
    ("report", "Report"),
    ("article-newspaper", "Newspaper article"),
    ("article-magazine", "Magazine article"),
    ("article-journal", "Journal article"),
    ("webpage", "Web page"),
    ("post-weblog", "Blog post"),
    ("book", "Book"),
    ("chapter", "Book chapter"),
    ("speech", "Speech"),
    ("legislation", "Law or regulation"),
    ("document", "Other document"),
)


class MetadataDialog(QDialog):
    """Form for a document's citation details: title, container, publisher, author, date, URL, DOI, type, language."""

    def __init__(self, info: DocumentInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Document details")
        self.setObjectName("metadataDialog")
        self.info = info
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for name, label in (
            ("title", "&Title"),
            ("container", "&Container"),
            ("publisher", "&Publisher"),
            ("author", "&Author"),
            ("date", "&Date"),
            ("url", "&URL"),
            ("doi", "D&OI"),
        ):
            edit = QLineEdit(getattr(info, name))
            edit.setObjectName(f"meta_{name}")
            edit.setMinimumWidth(420)
            self.edits[name] = edit
            form.addRow(label, edit)
        self.edits["date"].setPlaceholderText("YYYY-MM-DD, or e.g. August 2, 2024")
        self.edits["date"].setToolTip("Any common form; it is stored as YYYY-MM-DD (or YYYY-MM, YYYY)")
        self.date_note = QLabel()
        self.date_note.setObjectName("meta_date_note")
        self.date_note.setWordWrap(True)
        self.edits["date"].textEdited.connect(self._check_date)
        form.addRow("", self.date_note)
        self.edits["container"].setPlaceholderText("Newspaper, journal or website")
        self.edits["author"].setPlaceholderText("Given Family; Given Family")
        self.edits["doi"].setPlaceholderText("10.1234/example")
        # Editable: any CSL type, not only the usual ones.
        self.item_type = _choices("meta_type", ITEM_TYPES, info.type, editable=True)
        form.addRow("T&ype", self.item_type)
        self.language = _choices("meta_language", LANGUAGES, info.language)
        form.addRow("&Language", self.language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _check_date(self) -> str | None:
        """The date as stored (ISO), "" for none, or None (with the reason shown) when it cannot be read."""
        from briefer.core.importing.dates import iso_date  # the importers' reading of dates, loaded here only

        text = self.edits["date"].text().strip()
        if not text:
            self.date_note.clear()
            return ""
        iso = iso_date(text)
        if not iso:
            self.date_note.setStyleSheet(f"color: {error_text(self.palette()).name()};")
            self.date_note.setText(f"Cannot read “{text}” as a date: write it as YYYY-MM-DD, or like August 2, 2024.")
            return None
        self.date_note.setStyleSheet("")
        self.date_note.setText("" if iso == text else f"Stored as {iso}.")
        return iso

    def _accept(self) -> None:
        iso = self._check_date()
        if iso is None:
            self.edits["date"].setFocus()
            return
        self.edits["date"].setText(iso)
        self.accept()

    def changed_fields(self) -> dict[str, str]:
        """Only the fields the analyst actually changed."""
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        values["language"] = self.language.currentData()
        values["type"] = self.selected_type()
        return {k: v for k, v in values.items() if v != getattr(self.info, k)}

    def selected_type(self) -> str:
        """The chosen CSL type: a listed one's code, or what the analyst typed."""
        index = self.item_type.currentIndex()
        text = self.item_type.currentText().strip()
        if index >= 0 and self.item_type.itemText(index) == text:
            return str(self.item_type.itemData(index) or "")
        return text


def _choices(name: str, choices: tuple[tuple[str, str], ...], current: str, *, editable: bool = False) -> QComboBox:
    """A combo box of ``(code, label)`` choices showing ``current``, added if it is none of them."""
    box = QComboBox()
    box.setObjectName(name)
    box.setEditable(editable)
    for code, label in choices:
        box.addItem(f"{label} ({code})" if code else label, code)
    found = box.findData(current)
    if found < 0:
        box.addItem(current, current)
        found = box.count() - 1
    box.setCurrentIndex(found)
    return box
