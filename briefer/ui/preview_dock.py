"""The Preview dock: the briefing as the export engine renders it, shown as HTML.

Rendering reads the whole project (seconds on a briefing of a thousand
passages), so it never runs on the GUI thread: a worker thread opens its own
read-only connection to the project file, renders the Markdown, converts it to
HTML and parses that into a ``QTextDocument``, which the GUI thread only swaps
into the view. A render starts only while the dock is visible, after a pause
in editing (a single-shot timer restarted by every change), and one at a time;
an edit or hiding the dock calls off a render in progress, and the next pause
starts a fresh one. Nothing heavy is imported until the first render: opening
the window costs the preview nothing.

The browser loads nothing from outside: links do not navigate and every
resource request other than an inline ``data:`` URL comes back empty.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QThread, QTimer, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from briefer.core.errors import BrieferError
from briefer.core.service import Change, ProjectService
from briefer.ui.outline_model import subscribe_while_alive

if TYPE_CHECKING:
    from briefer.ui.background import BackgroundJob

REFRESH_MS = 400
# The first render waits longer: the window has just opened and the analyst is
# starting to work, and loading the export engine (its first step) cannot be
# called off.
FIRST_RENDER_MS = 1000
POLL_MS = 25  # how often the GUI thread looks for a finished render
RENDER_SECONDS = 3.0  # a runaway template must not run on for ever
_STYLE = """
body { font-family: 'Georgia', 'Noto Serif', 'Noto Serif CJK SC', serif; font-size: 11pt; }
h1 { font-size: 17pt; margin-bottom: 2px; } h2 { font-size: 13pt; margin-top: 14px; }
h3 { font-size: 11.5pt; } blockquote { color: #333; margin-left: 14px; font-style: italic; }
code { font-family: monospace; } .error { color: #a93226; } .muted { color: #777; }
"""


class SafeBrowser(QTextBrowser):
    """A text browser that fetches nothing: no network, no local files."""

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802
        scheme = QUrl(url).scheme() if isinstance(url, str) else url.scheme()
        if scheme == "data":
            return super().loadResource(kind, url)
        return None


class SafeDocument(QTextDocument):
    """The preview's document: it too fetches nothing but inline ``data:`` URLs.

    QTextDocument falls back to reading local files itself when the view
    declines a resource, so refusing in the browser alone is not enough.
    """

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802
        scheme = QUrl(url).scheme() if isinstance(url, str) else url.scheme()
        if scheme == "data":
            return super().loadResource(kind, url)
        return None


def markdown_to_html(text: str) -> str:
    """The briefing as HTML, read by the same Markdown dialect the Word export reads."""
    from briefer.export.markdown_dialect import markdown_to_html as dialect_html  # loaded by the first render

    return dialect_html(text)


@dataclass
class PreviewResult:
    """What one render produced; ``document`` already belongs to the GUI thread."""

    templates: list[tuple[str, str]] = field(default_factory=list)  # (name, display name)
    template: str | None = None  # the template rendered
    markdown: str = ""
    document: SafeDocument | None = None
    warnings: int = 0
    error: str = ""
    seconds: float = 0.0


def render_preview(
    project: Path, template_name: str | None, gui_thread: QThread, seconds: float = RENDER_SECONDS
) -> PreviewResult:
    """Render the briefing of the project file at ``project``; runs in a worker thread.

    Opens its own read-only connection (the window's stays with the GUI
    thread). Template and quote errors come back in ``error``; the parsed
    document is moved to ``gui_thread`` so the view can adopt it.
    """
    from briefer.export.isolation import render_isolated
    from briefer.export.templates import DEFAULT_TEMPLATE, discover_templates, find_template

    started = time.perf_counter()
    result = PreviewResult()
    try:
        result.templates = [(name, info.display_name) for name, info in discover_templates(project).items()]
        names = [name for name, _label in result.templates]
        if not names:
            raise BrieferError("No export templates are installed.")
        name = next(n for n in (template_name, DEFAULT_TEMPLATE, names[0]) if n in names)
        result.template = name
        # In the render worker process: a template cannot take the window's memory or time.
        rendered = render_isolated(project, find_template(name, project), seconds=seconds)
        text = rendered.text
        result.markdown = text
        result.warnings = len(rendered.warnings)
        document = SafeDocument()
        document.setDefaultStyleSheet(_STYLE)
        # Parsing half a megabyte of HTML takes a good part of a second: here, not in the GUI thread.
        document.setHtml(markdown_to_html(text))
        document.moveToThread(gui_thread)
        result.document = document
    except (BrieferError, OSError) as exc:  # template errors name the file and line
        result.error = str(exc)
    result.seconds = time.perf_counter() - started
    return result


def _import_renderer() -> None:
    # Runs in the worker before the job becomes cancellable (see BackgroundJob).
    import markdown.extensions.extra
    import markdown.extensions.sane_lists  # noqa: F401

    # The package loads these lazily; here they must be loaded now.
    import briefer.export.engine
    import briefer.export.isolation
    import briefer.export.templates  # noqa: F401


class PreviewDock(QDockWidget):
    """``previewView`` plus a template chooser; re-renders a pause after the last change."""

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__("Preview", parent)
        self.setObjectName("previewDock")
        self.service = service
        self.markdown_text = ""
        self.error = ""
        self.renders = 0  # finished renders, for tests and diagnostics
        self._stale = True
        self._job: BackgroundJob[PreviewResult] | None = None
        # Held apart from the dock's attributes for the destroyed() handler.
        self._running: list[BackgroundJob[PreviewResult]] = []
        running = self._running

        def cancel_renders(*_: object) -> None:
            for job in running:
                job.cancel()

        self.destroyed.connect(cancel_renders)
        self._again = False  # changes arrived while a render was running
        self._settled_status = ""  # the status line of the render on show

        self.template = QComboBox()
        self.template.setObjectName("previewTemplate")
        self.template.setAccessibleName("Preview template")
        self.status = QLabel()
        self.status.setObjectName("previewStatus")
        self.view = SafeBrowser()
        self.view.setObjectName("previewView")
        self.view.setAccessibleName("Briefing preview")
        self.view.setOpenLinks(False)
        self.view.setOpenExternalLinks(False)
        self._document: SafeDocument | None = None
        self._adopt(SafeDocument())
        self.view.document().setDefaultStyleSheet(_STYLE)

        top = QHBoxLayout()
        top.addWidget(QLabel("Template:"))
        top.addWidget(self.template, 1)
        top.addWidget(self.status)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.setWidget(body)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(FIRST_RENDER_MS)
        self.timer.timeout.connect(self.refresh)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        # isVisible() stays true for a dock in a background tab; this follows the tab.
        self._shown = False
        self.visibilityChanged.connect(self._visibility_changed)
        # The templates are listed when the first render starts, a second after start-up.
        self.template.currentIndexChanged.connect(lambda _i: self.schedule())
        subscribe_while_alive(service, self, self._on_change)
        self.schedule()

    @property
    def rendering(self) -> bool:
        return self._job is not None

    def _on_change(self, change: Change) -> None:
        self._call_off()  # what it is rendering is out of date now
        self.schedule()

    def _call_off(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._again = True

    def schedule(self) -> None:
        """Refresh after a pause; each change restarts the wait so typing never triggers a render."""
        self.timer.start()

    def _visibility_changed(self, visible: bool) -> None:
        self._shown = visible
        if visible and self._stale:
            self.schedule()
        elif not visible and self._job is not None:
            self._call_off()
            self._stale = True

    def refresh(self) -> None:
        """Start a render in the worker, unless hidden or one is running already."""
        # A hidden preview (a closed dock, a background tab) costs nothing;
        # it catches up when it is shown again.
        if not (self._shown and self.isVisible()):
            self._stale = True
            return
        if self._job is not None:
            self._again = True
            return
        self._stale = False
        if self.renders == 0:
            self.timer.setInterval(REFRESH_MS)  # the first render has waited long enough
        project = Path(self.service.path)
        if self.template.count() == 0:
            self._list_templates(project)
        template = self.template.currentData()
        gui_thread = self.thread()  # a widget lives in the GUI thread
        from briefer.ui.background import BackgroundJob  # with concurrent.futures: not needed at start-up

        self._job = BackgroundJob(
            lambda: render_preview(project, template, gui_thread), prepare=_import_renderer, name="briefer-preview"
        )
        self._running[:] = [self._job]
        self._poll.start()
        # A large briefing takes seconds: say so, rather than show a blank page.
        self._settled_status = self.status.text()
        self.status.setText("Rendering…" if self.renders == 0 else "Updating…")
        if self.renders == 0:
            self.view.setHtml("<p class='muted'>Rendering the briefing…</p>")

    def _collect(self) -> None:
        job = self._job
        if job is None or not job.done():
            return
        self._job = None
        self._running.clear()
        self._poll.stop()
        try:
            result = job.result()  # re-raises a bug in the worker here
        except BaseException:
            self.status.setText("⚠ not rendered")
            self.view.setHtml("<p class='error'><b>The preview could not be rendered.</b></p>")
            raise
        if result is not None:
            self.renders += 1
            self._show(result)
        else:  # called off: the last render still stands
            self.status.setText(self._settled_status)
        if self._again:
            self._again = False
            self.schedule()

    def _show(self, result: PreviewResult) -> None:
        self._fill_templates(result)
        # A burst of edits on a big project costs one render, and the worker
        # does not compete with typing for the interpreter.
        self.timer.setInterval(max(REFRESH_MS, int(3000 * result.seconds)))
        if result.error or result.document is None:
            self.error = result.error or "The preview could not be rendered."
            self.status.setText("⚠ not rendered")
            self.view.setHtml(
                f"<p class='error'><b>The preview could not be rendered.</b></p>"
                f"<p class='error'>{html.escape(self.error)}</p>"
            )
            return
        self.error = ""
        self.markdown_text = result.markdown
        warnings = result.warnings
        self.status.setText(f"{warnings} citation warning{'s' if warnings != 1 else ''}" if warnings else "")
        scroll = self.view.verticalScrollBar().value()
        self._adopt(result.document)
        self.view.verticalScrollBar().setValue(scroll)  # keep the reader's place across refreshes

    def _adopt(self, document: SafeDocument) -> None:
        # The view deletes only documents its internal text control owns (the
        # first one); later ones are ours to delete. (Parenting them to that
        # control instead would need a wrapper for a private class, which costs
        # PySide 40-130 ms the first time.)
        previous, self._document = self._document, document
        document.setParent(self.view)
        self.view.setDocument(document)
        if previous is not None:
            previous.deleteLater()

    def _list_templates(self, project: Path) -> None:
        """List the templates now (a file listing), not when the first render ends seconds later."""
        from briefer.export.templates import DEFAULT_TEMPLATE, discover_templates

        try:
            found = [(name, info.display_name) for name, info in discover_templates(project).items()]
        except OSError:  # the render reports it
            return
        names = [name for name, _label in found]
        chosen = DEFAULT_TEMPLATE if DEFAULT_TEMPLATE in names else (names[0] if names else None)
        self._fill_templates(PreviewResult(templates=found, template=chosen))

    def _fill_templates(self, result: PreviewResult) -> None:
        current = self.template.currentData()  # the analyst may have chosen another one meanwhile
        listed = [(self.template.itemData(i), self.template.itemText(i)) for i in range(self.template.count())]
        names = [name for name, _label in result.templates]
        wanted = current if current in names else result.template
        self.template.blockSignals(True)
        try:
            if listed != result.templates:
                self.template.clear()
                for name, label in result.templates:
                    self.template.addItem(label, name)
            if wanted is not None and self.template.currentData() != wanted:
                self.template.setCurrentIndex(max(self.template.findData(wanted), 0))
        finally:
            self.template.blockSignals(False)
