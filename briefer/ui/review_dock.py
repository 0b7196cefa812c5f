"""The "Needs review" dock: passages a new version of their document left fuzzy or orphaned.

Each is shown with its old text beside what the current text has there
(differences marked), and can be accepted (a fuzzy passage's candidate becomes
its quote), re-selected in the reader, or deleted. Every action is a core
command on the window's undo stack.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from briefer.core.errors import BrieferError, NotFoundError
from briefer.core.model import Passage
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.lazy import lazy_module
from briefer.ui.undo import push

if TYPE_CHECKING:  # the real modules, for the type checker
    from briefer.core import anchor_commands, commands
    from briefer.ui.reader import ReaderView
else:
    anchor_commands = lazy_module("briefer.core.anchor_commands")
    commands = lazy_module("briefer.core.commands")

PassageRole = Qt.ItemDataRole.UserRole + 1
_DELETED = "background:#f9d0d0; text-decoration:line-through"
_INSERTED = "background:#c9ecc9"


def marked_differences(old: str, new: str) -> tuple[str, str]:
    """HTML of ``old`` and ``new`` with what only one of them has marked (struck out, or highlighted)."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    left, right = [], []
    for op, chunk in diffs:
        text = html.escape(chunk).replace("\n", "<br>")
        if op == dmp.DIFF_EQUAL:
            left.append(text)
            right.append(text)
        elif op == dmp.DIFF_DELETE:
            left.append(f"<span style='{_DELETED}'>{text}</span>")
        else:
            right.append(f"<span style='{_INSERTED}'>{text}</span>")
    return "".join(left), "".join(right)


class ReviewDock(QDockWidget):
    """Lists fuzzy and orphaned passages; compares, accepts, re-selects or deletes them."""

    locate_requested = Signal(int, int, int)  # document, start, end: show this span in the reader
    message = Signal(str)

    def __init__(
        self, service: ProjectService, undo_stack: QUndoStack, reader: ReaderView, parent: QWidget | None = None
    ) -> None:
        super().__init__("Needs review", parent)
        self.setObjectName("reviewDock")
        self.service = service
        self.undo_stack = undo_stack
        self.reader = reader
        self._reselecting: int | None = None  # the passage whose new span the reader's selection will give
        self._ids: list[int] = []  # the passages listed
        self.list = QListWidget()
        self.list.setObjectName("reviewList")
        self.list.setAccessibleName("Passages to review")
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.old_text = QTextBrowser()
        self.old_text.setObjectName("reviewOld")
        self.old_text.setAccessibleName("The passage's quote before the update")
        self.new_text = QTextBrowser()
        self.new_text.setObjectName("reviewNew")
        self.new_text.setAccessibleName("Its candidate in the new text")
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Take the new text as the passage's quote")
        self.accept_button.clicked.connect(self.accept_current)
        self.reselect_button = QPushButton("Re-select in the reader")
        self.reselect_button.clicked.connect(self.reselect_current)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_current)
        self.status = QLabel()
        self.status.setWordWrap(True)

        columns = QWidget()
        grid = QHBoxLayout(columns)
        grid.setContentsMargins(0, 0, 0, 0)
        for title, view in (("Old text", self.old_text), ("Current text", self.new_text)):
            box = QVBoxLayout()
            box.addWidget(QLabel(f"<b>{title}</b>"))
            box.addWidget(view)
            grid.addLayout(box)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.reselect_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.status)
        detail_layout.addWidget(columns, 1)
        detail_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 2)
        self.setWidget(splitter)
        service.subscribe(self._on_change)
        self.refresh()

    # ------------------------------------------------------------- listing
    def refresh(self, ids: list[int] | None = None) -> None:
        """List the passages to review again, keeping the current one if it still needs review."""
        current = self.current_passage()
        ids = self.service.passages.to_review() if ids is None else ids
        self._ids = ids
        passages = self.service.passages.by_id(ids)
        titles = {
            d: source[0]
            for d, source in self.service.documents.sources({p.document for p in passages.values()}).items()
        }
        self.list.blockSignals(True)
        self.list.clear()
        for pid in ids:
            p = passages[pid]
            # The quote first: in a narrow list it is what tells the passages apart.
            item = QListWidgetItem(f"“{_clip(p.quote)}” · {p.anchor} · {titles.get(p.document, p.document)}")
            item.setData(PassageRole, pid)
            item.setToolTip(p.quote)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.setWindowTitle(f"Needs review ({len(ids)})" if ids else "Needs review")
        row = ids.index(current) if current in ids else (0 if ids else -1)
        self.list.setCurrentRow(row)
        self._show_current()

    def current_passage(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(PassageRole)) if item is not None else None

    def select_passage(self, passage_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(PassageRole) == passage_id:
                self.list.setCurrentRow(row)
                return

    def _show_current(self) -> None:
        pid = self.current_passage()
        if pid != self._reselecting:
            self._stop_reselecting()
        passage = self._passage(pid)
        enabled = passage is not None
        self.reselect_button.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        self.accept_button.setEnabled(enabled and passage is not None and passage.candidate is not None)
        if passage is None:
            self.old_text.setHtml("")
            self.new_text.setHtml("")
            self.status.setText("Nothing to review: every passage is where its quote is.")
            return
        if passage.candidate is not None:
            old, new = marked_differences(passage.quote, passage.candidate.quote)
            self.status.setText(
                f"Fuzzy: the text has changed (likeness {passage.candidate.score:.0%}). Accept the current text,"
                " select other text in the reader, or delete the passage."
            )
        else:
            old, new = html.escape(passage.quote), "<i>Not found in the current text.</i>"
            self.status.setText("Orphaned: the quote is no longer in the document. Select its new text or delete it.")
        context = f"<span style='color:#777'>{html.escape(passage.prefix)}</span>"
        after = f"<span style='color:#777'>{html.escape(passage.suffix)}</span>"
        self.old_text.setHtml(f"{context}<b>{old}</b>{after}")
        self.new_text.setHtml(new)

    def _passage(self, pid: int | None) -> Passage | None:
        if pid is None:
            return None
        try:
            return self.service.passages.get(pid)
        except NotFoundError:
            return None

    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.DOCUMENTS:
            self.refresh()
        elif change.area is ChangeArea.PASSAGES:
            # Tagging happens all the time and rarely touches a passage under review:
            # one look at the (partial) index, and the list is rebuilt only if it changed.
            ids = self.service.passages.to_review()
            if ids != self._ids or not change.ids or not set(change.ids).isdisjoint(ids):
                self.refresh(ids)

    # ------------------------------------------------------------- actions
    def accept_current(self) -> None:
        pid = self.current_passage()
        if pid is not None:
            self._push(anchor_commands.AcceptCandidate(pid))

    def delete_current(self) -> None:
        pid = self.current_passage()
        if pid is not None:
            self._push(commands.DeletePassage(pid))

    def reselect_current(self) -> None:
        """First press: show where the text seems to be in the reader. Second: anchor the passage at the selection."""
        passage = self._passage(self.current_passage())
        if passage is None:
            return
        if self._reselecting != passage.id:
            self._reselecting = passage.id
            self.reselect_button.setText("Use the reader's selection")
            if passage.candidate is not None:
                start, end = passage.candidate.start, passage.candidate.end
            else:  # near where it was in the previous text
                start = end = min(passage.start, self.service.documents.info(passage.document).length)
            self.locate_requested.emit(passage.document, start, end)
            self.message.emit("Select the passage's text in the reader, then press “Use the reader's selection”.")
            return
        selection = self.reader.selection_offsets() if self.reader.document_id == passage.document else None
        if selection is None:
            self.message.emit("Select the passage's new text in its document in the reader first.")
            return
        self._stop_reselecting()
        self._push(anchor_commands.ReselectPassage(passage.id, *selection))

    def _stop_reselecting(self) -> None:
        self._reselecting = None
        self.reselect_button.setText("Re-select in the reader")

    def _push(self, command: Any) -> None:
        try:
            push(self.undo_stack, self.service, command)
        except BrieferError as exc:
            self.message.emit(str(exc))


def _clip(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
