"""Turning the bytes of a text file into ``str`` without mojibake.

The order matters: a byte-order mark is proof; strict UTF-8 is almost never
wrong when it succeeds; only then is the encoding detected, and only among the
legacy encodings analysts meet (GB18030/GBK, Big5, Windows-1252).
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from briefer.core.errors import ImportRejected

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LEGACY = ["gb18030", "big5", "cp1252"]
# Every byte that is *not* a suspicious control byte (deleting these leaves the controls).
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes mean this is not a text file."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > max(8, len(sample) // 100)


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise ImportRejected saying why not."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ImportRejected(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding} (byte {exc.start})"
                ) from None
    if looks_binary(data):
        raise ImportRejected("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None or best.encoding is None:
        raise ImportRejected("unknown text encoding (tried UTF-8, UTF-16, GB18030, Big5 and Windows-1252)")
    encoding = "gb18030" if best.encoding in ("gb2312", "gbk") else best.encoding
    return data.decode(encoding), encoding
