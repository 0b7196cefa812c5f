"""Locate the bundled data folders (corpus, templates, resources).

In a source checkout they are the top-level folders beside ``briefer/``; in an
installed wheel the build maps them into ``briefer/_bundled/``. This module is
the one place that knows both layouts.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the bundled folder ``name`` ("corpus", "templates" or "resources")."""
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled folder '{name}' is missing from this installation")


def corpus_dir() -> Path:
    return bundled_dir("corpus")


def templates_dir() -> Path:
    return bundled_dir("templates")


def resources_dir() -> Path:
    return bundled_dir("resources")
