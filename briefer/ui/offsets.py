"""Conversion between Python code-point offsets and Qt's UTF-16 positions.

The store speaks code points (``str`` indices); ``QTextDocument`` counts UTF-16
code units, so every character outside the Basic Multilingual Plane (emoji,
CJK Extension B such as 𠀋) shifts Qt positions by one. Only the reader uses
this module; nothing else should ever see a UTF-16 position.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Maps positions of one text both ways in O(log n) per lookup."""

    def __init__(self, text: str) -> None:
        # Code-point indices of astral characters; almost always empty, so the
        # common case costs one regex scan in C (a Python loop took 0.5 s on 2 MB).
        # UTF-16 as long as the text (a near-copy in C) means no astral characters.
        no_astral = text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)
        self._astral_cp = [] if no_astral else [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 start of the k-th astral character: it is preceded by k others.
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]
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


def utf16_to_codepoint(text: str, u16: int) -> int:
    return OffsetMap(text).to_codepoint(u16)


def codepoint_to_utf16(text: str, cp: int) -> int:
    return OffsetMap(text).to_utf16(cp)
