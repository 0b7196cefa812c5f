"""Paints a passage row: document, tag chips in tag colours, quote snippet, note."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from briefer.ui.note_text import paint_note
from briefer.ui.style import muted_text, readable_text_color

PassageRowRole = Qt.ItemDataRole.UserRole + 10


@dataclass(frozen=True)
class PassageRow:
    """What the delegate needs for one row, resolved by the model."""

    quote: str
    document: str
    tags: tuple[tuple[str, str], ...]  # (name, colour)
    note: str


class PassageDelegate(QStyledItemDelegate):
    """Three lines per passage: chips and source, the quote, the note."""

    PAD = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        # Every row is three lines tall (the note line may be empty) so the view can
        # use uniform item sizes: with 20,000 passages, per-row size hints cost ~0.5 s per update.
        line = QFontMetrics(option.font).height()
        return QSize(200, self.PAD * 2 + line * 3 + 8)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        row: PassageRow | None = index.data(PassageRowRole)
        if row is None:
            return
        style = option.widget.style() if option.widget else QApplication.style()
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = option.palette.highlightedText().color() if selected else option.palette.text().color()
        muted = text_color if selected else muted_text(option.palette)
        painter.save()
        rect = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        fm = QFontMetrics(option.font)
        line = fm.height()
        # Line 1: tag chips, then the source document (elided).
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        sfm = QFontMetrics(small)
        painter.setFont(small)
        x = rect.left()
        for name, color in row.tags:
            width = sfm.horizontalAdvance(name) + 10
            chip = QRect(x, rect.top() + 1, width, line - 2)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(chip, 6, 6)
            painter.setPen(readable_text_color(QColor(color)))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        painter.setPen(muted)
        source_rect = QRect(x + 4, rect.top(), max(0, rect.right() - x - 4), line)
        painter.drawText(
            source_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            sfm.elidedText(row.document, Qt.TextElideMode.ElideRight, source_rect.width()),
        )
        # Line 2: the quote, one line, elided.
        painter.setFont(option.font)
        painter.setPen(text_color)
        quote_rect = QRect(rect.left(), rect.top() + line + 3, rect.width(), line)
        quote = "“" + " ".join(row.quote.split()) + "”"
        painter.drawText(
            quote_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(quote, Qt.TextElideMode.ElideRight, quote_rect.width()),
        )
        # Line 3: the note, its Markdown rendered (italic, bold), in the muted colour.
        if row.note:
            note_rect = QRect(rect.left(), rect.top() + 2 * line + 5, rect.width(), line)
            paint_note(painter, note_rect, row.note, option.font, muted)
        painter.restore()

    # Qt takes None as "no editor"; PySide6's stubs say the result is always a QWidget.
    def createEditor(  # type: ignore[override]  # noqa: N802
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget | None:
        return None
