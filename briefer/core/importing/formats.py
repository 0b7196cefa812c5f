"""One reader per file format: bytes in, text and metadata out."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from briefer.core.errors import ImportRejected
from briefer.core.importing.decoding import decode_text
from briefer.core.model import Page

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
    """Markdown stays as written; YAML-style ``key: value`` front matter is metadata."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return ReadDocument(text)
    metadata: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if sep and key in _META_KEYS:
            metadata[key] = value.strip().strip("\"'")
        elif sep and key == "source":
            metadata["publisher"] = value.strip().strip("\"'")
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

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ImportRejected(f"corrupt or unreadable .docx ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # lxml and zip errors of many kinds: the file is damaged
        raise ImportRejected(f"corrupt .docx ({exc.__class__.__name__})") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    props = document.core_properties
    metadata = {"title": props.title or "", "author": props.author or ""}
    if props.created:
        metadata["date"] = props.created.date().isoformat()
    return ReadDocument("\n".join(paragraphs), {k: v for k, v in metadata.items() if v})
