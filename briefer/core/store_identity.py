"""The project's own identity: a UUID kept in the ``meta`` table (part of the store).

REFI-QDA exchange (``.qdpx``) names every source, code and selection by a GUID,
and tools match an updated project to the one they already hold by those GUIDs;
so Briefer derives them (uuid5) from this per-project UUID and each row's
identity, and exporting the same project twice gives the same GUIDs.

The UUID lives in the key-value ``meta`` table under ``project_uuid``: no
schema change. A new project gets a random one; a project made before it
existed gets one derived from what never changes in it (its first document's
hash and import time), stored the first time it is opened for writing; a
read-only export of such a project derives the very same value meanwhile.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uuid

META_KEY = "project_uuid"
# Fixed namespace of Briefer's derived project UUIDs (itself uuid5 of the URL namespace).
_NAMESPACE_URL = "https://briefer.invalid/project"

# ``uuid`` (with ``platform`` and ``hashlib``, ~6 ms) is imported where a UUID is made or read:
# opening a project that has one, as the window does at start-up, needs none of it.


class IdentityRows:
    """The project UUID, read (or derived) from ``meta``."""

    if TYPE_CHECKING:  # provided by Store

        def _q(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor: ...

    def project_uuid(self) -> uuid.UUID:
        """This project's UUID: the stored one, else the one it will be given (see the module doc)."""
        import uuid

        row = self._q("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
        if row is not None:
            try:
                return uuid.UUID(row[0])
            except ValueError:  # edited by hand: derive rather than fail an export
                pass
        return _derived(self._q)


def ensure_project_uuid(conn: sqlite3.Connection, *, new: bool) -> None:
    """Give the project on ``conn`` (open for writing) its UUID if it has none yet."""
    if conn.execute("SELECT 1 FROM meta WHERE key = ?", (META_KEY,)).fetchone() is not None:
        return
    import uuid

    value = uuid.uuid4() if new else _derived(conn.execute)
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (META_KEY, str(value)))


def _derived(query: Any) -> uuid.UUID:
    import uuid

    row = query("SELECT sha256, imported_at FROM documents ORDER BY id LIMIT 1").fetchone()
    seed = f"{row[0]}|{row[1]}" if row else "no documents"
    return uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, _NAMESPACE_URL), seed)
