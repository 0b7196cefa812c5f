"""Fixtures for the export tests (helpers live in export_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.core.store import Store

from export_helpers import build_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return build_project(tmp_path / "test.briefer")


@pytest.fixture
def store(project: Path):
    with Store.open(project, readonly=True) as st:
        yield st


@pytest.fixture(autouse=True)
def isolated_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the real user data folder (and its templates) out of every test."""
    data = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data / "briefer" / "templates"
