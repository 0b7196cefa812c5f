"""The export dialog proposes a file beside the project and never writes over one unasked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from briefer.ui.export_dialog import ExportDialog


def open_dialog(qtbot, service) -> ExportDialog:
    dialog = ExportDialog(service)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    return dialog


def test_proposed_path_is_beside_the_project_and_follows_template_and_format(qtbot, project) -> None:
    project.service.store.set_meta(title="Export controls briefing")
    dialog = open_dialog(qtbot, project.service)
    folder = project.service.path.resolve().parent
    assert Path(dialog.path.text()) == folder / "Export controls briefing - memo.docx"
    dialog.template.setCurrentIndex(dialog.template.findData("debate-brief"))
    assert Path(dialog.path.text()) == folder / "Export controls briefing - debate-brief.docx"
    dialog.format.setCurrentIndex(dialog.format.findData(".md"))
    assert Path(dialog.path.text()) == folder / "Export controls briefing - debate-brief.md"
    # Once the analyst types a name, a template change leaves it alone (a format change fixes its suffix).
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(folder / "mine.md"))
    dialog.template.setCurrentIndex(dialog.template.findData("memo"))
    assert Path(dialog.path.text()) == folder / "mine.md"
    dialog.format.setCurrentIndex(dialog.format.findData(".docx"))
    assert Path(dialog.path.text()) == folder / "mine.docx"


def test_a_title_with_slashes_still_makes_one_file_name(qtbot, project) -> None:
    project.service.store.set_meta(title="US/China: chips?")
    dialog = open_dialog(qtbot, project.service)
    proposed = Path(dialog.path.text())
    assert proposed.parent == project.service.path.resolve().parent
    assert proposed.name == "US-China- chips - memo.docx"


def test_overwriting_asks_first_and_cancel_keeps_the_file(qtbot, project, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "briefing.md"
    out.write_text("the analyst's earlier work", encoding="utf-8")
    asked: list[str] = []

    def answer(choice):
        def question(parent, title, text, *args):
            asked.append(text)
            assert parent is dialog  # asked in the window, not on a console
            return choice

        return question

    dialog = open_dialog(qtbot, project.service)
    dialog.format.setCurrentIndex(dialog.format.findData(".md"))
    dialog.path.setText(str(out))
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    dialog.start_export()
    assert asked and "briefing.md" in asked[0] and "already exists" in asked[0]
    assert out.read_text(encoding="utf-8") == "the analyst's earlier work"
    assert dialog.progress.isHidden() and dialog.export_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(dialog.finished_export, timeout=10000) as blocker:
        dialog.start_export()
    assert blocker.args == [str(out)]
    assert len(asked) == 2
    assert "the analyst's earlier work" not in out.read_text(encoding="utf-8")


def test_a_new_file_is_written_without_a_question(qtbot, project, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest_fail())
    dialog = open_dialog(qtbot, project.service)
    out = tmp_path / "fresh.docx"
    dialog.path.setText(str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=10000):
        dialog.start_export()
    assert out.read_bytes()[:2] == b"PK"


def pytest_fail() -> None:
    raise AssertionError("asked about a file that did not exist")


def _slow_template(project) -> str:
    """A template of the project's own that renders for seconds (about 2 here, well within its 10-second limit)."""
    folder = project.service.path.parent / "templates" / "slow"
    folder.mkdir(parents=True, exist_ok=True)
    loops = "{% for i in range(1500) %}{% for j in range(1500) %}{% set x = i * j %}{% endfor %}{% endfor %}"
    (folder / "template.md.j2").write_text(f"# Slow\n{loops}done\n", encoding="utf-8")
    return "slow"


def test_a_running_export_can_be_cancelled_and_writes_nothing(qtbot, project, tmp_path: Path) -> None:
    """A long export (an annex of every passage of a large project takes minutes) can be stopped:
    nothing is written, the file already there is left as it was, and the next export works."""
    slow = _slow_template(project)
    dialog = ExportDialog(project.service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.template.setCurrentIndex(dialog.template.findData(slow))
    qtbot.waitUntil(lambda: not dialog.checking, timeout=20000)
    out = tmp_path / "briefing.md"
    out.write_text("the analyst's earlier work", encoding="utf-8")
    dialog.format.setCurrentIndex(dialog.format.findData(".md"))
    dialog.path.setText(str(out))
    dialog._overwrite_confirmed = out  # as the file dialog leaves it after asking
    dialog.start_export()
    assert dialog.exporting and dialog.cancel_button.isVisibleTo(dialog) and not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.cancel_button.isVisible() and dialog.cancel_button.width() > 0)  # laid out
    with qtbot.waitSignal(dialog.finished_export, timeout=20000) as blocker:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [""]
    assert "cancelled" in dialog.status.text() and "as it was" in dialog.status.text(), dialog.status.text()
    assert out.read_text(encoding="utf-8") == "the analyst's earlier work"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".briefing.md.")]  # no temporary left behind
    assert not dialog.exporting and dialog.cancel_button.isHidden() and dialog.progress.isHidden()
    assert dialog.export_button.isEnabled()
    # The next export, with a template that renders at once, is written.
    dialog.template.setCurrentIndex(dialog.template.findData("memo"))
    qtbot.waitUntil(lambda: not dialog.checking, timeout=20000)
    dialog.path.setText(str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=20000) as blocker:
        dialog.start_export()
    assert blocker.args == [str(out)]
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_closing_the_dialog_mid_export_calls_it_off(qtbot, project, tmp_path: Path) -> None:
    slow = _slow_template(project)
    dialog = ExportDialog(project.service)
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findData(slow))
    qtbot.waitUntil(lambda: not dialog.checking, timeout=20000)
    out = tmp_path / "never.md"
    dialog.format.setCurrentIndex(dialog.format.findData(".md"))
    dialog.path.setText(str(out))
    dialog.start_export()
    job = dialog._exporting
    assert job is not None
    dialog.reject()  # Close, or Escape
    assert not dialog.isVisible() and not dialog.exporting
    qtbot.waitUntil(job.done, timeout=3000)  # stopped, long before the template would have finished
    assert job.result() is None  # called off, not finished
    assert not out.exists()
