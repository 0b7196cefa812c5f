"""Reading a REFI-QDA project (``.qdpx``) or codebook (``.qdc``) into plain data; no Qt, no store.

Everything is read and checked before anything is stored (``qdpx_apply``
stores it in one transaction), so bad input changes nothing: a file that is not
a zip, a zip bomb or a part named outside the archive (``briefer.core.archives``
refuses both), a ``project.qde`` that does not parse or does not validate
against the REFI-QDA schema, a text source whose file is missing. Each is one
``ImportRejected`` naming the reason.

Text sources come from inline ``PlainTextContent`` or from ``plainTextPath``:
``internal://NAME`` (the tools' convention) is found in the zip by file name,
ignoring case, wherever it sits. Other source kinds are listed as skipped.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from briefer.core.archives import ArchiveLimits, check_zip
from briefer.core.errors import ArchiveRejected, ImportRejected
from briefer.core.importing.decoding import decode_text
from briefer.resources import resources_dir

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
BRIEFER_FILE = "briefer.json"  # written by briefer.export.qdpx_write
BRIEFER_FORMAT = "briefer-qdpx"
# A project's sources are text, but many and large; the XML is parsed whole.
QDPX_LIMITS = ArchiveLimits(part=64 * 1024 * 1024, total=512 * 1024 * 1024, parsed_suffixes=(".qde", ".json"))
MAX_CODEBOOK_BYTES = 16 * 1024 * 1024
_SKIPPED_KINDS = {
    "PDFSource": "a PDF source (its selections are page coordinates); Briefer reads text sources",
    "PictureSource": "a picture source; Briefer reads text sources",
    "AudioSource": "an audio source; Briefer reads text sources",
    "VideoSource": "a video source; Briefer reads text sources",
}


@dataclass(frozen=True)
class Code:
    guid: str
    name: str
    color: str
    description: str
    parent: str | None  # the parent code's GUID


@dataclass(frozen=True)
class Selection:
    guid: str
    name: str
    start: int
    end: int
    codes: tuple[str, ...]  # code GUIDs, in the file's order
    notes: tuple[str, ...]  # note GUIDs (the selection's and its codings')
    created: str


@dataclass(frozen=True)
class TextSource:
    guid: str
    name: str
    text: str  # as the file holds it (a BOM and \r\n included)
    variables: dict[str, str]  # variable name (lower case) -> value
    selections: tuple[Selection, ...]


@dataclass
class Exchange:
    """Everything read from one ``.qdpx`` (or ``.qdc``: codes only)."""

    name: str = ""
    codes: list[Code] = field(default_factory=list)
    sources: list[TextSource] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # note GUID -> text
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source name, reason)
    briefer: dict[str, Any] | None = None  # Briefer's own file, when Briefer wrote it


def _parser() -> etree.XMLParser:
    # No DTDs, no entities, no network: a project file is data, never instructions.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


_schema: etree.XMLSchema | None = None


def _project_schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        path = resources_dir() / "refi-qda" / "Project.xsd"
        _schema = etree.XMLSchema(etree.parse(str(path), _parser()))
    return _schema


def read_qdpx(data: bytes) -> Exchange:
    """Read a ``.qdpx`` file's bytes; ``ImportRejected`` with the reason if it cannot be used."""
    try:
        check_zip(data, QDPX_LIMITS)
    except ArchiveRejected as exc:
        raise ImportRejected(str(exc)) from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {PurePosixPath(info.filename).name.lower(): info for info in archive.infolist() if not info.is_dir()}
        qde = next((i for i in archive.infolist() if i.filename.lower().endswith(".qde")), None)
        if qde is None:
            raise ImportRejected("holds no project.qde: not a REFI-QDA project")
        root = _parse(archive.read(qde), qde.filename)
        errors = _validate(root)
        if errors:
            raise ImportRejected(f"{qde.filename} is not a valid REFI-QDA project: {errors}")
        exchange = Exchange(name=root.get("name", ""))
        exchange.codes = _codes(root.find(_p("CodeBook")), PROJECT_NS)
        variables = {v.get("guid"): v.get("name", "") for v in root.iter(_p("Variable"))}
        notes = root.find(_p("Notes"))
        for note in notes.iterchildren(_p("Note")) if notes is not None else ():
            has_text = note.find(_p("PlainTextContent")) is not None or note.get("plainTextPath")
            what = f"note {note.get('name', '')!r}"
            exchange.notes[note.get("guid")] = _source_text(archive, members, note, what) if has_text else ""
        sources = root.find(_p("Sources"))
        # Elements only: a comment or processing instruction between sources is no source.
        for source in sources.iterchildren(tag=etree.Element) if sources is not None else ():
            kind = etree.QName(source).localname
            name = source.get("name") or source.get("guid")
            if kind != "TextSource":
                exchange.skipped.append((name, _SKIPPED_KINDS.get(kind, f"a {kind}; Briefer reads text sources")))
                continue
            exchange.sources.append(
                TextSource(
                    guid=source.get("guid"),
                    name=name,
                    text=_source_text(archive, members, source, f"source {name!r}"),
                    variables=_variables(source, variables),
                    selections=tuple(_selection(s) for s in source.iterchildren(_p("PlainTextSelection"))),
                )
            )
        briefer = members.get(BRIEFER_FILE)
        if briefer is not None:
            exchange.briefer = _briefer_file(archive.read(briefer))
    return exchange


def read_qdc(data: bytes) -> Exchange:
    """Read a ``.qdc`` codebook: its codes, with their hierarchy, colours and descriptions."""
    if len(data) > MAX_CODEBOOK_BYTES:
        raise ImportRejected(f"larger than {MAX_CODEBOOK_BYTES // (1024 * 1024)} MB")
    root = _parse(data, "the codebook")
    if etree.QName(root).localname != "CodeBook" or etree.QName(root).namespace not in (CODEBOOK_NS, PROJECT_NS):
        raise ImportRejected(f"not a REFI-QDA codebook (its root is {etree.QName(root).localname}, not CodeBook)")
    codes = _codes(root, etree.QName(root).namespace or CODEBOOK_NS)
    if not codes:
        raise ImportRejected("the codebook holds no codes")
    return Exchange(name=root.get("origin", ""), codes=codes)


def _p(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _parse(data: bytes, what: str) -> Any:
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ImportRejected(f"{what} is not well-formed XML ({exc})") from None


def _validate(root: Any) -> str:
    """The first few schema errors, on one line ("" when the project is valid)."""
    schema = _project_schema()
    if schema.validate(root):
        return ""
    errors = [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:3]]
    return "; ".join(errors)


def _codes(parent: Any, namespace: str) -> list[Code]:
    """Codes in document order (parents before children) with their parent's GUID."""
    if parent is None:
        return []
    found: list[Code] = []

    def walk(element: Any, parent_guid: str | None) -> None:
        for code in element.iterchildren(f"{{{namespace}}}Code"):
            description = code.find(f"{{{namespace}}}Description")
            found.append(
                Code(
                    guid=code.get("guid", ""),
                    name=(code.get("name") or "").strip() or "Unnamed code",
                    color=code.get("color", ""),
                    description=(description.text or "") if description is not None else "",
                    parent=parent_guid,
                )
            )
            walk(code, code.get("guid", ""))

    codes = parent.find(f"{{{namespace}}}Codes")
    if codes is not None:
        walk(codes, None)
    return found


def _selection(element: Any) -> Selection:
    codes: list[str] = []
    notes = [ref.get("targetGUID") for ref in element.iterchildren(_p("NoteRef"))]
    for coding in element.iterchildren(_p("Coding")):
        ref = coding.find(_p("CodeRef"))
        if ref is not None:
            codes.append(ref.get("targetGUID"))
        notes.extend(r.get("targetGUID") for r in coding.iterchildren(_p("NoteRef")))
    try:
        start, end = int(element.get("startPosition")), int(element.get("endPosition"))
    except ValueError:  # thousands of digits: valid xsd:integer, more than int() reads
        raise ImportRejected(f"selection {element.get('guid')} has a position of thousands of digits") from None
    return Selection(
        guid=element.get("guid"),
        name=element.get("name", ""),
        start=start,
        end=end,
        codes=tuple(codes),
        notes=tuple(notes),
        created=element.get("creationDateTime", ""),
    )


def _variables(source: Any, names: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in source.iterchildren(_p("VariableValue")):
        ref = value.find(_p("VariableRef"))
        name = names.get(ref.get("targetGUID", "") if ref is not None else "", "")
        for child in value.iterchildren(tag=etree.Element):
            if etree.QName(child).localname.endswith("Value") and child.text:
                found[name.strip().lower()] = child.text.strip()
    return found


def _source_text(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], element: Any, what: str) -> str:
    """A text source's (or a note's) text: inline, or the file its ``plainTextPath`` names in the zip."""
    inline = element.find(_p("PlainTextContent"))
    if inline is not None:
        return str(inline.text or "")
    path = element.get("plainTextPath")
    if not path:
        raise ImportRejected(f"{what} has neither PlainTextContent nor a plainTextPath")
    scheme, _, rest = path.partition("://")
    if not rest:
        scheme, rest = "", path
    if ".." in rest.replace("\\", "/").split("/"):
        raise ImportRejected(f"{what} points outside the archive ({path})")
    if scheme.lower() != "internal":
        raise ImportRejected(f"{what} is a file outside the archive ({path}); only internal:// sources can be read")
    info = members.get(PurePosixPath(rest.replace("\\", "/")).name.lower())
    if info is None:
        raise ImportRejected(f"{what} is missing: {path} is not in the archive")
    data = archive.read(info)
    try:
        return data.decode("utf-8")  # a BOM stays, for the positions that count it
    except UnicodeDecodeError:
        return decode_text(data)[0]


def _briefer_file(data: bytes) -> dict[str, Any] | None:
    """Briefer's own part, if it is one this version reads (else the project reads as another tool's)."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ImportRejected(f"{BRIEFER_FILE} is damaged (not JSON)") from None
    if not isinstance(value, dict) or value.get("format") != BRIEFER_FORMAT:
        return None
    return value
