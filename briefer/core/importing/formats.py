"""One reader per file format: bytes in, text and metadata out."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefer.core.archives import check_zip
from briefer.core.errors import ArchiveDamaged, ArchiveRejected, ImportRejected
from briefer.core.importing.dates import iso_date
from briefer.core.importing.decoding import decode_text
from briefer.core.model import DocumentInfo, Page

if TYPE_CHECKING:  # python-docx loads only when a .docx is read
    from docx.opc.coreprops import CoreProperties
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_META_KEYS = ("title", "publisher", "author", "date", "url", "language")


@dataclass
class ReadDocument:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    # The file itself when it is exactly ``text`` in UTF-8 (a plain UTF-8 text
    # file): normalising and hashing can use it instead of encoding the text again.
    utf8: bytes | None = None
    pages: tuple[Page, ...] = ()  # where each page starts in ``text`` (a PDF)
    note: str = ""  # said after the import line ("large page: boilerplate not removed")


def read_file(suffix: str, data: bytes) -> ReadDocument:
    suffix = suffix.lower()
    if suffix == ".txt":
        text, encoding = decode_text(data)
        return ReadDocument(text, utf8=data if encoding == "utf-8" else None)
    if suffix in (".md", ".markdown"):
        return read_markdown(decode_text(data)[0])
    if suffix in (".html", ".htm"):
        from briefer.core.importing.html import read_html  # lxml and trafilatura load only for web pages

        page = read_html(decode_text(data)[0], size=len(data))
        return ReadDocument(page.text, page.metadata, note=page.note)
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".pdf":
        from briefer.core.importing.pdf import read_pdf  # pypdf loads only for PDFs

        pdf = read_pdf(data)
        return ReadDocument(pdf.text, pdf.metadata, pages=pdf.pages)
    raise ImportRejected(f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED_EXTENSIONS)})")


# ----------------------------------------------------------------- Markdown
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def read_markdown(text: str) -> ReadDocument:
    """Markdown stays as written; YAML-style ``key: value`` front matter is metadata.

    Every field a document stores may be given (``type:``, ``container:`` and
    ``doi:`` too, for citations); ``source:`` is an older name for ``publisher``.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return ReadDocument(text)
    metadata: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if sep and key in DocumentInfo.METADATA_FIELDS:
            metadata[key] = value.strip().strip("\"'")
        elif sep and key == "source":
            metadata["publisher"] = value.strip().strip("\"'")
    if "date" in metadata:
        metadata["date"] = iso_date(metadata["date"])
    return ReadDocument(text[match.end() :], metadata)


# --------------------------------------------------------------------- Word
def read_docx(data: bytes) -> ReadDocument:
    if data.startswith(_OLE_MAGIC):
        raise ImportRejected(
            "encrypted (password-protected) or old-format Word file; save it as an unprotected .docx and import that"
        )
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError

        check_zip(data)  # a decompression bomb is refused before python-docx unpacks it
        document = docx.Document(io.BytesIO(data))
    except ArchiveDamaged as exc:
        raise ImportRejected(f"corrupt or unreadable .docx: {exc}") from None
    except ArchiveRejected as exc:
        raise ImportRejected(str(exc)) from None
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ImportRejected(f"corrupt or unreadable .docx ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # lxml and zip errors of many kinds: the file is damaged
        raise ImportRejected(f"corrupt .docx ({exc.__class__.__name__})") from None
    lines = list(_docx_lines(document.iter_inner_content()))
    return ReadDocument("\n".join(lines), _docx_metadata(document.core_properties))


# What python-docx's own template says about every file made from it, and what
# it invents for a file without core properties: the template's facts, not the document's.
_TEMPLATE_STAMP = {
    "title": "Word Document",
    "author": "python-docx",
    "date": "2013-12-23",
}


def _docx_metadata(props: CoreProperties) -> dict[str, str]:
    """Title, author and created date from the core properties, unless they are python-docx's stamp."""
    found = {"title": props.title or "", "author": props.author or "", "date": iso_date(props.created)}
    return {k: v.strip() for k, v in found.items() if v.strip() and v.strip() != _TEMPLATE_STAMP[k]}


# A table row is one line, its cells joined by this: readable in the reader and
# in an exported quote, where a tab would look like a run of spaces.
DOCX_CELL_SEPARATOR = " | "


def _docx_lines(blocks: Iterable[Paragraph | Table]) -> Iterator[str]:
    """Paragraphs and table rows in document order: a table stands where Word shows it."""
    from docx.table import Table

    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                cells = [_docx_cell_text(cell) for cell in _distinct(row.cells)]
                yield DOCX_CELL_SEPARATOR.join(cells) if any(cells) else ""
        else:
            yield block.text


def _distinct(cells: Iterable[_Cell]) -> Iterator[_Cell]:
    """Each cell of a row once: python-docx repeats a cell once per grid column it spans."""
    previous: _Cell | None = None
    for cell in cells:
        if cell is not previous:
            yield cell
        previous = cell


def _docx_cell_text(cell: _Cell) -> str:
    """A cell's paragraphs, and any table nested in it, on the row's one line."""
    from docx.table import Table

    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            parts.extend(_docx_lines([block]))
        else:
            parts.append(block.text)
    # Only line breaks become spaces: the rest of the cell's text stays as written.
    return " ".join(part.replace("\n", " ").strip() for part in parts if part.strip())
