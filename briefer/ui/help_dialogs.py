"""Help menu windows: the keyboard shortcuts (read from the actions themselves), Getting Started, About.

The shortcut list is built from the window's live ``QAction`` and ``QShortcut``
objects each time it opens, so it cannot drift from what the keys really do.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import briefer

GETTING_STARTED_KEY = "help/gettingStartedShown"
PICTURE_W, PICTURE_H = 200, 120


@dataclass(frozen=True)
class ShortcutRow:
    what: str
    keys: str
    where: str


def _clean(text: str) -> str:
    """A menu text without its mnemonic ampersand, a key hint after a tab, or a trailing ellipsis."""
    text = text.split("\t", 1)[0].replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.rstrip("….").strip()


def _where(action: QAction) -> str:
    """The menu (or panel) an action lives in, for the table's third column."""
    for owner in action.associatedObjects():
        if isinstance(owner, QMenu) and owner.title():
            return _clean(owner.title())
    for owner in action.associatedObjects():
        if isinstance(owner, QWidget) and not isinstance(owner, QMenu):
            return owner.accessibleName() or _clean(owner.windowTitle()) or "Window"
    return "Window"


def shortcut_rows(window: QWidget, extra: list[ShortcutRow] | None = None) -> list[ShortcutRow]:
    """Every key the window's actions and shortcuts answer to, one row per binding, menus first."""
    native = QKeySequence.SequenceFormat.NativeText
    rows: dict[tuple[str, str], ShortcutRow] = {}
    for action in window.findChildren(QAction):
        keys = [seq.toString(native) for seq in action.shortcuts() if not seq.isEmpty()]
        if not keys or not action.text():
            continue
        row = ShortcutRow(_clean(action.text()), ", ".join(keys), _where(action))
        rows.setdefault((row.what, row.keys), row)
    for shortcut in window.findChildren(QShortcut):
        keys = [seq.toString(native) for seq in shortcut.keys() if not seq.isEmpty()]
        parent = shortcut.parent()
        what = shortcut.whatsThis() or shortcut.objectName()
        if keys and what and isinstance(parent, QWidget):
            row = ShortcutRow(what, ", ".join(keys), parent.accessibleName() or "Window")
            rows.setdefault((row.what, row.keys), row)
    for row in extra or []:
        rows.setdefault((row.what, row.keys), row)
    return sorted(rows.values(), key=lambda r: (r.where, r.what))


class ShortcutsDialog(QDialog):
    """Help > Keyboard Shortcuts: a table of ``shortcut_rows``."""

    def __init__(self, window: QWidget, extra: list[ShortcutRow] | None = None) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(window, extra)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setObjectName("shortcutTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Command", "Keys", "Where"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for r, row in enumerate(self.rows):
            for c, text in enumerate((row.what, row.keys, row.where)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    picture: QWidget | None  # the part of the window the step is about, grabbed live


class GettingStartedDialog(QDialog):
    """The workflow in six steps, each with a picture of the panel it happens in. Non-modal."""

    def __init__(self, window: QWidget, steps: list[Step]) -> None:
        super().__init__(window)
        self.setObjectName("gettingStartedDialog")
        self.setWindowTitle("Getting started with Briefer")
        self.setModal(False)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        self.step_labels: list[QLabel] = []
        for n, step in enumerate(steps):
            picture = QLabel()
            picture.setFixedSize(PICTURE_W + 2, PICTURE_H + 2)
            picture.setStyleSheet("border: 1px solid palette(mid);")
            if step.picture is not None:
                picture.setPixmap(_thumbnail(step.picture.grab()))
            picture.setAccessibleName(f"Picture for step {n + 1}")
            text = QLabel(f"<b>{n + 1}. {step.title}</b><br>{step.text}")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            self.step_labels.append(text)
            grid.addWidget(picture, n // 2, (n % 2) * 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, n // 2, (n % 2) * 2 + 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        note = QLabel("Open this again from Help > Getting Started.")
        note.setObjectName("gettingStartedNote")
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(900, 520)


def _thumbnail(shot: QPixmap) -> QPixmap:
    """The top-left part of a panel's picture, in the thumbnail's proportions, scaled down to it.

    The top of a panel (its title, toolbar and first rows) says what it is; a
    whole tall dock shrunk to 120 pixels says nothing.
    """
    if shot.isNull():
        return shot
    ratio = PICTURE_W / PICTURE_H
    width, height = shot.width(), shot.height()
    if width / max(height, 1) < ratio:  # taller than the thumbnail: keep the top
        shot = shot.copy(0, 0, width, int(width / ratio))
    else:  # wider: keep the left
        shot = shot.copy(0, 0, int(height * ratio), height)
    return shot.scaled(
        PICTURE_W, PICTURE_H, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def getting_started_steps(docks: dict[str, QWidget | None]) -> list[Step]:
    """The six steps, pictured with the window's own panels (``docks`` by role)."""
    return [
        Step(
            "Bring in your sources",
            "File > Import Documents (Ctrl+I) or drop files on the <i>Corpus</i>: "
            "PDF, Word, web pages, text and bibliographies.",
            docks.get("corpus"),
        ),
        Step(
            "Read",
            "Pick a document in the Corpus; it opens in the reader in the middle. "
            "Ctrl+F finds words in it, Ctrl+Shift+F searches every document.",
            docks.get("reader"),
        ),
        Step(
            "Tag what matters",
            "Select a sentence and press a number key 1–9 for that tag in the <i>Codebook</i>, "
            "or right-click > Tag as. Auto-tag (Edit menu) tags every match of a pattern.",
            docks.get("codebook"),
        ),
        Step(
            "Annotate",
            "Click a tagged passage: below the reader add tags, a note (Markdown) and a translation. "
            "The <i>Passages</i> list shows them all.",
            docks.get("passages"),
        ),
        Step(
            "Build the outline",
            "Drag passages from the reader or the Passages list into the sections of the <i>Outline</i>.",
            docks.get("outline"),
        ),
        Step(
            "Export the briefing",
            "Watch the <i>Preview</i>, then File > Export Briefing (Ctrl+E) writes a Word or Markdown "
            "file beside the project.",
            docks.get("preview"),
        ),
    ]


def should_show_getting_started(settings: QSettings) -> bool:
    """True the first time only; remembers that it was shown."""
    if settings.value(GETTING_STARTED_KEY, False, type=bool):
        return False
    settings.setValue(GETTING_STARTED_KEY, True)
    return True


def about_text(project: Path | None) -> str:
    """Version, Qt, PySide and Python versions, and the open project's path (for a bug report)."""
    path = str(project.resolve()) if project is not None else "none"
    return (
        f"<p><b>Briefer {briefer.__version__}</b><br>Turn a pile of sources into a cited policy briefing.</p>"
        f"<p>Qt {qVersion()} · PySide6 {pyside_version} · Python {platform.python_version()} "
        f"({sys.platform})</p>"
        f"<p>Project: <code>{_html(path)}</code></p>"
    )


def show_about(parent: QWidget, project: Path | None) -> None:
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About Briefer")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text(project))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setIconPixmap(QPixmap())
    box.open()  # not exec(): never blocks the window


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
