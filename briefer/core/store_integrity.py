"""The store's integrity queries: SQLite's own check, broken references, and stored texts
read for hashing. Mixed into ``Store``; ``briefer.core.integrity`` makes sense of them.
"""

from __future__ import annotations

from briefer.core.store_outline import TreeRows

# (what is broken, the row's id, the id it names that does not exist)
BrokenReference = tuple[str, int, int]

# Each query scans an index or the small placements and sections tables and
# looks the named row up by its rowid ("NOT IN" runs as a rowid search, half
# the cost of a correlated "NOT EXISTS"), so none reads a document's text or a
# passage's quote: the window runs them all when it opens a project (about
# 25 ms on 10,000 documents and 200,000 passages; the plans are in
# ``reference_plans`` and a test keeps them free of table scans).
_REFERENCE_QUERIES = (
    ("placement-passage", "SELECT id, passage FROM placements WHERE passage NOT IN (SELECT id FROM passages)"),
    ("placement-section", "SELECT id, section FROM placements WHERE section NOT IN (SELECT id FROM sections)"),
    (
        "section-parent",
        "SELECT id, parent FROM sections WHERE parent IS NOT NULL AND parent NOT IN (SELECT id FROM sections)",
    ),
    # The passages_in_order index holds (document, start, end, id): no quote is read.
    ("passage-document", "SELECT id, document FROM passages WHERE document NOT IN (SELECT id FROM documents)"),
)


class IntegrityRows(TreeRows):
    """Read-only queries for ``briefer check`` and the window's check on opening."""

    def sqlite_integrity(self, limit: int = 100) -> list[str]:
        """SQLite's ``PRAGMA integrity_check``: what it finds wrong with the file (at most ``limit``), or []."""
        rows = [str(r[0]) for r in self._q(f"PRAGMA integrity_check({int(limit)})").fetchall()]
        return [] if rows == ["ok"] else rows

    def broken_references(self) -> list[BrokenReference]:
        """Placements, sections and passages naming a row that does not exist.

        The schema's foreign keys forbid them, but a file edited by another
        program with foreign keys off (SQLite's default) can hold them.
        """
        found: list[BrokenReference] = []
        for kind, sql in _REFERENCE_QUERIES:
            found.extend((kind, row[0], row[1]) for row in self._q(sql).fetchall())
        return found

    def reference_plans(self) -> dict[str, list[str]]:
        """``EXPLAIN QUERY PLAN`` of each reference query (for the benchmark and its test)."""
        return {
            kind: [str(row[3]) for row in self._q(f"EXPLAIN QUERY PLAN {sql}").fetchall()]
            for kind, sql in _REFERENCE_QUERIES
        }

    def placement_count(self) -> int:
        return int(self._q("SELECT COUNT(*) FROM placements").fetchone()[0])

    def document_texts(self, after: int = 0, limit: int = 32) -> list[tuple[int, str, str, str]]:
        """``(id, title, sha256, text)`` of up to ``limit`` documents with ids above ``after``, in id order.

        The text is read as the bytes stored and decoded with surrogate escapes,
        so a damaged byte that is not UTF-8 neither fails the read nor vanishes:
        encoding it back the same way gives exactly the stored bytes to hash.
        Read a page at a time so a 300 MB corpus is never in memory at once.
        """
        rows = self._q(
            "SELECT id, title, sha256, CAST(text AS BLOB) FROM documents WHERE id > ? ORDER BY id LIMIT ?",
            (after, limit),
        ).fetchall()
        return [(r[0], r[1], r[2], bytes(r[3] or b"").decode("utf-8", "surrogateescape")) for r in rows]
