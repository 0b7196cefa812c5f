"""The Preview dock: the briefing as the export engine renders it, shown as HTML.

Rendering reads the whole project, so it waits for a pause in editing (a
single-shot timer restarted by every change) instead of running per keystroke.
The browser loads nothing from outside: links do not navigate and every
resource request other than an inline ``data:`` URL comes back empty.
"""

from __future__ import annotations

import html
import time
from typing import Any

import markdown
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from briefer.core.errors import BrieferError
from briefer.core.service import Change, ProjectService
from briefer.ui.outline_model import subscribe_while_alive

REFRESH_MS = 400
RENDER_SECONDS = 3.0  # a runaway template must not hang the window
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


def markdown_to_html(text: str) -> str:
    # "extra" brings footnotes and tables, which the templates use for citations.
    return markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")


class PreviewDock(QDockWidget):
    """``previewView`` plus a template chooser; re-renders ~400 ms after the last change."""

    def __init__(self, service: ProjectService, parent: QWidget | None = None) -> None:
        super().__init__("Preview", parent)
        self.setObjectName("previewDock")
        self.service = service
        self.markdown_text = ""
        self.error = ""
        self._stale = True

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
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.fill_templates()
        self.template.currentIndexChanged.connect(lambda _i: self.schedule())
        subscribe_while_alive(service, self, self._on_change)
        self.schedule()

    def fill_templates(self) -> None:
        from briefer.export.templates import DEFAULT_TEMPLATE, discover_templates

        current = self.template.currentData() or DEFAULT_TEMPLATE
        self.template.blockSignals(True)
        self.template.clear()
        for name, info in discover_templates(self.service.store.path).items():
            self.template.addItem(info.display_name, name)
        self.template.setCurrentIndex(max(self.template.findData(current), 0))
        self.template.blockSignals(False)

    def _on_change(self, change: Change) -> None:
        self.schedule()

    def schedule(self) -> None:
        """Refresh after a pause; each change restarts the wait so typing never blocks."""
        self.timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.schedule()

    def refresh(self) -> None:
        # A hidden preview (a closed dock, a background tab) costs nothing;
        # it catches up when it is shown again.
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        from briefer.export import render_project
        from briefer.export.templates import find_template

        name = self.template.currentData()
        scroll = self.view.verticalScrollBar().value()
        try:
            if name is None:
                raise BrieferError("No export templates are installed.")
            template = find_template(name, self.service.store.path)
            started = time.perf_counter()
            text, context = render_project(self.service.store, template, seconds=RENDER_SECONDS)
            # Rendering runs on this thread: on a big project, wait longer after
            # each edit so a burst of edits costs one render, not one each.
            took_ms = int((time.perf_counter() - started) * 1000)
            self.timer.setInterval(max(REFRESH_MS, 3 * took_ms))
        except BrieferError as exc:  # template errors name the file and line
            self.error = str(exc)
            self.status.setText("⚠ not rendered")
            self.view.setHtml(f"<p class='error'><b>The preview could not be rendered.</b></p>"
                              f"<p class='error'>{html.escape(self.error)}</p>")
            return
        self.error = ""
        self.markdown_text = text
        warnings = len(context.warnings)
        self.status.setText(f"{warnings} citation warning{'s' if warnings != 1 else ''}" if warnings else "")
        self.view.setHtml(markdown_to_html(text))
        self.view.verticalScrollBar().setValue(scroll)  # keep the reader's place across refreshes
