"""Regression guard: PySide6 6.12.0 on CPython 3.11 leaks references to None.

Each leaked reference is harmless alone, but a long session drives the count
past its limit and aborts the interpreter. pyproject pins PySide6 below 6.12;
this test fails loudly if a leaking build comes back.
"""

import sys

from PySide6.QtCore import QPoint


def test_setter_calls_do_not_leak_none() -> None:
    point = QPoint()
    point.setX(0)  # warm up any one-time caches
    before = sys.getrefcount(None)
    for i in range(10_000):
        point.setX(i)
    after = sys.getrefcount(None)
    assert after == before, f"PySide6 leaked {after - before} references to None"
