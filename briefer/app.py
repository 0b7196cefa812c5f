"""Wiring for the desktop app: QApplication -> project -> main window -> event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from briefer.core.errors import BrieferError

_HEADLESS_PLATFORMS = ("offscreen", "minimal")


def _initial_project(settings: object) -> Path:
    """The last project used if it still exists, else the bundled default project."""
    from briefer.core.project import ensure_default_project

    last = settings.value("lastProject")  # type: ignore[attr-defined]
    if last and Path(str(last)).is_file():
        return Path(str(last))
    return ensure_default_project()


def run_app(project_path: Path | None = None, argv: list[str] | None = None) -> int:
    """Run the window on ``project_path`` (or the last/default project); returns the exit code."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from briefer.ui import create_main_window

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Briefer")
    app.setOrganizationName("Briefer")
    app.setApplicationDisplayName("Briefer")
    settings = QSettings()
    try:
        path = project_path if project_path is not None else _initial_project(settings)
        window = create_main_window(path, settings)
    except (BrieferError, OSError) as exc:
        message = " ".join(str(exc).split()) or exc.__class__.__name__
        print(f"briefer: error: {message}", file=sys.stderr)
        # A modal box on a headless platform would wait forever for a click.
        if app.platformName() not in _HEADLESS_PLATFORMS:
            QMessageBox.critical(None, "Briefer cannot open the project", str(exc))
        return 1
    window.show()
    return app.exec()


def main() -> int:
    return run_app(Path(sys.argv[1]) if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    raise SystemExit(main())
