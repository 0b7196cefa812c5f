"""Storing a REFI-QDA project or codebook in a Briefer project: one transaction, through the service.

Codes become tags (an existing tag of the same name is used, not duplicated),
text sources become documents (one whose text, by SHA-256, is already in the
project is used as it is), selections become passages with their codings as
tags and their notes as the passage's note. From Briefer's own file in the zip
come what REFI cannot hold: stances, the outline (a section of the same title
under the same parent is reused), notes told apart from translations, every
document field, the project's own details. The report is one line per source,
per skipped source and per selection left out, with the reason.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from briefer.core.errors import BrieferError, ImportRejected
from briefer.core.importing.dates import iso_date
from briefer.core.importing.importer import EXCHANGE_EXTENSIONS, MAX_FILE_BYTES, ImportOutcome
from briefer.core.importing.qdpx import Exchange, TextSource, read_qdc, read_qdpx
from briefer.core.importing.qdpx_positions import RawSelection, place_selections
from briefer.core.language import detect_language
from briefer.core.model import DocumentInfo, Page
from briefer.core.project import build_project
from briefer.core.service import ChangeArea, ProjectService, add_passage_in_text
from briefer.core.textnorm import escape_name, normalise

__all__ = ["EXCHANGE_EXTENSIONS", "create_from_exchange", "import_exchange"]
# Colours for codes that come without one, in turn (QualCoder would pick a random one).
_PALETTE = ("#e8743b", "#2a7ab9", "#9bc53d", "#b07cc6", "#f2c14e", "#5bc0be", "#a0a0a0", "#e5989b")
# Variables other tools may name a source's details by (lower case), per Briefer field.
_VARIABLE_NAMES: dict[str, tuple[str, ...]] = {
    "publisher": ("publisher", "outlet", "source"),
    "author": ("author", "authors", "creator"),
    "date": ("date", "published", "publication date"),
    "url": ("url", "link", "web address"),
    "language": ("language",),
    "container": ("container", "newspaper", "journal", "website"),
    "type": ("type",),
    "doi": ("doi",),
}


def import_exchange(service: ProjectService, path: Path) -> list[ImportOutcome]:
    """Import a ``.qdpx`` project or a ``.qdc`` codebook; a rejected file changes nothing."""
    try:
        data = _read(path)
        exchange = read_qdc(data) if path.suffix.lower() == ".qdc" else read_qdpx(data)
    except BrieferError as exc:
        return [ImportOutcome(path, "rejected", str(exc))]
    except OSError as exc:
        return [ImportOutcome(path, "rejected", f"cannot read it: {exc.strerror or exc}")]
    with service.batch():
        outcomes = _Applier(service, path, exchange).run()
    for area in ChangeArea:
        service.notify(area)
    return outcomes


def create_from_exchange(project: Path, paths: list[Path]) -> list[ImportOutcome]:
    """A new project holding only what ``paths`` (``.qdpx``/``.qdc`` files) bring; not made if one is rejected."""
    outcomes: list[ImportOutcome] = []

    def fill(service: ProjectService) -> None:
        for path in paths:
            found = import_exchange(service, path)
            rejected = next((o for o in found if o.status == "rejected"), None)
            if rejected is not None:
                raise ImportRejected(f"{escape_name(str(path))}: {rejected.reason}; {project} was not created")
            outcomes.extend(found)

    build_project(project, fill)
    return outcomes


def _read(path: Path) -> bytes:
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise ImportRejected("no such file") from None
    if not path.is_file():
        raise ImportRejected("not a regular file")
    if size > MAX_FILE_BYTES:
        raise ImportRejected(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return path.read_bytes()


class _Applier:
    """One file's import into the open transaction."""

    def __init__(self, service: ProjectService, path: Path, exchange: Exchange) -> None:
        self.service = service
        self.store = service.store
        self.path = path
        self.exchange = exchange
        self.extra: dict[str, Any] = exchange.briefer or {}
        self.outcomes: list[ImportOutcome] = []
        self.tag_of: dict[str, int] = {}  # code GUID -> tag id
        self.passage_of: dict[str, int] = {}  # selection GUID -> passage id
        self.new_passages = 0

    def run(self) -> list[ImportOutcome]:
        added_tags = self._tags()
        documents = passages = 0
        for source in self.exchange.sources:
            made, count = self._source(source)
            documents += made
            passages += count
        for name, reason in self.exchange.skipped:
            self.outcomes.append(ImportOutcome(self.path, "skipped", reason, record=name))
        sections = self._outline(self.extra.get("outline") or [], None)
        self._meta()
        summary = f"{added_tags} new tag{'s' if added_tags != 1 else ''}"
        if self.path.suffix.lower() == ".qdpx":
            summary += f", {documents} new document{'s' if documents != 1 else ''}"
            summary += f", {self.new_passages} new passage{'s' if self.new_passages != 1 else ''}"
            if passages > self.new_passages:
                summary += f" ({passages - self.new_passages} already there)"
            if self.extra:
                summary += f", {sections} new outline section{'s' if sections != 1 else ''}"
        self.outcomes.insert(0, ImportOutcome(self.path, "imported", note=summary))
        return self.outcomes

    # ---------------------------------------------------------------- codes
    def _tags(self) -> int:
        known: dict[str, Any] = self.extra.get("tags") or {}
        added = 0
        seen: dict[str, str] = {}
        for code in self.exchange.codes:
            if code.name in seen:
                self.outcomes.append(
                    ImportOutcome(
                        self.path,
                        "skipped",
                        f"a second code of this name; its codings go to the first one's tag ({code.name})",
                        record=code.name,
                    )
                )
            existing = self.store.tag_named(code.name)
            if existing is not None:
                self.tag_of[code.guid] = existing.id
            else:
                parent = self.tag_of.get(code.parent) if code.parent else None
                self.tag_of[code.guid] = self.store.add_tag(
                    name=code.name,
                    color=_colour(str(known.get(code.guid, {}).get("color", "")))
                    or _colour(code.color)
                    or _PALETTE[added % len(_PALETTE)],
                    description=normalise(code.description).strip(),
                    parent=parent,
                    is_stance=bool(known.get(code.guid, {}).get("stance")),
                )
                added += 1
            seen[code.name] = code.guid
        return added

    # -------------------------------------------------------------- sources
    def _source(self, source: TextSource) -> tuple[int, int]:
        """Store one text source and its selections: (1 if a new document, passages stored)."""
        selections = [RawSelection(s.guid, s.name, s.start, s.end) for s in source.selections]
        placed = place_selections(source.text, selections)
        text = placed.text
        if not text.strip():
            self.outcomes.append(ImportOutcome(self.path, "skipped", "no text in it", record=source.name))
            return 0, 0
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        fields = self._document_fields(source, sha)
        # Briefer's record keeps the hash the project had (the same, but for a project made otherwise).
        sha = str(fields.pop("sha256", sha))
        existing = self.store.document_with_sha(sha)
        if existing is not None:
            doc_id, made = existing, 0
            self.outcomes.append(
                ImportOutcome(
                    self.path,
                    "unchanged",
                    f"same text as document {existing} already in the project; its passages go there",
                    document_id=existing,
                    record=source.name,
                )
            )
        else:
            pages = tuple(Page(int(s), str(label)) for s, label in fields.pop("pages", []))
            doc_id, made = self.store.add_document(text=text, sha256=sha, pages=pages, **fields), 1
            note = "; ".join(placed.notes)
            self.outcomes.append(
                ImportOutcome(self.path, "imported", document_id=doc_id, record=source.name, note=note)
            )
        if existing is not None and placed.notes:
            self.outcomes[-1] = ImportOutcome(
                self.path,
                "unchanged",
                self.outcomes[-1].reason + f" ({'; '.join(placed.notes)})",
                document_id=existing,
                record=source.name,
            )
        kinds: dict[str, str] = self.extra.get("notes") or {}
        unknown = sum(1 for s in source.selections for c in s.codes if c not in self.tag_of)
        if unknown:
            self.outcomes.append(
                ImportOutcome(
                    self.path,
                    "skipped",
                    f"{unknown} coding{'s' if unknown != 1 else ''} of codes the codebook does not hold",
                    record=source.name,
                )
            )
        stored = 0
        for selection in source.selections:
            if selection.guid in placed.problems:
                label = f"{source.name}, selection {selection.name[:40] or selection.guid}"
                self.outcomes.append(
                    ImportOutcome(self.path, "skipped", f"left out: {placed.problems[selection.guid]}", record=label)
                )
                continue
            start, end = placed.spans[selection.guid]
            texts: dict[str, list[str]] = {"note": [], "translation": []}
            for guid in selection.notes:
                if self.exchange.notes.get(guid):
                    texts[kinds.get(guid, "note")].append(self.exchange.notes[guid])
            tags = [self.tag_of[c] for c in selection.codes if c in self.tag_of]
            self.passage_of[selection.guid] = self._passage(
                doc_id,
                text,
                start,
                end,
                tags,
                "\n\n".join(texts["note"]),
                "\n\n".join(texts["translation"]),
                self._created(selection.guid, selection.created),
            )
            stored += 1
        return made, stored

    def _document_fields(self, source: TextSource, sha: str) -> dict[str, Any]:
        known = (self.extra.get("documents") or {}).get(source.guid)
        # Briefer's own record of it, if the text is still the one Briefer wrote.
        if isinstance(known, dict) and known.get("text_sha256") == sha and known.get("sha256"):
            fields: dict[str, Any] = {k: str(known.get(k, "")) for k in DocumentInfo.METADATA_FIELDS}
            fields["source_file"] = str(known.get("source_file", ""))
            fields["pages"] = known.get("pages") or []
            fields["sha256"] = str(known["sha256"])
            return fields
        fields = {"title": normalise(source.name).strip(), "source_file": escape_name(self.path.name)}
        for name, aliases in _VARIABLE_NAMES.items():
            value = next((source.variables[a] for a in aliases if source.variables.get(a)), "")
            if value:
                fields[name] = normalise(value).strip()
        if "date" in fields:
            fields["date"] = iso_date(fields["date"])
        if not fields.get("language"):
            fields["language"] = detect_language(normalise(source.text))
        return fields

    def _created(self, guid: str, fallback: str) -> str | None:
        known = (self.extra.get("passages") or {}).get(guid)
        if isinstance(known, dict) and known.get("created"):
            return str(known["created"])
        return fallback or None

    def _passage(
        self,
        doc_id: int,
        text: str,
        start: int,
        end: int,
        tags: list[int],
        note: str,
        translation: str,
        created: str | None,
    ) -> int:
        existing = self.store.passage_at(doc_id, start, end)
        if existing is None:
            self.new_passages += 1
            return add_passage_in_text(
                self.store, text, doc_id, start, end, tags=tags, note=note, translation=translation, created=created
            )
        for tag in tags:
            self.store.add_passage_tag(existing, tag)
        current = self.store.get_passage(existing)
        fill = {k: v for k, v in (("note", note), ("translation", translation)) if v and not getattr(current, k)}
        if fill:
            self.store.update_passage(existing, **fill)
        return existing

    # -------------------------------------------------------------- outline
    def _outline(self, entries: list[Any], parent: int | None) -> int:
        """Sections from Briefer's file, reusing one of the same title under the same parent; how many are new."""
        added = 0
        for entry in entries:
            if not isinstance(entry, dict) or not str(entry.get("title", "")).strip():
                continue
            title = str(entry["title"])
            same = [s for s in self.store.list_sections() if s.parent == parent and s.title == title]
            if same:
                section = same[0].id
            else:
                stance = self.tag_of.get(entry.get("stance") or "")
                section = self.store.add_section(
                    title=title, parent=parent, notes=str(entry.get("notes", "")), stance=stance
                )
                added += 1
            placed = {p.passage for p in self.store.list_placements(section)}
            for guid in entry.get("passages") or []:
                passage = self.passage_of.get(guid)
                if passage is not None and passage not in placed:
                    self.store.add_placement(section=section, passage=passage)
                    placed.add(passage)
            added += self._outline(entry.get("children") or [], section)
        return added

    def _meta(self) -> None:
        current = self.store.get_meta()
        given: dict[str, Any] = dict(self.extra.get("project") or {})
        if not given.get("title") and self.exchange.name and self.path.suffix.lower() == ".qdpx":
            given["title"] = self.exchange.name
        fill = {k: str(v) for k, v in given.items() if k in current.FIELDS and v and not getattr(current, k)}
        if fill:
            self.store.set_meta(**fill)


def _colour(value: str) -> str:
    value = value.strip().lower()
    hexdigits = "0123456789abcdef"
    if len(value) == 7 and value[0] == "#" and all(c in hexdigits for c in value[1:]):
        return value
    if len(value) == 4 and value[0] == "#" and all(c in hexdigits for c in value[1:]):
        return "#" + "".join(c * 2 for c in value[1:])
    return ""
