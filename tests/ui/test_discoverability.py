"""Things a new analyst should find: dock explanations, empty-list hints, right plurals, the find count,
rendered notes, dates read in common forms."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QFont, QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QToolButton, QToolTip

from briefer.ui.dock_help import DOCK_PURPOSE
from briefer.ui.metadata_dialog import MetadataDialog
from briefer.ui.note_text import note_document

from reader_support import open_doc

FIRST_DOC = "Small courtyard, high wall: the US technology strategy against China"


def test_dock_titles_explain_the_dock(qtbot, window, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda pos, text, *a: shown.append(text))
    for dock in (window.corpus, window.codebook, window.outline, window.preview):
        assert dock.accessibleDescription() == DOCK_PURPOSE[dock.objectName()]
        title = QPoint(20, 5)  # on the title bar, above the dock's contents
        assert title.y() < dock.widget().geometry().top()
        QApplication.sendEvent(dock, QHelpEvent(QEvent.Type.ToolTip, title, dock.mapToGlobal(title)))
        assert shown[-1] == DOCK_PURPOSE[dock.objectName()]
    count = len(shown)
    inside = QPoint(20, window.corpus.widget().geometry().top() + 40)
    QApplication.sendEvent(window.corpus, QHelpEvent(QEvent.Type.ToolTip, inside, window.corpus.mapToGlobal(inside)))
    assert len(shown) == count  # not over the list itself
    buttons = window.codebook.toolbar.findChildren(QToolButton)
    new_tag = next(b for b in buttons if b.defaultAction() is window.codebook.add_action)
    assert "colour" in new_tag.toolTip()
    edit_tag = next(b for b in buttons if b.text() == "Edit tag")
    assert "Rename" in edit_tag.toolTip()


def hint(view) -> QLabel:
    return view.findChild(QLabel, "emptyHint")


def test_empty_lists_say_how_to_fill_them(qtbot, window) -> None:
    search = hint(window.search.results)
    assert search.isVisible() and "press Enter" in search.text()
    window.search.search("semiconductor")
    assert not search.isVisible()
    corpus = hint(window.corpus.view)
    assert not corpus.isVisible()
    window.corpus.filter.setText("no such document anywhere")
    assert corpus.isVisible() and corpus.text() == "Nothing matches the filter."
    for tag in window.service.tags.all():
        window.codebook.select_tag(tag.id)
        window.codebook.delete_selected()
    codebook = hint(window.codebook.view)
    qtbot.waitUntil(codebook.isVisible, timeout=1000)
    assert "New tag" in codebook.text()


def test_status_bar_counts_in_the_singular(qtbot, window) -> None:
    did = open_doc(window, FIRST_DOC)
    window.service.tag_quote(document=did, quote=window.reader.toPlainText()[:30].strip(), tags=["Controls work"])
    assert window.counts_label.text().endswith("· 1 passage")
    assert window.counts_label.text().startswith("6 documents")


def test_find_bar_counts_and_wraps(qtbot, window) -> None:
    open_doc(window, FIRST_DOC)
    text = window.reader.toPlainText().lower()
    total = text.count("small courtyard")
    assert total >= 3
    bar = window.panel.find_bar
    window.menus.find_action.trigger()
    bar.edit.setText("small courtyard")
    assert bar.find_next()
    assert bar.status.text() == f"1 of {total}"
    assert bar.find_next()
    assert bar.status.text() == f"2 of {total}"
    for _ in range(total - 2):
        bar.find_next()
    assert bar.status.text() == f"{total} of {total}"
    assert bar.find_next()  # past the last: round to the first, and it says so
    assert bar.status.text() == f"1 of {total} · from the top"
    assert bar.find_previous()
    assert bar.status.text() == f"{total} of {total} · from the end"


def test_notes_show_their_markdown_rendered() -> None:
    document = note_document("Huawei *adapted* within **two years**", QFont(), QColor("#555555"))
    assert document.toPlainText() == "Huawei adapted within two years"  # no asterisks
    block = document.firstBlock()
    formats = {frag.text(): frag.charFormat() for frag in _fragments(block)}
    assert formats["adapted"].fontItalic()
    assert formats["two years"].fontWeight() >= QFont.Weight.Bold


def _fragments(block):
    it = block.begin()
    while not it.atEnd():
        yield it.fragment()
        it += 1


def test_the_details_editor_reads_common_dates_and_stores_iso(qtbot, window) -> None:
    dialog = MetadataDialog(window.service.documents.info(open_doc(window, FIRST_DOC)), window)
    qtbot.addWidget(dialog)
    date = dialog.edits["date"]
    date.clear()
    qtbot.keyClicks(date, "August 2, 2024")
    assert dialog.date_note.text() == "Stored as 2024-08-02."
    dialog._accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.changed_fields()["date"] == "2024-08-02"
    again = MetadataDialog(window.service.documents.info(window.reader.document_id), window)
    qtbot.addWidget(again)
    again.edits["date"].clear()
    qtbot.keyClicks(again.edits["date"], "next Tuesday")
    again._accept()
    assert again.result() != again.DialogCode.Accepted
    assert "Cannot read “next Tuesday” as a date" in again.date_note.text()
    assert again.edits["date"].text() == "next Tuesday"  # left for the analyst to fix


def test_every_toolbar_button_has_a_tooltip(window) -> None:
    buttons = [b for b in window.findChildren(QToolButton) if b.isVisible()]
    assert len(buttons) >= 4
    assert [b.text() for b in buttons if not b.toolTip()] == []
