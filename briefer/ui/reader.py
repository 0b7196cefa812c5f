"""The reader: one document's text, its passages painted in tag colours.

This widget is the only place where Qt's UTF-16 positions meet the project's
code-point offsets (see ``offsets.py``): everything that leaves it is in code
points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDrag,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QTextCursor,
    QTextDocument,
    QUndoStack,
)
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit, QToolTip, QWidget

from briefer.core.errors import BrieferError, NotFoundError
from briefer.core.model import DocumentInfo
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.highlighter import PassageHighlighter, Span
from briefer.ui.lazy import lazy_module
from briefer.ui.mime import encode_passages
from briefer.ui.offsets import OffsetMap
from briefer.ui.reader_layout import add_paragraph_spacing
from briefer.ui.style import reading_font, swatch
from briefer.ui.undo import push

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import commands
else:
    commands = lazy_module("briefer.core.commands")  # loaded on the first edit, not at start-up

_UNTAGGED = "#b0b0b0"
# The keys keyPressEvent() handles itself (not actions), for Help > Keyboard Shortcuts.
READER_KEYS = (
    ("Tag the selection with codebook tag 1–9", "1 … 9"),
    ("Delete the current passage", "Delete, Backspace"),
)
PARAGRAPH_SPACING = 7  # pixels after each paragraph: about a third of a line
DOCUMENT_MARGIN = 14


class ReaderView(QPlainTextEdit):
    """Read-only document view that tags selections and reports clicked passages."""

    passage_selected = Signal(object)  # passage id, or None when a click hits no passage
    message = Signal(str)  # a short notice for the status bar

    def __init__(self, service: ProjectService, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setAccessibleName("Reader")
        self.setAccessibleDescription(
            "The document's text. Select words and press 1 to 9 to tag them; click a tagged passage to edit it."
        )
        self.setReadOnly(True)
        # Keep the caret and keyboard selection working in a read-only view.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._document = self._new_document(self.font())
        self.setDocument(self._document)
        self.setMouseTracking(True)
        self.service = service
        self.undo_stack = undo_stack
        self.document_id: int | None = None
        self.document_info: DocumentInfo | None = None
        self.current_passage: int | None = None
        self._text = ""
        self._map = OffsetMap("")
        self._tag_colors: tuple[dict[int, str], dict[int, int]] | None = None
        self.highlighter = PassageHighlighter(self, self._spans_in, self._passage_colors)
        service.subscribe(self._on_change)

    # ------------------------------------------------------------- documents
    def open_document(self, doc_id: int | None) -> None:
        if doc_id == self.document_id:
            return
        self.document_id = doc_id
        self.current_passage = None
        font = None
        self.document_info = None
        if doc_id is None:
            self._text = ""
        else:
            doc = self.service.documents.get(doc_id)
            self._text = doc.text
            self.document_info = doc  # its details, for the panel's header
            font = reading_font(doc.language)
        self._map = OffsetMap(self._text)
        self.highlighter.clear()  # the old spans belong to the old text
        # Each text gets a QTextDocument of its own, and the old one is deleted
        # with every cursor on it and its blocks' highlight formats. Qt moves each
        # cursor registered on a document along at every insertion, so setPlainText
        # costs blocks x cursors (when highlights were extra selections, the cursors
        # PySide6 left on a reused document made a 2 MB setPlainText take 2-3x a
        # bare QPlainTextEdit's; benchmarks/README.md).
        font = font if font is not None else self.font()
        old, self._document = self._document, self._new_document(font)
        self.setDocument(self._document)
        if font != self.font():
            self.setFont(font)  # the new document is empty: nothing is laid out twice
        # setDocument() hands ownership to the widget, which never deletes a document
        # it did not create: delete it here, or every document opened stays in memory.
        shiboken6.delete(old)
        self.setPlainText(self._text)
        # The passages in view alone: on the 30,000-passage document the padding
        # (a screen either side) doubled the pieces to build and lay out before
        # the text first shows; the first scroll covers it.
        self.highlighter.repaint(pad=0)

    def _new_document(self, font: QFont) -> QTextDocument:
        """An empty document laid out the reader's way (paragraph spacing, margin, font)."""
        document = QTextDocument()  # deleted by open_document() when the next text replaces it
        add_paragraph_spacing(document, PARAGRAPH_SPACING)
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setDefaultFont(font)
        document.setUndoRedoEnabled(False)  # read-only text: edits go through the QUndoStack, not the document
        return document

    def text(self) -> str:
        return self._text

    # --------------------------------------------------------------- offsets
    def selection_offsets(self) -> tuple[int, int] | None:
        """The selection as code-point offsets into the document text."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._map.to_codepoint(cursor.selectionStart())
        end = self._map.to_codepoint(cursor.selectionEnd())
        # Trim whitespace the mouse tends to catch at either end.
        while start < end and self._text[start].isspace():
            start += 1
        while end > start and self._text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def select_range(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` (code points) and scroll it into view."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def passages_at(self, u16: int) -> list[int]:
        """Passages containing UTF-16 position ``u16``, innermost (shortest) first."""
        if self.document_id is None:
            return []
        cp = self._map.to_codepoint(u16)
        rows = self.service.passages.overlapping(self.document_id, cp, cp + 1)
        return [pid for pid, start, end in sorted(rows, key=lambda r: (r[2] - r[1], r[1], r[0]))]

    def _spans_in(self, a: int, b: int) -> list[Span]:
        """The open document's passages touching UTF-16 range ``[a, b)``."""
        if self.document_id is None:
            return []
        m = self._map
        rows = self.service.passages.overlapping(self.document_id, m.to_codepoint(a), m.to_codepoint(b) + 1)
        if m.identity:  # the usual case: every conversion would be a no-op
            return [Span(start, end, pid) for pid, start, end in rows]
        return [Span(m.to_utf16(start), m.to_utf16(end), pid) for pid, start, end in rows]

    def _position(self, passage_id: int | None) -> tuple[int, int] | None:
        """Code-point span of a passage of the open document, or None."""
        if passage_id is None or self.document_id is None:
            return None
        rows = self.service.passages.positions(self.document_id, [passage_id])
        return (rows[0][1], rows[0][2]) if rows else None

    # --------------------------------------------------------------- tagging
    def apply_tag(self, tag_id: int) -> int | None:
        """Tag the selection; returns the passage id."""
        span = self.selection_offsets()
        if self.document_id is None or span is None:
            self.message.emit("Select some text first, then apply a tag.")
            return None
        command = commands.CreatePassage(self.document_id, span[0], span[1], (tag_id,))
        try:
            push(self.undo_stack, self.service, command)
        except BrieferError as exc:
            self.message.emit(str(exc))
            return None
        self.select_passage(command.passage_id)
        self.passage_selected.emit(command.passage_id)
        return command.passage_id

    def apply_nth_tag(self, n: int) -> int | None:
        tags = self.service.tags.all()
        if not 1 <= n <= len(tags):
            self.message.emit(f"The codebook has no tag number {n}.")
            return None
        return self.apply_tag(tags[n - 1].id)

    def delete_current_passage(self) -> bool:
        passage_id = self.current_passage
        if passage_id is None or self._position(passage_id) is None:
            return False
        push(self.undo_stack, self.service, commands.DeletePassage(passage_id))
        return True

    def select_passage(self, passage_id: int | None, *, scroll: bool = False) -> None:
        """Mark a passage as the current one (underlined); optionally scroll to it."""
        self.current_passage = passage_id
        span = self._position(passage_id) if scroll else None
        if span is not None:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._map.to_utf16(span[0]))
            self.setTextCursor(cursor)
            self.centerCursor()
        self.highlighter.set_selected(passage_id)

    # --------------------------------------------------------------- refresh
    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.TAGS:
            self._tag_colors = None
            self._reload_passages()  # recolours: every cached colour is dropped
        elif change.area is ChangeArea.PASSAGES:
            self._reload_passages(change.ids or None)
        elif change.area is ChangeArea.DOCUMENTS and self.document_id is not None:
            try:
                info = self.service.documents.info(self.document_id)
            except NotFoundError:
                self.open_document(None)
                return
            if self.document_info is not None and info.sha256 != self.document_info.sha256:
                # A new version of its text (briefer update), or an update undone: show the text as stored.
                doc_id, self.document_id = self.document_id, None
                self.open_document(doc_id)

    def _reload_passages(self, ids: tuple[int, ...] | None = None) -> None:
        """Passages changed (all, or just ``ids``): repaint what is in view from the store."""
        self.highlighter.forget(ids)
        current = self.current_passage
        if current is not None and (ids is None or current in ids) and self._position(current) is None:
            self.current_passage = None

    def _passage_colors(self, ids: list[int]) -> dict[int, str]:
        """Each passage shows the colour of its first tag in codebook order."""
        if self._tag_colors is None:
            tags = self.service.tags.all()
            self._tag_colors = ({t.id: t.color for t in tags}, {t.id: i for i, t in enumerate(tags)})
        colors, order = self._tag_colors
        result = {}
        for pid, tag_ids in self.service.passages.tags_of(ids).items():  # every id, tagged or not
            known = [t for t in tag_ids if t in colors]
            result[pid] = colors[min(known, key=order.__getitem__)] if known else _UNTAGGED
        return result

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switched: text colours on the tints follow
            self.highlighter.palette_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.highlighter.follow_view()  # a taller or narrower view shows other text

    # ---------------------------------------------------------- Qt overrides
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.apply_nth_tag(key - Qt.Key.Key_0)
            return
        if plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.delete_current_passage():
            return
        super().keyPressEvent(event)

    def drag_mime(self) -> QMimeData | None:
        """What dragging the current passage carries (into the outline, or as text elsewhere)."""
        passage_id = self.current_passage
        if passage_id is None or self._position(passage_id) is None:
            return None
        passage = self.service.passages.get(passage_id)
        return encode_passages([passage.id], [passage.quote])

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        # Pressing on the current (underlined) passage grabs it for dragging;
        # anywhere else the press selects text as usual, so overlaps stay easy to make.
        self._drag_origin: QPoint | None = None
        if event.button() == Qt.MouseButton.LeftButton and self.current_passage is not None:
            hits = self.passages_at(self.cursorForPosition(event.position().toPoint()).position())
            if self.current_passage in hits:
                self._drag_origin = event.position().toPoint()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        origin = getattr(self, "_drag_origin", None)
        if origin is not None and event.buttons() & Qt.MouseButton.LeftButton:
            if (event.position().toPoint() - origin).manhattanLength() >= QApplication.startDragDistance():
                self._drag_origin = None
                mime = self.drag_mime()
                if mime is not None:
                    drag = QDrag(self)
                    drag.setMimeData(mime)
                    drag.exec(Qt.DropAction.CopyAction)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._drag_origin = None
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        hits = self.passages_at(self.cursorForPosition(event.position().toPoint()).position())
        self.select_passage(hits[0] if hits else None)
        self.passage_selected.emit(hits[0] if hits else None)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._show_tooltip(event.pos(), event.globalPos())
            return True
        return super().event(event)

    def _show_tooltip(self, pos: QPoint, global_pos: QPoint) -> None:
        viewport_pos = self.viewport().mapFrom(self, pos)
        hits = self.passages_at(self.cursorForPosition(viewport_pos).position())
        if not hits:
            QToolTip.hideText()
            return
        tags = {t.id: t for t in self.service.tags.all()}
        passages = self.service.passages.by_id(hits)
        parts = []
        for pid in hits:
            passage = passages[pid]
            names = (
                ", ".join(
                    f"<span style='color:{tags[t].color}'>■</span> {_escape(tags[t].name)}"
                    for t in passage.tags
                    if t in tags
                )
                or "<i>untagged</i>"
            )
            note = f"<br>{_escape(passage.note[:300])}" if passage.note else ""
            parts.append(f"<b>{names}</b>{note}")
        QToolTip.showText(global_pos, "<hr>".join(parts), self)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = self.createStandardContextMenu(event.pos())
        menu.addSeparator()
        tag_menu = self.build_tag_menu(menu)
        tag_menu.setEnabled(self.textCursor().hasSelection())
        menu.addMenu(tag_menu)
        hits = self.passages_at(self.cursorForPosition(event.pos()).position())
        if hits:
            delete = QAction("Delete passage", menu)
            first = hits[0]

            def delete_first() -> None:
                self.select_passage(first)
                self.delete_current_passage()

            delete.triggered.connect(delete_first)
            menu.addAction(delete)
        menu.exec(event.globalPos())

    def build_tag_menu(self, parent: QWidget) -> QMenu:
        menu = QMenu("Tag as", parent)
        self.fill_tag_menu(menu)
        return menu

    def fill_tag_menu(self, menu: QMenu) -> None:
        """One entry per tag, numbered like the number keys."""
        for n, tag in enumerate(self.service.tags.all(), start=1):
            label = f"&{n}  {tag.name}" if n <= 9 else f"    {tag.name}"
            action = menu.addAction(swatch(tag.color), label)
            action.triggered.connect(lambda _=False, tid=tag.id: self.apply_tag(tid))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
