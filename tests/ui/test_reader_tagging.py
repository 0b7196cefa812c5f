"""Tagging in the reader, end to end: keys, offsets, undo, the project file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor, QTextDocument

from briefer.core.store import Store

from reader_support import ASTRAL_TEXT, open_doc, stored_passages

FIRST_DOC = "Small courtyard, high wall: the US technology strategy against China"


def select_utf16(reader, start: int, end: int) -> None:
    cursor = QTextCursor(reader.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    reader.setTextCursor(cursor)


def select_text(reader, needle: str) -> None:
    """Select ``needle`` the way a user would, in Qt's own positions."""
    cursor = reader.document().find(needle, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not cursor.isNull()
    reader.setTextCursor(cursor)


def tag_ids(path: Path) -> list[int]:
    with Store.open(path, readonly=True) as store:
        return [t.id for t in store.list_tags()]


def test_number_key_tags_selection_and_undo_redo(qtbot, window, project_file: Path) -> None:
    doc = open_doc(window, FIRST_DOC)
    reader = window.reader
    select_utf16(reader, 6, 29)
    qtbot.keyClick(reader, Qt.Key.Key_1)

    passages = stored_passages(project_file)
    assert len(passages) == 1
    p = passages[0]
    text = window.service.store.get_document(doc).text
    assert (p.document, p.start, p.end) == (doc, 6, 29)
    assert p.quote == text[6:29]
    assert p.tags == (tag_ids(project_file)[0],)

    window.undo_stack.undo()
    assert stored_passages(project_file) == []
    window.undo_stack.redo()
    again = stored_passages(project_file)
    assert [(q.id, q.start, q.end, q.tags) for q in again] == [(p.id, p.start, p.end, p.tags)]


def test_second_key_on_same_span_adds_tag_not_a_duplicate(qtbot, window, project_file: Path) -> None:
    open_doc(window, FIRST_DOC)
    select_utf16(window.reader, 100, 140)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    select_utf16(window.reader, 100, 140)
    qtbot.keyClick(window.reader, Qt.Key.Key_3)
    passages = stored_passages(project_file)
    assert len(passages) == 1
    ids = tag_ids(project_file)
    assert set(passages[0].tags) == {ids[0], ids[2]}
    window.undo_stack.undo()
    assert stored_passages(project_file)[0].tags == (ids[0],)


def test_astral_characters_before_the_passage(qtbot, window, project_file: Path) -> None:
    open_doc(window, "Astral")
    quote = "the quoted words here"
    select_text(window.reader, quote)
    # Qt counts the emoji and 𠀋 as two units each: its positions are off by two.
    assert window.reader.textCursor().selectionStart() == ASTRAL_TEXT.index(quote) + 2
    qtbot.keyClick(window.reader, Qt.Key.Key_2)
    (p,) = stored_passages(project_file)
    assert ASTRAL_TEXT[p.start : p.end] == quote == p.quote

    # And back: a code-point range selects exactly the quote in the widget.
    window.reader.select_range(p.start, p.end)
    assert window.reader.textCursor().selectedText() == quote

    later = "ends"  # after a line break and another 𠀋
    select_text(window.reader, later)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    stored = {q.quote: q for q in stored_passages(project_file)}
    assert ASTRAL_TEXT[stored[later].start : stored[later].end] == later


def test_overlapping_passages_are_both_painted(qtbot, window, project_file: Path) -> None:
    open_doc(window, FIRST_DOC)
    reader = window.reader
    select_utf16(reader, 10, 60)
    qtbot.keyClick(reader, Qt.Key.Key_1)
    select_utf16(reader, 40, 90)
    qtbot.keyClick(reader, Qt.Key.Key_2)
    passages = stored_passages(project_file)
    assert [(p.start, p.end) for p in passages] == [(10, 60), (40, 90)]

    assert len(reader.passages_at(50)) == 2
    assert len(reader.passages_at(20)) == 1

    def background_at(pos: int):
        fmt = reader.highlighter.painted_at(pos)
        return fmt.background().color().name() if fmt is not None else None

    only_first, overlap, only_second = background_at(20), background_at(50), background_at(80)
    assert None not in (only_first, overlap, only_second)
    assert len({only_first, overlap, only_second}) == 3  # the overlap is a blend, distinct from both


def test_delete_key_removes_current_passage(qtbot, window, project_file: Path) -> None:
    open_doc(window, FIRST_DOC)
    select_utf16(window.reader, 10, 30)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    assert window.reader.current_passage is not None
    qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
    assert stored_passages(project_file) == []
    window.undo_stack.undo()
    assert len(stored_passages(project_file)) == 1


def test_clicking_a_passage_selects_it_in_the_passage_view(qtbot, window, project_file: Path) -> None:
    open_doc(window, FIRST_DOC)
    select_utf16(window.reader, 10, 30)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    window.reader.select_passage(None)
    window.passages.view.clearSelection()
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(15)
    rect = window.reader.cursorRect(cursor)
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    pid = stored_passages(project_file)[0].id
    assert window.reader.current_passage == pid
    assert window.passages.current_passage() == pid
    assert window.panel.editor.isVisible()


def test_note_typing_is_one_undo_step(qtbot, window, project_file: Path) -> None:
    open_doc(window, FIRST_DOC)
    select_utf16(window.reader, 10, 30)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    depth = window.undo_stack.count()
    note = window.panel.editor.note
    note.setFocus()
    qtbot.keyClicks(note, "Key claim")
    assert stored_passages(project_file)[0].note == "Key claim"
    assert window.undo_stack.count() == depth + 1
    assert note.toPlainText() == "Key claim"  # the refresh did not reset the edit
    window.undo_stack.undo()
    assert stored_passages(project_file)[0].note == ""
    assert note.toPlainText() == ""


def test_editor_tag_chip_toggles_tag(qtbot, window, project_file: Path) -> None:
    open_doc(window, FIRST_DOC)
    select_utf16(window.reader, 10, 30)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    ids = tag_ids(project_file)
    chips = window.panel.editor.tags
    assert list(chips.chips()) == [ids[0]]  # the passage's own tags, as chips
    chips.toggled.emit(ids[3], True)  # what "Add tag" > the fourth tag does
    assert set(stored_passages(project_file)[0].tags) == {ids[0], ids[3]}
    chip = chips.chips()[ids[3]]
    assert chip.isChecked()
    # Clicking the chip's name (not its box) removes the tag again, like any checkbox label.
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton, pos=chip.rect().center() + QPoint(chip.width() // 4, 0))
    assert stored_passages(project_file)[0].tags == (ids[0],)
    assert not chips.chips()[ids[3]].isChecked()  # still there, to be clicked back
    window.undo_stack.undo()
    assert set(stored_passages(project_file)[0].tags) == {ids[0], ids[3]}
    window.undo_stack.undo()
    assert stored_passages(project_file)[0].tags == (ids[0],)


def test_tooltip_names_tags_and_note(qtbot, window, project_file: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QToolTip

    open_doc(window, FIRST_DOC)
    select_utf16(window.reader, 10, 30)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    window.service.update_passage(stored_passages(project_file)[0].id, note="Why it matters")
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda pos, text, *a: shown.append(text))
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(15)
    point = window.reader.viewport().mapTo(window.reader, window.reader.cursorRect(cursor).center())
    window.reader._show_tooltip(point, window.reader.mapToGlobal(point))
    assert "Controls backfire" in shown[0] and "Why it matters" in shown[0]


def test_edit_delete_removes_passage_chosen_in_passage_view(qtbot, window, project_file: Path) -> None:
    open_doc(window, FIRST_DOC)
    select_utf16(window.reader, 10, 30)
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    view = window.passages.view
    view.setCurrentIndex(view.model().index(0, 0))
    view.setFocus()
    window.grab()  # paints the delegate's chips once
    window.menus.delete_action.trigger()
    assert stored_passages(project_file) == []
    window.undo_stack.undo()
    assert len(stored_passages(project_file)) == 1


def test_context_menu_offers_numbered_tags(window) -> None:
    from PySide6.QtWidgets import QMenu

    menu = QMenu()
    window.reader.fill_tag_menu(menu)
    labels = [a.text() for a in menu.actions()]
    assert labels[0].startswith("&1") and "Controls backfire" in labels[0]
    assert len(labels) == 4


def test_passages_far_down_are_painted_when_scrolled_into_view(window) -> None:
    """Highlights are built for the text in view; scrolling brings the rest in."""
    did = open_doc(window, FIRST_DOC)
    reader, service = window.reader, window.service
    text = reader.text()
    near = service.create_passage(document=did, start=10, end=30, tags=[service.store.list_tags()[0].id])
    far_start = len(text) - 40
    far = service.create_passage(
        document=did, start=far_start, end=far_start + 20, tags=[service.store.list_tags()[1].id]
    )
    reader.verticalScrollBar().setValue(0)
    assert reader.highlighter.painted_at(15) is not None
    assert reader.highlighter.painted_at(far_start + 5) is None  # far out of view: not built yet

    reader.select_passage(far, scroll=True)
    painted = reader.highlighter.painted_at(far_start + 5)
    assert painted is not None and painted.underlineStyle() != painted.UnderlineStyle.NoUnderline
    assert reader.passages_at(far_start + 5) == [far]
    assert reader.passages_at(15) == [near]  # found in the store, painted or not


def test_tagging_rebuilds_the_highlights_once_and_the_new_passage_shows_underlined(
    qtbot, window, project_file: Path, monkeypatch
) -> None:
    """The new passage's colour and the current passage's underline come from one
    rebuild, run by the event loop: each rebuild costs every span in view."""
    open_doc(window, FIRST_DOC)
    reader = window.reader
    builds: list[int] = []
    real = type(reader.highlighter)._pieces
    monkeypatch.setattr(type(reader.highlighter), "_pieces", lambda self, a, b: builds.append(a) or real(self, a, b))
    select_utf16(reader, 10, 60)
    qtbot.wait(20)  # whatever selecting set off (a scroll) is done
    builds.clear()
    reader.apply_tag(window.service.tags.all()[0].id)
    assert builds == []  # asked for twice (the passage stored, then selected), not yet run
    qtbot.wait(50)
    assert len(builds) == 1
    fmt = reader.highlighter.painted_at(30)
    assert fmt is not None
    assert fmt.underlineStyle() == fmt.UnderlineStyle.SingleUnderline  # the current passage
    assert len(builds) == 1
    # The rebuild covers a margin beyond the view: the line scrolled next (as the
    # next selection usually scrolls) needs no rebuild of its own.
    bar = reader.verticalScrollBar()
    assert bar.maximum() > bar.value()
    bar.setValue(bar.value() + 1)
    qtbot.wait(20)
    assert len(builds) == 1
    window.undo_stack.undo()
    assert reader.highlighter.painted_at(30) is None  # a query runs the waiting rebuild itself
    assert len(builds) == 2


def test_an_edit_reformats_only_the_paragraphs_it_changed(qtbot, window, project_file: Path) -> None:
    """Highlights are the paragraphs' own formats: an edit gives new formats (and a new
    layout) to the paragraph it touched, not to the others in view, and the covered
    text stays covered."""
    open_doc(window, FIRST_DOC)
    reader = window.reader
    highlighter = reader.highlighter
    document = reader.document()
    tags = window.service.tags.all()
    third_paragraph = document.findBlockByNumber(2)
    assert third_paragraph.isValid() and third_paragraph.length() > 40
    far = third_paragraph.position() + 5
    for start, end in ((far, far + 20), (10, 60)):  # the far one first: the current passage is underlined
        select_utf16(reader, start, end)
        reader.apply_tag(tags[0].id)
        highlighter.flush()
    covered = highlighter._covered
    painted = dict(highlighter._painted)
    select_utf16(reader, 20, 40)  # inside the first passage, in the first paragraph
    reader.apply_tag(tags[1].id)
    highlighter.flush()
    changed = {n for n, pieces in highlighter._painted.items() if painted.get(n) != pieces}
    assert changed == {document.findBlock(20).blockNumber()}
    assert highlighter._covered == covered
    far_format = highlighter.painted_at(far + 2)
    assert far_format is not None and far_format.background().color().alpha() > 0  # still painted
    overlap = highlighter.painted_at(30)
    assert overlap is not None and overlap.underlineStyle() != far_format.UnderlineStyle.NoUnderline
