"""The New Tag dialog: name, colour, parent, stance and number key, set at once."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from briefer.core.model import Tag
from briefer.ui.style import swatch


@dataclass(frozen=True)
class NewTag:
    """What the dialog asks to create: ``position`` is among the parent's children (None: last)."""

    name: str
    color: str
    parent: int | None
    is_stance: bool
    position: int | None


def key_slots(tags: list[Tag], parent: int | None) -> list[tuple[int, int | None]]:
    """(number key the new tag would get, sibling position) for each place it can go under ``parent``.

    Keys follow the codebook's order (parents before children), so a new tag placed
    before a sibling takes that sibling's key and moves the later tags down one.
    """
    order = {t.id: i for i, t in enumerate(tags)}
    siblings = [t for t in tags if t.parent == parent]
    slots: list[tuple[int, int | None]] = [(order[t.id] + 1, pos) for pos, t in enumerate(siblings)]
    if parent is None:
        end = len(tags)
    else:
        below = _subtree(tags, parent)
        end = max(order[t] for t in below) + 1
    slots.append((end + 1, None))
    return slots


def _subtree(tags: list[Tag], root: int) -> set[int]:
    found, todo = set(), [root]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(t.id for t in tags if t.parent == current)
    return found


class NewTagDialog(QDialog):
    def __init__(
        self, tags: list[Tag], color: str, parent_tag: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newTagDialog")
        self.setWindowTitle("New tag")
        self._tags = tags
        self._color = color
        self.name = QLineEdit(placeholderText="e.g. Controls work")
        self.name.setObjectName("newTagName")
        self.name.setAccessibleName("Tag name")
        self.color_button = QPushButton()
        self.color_button.setObjectName("newTagColor")
        self.color_button.setAccessibleName("Tag colour")
        self.color_button.setToolTip("Choose the colour passages with this tag are painted in")
        self.color_button.clicked.connect(self._choose_color)
        self.parent_box = QComboBox()
        self.parent_box.setObjectName("newTagParent")
        self.parent_box.setAccessibleName("Parent tag")
        self.parent_box.addItem("None (a top-level tag)", None)
        for tag in tags:
            depth = self._depth(tag)
            self.parent_box.addItem(swatch(tag.color), "    " * depth + tag.name, tag.id)
        self.parent_box.setCurrentIndex(max(self.parent_box.findData(parent_tag), 0))
        self.stance = QCheckBox("A stance: a position the briefing weighs (for the balance view)")
        self.stance.setObjectName("newTagStance")
        self.key_box = QComboBox()
        self.key_box.setObjectName("newTagKey")
        self.key_box.setAccessibleName("Number key")
        self.key_box.setToolTip("The number key that applies this tag in the reader (1–9)")
        self.parent_box.currentIndexChanged.connect(lambda _i: self._fill_keys())
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        self.color_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        form.addRow("&Colour:", self.color_button)
        form.addRow("&Parent:", self.parent_box)
        form.addRow("&Key:", self.key_box)
        form.addRow("", self.stance)
        self.error = QLabel()
        self.error.setObjectName("newTagError")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._show_color()
        self._fill_keys()

    def _depth(self, tag: Tag) -> int:
        parents = {t.id: t.parent for t in self._tags}
        depth, current = 0, tag.parent
        while current is not None and depth < 50:
            depth, current = depth + 1, parents.get(current)
        return depth

    def _fill_keys(self) -> None:
        self.key_box.clear()
        for key, position in key_slots(self._tags, self.parent_box.currentData()):
            label = f"{key}" if key <= 9 else "none (after tag 9)"
            if position is None:
                label += " — last"
            self.key_box.addItem(label, position)
        self.key_box.setCurrentIndex(self.key_box.count() - 1)  # last, as before: no key moves

    def _choose_color(self) -> None:
        color = QColorDialog.getColor(QColor(self._color), self, "Tag colour")
        if color.isValid():
            self._color = color.name()
            self._show_color()

    def _show_color(self) -> None:
        self.color_button.setIcon(swatch(self._color, 16))
        self.color_button.setText(self._color)

    def _accept(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.error.setText("A tag needs a name.")
            return
        if any(t.name.casefold() == name.casefold() for t in self._tags):
            self.error.setText(f"A tag named “{name}” exists already.")
            return
        self.accept()

    def result_tag(self) -> NewTag:
        return NewTag(
            self.name.text().strip(),
            self._color,
            self.parent_box.currentData(),
            self.stance.isChecked(),
            self.key_box.currentData(),
        )
