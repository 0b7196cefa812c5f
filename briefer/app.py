"""Wiring for the desktop app: QApplication -> project -> main window -> event loop."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from briefer.core.errors import BrieferError
from briefer.core.gc_pause import cycle_collection_paused

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QSettings
    from PySide6.QtWidgets import QApplication

_HEADLESS_PLATFORMS = ("offscreen", "minimal")

NO_DISPLAY_HINT = "set DISPLAY, or QT_QPA_PLATFORM=offscreen for headless use"


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Why Qt could not open a window here, or None when it probably can.

    Qt's xcb plugin aborts the process (SIGABRT, a core dump, exit 134) when it
    cannot connect to the X server, so this looks first, cheaply and without Qt:
    on Linux and the BSDs, with QT_QPA_PLATFORM unset (or xcb) and no
    WAYLAND_DISPLAY, DISPLAY must be set and its X server must accept a
    connection on its socket (/tmp/.X11-unix/Xn, Linux's abstract socket of that
    name, or TCP port 6000+n for host:n). Only a definite answer refuses (no
    ":n", nothing listening, a connection refused); a socket path, or a
    connection that times out or fails otherwise, is left to Qt. (An X server that refuses our credentials still
    aborts in Qt; telling that apart would mean speaking the X protocol.)
    """
    env = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, eglfs...: Qt reports its own failures
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return f"no display: {NO_DISPLAY_HINT}"
    if _x_server_missing(display):
        return f"cannot connect to display {display}: {NO_DISPLAY_HINT}"
    return None


def _x_server_missing(display: str) -> bool:
    """True only when nothing listens where ``display`` (``[host]:n[.screen]``) points."""
    import socket

    host, sep, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if host.startswith("/"):
        return False  # a socket path (newer libxcb reads those): let Qt try
    if not sep or not number.isdigit():
        return True  # no ":n": neither Xlib nor xcb can parse it
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        candidates: list[tuple[int, str | tuple[str, int]]] = [(socket.AF_UNIX, path)]
        if sys.platform.startswith("linux"):
            candidates.insert(0, (socket.AF_UNIX, "\0" + path))  # Xorg and Xvfb listen here too
    else:
        candidates = [(socket.AF_INET, (host, 6000 + int(number)))]
    for family, address in candidates:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(1.0)
                sock.connect(address)
                return False
        except (FileNotFoundError, ConnectionRefusedError):
            continue
        except OSError:  # a timeout, an unknown host, no permission: not a definite no
            return False
    return True


def _initial_project(settings: QSettings) -> Path:
    """The last project used if it still exists, else the bundled default project."""
    from briefer.core.project import ensure_default_project

    last = settings.value("lastProject")
    if last and Path(str(last)).is_file():
        return Path(str(last))
    return ensure_default_project()


def report_unexpected_errors(show: Callable[[str, str], None] | None) -> None:
    """Route exceptions nothing caught (a slot that failed, say) to the analyst, not to a console.

    Each distinct problem is kept in a file for the bug report and described in
    one sentence, through ``show(title, text)`` when given. The window goes on:
    every edit is its own transaction, so the project holds everything up to
    the last action that completed.
    """
    from briefer.crash_report import problem_key, save_traceback, summary

    # A failing paint handler fails on every repaint: each problem is reported
    # once (its first traceback kept), however often it recurs.
    seen: set[tuple[str, str]] = set()

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        key = problem_key(exc, tb)
        if key in seen:
            return
        seen.add(key)
        report = save_traceback(exc_type, exc, tb)
        print(f"briefer: internal error: {summary(exc)} (details in {report})", file=sys.stderr)
        if show is not None:
            show(
                "Briefer ran into a problem",
                f"Something went wrong: {summary(exc)}\n\nYour project holds everything up to your last "
                f"completed action. The details, for a bug report, are in {report}.",
            )

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit and args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def error_box_later(app: QObject) -> Callable[[str, str], None]:
    """``show(title, text)`` for ``report_unexpected_errors``: an error box opened from the event loop.

    In the GUI thread, whichever thread failed, and never in the middle of the
    paint or slot that failed.
    """
    from PySide6.QtCore import QTimer

    return lambda title, text: QTimer.singleShot(0, app, lambda: _message(title, text, error=True))


def _message(title: str, text: str, *, error: bool = False) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox  # a dialog class: loaded when one is shown

    show = QMessageBox.critical if error else QMessageBox.information
    show(QApplication.activeWindow(), title, text)


def run_app(project_path: Path | None = None, argv: list[str] | None = None) -> int:
    """Run the window on ``project_path`` (or the last/default project); returns the exit code."""
    # Start-up makes Qt's and Briefer's modules, classes and widgets, which all live
    # as long as the window: collections on the way would find nothing to free.
    with cycle_collection_paused():
        app = _show_window(project_path, argv)
    return app.exec() if app is not None else 1


def _show_window(project_path: Path | None, argv: list[str] | None) -> QApplication | None:
    """The application with the project's window shown; None (said on stderr or in a box) when it cannot open."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from briefer.ui import create_main_window

    if QApplication.instance() is None and (problem := display_problem()):
        print(f"briefer: error: {problem}", file=sys.stderr)  # not Qt's abort and core dump
        return None
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Briefer")
    app.setOrganizationName("Briefer")
    QApplication.setApplicationDisplayName("Briefer")
    settings = QSettings()
    # A modal box on a headless platform would wait forever for a click.
    headless = QApplication.platformName() in _HEADLESS_PLATFORMS
    report_unexpected_errors(None if headless else error_box_later(app))
    try:
        path = project_path if project_path is not None else _initial_project(settings)
        window = create_main_window(path, settings)
    except (BrieferError, OSError) as exc:
        message = " ".join(str(exc).split()) or exc.__class__.__name__
        print(f"briefer: error: {message}", file=sys.stderr)
        if not headless:
            _message("Briefer cannot open the project", str(exc), error=True)
        return None
    window.show()
    if not headless:  # once per user, beside the window, never blocking it
        QTimer.singleShot(0, window, window.show_getting_started_on_first_run)
    return app


def main() -> int:
    return run_app(Path(sys.argv[1]) if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    raise SystemExit(main())
