"""Importing a bibliography: each record fills the metadata of the document it matches,
or brings in its attached file, or is reported unmatched.

One file is one transaction (``ProjectService.batch``): its updates and the
documents its attachments become are stored together or not at all, and the
window hears of them once they are.
"""

from __future__ import annotations

import stat
from pathlib import Path

from briefer.core.errors import BrieferError, ImportRejected, ImportSkipped
from briefer.core.importing.bibformats import BibRecord, read_bibliography
from briefer.core.importing.importer import MAX_FILE_BYTES, ImportOutcome, import_file
from briefer.core.matching import DocumentMatcher, Match, Reference
from briefer.core.model import DocumentInfo
from briefer.core.service import ChangeArea, ProjectService
from briefer.core.textnorm import escape_name

# What a record may fill: the citation fields, not ``language`` (the documents'
# own detected codes, which a record's "en-US" or "Chinese" would not fit).
FILLED_FIELDS = ("title", "publisher", "author", "date", "url", "type", "doi", "container")


def import_bibliography(service: ProjectService, path: Path, *, overwrite: bool = False) -> list[ImportOutcome]:
    """Apply every record of the bibliography at ``path`` to the project.

    A record fills the empty metadata fields of the document it matches (every
    field it has, with ``overwrite``); an unmatched record with an attached file
    that exists imports that file with the record's metadata.
    """
    try:
        records = read_bibliography(path, _read(path))
    except ImportSkipped as exc:
        return [ImportOutcome(path, "skipped", str(exc))]
    except BrieferError as exc:
        return [ImportOutcome(path, "rejected", str(exc))]
    except OSError as exc:
        return [ImportOutcome(path, "rejected", f"cannot read it: {exc.strerror or exc}")]
    outcomes: list[ImportOutcome] = []
    with service.batch():
        matcher = DocumentMatcher(service.documents.all())
        for record in records:
            outcomes.append(_apply(service, matcher, path, record, overwrite))
    return outcomes


def _read(path: Path) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportRejected("no such file") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejected("not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ImportRejected(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    data = path.read_bytes()
    if not data.strip():
        raise ImportRejected("empty file")
    return data


def _apply(
    service: ProjectService, matcher: DocumentMatcher, path: Path, record: BibRecord, overwrite: bool
) -> ImportOutcome:
    fields = record.fields
    attached = next((p for p in record.attachments if _is_file(p)), None)
    found = matcher.find(
        Reference(
            doi=fields.get("doi", ""),
            url=fields.get("url", ""),
            source_file=escape_name(attached.name) if attached else "",  # as the importer stores it
            title=fields.get("title", ""),
        )
    )
    if isinstance(found, Match):
        info = service.documents.info(found.document)
        changes = fill(info, fields, overwrite=overwrite)
        if not changes:
            return ImportOutcome(
                path, "unchanged", "its fields are already filled", document_id=info.id, record=record.key
            )
        service.update_document(info.id, **changes)
        matcher.add(service.documents.info(info.id))
        return ImportOutcome(path, "updated", document_id=info.id, record=record.key)
    if attached is not None:
        outcome = import_file(service, attached, **{k: v for k, v in fields.items() if k in FILLED_FIELDS})
        if outcome.document_id is not None:
            matcher.add(service.documents.info(outcome.document_id))
            service.notify(ChangeArea.DOCUMENTS, outcome.document_id)
        return outcome
    reason = found.reason
    if record.attachments:
        reason += f"; its attachment {record.attachments[0]} is missing"
    return ImportOutcome(path, "unmatched", reason, record=record.key)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # no permission to look: as good as missing
        return False


def fill(document: DocumentInfo, fields: dict[str, str], *, overwrite: bool = False) -> dict[str, str]:
    """The fields of ``document`` a record's ``fields`` should set: the empty ones, or with
    ``overwrite`` every one the record has a different value for."""
    return {
        name: value
        for name in FILLED_FIELDS
        if (value := fields.get(name, ""))
        and (current := getattr(document, name)) != value
        and (overwrite or not current)
    }
