"""Edit > Auto-tag in the window: a live count before anything is stored, and one undo step for the run."""

from __future__ import annotations

from pathlib import Path

from briefer.ui.autotag_dialog import AutotagDialog

from reader_support import open_doc, stored_passages

FIRST_DOC = "Small courtyard, high wall: the US technology strategy against China"


def open_dialog(qtbot, window) -> AutotagDialog:
    window.menus.autotag_action.trigger()
    (dialog,) = window.findChildren(AutotagDialog)
    qtbot.waitExposed(dialog)
    return dialog


def count(qtbot, dialog: AutotagDialog) -> int:
    """What the dialog counts for its current choices (it counts in the background)."""
    with qtbot.waitSignal(dialog.counted, timeout=5000) as counted:
        dialog.count()
    return counted.args[0]


def test_count_then_one_undo_step(qtbot, window, project_file: Path) -> None:
    text_of = {d.id: window.service.documents.get(d.id).text for d in window.service.store.list_documents()}
    expected = sum(t.lower().count("semiconductor") for t in text_of.values())
    assert expected > 1
    dialog = open_dialog(qtbot, window)
    dialog.documents.setCurrentIndex(dialog.documents.findData(None))  # all documents
    dialog.tag.setCurrentIndex(dialog.tag.findData("Semiconductors"))
    qtbot.keyClicks(dialog.text, "Semiconductor, semiconductors")
    with qtbot.waitSignal(dialog.counted, timeout=3000) as counted:
        pass  # the count follows typing by itself
    assert counted.args == [expected]
    assert f"{expected:,} passages" in dialog.count_label.text()
    assert stored_passages(project_file) == []  # counting stores nothing
    depth = window.undo_stack.count()
    dialog.apply_button.click()
    stored = stored_passages(project_file)
    assert len(stored) == expected
    assert all(p.quote.lower().startswith("semiconductor") for p in stored)
    assert window.undo_stack.count() == depth + 1  # the whole run is one step
    assert "Auto-tag" in window.undo_stack.undoText()
    window.undo_stack.undo()
    assert stored_passages(project_file) == []
    window.undo_stack.redo()
    assert sorted(p.id for p in stored_passages(project_file)) == sorted(p.id for p in stored)


def test_one_document_sentence_scope_and_a_bad_pattern(qtbot, window, project_file: Path) -> None:
    did = open_doc(window, FIRST_DOC)
    dialog = open_dialog(qtbot, window)
    assert dialog.documents.currentData() == did  # the document being read, by default
    dialog.pattern_mode.setChecked(True)
    dialog.text.setText("(unclosed")
    assert count(qtbot, dialog) == -1
    assert "invalid pattern" in dialog.count_label.text() and not dialog.apply_button.isEnabled()
    dialog.text.setText(r"Biden\b")
    dialog.scope.setCurrentIndex(dialog.scope.findData("sentence"))
    n = count(qtbot, dialog)
    assert n > 0 and dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    stored = stored_passages(project_file)
    assert len(stored) == n and {p.document for p in stored} == {did}
    assert all("Biden" in p.quote and len(p.quote) > len("Biden") for p in stored)  # whole sentences


def test_words_tag_passages_already_there_without_duplicates(qtbot, window, project_file: Path) -> None:
    did = open_doc(window, FIRST_DOC)
    text = window.reader.toPlainText()
    start = text.index("Biden")
    first = window.service.tag_quote(document=did, quote=text[start : start + 5], tags=["Controls work"])
    dialog = open_dialog(qtbot, window)
    dialog.text.setText("biden")
    dialog.tag.setCurrentIndex(dialog.tag.findData("Semiconductors"))
    n = count(qtbot, dialog)
    dialog.apply_button.click()
    stored = {p.id: p for p in stored_passages(project_file)}
    assert len(stored) == n  # the existing one gained the tag instead of a twin
    assert len(stored[first].tags) == 2
    window.undo_stack.undo()
    stored = {p.id: p for p in stored_passages(project_file)}
    assert list(stored) == [first] and len(stored[first].tags) == 1
