"""Edit > Auto-tag: tag every occurrence of some words or a pattern, with a count before anything is stored.

It plans with the same code as ``briefer autotag`` (``ProjectService.plan_autotag``)
and stores the plan as one ``AutoTag`` command, so the whole run is one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from briefer.core import commands
from briefer.core.errors import BrieferError
from briefer.core.patterns import words_pattern
from briefer.core.service import AutotagPlan, ProjectService
from briefer.core.wording import plural
from briefer.ui.background import BackgroundJob
from briefer.ui.style import swatch
from briefer.ui.undo import push

SCOPES = (
    ("Just the matching words", "match"),
    ("The whole sentence", "sentence"),
    ("The whole paragraph", "paragraph"),
)
COUNT_DELAY_MS = 250  # recount once typing pauses
POLL_MS = 40


@dataclass(frozen=True)
class Choices:
    """What the dialog is set to: a plan counted for other choices is not the one to apply."""

    pattern: str
    tag: str | None
    document: int | None
    scope: str


def _import_planner() -> None:
    # Imports in the worker happen here, where a cancel cannot cut one in half.
    import briefer.core.patterns
    import briefer.core.sentences  # noqa: F401


def _plan(project: Path, choices: Choices) -> AutotagPlan | str:
    """The plan for ``choices``, read on a connection of its own; the error's text when there is none."""
    from briefer.core.project import open_for_reading

    assert choices.tag is not None
    try:
        with open_for_reading(project) as store:
            return ProjectService(store).plan_autotag(
                pattern=choices.pattern, tag=choices.tag, document=choices.document, scope=choices.scope
            )
    except BrieferError as exc:
        return str(exc)


class AutotagDialog(QDialog):
    """Words or a regular expression, a tag, a scope, one document or all; a live count; Apply."""

    counted = Signal(int)  # passages the current choices would tag (-1: cannot say)

    def __init__(
        self,
        service: ProjectService,
        undo_stack: QUndoStack,
        current_document: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("autotagDialog")
        self.setWindowTitle("Auto-tag")
        self.service = service
        self.undo_stack = undo_stack
        self.plan: AutotagPlan | None = None

        self.words_mode = QRadioButton("&Words or phrases")
        self.words_mode.setToolTip("Separate several with commas; any case matches")
        self.pattern_mode = QRadioButton("Regular &expression")
        self.pattern_mode.setToolTip("Python regular expression syntax, matched as written")
        self.words_mode.setChecked(True)
        modes = QButtonGroup(self)
        for button in (self.words_mode, self.pattern_mode):
            modes.addButton(button)
            button.toggled.connect(self._schedule_count)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.words_mode)
        mode_row.addWidget(self.pattern_mode)
        mode_row.addStretch(1)
        self.text = QLineEdit(placeholderText="export controls, chip ban")
        self.text.setObjectName("autotagText")
        self.text.setAccessibleName("Words or pattern to find")
        self.text.textChanged.connect(self._schedule_count)
        self.tag = QComboBox()
        self.tag.setObjectName("autotagTag")
        self.tag.setAccessibleName("Tag to apply")
        for tag in service.tags.all():
            self.tag.addItem(swatch(tag.color), tag.name, tag.name)
        self.scope = QComboBox()
        self.scope.setObjectName("autotagScope")
        self.scope.setAccessibleName("What to tag around each match")
        for label, value in SCOPES:
            self.scope.addItem(label, value)
        self.documents = QComboBox()
        self.documents.setObjectName("autotagDocuments")
        self.documents.setAccessibleName("Documents to search")
        self.documents.addItem("All documents", None)
        for doc_id, title in service.documents.titles().items():
            self.documents.addItem(title or f"Document {doc_id}", doc_id)
        if current_document is not None:
            self.documents.setCurrentIndex(max(self.documents.findData(current_document), 0))
        for box in (self.tag, self.scope, self.documents):
            box.currentIndexChanged.connect(self._schedule_count)
        form = QFormLayout()
        form.addRow("Find:", mode_row)
        form.addRow("", self.text)
        form.addRow("&Tag:", self.tag)
        form.addRow("Tag &what:", self.scope)
        form.addRow("&In:", self.documents)
        self.count_label = QLabel("Type words to find.")
        self.count_label.setObjectName("autotagCount")
        self.count_label.setWordWrap(True)
        self.count_label.setAccessibleName("Matches")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button: QPushButton = self.buttons.addButton("Tag them", QDialogButtonBox.ButtonRole.ApplyRole)
        self.apply_button.setObjectName("autotagApply")
        self.apply_button.setEnabled(False)
        self.apply_button.setDefault(True)  # Enter in the words field tags, not closes
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._timer.timeout.connect(self.count)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._job: BackgroundJob[AutotagPlan | str] | None = None
        self._job_choices: Choices | None = None
        self._plan_choices: Choices | None = None
        self.finished.connect(lambda _result: self._cancel_job())
        self.resize(520, self.sizeHint().height())

    def pattern(self) -> str:
        text = self.text.text()
        return words_pattern(text) if self.words_mode.isChecked() else text

    def choices(self) -> Choices:
        return Choices(self.pattern(), self.tag.currentData(), self.documents.currentData(), self.scope.currentData())

    def _schedule_count(self) -> None:
        self.apply_button.setEnabled(False)
        self._timer.start()

    def count(self) -> None:
        """Count what the current choices would tag, in the background; ``counted`` reports the number."""
        self._timer.stop()
        self._cancel_job()
        self.plan = None
        choices = self.choices()
        if not choices.pattern or choices.tag is None:
            self.count_label.setText("Type words to find." if self.tag.count() else "The codebook has no tags yet.")
            self.apply_button.setEnabled(False)
            self.counted.emit(0)
            return
        self.count_label.setText("Counting…")
        project = Path(self.service.path)
        # Its own read-only connection: a big corpus takes a while to search,
        # and the analyst keeps typing meanwhile.
        self._job = BackgroundJob(lambda: _plan(project, choices), prepare=_import_planner, name="briefer-autotag")
        self._job_choices = choices
        self._poll.start()

    def _cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._poll.stop()

    def _collect(self) -> None:
        job = self._job
        if job is None or not job.done():
            return
        self._job = None
        self._poll.stop()
        result = job.result()
        if result is None:  # cancelled
            return
        if isinstance(result, str):
            self.count_label.setText(result)
            self.apply_button.setEnabled(False)
            self.counted.emit(-1)
            return
        self._show_plan(result, self._job_choices)

    def _show_plan(self, plan: AutotagPlan, choices: Choices | None) -> None:
        self.plan, self._plan_choices = plan, choices
        n = plan.count
        where = plural(len(plan.spans), "document")
        self.count_label.setText(
            f"{plural(n, 'passage')} in {where} would be tagged “{self.tag.currentText()}”." if n else "No matches."
        )
        self.apply_button.setEnabled(n > 0)
        self.counted.emit(n)

    def apply(self) -> None:
        """Store the counted plan as one undo step."""
        choices = self.choices()
        if self.plan is None or self._plan_choices != choices:  # not counted yet for these choices: plan now
            self._cancel_job()
            self._timer.stop()
            if not choices.pattern or choices.tag is None:
                return
            try:
                fresh = self.service.plan_autotag(
                    pattern=choices.pattern, tag=choices.tag, document=choices.document, scope=choices.scope
                )
            except BrieferError as exc:
                self.count_label.setText(str(exc))
                return
            self._show_plan(fresh, choices)
        plan = self.plan
        if plan is None or not plan.count:
            return
        label = f"Auto-tag “{self.text.text().strip()[:40]}” ({plural(plan.count, 'passage')})"
        command = commands.AutoTag(plan, label)
        try:
            push(self.undo_stack, self.service, command)
        except BrieferError as exc:
            self.count_label.setText(str(exc))
            return
        assert command.result is not None
        created, tagged = len(command.result.created), len(command.result.tagged)
        done = f"Tagged {plural(created, 'new passage')}"
        if tagged:
            done += f" and {plural(tagged, 'existing passage')}"
        self.count_label.setText(done + ". Edit > Undo takes the whole run back.")
        self.plan = None
        self.apply_button.setEnabled(False)
