"""Each text the reader shows lives in a QTextDocument of its own, laid out the reader's way."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from briefer.ui.reader import DOCUMENT_MARGIN
from briefer.ui.reader_layout import SpacedPlainTextLayout

from reader_support import ASTRAL_TEXT, doc_id, open_doc

FIRST_DOC = "Small courtyard, high wall: the US technology strategy against China"


def test_opening_another_text_replaces_and_deletes_the_old_document(qtbot, window) -> None:
    reader, service = window.reader, window.service
    first = open_doc(window, FIRST_DOC)
    tag = service.store.list_tags()[0].id
    service.create_passage(document=first, start=10, end=40, tags=[tag])
    reader.verticalScrollBar().setValue(0)
    assert reader.highlighter.painted_at(20) is not None
    old = reader.document()
    destroyed: list[bool] = []
    old.destroyed.connect(lambda *_: destroyed.append(True))

    other = open_doc(window, "Astral")
    assert destroyed == [True]  # deleted at once, with its highlights' cursors: not kept until the window closes
    document = reader.document()
    assert document.toPlainText() == ASTRAL_TEXT == reader.text()
    # Laid out as the first one was: paragraph spacing, margin, the reading font, no undo history of its own.
    assert isinstance(document.documentLayout(), SpacedPlainTextLayout)
    assert document.documentMargin() == DOCUMENT_MARGIN
    assert document.defaultFont() == reader.font()
    assert not document.isUndoRedoEnabled()
    assert reader.highlighter.painted_at(20) is None  # nothing of the old text's highlights
    assert reader.document_id == other


def test_offsets_and_highlights_hold_in_each_new_document(qtbot, window) -> None:
    reader, service = window.reader, window.service
    tag = service.store.list_tags()[1].id
    astral = doc_id(window, "Astral")
    quote = "the quoted words"
    start = ASTRAL_TEXT.index(quote)  # code points; three astral characters come before it
    for _ in range(3):  # back and forth: every reopened text is a new document
        open_doc(window, FIRST_DOC)
        open_doc(window, "Astral")
        reader.select_range(start, start + len(quote))
        assert reader.selection_offsets() == (start, start + len(quote))
        assert reader.textCursor().selectedText() == quote
    pid = service.create_passage(document=astral, start=start, end=start + len(quote), tags=[tag])
    cursor = QTextCursor(reader.document())
    u16 = reader.document().find(quote, 0).selectionStart()
    cursor.setPosition(u16 + 2)
    assert reader.passages_at(u16 + 2) == [pid]
    assert reader.highlighter.painted_at(u16 + 2) is not None


def test_closing_the_document_leaves_an_empty_reader_laid_out_the_same_way(qtbot, window) -> None:
    reader = window.reader
    first = open_doc(window, FIRST_DOC)
    window.panel.open_document(None)
    assert reader.document().toPlainText() == ""
    assert isinstance(reader.document().documentLayout(), SpacedPlainTextLayout)
    window.open_document(first)  # its corpus row is still the current one
    assert reader.document_id == first
    assert reader.document().toPlainText() == reader.text() != ""


def test_a_text_just_opened_paints_the_passages_in_view_and_a_scroll_brings_the_rest(qtbot, window) -> None:
    reader, service = window.reader, window.service
    did = open_doc(window, FIRST_DOC)
    tag = service.store.list_tags()[0].id
    _first, last = reader.highlighter._visible_range()
    assert last + 200 < len(reader.text())  # the document runs on below the view
    near = service.create_passage(document=did, start=5, end=25, tags=[tag])
    below = service.create_passage(document=did, start=last + 100, end=last + 130, tags=[tag])
    window.panel.open_document(None)
    window.open_document(did)  # opened afresh

    assert reader.highlighter.painted_at(10) is not None  # in view: painted with the text
    assert reader.highlighter.painted_at(last + 110) is None  # below the view: not built yet
    assert reader.passages_at(last + 110) == [below]  # though the store knows it
    reader.verticalScrollBar().setValue(reader.verticalScrollBar().value() + 1)  # one line down
    assert reader.highlighter.painted_at(last + 110) is not None  # covered with a screen to spare
    assert reader.passages_at(10) == [near]
