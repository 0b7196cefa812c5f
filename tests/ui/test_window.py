"""The window's other duties: corpus, search, codebook, metadata, import, find."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from briefer.core.store import Store
from briefer.ui.id_model import IdRole

from reader_support import doc_id, open_doc, stored_passages

CHINESE = "美國與中國的科技競賽"
FIRST_DOC = "Small courtyard, high wall: the US technology strategy against China"


def tag_passage(qtbot, window, start: int, end: int, key: Qt.Key = Qt.Key.Key_1) -> None:
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    qtbot.keyClick(window.reader, key)


def test_object_names_for_automation(window) -> None:
    for name, kind in (
        ("reader", QPlainTextEdit),
        ("corpusView", object),
        ("codebookView", object),
        ("passageView", object),
    ):
        widget = window.findChild(kind, name)
        assert widget is not None, name
        assert widget.accessibleName()
    assert window.reader is window.findChild(QPlainTextEdit, "reader")


def test_corpus_lists_documents_and_current_row_opens_reader(window) -> None:
    view = window.corpus.view
    assert view.model().rowCount() == 6
    did = open_doc(window, CHINESE)
    assert window.reader.toPlainText().startswith("美國幾乎")
    assert CHINESE in window.panel.header.text()
    assert view.currentIndex().data(IdRole) == did


def test_corpus_filter(window) -> None:
    window.corpus.filter.setText("huawei")
    assert window.corpus.view.model().rowCount() == 1


def test_corpus_search_finds_two_character_chinese_word(qtbot, window) -> None:
    hits = window.search.search("晶片")
    assert hits > 0
    chinese = doc_id(window, CHINESE)
    found = window.search.hits()
    assert {d for d, _, _ in found} == {chinese}
    document, start, end = found[0]
    window.show_hit(document, start, end)
    assert window.reader.document_id == chinese
    assert window.reader.textCursor().selectedText() == "晶片"
    assert window.reader.selection_offsets() == (start, end)


def test_corpus_search_hit_after_astral_character(window) -> None:
    window.search.search("rare")
    astral = doc_id(window, "Astral")
    ((document, start, end),) = [hit for hit in window.search.hits() if hit[0] == astral]
    assert start == 22  # code points; Qt sees it at 24
    window.show_hit(document, start, end)
    assert window.reader.textCursor().selectedText() == "rare"


def test_passage_counts_follow_tagging(qtbot, window) -> None:
    did = open_doc(window, FIRST_DOC)
    tag_passage(qtbot, window, 10, 30)
    model = window.corpus.model
    assert model.index(model.row_of(did), 3).data() == 1
    assert window.passages.view.model().rowCount() == 1
    window.undo_stack.undo()
    assert model.index(model.row_of(did), 3).data() == 0
    assert window.passages.view.model().rowCount() == 0


def test_passage_filters(qtbot, window) -> None:
    open_doc(window, FIRST_DOC)
    tag_passage(qtbot, window, 10, 30, Qt.Key.Key_1)
    tag_passage(qtbot, window, 50, 80, Qt.Key.Key_2)
    dock = window.passages
    assert dock.view.model().rowCount() == 2
    dock.tag_box.setCurrentIndex(2)  # "All tags", tag 1, tag 2, ...
    assert dock.view.model().rowCount() == 1
    dock.tag_box.setCurrentIndex(0)
    dock.text_box.setText("zzz-not-there")
    assert dock.view.model().rowCount() == 0


def test_deleting_a_used_tag_asks_first(qtbot, window, project_file: Path, monkeypatch) -> None:
    open_doc(window, FIRST_DOC)
    tag_passage(qtbot, window, 10, 30)
    tag_passage(qtbot, window, 40, 60)
    first = window.service.store.list_tags()[0]
    window.codebook.select_tag(first.id)
    asked: list[str] = []

    def answer(reply):
        def question(parent, title, text, *args, **kwargs):
            asked.append(text)
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    window.codebook.delete_selected()
    assert "2 passages" in asked[-1]
    assert window.service.store.tag_named(first.name) is not None

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    window.codebook.delete_selected()
    with Store.open(project_file, readonly=True) as store:
        assert store.tag_named(first.name) is None
        assert all(p.tags == () for p in store.list_passages())
    window.undo_stack.undo()
    with Store.open(project_file, readonly=True) as store:
        assert store.tag_named(first.name) is not None
        assert all(p.tags == (first.id,) for p in store.list_passages())


def test_unused_tag_deletes_without_asking(window, monkeypatch) -> None:
    last = window.service.store.list_tags()[-1]
    window.codebook.select_tag(last.id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (_ for _ in ()).throw(AssertionError("asked")))
    window.codebook.delete_selected()
    assert window.service.store.tag_named(last.name) is None


def test_codebook_edits_are_undoable(window, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from briefer.ui.new_tag_dialog import NewTagDialog

    book = window.codebook

    def name_it(dialog: NewTagDialog) -> int:
        dialog.name.setText("Energy")
        return 1

    monkeypatch.setattr(NewTagDialog, "exec", name_it)
    book.add_tag()
    store = window.service.store
    energy = store.tag_named("Energy")
    assert energy is not None and book.selected_tag().id == energy.id
    assert book.model.rowCount() == 5
    book.indent_selected()  # nest under the tag above
    assert store.get_tag(energy.id).parent == store.list_tags()[3].id
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Energy policy", True))
    book.select_tag(energy.id)
    book.rename_tag()
    assert store.get_tag(energy.id).name == "Energy policy"
    book.select_tag(energy.id)
    book.toggle_stance()
    assert store.get_tag(energy.id).is_stance
    for _ in range(4):
        window.undo_stack.undo()
    assert store.tag_named("Energy") is None and book.model.rowCount() == 4


def test_reorder_changes_number_keys(window) -> None:
    tags = window.service.store.list_tags()
    window.codebook.select_tag(tags[1].id)
    window.codebook.move_selected(-1)
    assert [t.id for t in window.service.store.list_tags()][:2] == [tags[1].id, tags[0].id]
    assert window.codebook.model.item(0, 1).text() == "1"
    assert window.codebook.model.item(0, 0).data(Qt.ItemDataRole.UserRole + 1) == tags[1].id


def test_merge_moves_passages_and_undoes(qtbot, window, project_file: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    open_doc(window, FIRST_DOC)
    tag_passage(qtbot, window, 10, 30, Qt.Key.Key_3)
    tags = window.service.store.list_tags()
    window.codebook.select_tag(tags[2].id)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (tags[3].name, True))
    window.codebook.merge_selected()
    assert stored_passages(project_file)[0].tags == (tags[3].id,)
    assert window.service.store.tag_named(tags[2].name) is None
    window.undo_stack.undo()
    assert stored_passages(project_file)[0].tags == (tags[2].id,)


def test_metadata_edit_is_undoable(window, project_file: Path, monkeypatch) -> None:
    from briefer.ui.metadata_dialog import MetadataDialog

    did = open_doc(window, FIRST_DOC)

    def fill(dialog: MetadataDialog) -> int:
        dialog.edits["publisher"].setText("Reuters")
        dialog.edits["date"].setText("2024-08-01")
        dialog.edits["container"].setText("Reuters World News")
        dialog.edits["doi"].setText("10.1234/chips.2024")
        dialog.item_type.setCurrentIndex(dialog.item_type.findData("article-newspaper"))
        return 1

    monkeypatch.setattr(MetadataDialog, "exec", fill)
    window.edit_document_metadata(did)
    with Store.open(project_file, readonly=True) as store:
        info = store.document_info(did)
        assert (info.publisher, info.date) == ("Reuters", "2024-08-01")
        assert (info.container, info.doi, info.type) == (
            "Reuters World News",
            "10.1234/chips.2024",
            "article-newspaper",
        )
    assert "Reuters" in window.panel.header.text()
    row = window.corpus.model.row_of(did)
    assert window.corpus.model.index(row, 1).data() == "Reuters"
    window.undo_stack.undo()
    with Store.open(project_file, readonly=True) as store:
        assert store.document_info(did).publisher == ""
        assert (store.document_info(did).type, store.document_info(did).doi) == ("", "")
    assert "Reuters" not in window.panel.header.text()


def test_metadata_dialog_takes_a_typed_csl_type(qtbot, window) -> None:
    from briefer.ui.metadata_dialog import MetadataDialog

    dialog = MetadataDialog(window.service.documents.info(open_doc(window, FIRST_DOC)), window)
    qtbot.addWidget(dialog)
    assert dialog.changed_fields() == {}  # opening and closing changes nothing
    dialog.item_type.setEditText("thesis")
    assert dialog.changed_fields() == {"type": "thesis"}


def test_find_in_document(qtbot, window) -> None:
    open_doc(window, FIRST_DOC)
    window.menus.find_action.trigger()
    bar = window.panel.find_bar
    assert bar.isVisible()
    bar.edit.setText("technology")
    assert bar.find_next()
    first = window.reader.textCursor().selectionStart()
    assert bar.find_next()
    second = window.reader.textCursor().selectionStart()
    assert second > first
    assert bar.find_previous()
    assert window.reader.textCursor().selectionStart() == first
    bar.edit.setText("no-such-words-anywhere")
    assert not bar.find_next()


def test_import_dropped_files(window, tmp_path: Path, monkeypatch) -> None:
    import briefer.ui.import_files as importing

    if not importing.importer_available():
        return
    shown: list[object] = []
    monkeypatch.setattr(importing, "show_summary", lambda parent, outcomes: shown.append(outcomes))
    good = tmp_path / "note.txt"
    good.write_text("A short memo about chip export controls.\nSecond line.", encoding="utf-8")
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    window.corpus.view.files_dropped.emit([good, bad])
    (outcomes,) = shown
    assert sorted(o.status for o in outcomes)[0] == "imported"
    assert window.corpus.view.model().rowCount() == 7
    assert window.reader.toPlainText().startswith("A short memo")


def test_recent_projects_and_layout_are_remembered(qtbot, window, project_file: Path) -> None:
    # Once the first frame is painted: the settings file is synced to disk, which need not delay it.
    qtbot.waitUntil(lambda: window.recent_projects()[:1] == [str(project_file.resolve())], timeout=5000)
    window.close()
    assert window.settings.value("window/compact/state") is not None  # the offscreen screen is laptop-sized


def test_the_settings_file_is_written_after_the_first_frame(qtbot, project_file: Path, tmp_path: Path) -> None:
    """Writing settings syncs a file to disk, which a disk busy with other writes makes slow:
    the window remembers its project once it has painted, not on the way to being shown."""
    from briefer.ui import create_main_window

    ini = tmp_path / "fresh.ini"
    win = create_main_window(project_file, QSettings(str(ini), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    qtbot.wait(300)  # events handled, nothing painted
    assert not ini.exists() and win.recent_projects() == []
    win.show()
    qtbot.waitUntil(lambda: win.recent_projects()[:1] == [str(project_file.resolve())], timeout=5000)
    qtbot.waitUntil(ini.exists, timeout=5000)
    win.close()


def test_opening_another_project_replaces_the_panels(qtbot, window, tmp_path: Path) -> None:
    from reader_support import build_project

    other = build_project(tmp_path / "other.briefer")
    open_doc(window, FIRST_DOC)
    tag_passage(qtbot, window, 10, 30)
    assert window.open_project(other)
    assert window.service.store.path == other
    assert window.undo_stack.count() == 0
    assert window.findChild(QPlainTextEdit, "reader") is window.reader
    assert window.corpus.view.model().rowCount() == 6
    qtbot.waitUntil(lambda: window.recent_projects()[:1] == [str(other.resolve())], timeout=5000)  # once painted


def test_every_dock_is_rebuilt_for_another_project(window, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QDockWidget

    from reader_support import build_project

    names = [
        "corpusDock",
        "codebookDock",
        "passagesDock",
        "searchDock",
        "reviewDock",
        "outlineDock",
        "metaDock",
        "balanceDock",
        "previewDock",
    ]
    before = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    assert sorted(before) == sorted(names)
    assert window.open_project(build_project(tmp_path / "other.briefer"))
    after = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    assert sorted(after) == sorted(names)
    assert all(after[name] is not before[name] for name in names)
    # The View menu toggles the new docks, in the same order as before, then offers Reset Layout.
    actions = window.menus.view_menu.actions()
    assert actions[: len(names)] == [after[name].toggleViewAction() for name in names]
    assert actions[-1].objectName() == "resetLayoutAction"
    assert window.dockWidgetArea(after["outlineDock"]) == Qt.DockWidgetArea.RightDockWidgetArea


def test_run_app_shows_open_errors_instead_of_a_traceback(qtbot, tmp_path: Path, monkeypatch, capsys) -> None:
    from briefer.app import run_app

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    not_a_project = tmp_path / "notes.briefer"
    not_a_project.write_text("just text", encoding="utf-8")
    monkeypatch.setattr(QApplication, "platformName", lambda self=None: "xcb")  # as on a desktop
    assert run_app(not_a_project) == 1
    assert "not a Briefer project" in shown[0]
    assert "not a Briefer project" in capsys.readouterr().err


def test_run_app_collects_no_cycles_until_the_window_is_shown_then_as_before(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """Start-up builds objects that live as long as the window: the cyclic collector
    waits until the window is shown, and runs again while the analyst works."""
    import gc

    import briefer.ui
    from briefer.app import run_app

    from reader_support import build_project

    project = build_project(tmp_path / "p.briefer")
    seen: dict[str, object] = {}
    real_create = briefer.ui.create_main_window

    def create(path, settings=None):
        seen["building"] = gc.isenabled()
        window = real_create(path, settings)
        qtbot.addWidget(window)
        seen["window"] = window
        return window

    def event_loop(app) -> int:
        seen["shown"] = seen["window"].isVisible()  # type: ignore[attr-defined]
        seen["running"] = gc.isenabled()
        return 0

    monkeypatch.setattr(briefer.ui, "create_main_window", create)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert gc.isenabled()
    assert run_app(project) == 0
    assert seen == {"building": False, "window": seen["window"], "shown": True, "running": True}
    assert gc.isenabled()


def test_run_app_never_blocks_on_a_dialog_when_headless(qtbot, tmp_path: Path, monkeypatch, capsys) -> None:
    from briefer.app import run_app

    monkeypatch.setattr(QMessageBox, "critical", lambda *a: (_ for _ in ()).throw(AssertionError("dialog")))
    assert run_app(tmp_path / "missing.briefer") == 1
    assert capsys.readouterr().err.startswith("briefer: error:")


def test_file_export_opens_the_export_dialog(window, qtbot) -> None:
    from briefer.ui.export_dialog import ExportDialog

    assert window.menus.export_action.text() == "&Export Briefing…"
    window.menus.export_action.trigger()
    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(ExportDialog)))
    (dialog,) = window.findChildren(ExportDialog)
    assert dialog.windowTitle() == "Export briefing" and dialog.isModal() and dialog.parent() is window
    assert dialog.service is window.service
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    assert dialog.export_button.isEnabled() and not dialog.blocking_errors  # the bundled templates render
    assert dialog.template.currentData() == "memo"
    dialog.close()


def test_delete_key_in_codebook_deletes_the_tag(qtbot, window) -> None:
    last = window.service.store.list_tags()[-1]
    window.codebook.select_tag(last.id)
    window.codebook.view.setFocus()
    qtbot.waitUntil(window.codebook.view.hasFocus)
    qtbot.keyClick(window.codebook.view, Qt.Key.Key_Delete)
    assert window.service.store.tag_named(last.name) is None


def test_delete_key_is_not_ambiguous_with_the_outline(qtbot, window, project_file: Path) -> None:
    from PySide6.QtWidgets import QDockWidget, QListView

    # A dock with its own Delete binding, as the outline has.
    dock = QDockWidget("Other", window)
    dock.setObjectName("otherDock")
    view = QListView()
    dock.setWidget(view)
    fired: list[bool] = []
    from PySide6.QtGui import QAction, QKeySequence

    own = QAction("Remove", view)
    own.setShortcut(QKeySequence.StandardKey.Delete)
    own.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    own.triggered.connect(lambda: fired.append(True))
    view.addAction(own)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.show()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert fired == [True]

    open_doc(window, FIRST_DOC)
    tag_passage(qtbot, window, 10, 30)
    window.reader.setFocus()
    qtbot.waitUntil(window.reader.hasFocus)
    qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
    assert stored_passages(project_file) == []


def test_codebook_uses_follow_tagging_and_undo(qtbot, window) -> None:
    tags = window.service.store.list_tags()
    book = window.codebook

    def uses(tag_id: int) -> str:
        item = book._items[tag_id]
        return (item.parent() or book.model.invisibleRootItem()).child(item.row(), 2).text()

    before = [uses(t.id) for t in tags]
    open_doc(window, FIRST_DOC)
    tag_passage(qtbot, window, 10, 30, Qt.Key.Key_1)
    assert uses(tags[0].id) == str(int(before[0]) + 1)
    assert [uses(t.id) for t in tags[1:]] == before[1:]
    window.undo_stack.undo()
    assert [uses(t.id) for t in tags] == before


def test_search_says_when_it_stopped_at_the_limit(window, monkeypatch) -> None:
    from briefer.ui import search_dock

    monkeypatch.setattr(search_dock, "HIT_LIMIT", 3)
    assert window.search.search("the") == 3
    assert window.search.summary.text().startswith("The first 3 hits")
    assert 0 < window.search.search("Bali") < 3
    assert "first" not in window.search.summary.text() and "hit" in window.search.summary.text()


def test_import_a_folder_and_copy_the_report(window, tmp_path: Path, monkeypatch) -> None:
    """File > Import Folder takes a folder (and its subfolders); the report lists every file and copies."""
    from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton

    import briefer.ui.import_files as importing

    folder = tmp_path / "pile"
    (folder / "sub").mkdir(parents=True)
    (folder / "memo.txt").write_text("A memo on chip export controls.", encoding="utf-8")
    (folder / "sub" / "note.md").write_text("---\ntitle: Field note\n---\nControls and chips.", encoding="utf-8")
    (folder / "sub" / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    boxes: list[object] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    monkeypatch.setattr(importing, "show_summary", lambda parent, outcomes: boxes.append(outcomes))
    window.menus.import_folder_action.trigger()
    (outcomes,) = boxes
    assert sorted(o.status for o in outcomes) == ["imported", "imported", "rejected"]
    box = importing.summary_box(window, outcomes)
    copy = box.findChild(QPushButton, "copyReport")
    copy.click()
    copied = QApplication.clipboard().text().splitlines()
    assert len(copied) == 3
    assert any(
        line.startswith(f"rejected {folder / 'sub' / 'broken.pdf'}: corrupt or truncated PDF") for line in copied
    )
    assert box.detailedText() == "\n".join(copied)
    assert "Imported 2 of 3 files." in box.text()


def test_a_bibliography_fills_details_and_the_report_says_so(window, tmp_path: Path, monkeypatch) -> None:
    import json

    import briefer.ui.import_files as importing

    title = window.service.documents.info(open_doc(window, FIRST_DOC)).title
    records = [
        {"id": "match", "type": "article-newspaper", "title": title, "container-title": "The Daily Record"},
        {"id": "nowhere", "type": "report", "title": "A report this project does not hold"},
    ]
    library = tmp_path / "zotero.json"
    library.write_text(json.dumps(records), encoding="utf-8")
    shown: list[object] = []
    monkeypatch.setattr(importing, "show_summary", lambda parent, outcomes: shown.append(outcomes))
    window.import_paths([library])
    (outcomes,) = shown
    summary = importing.summary_html(outcomes)
    assert "Filled in the details of 1 document." in summary
    assert "zotero.json#nowhere</b> unmatched" in summary
    assert "zotero.json#match" not in summary  # an update is no problem
    did = next(o.document_id for o in outcomes if o.status == "updated")
    assert window.service.documents.info(did).container == "The Daily Record"


def test_corpus_cells_tooltips_and_sorting_come_from_the_listing(qtbot, window) -> None:
    service = window.service
    untitled = service.store.add_document(text="No title.", sha256="untitled", source_file="/in/notes-2024.txt")
    service.store.add_document(text="Dated.", sha256="dated", title="A dated one", publisher="Pub", date="2024-05-01")
    window.corpus.model.refresh()
    model = window.corpus.view.model()  # the sorting proxy over the corpus model
    rows = {model.index(r, 0).data(IdRole): r for r in range(model.rowCount())}
    assert len(rows) == 8
    row = rows[untitled]
    assert model.index(row, 0).data() == "notes-2024.txt"  # no title: its file's name
    assert model.index(row, 1).data() == ""
    assert model.index(row, 2).data() == "—"  # language undetermined
    assert model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == "notes-2024.txt\npublisher unknown · undated"
    dated = next(r for i, r in rows.items() if model.index(r, 0).data() == "A dated one")
    assert model.index(dated, 0).data(Qt.ItemDataRole.ToolTipRole) == "A dated one\nPub · 2024-05-01"
    window.corpus.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles == sorted(titles)
