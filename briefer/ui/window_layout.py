"""Where the docks go: a default arrangement for the window's size, saved per screen size class.

On a 13-inch laptop (1280×720 to 1366×768) the reader, where the analyst spends
the day, gets at least half the width and the full height: the passages and
search lists become tabs beside the corpus instead of a strip under the reader.
From 1600×900 up there is room for them below the reader and for wider side docks.
A layout the analyst arranged is kept per size class, so a laptop that is
sometimes plugged into a large monitor keeps one layout for each.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
VERTICAL = Qt.Orientation.Vertical
HORIZONTAL = Qt.Orientation.Horizontal


def size_class(size: QSize) -> str:
    """``"compact"`` below 1600×900 (laptops), ``"wide"`` from there up."""
    return "wide" if size.width() >= 1600 and size.height() >= 900 else "compact"


@dataclass(frozen=True)
class WindowDocks:
    """The window's docks, by role."""

    corpus: QDockWidget
    codebook: QDockWidget
    passages: QDockWidget
    search: QDockWidget
    review: QDockWidget
    outline: QDockWidget
    preview: QDockWidget
    meta: QDockWidget
    balance: QDockWidget

    def all(self) -> list[QDockWidget]:
        return [getattr(self, f.name) for f in fields(self)]


def arrange_default(window: QMainWindow, docks: WindowDocks, size: QSize, *, review_waiting: bool = False) -> None:
    """Put every dock where the default layout for a window of ``size`` has it."""
    for dock in docks.all():  # addDockWidget() takes each from wherever it is now
        dock.setFloating(False)
        dock.show()  # a hidden dock is not tabified (a layout restored without it leaves it hidden)
    window.addDockWidget(LEFT, docks.corpus)
    window.addDockWidget(LEFT, docks.codebook)
    window.splitDockWidget(docks.corpus, docks.codebook, VERTICAL)
    compact = size_class(size) == "compact"
    if compact:  # below the reader they would take half its lines: tabs beside the corpus instead
        window.tabifyDockWidget(docks.corpus, docks.passages)
        window.tabifyDockWidget(docks.passages, docks.search)
        # The review dock is wider than a laptop's side column allows: below the
        # reader, and only while passages wait for review (the window shows it then).
        window.addDockWidget(BOTTOM, docks.review)
        if not review_waiting:
            docks.review.hide()
    else:
        window.addDockWidget(BOTTOM, docks.passages)
        window.addDockWidget(BOTTOM, docks.search)
        window.tabifyDockWidget(docks.passages, docks.search)
        window.tabifyDockWidget(docks.search, docks.review)
    window.addDockWidget(RIGHT, docks.outline)
    window.splitDockWidget(docks.outline, docks.preview, VERTICAL)
    window.tabifyDockWidget(docks.preview, docks.meta)
    window.tabifyDockWidget(docks.meta, docks.balance)
    # Tabifying raises the last tab: bring the ones to start with forward (and
    # the balance is then never computed for nothing).
    docks.corpus.raise_() if compact else docks.passages.raise_()
    docks.preview.raise_()
    width, height = size.width(), size.height()
    left, right = (0.22, 0.24) if compact else (0.19, 0.23)
    window.resizeDocks([docks.corpus, docks.outline], [int(width * left), int(width * right)], HORIZONTAL)
    window.resizeDocks([docks.corpus, docks.codebook], [int(height * 0.5), int(height * 0.4)], VERTICAL)
    # The outline holds its section editor too: on a short screen it gets the larger half.
    outline = 0.55 if compact else 0.45
    window.resizeDocks(
        [docks.outline, docks.preview], [int(height * outline), int(height * (0.95 - outline))], VERTICAL
    )
    if not compact:
        window.resizeDocks([docks.passages], [int(height * 0.24)], VERTICAL)


def _keys(cls: str) -> tuple[str, str]:
    return f"window/{cls}/geometry", f"window/{cls}/state"


def restore_layout(window: QMainWindow, settings: QSettings, cls: str, *, needs: str) -> bool:
    """Restore the layout saved for size class ``cls``; False when there is none.

    A layout saved before layouts were kept per size class (``window/state``)
    still counts: it is the analyst's own arrangement. One that does not mention
    the dock named ``needs`` comes from a window without it (an older Briefer)
    and would leave the newer docks wherever Qt puts unknown ones: the default
    arrangement serves better.
    """
    geometry_key, state_key = _keys(cls)
    state = settings.value(state_key, settings.value("window/state"))
    if not isinstance(state, QByteArray) or not _mentions(state, needs):
        return False
    geometry = settings.value(geometry_key, settings.value("window/geometry"))
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    return window.restoreState(state)


def _mentions(state: QByteArray, dock_name: str) -> bool:
    # saveState() writes each dock's objectName as a QString: UTF-16, big-endian.
    return dock_name.encode("utf-16-be") in state.data()


def save_layout(window: QMainWindow, settings: QSettings, cls: str) -> None:
    geometry_key, state_key = _keys(cls)
    settings.setValue(geometry_key, window.saveGeometry())
    settings.setValue(state_key, window.saveState())
