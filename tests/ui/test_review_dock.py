"""New versions in the window: "Update from file…", the Needs review dock and its undoable actions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from briefer.core.store import Store

V1 = (
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.2 billion in 2023, officials said.\n"
    "Chinese firms stockpiled chips before the rules took effect.\n"
    "Analysts disagree about whether the controls work.\n"
)
V2 = (
    "A foreword was added.\n"
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.4 billion in 2023, officials said.\n"
    "Analysts disagree about whether the controls work.\n"
)
FUZZY = "The budget was $3.2 billion in 2023"
ORPHANED = "Chinese firms stockpiled chips"


def _project(path: Path) -> Path:
    with Store.create(path) as store:
        tag = store.add_tag(name="Controls work", color="#2a7ab9", is_stance=True)
        doc = store.add_document(
            text=V1, sha256=hashlib.sha256(V1.encode()).hexdigest(), title="Report", source_file="report.txt"
        )
        for quote in ("Export controls were tightened", FUZZY, ORPHANED):
            start = V1.index(quote)
            store.add_passage(document=doc, start=start, end=start + len(quote), quote=quote, tags=[tag])
    return path


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[object]:
    from briefer.ui import create_main_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = create_main_window(_project(tmp_path / "p.briefer"), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def version_2(tmp_path: Path) -> Path:
    path = tmp_path / "v2" / "report.txt"
    path.parent.mkdir()
    path.write_text(V2, encoding="utf-8")
    return path


def listed(window) -> list[str]:
    from briefer.ui.review_dock import PassageRole

    review = window.review.list
    quotes = window.service.passages.by_id(review.item(r).data(PassageRole) for r in range(review.count()))
    return [quotes[review.item(r).data(PassageRole)].quote for r in range(review.count())]


def show_passage(window, quote: str) -> int:
    pid = next(p.id for p in window.service.store.list_passages() if p.quote == quote)
    window.review.select_passage(pid)
    assert window.review.current_passage() == pid
    return pid


def update(window, version_2: Path, monkeypatch) -> None:
    """Document > context menu > "Update from file…", the file chosen in the dialog."""
    import briefer.ui.new_versions as new_versions

    monkeypatch.setattr(new_versions, "choose_new_version", lambda parent, title: version_2)
    menu = window.corpus.document_menu(1)
    (action,) = [a for a in menu.actions() if a.text() == "Update from file…"]
    action.trigger()


def test_update_from_file_lists_the_passages_to_review_and_shows_the_new_text(window, version_2, monkeypatch) -> None:
    assert listed(window) == []
    window.open_document(1)
    update(window, version_2, monkeypatch)
    assert window.reader.toPlainText() == V2.strip("\n")  # normalised as an import stores it
    assert "1 exact, 0 moved, 1 fuzzy, 1 orphaned" in window.statusBar().currentMessage()
    assert sorted(listed(window)) == sorted([FUZZY, ORPHANED])
    assert window.review.windowTitle() == "Needs review (2)"
    assert window.review.isVisible()
    show_passage(window, FUZZY)
    old, new = window.review.old_text.toHtml(), window.review.new_text.toHtml()
    assert "line-through" in old and ">2<" in old  # the old figure, struck out
    assert "#c9ecc9" in new and ">4<" in new  # the new one, highlighted
    assert window.review.accept_button.isEnabled()
    show_passage(window, ORPHANED)
    assert not window.review.accept_button.isEnabled()
    assert "Not found in the current text" in window.review.new_text.toPlainText()
    # Undoing the update brings the old text and the passages back.
    window.undo_stack.undo()
    assert window.reader.toPlainText() == V1
    assert listed(window) == []
    assert window.service.documents.info(1).version == 1


def test_accept_is_undoable(window, version_2, monkeypatch) -> None:
    update(window, version_2, monkeypatch)
    pid = show_passage(window, FUZZY)
    window.review.accept_button.click()
    passage = window.service.passages.get(pid)
    assert (passage.anchor, passage.quote) == ("exact", "The budget was $3.4 billion in 2023")
    assert listed(window) == [ORPHANED]
    window.undo_stack.undo()
    passage = window.service.passages.get(pid)
    assert (passage.anchor, passage.quote) == ("fuzzy", FUZZY)
    assert sorted(listed(window)) == sorted([FUZZY, ORPHANED])
    window.undo_stack.redo()
    assert window.service.passages.get(pid).anchor == "exact"


def test_delete_is_undoable(window, version_2, monkeypatch) -> None:
    update(window, version_2, monkeypatch)
    pid = show_passage(window, FUZZY)
    before = window.service.passages.get(pid)
    window.review.delete_button.click()
    assert window.service.passages.by_id([pid]) == {}
    assert listed(window) == [ORPHANED]
    window.undo_stack.undo()
    assert window.service.passages.get(pid) == before
    assert sorted(listed(window)) == sorted([FUZZY, ORPHANED])


def test_reselect_in_the_reader_anchors_the_selection_and_is_undoable(window, version_2, monkeypatch) -> None:
    update(window, version_2, monkeypatch)
    pid = show_passage(window, ORPHANED)
    window.review.reselect_button.click()  # shows the document in the reader
    assert window.reader.document_id == 1
    assert window.review.reselect_button.text() == "Use the reader's selection"
    start = V2.index("Analysts disagree")
    window.reader.select_range(start, start + len("Analysts disagree"))
    window.review.reselect_button.click()
    passage = window.service.passages.get(pid)
    assert (passage.anchor, passage.quote, passage.start) == ("exact", "Analysts disagree", start)
    assert listed(window) == [FUZZY]
    window.undo_stack.undo()
    assert (window.service.passages.get(pid).anchor, window.service.passages.get(pid).quote) == ("orphaned", ORPHANED)


def test_an_imported_new_version_is_offered_as_an_update(window, version_2, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    import briefer.ui.import_files as importing

    if not importing.importer_available():
        return
    monkeypatch.setattr(importing, "show_summary", lambda parent, outcomes: None)
    asked: list[str] = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.corpus.view.files_dropped.emit([version_2])
    assert "1 file is a new version of documents already in the project (report.txt)" in asked[0]
    assert window.service.documents.info(1).version == 2
    assert window.corpus.view.model().rowCount() == 1
    assert sorted(listed(window)) == sorted([FUZZY, ORPHANED])
    window.undo_stack.undo()
    assert window.service.documents.info(1).version == 1
