"""Telling a new version of a document from a new document when importing.

A file whose source file name, URL or DOI matches a document already in the
project, but whose text differs, is a new version of that document: ``briefer
import --update`` updates it (``briefer.core.versions``), plain ``import``
skips it and says so.
"""

from __future__ import annotations

from briefer.core.matching import DocumentMatcher, Match, Reference, doi_key, url_key
from briefer.core.model import DocumentInfo
from briefer.core.service import ProjectService


class VersionFinder:
    """Finds the document a file is a new version of; built once per import, on first use."""

    def __init__(self, service: ProjectService) -> None:
        self._service = service
        self._matcher: DocumentMatcher | None = None
        self._info: dict[int, DocumentInfo] = {}

    def find(self, *, source_file: str, url: str, doi: str) -> int | None:
        """The one document these name, or None (no match, several, or a DOI or URL that differs)."""
        if self._matcher is None:
            documents = self._service.documents.all()
            self._info = {d.id: d for d in documents}
            self._matcher = DocumentMatcher(documents, by_title=False)  # a file names its source, not its title
        found = self._matcher.find(Reference(doi=doi, url=url, source_file=source_file))
        if not isinstance(found, Match):
            return None
        info = self._info[found.document]
        # A weaker key (the file name) never joins two sources that say they differ.
        for mine, theirs in ((doi_key(doi), doi_key(info.doi)), (url_key(url), url_key(info.url))):
            if mine and theirs and mine != theirs:
                return None
        return found.document

    def add(self, doc_id: int, stored: DocumentInfo | None = None) -> None:
        """Know of a document imported since the finder was built (``stored``: its row, if the caller
        has it, saving a read per imported file)."""
        if self._matcher is not None:
            info = stored if stored is not None else self._service.documents.info(doc_id)
            self._info[doc_id] = info
            self._matcher.add(info)
