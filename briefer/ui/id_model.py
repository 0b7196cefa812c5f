"""A flat item model over a list of ids that follows the project by diffing.

Views keep their selection and scroll position because rows are removed and
inserted with begin/end calls rather than by resetting the model; a reset is
only the fallback when surviving rows changed their relative order.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

IdRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class IdListModel(QAbstractTableModel):
    """Rows are ids; subclasses supply ``load_ids`` and ``row_data``."""

    headers: tuple[str, ...] = ("",)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []

    # --- for subclasses ------------------------------------------------------
    def load_ids(self) -> list[int]:
        raise NotImplementedError

    def row_data(self, item_id: int, column: int, role: int) -> Any:
        raise NotImplementedError

    # --- syncing -------------------------------------------------------------
    def refresh(self) -> None:
        """Bring the rows in line with the project, keeping unchanged rows in place."""
        self.sync(self.load_ids())

    def sync(self, new_ids: list[int]) -> None:
        wanted = set(new_ids)
        kept = [i for i in self._ids if i in wanted]
        # A first listing, or surviving rows that changed order: nothing to keep in place.
        if not self._ids or kept != [i for i in new_ids if i in set(self._ids)]:
            self.beginResetModel()
            self._ids = list(new_ids)
            self.endResetModel()
            return
        # Remove from the bottom so earlier row numbers stay valid.
        for row in range(len(self._ids) - 1, -1, -1):
            if self._ids[row] not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._ids[row]
                self.endRemoveRows()
        for row, item_id in enumerate(new_ids):
            if row >= len(self._ids) or self._ids[row] != item_id:
                self.beginInsertRows(QModelIndex(), row, row)
                self._ids.insert(row, item_id)
                self.endInsertRows()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1))

    # --- Qt overrides --------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        item_id = self._ids[index.row()]
        if role == IdRole:
            return item_id
        return self.row_data(item_id, index.column(), role)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    # --- helpers -------------------------------------------------------------
    def row_of(self, item_id: int) -> int:
        try:
            return self._ids.index(item_id)
        except ValueError:
            return -1

    def id_at(self, row: int) -> int:
        return self._ids[row]
