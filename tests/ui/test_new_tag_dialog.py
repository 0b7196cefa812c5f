"""The New Tag dialog sets name, colour, parent, stance and number key at once, as one undo step."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog

from briefer.ui.new_tag_dialog import NewTagDialog


def run_dialog(window, monkeypatch, fill) -> None:
    def exec_(dialog: NewTagDialog) -> int:
        fill(dialog)
        dialog.buttons.accepted.emit()
        return dialog.result()

    monkeypatch.setattr(NewTagDialog, "exec", exec_)
    window.codebook.add_tag()


def test_every_field_at_once(window, monkeypatch) -> None:
    store = window.service.store
    before = store.list_tags()
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))

    def fill(dialog: NewTagDialog) -> None:
        dialog.name.setText("Energy security")
        dialog.color_button.click()
        dialog.stance.setChecked(True)
        # Key 2: before the second top-level tag, which moves to key 3.
        dialog.key_box.setCurrentIndex(dialog.key_box.findText("2"))

    depth = window.undo_stack.count()
    run_dialog(window, monkeypatch, fill)
    tag = store.tag_named("Energy security")
    assert tag is not None
    assert (tag.color, tag.parent, tag.is_stance) == ("#123456", None, True)
    assert [t.id for t in store.list_tags()][:3] == [before[0].id, tag.id, before[1].id]
    assert window.codebook.model.item(1, 1).text() == "2"  # the Key column shows it
    assert window.undo_stack.count() == depth + 1
    window.undo_stack.undo()
    assert store.tag_named("Energy security") is None
    assert [t.id for t in store.list_tags()] == [t.id for t in before]


def test_a_child_tag_and_a_clear_refusal_of_a_duplicate(window, monkeypatch) -> None:
    store = window.service.store
    parent = store.list_tags()[2]

    def child(dialog: NewTagDialog) -> None:
        dialog.name.setText("HBM")
        dialog.parent_box.setCurrentIndex(dialog.parent_box.findData(parent.id))

    run_dialog(window, monkeypatch, child)
    hbm = store.tag_named("HBM")
    assert hbm is not None and hbm.parent == parent.id
    shown: list[str] = []

    def duplicate(dialog: NewTagDialog) -> None:
        dialog.name.setText("controls WORK")
        dialog.buttons.accepted.emit()
        shown.append(dialog.error.text())
        dialog.reject()

    count = len(store.list_tags())
    run_dialog(window, monkeypatch, duplicate)
    assert shown == ["A tag named “controls WORK” exists already."]
    assert len(store.list_tags()) == count
