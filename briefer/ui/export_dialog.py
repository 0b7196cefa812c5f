"""The Export dialog: template, format and path; checks first; the write runs off the GUI thread.

The checks (citation warnings, quote checks, template errors with file and
line) come from a dry render before anything is written. The export itself
runs in a ``QThread`` with its own read-only connection to the project file,
so a long .docx build never freezes the window.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from briefer.core.errors import BrieferError
from briefer.core.service import ProjectService
from briefer.core.store import Store

FORMATS = [("Word document (.docx)", ".docx"), ("Markdown (.md)", ".md")]


class ExportWorker(QObject):
    """Runs one export in a worker thread; the thread opens its own connection."""

    succeeded = Signal(str, list)  # path, warnings
    failed = Signal(str)

    def __init__(self, project: Path, output: Path, template: str) -> None:
        super().__init__()
        self.project, self.output, self.template = project, output, template

    @Slot()
    def run(self) -> None:
        from briefer.export import export_project

        try:
            with Store.open(self.project, readonly=True) as store:
                result = export_project(store, self.output, template_name=self.template,
                                        project_path=self.project)
        except (BrieferError, OSError) as exc:
            self.failed.emit(str(exc))
            return
        self.succeeded.emit(str(result.path), list(result.warnings))


class ExportDialog(QDialog):
    """Choose how to export, see what is wrong first, then write without blocking."""

    finished_export = Signal(str)  # the written path ("" after a failure)

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export briefing")
        self.service = service
        self.written: Path | None = None
        self.blocking_errors: list[str] = []
        self._thread: QThread | None = None
        self._worker: ExportWorker | None = None

        self.template = QComboBox()
        self.template.setObjectName("exportTemplate")
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for label, suffix in FORMATS:
            self.format.addItem(label, suffix)
        self.path = QLineEdit(str(self._default_path()))
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Template:", self.template)
        form.addRow("&Format:", self.format)
        save_label = QLabel("&Save as:")
        save_label.setBuddy(self.path)
        form.addRow(save_label, path_row)
        for row, field in ((0, self.template), (1, self.format)):
            field.setAccessibleName(("Export template", "Export format")[row])
        self.path.setAccessibleName("Export file path")

        self.checks = QPlainTextEdit()
        self.checks.setObjectName("exportChecks")
        self.checks.setAccessibleName("Export checks")
        self.checks.setReadOnly(True)
        self.checks.setMaximumBlockCount(500)
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 0)  # the engine gives no steps: a busy bar while it works
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.open_file = QPushButton("Open file")
        self.open_folder = QPushButton("Open folder")
        for button in (self.open_file, self.open_folder):
            button.hide()
        self.open_file.clicked.connect(lambda: self._open(self.written))
        self.open_folder.clicked.connect(lambda: self._open(self.written.parent if self.written else None))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        done_row = QHBoxLayout()
        done_row.addWidget(self.status, 1)
        done_row.addWidget(self.open_file)
        done_row.addWidget(self.open_folder)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Checks before writing:"))
        layout.addWidget(self.checks, 1)
        layout.addWidget(self.progress)
        layout.addLayout(done_row)
        layout.addWidget(self.buttons)
        self.resize(620, 420)

        self._fill_templates()
        self.template.currentIndexChanged.connect(lambda _i: self.run_checks())
        self.format.currentIndexChanged.connect(self._format_changed)
        self.run_checks()

    # ------------------------------------------------------------- choices
    def _default_path(self) -> Path:
        title = self.service.store.get_meta().title or self.service.store.path.stem
        slug = re.sub(r"[^\w-]+", "-", title.lower(), flags=re.UNICODE).strip("-") or "briefing"
        return self.service.store.path.resolve().parent / f"{slug[:60]}.docx"

    def _fill_templates(self) -> None:
        from briefer.export.templates import DEFAULT_TEMPLATE, discover_templates

        for name, info in discover_templates(self.service.store.path).items():
            self.template.addItem(f"{info.display_name} ({info.origin})", name)
        self.template.setCurrentIndex(max(self.template.findData(DEFAULT_TEMPLATE), 0))

    def _format_changed(self) -> None:
        current = Path(self.path.text().strip() or self._default_path())
        self.path.setText(str(current.with_suffix(self.format.currentData())))

    def _browse(self) -> None:
        suffix = self.format.currentData()
        chosen, _ = QFileDialog.getSaveFileName(self, "Export briefing", self.path.text(),
                                                f"{self.format.currentText()} (*{suffix})")
        if chosen:
            self.path.setText(chosen if chosen.endswith(suffix) else chosen + suffix)

    # -------------------------------------------------------------- checks
    def run_checks(self) -> list[str]:
        """Dry-render with the chosen template; list warnings, and errors that block writing."""
        from briefer.export import render_project
        from briefer.export.templates import find_template

        lines: list[str] = []
        self.blocking_errors = []
        name = self.template.currentData()
        if name is None:
            self.blocking_errors.append("No export templates are installed.")
        else:
            try:
                template = find_template(name, self.service.store.path)
                _text, context = render_project(self.service.store, template)
                lines += [f"⚠ {w}" for w in context.warnings]
            except BrieferError as exc:  # quote mismatch, template error (file:line), missing template
                self.blocking_errors.append(str(exc))
        lines = [f"✖ {e}" for e in self.blocking_errors] + lines
        if not lines:
            lines = ["✔ All quotes match their sources and every citation is complete."]
        self.checks.setPlainText("\n".join(lines))
        self.export_button.setEnabled(not self.blocking_errors and self._thread is None)
        return lines

    # -------------------------------------------------------------- export
    def start_export(self) -> None:
        if self._thread is not None:
            return
        self.run_checks()  # the project may have changed since the dialog opened
        if self.blocking_errors:
            return
        output = Path(self.path.text().strip()).expanduser()
        if output.suffix.lower() not in (".md", ".docx"):
            output = output.with_suffix(self.format.currentData())
        self.written = None
        self.status.setText(f"Writing {output.name}…")
        self.progress.show()
        for button in (self.open_file, self.open_folder):
            button.hide()
        self.export_button.setEnabled(False)
        self._thread = QThread(self)
        self._worker = ExportWorker(self.service.store.path, output, self.template.currentData())
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.succeeded.connect(self._succeeded)
        self._worker.failed.connect(self._failed)
        self._thread.start()

    def _finish_thread(self) -> None:
        self.progress.hide()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        self._thread, self._worker = None, None
        self.export_button.setEnabled(not self.blocking_errors)

    def _succeeded(self, path: str, warnings: list[str]) -> None:
        self._finish_thread()
        self.written = Path(path)
        note = f" with {len(warnings)} citation warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
        self.status.setText(f"Wrote {self.written}{note}.")
        for button in (self.open_file, self.open_folder):
            button.show()
        self.open_file.setFocus()
        self.finished_export.emit(path)

    def _failed(self, message: str) -> None:
        self._finish_thread()
        self.status.setText(f"Export failed: {message}")
        self.finished_export.emit("")

    def _open(self, path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def reject(self) -> None:
        if self._thread is not None:  # closing mid-write would destroy a running thread
            self.status.setText("Still writing; the dialog closes when it is done.")
            return
        super().reject()
