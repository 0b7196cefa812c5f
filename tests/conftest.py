"""Shared fixtures: real project files on disk, built through the real code."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the default project, user templates, QSettings and caches out of the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))  # the formatted-citation cache


@pytest.fixture
def bundled_project(tmp_path: Path) -> Path:
    from briefer.core.project import create_project

    return create_project(tmp_path / "bundled.briefer")


@pytest.fixture
def service(bundled_project: Path) -> Iterator[object]:
    from briefer.core.project import open_project

    svc = open_project(bundled_project)
    yield svc
    svc.store.close()
