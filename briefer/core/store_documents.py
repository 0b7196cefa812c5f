"""The store's document rows: adding, listing and reading documents, and searching their text.

Mixed into ``Store``, like ``store_outline``; the SQL for documents lives here
so ``store.py`` stays readable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from briefer.core.errors import NotFoundError
from briefer.core.model import Document, DocumentInfo, Page, SearchHit
from briefer.core.store_outline import TreeRows

_DOC_INFO_COLUMNS = (
    "id, title, publisher, author, date, url, language, source_file, sha256, length, type, doi, container, version"
)

# A document with its text: the text first. SQLite reads a column stored after a long
# text (length, type, pages: most of them) by walking the text's overflow pages, and
# walks them again to read the text itself unless the text was read first; a 2 MB text
# came from the disk twice, the window's first document at start-up among them.
_DOCUMENT_COLUMNS = f"text, {_DOC_INFO_COLUMNS}, pages"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class DocumentRows(TreeRows):
    """Documents: their rows, their text, their pages, and search across them."""

    def add_document(
        self,
        *,
        text: str,
        sha256: str,
        title: str = "",
        publisher: str = "",
        author: str = "",
        date: str = "",
        url: str = "",
        language: str = "und",
        source_file: str = "",
        type: str = "",  # noqa: A002 (the CSL field's name)
        doi: str = "",
        container: str = "",
        pages: tuple[Page, ...] = (),
    ) -> int:
        with self.transaction():
            return self._insert(
                "INSERT INTO documents(title, publisher, author, date, url, language, source_file,"
                " sha256, text, length, imported_at, type, doi, container, pages)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    title,
                    publisher,
                    author,
                    date,
                    url,
                    language,
                    source_file,
                    sha256,
                    text,
                    len(text),
                    now_iso(),
                    type,
                    doi,
                    container,
                    _pages_json(pages),
                ),
            )

    def list_documents(self) -> list[DocumentInfo]:
        rows = self._q(f"SELECT {_DOC_INFO_COLUMNS} FROM documents ORDER BY id").fetchall()
        return [DocumentInfo(*row) for row in rows]

    def document_ids(self) -> list[int]:
        """Every document's id, in import order (from the ids index, schema 7: no row, no text, is read)."""
        return [row[0] for row in self._q("SELECT id FROM documents INDEXED BY documents_ids ORDER BY id")]

    def document_listing(self, ids: Sequence[int] | None = None) -> list[tuple[int, str, str, str, str, str]]:
        """``(id, title, source_file, publisher, language, date)`` of every document (or of ``ids``), by id.

        What the Corpus table shows, as plain rows from the listing index: building
        a ``DocumentInfo`` of fourteen fields for each of 10,000 documents took
        35 ms of the window's start-up, these rows 8 ms.
        """
        columns = "id, title, source_file, publisher, language, date"
        if ids is None:
            return self._q(f"SELECT {columns} FROM documents ORDER BY id").fetchall()
        rows: list[tuple[int, str, str, str, str, str]] = []
        for part in _chunks(ids):
            # The listing index holds these columns: by id, SQLite would rather read
            # each row from the table, a page per document (18 ms for 256 of them).
            rows += self._q(
                f"SELECT {columns} FROM documents INDEXED BY documents_listing WHERE id IN ({_marks(part)})"
                " ORDER BY id",
                part,
            ).fetchall()
        return rows

    def get_document(self, doc_id: int) -> Document:
        row = self._q(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {doc_id}")
        return _document(row)

    def list_documents_with_text(self) -> list[Document]:
        """Every document with its text, in one query (an export checks every quote against its text)."""
        rows = self._q(f"SELECT {_DOCUMENT_COLUMNS} FROM documents ORDER BY id").fetchall()
        return [_document(row) for row in rows]

    def documents_with_text(self, ids: Iterable[int]) -> dict[int, Document]:
        """The documents with these ids, with their text (missing ids are left out).

        An export reads the documents it prints, not the whole project's text.
        """
        wanted = list(dict.fromkeys(ids))
        found: dict[int, Document] = {}
        for chunk in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            part = wanted[chunk : chunk + 500]
            rows = self._q(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id IN ({','.join('?' * len(part))})",
                part,
            ).fetchall()
            found.update((doc.id, doc) for doc in map(_document, rows))
        return found

    def documents_with_passages(self) -> list[int]:
        """The ids of the documents that have passages, in id order (from the passages' index)."""
        return [r[0] for r in self._q("SELECT DISTINCT document FROM passages ORDER BY document").fetchall()]

    def document_pages(self) -> dict[int, tuple[Page, ...]]:
        """The page starts of every paged document (a PDF); unpaged documents are left out."""
        rows = self._q("SELECT id, pages FROM documents WHERE pages != '[]' ORDER BY id").fetchall()
        return {row[0]: _pages_from_json(row[1]) for row in rows}

    def document_titles(self) -> dict[int, str]:
        """Document id -> title, in import order (from the listing index, no text read)."""
        return dict(self._q("SELECT id, title FROM documents ORDER BY id").fetchall())

    def document_info(self, doc_id: int) -> DocumentInfo:
        row = self._q(f"SELECT {_DOC_INFO_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {doc_id}")
        return DocumentInfo(*row)

    def documents_titled(self, title: str) -> list[int]:
        return [r[0] for r in self._q("SELECT id FROM documents WHERE title = ? ORDER BY id", (title,))]

    def document_with_sha(self, sha256: str) -> int | None:
        row = self._q("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def update_document(self, doc_id: int, **fields: str) -> None:
        self._update_row("documents", doc_id, DocumentInfo.METADATA_FIELDS, fields)

    def passage_counts(self, documents: Sequence[int] | None = None) -> dict[int, int]:
        """Number of passages per document id, for every document or only for ``documents``."""
        # Kept by triggers (schema 5): a read of one small row per document.
        if documents is None:
            return dict(self._q("SELECT document, passages FROM passage_counts WHERE passages > 0").fetchall())
        counts = dict.fromkeys(documents, 0)
        for part in _chunks(list(counts)):
            counts.update(
                self._q(f"SELECT document, passages FROM passage_counts WHERE document IN ({_marks(part)})", part)
            )
        return counts

    def document_excerpt(self, doc_id: int, start: int, end: int) -> tuple[int, str]:
        """The document's length and ``text[start:end]``, without loading the whole text."""
        start = max(0, start)
        row = self._q(
            "SELECT length, substr(text, ?, ?) FROM documents WHERE id = ?", (start + 1, max(0, end - start), doc_id)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {doc_id}")
        return row[0], row[1] or ""

    def counts(self) -> tuple[int, int]:
        """How many documents and passages the project holds (kept by the file's triggers, schema 6)."""
        row = self._q("SELECT documents, passages FROM project_totals WHERE id = 1").fetchone()
        return row[0], row[1]

    def search(self, query: str, *, context: int = 40, limit: int = 500) -> list[SearchHit]:
        """Find ``query`` (case-insensitively) in every document, at most ``limit`` hits.

        Not FTS5: its trigram tokenizer cannot match the one- and two-character
        words Chinese search needs. ``LIKE`` (ASCII case-insensitive, in C) picks
        the documents when the query has no cased letter beyond ASCII; rows are read one at a time and the scan stops at
        ``limit`` hits, so a common word never drags every text into Python.
        """
        if not query:
            return []
        hits: list[SearchHit] = []
        lowered = query.lower()
        cased = lowered != query.upper()
        # LIKE folds ASCII case only: for "über" it would skip a document holding
        # only "Über", so such queries read every document.
        like_can_filter = all(c.isascii() or c.lower() == c.upper() for c in query)
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = "SELECT id, text FROM documents" + (" WHERE text LIKE ? ESCAPE '\\'" if like_can_filter else "")
        cursor = self._q(sql + " ORDER BY id", (pattern,) if like_can_filter else ())
        for doc_id, text in cursor:
            for pos, end in _find_all(text, query, lowered, cased):
                hits.append(
                    SearchHit(
                        doc_id, pos, end, text[max(0, pos - context) : pos], text[pos:end], text[end : end + context]
                    )
                )
                if len(hits) >= limit:
                    break
            if len(hits) >= limit:
                break
        cursor.close()
        return hits


def _find_all(text: str, query: str, lowered: str, cased: bool) -> Iterator[tuple[int, int]]:
    """Code-point spans of ``query`` in ``text``, ignoring case, in order, not overlapping."""
    if not cased:
        haystack, needle = text, query
    else:
        haystack, needle = text.lower(), lowered
        if not query.isascii() or len(haystack) != len(text):
            # "İ" lowers to two code points, so offsets into a lowered copy would
            # drift; the regex engine folds case one character at a time instead.
            # A query beyond ASCII always goes this way, so every document
            # matches it alike ("σ" finds "ς" everywhere or nowhere).
            for m in re.finditer(re.escape(query), text, re.IGNORECASE):
                yield m.start(), m.end()
            return
    pos = haystack.find(needle)
    while pos != -1:
        yield pos, pos + len(needle)
        pos = haystack.find(needle, pos + len(needle))


def _document(row: tuple[Any, ...]) -> Document:
    """A document from ``SELECT {_DOCUMENT_COLUMNS}``."""
    return Document(*(*row[1:-1], row[0], _pages_from_json(row[-1])))


def _pages_json(pages: tuple[Page, ...]) -> str:
    return json.dumps([[page.start, page.label] for page in pages], ensure_ascii=False)


def _pages_from_json(value: str) -> tuple[Page, ...]:
    """The stored page starts; a damaged value reads as an unpaged document rather than failing the read."""
    try:
        return tuple(Page(int(start), str(label)) for start, label in json.loads(value or "[]"))
    except (ValueError, TypeError):
        return ()


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """``ids`` in parts that stay well under SQLite's limit on bound variables."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _marks(part: Sequence[int]) -> str:
    return ",".join("?" * len(part))
