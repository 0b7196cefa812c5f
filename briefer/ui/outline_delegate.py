"""Paints an outline row: a section as a heading, a passage as quote, source and tag chips.

A passage placed more than once gets a "×N" badge so the analyst sees that
the same evidence serves several points.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from briefer.ui.outline_model import COUNT_ROLE, KIND_ROLE, SOURCE_ROLE, STANCE_ROLE, TAGS_ROLE

_PAD = 4


class OutlineDelegate(QStyledItemDelegate):
    """Two-line passage rows; sections keep the standard (editable) look."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        line = option.fontMetrics.height()
        if index.data(KIND_ROLE) == "placement":
            # Not the base class's hint: that lays out the whole quote (~1 ms for
            # a long one) to measure a width the painter elides to the row anyway.
            return QSize(40 * option.fontMetrics.averageCharWidth(), 2 * line + 3 * _PAD)
        base = super().sizeHint(option, index)
        return QSize(base.width(), max(base.height(), line + 2 * _PAD + 2))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if index.data(KIND_ROLE) != "placement":
            self._paint_section(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        rect = opt.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        fm = QFontMetrics(opt.font)
        line = fm.height()

        count = int(index.data(COUNT_ROLE) or 1)
        badge_w = 0
        if count > 1:  # the same passage serves several points
            badge = f"×{count}"
            badge_w = fm.horizontalAdvance(badge) + 10
            badge_rect = QRect(rect.right() - badge_w, rect.top(), badge_w, line)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#b9770e"))
            painter.drawRoundedRect(badge_rect, 6, 6)
            painter.setPen(QColor("white"))
            painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge)

        painter.setPen(opt.palette.color(role))
        quote_rect = QRect(rect.left(), rect.top(), rect.width() - badge_w - _PAD, line)
        painter.drawText(
            quote_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(f"“{text}”", Qt.TextElideMode.ElideRight, quote_rect.width()),
        )

        small = opt.font
        small.setPointSizeF(max(small.pointSizeF() * 0.88, 7.0))
        painter.setFont(small)
        sfm = QFontMetrics(small)
        x = rect.left()
        y = rect.top() + line + _PAD // 2
        for name, color in index.data(TAGS_ROLE) or []:
            w = sfm.horizontalAdvance(name) + 10
            if x + w > rect.right() - 80:
                break
            chip = QRect(x, y + 1, w, sfm.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color).lighter(170))
            painter.drawRoundedRect(chip, 5, 5)
            painter.setPen(QColor(color).darker(160))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x += w + 4
        muted = opt.palette.color(role)
        if not selected:
            muted = opt.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        painter.setPen(muted)
        src_rect = QRect(x + 2, y, rect.right() - x - 2, line)
        painter.drawText(
            src_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            sfm.elidedText(f"— {index.data(SOURCE_ROLE)}", Qt.TextElideMode.ElideRight, src_rect.width()),
        )
        painter.restore()

    def _paint_section(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The title as usual, with the passage count and stance right-aligned and muted."""
        count = int(index.data(COUNT_ROLE) or 0)
        stance = index.data(STANCE_ROLE) or ""
        super().paint(painter, option, index)
        # The stance is worth showing only when the title does not already say it.
        shown = stance and stance.casefold() != str(index.data()).casefold()
        info = f"{count} passage{'s' if count != 1 else ''}" + (f"  ·  stance: {stance}" if shown else "")
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(
            option.palette.color(QPalette.ColorRole.HighlightedText)
            if selected
            else option.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        )
        rect = option.rect.adjusted(0, 0, -2 * _PAD, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, info)
        if count == 0:  # an empty section is a gap in the argument
            painter.setPen(QColor("#a93226"))
            warn = QRect(rect.right() - option.fontMetrics.horizontalAdvance(info) - 20, rect.top(), 14, rect.height())
            painter.drawText(warn, Qt.AlignmentFlag.AlignCenter, "!")
        painter.restore()
