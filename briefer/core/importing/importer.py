"""Importing files and folders into a project, one atomic document at a time."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from briefer.core.errors import BrieferError, ConstraintError, ImportRejected, ImportSkipped
from briefer.core.importing.bibformats import BIBLIOGRAPHY_EXTENSIONS
from briefer.core.importing.dates import iso_date
from briefer.core.importing.formats import SUPPORTED_EXTENSIONS, read_file
from briefer.core.importing.new_versions import VersionFinder
from briefer.core.language import detect_language
from briefer.core.model import DocumentInfo, Page
from briefer.core.service import ChangeArea, ProjectService
from briefer.core.textnorm import escape_name, normalise, normalise_utf8

MAX_FILE_BYTES = 200 * 1024 * 1024
# REFI-QDA projects and codebooks (briefer/core/importing/qdpx_apply.py): one transaction each.
EXCHANGE_EXTENSIONS = (".qdpx", ".qdc")

# A batch of files shares one transaction: a commit per file (and the WAL
# checkpoints those commits set off) took about a quarter of a big import. A
# batch ends after this much text or time, so a crash loses at most about a
# second of import, never part of a document, and the WAL stays small.
BATCH_BYTES = 32 * 1024 * 1024
BATCH_SECONDS = 1.0

# What Path.exists() treats as "not there" rather than as an error.
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_LEADING_SPACE = re.compile(r"\s*")

Progress = Callable[[int, int, Path], bool | None]
"""Called as (done, total, current file); returning False cancels the rest."""


@dataclass(frozen=True)
class ImportOutcome:
    """What importing one file (or one record of a bibliography) did, and why."""

    path: Path
    # "imported", "skipped" or "rejected"; for a bibliography's records also
    # "updated", "unchanged" (matched, nothing to fill) or "unmatched".
    status: str
    reason: str = ""
    document_id: int | None = None
    record: str = ""  # the record's key in a bibliography
    # Something the analyst should know about an imported file; the line keeps
    # its "imported FILE as ID" start, so scripts reading it need not change.
    note: str = ""
    # Lines printed after this one: a new version's fuzzy and orphaned passages.
    details: tuple[str, ...] = ()

    def line(self) -> str:
        """One line, whatever the file is called: a name's bytes that are not UTF-8 and
        its control characters (a newline, say) come out escaped (see ``escape_name``)."""
        return escape_name(self._line())

    def _line(self) -> str:
        if self.status == "imported":
            # A REFI-QDA project's sources carry their name; the file's own line has no id.
            what = f"{self.path}#{self.record}" if self.record else str(self.path)
            stored = f" as {self.document_id}" if self.document_id is not None else ""
            return f"imported {what}{stored}" + (f" ({self.note})" if self.note else "")
        if self.status == "updated" and not self.record:  # a new version of a document (--update)
            return f"updated {self.document_id} from {self.path}: {self.note}"
        if self.status == "updated":
            return f"updated {self.document_id} from {self.path}#{self.record}"
        if self.status == "unchanged":
            return f"unchanged {self.document_id} from {self.path}#{self.record}: {self.reason}"
        if self.record:
            return f"{self.status} {self.path}#{self.record}: {self.reason}"
        return f"{self.status} {self.path}: {self.reason}"


@dataclass(frozen=True)
class _Prepared:
    """A file read, decoded and normalised: everything but storing it."""

    text: str
    sha256: str
    metadata: dict[str, str]
    size: int  # UTF-8 bytes of text, for sizing batches
    pages: tuple[Page, ...] = ()  # where each page starts, for a paged document (a PDF)
    note: str = ""  # the reader's note for the import line


def import_paths(
    service: ProjectService,
    paths: Iterable[str | os.PathLike[str]],
    progress: Progress | None = None,
    *,
    overwrite_metadata: bool = False,
    update: bool = False,
) -> list[ImportOutcome]:
    """Import files and folders (recursively); bad files never stop the batch.

    Files are committed a batch at a time (see BATCH_BYTES); when this returns,
    or raises, everything reported or done before the error is committed. A
    bibliography (BIBLIOGRAPHY_EXTENSIONS) is a transaction of its own, whose
    records fill matching documents' empty metadata (any metadata, with
    ``overwrite_metadata``). A file that is a new version of a document (its
    file name, URL or DOI matches, its text differs) is skipped, or with
    ``update`` replaces that document's text (``briefer.core.versions``).
    """
    versions = _Versions(VersionFinder(service), update)
    outcomes: list[ImportOutcome] = []
    candidates: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates.extend((p, False) for p in _walk(path))
        else:
            candidates.append((path, True))
    todo = iter(enumerate(candidates))
    finished = not candidates
    error: BaseException | None = None
    while not finished:
        with service.store.transaction():
            finished, error, bibliography = _import_batch(service, todo, len(candidates), progress, outcomes, versions)
        if bibliography is not None and bibliography.suffix.lower() in EXCHANGE_EXTENSIONS:
            from briefer.core.importing.qdpx_apply import import_exchange

            try:
                outcomes.extend(import_exchange(service, bibliography))
            except BaseException as exc:  # its transaction rolled back; what came before stays
                finished, error = True, exc
        elif bibliography is not None:
            from briefer.core.importing.bibliography import import_bibliography

            try:
                outcomes.extend(import_bibliography(service, bibliography, overwrite=overwrite_metadata))
            except BaseException as exc:  # its transaction rolled back; what came before stays
                finished, error = True, exc
    if error is not None:
        # The files before it are committed, as when each file had its own transaction.
        raise error
    if progress is not None:
        progress(len(candidates), len(candidates), Path())
    if any(o.status == "imported" for o in outcomes):
        service.notify(ChangeArea.DOCUMENTS)
    return outcomes


def _import_batch(
    service: ProjectService,
    todo: Iterator[tuple[int, tuple[Path, bool]]],
    total: int,
    progress: Progress | None,
    outcomes: list[ImportOutcome],
    versions: _Versions,
) -> tuple[bool, BaseException | None, Path | None]:
    """Import from ``todo`` until the batch is full or a bibliography is next; return (no more
    to do, error to re-raise, the bibliography to import in a transaction of its own).

    A file's failure touches nothing stored: a rejected file never reaches the
    store, and its one write (an INSERT) is atomic on its own, so the batch's
    other files keep their place in the transaction. An unexpected error (or
    Ctrl-C) ends the batch, to be re-raised once the files before it are
    committed, rather than escaping it, which would roll them back.
    """
    started = time.monotonic()
    size = 0
    for done, (path, explicit) in todo:
        try:
            if progress is not None and progress(done, total, path) is False:
                return True, None, None
            if path.suffix.lower() in BIBLIOGRAPHY_EXTENSIONS + EXCHANGE_EXTENSIONS:
                return False, None, path
            if not explicit and path.suffix.lower() not in SUPPORTED_EXTENSIONS:
                outcomes.append(
                    ImportOutcome(path, "skipped", f"not a supported file type ({path.suffix or 'no extension'})")
                )
                continue
            outcome, stored = _import(service, path, {}, versions)
        except BaseException as exc:  # handed back, to be re-raised after the commit
            return True, exc, None
        outcomes.append(outcome)
        size += stored
        if size >= BATCH_BYTES or time.monotonic() - started >= BATCH_SECONDS:
            return False, None, None
    return True, None, None


def import_file(service: ProjectService, path: Path, **overrides: str) -> ImportOutcome:
    """Read, normalise and store one file; the outcome says what happened and why."""
    return _import(service, path, overrides)[0]


@dataclass(frozen=True)
class _Versions:
    """How an import treats new versions of documents: who finds them, and whether to update them."""

    finder: VersionFinder
    update: bool


def prepare_file(path: Path) -> _Prepared:
    """Read, decode, normalise and hash one file as an import does, storing nothing
    (``briefer update`` gives the result to ``briefer.core.versions``)."""
    return _prepare(path, {})


def _import(
    service: ProjectService, path: Path, overrides: dict[str, str], versions: _Versions | None = None
) -> tuple[ImportOutcome, int]:
    """The outcome, and how many bytes of text were stored (0 unless imported)."""
    try:
        prepared = _prepare(path, overrides)
        source_file = escape_name(path.name)
        if versions is not None:
            meta = prepared.metadata
            older = versions.finder.find(source_file=source_file, url=meta.get("url", ""), doi=meta.get("doi", ""))
            if older is not None:
                _skip_if_stored(service, prepared.sha256)  # the same text is no new version
                return _new_version(service, path, prepared, older, versions.update)
        try:
            doc_id = service.store.add_document(
                text=prepared.text,
                sha256=prepared.sha256,
                source_file=source_file,
                pages=prepared.pages,
                **prepared.metadata,
            )
        except ConstraintError:
            # The text's hash is unique in the project: inserting first and asking only
            # when that fails saves a look-up per file of a large import.
            _skip_if_stored(service, prepared.sha256)
            raise
    except ImportSkipped as exc:
        return ImportOutcome(path, "skipped", str(exc)), 0
    except (ImportRejected, BrieferError) as exc:
        return ImportOutcome(path, "rejected", str(exc)), 0
    except OSError as exc:
        return ImportOutcome(path, "rejected", f"cannot read it: {exc.strerror or exc}"), 0
    except ValueError as exc:  # UnicodeError among them: this file's problem, not the batch's
        return ImportOutcome(path, "rejected", f"cannot import it: {exc}"), 0
    if versions is not None:
        # The row as just stored, for matching later files of the same import.
        versions.finder.add(doc_id, _stored_info(doc_id, source_file, prepared))
    return ImportOutcome(path, "imported", document_id=doc_id, note=prepared.note), prepared.size


def _skip_if_stored(service: ProjectService, sha256: str) -> None:
    existing = service.store.document_with_sha(sha256)
    if existing is not None:
        raise ImportSkipped(f"same content as document {existing} already in the project")


def _stored_info(doc_id: int, source_file: str, prepared: _Prepared) -> DocumentInfo:
    """The row ``add_document`` just wrote, built from what it was given (with its defaults)."""
    meta = prepared.metadata
    return DocumentInfo(
        doc_id,
        title=meta.get("title", ""),
        publisher=meta.get("publisher", ""),
        author=meta.get("author", ""),
        date=meta.get("date", ""),
        url=meta.get("url", ""),
        language=meta.get("language", "und"),
        source_file=source_file,
        sha256=prepared.sha256,
        length=len(prepared.text),
        type=meta.get("type", ""),
        doi=meta.get("doi", ""),
        container=meta.get("container", ""),
    )


def _new_version(
    service: ProjectService, path: Path, prepared: _Prepared, doc_id: int, update: bool
) -> tuple[ImportOutcome, int]:
    if not update:
        reason = f"a different version of {doc_id} (use --update)"
        return ImportOutcome(path, "skipped", reason, document_id=doc_id), 0
    from briefer.core.versions import NewText, update_document

    new = NewText(prepared.text, prepared.sha256, escape_name(path.name), prepared.pages)
    report = update_document(service, doc_id, new)
    note = f"version {report.version}, {report.summary()}"
    return ImportOutcome(path, "updated", document_id=doc_id, note=note, details=tuple(report.review_lines())), (
        prepared.size
    )


def _prepare(path: Path, overrides: dict[str, str]) -> _Prepared:
    """Everything about one file that needs no store: read, decode, normalise, hash, describe."""
    try:
        info = path.stat()  # one stat answers exists, is-a-file and size
    except OSError as exc:
        if exc.errno in _MISSING:
            raise ImportRejected("no such file") from None
        raise
    except ValueError:  # a path the OS cannot take (a NUL in it): Path.exists() says False too
        raise ImportRejected("no such file") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejected("not a regular file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise ImportRejected(
            f"unsupported file type '{path.suffix or '(none)'}' (supported: {', '.join(SUPPORTED_EXTENSIONS)})"
        )
    if info.st_size > MAX_FILE_BYTES:
        raise ImportRejected(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    data = path.read_bytes()
    # isspace() instead of strip(): the same test without copying the file.
    if not data or data.isspace():
        raise ImportRejected("empty file")
    read = read_file(suffix, data)
    text, encoded = normalise_utf8(read.text, read.utf8)
    # "\n" is one byte in UTF-8 and never inside a longer sequence, so stripping
    # it from both keeps ``encoded`` the encoding of ``text``.
    text, encoded = text.strip("\n"), encoded.strip(b"\n")
    if not text or text.isspace():
        raise ImportRejected("no text in it")
    # A paged reader hands back normalised text whose page starts are offsets
    # into it; were normalising to change it after all, the offsets would not
    # hold, and the document is better stored unpaged than mispaged.
    pages = read.pages if text == read.text else ()
    sha = hashlib.sha256(encoded).hexdigest()
    meta = {**read.metadata, **{k: v for k, v in overrides.items() if v}}
    # Printable ASCII is already normal (no line ends, controls or composed forms to
    # fold); most fields are, and normalising five per file was a tenth of an import.
    meta = {k: (v if v.isascii() and v.isprintable() else normalise(v)).strip() for k, v in meta.items()}
    if "date" in meta:
        meta["date"] = _stored_date(meta["date"], given=bool(overrides.get("date")))
    if not meta.get("language"):
        meta["language"] = detect_language(text)
    if not meta.get("title"):
        meta["title"] = _title_from(text) or escape_name(path.stem)
    return _Prepared(text, sha, meta, len(encoded), pages, read.note)


def _stored_date(value: str, *, given: bool) -> str:
    """The date in the one form the store keeps (ISO ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``).

    A date read from the file that cannot be understood is dropped: a wrong date
    in a citation is worse than none. A date ``given`` with the import is the
    analyst's own word, so it is refused with the reason rather than lost.
    """
    iso = iso_date(value)
    if given and value and not iso:
        raise ImportRejected(f"date '{value}' is not a date (give YYYY-MM-DD, YYYY-MM or YYYY)")
    return iso


def _title_from(text: str) -> str:
    # The first line, found without copying the (perhaps megabytes of) text after it.
    leading = _LEADING_SPACE.match(text)  # \s* always matches
    start = leading.end() if leading else 0
    end = text.find("\n", start)
    first = text[start : end if end != -1 else len(text)].strip()
    return first if len(first) <= 120 else first[:117].rstrip() + "…"


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root)  # once per folder: building a Path is not free
        for name in sorted(files):
            if not name.startswith("."):
                yield base / name
