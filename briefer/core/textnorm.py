"""Normalising imported text so that what is stored is exactly what is shown,
quoted and exported."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls except tab and newline, plus lone surrogates, which cannot be
# encoded and which python-docx refuses.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def normalise(text: str) -> str:
    """Newlines to ``\\n``, Unicode NFC, control characters removed, BOM dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub("", text)


def strip_controls(text: str) -> str:
    """Drop characters that no document format may carry (used before export)."""
    return _CONTROL.sub("", text)
