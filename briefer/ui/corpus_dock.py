"""The Corpus dock: documents with their details, a filter, and file drops for import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from briefer.core.service import Change, ChangeArea, ProjectService
from briefer.ui.id_model import IdListModel, IdRole

_LANG_SHORT = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en", "zh": "zh", "und": "—"}


class CorpusModel(IdListModel):
    """One row per document: title, publisher, language, passages.

    Only the ids are read up front. A row's cells are read with the rest of its
    block (``BLOCK`` rows) the first time a view asks for them, so the first frame
    of a 10,000-document corpus reads the rows it shows, not all of them (~20 ms
    of the window's start-up). Sorting or filtering asks for every row, and reads
    every block then.
    """

    headers = ("Title", "Publisher", "Lang", "Passages")
    BLOCK = 256

    def __init__(self, service: ProjectService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        # (title, publisher, language, date) and the passage count of each document
        # whose block was read: views ask for these cells many times.
        self._cells: dict[int, tuple[str, str, str, str]] = {}
        self._counts: dict[int, int] = {}
        service.subscribe(self._on_change)
        self.refresh()

    def load_ids(self) -> list[int]:
        self._cells = {}
        self._counts = {}
        return self.service.documents.ids()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in _CELL_ROLES and index.isValid():
            row = index.row()
            if row < len(self._ids) and self._ids[row] not in self._cells:
                self._read_block(row)
        return super().data(index, role)

    def _read_block(self, row: int) -> None:
        """Read the cells of the block of rows holding ``row``."""
        first = row - row % self.BLOCK
        ids = self._ids[first : first + self.BLOCK]
        for doc_id, title, source_file, publisher, lang, date in self.service.documents.listing(ids):
            self._cells[doc_id] = (
                title or Path(source_file).name or f"Document {doc_id}",
                publisher,
                _LANG_SHORT.get(lang, lang),
                date,
            )
        self._counts.update(self.service.documents.passage_counts(ids))

    def row_data(self, doc_id: int, column: int, role: int) -> Any:
        cells = self._cells.get(doc_id, _GONE)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._counts.get(doc_id, 0) if column == 3 else cells[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            title, publisher, _lang, date = cells
            return f"{title}\n{publisher or 'publisher unknown'} · {date or 'undated'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _on_change(self, change: Change) -> None:
        if change.area is ChangeArea.DOCUMENTS:
            self.refresh()
        elif change.area is ChangeArea.PASSAGES:
            self._recount(change.documents)

    def _recount(self, documents: tuple[int, ...] | None = None) -> None:
        """Repaint only the documents whose passage count changed, without reloading rows.

        A change that names its documents (a tagging) recounts those alone; on a
        10,000-document project counting them all took most of a tagging's time.
        Only rows already read are recounted: the others are read when shown.
        """
        wanted = list(self._counts) if documents is None else [d for d in documents if d in self._counts]
        counts = self.service.documents.passage_counts(wanted)
        changed = [d for d, n in counts.items() if n != self._counts.get(d, 0)]
        self._counts.update(counts)
        for doc_id in changed:
            row = self.row_of(doc_id)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 3), self.index(row, 3))


# Roles whose answers come from a row's cells; a row not read yet is read for them.
_CELL_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole})
# A row asked for after its document is gone (between a deletion and the refresh it sets off).
_GONE = ("", "", "", "")


class CorpusView(QTableView):
    """The document table; accepts files dropped from the file manager."""

    files_dropped = Signal(list)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("corpusView")
        self.setAccessibleName("Corpus")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)


class CorpusDock(QDockWidget):
    """Lists the documents; the current row is the document in the reader."""

    document_activated = Signal(object)  # document id or None
    edit_requested = Signal(int)
    update_requested = Signal(int)  # "Update from file…": a new version of this document

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__("Corpus", parent)
        self.setObjectName("corpusDock")
        self.model = CorpusModel(service, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(Qt.ItemDataRole.DisplayRole)
        self.filter = QLineEdit(placeholderText="Filter documents")
        self.filter.setAccessibleName("Filter documents by title, publisher or author")
        self.filter.setObjectName("corpusFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = CorpusView()
        self.view.setModel(self.proxy)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # keep import order until a header is clicked
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Widths from the font, not from the rows: ResizeToContents re-measures a
        # column on every change to any row (each tag applied), and measuring even
        # 50 rows of a thousand-document corpus took ~30 ms at start-up.
        metrics = self.view.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for col, sample in ((1, "Publisher"), (2, "zh-Hant"), (3, "Passages")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, metrics.horizontalAdvance(sample) + pad)
        header.setHighlightSections(False)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.doubleClicked.connect(lambda index: self.edit_requested.emit(index.data(IdRole)))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        self.setWidget(body)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.document_activated.emit(current.data(IdRole) if current.isValid() else None)

    def document_menu(self, doc_id: int) -> QMenu:
        """The context menu of a document's row."""
        menu = QMenu(self)
        menu.addAction("Edit details…").triggered.connect(lambda: self.edit_requested.emit(doc_id))
        menu.addAction("Update from file…").triggered.connect(lambda: self.update_requested.emit(doc_id))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.document_menu(index.data(IdRole)).exec(self.view.viewport().mapToGlobal(pos))

    def current_document(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def select_document(self, doc_id: int) -> None:
        row = self.model.row_of(doc_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # hidden by the filter: clear it so the row can be shown
            self.filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index != self.view.currentIndex():
            self.view.setCurrentIndex(index)
