"""Writing a project as a REFI-QDA project exchange file (``.qdpx``); no Qt.

A ``.qdpx`` is a zip holding ``project.qde`` (QDA-XML, namespace
``urn:QDA-XML:project:1.0``) and the sources' text files under ``Sources/``.
It is written the way QDA tools' importers need it (QualCoder's was tried
headless): ``origin`` on ``Project``; each document's text as UTF-8 without a
byte-order mark, with ``\\n`` line ends, at ``plainTextPath="internal://GUID.txt"``;
every code with a ``#RRGGBB`` colour and a unique name; ``CodeRef`` first in a
``Coding``; every note with ``creationDateTime``; positions counting code points
(Python string indices, which is what the store keeps).

What REFI cannot hold (the outline, the project's marking and bottom line,
which tags are stances, notes told apart from translations, document fields
without a variable) goes into ``briefer.json`` beside ``project.qde``: other
tools ignore it, and Briefer reads it back so a round trip loses nothing.

GUIDs are uuid5 of the project's own UUID (``Store.project_uuid``) and each
row's identity, so exporting the same project twice gives the same GUIDs.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from briefer import __version__
from briefer.core.model import Document, Passage, Section, Tag
from briefer.core.store import Store
from briefer.core.textnorm import strip_controls
from briefer.export.errors import ExportError

NAMESPACE = "urn:QDA-XML:project:1.0"
BRIEFER_FILE = "briefer.json"
BRIEFER_FORMAT = "briefer-qdpx"
BRIEFER_FORMAT_VERSION = 1
ORIGIN = f"Briefer {__version__}"
# Document fields other tools see as the source's variables, in this order.
VARIABLES = (
    ("publisher", "Publisher"),
    ("author", "Author"),
    ("date", "Date"),
    ("url", "URL"),
    ("language", "Language"),
    ("container", "Container"),
    ("type", "Type"),
    ("doi", "DOI"),
)
_FALLBACK_COLOUR = "#808080"


@dataclass(frozen=True)
class _Guids:
    """GUIDs derived from the project's UUID and a row's identity."""

    base: uuid.UUID

    def __call__(self, kind: str, key: object) -> str:
        return str(uuid.uuid5(self.base, f"{kind}:{key}"))


def qdpx_bytes(store: Store) -> bytes:
    """The whole project as a ``.qdpx`` file's bytes."""
    guids = _Guids(store.project_uuid())
    documents = store.list_documents_with_text()
    tags = store.list_tags()
    passages = store.list_passages()
    # A REFI selection is a span of the source's current text; a passage left fuzzy
    # or orphaned by an update has only a span of the previous text. Writing it
    # would point other tools at the wrong words, and leaving it out would lose it.
    unsettled = [p.id for p in passages if not p.anchored]
    if unsettled:
        shown = ", ".join(map(str, unsettled[:10])) + (", ..." if len(unsettled) > 10 else "")
        raise ExportError(
            f"{len(unsettled)} passage{'s' if len(unsettled) != 1 else ''} need review after a document update "
            f"(ids {shown}): accept or delete them first (briefer accept, or the Needs review list)"
        )
    sections = store.list_sections()
    placements = store.list_placements()
    meta = store.get_meta()
    user = guids("user", "briefer")
    source_guid = {d.id: guids("document", d.sha256) for d in documents}
    code_guid = {t.id: guids("tag", t.id) for t in tags}
    selection_guid = {p.id: guids("passage", p.id) for p in passages}

    root = etree.Element(f"{{{NAMESPACE}}}Project", nsmap={None: NAMESPACE})
    root.set("name", _clean(meta.title) or store.path.stem)
    root.set("origin", ORIGIN)
    root.set("creatingUserGUID", user)
    users = etree.SubElement(root, _q("Users"))
    etree.SubElement(users, _q("User"), guid=user, name=_clean(meta.author) or "Briefer user")
    if tags:
        used = {tag for passage in passages for tag in passage.tags}
        _codebook(root, tags, code_guid, used)
    variable_guid = {field: guids("variable", field) for field, _ in VARIABLES}
    if documents:
        variables = etree.SubElement(root, _q("Variables"))
        for field, label in VARIABLES:
            etree.SubElement(variables, _q("Variable"), guid=variable_guid[field], name=label, typeOfVariable="Text")
    files: dict[str, bytes] = {}
    note_kinds: dict[str, str] = {}
    notes: list[etree._Element] = []
    by_document: dict[int, list[Passage]] = {}
    for passage in passages:
        by_document.setdefault(passage.document, []).append(passage)
    if documents:
        sources = etree.SubElement(root, _q("Sources"))
        for document in documents:
            guid = source_guid[document.id]
            files[f"Sources/{guid}.txt"] = document.text.encode("utf-8")
            source = etree.SubElement(
                sources, _q("TextSource"), guid=guid, name=_clean(document.title) or f"Document {document.id}"
            )
            source.set("plainTextPath", f"internal://{guid}.txt")
            source.set("creatingUser", user)
            etree.SubElement(source, _q("Description")).text = _clean(_describe(document))
            for passage in by_document.get(document.id, []):
                _selection(source, passage, selection_guid[passage.id], code_guid, user, guids)
                for kind in ("note", "translation"):
                    text = getattr(passage, kind)
                    if text:
                        note_guid = guids(kind, passage.id)
                        note_kinds[note_guid] = kind
                        notes.append(_note(passage, kind, text, note_guid, user))
            for field, _label in VARIABLES:
                value = getattr(document, field)
                if value:
                    variable = etree.SubElement(source, _q("VariableValue"))
                    etree.SubElement(variable, _q("VariableRef"), targetGUID=variable_guid[field])
                    etree.SubElement(variable, _q("TextValue")).text = _clean(value)
    if notes:
        etree.SubElement(root, _q("Notes")).extend(notes)
    if meta.bottom_line:
        etree.SubElement(root, _q("Description")).text = _clean(meta.bottom_line)

    extra = _briefer_file(store, documents, tags, passages, sections, placements, source_guid, code_guid)
    extra["notes"] = note_kinds
    extra["passages"] = {selection_guid[p.id]: {"created": p.created, "modified": p.modified} for p in passages}
    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(BRIEFER_FILE, json.dumps(extra, ensure_ascii=False, indent=1).encode("utf-8"))
    return out.getvalue()


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _clean(text: str) -> str:
    """Text XML can carry (no control characters beyond tab and newline)."""
    return strip_controls(text)


def _colour(value: str) -> str:
    value = value.strip()
    if len(value) == 7 and value.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in value[1:]):
        return value.upper()
    if len(value) == 4 and value.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in value[1:]):
        return "#" + "".join(c * 2 for c in value[1:]).upper()
    return _FALLBACK_COLOUR  # a missing colour would become a random one in QualCoder


def _codebook(root: etree._Element, tags: list[Tag], code_guid: dict[int, str], used: set[int]) -> None:
    codes = etree.SubElement(etree.SubElement(root, _q("CodeBook")), _q("Codes"))
    elements: dict[int, etree._Element] = {}
    parents = {tag.parent for tag in tags if tag.parent is not None}
    for tag in tags:  # parents come before their children
        parent = elements.get(tag.parent) if tag.parent is not None else None
        code = etree.SubElement(
            codes if parent is None else parent,
            _q("Code"),
            guid=code_guid[tag.id],
            name=_clean(tag.name),
            # A tag that only groups others (children, no passages of its own) is a category.
            isCodable="false" if tag.id in parents and tag.id not in used else "true",
            color=_colour(tag.color),
        )
        if tag.description:
            etree.SubElement(code, _q("Description")).text = _clean(tag.description)
        elements[tag.id] = code  # its Description is in place before any child Code is appended


def _selection(
    source: etree._Element,
    passage: Passage,
    guid: str,
    code_guid: dict[int, str],
    user: str,
    guids: _Guids,
) -> None:
    selection = etree.SubElement(source, _q("PlainTextSelection"), guid=guid, name=_clean(passage.quote))
    selection.set("startPosition", str(passage.start))
    selection.set("endPosition", str(passage.end))
    selection.set("creatingUser", user)
    if passage.created:
        selection.set("creationDateTime", passage.created)
    if passage.modified:
        selection.set("modifiedDateTime", passage.modified)
    for tag in passage.tags:
        coding = etree.SubElement(selection, _q("Coding"), guid=guids("coding", f"{passage.id}:{tag}"))
        coding.set("creatingUser", user)
        if passage.created:
            coding.set("creationDateTime", passage.created)
        etree.SubElement(coding, _q("CodeRef"), targetGUID=code_guid[tag])  # the Coding's first child
    for kind in ("note", "translation"):
        if getattr(passage, kind):
            etree.SubElement(selection, _q("NoteRef"), targetGUID=guids(kind, passage.id))


def _note(passage: Passage, kind: str, text: str, guid: str, user: str) -> etree._Element:
    label = "Note on" if kind == "note" else "Translation of"
    note = etree.Element(_q("Note"), guid=guid, name=f"{label} passage {passage.id}", creatingUser=user)
    # QualCoder's import fails on a note without dates; the passage's own are the truest ones.
    stamp = passage.modified or passage.created or "1970-01-01T00:00:00+00:00"
    note.set("creationDateTime", passage.created or stamp)
    note.set("modifiedDateTime", stamp)
    etree.SubElement(note, _q("PlainTextContent")).text = _clean(text)
    return note


def _describe(document: Document) -> str:
    """A one-line citation for tools that show a source's description."""
    parts = [document.author, document.title, document.container or document.publisher, document.date, document.url]
    return ". ".join(p for p in parts if p)


def _briefer_file(
    store: Store,
    documents: list[Document],
    tags: list[Tag],
    passages: list[Passage],
    sections: list[Section],
    placements: list[Any],
    source_guid: dict[int, str],
    code_guid: dict[int, str],
) -> dict[str, Any]:
    """What only Briefer reads: every document field, stances, the outline, the project's own details."""
    selection = {p.id: str(uuid.uuid5(store.project_uuid(), f"passage:{p.id}")) for p in passages}
    placed: dict[int, list[str]] = {}
    for placement in placements:  # in section, then position order
        placed.setdefault(placement.section, []).append(selection[placement.passage])

    def outline(parent: int | None) -> list[dict[str, Any]]:
        return [
            {
                "title": s.title,
                "notes": s.notes,
                "stance": code_guid.get(s.stance) if s.stance is not None else None,
                "passages": placed.get(s.id, []),
                "children": outline(s.id),
            }
            for s in sections
            if s.parent == parent
        ]

    meta = store.get_meta()
    return {
        "format": BRIEFER_FORMAT,
        "version": BRIEFER_FORMAT_VERSION,
        "project": {field: getattr(meta, field) for field in meta.FIELDS},
        "documents": {
            source_guid[d.id]: {
                **{field: getattr(d, field) for field in d.METADATA_FIELDS},
                "source_file": d.source_file,
                "sha256": d.sha256,
                "text_sha256": hashlib.sha256(d.text.encode("utf-8")).hexdigest(),  # of the file in Sources/
                "pages": [[page.start, page.label] for page in d.pages],
            }
            for d in documents
        },
        "tags": {code_guid[t.id]: {"name": t.name, "color": t.color, "stance": t.is_stance} for t in tags},
        "outline": outline(None),
    }
