"""What each dock is for, said where a new analyst looks: its title's tooltip, and inside it while it is empty.

The window calls ``explain_docks`` once per project; the texts live here, in one
place, so the tooltip, the screen reader's description and the empty-list hint agree.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QLabel, QToolButton, QToolTip, QWidget

# dock objectName -> what it is for (title tooltip, accessible description)
DOCK_PURPOSE = {
    "corpusDock": "Your sources. Pick one to read it; drop files here or use File > Import Documents (Ctrl+I).",
    "codebookDock": "Your tags. Press a tag's number (1–9) in the reader to tag the selected text.",
    "passagesDock": "Every tagged passage, with its tags and note. Filter them, or drag them into the outline.",
    "searchDock": "Search every document at once (Ctrl+Shift+F); click a hit to read it in context.",
    "reviewDock": "Passages whose document was updated and whose quote moved or changed: accept, re-select or delete.",
    "outlineDock": "The briefing's sections. Drag passages here from the reader or the Passages list.",
    "metaDock": "The briefing's title, author, audience and bottom line, as the export prints them.",
    "balanceDock": "How evenly the outline weighs each stance, and which sources it rests on.",
    "previewDock": "The briefing as the chosen template renders it, updated as you work.",
}

# view objectName -> what its empty list says
EMPTY_HINTS = {
    "corpusView": "No documents yet.\nDrop files here, or use File > Import Documents (Ctrl+I).",
    "codebookView": "No tags yet.\nClick “New tag” above to add the first one.",
    "searchResults": "Type words above and press Enter to search every document.",
    "reviewList": "Nothing to review.\nPassages land here when an updated document moves or changes their quote.",
    "outlineView": "No sections yet.\nClick “Add section”, then drag passages into it.",
}

TOOLBAR_TIPS = {
    "New tag…": "Add a tag to the codebook: name, colour, parent, stance and number key (Ins)",
    "Edit tag": "Rename, recolour, move, merge or delete the selected tag",
}


class _TitleTooltip(QObject):
    """Shows a dock's purpose when the mouse rests on its title bar (not over its contents)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and isinstance(watched, QDockWidget):
            assert isinstance(event, QHelpEvent)
            body = watched.widget()
            if body is None or event.pos().y() < body.geometry().top():
                QToolTip.showText(event.globalPos(), DOCK_PURPOSE.get(watched.objectName(), ""), watched)
                return True
        return False


class EmptyHint(QLabel):
    """A centred grey note over a list's viewport, shown while the list has no rows."""

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        # On the view, not its viewport(): the first viewport() call makes PySide
        # build wrappers for dozens of classes (~8 ms), which start-up avoids.
        super().__init__(text, view)
        self.setObjectName("emptyHint")
        self._empty_text = text
        self.view = view
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # drops still reach the list
        self.setStyleSheet("color: palette(placeholder-text); padding: 12px;")
        view.installEventFilter(self)
        model = view.model()
        if model is not None:
            for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
                signal.connect(self.update_visibility)
        self.update_visibility()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.contentsRect())
        return False

    def update_visibility(self, *_: object) -> None:
        # A QTreeWidget deletes its own model as it goes, which empties it and
        # signals here after the view's wrapper is gone.
        if not shiboken6.isValid(self.view):
            return
        model = self.view.model()
        empty = model is not None and model.rowCount() == 0
        if empty and isinstance(model, QSortFilterProxyModel) and model.sourceModel().rowCount() > 0:
            self.setText("Nothing matches the filter.")  # the rows are there, only hidden
        elif empty:
            self.setText(self._empty_text)
        self.setGeometry(self.view.contentsRect())
        self.setVisible(empty)


def explain_docks(docks: list[QDockWidget]) -> None:
    """Tooltips on the docks' titles, descriptions for screen readers, hints in empty lists, toolbar tips."""
    tooltip = _TitleTooltip(docks[0].parent() if docks else None)
    for dock in docks:
        purpose = DOCK_PURPOSE.get(dock.objectName())
        if purpose is None:
            continue
        dock.setAccessibleName(dock.windowTitle())
        dock.setAccessibleDescription(purpose)
        dock.installEventFilter(tooltip)
        for view in dock.findChildren(QAbstractItemView):
            hint = EMPTY_HINTS.get(view.objectName())
            if hint is not None:
                EmptyHint(view, hint)
        for button in dock.findChildren(QToolButton):
            if button.objectName() == "qt_toolbar_ext_button":  # Qt's "»" for the actions that do not fit
                button.setToolTip("More actions")
                button.setAccessibleName("More actions")
                continue
            tip = TOOLBAR_TIPS.get(button.text()) or (
                button.defaultAction() and TOOLBAR_TIPS.get(button.defaultAction().text())
            )
            if tip:
                button.setToolTip(tip)
                if button.defaultAction() is not None:
                    button.defaultAction().setToolTip(tip)
