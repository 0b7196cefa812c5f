"""The centre of the window: metadata header, find bar, reader and passage editor."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from briefer.core.model import DocumentInfo
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.find_bar import FindBar
from briefer.ui.passage_editor import PassageEditor
from briefer.ui.reader import ReaderView
from briefer.ui.style import muted_text, warning_text

_LANGUAGE_NAMES = {
    "en": "English",
    "zh-Hans": "Chinese (Simplified)",
    "zh-Hant": "Chinese (Traditional)",
    "zh": "Chinese",
    "und": "Language undetermined",
}


class ReaderPanel(QWidget):
    """Composes the reading area; the reader itself does the work."""

    edit_metadata_requested = Signal(int)
    new_tag_requested = Signal()

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerPanel")
        self.service = service
        self.header = QLabel(wordWrap=True)
        self.header.setObjectName("readerHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setOpenExternalLinks(False)
        self.header.linkActivated.connect(self._link)
        self.reader = ReaderView(service, undo_stack)
        self.find_bar = FindBar(self.reader)
        self.editor = PassageEditor(service, undo_stack)
        self.reader.passage_selected.connect(self.editor.show_passage)

        self.editor.new_tag_requested.connect(self.new_tag_requested.emit)
        # The editor takes the height its content needs, below the reader; no
        # splitter, so the reader is never left with a sliver after the editor grows.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.reader, 1)
        layout.addWidget(self.editor)
        service.subscribe(self._on_change)
        self._update_header()

    def open_document(self, doc_id: int | None) -> None:
        self.reader.open_document(doc_id)
        self.editor.show_passage(None)
        self._update_header(self.reader.document_info)

    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.DOCUMENTS and (not change.ids or self.reader.document_id in change.ids):
            self._update_header()

    def _update_header(self, info: DocumentInfo | None = None) -> None:
        doc_id = self.reader.document_id
        if doc_id is None:
            muted = muted_text(self.palette()).name()
            self.header.setText(f"<p style='color:{muted}'>Choose a document in the Corpus to start reading.</p>")
            return
        if info is None or info.id != doc_id:  # details edited since the reader loaded them
            info = self.service.documents.info(doc_id)
        bits = [
            info.publisher,
            info.author,
            info.date,
            _LANGUAGE_NAMES.get(info.language, info.language),
            f"{info.length:,} characters",
        ]
        meta = " · ".join(html.escape(b) for b in bits if b)
        muted = muted_text(self.palette()).name()  # readable on a light or a dark palette
        url = f"<br><span style='color:{muted}'>{html.escape(info.url)}</span>" if info.url else ""
        missing = [name for name in ("publisher", "date") if not getattr(info, name)]
        amber = warning_text(self.palette()).name()
        warn = f" <span style='color:{amber}'>· missing {' and '.join(missing)}</span>" if missing else ""
        self.header.setText(
            f"<div style='font-size:13pt; font-weight:600'>{html.escape(info.title or 'Untitled')}</div>"
            f"<div style='color:{muted}'>{meta}{warn} · <a href='edit'>Edit details…</a></div>{url}"
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the system switched light/dark: recolour the header
            self._update_header()

    def _link(self, href: str) -> None:
        if href == "edit" and self.reader.document_id is not None:
            self.edit_metadata_requested.emit(self.reader.document_id)
