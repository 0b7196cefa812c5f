"""Puts the outline builder into a main window: one call, ``install_outline(window)``.

The window needs ``service``, ``undo_stack`` and ``add_dock(dock_or_factory,
area)``. Docks are passed as factories so a window that opens another
project rebuilds them against the new service.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from briefer.ui.balance_panel import BalanceDock
from briefer.ui.meta_dock import MetaDock
from briefer.ui.outline_dock import OutlineDock
from briefer.ui.preview_dock import PreviewDock

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea


def install_outline(window: Any) -> None:
    """Add the Outline, Briefing, Balance and Preview docks and hook up File > Export.

    Idempotent: ``create_main_window`` installs them, and a second call is a no-op.
    """
    if getattr(window, "outline_installed", False):
        return
    window.outline_installed = True
    docks: dict[str, QDockWidget] = {}

    def factory(name: str, make: Any) -> Any:
        def build(win: Any) -> QDockWidget:
            dock = make(win)
            docks[name] = dock
            return dock
        return build

    factories = [factory(name, make) for name, make in (
        ("outline", lambda w: OutlineDock(w.service, w.undo_stack, w)),
        ("meta", lambda w: MetaDock(w.service, w.undo_stack, w)),
        ("balance", lambda w: BalanceDock(w.service, w)),
        ("preview", lambda w: PreviewDock(w.service, w)),
    )]
    if hasattr(window, "add_docks"):  # restores the saved layout once for all four
        window.add_docks([(make, RIGHT) for make in factories])
    else:
        for make in factories:
            window.add_dock(make, RIGHT)
    # QMainWindow.restoreDockWidget() reports success (and leaves the dock hidden)
    # even when no saved layout mentions the dock; if every outline dock came
    # back hidden, that is a first run, not four docks the analyst closed.
    first_run = bool(docks) and all(d.isHidden() for d in docks.values())
    if first_run:
        for dock in docks.values():
            dock.show()
    if first_run or _untouched(window, docks):
        _arrange(window, docks)

    def open_export() -> None:
        from briefer.ui.export_dialog import ExportDialog  # loaded on first use, not at start-up

        dialog = ExportDialog(window.service, window)
        dialog.setModal(True)
        dialog.show()  # not exec(): the export thread reports back through the event loop anyway

    signal = getattr(window, "export_requested", None)
    if signal is not None:
        signal.connect(open_export)
    elif getattr(window, "export_action", None) is not None:
        window.export_action.triggered.connect(open_export)
    window.open_export_dialog = open_export


def _untouched(window: Any, docks: dict[str, QDockWidget]) -> bool:
    """Whether no saved layout placed the docks: freshly added, each sits alone in the right area.

    A saved layout has them tabbed, or wherever the analyst moved them; that stays as it was.
    """
    try:
        return all(window.dockWidgetArea(d) == RIGHT and not d.isFloating() and not window.tabifiedDockWidgets(d)
                   for d in docks.values())
    except AttributeError:  # a window that lays out docks itself
        return False


def _arrange(window: Any, docks: dict[str, QDockWidget]) -> None:
    """Outline on top; the briefing details, balance and preview share tabs beneath it."""
    try:
        window.splitDockWidget(docks["outline"], docks["preview"], Qt.Orientation.Vertical)
        window.tabifyDockWidget(docks["preview"], docks["meta"])
        window.tabifyDockWidget(docks["meta"], docks["balance"])
    except (AttributeError, KeyError):  # a window that lays out docks itself
        return
    # Tabifying raises the last tab; bring the preview forward now, so the
    # balance is never shown (and computed) for nothing, and again once the
    # layout settles.
    docks["preview"].raise_()
    QTimer.singleShot(0, docks["preview"].raise_)
