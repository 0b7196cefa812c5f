"""Normalising imported text so that what is stored is exactly what is shown,
quoted and exported."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls except tab and newline, plus lone surrogates, which cannot be
# encoded and which python-docx refuses.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

# The same test on the UTF-8 encoding, several times faster: the regex above
# steps through every character and was most of normalise()'s cost, though
# nearly every text has nothing for it to remove. In UTF-8 a C0 control or DEL
# is a single byte (bytes below 0x80 never occur inside a multi-byte sequence),
# so deleting every byte in _NOT_CONTROL_BYTES leaves just those (\r is gone by
# then); a C1 control is \xc2 followed by \x80-\x9f.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if (b >= 0x20 and b != 0x7F) or b in (0x09, 0x0A))
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def normalise(text: str) -> str:
    """Newlines to ``\\n``, Unicode NFC, control characters removed, BOM dropped."""
    return normalise_utf8(text)[0]


def normalise_utf8(text: str, utf8: bytes | None = None) -> tuple[str, bytes]:
    """``normalise(text)`` and its UTF-8 encoding.

    The encoding is needed anyway to look for control characters quickly, and
    the importer hashes exactly these bytes, so it is handed back, not redone.
    ``utf8``, if given, must be ``text.encode("utf-8")`` (a UTF-8 file's own
    bytes): it is used as long as no step below changes the text.
    """
    original = text
    # A one-character test scans several times faster than replace() searches.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.lstrip("\ufeff")
    # normalize() runs the NFC quick check first and returns text that passes as it is.
    text = unicodedata.normalize("NFC", text)
    # Every step above hands back the very same object when it changes nothing;
    # if one ever did not, this would just encode, never use stale bytes.
    if utf8 is not None and text is original:
        encoded = utf8
    else:
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, which are among the characters removed
            text = _CONTROL.sub("", text)
            return text, text.encode("utf-8")
    if encoded.translate(None, _NOT_CONTROL_BYTES) or (b"\xc2" in encoded and _C1_UTF8.search(encoded)):
        text = _CONTROL.sub("", text)
        encoded = text.encode("utf-8")
    return text, encoded


def strip_controls(text: str) -> str:
    """Drop characters that no document format may carry (used before export)."""
    return _CONTROL.sub("", text)


# What cannot stand as it is in a one-line report or a stored file name: C0/C1
# controls (tab and newline included), DEL, the Unicode line and paragraph
# separators (str.splitlines() breaks at all of them) and lone surrogates (a
# file name's bytes that are not UTF-8, as os.fsdecode() hands them over).
_ODD_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_name(name: str) -> str:
    """A file name (or a report line) safe to print and store, on one line.

    A byte that is not UTF-8 becomes ``\\xff``, as Python writes it; newline,
    carriage return and tab become ``\\n``, ``\\r`` and ``\\t``; any other control
    character ``\\xNN`` (``\\u2028``/``\\u2029`` for the line separators). Every
    other character, a backslash included, is left as it is, so an ordinary
    name comes back unchanged (the very same object).
    """
    if _ODD_IN_NAME.search(name) is None:
        return name
    return _ODD_IN_NAME.sub(_escape_one, name)
