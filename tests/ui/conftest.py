"""Fixtures for the window tests: a real project file and its main window."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings

from outline_support import Project
from outline_support import build_project as build_outline_project
from reader_support import build_project


@pytest.fixture
def project(tmp_path: Path, qapp) -> Iterator[Project]:
    """An open project with stance sections and passages, for the outline tests."""
    p = build_outline_project(tmp_path)
    yield p
    p.close()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    return build_project(tmp_path / "test.briefer")


@pytest.fixture
def window(qtbot, project_file: Path, tmp_path: Path) -> Iterator[object]:
    from briefer.ui import create_main_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = create_main_window(project_file, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
