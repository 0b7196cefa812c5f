"""The Passages dock: every passage in the project, filtered by tag, document and text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QPainter, QPaintEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from briefer.core.errors import NotFoundError
from briefer.core.model import Passage
from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.id_model import IdListModel, IdRole
from briefer.ui.mime import PASSAGES_MIME, encode_passages
from briefer.ui.passage_delegate import PassageDelegate, PassageRow, PassageRowRole
from briefer.ui.style import swatch


class PassageModel(IdListModel):
    """One row per passage that passes the filters, in document order.

    It holds only the ids, in document order, read from an index; the quote,
    tags and note of a row are fetched when a view paints it, in batches around
    that row, and kept in a bounded cache. A new passage finds its row by a
    binary search that reads the order keys of the ~15 rows it compares with.
    Filtering is a query, not a proxy over every passage, so a 20,000-passage
    project costs one index scan to list and nothing per passage it does not show.
    """

    headers = ("Passage",)
    BATCH = 200  # rows fetched around a row that is painted but not cached
    CACHE_LIMIT = 4000
    # Rows whose ids are read when the list is (re)built; the rest, when a view
    # paints past them or something needs a row number. Listing 200,000 ids took
    # a fifth of the window's start on a 10,000-document project, for a first
    # frame that shows ten rows.
    PREFIX = 500

    def __init__(self, service: ProjectService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self._passages: dict[int, Passage] = {}
        self._rows: dict[int, PassageRow] = {}
        self.tag: int | None = None
        self.document: int | None = None
        self.text = ""
        # While partial, ``_ids`` is the first rows of the listing (always a true
        # prefix of it) and ``_total`` counts them all.
        self._complete = True
        self._total = 0
        self._load_caches()
        service.subscribe(self._on_change)
        self._rebuild()

    # --- filters and loading ---------------------------------------------------
    def set_filter(self, *, tag: int | None, document: int | None, text: str) -> None:
        if (tag, document, text.casefold()) == (self.tag, self.document, self.text):
            return
        self.tag, self.document, self.text = tag, document, text.casefold()
        self._rebuild()

    def _rebuild(self) -> None:
        """A new listing, reading only its first rows when the filters allow."""
        self.beginResetModel()
        if self.text:  # matching text is a scan of every quote anyway
            self._ids, self._complete = self._load_order(), True
        else:
            head = self.service.passages.order(tag=self.tag, document=self.document, limit=self.PREFIX + 1)
            self._complete = len(head) <= self.PREFIX
            self._ids = head[: self.PREFIX]
            self._total = (
                len(head) if self._complete else self.service.passages.count(tag=self.tag, document=self.document)
            )
        self.endResetModel()

    def _load_order(self) -> list[int]:
        ids = self.service.passages.order(tag=self.tag, document=self.document)
        if self.text:
            matching = self.service.passages.ids_containing(self.text)
            ids = [i for i in ids if i in matching]
        return ids

    def _complete_listing(self) -> None:
        """Read the ids of every row: the rows stay the same, so views need not hear of it."""
        if not self._complete:
            self._ids, self._complete = self._load_order(), True

    def _load_caches(self) -> None:
        self._tags = {t.id: t for t in self.service.tags.all()}
        self._tag_order = {tid: i for i, tid in enumerate(self._tags)}
        # Titles are read per document as rows need them: every title of a
        # 10,000-document project took 5 ms of start-up for a list whose first
        # rows come from a handful of documents.
        self._titles: dict[int, str] = {}
        self._passages.clear()
        self._rows.clear()

    def load_ids(self) -> list[int]:
        self._load_caches()
        return self._load_order()

    def refresh(self) -> None:
        if self._complete:
            super().refresh()  # diffed: views keep their place
        else:  # nothing beyond the first rows was shown or read: list afresh
            self._load_caches()
            self._rebuild()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid():
            return 0
        return len(self._ids) if self._complete else self._total

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.row() >= len(self._ids):
            self._complete_listing()
        return super().data(index, role)

    def row_of(self, item_id: int) -> int:
        if not self._complete and item_id not in self._ids:
            self._complete_listing()
        return super().row_of(item_id)

    def id_at(self, row: int) -> int:
        if row >= len(self._ids):
            self._complete_listing()
        return super().id_at(row)

    def _row_for(self, p: Passage) -> PassageRow:
        tags = self._tags
        chips = tuple(
            (tags[t].name, tags[t].color)
            for t in sorted((t for t in p.tags if t in tags), key=lambda t: self._tag_order[t])
        )
        return PassageRow(p.quote, self._title_of(p.document), chips, p.note)

    def _title_of(self, doc_id: int) -> str:
        title = self._titles.get(doc_id)
        if title is None:
            try:
                title = self.service.documents.info(doc_id).title
            except NotFoundError:  # deleted since the row was listed: the refresh that follows drops the row
                title = ""
            self._titles[doc_id] = title
        return title

    def _accepts(self, p: Passage) -> bool:
        if self.tag is not None and self.tag not in p.tags:
            return False
        if self.document is not None and p.document != self.document:
            return False
        return not self.text or self.text in p.quote.casefold() or self.text in p.note.casefold()

    def _cache(self, passages: dict[int, Passage]) -> None:
        if len(self._passages) + len(passages) > self.CACHE_LIMIT:
            self._passages.clear()
            self._rows.clear()
        for pid, p in passages.items():
            self._passages[pid] = p
            self._rows[pid] = self._row_for(p)

    def _fetch_around(self, row: int) -> None:
        lo = max(0, row - self.BATCH // 4)
        wanted = [i for i in self._ids[lo : lo + self.BATCH] if i not in self._passages]
        self._cache(self.service.passages.by_id(wanted))

    def update_passages(self, ids: tuple[int, ...]) -> None:
        """Re-read just these passages: one tag applied must not reload twenty thousand.

        While the listing is partial, a passage past its first rows changes
        only the count of rows not yet read, which one index count settles;
        rows added or dropped among those read are counted as they go, so a
        tag applied there counts nothing (the count scans an index of every
        passage: 1.4 ms of each tagging on 200,000 of them).
        """
        found = self.service.passages.by_id(ids)
        unread = False  # some change may have been past the rows read
        for pid in ids:
            p = found.get(pid)
            row = self._ids.index(pid) if pid in self._ids else -1
            if p is None or not self._accepts(p):
                self._passages.pop(pid, None)
                self._rows.pop(pid, None)
                if row >= 0:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._ids[row]
                    self._total -= 1
                    self.endRemoveRows()
                else:
                    unread = True  # it may have been listed past the rows read
                continue
            self._cache({pid: p})
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                continue
            row = self._row_for_key((p.document, p.start, p.end, p.id))
            if not self._complete and row >= len(self._ids):
                unread = True
                continue  # past the rows read: counted below
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.insert(row, pid)
            self._total += 1
            self.endInsertRows()
        if unread and not self._complete:
            self._settle_count()

    def _settle_count(self) -> None:
        """Add or drop unread rows at the end so the row count matches the project."""
        total = self.service.passages.count(tag=self.tag, document=self.document)
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:
            first = max(total, len(self._ids))
            if first < self._total:
                self.beginRemoveRows(QModelIndex(), first, self._total - 1)
                self._total = first
                self.endRemoveRows()

    def _row_for_key(self, key: tuple[int, int, int, int]) -> int:
        """Where a passage with this order key goes among the rows (they are in key order)."""
        keys = self.service.passages.order_keys
        lo, hi = 0, len(self._ids)
        while lo < hi:
            mid = (lo + hi) // 2
            if keys([self._ids[mid]])[self._ids[mid]] < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def passage(self, passage_id: int) -> Passage | None:
        if passage_id not in self._passages:
            self._cache(self.service.passages.by_id([passage_id]))
        return self._passages.get(passage_id)

    def row_data(self, passage_id: int, column: int, role: int) -> Any:
        if role not in (PassageRowRole, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if passage_id not in self._passages:
            self._fetch_around(self.row_of(passage_id))
        p = self._passages.get(passage_id)
        if p is None:
            return None
        if role == PassageRowRole:
            return self._rows[passage_id]
        if role == Qt.ItemDataRole.DisplayRole:
            return p.quote
        return p.quote[:500] + (f"\n\nNote: {p.note}" if p.note else "")

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [PASSAGES_MIME, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        """Passage ids (and their quotes as plain text) for dragging into the outline."""
        ids = list(dict.fromkeys(self.data(i, IdRole) for i in indexes if i.isValid()))
        found = self.service.passages.by_id(ids)
        ids = [i for i in ids if i in found]
        return encode_passages(ids, [found[i].quote for i in ids])

    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.PASSAGES and change.ids:
            self.update_passages(change.ids)
        elif change.area in (ChangeArea.PASSAGES, ChangeArea.TAGS, ChangeArea.DOCUMENTS):
            self.refresh()


class PassageListView(QTableView):
    """A one-column list of passage cards.

    A table, not a ``QListView``: a list view lays out every row on each change
    (two Python calls per row through ``index()``), which with 20,000 passages is
    a tenth of a second per tag applied; a table with fixed row heights only
    ever asks for the rows in view.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("passageView")
        self.setAccessibleName("Passages")
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

        self.empty_text = ""  # said in the middle of the list when it has no rows

    def fit_rows_to(self, delegate: Any) -> None:
        """Every row is as tall as the delegate's (uniform) size hint."""
        option = QStyleOptionViewItem()
        option.font = self.font()
        self.verticalHeader().setDefaultSectionSize(delegate.sizeHint(option, QModelIndex()).height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        model = self.model()
        if self.empty_text and model is not None and model.rowCount() == 0:
            # viewport() only here: its first call costs PySide ~8 ms, which a
            # project with passages never pays at start-up.
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(
                self.viewport().rect().adjusted(12, 12, -12, -12),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self.empty_text,
            )
            painter.end()


class DocumentFilterBox(QComboBox):
    """ "All documents" and every document's title, listed the first time it is needed.

    A thousand titles took ~5 ms to add at start-up, for a list most sessions
    never open; it is built when the box is opened, focused or scrolled.
    """

    def __init__(self, titles: Callable[[], dict[int, str]]) -> None:
        super().__init__()
        self.setObjectName("passageDocumentFilter")
        self._titles = titles
        self._listed = False
        self._open = False  # the popup is showing
        self.addItem("All documents", None)

    def invalidate(self) -> None:
        """The documents changed: list them again when next needed (now, if one is chosen)."""
        self._listed = False
        if self.currentData() is not None or self.hasFocus() or self._open:
            self.ensure_listed()  # in use now: it must not offer the old titles

    def ensure_listed(self) -> None:
        if self._listed:
            return
        self._listed = True
        chosen = self.currentData()
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem("All documents", None)
            for doc_id, title in self._titles().items():
                self.addItem(title or f"Document {doc_id}", doc_id)
            self.setCurrentIndex(max(0, self.findData(chosen)))
        finally:
            self.blockSignals(False)
        if self.currentData() != chosen:  # the chosen document is gone
            self.currentIndexChanged.emit(self.currentIndex())

    def showPopup(self) -> None:  # noqa: N802
        self.ensure_listed()
        self._open = True
        super().showPopup()

    def hidePopup(self) -> None:  # noqa: N802
        self._open = False
        super().hidePopup()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self.ensure_listed()  # before the arrow keys step through it
        super().focusInEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        self.ensure_listed()
        super().wheelEvent(event)


class PassagesDock(QDockWidget):
    """Lists passages; choosing one opens it in the reader."""

    passage_activated = Signal(int)

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__("Passages", parent)
        self.setObjectName("passagesDock")
        self.service = service
        self.model = PassageModel(service, self)
        self.view = PassageListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(PassageDelegate(self.view))
        self.view.fit_rows_to(self.view.itemDelegate())
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Passages are dragged out into the outline (several at once); never dropped here.
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self._syncing = False

        self.tag_box = QComboBox()
        self.tag_box.setObjectName("passageTagFilter")
        self.doc_box = DocumentFilterBox(service.documents.titles)
        self.text_box = QLineEdit(placeholderText="Filter quotes and notes")
        self.text_box.setObjectName("passageTextFilter")
        self.text_box.setClearButtonEnabled(True)
        self.tag_box.setAccessibleName("Show passages with this tag")
        self.doc_box.setAccessibleName("Show passages from this document")
        self.text_box.setAccessibleName("Filter passages by words in the quote or note")
        for box in (self.tag_box, self.doc_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(7)  # narrow enough for a tab beside the corpus on a laptop
            box.currentIndexChanged.connect(self._apply_filter)
        self.text_box.textChanged.connect(self._apply_filter)
        filters = QHBoxLayout()
        filters.addWidget(self.tag_box)
        filters.addWidget(self.doc_box)
        filters.addWidget(self.text_box, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.view)
        self.setWidget(body)
        service.subscribe(self._on_change)
        self._fill_boxes()

    def _fill_boxes(self) -> None:
        """Refill the filter choices, keeping what was chosen."""
        tag = self.tag_box.currentData()
        self.tag_box.blockSignals(True)
        self.tag_box.clear()
        self.tag_box.addItem("All tags", None)
        for t in self.service.tags.all():
            self.tag_box.addItem(swatch(t.color), t.name, t.id)
        self.tag_box.setCurrentIndex(max(0, self.tag_box.findData(tag)))
        self.tag_box.blockSignals(False)
        self.doc_box.invalidate()
        self._apply_filter()

    def _on_change(self, change: Change) -> None:
        if change.area in (ChangeArea.TAGS, ChangeArea.DOCUMENTS):
            self._fill_boxes()

    def _apply_filter(self) -> None:
        self.model.set_filter(
            tag=self.tag_box.currentData(), document=self.doc_box.currentData(), text=self.text_box.text()
        )
        self._update_empty_text()

    def _update_empty_text(self) -> None:
        # A new analyst meets an empty list first: it says how to fill it.
        filtered = any(
            (self.tag_box.currentData() is not None, self.doc_box.currentData() is not None, self.text_box.text())
        )
        self.view.empty_text = (
            "No passages match these filters."
            if filtered
            else "No passages yet. Select text in the reader and press 1–9 (or right-click it) to tag a passage."
        )
        # No repaint asked for here: a filter change resets the model, which repaints.

    def filter_by_tag(self, tag_id: int | None) -> None:
        self.tag_box.setCurrentIndex(max(0, self.tag_box.findData(tag_id)))
        self.show()
        self.raise_()

    def select_passage(self, passage_id: int | None) -> None:
        """Follow the reader: make this passage the current row without re-announcing it."""
        self._syncing = True
        try:
            row = self.model.row_of(passage_id) if passage_id is not None else -1
            if passage_id is not None and row < 0 and self.model.passage(passage_id) is not None:
                # filtered out: drop the filters to show it
                self.tag_box.setCurrentIndex(0)
                self.doc_box.setCurrentIndex(0)
                self.text_box.clear()
                row = self.model.row_of(passage_id)
            index = self.model.index(row, 0) if row >= 0 else QModelIndex()
            if index.isValid():
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index)
            else:
                self.view.clearSelection()
        finally:
            self._syncing = False

    def current_passage(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._syncing and current.isValid():
            self.passage_activated.emit(current.data(IdRole))
