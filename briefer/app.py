"""Wiring for the desktop app: QApplication -> project -> main window -> event loop."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from briefer.core.errors import BrieferError

_HEADLESS_PLATFORMS = ("offscreen", "minimal")


def _initial_project(settings: object) -> Path:
    """The last project used if it still exists, else the bundled default project."""
    from briefer.core.project import ensure_default_project

    last = settings.value("lastProject")  # type: ignore[attr-defined]
    if last and Path(str(last)).is_file():
        return Path(str(last))
    return ensure_default_project()


def report_unexpected_errors(show: Callable[[str, str], None] | None) -> None:
    """Route exceptions nothing caught (a slot that failed, say) to the analyst, not to a console.

    Each one is kept in a file for the bug report and described in one sentence,
    in a message box when ``show(title, text)`` is given. The window goes on:
    every edit is its own transaction, so the project holds everything up to the
    last action that completed.
    """
    from briefer.crash_report import save_traceback, summary

    # A failing paint handler fails on every repaint: each distinct problem is
    # shown once, and never while its box is open (the box runs its own loop).
    shown: set[str] = set()
    showing = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report = save_traceback(exc_type, exc, tb)
        print(f"briefer: internal error: {summary(exc)} (details in {report})", file=sys.stderr)
        if show is None or showing or summary(exc) in shown:
            return
        shown.add(summary(exc))
        showing = True
        try:
            show("Briefer ran into a problem",
                 f"Something went wrong: {summary(exc)}\n\nYour project holds everything up to your last "
                 f"completed action. The details, for a bug report, are in {report}.")
        finally:
            showing = False

    sys.excepthook = hook


def _message(title: str, text: str, *, error: bool = False) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox  # a dialog class: loaded when one is shown

    show = QMessageBox.critical if error else QMessageBox.information
    show(QApplication.activeWindow(), title, text)


def run_app(project_path: Path | None = None, argv: list[str] | None = None) -> int:
    """Run the window on ``project_path`` (or the last/default project); returns the exit code."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from briefer.ui import create_main_window

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Briefer")
    app.setOrganizationName("Briefer")
    app.setApplicationDisplayName("Briefer")
    settings = QSettings()
    # A modal box on a headless platform would wait forever for a click.
    headless = app.platformName() in _HEADLESS_PLATFORMS
    report_unexpected_errors(None if headless else lambda title, text: _message(title, text, error=True))
    try:
        path = project_path if project_path is not None else _initial_project(settings)
        window = create_main_window(path, settings)
    except (BrieferError, OSError) as exc:
        message = " ".join(str(exc).split()) or exc.__class__.__name__
        print(f"briefer: error: {message}", file=sys.stderr)
        if not headless:
            _message("Briefer cannot open the project", str(exc), error=True)
        return 1
    window.show()
    return app.exec()


def main() -> int:
    return run_app(Path(sys.argv[1]) if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    raise SystemExit(main())
