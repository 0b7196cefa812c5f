"""The export dialog proposes a file beside the project and never writes over one unasked."""

from __future__ import annotations

from pathlib import Path

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
