"""Drag-and-drop MIME types: JSON lists of ids, never live objects.

Every payload also carries ``text/plain`` so a drop into another application
(a mail, a word processor) pastes something readable: the quotes for passages,
the titles for sections and tags.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QMimeData

PASSAGES_MIME = "application/x-briefer-passages+json"
# Rides along with PASSAGES_MIME when the passages come from outline rows, so a
# drop inside the outline moves those placements instead of placing copies.
PLACEMENTS_MIME = "application/x-briefer-placements+json"
SECTIONS_MIME = "application/x-briefer-sections+json"
TAGS_MIME = "application/x-briefer-tags+json"


def _encode_ids(mime: QMimeData, fmt: str, ids: Iterable[int]) -> None:
    mime.setData(fmt, json.dumps([int(i) for i in ids]).encode("utf-8"))


def _decode_ids(mime: QMimeData | None, fmt: str) -> list[int]:
    """The ids in ``fmt``, or [] when absent or malformed (a drop from elsewhere)."""
    if mime is None or not mime.hasFormat(fmt):
        return []
    try:
        data = json.loads(bytes(mime.data(fmt).data()).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [int(i) for i in data if isinstance(i, int) and not isinstance(i, bool)]


def encode_passages(ids: Sequence[int], quotes: Sequence[str] = (), mime: QMimeData | None = None) -> QMimeData:
    """Passage ids, with the quotes (one paragraph each) as the plain-text fallback."""
    mime = mime or QMimeData()
    _encode_ids(mime, PASSAGES_MIME, ids)
    if quotes:
        mime.setText("\n\n".join(f"“{q}”" for q in quotes))
    return mime


def decode_passages(mime: QMimeData | None) -> list[int]:
    return _decode_ids(mime, PASSAGES_MIME)


def encode_placements(
    placement_ids: Sequence[int], passage_ids: Sequence[int], quotes: Sequence[str] = ()
) -> QMimeData:
    """Outline rows: placements for moves inside the outline, passages for everyone else."""
    mime = encode_passages(passage_ids, quotes)
    _encode_ids(mime, PLACEMENTS_MIME, placement_ids)
    return mime


def decode_placements(mime: QMimeData | None) -> list[int]:
    return _decode_ids(mime, PLACEMENTS_MIME)


def encode_sections(ids: Sequence[int], titles: Sequence[str] = ()) -> QMimeData:
    mime = QMimeData()
    _encode_ids(mime, SECTIONS_MIME, ids)
    if titles:
        mime.setText("\n".join(titles))
    return mime


def decode_sections(mime: QMimeData | None) -> list[int]:
    return _decode_ids(mime, SECTIONS_MIME)


def encode_tags(ids: Sequence[int], names: Sequence[str] = ()) -> QMimeData:
    mime = QMimeData()
    _encode_ids(mime, TAGS_MIME, ids)
    if names:
        mime.setText("\n".join(names))
    return mime


def decode_tags(mime: QMimeData | None) -> list[int]:
    return _decode_ids(mime, TAGS_MIME)
