"""Corpus search: hits with their context, grouped by document.

The store's plain ``instr`` scan finds one- and two-character Chinese words,
which a trigram full-text index cannot.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from briefer.core.service import ProjectService
from briefer.ui.style import muted_text

HitRole = Qt.ItemDataRole.UserRole + 1
ContextRole = Qt.ItemDataRole.UserRole + 2
# Hits listed at most: a common word in a large corpus has tens of thousands.
HIT_LIMIT = 500


class HitDelegate(QStyledItemDelegate):
    """Paints a hit as context with the match emphasised, centred on the match."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        parts = index.data(ContextRole)
        if parts is None:
            super().paint(painter, option, index)
            return
        before, match, after = parts
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        bold = QFont(option.font)
        bold.setBold(True)
        fm, bfm = QFontMetrics(option.font), QFontMetrics(bold)
        rect = option.rect.adjusted(4, 0, -4, 0)
        match_w = bfm.horizontalAdvance(match)
        # Give the left context at most 40% of the row so the match stays in view.
        left_w = min(fm.horizontalAdvance(before), int(rect.width() * 0.4))
        painter.save()
        painter.setPen(option.palette.highlightedText().color() if selected else muted_text(option.palette))
        painter.setFont(option.font)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(
            QRect(rect.left(), rect.top(), left_w, rect.height()),
            align | Qt.AlignmentFlag.AlignRight,
            fm.elidedText(before, Qt.TextElideMode.ElideLeft, left_w),
        )
        x = rect.left() + left_w
        if not selected:
            painter.fillRect(QRect(x, rect.top() + 2, match_w, rect.height() - 4), QColor("#ffe08a"))
        painter.setFont(bold)
        # Near-black on the yellow mark, whatever the palette.
        painter.setPen(option.palette.highlightedText().color() if selected else QColor("#111111"))
        painter.drawText(QRect(x, rect.top(), match_w, rect.height()), align, match)
        painter.setFont(option.font)
        painter.setPen(option.palette.highlightedText().color() if selected else muted_text(option.palette))
        rest = rect.right() - x - match_w
        painter.drawText(
            QRect(x + match_w, rect.top(), max(0, rest), rect.height()),
            align,
            fm.elidedText(after, Qt.TextElideMode.ElideRight, max(0, rest)),
        )
        painter.restore()


class SearchDock(QDockWidget):
    """Runs a corpus search and lists the hits; activating one opens it."""

    hit_activated = Signal(int, int, int)  # document, start, end (code points)

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__("Search", parent)
        self.setObjectName("searchDock")
        self.service = service
        self.query = QLineEdit(placeholderText="Search all documents (Enter)")
        self.query.setObjectName("corpusSearch")
        self.query.setClearButtonEnabled(True)
        self.query.setAccessibleName("Search corpus")
        self.query.returnPressed.connect(lambda: self.search(self.query.text()))
        self.summary = QLabel()
        self.summary.setObjectName("searchSummary")
        self.results = QTreeWidget()
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setHeaderHidden(True)
        self.results.setUniformRowHeights(True)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.itemActivated.connect(self._activated)
        self.results.itemClicked.connect(self._activated)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.query)
        layout.addWidget(self.summary)
        layout.addWidget(self.results)
        self.setWidget(body)

    def search(self, query: str) -> int:
        """Show the hits for ``query``; returns how many there are."""
        if self.query.text() != query:
            self.query.setText(query)
        self.results.clear()
        query = query.strip()
        if not query:
            self.summary.clear()
            return 0
        hits = self.service.documents.search(query, limit=HIT_LIMIT)
        titles = self.service.documents.titles()
        groups: dict[int, QTreeWidgetItem] = {}
        for hit in hits:
            group = groups.get(hit.document)
            if group is None:
                group = QTreeWidgetItem(self.results)
                group.setData(0, HitRole, (hit.document, None, None))
                groups[hit.document] = group
            item = QTreeWidgetItem(group)
            context = f"…{_flat(hit.context_before)}[{hit.match}]{_flat(hit.context_after)}…"
            item.setText(0, context)
            item.setToolTip(0, html.escape(context))
            item.setData(0, HitRole, (hit.document, hit.start, hit.end))
            item.setData(0, ContextRole, (_flat(hit.context_before), hit.match, _flat(hit.context_after)))
        for doc_id, group in groups.items():
            count = group.childCount()
            group.setText(0, f"{titles.get(doc_id) or f'Document {doc_id}'}  ({count})")
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setExpanded(True)
        where = f"in {len(groups)} document{'s' if len(groups) != 1 else ''}"
        if len(hits) >= HIT_LIMIT:  # the store stopped looking: say so rather than imply a total
            self.summary.setText(f"The first {HIT_LIMIT} hits, {where}; refine the search to see others")
        else:
            self.summary.setText(f"{len(hits)} hit{'s' if len(hits) != 1 else ''} {where}" if hits else "No hits")
        return len(hits)

    def hits(self) -> list[tuple[int, int, int]]:
        """The listed hits as (document, start, end), for tests and scripts."""
        return [
            hit.data(0, HitRole) for group in _children(self.results.invisibleRootItem()) for hit in _children(group)
        ]

    def _activated(self, item: QTreeWidgetItem) -> None:
        doc, start, end = item.data(0, HitRole)
        if start is not None:
            self.hit_activated.emit(doc, start, end)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)  # keep edge spaces: they separate context from the match


def _children(item: QTreeWidgetItem) -> Iterator[QTreeWidgetItem]:
    for i in range(item.childCount()):
        child = item.child(i)
        if child is not None:  # always, for an index below childCount()
            yield child
