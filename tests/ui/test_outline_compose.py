"""Composing the briefing: metadata, balance, preview, export dialog, and the window wiring."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTextBrowser, QTreeView

from briefer.core.outline_commands import PlacePassages
from briefer.ui.background import Cancelled
from briefer.ui.balance_panel import BalanceDock, stance_balance
from briefer.ui.export_dialog import ExportDialog
from briefer.ui.meta_dock import MetaDock
from briefer.ui.mime import encode_passages
from briefer.ui.outline_model import OutlineModel
from briefer.ui.preview_dock import PreviewDock
from briefer.ui.undo import push

from outline_support import BACKFIRE, WORK, Project


def test_meta_edits_are_undoable_and_typing_merges(project: Project, qtbot) -> None:
    dock = MetaDock(project.service, project.stack)
    qtbot.addWidget(dock)
    title = dock.fields["title"]
    title.selectAll()
    qtbot.keyClicks(title, "Chips")
    with project.reopen() as store:
        assert store.get_meta().title == "Chips"
    assert project.stack.count() == 1  # five keystrokes, one undo step
    project.stack.undo()
    assert title.text() == "Do US chip controls work?"
    with project.reopen() as store:
        assert store.get_meta().title == "Do US chip controls work?"
    dock.fields["bottom_line"].setPlainText("Controls slow China down but speed up its substitution.")
    with project.reopen() as store:
        assert store.get_meta().bottom_line.startswith("Controls slow China")


def test_balance_says_when_a_stance_section_is_empty_or_one_sided(project: Project, qtbot) -> None:
    dock = BalanceDock(project.service)
    qtbot.addWidget(dock)
    dock.show()
    qtbot.waitUntil(lambda: "section is empty" in dock.summary.text(), timeout=2000)  # counted in a worker thread
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire))
    push(project.stack, project.service, PlacePassages(project.work_section, project.work[:1]))
    qtbot.waitUntil(lambda: "single outlet" in dock.summary.text(), timeout=2000)
    assert "Controls work" in dock.summary.text()
    balances = {b.name: b for b in stance_balance(project.service)}
    assert sum(balances["Controls backfire"].placed.values()) == 3
    assert len(balances["Controls backfire"].placed) == 3  # three outlets
    assert sum(balances["Controls work"].tagged.values()) == 2
    assert not dock.chart.grab().isNull()


def test_balance_chart_of_many_outlets_groups_the_small_ones(qtbot) -> None:
    from collections import Counter

    from briefer.ui.balance_panel import SOURCE_COLORS, BalanceChart, StanceBalance

    chart = BalanceChart()
    qtbot.addWidget(chart)
    tagged = Counter({f"Outlet {i:02}": 100 - i for i in range(20)})
    balance = StanceBalance(
        1, "Controls backfire", "#c0392b", sections=1, tagged=tagged, placed=Counter({"Outlet 00": 3, "Outlet 19": 1})
    )
    chart.set_data([balance])
    named = [f"Outlet {i:02}" for i in range(len(SOURCE_COLORS) - 1)]  # the biggest ones
    assert chart.sources == named + [f"{20 - len(named)} other outlets"]
    assert chart.minimumSizeHint().height() < 300  # the legend does not grow with the corpus
    assert not chart.grab().isNull()


def test_preview_shows_a_dropped_quote(project: Project, qtbot) -> None:
    preview = PreviewDock(project.service)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(lambda: "Controls backfire" in preview.view.toPlainText(), timeout=3000)
    assert preview.view.objectName() == "previewView"
    quote = BACKFIRE[1][1]
    assert quote not in preview.view.toPlainText()
    model = OutlineModel(project.service, project.stack)
    assert model.dropMimeData(
        encode_passages([project.backfire[1]]),
        Qt.DropAction.CopyAction,
        -1,
        0,
        model.section_index(project.backfire_section),
    )
    assert preview.timer.isActive()  # refreshes after a pause, not at once
    qtbot.waitUntil(lambda: quote in preview.view.toPlainText(), timeout=3000)
    assert preview.error == ""
    # Each render brings a new document; the ones it replaces are deleted.
    qtbot.waitUntil(lambda: len(preview.view.findChildren(QTextDocument)) == 1, timeout=2000)
    model.close()


def test_preview_loads_nothing_remote(project: Project, qtbot, tmp_path: Path) -> None:
    preview = PreviewDock(project.service)
    qtbot.addWidget(preview)
    image = QTextDocument.ResourceType.ImageResource
    assert preview.view.loadResource(image, QUrl("http://example.com/x.png")) is None
    assert preview.view.loadResource(image, QUrl("https://example.com/x.png")) is None
    assert preview.view.loadResource(image, QUrl("file:///etc/passwd")) is None
    assert not preview.view.openLinks() and not preview.view.openExternalLinks()
    # The document itself would otherwise read a local file the browser declined.
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    assert not preview.view.document().resource(image, QUrl.fromLocalFile(str(secret)))


def test_preview_renders_in_a_worker_only_once_shown(project: Project, qtbot, monkeypatch, tmp_path: Path) -> None:
    import threading

    from briefer.ui import preview_dock

    threads: list[threading.Thread] = []
    real = preview_dock.render_preview

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(preview_dock, "render_preview", recording)
    preview = PreviewDock(project.service)
    qtbot.addWidget(preview)
    preview.refresh()  # hidden: nothing starts
    qtbot.wait(preview_dock.FIRST_RENDER_MS + 200)
    assert threads == [] and preview.renders == 0 and not preview.rendering
    preview.show()
    qtbot.waitUntil(lambda: preview.rendering, timeout=5000)
    # While the first render runs the dock says so instead of showing a blank page.
    assert preview.status.text() == "Rendering…"
    assert "Rendering the briefing" in preview.view.toPlainText()
    assert preview.template.currentData() == "memo"  # listed before the render ends
    qtbot.waitUntil(lambda: preview.renders == 1, timeout=5000)
    assert "Rendering" not in preview.status.text()
    assert threads and threads[0] is not threading.main_thread()
    assert "Controls backfire" in preview.view.toPlainText()
    assert preview.template.currentData() == "memo" and preview.template.count() >= 1
    # The swapped-in document still asks the safe browser for resources.
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    image = QTextDocument.ResourceType.ImageResource
    assert not preview.view.document().resource(image, QUrl.fromLocalFile(str(secret)))


def _tick() -> None:
    """A Python call: where a cancelled render stops."""


def test_an_edit_calls_off_a_running_render(project: Project, qtbot, monkeypatch) -> None:
    import threading
    import time

    from briefer.ui import preview_dock

    started, outcome = threading.Event(), []
    real = preview_dock.render_preview

    def slow_first(*args, **kwargs):
        if not started.is_set():
            started.set()
            deadline = time.monotonic() + 10
            try:
                while time.monotonic() < deadline:
                    _tick()
            except Cancelled:
                outcome.append("called off")
                raise
            outcome.append("ran to the end")
        return real(*args, **kwargs)

    monkeypatch.setattr(preview_dock, "render_preview", slow_first)
    preview = PreviewDock(project.service)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(started.is_set, timeout=3000)
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[:1]))
    qtbot.waitUntil(lambda: outcome == ["called off"], timeout=3000)
    qtbot.waitUntil(lambda: preview.renders == 1, timeout=5000)  # a fresh render follows the pause
    assert BACKFIRE[0][1] in preview.view.toPlainText()


def _behind_a_tab(qtbot, window: QMainWindow, hidden: QDockWidget, front: QDockWidget) -> None:
    """Show ``window`` with ``hidden`` tabbed behind ``front``."""
    qtbot.addWidget(window)
    for dock in (hidden, front):
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(hidden, front)
    front.raise_()
    window.show()
    qtbot.waitExposed(window)


def test_preview_in_a_background_tab_waits_until_raised(project: Project, qtbot) -> None:
    window = QMainWindow()
    preview = PreviewDock(project.service, window)
    _behind_a_tab(qtbot, window, preview, BalanceDock(project.service, window))
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire))
    qtbot.wait(600)  # past the preview's pause: it stays idle behind the balance tab
    assert preview.renders == 0 and not preview.rendering
    preview.raise_()
    qtbot.waitUntil(lambda: preview.renders == 1, timeout=5000)
    assert BACKFIRE[0][1] in preview.view.toPlainText()


def test_balance_in_a_background_tab_is_not_computed_until_raised(project: Project, qtbot, monkeypatch) -> None:
    from briefer.ui import balance_panel

    calls: list[int] = []
    real = balance_panel.stance_balance
    monkeypatch.setattr(balance_panel, "stance_balance", lambda service: calls.append(1) or real(service))
    window = QMainWindow()
    balance = BalanceDock(project.service, window)
    _behind_a_tab(qtbot, window, balance, MetaDock(project.service, project.stack, window))
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire))
    qtbot.wait(400)  # past the balance's pause
    assert calls == []
    balance.raise_()
    qtbot.waitUntil(lambda: bool(calls), timeout=2000)
    qtbot.waitUntil(lambda: "Controls work" in balance.summary.text(), timeout=2000)  # counted off the GUI thread


def test_balance_is_counted_off_the_gui_thread_and_follows_edits(project: Project, qtbot, monkeypatch) -> None:
    import threading

    from briefer.ui import balance_panel

    threads: list[str] = []
    real = balance_panel.stance_balance
    monkeypatch.setattr(
        balance_panel,
        "stance_balance",
        lambda service: threads.append(threading.current_thread().name) or real(service),
    )
    window = QMainWindow()
    qtbot.addWidget(window)
    balance = BalanceDock(project.service, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, balance)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not balance.counting and bool(balance.chart.balances), timeout=3000)
    assert threads and threading.main_thread().name not in threads  # the first frame never waits for the count
    before = {b.name: sum(b.placed.values()) for b in balance.chart.balances}
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire[:1]))
    # The worker reads the project on a connection of its own: it sees the edit just committed.
    qtbot.waitUntil(
        lambda: (
            {b.name: sum(b.placed.values()) for b in balance.chart.balances}.get("Controls backfire")
            == before["Controls backfire"] + 1
        ),
        timeout=3000,
    )
    assert {b.name: b for b in balance.chart.balances} == {b.name: b for b in stance_balance(project.service)}


def test_export_dialog_writes_quotes_in_outline_order(project: Project, qtbot, tmp_path: Path) -> None:
    model = OutlineModel(project.service, project.stack)
    # Work first, then backfire, in an order different from the passage ids.
    order = [project.work[1], project.work[0]]
    assert model.dropMimeData(
        encode_passages(order), Qt.DropAction.CopyAction, -1, 0, model.section_index(project.work_section)
    )
    assert model.dropMimeData(
        encode_passages([project.backfire[2], project.backfire[0]]),
        Qt.DropAction.CopyAction,
        -1,
        0,
        model.section_index(project.backfire_section),
    )
    dialog = ExportDialog(project.service)
    qtbot.addWidget(dialog)
    assert dialog.checking and not dialog.export_button.isEnabled()  # a dry render runs in the background
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    # The sources have no date or URL: the analyst is warned, and may export anyway.
    assert "double-click" in dialog.checks.toPlainText()
    warnings = dialog.warnings.warnings()
    assert any(w.kind == "citation" and " has no url" in w.message for w in warnings), warnings
    assert {w.kind for w in warnings} <= {"citation", "translation"}  # the Chinese quotes have no translation
    assert not dialog.blocking_errors and dialog.export_button.isEnabled()
    out = tmp_path / "briefing.md"
    dialog.format.setCurrentIndex(dialog.format.findData(".md"))
    dialog.path.setText(str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=10000) as blocker:
        dialog.start_export()
        # The write runs in a worker thread: the dialog is busy but responsive.
        assert not dialog.export_button.isEnabled() and not dialog.progress.isHidden()
    assert blocker.args == [str(out)]
    text = out.read_text(encoding="utf-8")
    quotes = [BACKFIRE[2][1], BACKFIRE[0][1], WORK[1][1], WORK[0][1]]
    positions = [text.find(q) for q in quotes]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)  # outline order: backfire section first, then work
    assert dialog.open_file.isVisibleTo(dialog) and dialog.open_folder.isVisibleTo(dialog)
    model.close()


def test_export_dialog_writes_docx_off_the_gui_thread(project: Project, qtbot, tmp_path: Path) -> None:
    push(project.stack, project.service, PlacePassages(project.backfire_section, project.backfire))
    dialog = ExportDialog(project.service)
    qtbot.addWidget(dialog)
    out = tmp_path / "briefing.docx"
    dialog.path.setText(str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=20000) as blocker:
        dialog.start_export()
    assert blocker.args == [str(out)], dialog.status.text()
    from docx import Document

    body = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert BACKFIRE[0][1] in body


def test_export_dialog_shows_template_errors_with_file_and_line(project: Project, qtbot, tmp_path: Path) -> None:
    broken = project.path.parent / "templates" / "broken"
    broken.mkdir(parents=True)
    (broken / "template.md.j2").write_text("# {{ meta.title }}\n\n{% for x in %}\n", encoding="utf-8")
    dialog = ExportDialog(project.service)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checks_finished, timeout=10000):
        dialog.template.setCurrentIndex(dialog.template.findData("broken"))
    checks = dialog.checks.toPlainText()
    assert checks.startswith("✖ ") and "template.md.j2, line 3: syntax error" in checks, checks
    assert not dialog.export_button.isEnabled()
    # Exporting anyway fails with the same message and writes nothing.
    out = tmp_path / "broken.md"
    dialog.path.setText(str(out))
    with qtbot.waitSignal(dialog.checks_finished, timeout=10000):
        dialog.start_export()  # looks again first (the file may have been fixed meanwhile)
    assert dialog.blocking_errors and not out.exists()


def test_the_window_composes_the_briefing_docks_on_the_right(window, qtbot) -> None:
    right = Qt.DockWidgetArea.RightDockWidgetArea
    docks = {
        name: window.findChild(QDockWidget, name) for name in ("outlineDock", "metaDock", "balanceDock", "previewDock")
    }
    for dock in docks.values():
        assert window.dockWidgetArea(dock) == right and not dock.isFloating()
        assert dock.toggleViewAction() in window.menus.view_menu.actions()
    # First run: the outline on top, the preview in front of the briefing details and balance beneath it.
    outline, preview = docks["outlineDock"], docks["previewDock"]
    assert window.tabifiedDockWidgets(outline) == []
    assert {d.objectName() for d in window.tabifiedDockWidgets(preview)} == {"metaDock", "balanceDock"}
    qtbot.waitUntil(lambda: outline.isVisible() and preview.isVisible(), timeout=2000)
    # The preview's tab is in front: Qt keeps the other tabs "visible" but off-screen.
    qtbot.waitUntil(lambda: docks["balanceDock"].visibleRegion().isEmpty(), timeout=2000)
    assert docks["metaDock"].visibleRegion().isEmpty() and not preview.visibleRegion().isEmpty()
    assert outline.geometry().bottom() < preview.geometry().top()
    assert window.findChild(QTreeView, "outlineView").isVisible()
    view = window.findChild(QTextBrowser, "previewView")
    qtbot.waitUntil(lambda: "Test briefing" in view.toPlainText(), timeout=5000)  # the project's title, rendered
    assert "Bottom line up front" in view.toPlainText()


def test_outline_in_the_real_main_window_places_and_undoes(window, qtbot) -> None:
    outline = window.findChild(QDockWidget, "outlineDock")
    qtbot.waitUntil(outline.isVisible, timeout=2000)
    quote = window.reader.toPlainText()[:40].strip()  # the window opens on the first document
    passage = window.service.tag_quote(document=window.reader.document_id, quote=quote, tags=["Controls backfire"])
    outline.add_section_action.trigger()
    (section,) = window.service.store.list_sections()
    model = outline.model
    assert model.dropMimeData(
        encode_passages([passage]), Qt.DropAction.CopyAction, -1, 0, model.section_index(section.id)
    )
    assert [p.passage for p in window.service.store.list_placements(section.id)] == [passage]
    window.undo_stack.undo()
    assert window.service.store.list_placements(section.id) == []


def test_outline_follows_the_window_to_another_project(window, qtbot, tmp_path: Path) -> None:
    from reader_support import build_project as build_reader_project

    other = build_reader_project(tmp_path / "other.briefer")
    assert window.open_project(other)
    qtbot.wait(50)  # let the old docks be deleted
    docks = [d for d in window.findChildren(QDockWidget, "outlineDock")]
    assert len(docks) == 1
    dock = docks[0]
    assert dock.service is window.service and dock is window.outline
    assert dock.toggleViewAction() in window.menus.view_menu.actions()
    before = dock.model.rowCount()
    dock.add_section_action.trigger()
    assert dock.model.rowCount() == before + 1
    window.undo_stack.undo()
    assert dock.model.rowCount() == before


def test_the_right_docks_stay_where_the_analyst_put_them(project_file: Path, qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from briefer.ui import create_main_window

    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    first = create_main_window(project_file, settings)
    qtbot.addWidget(first)
    first.show()
    preview = first.findChild(QDockWidget, "previewDock")
    assert first.dockWidgetArea(preview) == Qt.DockWidgetArea.RightDockWidgetArea  # the default arrangement
    assert {d.objectName() for d in first.tabifiedDockWidgets(preview)} == {"metaDock", "balanceDock"}
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, preview)
    first.close()
    again = create_main_window(project_file, settings)
    qtbot.addWidget(again)
    again.show()
    assert again.dockWidgetArea(again.findChild(QDockWidget, "previewDock")) == Qt.DockWidgetArea.LeftDockWidgetArea
    again.close()


def test_a_layout_saved_before_the_briefing_docks_existed_gets_them_arranged(
    project_file: Path, qtbot, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QPlainTextEdit

    from briefer.ui import create_main_window

    older = QMainWindow()  # the window's left and bottom docks only, as an older Briefer saved them
    qtbot.addWidget(older)
    older.setCentralWidget(QPlainTextEdit())
    for name, area in (
        ("corpusDock", Qt.DockWidgetArea.LeftDockWidgetArea),
        ("passagesDock", Qt.DockWidgetArea.BottomDockWidgetArea),
    ):
        dock = QDockWidget(name)
        dock.setObjectName(name)
        older.addDockWidget(area, dock)
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/state", older.saveState())
    window = create_main_window(project_file, settings)
    qtbot.addWidget(window)
    window.show()
    preview = window.findChild(QDockWidget, "previewDock")
    qtbot.waitUntil(lambda: window.outline.isVisible() and not preview.visibleRegion().isEmpty(), timeout=2000)
    assert window.dockWidgetArea(preview) == Qt.DockWidgetArea.RightDockWidgetArea
    assert {d.objectName() for d in window.tabifiedDockWidgets(preview)} == {"metaDock", "balanceDock"}
    window.close()
