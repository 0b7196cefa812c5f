"""Read-only queries the window's docks make, grouped by what they read.

``ProjectService`` holds one of each (``service.documents``, ``service.tags``,
``service.passages``, ``service.outline``), so the UI reads through the service
and never names the store. Each method is a thin delegation to one store call:
no extra queries and no per-row round trips, so a view costs what it did when
it called the store itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from briefer.core.model import Document, DocumentInfo, Passage, Placement, SearchHit, Section, Tag
from briefer.core.store import Store


class DocumentQueries:
    """The corpus: document listings, one document's details or text, and search."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> list[DocumentInfo]:
        """Every document's details (no text), in import order."""
        return self._store.list_documents()

    def ids(self) -> list[int]:
        """Every document's id, in import order."""
        return self._store.document_ids()

    def listing(self, ids: Sequence[int] | None = None) -> list[tuple[int, str, str, str, str, str]]:
        """``(id, title, source_file, publisher, language, date)`` of every document (or of ``ids``), by id."""
        return self._store.document_listing(ids)

    def info(self, doc_id: int) -> DocumentInfo:
        """One document's details without its text; ``NotFoundError`` if it is gone."""
        return self._store.document_info(doc_id)

    def get(self, doc_id: int) -> Document:
        """One document with its text."""
        return self._store.get_document(doc_id)

    def titles(self) -> dict[int, str]:
        """Document id -> title, in import order (read from an index, no text)."""
        return self._store.document_titles()

    def sources(self, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """``(title, publisher, date)`` of these documents (missing ids are left out)."""
        return self._store.document_sources(ids)

    def passage_counts(self, documents: Sequence[int] | None = None) -> dict[int, int]:
        """Number of passages per document id: all documents with any, or exactly ``documents``."""
        return self._store.passage_counts(documents)

    def search(self, query: str, *, limit: int = 500) -> list[SearchHit]:
        """Up to ``limit`` case-insensitive hits of ``query`` across the corpus."""
        return self._store.search(query, limit=limit)


class TagQueries:
    """The codebook: tags in tree order, and how much they are used."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> list[Tag]:
        """Every tag, parents before children, siblings in their order."""
        return self._store.list_tags()

    def get(self, tag_id: int) -> Tag:
        return self._store.get_tag(tag_id)

    def counts(self, tags: Sequence[int] | None = None) -> dict[int, int]:
        """Passages per tag id: all tags in use, or exactly ``tags``."""
        return self._store.tag_counts(tags)

    def usage(self, tag_id: int) -> int:
        """How many passages carry this tag or one of its descendants."""
        return self._store.tag_usage(tag_id)


class PassageQueries:
    """Passages: by id, in document order, under the reader's cursor."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, passage_id: int) -> Passage:
        return self._store.get_passage(passage_id)

    def by_id(self, ids: Iterable[int]) -> dict[int, Passage]:
        """The passages with these ids, in one query per 500 (missing ids are left out)."""
        return self._store.passages_by_id(ids)

    def order(self, *, tag: int | None = None, document: int | None = None, limit: int | None = None) -> list[int]:
        """Passage ids in document order; optionally one tag's or one document's, and only the first ``limit``."""
        return self._store.passage_order(tag=tag, document=document, limit=limit)

    def count(self, *, tag: int | None = None, document: int | None = None) -> int:
        """How many passages ``order`` lists with these filters."""
        return self._store.passage_count(tag=tag, document=document)

    def order_keys(self, ids: Iterable[int]) -> dict[int, tuple[int, int, int, int]]:
        """``(document, start, end, id)``, the document-order key, of each of these passages."""
        return self._store.passage_keys(ids)

    def ids_containing(self, needle: str) -> set[int]:
        """Ids of passages whose quote or note contains ``needle``, ignoring case."""
        return self._store.passage_ids_containing(needle)

    def overlapping(self, document: int, start: int, end: int) -> list[tuple[int, int, int]]:
        """``(id, start, end)`` of a document's passages overlapping ``[start, end)`` (code points)."""
        return self._store.passages_overlapping(document, start, end)

    def positions(self, document: int, ids: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
        """``(id, start, end)`` of a document's passages, or of just ``ids``."""
        return self._store.passage_positions(document, ids)

    def tags_of(self, ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
        """The tag ids of each of these passages (untagged ones map to ``()``)."""
        return self._store.passage_tags_of(ids)

    def tagged_per_document(self, tags: Iterable[int]) -> list[tuple[int, int, int]]:
        """``(tag, document, passages)`` for each of ``tags``, counted in SQL."""
        return self._store.tagged_per_document(tags)

    def to_review(self, document: int | None = None) -> list[int]:
        """Ids of fuzzy and orphaned passages (of one document, or all) after a new version, in document order."""
        return self._store.passages_to_review(document)


class OutlineQueries:
    """The outline: sections in tree order and the passages placed in them."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def sections(self) -> list[Section]:
        """Every section, parents before children, siblings in their order."""
        return self._store.list_sections()

    def section(self, section_id: int) -> Section:
        return self._store.get_section(section_id)

    def placements(self, section: int | None = None) -> list[Placement]:
        """Placements of one section in order, or of every section."""
        return self._store.list_placements(section)

    def placement(self, placement_id: int) -> Placement:
        return self._store.get_placement(placement_id)

    def placement_documents(self) -> list[tuple[int, int, int]]:
        """``(section, passage, document)`` of every placement, without loading quotes."""
        return self._store.placement_documents()
