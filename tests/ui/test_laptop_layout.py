"""The window on a laptop screen (1280×720) and a large one (1920×1080): the reader gets the room."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget

from reader_support import open_doc

FIRST_DOC = "Small courtyard, high wall: the US technology strategy against China"

SIZES = [(1280, 720), (1920, 1080)]


def make_window(qtbot, project_file: Path, settings: QSettings, size: tuple[int, int]):
    from briefer.ui import create_main_window

    window = create_main_window(project_file, settings)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)  # let the docks settle at the real size
    return window


def visible_lines(reader) -> int:
    """Lines of text wholly inside the reader's viewport."""
    height = reader.viewport().height()
    offset = reader.contentOffset()
    block = reader.firstVisibleBlock()
    count = 0
    while block.isValid():
        top = reader.blockBoundingGeometry(block).translated(offset).top()
        if top > height:
            break
        layout = block.layout()
        for i in range(layout.lineCount()):
            rect = layout.lineAt(i).rect()
            if top + rect.top() >= 0 and top + rect.bottom() <= height:
                count += 1
        block = block.next()
    return count


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.mark.parametrize("size", SIZES)
def test_the_reader_gets_half_the_width_and_25_lines(qtbot, project_file: Path, settings, size) -> None:
    window = make_window(qtbot, project_file, settings, size)
    open_doc(window, FIRST_DOC)
    assert window.width() == size[0]
    assert window.reader.width() >= window.width() / 2
    assert visible_lines(window.reader) >= 25
    # The docks take the rest: corpus, codebook and outline are all on screen.
    for dock in (window.corpus, window.codebook, window.outline, window.preview):
        assert not dock.visibleRegion().isEmpty(), dock.objectName()
    window.close()


def test_on_a_laptop_the_passage_list_is_a_tab_beside_the_corpus(qtbot, project_file: Path, settings) -> None:
    window = make_window(qtbot, project_file, settings, (1280, 720))
    assert window.dockWidgetArea(window.passages) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert set(window.tabifiedDockWidgets(window.corpus)) == {window.passages, window.search}
    assert window.review.isHidden()  # below the reader, shown only while passages wait for review
    window.close()
    wide = make_window(
        qtbot, project_file, QSettings(str(project_file) + ".ini", QSettings.Format.IniFormat), (1920, 1080)
    )
    assert wide.dockWidgetArea(wide.passages) == Qt.DockWidgetArea.BottomDockWidgetArea
    wide.close()


def test_paragraphs_are_spaced_without_changing_the_text(qtbot, project_file: Path, settings) -> None:
    window = make_window(qtbot, project_file, settings, (1280, 720))
    open_doc(window, FIRST_DOC)
    reader = window.reader
    first = reader.document().firstBlock()
    second = first.next()
    gap = reader.blockBoundingGeometry(second).top() - reader.blockBoundingGeometry(first).bottom()
    text_height = first.layout().boundingRect().height()
    assert reader.blockBoundingGeometry(first).height() > text_height  # a space after the paragraph
    assert gap >= 0
    stored = window.service.documents.get(window.reader.document_id).text
    assert reader.toPlainText() == stored
    window.close()


@pytest.mark.parametrize("size", SIZES)
def test_all_tag_chips_of_a_passage_are_visible(qtbot, project_file: Path, settings, size) -> None:
    from briefer.core.store import Store

    with Store.open(project_file) as store:
        for name in ("Policy history", "Supply chains and allies", "Talent and research", "Industry voices"):
            store.add_tag(name=name, color="#999999")
    window = make_window(qtbot, project_file, settings, size)
    open_doc(window, FIRST_DOC)
    names = [t.name for t in window.service.tags.all()]
    quote = window.reader.toPlainText()[:60].strip()
    pid = window.service.tag_quote(document=window.reader.document_id, quote=quote, tags=names)
    window.show_passage(pid)
    qtbot.wait(20)
    chips = window.panel.editor.tags.chips()
    assert len(chips) == len(names) == 8
    rows = {chip.y() for chip in chips.values()}
    if size[0] < 1600:
        assert len(rows) > 1  # they wrapped
    editor = window.panel.editor
    for chip in chips.values():
        assert chip.isVisible() and chip.visibleRegion().boundingRect() == chip.rect(), chip.text()  # not clipped
    assert editor.geometry().bottom() <= window.panel.height()
    assert editor.tags.add_button.isVisible()
    # The whole quote is there (elided when long), with the full text as its tooltip when cut.
    assert editor.quote.full_text().strip("“”") == " ".join(quote.split())
    # The reader keeps most of the height even with the editor open.
    assert visible_lines(window.reader) >= 15
    window.close()


def test_note_box_grows_with_its_text(qtbot, window) -> None:
    open_doc(window, FIRST_DOC)
    quote = window.reader.toPlainText()[:40].strip()
    pid = window.service.tag_quote(document=window.reader.document_id, quote=quote, tags=["Controls work"])
    window.show_passage(pid)
    note = window.panel.editor.note
    before = note.height()
    note.setPlainText("\n".join(f"line {n}" for n in range(6)))
    qtbot.wait(10)
    assert note.height() > before
    assert note.verticalScrollBar().maximum() == 0  # six lines shown without scrolling


def test_reset_layout_puts_the_docks_back(qtbot, project_file: Path, settings) -> None:
    window = make_window(qtbot, project_file, settings, (1280, 720))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.corpus)
    window.codebook.setFloating(True)
    action = next(a for a in window.menus.view_menu.actions() if a.objectName() == "resetLayoutAction")
    action.trigger()
    assert window.dockWidgetArea(window.corpus) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert not window.codebook.isFloating()
    assert window.dockWidgetArea(window.codebook) == Qt.DockWidgetArea.LeftDockWidgetArea
    window.close()


def test_a_layout_is_kept_per_screen_size_class(qtbot, project_file: Path, settings) -> None:
    window = make_window(qtbot, project_file, settings, (1280, 720))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.codebook)
    window.close()  # the offscreen screen is 800×800: a laptop-class screen
    assert settings.value("window/compact/state") is not None
    assert settings.value("window/wide/state") is None
    again = make_window(qtbot, project_file, settings, (1280, 720))
    assert again.dockWidgetArea(again.findChild(QDockWidget, "codebookDock")) == Qt.DockWidgetArea.RightDockWidgetArea
    again.close()
    # A layout saved on a large screen does not apply to this one.
    settings.setValue("window/wide/state", settings.value("window/compact/state"))
    settings.remove("window/compact/state")
    third = make_window(qtbot, project_file, settings, (1280, 720))
    assert third.dockWidgetArea(third.codebook) == Qt.DockWidgetArea.LeftDockWidgetArea
    third.close()
