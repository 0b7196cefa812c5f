"""Conversion between Python code-point offsets and Qt's UTF-16 positions.

The store speaks code points (``str`` indices); ``QTextDocument`` counts UTF-16
code units, so every character outside the Basic Multilingual Plane (emoji,
CJK Extension B such as 𠀋) shifts Qt positions by one. Only the reader uses
this module; nothing else should ever see a UTF-16 position.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Maps positions of one text both ways in O(log n) per lookup."""

    def __init__(self, text: str) -> None:
        # Code-point indices of astral characters; almost always empty, so the
        # common case costs one regex scan in C (a Python loop took 0.5 s on 2 MB).
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)] if _may_be_astral(text) else []
        # UTF-16 start of the k-th astral character: it is preceded by k others.
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]
        # True when both kinds of position are the same number (no astral characters).
        self.identity = not self._astral_cp
        self.length = len(text)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code-point offset ``cp``."""
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int) -> int:
        """Code-point offset of UTF-16 position ``u16``.

        A position inside a surrogate pair rounds down to the start of its
        character, so a selection can never split one.
        """
        before = bisect_left(self._astral_u16, u16)  # astral characters starting before u16
        # Inside a pair (u16 == start + 1) that character is counted as before
        # but contributed only one unit, which lands exactly on its start.
        cp = u16 - before
        return max(0, min(cp, self.length))


def _may_be_astral(text: str) -> bool:
    """False only when ``text`` certainly holds no character beyond the BMP, in O(1).

    CPython stores a string with 1, 2 or 4 bytes a character, 4 only when some
    character needs it, so a long string's size gives that away without a scan
    (scanning 2 MB took 2-6 ms of every document opened). Anywhere that
    assumption might not hold, the answer is True and the text is scanned.
    """
    if len(text) < 4096 or sys.implementation.name != "cpython":
        return True
    return sys.getsizeof(text) >= 4 * len(text)


def utf16_to_codepoint(text: str, u16: int) -> int:
    return OffsetMap(text).to_codepoint(u16)


def codepoint_to_utf16(text: str, cp: int) -> int:
    return OffsetMap(text).to_utf16(cp)
