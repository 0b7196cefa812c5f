"""The Passages dock: every passage in the project, filtered by tag, document and text."""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDockWidget, QHBoxLayout, QLineEdit, QListView,
                               QVBoxLayout, QWidget)

from briefer.core.errors import NotFoundError
from briefer.core.model import Passage
from briefer.core.service import Change, ProjectService
from briefer.ui.id_model import IdListModel, IdRole
from briefer.ui.mime import PASSAGES_MIME, encode_passages
from briefer.ui.passage_delegate import PassageDelegate, PassageRow, PassageRowRole
from briefer.ui.style import swatch


class PassageModel(IdListModel):
    """One row per passage, in document order."""

    headers = ("Passage",)

    def __init__(self, service: ProjectService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self._passages: dict[int, Passage] = {}
        self._rows: dict[int, PassageRow] = {}
        service.subscribe(self._on_change)
        self.refresh()

    def load_ids(self) -> list[int]:
        store = self.service.store
        self._tags = {t.id: t for t in store.list_tags()}
        self._tag_order = {tid: i for i, tid in enumerate(self._tags)}
        self._titles = {d.id: d.title for d in store.list_documents()}
        self._passages = {p.id: p for p in self.service.passages()}
        self._rows = {pid: self._row_for(p) for pid, p in self._passages.items()}
        return list(self._passages)

    def _row_for(self, p: Passage) -> PassageRow:
        tags = self._tags
        chips = tuple((tags[t].name, tags[t].color) for t in sorted(
            (t for t in p.tags if t in tags), key=lambda t: self._tag_order[t]))
        return PassageRow(p.quote, self._titles.get(p.document, ""), chips, p.note)

    def update_passages(self, ids: tuple[int, ...]) -> None:
        """Re-read just these passages: one tag applied must not reload twenty thousand."""
        for pid in ids:
            try:
                p = self.service.store.get_passage(pid)
            except NotFoundError:
                if pid in self._passages:
                    row = self._ids.index(pid)
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._ids[row], self._passages[pid], self._rows[pid]
                    self.endRemoveRows()
                continue
            known = pid in self._passages
            self._passages[pid] = p
            self._rows[pid] = self._row_for(p)
            if known:
                row = self._ids.index(pid)
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                continue
            keys = [self._order_key(self._passages[i]) for i in self._ids]
            row = bisect.bisect(keys, self._order_key(p))
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.insert(row, pid)
            self.endInsertRows()

    @staticmethod
    def _order_key(p: Passage) -> tuple[int, int, int, int]:
        return (p.document, p.start, p.end, p.id)

    def passage(self, passage_id: int) -> Passage | None:
        return self._passages.get(passage_id)

    def row_data(self, passage_id: int, column: int, role: int) -> Any:
        if role == PassageRowRole:
            return self._rows[passage_id]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._passages[passage_id].quote
        if role == Qt.ItemDataRole.ToolTipRole:
            p = self._passages[passage_id]
            return p.quote[:500] + (f"\n\nNote: {p.note}" if p.note else "")
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [PASSAGES_MIME, "text/plain"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        """Passage ids (and their quotes as plain text) for dragging into the outline."""
        ids = list(dict.fromkeys(self.data(i, IdRole) for i in indexes if i.isValid()))
        return encode_passages(ids, [self._passages[i].quote for i in ids])

    def _on_change(self, change: Change) -> None:
        if change.area == "passages" and change.ids:
            self.update_passages(change.ids)
        elif change.area in ("passages", "tags", "documents"):
            self.refresh()


class PassageFilter(QSortFilterProxyModel):
    """Keeps passages that match the chosen tag, document and text."""

    def __init__(self, model: PassageModel) -> None:
        super().__init__()
        self.setSourceModel(model)
        self.passages = model
        self.tag: int | None = None
        self.document: int | None = None
        self.text = ""

    def set_filter(self, *, tag: int | None, document: int | None, text: str) -> None:
        # begin/endFilterChange replace invalidateFilter (deprecated in Qt 6.10);
        # older PySide6 releases the project still allows only have the latter.
        modern = hasattr(self, "beginFilterChange")
        if modern:
            self.beginFilterChange()
        self.tag, self.document, self.text = tag, document, text.casefold()
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        passage = self.passages.passage(self.passages.id_at(row))
        if passage is None:
            return False
        if self.tag is not None and self.tag not in passage.tags:
            return False
        if self.document is not None and passage.document != self.document:
            return False
        if self.text and self.text not in passage.quote.casefold() and self.text not in passage.note.casefold():
            return False
        return True


class PassagesDock(QDockWidget):
    """Lists passages; choosing one opens it in the reader."""

    passage_activated = Signal(int)

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__("Passages", parent)
        self.setObjectName("passagesDock")
        self.service = service
        self.model = PassageModel(service, self)
        self.proxy = PassageFilter(self.model)
        self.proxy.setParent(self)
        self.view = QListView(objectName="passageView")
        self.view.setAccessibleName("Passages")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(PassageDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Passages are dragged out into the outline (several at once); never dropped here.
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setUniformItemSizes(True)  # see PassageDelegate.sizeHint
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self._syncing = False

        self.tag_box = QComboBox(objectName="passageTagFilter")
        self.doc_box = QComboBox(objectName="passageDocumentFilter")
        self.text_box = QLineEdit(objectName="passageTextFilter", placeholderText="Filter quotes and notes")
        self.text_box.setClearButtonEnabled(True)
        for box in (self.tag_box, self.doc_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
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
        tag, doc = self.tag_box.currentData(), self.doc_box.currentData()
        for box in (self.tag_box, self.doc_box):
            box.blockSignals(True)
            box.clear()
        self.tag_box.addItem("All tags", None)
        for t in self.service.store.list_tags():
            self.tag_box.addItem(swatch(t.color), t.name, t.id)
        self.doc_box.addItem("All documents", None)
        for d in self.service.store.list_documents():
            self.doc_box.addItem(d.title or f"Document {d.id}", d.id)
        for box, value in ((self.tag_box, tag), (self.doc_box, doc)):
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self._apply_filter()

    def _on_change(self, change: Change) -> None:
        if change.area in ("tags", "documents"):
            self._fill_boxes()

    def _apply_filter(self) -> None:
        self.proxy.set_filter(tag=self.tag_box.currentData(), document=self.doc_box.currentData(),
                              text=self.text_box.text())

    def filter_by_tag(self, tag_id: int | None) -> None:
        self.tag_box.setCurrentIndex(max(0, self.tag_box.findData(tag_id)))
        self.show()
        self.raise_()

    def select_passage(self, passage_id: int | None) -> None:
        """Follow the reader: make this passage the current row without re-announcing it."""
        self._syncing = True
        try:
            row = self.model.row_of(passage_id) if passage_id is not None else -1
            index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
            if row >= 0 and not index.isValid():  # filtered out: drop the filters to show it
                self.tag_box.setCurrentIndex(0)
                self.doc_box.setCurrentIndex(0)
                self.text_box.clear()
                index = self.proxy.mapFromSource(self.model.index(row, 0))
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
