"""New versions of documents from the window: "Update from file…" and imports that match a document.

Each update is an undoable command (``UpdateDocumentText``) on the window's
undo stack; what became of the passages is said in the status bar, and the
Needs review dock lists the fuzzy and orphaned ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from briefer.core.errors import BrieferError
from briefer.core.service import ProjectService
from briefer.ui.undo import push

DOCUMENT_FILTER = "Documents (*.txt *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)"


def choose_new_version(parent: QWidget, title: str) -> Path | None:
    from PySide6.QtWidgets import QFileDialog

    name, _ = QFileDialog.getOpenFileName(parent, f"Update “{title}” from file", "", DOCUMENT_FILTER)
    return Path(name) if name else None


def update_from_file(service: ProjectService, undo_stack: QUndoStack, doc_id: int, path: Path) -> str:
    """Give a document the text of ``path`` as an undoable step; returns what to tell the analyst."""
    from briefer.core.anchor_commands import UpdateDocumentText, read_new_version

    try:
        command = UpdateDocumentText(doc_id, read_new_version(path))
        push(undo_stack, service, command)
    except BrieferError as exc:
        return str(exc)
    report = command.report
    assert report is not None
    if report.unchanged:
        return f"{path.name} has the text the document already has: nothing changed."
    return f"Version {report.version} from {path.name}: {report.summary()}."


def versions_among(outcomes: Sequence[Any]) -> list[tuple[int, Path]]:
    """``(document, file)`` of each imported file that was skipped as a new version of a document."""
    return [
        (o.document_id, Path(o.path))
        for o in outcomes
        if o.status == "skipped" and o.document_id is not None and "different version" in o.reason
    ]


def offer_updates(parent: QWidget, service: ProjectService, undo_stack: QUndoStack, outcomes: Sequence[Any]) -> str:
    """Ask whether files that are new versions of documents should update them; do it if so."""
    from PySide6.QtWidgets import QMessageBox

    found = versions_among(outcomes)
    if not found:
        return ""
    names = ", ".join(path.name for _, path in found[:5]) + ("…" if len(found) > 5 else "")
    answer = QMessageBox.question(
        parent,
        "New versions",
        f"{len(found)} file{'s are new versions' if len(found) != 1 else ' is a new version'} of "
        f"documents already in the project ({names}). Update {'them' if len(found) != 1 else 'it'} "
        "and re-anchor the passages?",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return ""
    undo_stack.beginMacro("Update documents from new versions")
    try:
        said = [update_from_file(service, undo_stack, doc_id, path) for doc_id, path in found]
    finally:
        undo_stack.endMacro()
    return " ".join(said)
