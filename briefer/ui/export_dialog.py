"""The Export dialog: template, format and path; checks first; the write runs off the GUI thread.

The checks (citation warnings, quote checks, template errors with file and
line) come from a dry render before anything is written; it runs in a
background job with its own read-only connection, so opening the dialog on a
big project never freezes the window, and choosing another template calls
off the render for the previous one. The export itself runs in a background
job with its own read-only connection too, and renders afresh: an error the
checks have not caught yet (the project changed meanwhile) fails the export
with the same message, before anything is written. It can be cancelled (an
annex of every passage of a large project takes minutes); a cancelled export
writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from briefer.core.errors import BrieferError
from briefer.core.project import open_for_reading
from briefer.core.service import ProjectService
from briefer.export.export_warnings import UNVERIFIED, ExportWarning, unverified_warning
from briefer.ui.background import BackgroundJob
from briefer.ui.warnings_list import WarningsList

FORMATS = [
    ("Word document (.docx)", ".docx"),
    ("Markdown (.md)", ".md"),
    # Data, not a briefing: no template (briefer/export/exchange.py).
    ("REFI-QDA project (.qdpx)", ".qdpx"),
    ("Excel workbook of passages (.xlsx)", ".xlsx"),
    ("CSV of passages (.csv)", ".csv"),
]
# The citation styles offered: None keeps the template's own (Chicago unless its manifest says otherwise).
CITATION_STYLES = [
    ("The template's style", None),
    ("Chicago notes and bibliography", "chicago"),
    ("APA 7 (author-date)", "apa"),
]
POLL_MS = 25
ALL_CLEAR = "✔ All quotes match their sources and every citation is complete."
MARKED = "Unverified, printed marked [unverified]: "  # a quote exported with the analyst's leave


@dataclass
class CheckResult:
    warnings: list[ExportWarning] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # these block writing
    unverified: int = 0  # placed quotes that cannot be verified (blocking unless allowed)


def dry_run(
    project: Path, template_name: str, allow_unverified: bool = False, citation_style: str | None = None
) -> CheckResult:
    """Render the briefing without writing it; runs in a worker thread with its own connection."""
    from briefer.export.errors import UnverifiedQuotesError
    from briefer.export.isolation import render_isolated
    from briefer.export.templates import find_template

    try:
        # In the render worker process: a template cannot take the window's memory or time.
        rendered = render_isolated(
            project,
            find_template(template_name, project),
            allow_unverified=allow_unverified,
            citation_style=citation_style,
        )
    except UnverifiedQuotesError as exc:  # the analyst may still export them, marked
        return CheckResult(errors=[f"Unverified: {line}" for line in exc.lines], unverified=len(exc.lines))
    except (BrieferError, OSError) as exc:  # template error (file:line), missing template, damaged project
        return CheckResult(errors=[str(exc)])
    marked = [unverified_warning(f"{MARKED}{line}") for line in rendered.unverified]
    return CheckResult(warnings=marked + list(rendered.warnings), unverified=len(marked))


def _import_exporter() -> None:
    # The package loads these lazily; here they must be loaded now.
    import briefer.export.engine
    import briefer.export.isolation
    import briefer.export.templates  # noqa: F401


@dataclass
class ExportOutcome:
    """What one export ended with: the file written and its warnings, or the reason it was not."""

    path: Path | None = None
    warnings: list[ExportWarning] = field(default_factory=list)
    error: str = ""


def export_file(
    project: Path, output: Path, template: str, allow_unverified: bool = False, citation_style: str | None = None
) -> ExportOutcome:
    """One export on a read-only connection of its own (it runs in a background job)."""
    from briefer.export import export_project
    from briefer.export.exchange import export_exchange, is_exchange_format

    try:
        with open_for_reading(project) as opened:
            if is_exchange_format(output):
                return ExportOutcome(export_exchange(opened, output)[0])
            result = export_project(
                opened,
                output,
                template_name=template,
                project_path=project,
                allow_unverified=allow_unverified,
                citation_style=citation_style,
            )
    except (BrieferError, OSError) as exc:
        return ExportOutcome(error=str(exc))
    except Exception as exc:  # a bug must still end the export with a message, not a hang
        return ExportOutcome(error=f"the export failed unexpectedly ({type(exc).__name__}: {exc})")
    marked = [unverified_warning(f"{MARKED}{line}") for line in result.unverified]
    return ExportOutcome(result.path, marked + list(result.warnings))


class ExportDialog(QDialog):
    """Choose how to export, see what is wrong first, then write without blocking."""

    finished_export = Signal(str)  # the written path ("" after a failure)
    checks_finished = Signal(list)  # the lines shown under "Checks before writing"
    warning_chosen = Signal(object)  # ExportWarning: the analyst wants to go there

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export briefing")
        self.service = service
        self.written: Path | None = None
        self.blocking_errors: list[str] = []
        self._checking: BackgroundJob[CheckResult] | None = None
        self._exporting: BackgroundJob[ExportOutcome] | None = None
        self._export_output: Path | None = None
        self._output_before: tuple[int, int] | None = None  # the output file's (inode, mtime) before the export
        jobs: list[BackgroundJob[CheckResult]] = []  # apart from self, for the destroyed() handler
        self._check_jobs = jobs
        export_jobs: list[BackgroundJob[ExportOutcome]] = []
        self._export_jobs = export_jobs

        def cancel_checks(*_: object) -> None:
            for job in jobs:
                job.cancel()
            for export in export_jobs:  # a dialog gone mid-export writes nothing
                export.cancel()

        self.destroyed.connect(cancel_checks)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect_checks)
        self._export_poll = QTimer(self)
        self._export_poll.setInterval(POLL_MS)
        self._export_poll.timeout.connect(self._collect_export)

        self.template = QComboBox()
        self.template.setObjectName("exportTemplate")
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for label, suffix in FORMATS:
            self.format.addItem(label, suffix)
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        # The proposed name follows the template and format until the analyst types or browses to one.
        self._path_chosen = False
        self._overwrite_confirmed: Path | None = None  # the file dialog asked already
        self.path.textEdited.connect(lambda _text: setattr(self, "_path_chosen", True))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Template:", self.template)
        form.addRow("&Format:", self.format)
        self.citation_style = QComboBox()
        self.citation_style.setObjectName("exportCitationStyle")
        self.citation_style.setAccessibleName("Citation style")
        for label, style in CITATION_STYLES:
            self.citation_style.addItem(label, style)
        style_file = QPushButton("CSL file…")
        style_file.setObjectName("exportCitationStyleFile")
        style_file.setToolTip("Format the citations with a citation style file (.csl)")
        style_file.clicked.connect(self._choose_style_file)
        style_row = QHBoxLayout()
        style_row.addWidget(self.citation_style, 1)
        style_row.addWidget(style_file)
        # A row whose field is a layout gets no buddy of its own: without one, the label
        # would print its "&" instead of underlining the shortcut letter.
        style_label = QLabel("&Citations:")
        style_label.setBuddy(self.citation_style)
        form.addRow(style_label, style_row)
        save_label = QLabel("&Save as:")
        save_label.setBuddy(self.path)
        form.addRow(save_label, path_row)
        for row, widget in ((0, self.template), (1, self.format)):
            widget.setAccessibleName(("Export template", "Export format")[row])
        self.path.setAccessibleName("Export file path")

        self.checks = QPlainTextEdit()
        self.checks.setObjectName("exportChecks")
        self.checks.setAccessibleName("Export checks")
        self.checks.setReadOnly(True)
        self.checks.setMaximumBlockCount(500)
        self.checks.setMaximumHeight(90)
        self.warnings = WarningsList()
        self.warnings.setObjectName("exportWarnings")
        self.warnings.warning_chosen.connect(self.warning_chosen)
        # Offered only while some quote in the outline cannot be verified (the CLI's --allow-unverified).
        self.allow_unverified = QCheckBox("Export unverified quotes anyway, each marked [unverified]")
        self.allow_unverified.setObjectName("exportAllowUnverified")
        self.allow_unverified.hide()
        self.allow_unverified.toggled.connect(lambda _on: self.run_checks())
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
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setObjectName("exportCancel")
        self.cancel_button.setToolTip("Stop this export; nothing is written")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_export)
        self.open_file.clicked.connect(lambda: self._open(self.written))
        self.open_folder.clicked.connect(lambda: self._open(self.written.parent if self.written else None))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        done_row = QHBoxLayout()
        done_row.addWidget(self.status, 1)
        done_row.addWidget(self.cancel_button)
        done_row.addWidget(self.open_file)
        done_row.addWidget(self.open_folder)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Checks before writing:"))
        layout.addWidget(self.checks)
        layout.addWidget(self.warnings, 1)
        layout.addWidget(self.allow_unverified)
        layout.addWidget(self.progress)
        layout.addLayout(done_row)
        layout.addWidget(self.buttons)
        self.resize(620, 420)

        self._fill_templates()
        self.path.setText(str(self._default_path()))
        self.template.currentIndexChanged.connect(lambda _i: self.run_checks())
        self.citation_style.currentIndexChanged.connect(lambda _i: self.run_checks())
        self.template.currentIndexChanged.connect(lambda _i: self._propose_path())
        self.format.currentIndexChanged.connect(self._format_changed)
        self.run_checks()

    # ------------------------------------------------------------- choices
    def _default_path(self) -> Path:
        """``<Project title> - <template>.docx`` beside the project file (the folder the analyst knows)."""
        suffix = self.format.currentData()
        template = self.template.currentData() if suffix in (".md", ".docx") else None  # data formats use none
        return proposed_export_path(self.service.path, self.service.meta().title, template, suffix)

    def _propose_path(self) -> None:
        if not self._path_chosen:
            self.path.setText(str(self._default_path()))

    def _fill_templates(self) -> None:
        from briefer.export.templates import DEFAULT_TEMPLATE, discover_templates

        for name, info in discover_templates(self.service.path).items():
            self.template.addItem(f"{info.display_name} ({info.origin})", name)
        self.template.setCurrentIndex(max(self.template.findData(DEFAULT_TEMPLATE), 0))

    def _format_changed(self) -> None:
        if self._path_chosen:
            current = Path(self.path.text().strip() or self._default_path())
            self.path.setText(str(current.with_suffix(self.format.currentData())))
        else:
            self._propose_path()
        self.template.setEnabled(self.format.currentData() in (".md", ".docx"))  # the others use none

    def _choose_style_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Citation style", str(self.service.path.resolve().parent), "CSL styles (*.csl)"
        )
        if chosen:
            self.use_style_file(Path(chosen))

    def use_style_file(self, path: Path) -> None:
        """Offer ``path`` (a .csl file) as a citation style and choose it; the checks run with it."""
        index = self.citation_style.findData(str(path))
        if index < 0:
            self.citation_style.addItem(path.name, str(path))
            index = self.citation_style.count() - 1
        self.citation_style.setCurrentIndex(index)

    def _browse(self) -> None:
        suffix = self.format.currentData()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export briefing", self.path.text(), f"{self.format.currentText()} (*{suffix})"
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(suffix) else chosen + suffix)
            self._path_chosen = True
            if chosen.endswith(suffix):  # the file dialog asked about replacing it already
                self._overwrite_confirmed = Path(chosen).expanduser()

    # -------------------------------------------------------------- checks
    @property
    def checking(self) -> bool:
        return self._checking is not None

    def run_checks(self) -> None:
        """Dry-render with the chosen template in the background; ``checks_finished`` reports."""
        if self._checking is not None:
            self._checking.cancel()  # for a template no longer chosen
            self._checking = None
        name = self.template.currentData()
        if name is None:
            self._show_checks(CheckResult(errors=["No export templates are installed."]))
            return
        self.checks.setPlainText("Checking quotes and citations…")
        self.export_button.setEnabled(False)
        project = Path(self.service.path)
        allow = self.allow_unverified.isChecked()
        style = self.citation_style.currentData()
        self._checking = BackgroundJob(
            lambda: dry_run(project, name, allow, style), prepare=_import_exporter, name="briefer-export-checks"
        )
        self._check_jobs[:] = [self._checking]
        self._poll.start()

    def _collect_checks(self) -> None:
        job = self._checking
        if job is None or not job.done():
            return
        self._checking = None
        self._check_jobs.clear()
        self._poll.stop()
        result = job.result()  # re-raises a bug in the worker here
        if result is not None:
            self._show_checks(result)

    def _show_checks(self, result: CheckResult) -> None:
        self.blocking_errors = list(result.errors)
        if result.unverified:
            self.allow_unverified.show()
        lines = [f"✖ {e}" for e in result.errors] + [f"⚠ {w}" for w in result.warnings]
        # Errors and quotes marked [unverified] in full; the other warnings in the list below.
        shown = [f"✖ {e}" for e in result.errors] + [f"⚠ {w}" for w in result.warnings if w.kind == UNVERIFIED]
        others = sum(1 for w in result.warnings if w.kind != UNVERIFIED)
        if others:
            shown.append(f"⚠ {others} warning{'s' if others != 1 else ''} below; double-click one to go there.")
        self.checks.setPlainText("\n".join(shown or [ALL_CLEAR]))
        self.warnings.set_warnings(result.warnings)
        self.export_button.setEnabled(not self.blocking_errors and self._exporting is None)
        self.checks_finished.emit(lines or [ALL_CLEAR])

    # -------------------------------------------------------------- export
    @property
    def exporting(self) -> bool:
        return self._exporting is not None

    def start_export(self) -> None:
        if self._exporting is not None:
            return
        if self.blocking_errors and self._checking is None:
            self.run_checks()  # perhaps fixed since (a template file edited): look again first
            return
        if self._checking is not None:  # the export renders afresh and fails with any error they would find
            self._checking.cancel()
            self._checking = None
            self._poll.stop()
        output = Path(self.path.text().strip()).expanduser()
        if output.suffix.lower() not in [suffix for _label, suffix in FORMATS]:
            output = output.with_suffix(self.format.currentData())
        if output.exists() and output != self._overwrite_confirmed and not self.confirm_overwrite(output):
            return
        self.written = None
        self.status.setText(f"Writing {output.name}…")
        self.progress.show()
        for button in (self.open_file, self.open_folder):
            button.hide()
        self.export_button.setEnabled(False)
        self.cancel_button.show()
        project, template = Path(self.service.path), self.template.currentData()
        allow, style = self.allow_unverified.isChecked(), self.citation_style.currentData()
        self._export_output, self._output_before = output, _identity(output)
        self._exporting = BackgroundJob(
            lambda: export_file(project, output, template, allow, style),
            prepare=_import_exporter,
            name="briefer-export",
        )
        self._export_jobs[:] = [self._exporting]
        self._export_poll.start()

    def cancel_export(self) -> None:
        """Stop the running export at its next step; what it had made is dropped, nothing is written."""
        if self._exporting is not None:
            self._exporting.cancel()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _collect_export(self) -> None:
        job = self._exporting
        if job is None or not job.done():
            return
        self._finish_export()
        outcome = job.result()  # re-raises a bug in the worker here
        if outcome is None:
            self._cancelled()
        elif outcome.path is None:
            self._failed(outcome.error)
        else:
            self._succeeded(str(outcome.path), outcome.warnings)

    def _finish_export(self) -> None:
        self._exporting = None
        self._export_jobs.clear()
        self._export_poll.stop()
        self.progress.hide()
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(not self.blocking_errors)

    def _cancelled(self) -> None:
        output = self._export_output
        # The file is renamed into place as the export's last step (a new inode): a cancel after it is too late.
        if output is not None and _identity(output) not in (None, self._output_before):
            self._succeeded(str(output), [])  # its warnings went with the cancelled job
            return
        kept = " (the file already there is as it was)" if output is not None and output.exists() else ""
        self.status.setText(f"Export cancelled; nothing was written{kept}.")
        self.finished_export.emit("")

    def _succeeded(self, path: str, warnings: list[ExportWarning]) -> None:
        self._show_checks(CheckResult(warnings=warnings))  # as of the export, not of the dialog's opening
        self.written = Path(path)
        marked = sum(1 for w in warnings if w.kind == UNVERIFIED)
        cited = len(warnings) - marked
        notes = [f"{cited} citation warning{'s' if cited != 1 else ''}"] if cited else []
        notes += [f"{marked} quote{'s' if marked != 1 else ''} marked [unverified]"] if marked else []
        note = f" with {' and '.join(notes)}" if notes else ""
        self.status.setText(f"Wrote {self.written}{note}.")
        for button in (self.open_file, self.open_folder):
            button.show()
        self.open_file.setFocus()
        self.finished_export.emit(path)

    def _failed(self, message: str) -> None:
        self._show_checks(CheckResult(errors=[message]))
        self.status.setText(f"Export failed: {message}")
        self.finished_export.emit("")

    def confirm_overwrite(self, path: Path) -> bool:
        """Ask, in this window, before writing over an existing file."""
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"“{path.name}” already exists in {path.parent}.\n\nReplace it with this export?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _open(self, path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def reject(self) -> None:
        if self._exporting is not None:  # closing the dialog calls the export off: nothing is written
            self._exporting.cancel()
            self._finish_export()
        if self._checking is not None:
            self._checking.cancel()
            self._checking = None
            self._poll.stop()
        super().reject()


def _identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` as (inode, modification time in ns), or None when there is none."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def proposed_export_path(project: Path, title: str, template: str | None, suffix: str | None) -> Path:
    """``<project dir>/<Project title> - <template><suffix>``, safe as a file name on every system."""
    name = " ".join((title or project.stem).split())
    name = re.sub(r'[\\/:*?"<>|]+', "-", name).strip(" .-")[:80] or "Briefing"
    stem = f"{name} - {template}" if template else name
    return project.resolve().parent / f"{stem}{suffix or '.docx'}"
