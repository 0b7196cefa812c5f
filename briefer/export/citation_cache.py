"""What citeproc-py formatted, kept on disk between runs, so a first export is not a slow one.

citeproc-py takes milliseconds per citation; a 1,000-passage briefing's
notes and source list take seconds to format, and most of its sources were
formatted, identically, by the last export. Each result is filed under a
SHA-256 of everything it depends on: the style file's bytes, the CSL item as
JSON (every field of the document that a citation can print), the citation's
form (note position, locator label, source-list entry, ...), citeproc-py's
version and this cache's format. A changed document or style is a new key,
so an entry can never be stale; it is simply not found.

One file per style in the user's cache folder, written whole and atomically
(a temporary file renamed over it), at most ``LIMIT`` entries (the oldest
dropped first). A file that cannot be read or parsed is ignored: the
citations are formatted afresh and the file rewritten. Nothing here is ever
fatal to an export.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import citeproc

from briefer.export.errors import ExportError
from briefer.export.writer import write_atomically

# Bump when what Briefer makes of citeproc-py's output changes (the Markdown, the probes).
FORMAT = 1
LIMIT = 200_000  # entries per style: some 30 MB, a year of a running corpus's notes and sources
_VERSION = getattr(citeproc, "__version__", "")


_FOLDER: Path | None = None  # set in a render worker to its caller's folder


_RESOLVED: dict[tuple[str | None, ...], Path] = {}
# What platformdirs reads to place a user's cache folder, on Linux, macOS and Windows.
_PLACED_BY = ("XDG_CACHE_HOME", "HOME", "LOCALAPPDATA", "USERPROFILE")


def cache_folder() -> Path:
    if _FOLDER is not None:
        return _FOLDER
    # Asked once per formatted citation: platformdirs is asked once per setting.
    settings = tuple(os.environ.get(name) for name in _PLACED_BY)
    if settings not in _RESOLVED:
        import platformdirs  # only when a cache is first read

        _RESOLVED[settings] = Path(platformdirs.user_cache_dir("briefer", appauthor=False)) / "citations"
    return _RESOLVED[settings]


def use_cache_folder(folder: str | None) -> None:
    """Keep the cache in ``folder`` (a render worker serving a caller with other settings); None: the user's."""
    global _FOLDER
    _FOLDER = Path(folder) if folder else None


def digest(*parts: object) -> str:
    """The key of one result: a SHA-256 of its parts (strings, numbers, booleans, lists of them)."""
    text = json.dumps([FORMAT, _VERSION, *parts], ensure_ascii=False, separators=(",", ":"), default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(f"cannot key on {type(value).__name__}")


class DiskCache:
    """One style's formatted citations: read once, looked up in memory, written when new ones came."""

    def __init__(self, folder: Path, style_sha256: str) -> None:
        self._path = folder / f"{style_sha256}.json"
        self._entries: dict[str, Any] | None = None
        self._added = False

    def _load(self) -> dict[str, Any]:
        if self._entries is None:
            self._entries = {}
            try:
                data = json.loads(self._path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("entries"), dict):
                    self._entries = data["entries"]
            except (OSError, ValueError, UnicodeDecodeError):
                pass  # missing, unreadable or damaged: formatted afresh, then rewritten
        return self._entries

    def get(self, key: str) -> Any:
        return self._load().get(key)

    def keep(self, key: str, value: Any) -> None:
        entries = self._load()
        if key not in entries:
            entries[key] = value
            self._added = True

    def save(self) -> None:
        """Write the file if anything was added: atomically, the oldest entries dropped past LIMIT."""
        if not self._added or self._entries is None:
            return
        entries = self._entries
        if len(entries) > LIMIT:
            self._entries = entries = dict(list(entries.items())[len(entries) - LIMIT :])
        data = json.dumps({"format": FORMAT, "entries": entries}, ensure_ascii=False, separators=(",", ":"))
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self._path, data.encode("utf-8"))
            self._added = False
        except (OSError, ExportError):
            pass  # a read-only or full disk: the next export formats them again
