"""Importing files from the window: progress for many files, then a summary."""

from __future__ import annotations

import html
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

# Dialogs are imported where they open: PySide6 builds a class's Python type and
# enums on its first use (1-3 ms for each dialog class) and start-up needs none.
from PySide6.QtWidgets import QApplication, QWidget

from briefer.core.service import ProjectService
from briefer.core.textnorm import escape_name


def importer_available() -> bool:
    # Looked up, not imported: the decoders cost ~50 ms that start-up does not need.
    return all(importlib.util.find_spec(name) is not None for name in ("briefer.core.importing", "charset_normalizer"))


def _import_paths() -> Callable[..., list[Any]] | None:
    # The importer is optional for the window: without it, import is disabled.
    try:
        from briefer.core.importing import import_paths
    except ImportError:
        return None
    return import_paths


def import_with_progress(
    parent: QWidget, service: ProjectService, paths: Sequence[Path], *, quiet: bool = False
) -> list[Any]:
    """Import ``paths`` showing progress; ends with a summary unless ``quiet``."""
    from PySide6.QtWidgets import QMessageBox, QProgressDialog

    import_paths = _import_paths()
    if import_paths is None:
        QMessageBox.warning(parent, "Import", "Importing is not available in this installation.")
        return []
    dialog = QProgressDialog("Importing…", "Cancel", 0, max(1, len(paths)), parent)
    dialog.setWindowTitle("Import documents")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # a single small file should not flash a dialog

    def progress(done: int, total: int, current: Path) -> bool:
        dialog.setMaximum(max(1, total))
        dialog.setValue(done)
        if current.name:
            dialog.setLabelText(f"Importing {escape_name(current.name)} ({done + 1} of {total})")
        QApplication.processEvents()
        return not dialog.wasCanceled()

    try:
        outcomes = import_paths(service, list(paths), progress=progress)
    finally:
        dialog.close()
    if not quiet:
        show_summary(parent, outcomes)
    return outcomes


# What an import line can say that is not a problem: a document stored, or one
# whose details a bibliography record filled in (or had nothing to add to).
_DONE = ("imported", "updated", "unchanged")


def summary_html(outcomes: Sequence[Any]) -> str:
    updated = [o for o in outcomes if o.status == "updated"]
    # One line per file, not per bibliography record or per source of a REFI-QDA project.
    files = [o for o in outcomes if not getattr(o, "record", "")]
    imported = [o for o in files if o.status == "imported"]
    problems = [o for o in outcomes if o.status not in _DONE]
    lines = [f"<p>Imported {len(imported)} of {len(files)} file{'s' if len(files) != 1 else ''}.</p>"]
    if updated:
        lines.append(f"<p>Filled in the details of {len(updated)} document{'s' if len(updated) != 1 else ''}.</p>")
    if problems:
        lines.append("<ul>")
        for o in problems[:40]:
            name = escape_name(Path(o.path).name + (f"#{o.record}" if getattr(o, "record", "") else ""))
            lines.append(f"<li><b>{html.escape(name)}</b> {o.status}: {html.escape(o.reason)}</li>")
        if len(problems) > 40:
            lines.append(f"<li>…and {len(problems) - 40} more</li>")
        lines.append("</ul>")
    return "".join(lines)


def report_text(outcomes: Sequence[Any]) -> str:
    """The per-file report, one line a file, as ``briefer import`` prints it."""
    return "\n".join(o.line() for o in outcomes)


def summary_box(parent: QWidget, outcomes: Sequence[Any]) -> Any:
    """The end-of-import message: counts and problems, the whole report under Show Details, a Copy Report button."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setObjectName("importSummary")
    box.setWindowTitle("Import finished")
    box.setIcon(QMessageBox.Icon.Information if all(o.status in _DONE for o in outcomes) else QMessageBox.Icon.Warning)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(summary_html(outcomes))
    report = report_text(outcomes)
    box.setDetailedText(report)
    copy = box.addButton("Copy Report", QMessageBox.ButtonRole.ActionRole)
    copy.setObjectName("copyReport")
    # An action button closes the box by default; copying should leave it open.
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QApplication.clipboard().setText(report))
    box.addButton(QMessageBox.StandardButton.Ok)
    return box


def show_summary(parent: QWidget, outcomes: Sequence[Any]) -> None:
    if not outcomes:
        return
    summary_box(parent, outcomes).exec()
