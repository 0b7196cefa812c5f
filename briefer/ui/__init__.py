"""Qt front end. ``create_main_window`` is the factory tests and scripts use."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from briefer.ui.main_window import MainWindow


def create_main_window(project_path: str | os.PathLike[str], settings: QSettings | None = None) -> MainWindow:
    """Open the project writable and return its window, not yet shown.

    Raises ``BrieferError``/``OSError`` when the project cannot be opened; the
    caller decides how to show that. A ``QApplication`` must already exist.
    """
    from briefer.core.project import open_project
    from briefer.ui.main_window import MainWindow

    # Modules, classes and Qt wrappers loaded by now live as long as the process;
    # frozen, they are not re-scanned by every full collection that building a
    # large project's window triggers (one such pass cost ~20 ms at start-up).
    # Once: a later window (a test's, say) must not freeze an earlier one's garbage.
    if not gc.get_freeze_count():
        gc.freeze()
    service = open_project(Path(project_path))

    window = MainWindow(service, settings)
    window.remember_project(Path(project_path))
    return window


__all__ = ["create_main_window"]
