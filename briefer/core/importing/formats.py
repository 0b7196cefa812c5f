"""One reader per file format: bytes in, text and metadata out."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

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


def read_file(suffix: str, data: bytes) -> ReadDocument:
    suffix = suffix.lower()
    if suffix == ".txt":
        text, encoding = decode_text(data)
        return ReadDocument(text, utf8=data if encoding == "utf-8" else None)
    if suffix in (".md", ".markdown"):
        return read_markdown(decode_text(data)[0])
    if suffix in (".html", ".htm"):
        return read_html(decode_text(data)[0])
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


# --------------------------------------------------------------------- HTML
_SKIP = {
    "script",
    "style",
    "nav",
    "footer",
    "header",
    "aside",
    "form",
    "noscript",
    "template",
    "svg",
    "button",
    "iframe",
    "select",
    "figure",
}
_BLOCK = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "div",
    "section",
    "article",
    "main",
    "br",
    "tr",
    "dd",
    "dt",
    "figcaption",
    "td",
}
_VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
_BOILERPLATE_CLASS = re.compile(
    r"\b(nav|menu|footer|header|sidebar|share|social|comment|related|"
    r"advert|promo|cookie|newsletter|subscribe|breadcrumb)",
    re.I,
)


class _ArticleParser(HTMLParser):
    """Collects article text and metadata, skipping scripts, styles and page chrome."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.metadata: dict[str, str] = {}
        self._stack: list[tuple[str, bool]] = []  # (tag, skipping)
        self._in_title = False
        self._title = ""
        # Each block: (inside <article>/<main>?, text parts).
        self.blocks: list[tuple[bool, list[str]]] = [(False, [])]
        self._article_depth = 0

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "meta":
            self._meta(attr)
            return
        if tag == "title":
            self._in_title = True
        if tag in _VOID:
            if tag == "br":
                self._new_block()
            return
        skip = (
            self._skipping
            or tag in _SKIP
            or bool(_BOILERPLATE_CLASS.search(attr.get("class", "") + " " + attr.get("id", "")))
            or attr.get("role") in ("navigation", "banner", "contentinfo")
            or "hidden" in attr
        )
        self._stack.append((tag, skip))
        if tag in ("article", "main") and not skip:
            self._article_depth += 1
        if tag in _BLOCK:
            self._new_block()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _VOID:
            return
        # Tolerate unclosed tags: pop back to the matching opener if there is one.
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break
        if tag in ("article", "main") and self._article_depth:
            self._article_depth -= 1
        if tag in _BLOCK:
            self._new_block()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title += data
            return
        if self._skipping or not data.strip() and not self.blocks[-1][1]:
            return
        self.blocks[-1][1].append(data)

    def _new_block(self) -> None:
        self.blocks.append((self._article_depth > 0, []))

    def _meta(self, attr: dict[str, str]) -> None:
        key = (attr.get("name") or attr.get("property") or "").lower()
        content = attr.get("content", "").strip()
        mapping = {
            "author": "author",
            "article:author": "author",
            "og:site_name": "publisher",
            "article:published_time": "date",
            "date": "date",
            "pubdate": "date",
            "og:url": "url",
            "og:title": "og_title",
            "dc.date": "date",
        }
        if key in mapping and content and mapping[key] not in self.metadata:
            self.metadata[mapping[key]] = content

    @property
    def title(self) -> str:
        return " ".join(self._title.split())


def read_html(html: str) -> ReadDocument:
    parser = _ArticleParser()
    parser.feed(html)
    parser.close()
    # Prefer the <article>/<main> content when the page marks it.
    in_article = [parts for inside, parts in parser.blocks if inside and "".join(parts).strip()]
    chosen = in_article or [parts for _, parts in parser.blocks]
    paragraphs = [" ".join("".join(parts).split()) for parts in chosen]
    text = "\n".join(p for p in paragraphs if p)
    metadata = {k: v for k, v in parser.metadata.items() if k in _META_KEYS}
    title = parser.metadata.get("og_title") or parser.title
    if title:
        metadata["title"] = title
    if "date" in metadata:
        metadata["date"] = metadata["date"][:10]
    return ReadDocument(text, metadata)


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
