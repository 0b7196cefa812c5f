"""The store's document versions and passage anchors (``briefer update``).

Mixed into ``Store``, like ``store_documents``: replacing a document's text
keeps the previous text in ``document_versions``, and re-anchoring rewrites
each passage's span, anchor and candidate.
"""

from __future__ import annotations

from typing import Any

from briefer.core.errors import NotFoundError
from briefer.core.model import Candidate, Page
from briefer.core.store_documents import _pages_json, now_iso
from briefer.core.store_outline import TreeRows


class VersionRows(TreeRows):
    """Earlier texts of documents, and where each passage's quote was found in the current one."""

    def replace_document_text(
        self, doc_id: int, *, text: str, sha256: str, pages: tuple[Page, ...], source_file: str
    ) -> int:
        """Give a document a new text, keeping the current one as its previous version; the new version."""
        with self.transaction():
            row = self._q(
                "SELECT version, sha256, text, pages, source_file FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no document with id {doc_id}")
            version = int(row[0])
            self._q(
                "INSERT INTO document_versions(document, version, sha256, text, pages, source_file, replaced_at)"
                " VALUES (?,?,?,?,?,?,?)",
                (doc_id, version, row[1], row[2], row[3], row[4], now_iso()),
            )
            self._q(
                "UPDATE documents SET text = ?, sha256 = ?, length = ?, pages = ?, source_file = ?, version = ?"
                " WHERE id = ?",
                (text, sha256, len(text), _pages_json(pages), source_file, version + 1, doc_id),
            )
            return version + 1

    def revert_document_text(self, doc_id: int) -> int:
        """Undo ``replace_document_text``: the previous version becomes the current text again."""
        with self.transaction():
            row = self._q(
                "SELECT v.id, v.version, v.sha256, v.text, v.pages, v.source_file FROM document_versions v"
                " JOIN documents d ON d.id = v.document AND v.version = d.version - 1 WHERE v.document = ?",
                (doc_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"document {doc_id} has no earlier version")
            self._q(
                "UPDATE documents SET text = ?, sha256 = ?, length = ?, pages = ?, source_file = ?, version = ?"
                " WHERE id = ?",
                (row[3], row[2], len(row[3]), row[4], row[5], row[1], doc_id),
            )
            self._q("DELETE FROM document_versions WHERE id = ?", (row[0],))
            return int(row[1])

    def document_versions(self, doc_id: int) -> list[tuple[int, str, str]]:
        """``(version, sha256, replaced_at)`` of a document's earlier texts, oldest first."""
        rows = self._q(
            "SELECT version, sha256, replaced_at FROM document_versions WHERE document = ? ORDER BY version",
            (doc_id,),
        ).fetchall()
        return [(int(r[0]), r[1], r[2]) for r in rows]

    def version_text(self, doc_id: int, version: int) -> str:
        """The text a document had as ``version`` (the current one too)."""
        row = self._q(
            "SELECT text FROM document_versions WHERE document = ? AND version = ?"
            " UNION ALL SELECT text FROM documents WHERE id = ? AND version = ?",
            (doc_id, version, doc_id, version),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"document {doc_id} has no version {version}")
        return str(row[0])

    def set_passage_anchor(
        self,
        passage_id: int,
        anchor: str,
        start: int,
        end: int,
        quote: str,
        prefix: str,
        suffix: str,
        candidate: Candidate | None,
    ) -> None:
        """Where a passage's quote is now (exact, moved), or its old span and a candidate (fuzzy, orphaned)."""
        values: tuple[Any, ...] = (
            (candidate.start, candidate.end, candidate.quote, candidate.score) if candidate else (None,) * 4
        )
        with self.transaction():
            cur = self._q(
                "UPDATE passages SET anchor = ?, start = ?, end = ?, quote = ?, prefix = ?, suffix = ?,"
                " candidate_start = ?, candidate_end = ?, candidate_quote = ?, candidate_score = ? WHERE id = ?",
                (anchor, start, end, quote, prefix, suffix, *values, passage_id),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no passage with id {passage_id}")

    def passages_to_review(self, document: int | None = None) -> list[int]:
        """Ids of fuzzy and orphaned passages (of one document, or all), in document order."""
        where = "WHERE anchor IN ('fuzzy', 'orphaned')" + (" AND document = ?" if document is not None else "")
        params = (document,) if document is not None else ()
        return [r[0] for r in self._q(f"SELECT id FROM passages {where} ORDER BY document, start, id", params)]
