"""Which document of a project a reference to a source means.

A bibliography record, a new version of a file or a REFI-QDA source names a
document by some of its DOI, URL, file name and title. They are tried in that
order of trust, each compared as a key folded so that spellings of the same
thing agree (``doi_key``, ``url_key``, ``file_key``, ``title_key``); the first
kind of key that finds exactly one document decides.

Pure functions and one in-memory index over ``DocumentInfo`` rows (no SQL):
build a ``DocumentMatcher`` from ``service.documents.all()``, then ``find``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from briefer.core.model import DocumentInfo

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def doi_key(doi: str) -> str:
    """``10.1234/abc`` from ``https://doi.org/10.1234/ABC``, ``doi:10.1234/abc`` ...; "" if not a DOI.

    DOIs are case-insensitive by definition; a DOI in a URL may be percent-encoded.
    """
    value = _DOI_PREFIX.sub("", doi.strip())
    value = unquote(value).strip().casefold()
    return value if value.startswith("10.") and "/" in value else ""


def url_key(url: str) -> str:
    """The URL without its scheme and trailing slash, host in lower case: http and https agree."""
    value = url.strip()
    if not value:
        return ""
    value = _SCHEME.sub("", value)
    host, slash, rest = value.partition("/")
    return (host.casefold() + slash + rest).rstrip("/")


def file_key(path: str) -> str:
    """A source file's name without its folders (either separator), case-folded."""
    # Split by hand: PureWindowsPath parsed drive and root for every imported file.
    name = path.strip().replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if len(name) >= 2 and name[1] == ":" and name[0].isalpha():  # a drive letter, C:name
        name = name[2:]
    return (name if name.isascii() else unicodedata.normalize("NFC", name)).casefold()


def title_key(title: str) -> str:
    """The title with case, width, punctuation and spacing folded away, in any script.

    "High-wall" and "high wall", "U.S." and "US", "China's" and "China’s",
    ``美國與中國的「科技競賽」`` and ``美國與中國的科技競賽`` all agree.
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


@dataclass(frozen=True)
class Reference:
    """What a reference says about the document it means; any field may be empty."""

    doi: str = ""
    url: str = ""
    source_file: str = ""  # a path or a file name
    title: str = ""


@dataclass(frozen=True)
class Match:
    """The one document a reference means, and the key that decided it."""

    document: int
    by: str  # "DOI", "URL", "file name" or "title"


@dataclass(frozen=True)
class NoMatch:
    """No single document: the reason says why (nothing shares a key, or several do)."""

    reason: str


# Strongest first: the kind's name, how a reference's key is made, and how a document's.
_KINDS: tuple[tuple[str, Callable[[Reference], str], Callable[[DocumentInfo], str]], ...] = (
    ("DOI", lambda r: doi_key(r.doi), lambda d: doi_key(d.doi)),
    ("URL", lambda r: url_key(r.url), lambda d: url_key(d.url)),
    ("file name", lambda r: file_key(r.source_file), lambda d: file_key(d.source_file)),
    ("title", lambda r: title_key(r.title), lambda d: title_key(d.title)),
)


class DocumentMatcher:
    """An index of a project's documents by each kind of key, kept current with ``add``."""

    def __init__(self, documents: Iterable[DocumentInfo] = (), *, by_title: bool = True) -> None:
        # Without titles when the caller never matches by one (a new version of a file):
        # folding every title was a tenth of a large import.
        self._kinds = _KINDS if by_title else tuple(kind for kind in _KINDS if kind[0] != "title")
        self._index: dict[str, dict[str, list[int]]] = {name: {} for name, _, _ in self._kinds}
        self._keys: dict[int, dict[str, str]] = {}
        for document in documents:
            self.add(document)

    def add(self, document: DocumentInfo) -> None:
        """Index a document, or index it again after its metadata changed."""
        self._forget(document.id)
        keys = {name: key for name, _, of_document in self._kinds if (key := of_document(document))}
        self._keys[document.id] = keys
        for name, key in keys.items():
            self._index[name].setdefault(key, []).append(document.id)

    def find(self, reference: Reference) -> Match | NoMatch:
        """The document ``reference`` means, trying DOI, URL, file name and title in turn.

        A document whose DOI differs from the reference's is never matched by a
        weaker key: same title, different DOI is a different work.
        """
        doi = doi_key(reference.doi)
        tried: list[str] = []
        for name, of_reference, _ in self._kinds:
            key = of_reference(reference)
            if not key:
                continue
            tried.append(name)
            ids = [i for i in self._index[name].get(key, ()) if not doi or self._keys[i].get("DOI", doi) == doi]
            if len(ids) == 1:
                return Match(ids[0], name)
            if ids:
                return NoMatch(f"its {name} matches several documents ({', '.join(map(str, ids))})")
        if not tried:
            return NoMatch("it has no DOI, URL, file or title to match")
        return NoMatch(f"no document has its {_listed(tried)}")

    def _forget(self, doc_id: int) -> None:
        for name, key in self._keys.pop(doc_id, {}).items():
            ids = self._index[name][key]
            ids.remove(doc_id)
            if not ids:
                del self._index[name][key]


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
