"""F6 and Shift+F6 move the keyboard focus from pane to pane, as in Word: reader, then each dock.

A pane is the reader panel or a dock; the order follows the screen (left to
right, top to bottom), so it matches what the analyst sees whatever the layout.
A dock behind another's tab is raised when its turn comes.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QDockWidget,
    QMainWindow,
    QWidget,
)


def panes(window: QMainWindow) -> list[QWidget]:
    """The central panel (where the analyst starts), then the docks not closed, in screen order."""
    docks = [d for d in window.findChildren(QDockWidget) if not d.isHidden() and d.parent() is window]

    # Not findChildren()'s order for ties: raising a dock moves it to the end of that list.
    rank = {dock: n for n, dock in enumerate(sorted(docks, key=lambda d: d.objectName()))}

    def place(dock: QDockWidget) -> tuple[int, int, int]:
        # Docks tabbed together sit where their shown tab is (a tab behind has no place of its own).
        group = [dock, *window.tabifiedDockWidgets(dock)]
        shown = next((d for d in group if not d.visibleRegion().isEmpty()), dock)
        top_left = shown.mapTo(window, QPoint(0, 0))
        # Columns first (a few pixels apart count as one), then top to bottom, then tab order.
        return (top_left.x() // 40, top_left.y() // 40, rank[dock])

    central = window.centralWidget()
    return ([central] if central is not None else []) + sorted(docks, key=place)


def focus_target(pane: QWidget) -> QWidget | None:
    """What takes the focus in a pane: its main list or text, else the first control that takes focus."""
    reader = pane.findChild(QWidget, "reader")
    if reader is not None:
        return reader
    candidates = [w for w in pane.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isEnabled()]
    for kind in (QAbstractItemView, QAbstractScrollArea):  # a list first, then a text or scrolled page
        for widget in candidates:
            if isinstance(widget, kind) and widget.isVisibleTo(pane):
                return widget
    return next((w for w in candidates if w.isVisibleTo(pane)), None)


def cycle_focus(window: QMainWindow, step: int) -> QWidget | None:
    """Focus the next (``step`` 1) or previous (-1) pane; returns the widget now focused."""
    order = panes(window)
    if not order:
        return None
    focused = QApplication.focusWidget()
    current = next((i for i, p in enumerate(order) if focused is not None and p.isAncestorOf(focused)), -1)
    if current == -1 and step < 0:
        current = 0
    pane = order[(current + step) % len(order)]
    if isinstance(pane, QDockWidget):
        pane.raise_()  # a tab behind another comes forward
    target = focus_target(pane)
    if target is not None:
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
    return target
