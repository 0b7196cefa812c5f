"""The passage's tags as chips that wrap, with an "Add tag" button for the others.

Each chip is a checkbox: clicking its name or its colour swatch toggles it, as
any checkbox label does. A chip unchecked by mistake stays (unchecked) until
another passage is shown, so a second click puts the tag back.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QMenu, QSizePolicy, QToolButton, QWidget

from briefer.core.model import Tag
from briefer.ui.flow_layout import FlowLayout
from briefer.ui.style import swatch


class TagChips(QWidget):
    """Chips for the tags on one passage; ``toggled(tag_id, on)`` when the analyst changes one."""

    toggled = Signal(int, bool)
    new_tag_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagChips")
        self.setAccessibleName("Tags of this passage")
        self._layout = FlowLayout(self, spacing=4)
        self._chips: dict[int, QCheckBox] = {}
        self._passage: int | None = None
        self._tags: list[Tag] = []
        self.add_button = QToolButton()
        self.add_button.setObjectName("addTagButton")
        self.add_button.setText("+ Add tag")
        self.add_button.setToolTip("Add a tag to this passage (or press its number key in the reader)")
        self.add_button.setAccessibleName("Add tag")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self.add_button)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        self.add_button.setMenu(self.add_menu)
        self._layout.addWidget(self.add_button)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def chips(self) -> dict[int, QCheckBox]:
        """Tag id -> its chip, in codebook order."""
        return dict(self._chips)

    def show_tags(self, passage: int, tags: list[Tag], on: set[int]) -> None:
        """Chips for the tags in ``on``; chips of this passage unchecked a moment ago stay, unchecked."""
        keep = set(self._chips) if passage == self._passage else set()
        self._passage = passage
        self._tags = tags
        wanted = [t for t in tags if t.id in on or t.id in keep]
        if [t.id for t in wanted] != list(self._chips):
            for chip in self._chips.values():
                self._layout.removeWidget(chip)
                chip.deleteLater()
            self._chips = {}
            self._layout.removeWidget(self.add_button)
            for tag in wanted:
                chip = QCheckBox(self)
                chip.setObjectName("tagChip")
                chip.toggled.connect(lambda checked, tid=tag.id: self.toggled.emit(tid, checked))
                self._chips[tag.id] = chip
                self._layout.addWidget(chip)
            self._layout.addWidget(self.add_button)
        for tag in wanted:
            chip = self._chips[tag.id]
            chip.blockSignals(True)
            chip.setText(tag.name)
            chip.setIcon(swatch(tag.color))
            chip.setChecked(tag.id in on)
            chip.setToolTip(f"{'Remove' if tag.id in on else 'Add'} the tag “{tag.name}”")
            chip.setAccessibleName(f"Tag {tag.name}")
            chip.blockSignals(False)
        self.updateGeometry()

    def _fill_add_menu(self) -> None:
        self.add_menu.clear()
        on = {tid for tid, chip in self._chips.items() if chip.isChecked()}
        for n, tag in enumerate(self._tags, start=1):
            if tag.id in on:
                continue
            label = f"&{n}  {tag.name}" if n <= 9 else f"    {tag.name}"
            action = self.add_menu.addAction(swatch(tag.color), label)
            action.triggered.connect(lambda _=False, tid=tag.id: self.toggled.emit(tid, True))
        if self.add_menu.isEmpty():
            self.add_menu.addAction("Every tag is on this passage").setEnabled(False)
        self.add_menu.addSeparator()
        self.add_menu.addAction("New tag…").triggered.connect(self.new_tag_requested.emit)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._layout.heightForWidth(width)
