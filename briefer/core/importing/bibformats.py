"""Reading bibliographies (CSL-JSON, RIS, BibTeX/BibLaTeX) into format-free records.

Each reader turns a reference manager's export into ``BibRecord``s whose
fields are document metadata fields (``DocumentInfo.METADATA_FIELDS``), so
the rest of the import never sees a format's own vocabulary. RIS is read with
``rispy`` and BibTeX with ``bibtexparser``; CSL-JSON is plain JSON.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from briefer.core.errors import ImportRejected, ImportSkipped
from briefer.core.importing.dates import iso_date
from briefer.core.importing.decoding import decode_text
from briefer.core.textnorm import normalise

BIBLIOGRAPHY_EXTENSIONS = (".json", ".ris", ".bib")

# bibtexparser logs each block it cannot parse; the rejection says it once, and
# without a handler Python would print the log records to the CLI's stderr.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class BibRecord:
    """One reference: its key in the file, document metadata, and attached files that may exist."""

    key: str
    fields: dict[str, str] = field(default_factory=dict)  # only non-empty METADATA_FIELDS
    attachments: tuple[Path, ...] = ()


def read_bibliography(path: Path, data: bytes) -> list[BibRecord]:
    """The records of a bibliography file; ``ImportSkipped`` for JSON that is not CSL-JSON,
    ``ImportRejected`` for a broken file."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_csl_json(data)
    text = decode_text(data)[0].lstrip("\ufeff")
    if suffix == ".ris":
        return read_ris(text, path.parent)
    if suffix == ".bib":
        return read_bibtex(text, path.parent)
    raise ImportRejected(f"not a bibliography ({', '.join(BIBLIOGRAPHY_EXTENSIONS)})")


def _record(key: str, attachments: Iterable[Path] = (), **fields: str) -> BibRecord:
    cleaned = {name: _SPACES.sub(" ", normalise(value)).strip() for name, value in fields.items() if value}
    return BibRecord(key, {name: value for name, value in cleaned.items() if value}, tuple(attachments))


_SPACES = re.compile(r"\s+")


# ------------------------------------------------------------------ CSL-JSON
def read_csl_json(data: bytes) -> list[BibRecord]:
    try:
        items = json.loads(decode_text(data)[0].lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ImportRejected("JSON nested too deeply to be a bibliography") from None
    if not (
        isinstance(items, list)
        and items
        and all(isinstance(item, dict) and isinstance(item.get("type"), str) for item in items)
    ):
        raise ImportSkipped("not a CSL-JSON bibliography")
    records = []
    for number, item in enumerate(items, 1):
        key = item.get("id")
        records.append(
            _record(
                str(key) if isinstance(key, str | int) and str(key) else str(number),
                title=_text(item.get("title")),
                author=_join(_csl_name(name) for name in _list(item.get("author"))),
                date=_csl_date(item.get("issued")),
                publisher=_text(item.get("publisher")),
                url=_text(item.get("URL")),
                doi=_text(item.get("DOI")),
                type=item["type"].strip().lower(),
                container=_text(item.get("container-title")),
            )
        )
    return records


def _csl_name(name: object) -> str:
    if not isinstance(name, dict):
        return ""
    if literal := _text(name.get("literal")):
        return literal
    particles = " ".join(
        p for p in (_text(name.get("dropping-particle")), _text(name.get("non-dropping-particle"))) if p
    )
    family = " ".join(p for p in (particles, _text(name.get("family"))) if p)
    return person(family, _text(name.get("given")), _text(name.get("suffix")))


def _csl_date(issued: object) -> str:
    """CSL's ``issued``: ``{"date-parts": [[2024, 3, 5]]}``, ``{"raw": "..."}`` or a string."""
    return iso_date(issued) if isinstance(issued, str | dict | list) else ""


# ----------------------------------------------------------------------- RIS
RIS_TYPES = {
    "JOUR": "article-journal",
    "EJOUR": "article-journal",
    "JFULL": "article-journal",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
    "RPRT": "report",
    "GOVDOC": "report",
    "ELEC": "webpage",
    "WEB": "webpage",
    "ICOMM": "webpage",
    "BLOG": "post-weblog",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
    "HEAR": "hearing",
    "BILL": "bill",
    "STAT": "legislation",
    "LEGAL": "regulation",
    "CASE": "legal_case",
    "PAT": "patent",
    "PCOMM": "personal_communication",
    "UNPB": "manuscript",
    "MANSCPT": "manuscript",
    "DATA": "dataset",
    "VIDEO": "motion_picture",
}
_RIS_START = re.compile(r"^TY  -", re.M)
_RIS_LIST_TAGS = ("A1", "A2", "A3", "A4", "AU", "KW", "N1", "UR", "L1", "L4")


def read_ris(text: str, folder: Path) -> list[BibRecord]:
    import rispy  # loads only for RIS files

    starts = [text.count("\n", 0, m.start()) + 1 for m in _RIS_START.finditer(text)]
    if not starts:
        raise ImportRejected("no RIS records in it (no 'TY  -' line)")
    # The tags themselves, not rispy's long names: they are what RIS documents.
    tags = {tag: tag for tag in rispy.TAG_KEY_MAPPING}
    try:
        entries = rispy.loads(text, mapping=tags, list_tags=list(_RIS_LIST_TAGS))
    except KeyError:
        # rispy 0.10 fails so on a line without a tag that follows a record's "TY  -" line.
        raise ImportRejected("a line without a tag continues a tag its record does not have") from None
    if len(entries) < len(starts):
        raise ImportRejected(f"{len(starts)} records start ('TY  -') but only {len(entries)} end ('ER  -')")
    records = []
    for number, entry in enumerate(entries, 1):
        date = iso_date(_first(entry, "DA")) or iso_date(_first(entry, "PY", "Y1"))
        links = [*_list(entry.get("L1")), *_list(entry.get("L4"))]
        records.append(
            _record(
                _first(entry, "ID") or str(number),
                (path for link in links if (path := attachment_path(_text(link), folder))),
                title=_first(entry, "TI", "T1"),
                author=_join(
                    _inverted_name(_text(a), suffix_last=True)
                    for a in [*_list(entry.get("AU")), *_list(entry.get("A1"))]
                ),
                date=date,
                publisher=_first(entry, "PB"),
                url=_first(entry, "UR"),
                doi=_first(entry, "DO"),
                type=RIS_TYPES.get(_first(entry, "TY").upper(), ""),
                container=_first(entry, "T2", "JF", "JO"),
            )
        )
    return records


def _first(entry: Mapping[str, Any], *tags: str) -> str:
    for tag in tags:
        for value in _list(entry.get(tag)):
            if text := _text(value):
                return text
    return ""


# -------------------------------------------------------------------- BibTeX
BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "unpublished": "manuscript",
    "dataset": "dataset",
}


def read_bibtex(text: str, folder: Path) -> list[BibRecord]:
    from bibtexparser.entrypoint import parse_string  # loads only for BibTeX files
    from bibtexparser.middlewares import SeparateCoAuthors
    from bibtexparser.model import DuplicateBlockKeyBlock

    # Names are split at the top-level " and " before any LaTeX is decoded, so
    # a braced corporate author ("{Bureau of Industry and Security}") stays one.
    library = parse_string(text, append_middleware=[SeparateCoAuthors()])
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            raise ImportRejected(f"the entry on line {line} repeats the key '{block.key}'")
        raise ImportRejected(f"the entry on line {line} cannot be parsed (unbalanced braces or quotes?)")
    if not library.entries:
        raise ImportRejected("no BibTeX entries in it")
    records = []
    for entry in library.entries:
        values = {f.key.lower(): f.value for f in entry.fields}
        get = functools.partial(_bibtex_field, values)
        kind = entry.entry_type.lower()
        subtype = get("entrysubtype").lower()
        csl_type = BIBTEX_TYPES.get(kind, "")
        if kind == "article" and subtype in ("newspaper", "magazine"):
            csl_type = f"article-{subtype}"
        elif kind == "misc" and get("url", "howpublished").startswith(("http://", "https://")):
            csl_type = "webpage"
        date = iso_date(get("date")) or _bibtex_year_month(get("year"), get("month"), get("day"))
        records.append(
            _record(
                entry.key,
                (p for spec in _bibtex_files(_text(values.get("file"))) if (p := attachment_path(spec, folder))),
                title=get("title"),
                author=_join(_latex(_inverted_name(n)) for n in _list(values.get("author"))),
                date=date,
                publisher=get("publisher", "institution", "organization"),
                url=get("url"),
                doi=get("doi"),
                type=csl_type,
                container=get("journaltitle", "journal", "booktitle"),
            )
        )
    return records


def _bibtex_field(values: Mapping[str, Any], *names: str) -> str:
    """The first of these fields that is set, LaTeX decoded."""
    return next((text for name in names if (text := _latex(_text(values.get(name))))), "")


def _bibtex_year_month(year: str, month: str, day: str) -> str:
    """BibTeX's ``year``, ``month`` ("mar", "3") and ``day`` as one ISO date, as far as they go."""
    if not month.strip():
        return iso_date(year)
    year_month = iso_date(year, month=month)
    if year_month and day.strip():
        return iso_date(f"{year_month}-{day.strip()}") or year_month
    return year_month


def _bibtex_files(spec: str) -> list[str]:
    """The paths in a ``file`` field: ``a.pdf;b.html`` (Zotero) or ``Desc:path:mime;...`` (JabRef)."""
    paths = []
    for item in re.split(r"(?<!\\);", spec):
        parts = re.split(r"(?<!\\):", item)
        # "Desc:path:mime": the middle; "C:\dir\file.pdf" or "path": the whole.
        raw = ":".join(parts[1:-1]) if len(parts) >= 3 else item
        path = raw.replace("\\:", ":").replace("\\;", ";").replace("\\\\", "\\").strip()
        if path:
            paths.append(path)
    return paths


def _latex(value: str) -> str:
    if not value or not any(ch in value for ch in "\\{}$~%&"):
        return value
    return str(_latex_decoder().latex_to_text(value))


@functools.cache
def _latex_decoder() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text()


# ----------------------------------------------------------------- attachments
def attachment_path(link: str, folder: Path) -> Path | None:
    """A local file an attachment link names: ``file://`` URL, absolute, or relative to the bibliography."""
    link = link.strip()
    if not link:
        return None
    if link.lower().startswith("file:"):
        link = unquote(urlparse(link).path)
    elif re.match(r"^[a-z][a-z0-9+.-]*://", link, re.I):  # http, internal-pdf ...: not a local file
        return None
    path = Path(link)
    return path if path.is_absolute() else folder / path


# --------------------------------------------------------------------- names
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def person(family: str, given: str = "", suffix: str = "") -> str:
    """One readable form of a name: "Given Family Suffix", or "FamilyGiven" for a Chinese,
    Japanese or Korean name written in its own script (王小明)."""
    if family and given and _CJK.search(family) and _CJK.search(given):
        return family + given
    return " ".join(p for p in (given, family, suffix) if p)


def _inverted_name(name: str, *, suffix_last: bool = False) -> str:
    """ "Family, Given" as ``person``, with a suffix: "Family, Given, Suffix" (RIS, ``suffix_last``)
    or "Family, Suffix, Given" (BibTeX). A name without a top-level comma, or in braces, stays as written."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(name):
        depth += (ch == "{") - (ch == "}")
        if ch == "," and depth == 0:
            parts.append(name[start:i].strip())
            start = i + 1
    parts.append(name[start:].strip())
    if len(parts) == 2:
        return person(parts[0], parts[1])
    if len(parts) == 3:
        family, suffix, given = (parts[0], parts[2], parts[1]) if suffix_last else parts
        return person(family, given, suffix)
    return name.strip()


def _join(names: Iterable[str]) -> str:
    return "; ".join(n for n in names if n)


def _text(value: object) -> str:
    if isinstance(value, list):  # CSL allows a list of strings in places; RIS repeats tags
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


# --------------------------------------------------------------------- dates
