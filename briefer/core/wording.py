"""Counts in words, for the window and the command line alike: "1 passage", "3 passages"."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun, singular for exactly one: ``plural(1, "passage")`` is "1 passage"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
