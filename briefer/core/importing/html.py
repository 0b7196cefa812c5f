"""Saved web pages: the article's text, one paragraph a line, and its citation data.

The article is found by trafilatura (Apache-2.0), which drops navigation,
"Trending now" blocks, cookie banners and related links, on pages with and
without ``<article>``/``<main>``. readability-lxml was measured too: about twice
as fast, but it keeps page footers ("版权所有 © …", "About us | Contact") and
loses a headline outside its chosen block. Copyright, legal and subscription
lines that an extractor lets through are dropped afterwards, whole lines only:
the words that remain are the page's own.

Both extractors are slow and memory-hungry on huge pages (8 MB of ``<p>x</p>``:
trafilatura 47 s and 1.5 GB, readability-lxml 16 s and 940 MB), so a page over
``MAX_EXTRACT_BYTES`` or ``MAX_EXTRACT_ELEMENTS`` is read as plain text, streamed
through lxml's own parser (that page: 2.3 s and 70 MB for the whole import),
without boilerplate removal, and the import says so.

Citation metadata comes from what publishers put in pages, each field from the
most trusted source that gives it: Highwire ``citation_*`` tags, JSON-LD,
Open Graph (and ``article:*``), Dublin Core, then ``<title>`` and
``<meta name="author">``.
"""

from __future__ import annotations

import html as htmlmod
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from briefer.core.errors import ImportRejected

MAX_EXTRACT_BYTES = 2 * 1024 * 1024
MAX_EXTRACT_ELEMENTS = 50_000
LARGE_PAGE_NOTE = "large page: boilerplate not removed"
# Even plain text has a limit: read as a stream, 1,000,000 elements take about 3 s.
MAX_PLAIN_ELEMENTS = 2_000_000

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its notes on odd pages are not the analyst's

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
# Lines a page repeats around every article: copyright, legal and subscription notices.
# Only short lines are candidates, so a paragraph that discusses copyright stays.
_NOTICE_MAX = 300
_NOTICES = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b\s*(?:©|\(c\)|\d{4})|\ball rights reserved\b|版权所有|未经(?:授权|许可)"
    r"|\bsubscribe (?:to|now|today)\b|\bsubscribers? only\b|\bto continue reading\b|\bunlimited access\b"
    r"|\bsign up (?:for|to) (?:our|the) newsletter\b|\bregistered in (?:england|wales|scotland)\b",
    re.IGNORECASE,
)
# Tags whose text is never the page's prose.
_NO_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object"})
# Tags that start a new line in plain text (lxml's tags, and trafilatura's XML ones).
_LINE_TAGS = {
    *("p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote", "pre", "br"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "figcaption", "hr"),
    *("address", "form", "fieldset", "details", "summary", "caption", "body", "html"),
    *("head", "item", "list", "quote", "code", "row", "lb", "doc"),  # trafilatura's: <head> is a heading
}
_CELL_TAGS = {"td", "th", "cell"}
_CELL_BREAK = "\x1f"  # between a row's cells until the line is made, then a tab (as .docx tables are stored)
_HEAD_TAGS = {"meta", "link", "title", "script"}
_EVENTS = ("start", "end", "comment", "pi")
# Fed a piece at a time: lxml queues a piece's events in a list it reads from the front.
_CHUNK = 16 * 1024

# JSON-LD types that describe the document itself, and the CSL type each means.
_CSL_TYPES = {
    "NewsArticle": "article-newspaper",
    "Report": "report",
    "BlogPosting": "post-weblog",
    "ScholarlyArticle": "article-journal",
}


@dataclass
class HtmlText:
    """A page's article text (one paragraph a line), its metadata, and a note when it was read plainly."""

    text: str
    metadata: dict[str, str]
    note: str = ""


def read_html(html: str, size: int | None = None) -> HtmlText:
    """The article and citation data of a page; ``size`` is the file's size in bytes when known."""
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses a str that declares its encoding
    if not html.strip():
        raise ImportRejected("no text in it")
    if (size if size is not None else len(html)) > MAX_EXTRACT_BYTES:
        text, head = _stream_text(html)
        return HtmlText(_drop_notices(text), page_metadata(head), LARGE_PAGE_NOTE)
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ImportRejected(f"not a readable web page ({exc})") from None
    _check_depth(parser.error_log)
    metadata = page_metadata(root)
    if _more_elements_than(root, MAX_EXTRACT_ELEMENTS):
        return HtmlText(_drop_notices(_stream_text(html)[0]), metadata, LARGE_PAGE_NOTE)
    article = _extract(root)
    return HtmlText(_drop_notices(article if article is not None else _stream_text(html)[0]), metadata)


def _check_depth(log: Any) -> None:
    # libxml2 stops reading a page nested deeper than 256 tags and keeps what it
    # read so far: silently half a page. (Lifting the limit with huge_tree makes
    # 100,000 unclosed tags take minutes.)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in log):
        raise ImportRejected("tags nested more than 256 deep: a malformed page that cannot be read whole")


def _more_elements_than(root: lxml.html.HtmlElement, limit: int) -> bool:
    for count, _ in enumerate(root.iter(), 1):
        if count > limit:
            return True
    return False


def _extract(root: lxml.html.HtmlElement) -> str | None:
    """trafilatura's article text, or None when it finds no article (a page of a few lines)."""
    import trafilatura  # loads only for web pages
    from trafilatura.settings import use_config

    # Below MIN_EXTRACTED_SIZE characters trafilatura swaps its result for a
    # "baseline" dump of the whole page, nav included, with a line break at every
    # inline tag ("Export controls\nslowed\nHuawei."): a short article is better
    # kept as extracted, and a page with none is read plainly below.
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    document = trafilatura.bare_extraction(
        root, include_comments=False, include_tables=True, include_images=False, with_metadata=False, config=config
    )
    body = getattr(document, "body", None)
    if body is None:
        return None
    text = _stream_text(lxml.etree.tostring(body, encoding="unicode"), xml=True)[0]
    return text if text.strip() else None


def _stream_text(markup: str, xml: bool = False) -> tuple[str, lxml.html.HtmlElement]:
    """The text of a page (or of trafilatura's XML), one line per block, whitespace in a line collapsed.

    Read as a stream, each element dropped once read, so memory stays small
    whatever the page's size; the page's ``<meta>``, ``<link>``, ``<title>``
    and JSON-LD elements are kept (in a page of their own) for the metadata.
    """
    if xml:
        parser: Any = lxml.etree.XMLPullParser(events=_EVENTS)
        skip: frozenset[str] = frozenset()
    else:
        # The text is already decoded: its own <meta charset> must not decode it again.
        parser = lxml.etree.HTMLPullParser(events=_EVENTS, encoding="utf-8")
        skip = _NO_TEXT
    head = lxml.html.Element("html")
    lines: list[str] = []
    current: list[str] = []
    # Per open element: [element, its text taken?, its last finished child whose tail is pending].
    stack: list[list[Any]] = []
    skipping = 0
    elements = 0

    def flush() -> None:
        line = "\t".join(" ".join(cell.split()) for cell in "".join(current).split(_CELL_BREAK)).strip()
        if line:
            lines.append(line)
        current.clear()

    def take(text: str | None) -> None:
        if text and not skipping:
            current.append(text)

    def settle(frame: list[Any]) -> None:
        """Take the open element's own text, and the tail of its last finished child, now both are whole."""
        if not frame[1]:
            frame[1] = True
            take(frame[0].text)
        finished = frame[2]
        if finished is not None:
            take(finished.tail)
            # A child read is dropped: the page may be huge. (Never the child being
            # read: the parser is still building it.)
            frame[0].remove(finished)
            frame[2] = None

    data = markup.encode("utf-8")
    for offset in range(0, len(data), _CHUNK):
        parser.feed(data[offset : offset + _CHUNK])
        for event, element in parser.read_events():
            tag = element.tag if isinstance(element.tag, str) else ""
            if event in ("comment", "pi"):  # no text of its own, but its tail is the page's
                if stack:
                    settle(stack[-1])
                    stack[-1][2] = element
                continue
            if event == "start":
                elements += 1
                if elements > MAX_PLAIN_ELEMENTS:
                    raise ImportRejected(f"more than {MAX_PLAIN_ELEMENTS:,} HTML elements: too large a page to read")
                if stack:
                    settle(stack[-1])
                if skipping or tag in skip or not tag:
                    skipping += 1
                elif tag in _LINE_TAGS:
                    flush()
                elif tag in _CELL_TAGS and stack and "".join(current).strip():
                    current.append(_CELL_BREAK)
                stack.append([element, False, None])
            else:
                frame = stack.pop()
                settle(frame)
                if tag in _HEAD_TAGS and not xml and len(head) < 1000 and _describes(element):
                    head.append(_copy(element))
                if skipping:
                    skipping -= 1
                elif tag in _LINE_TAGS:
                    flush()
                if stack:
                    stack[-1][2] = element
    parser.close()
    for frame in reversed(stack):
        settle(frame)
    _check_depth(parser.error_log)
    flush()
    return "\n".join(lines), head


def _describes(element: Any) -> bool:
    return element.tag != "script" or (element.get("type") or "").strip().lower() == "application/ld+json"


def _copy(element: Any) -> lxml.html.HtmlElement:
    copy = lxml.html.Element(element.tag, dict(element.attrib))
    copy.text = element.text
    return copy


def _drop_notices(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if len(line) > _NOTICE_MAX or not _NOTICES.search(line))


# ----------------------------------------------------------------- metadata
def page_metadata(root: lxml.html.HtmlElement) -> dict[str, str]:
    """Title, author, date, publisher, container, url, doi and type, each from the most trusted source."""
    meta = _meta_tags(root)
    article, csl_type = _json_ld_article(root)
    sources: list[dict[str, list[str]]] = [
        {  # Highwire Press tags (Google Scholar's)
            "title": meta.get("citation_title", []),
            "author": meta.get("citation_author", []),
            "date": meta.get("citation_publication_date", []) + meta.get("citation_date", []),
            "container": meta.get("citation_journal_title", []),
            "publisher": meta.get("citation_publisher", []),
            "doi": meta.get("citation_doi", []),
            "url": meta.get("citation_public_url", []),
        },
        article,
        {  # Open Graph and its article:* properties
            "title": meta.get("og:title", []),
            "author": [a for a in meta.get("article:author", []) if not _is_url(a)],
            "date": meta.get("article:published_time", []),
            "container": meta.get("og:site_name", []),
            "url": _canonical(root, meta),
        },
        {  # Dublin Core
            "title": meta.get("dc.title", []) + meta.get("dcterms.title", []),
            "author": meta.get("dc.creator", []) + meta.get("dcterms.creator", []),
            "date": meta.get("dc.date", []) + meta.get("dcterms.date", []) + meta.get("dcterms.issued", []),
            "publisher": meta.get("dc.publisher", []) + meta.get("dcterms.publisher", []),
        },
        {  # what any page may have
            "title": [_title(root)],
            "author": meta.get("author", []),
            "date": meta.get("date", []) + meta.get("pubdate", []),
        },
    ]
    metadata: dict[str, str] = {}
    for source in sources:
        for key, values in source.items():
            values = [v for v in (" ".join(v.split()) for v in values) if v]
            if key in metadata or not values:
                continue
            if key == "author":
                metadata[key] = "; ".join(_unique(values))
            elif key == "doi":
                metadata[key] = re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", values[0], flags=re.I)
            else:
                metadata[key] = values[0]
    if "date" in metadata and re.match(r"\d{4}-\d\d-\d\d[T ]\d", metadata["date"]):
        metadata["date"] = metadata["date"][:10]  # a timestamp's day, as published
    if csl_type:
        metadata["type"] = csl_type
    return metadata


def _meta_tags(root: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Every ``<meta>`` content by lower-cased name or property, in page order."""
    tags: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        content = element.get("content")
        for key in {(element.get(a) or "").strip().lower() for a in ("name", "property")}:
            if key and content is not None:
                tags.setdefault(key, []).append(content)
    return tags


def _canonical(root: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> list[str]:
    og = [u for u in meta.get("og:url", []) if _is_url(u)]
    urls = []
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            href = (link.get("href") or "").strip()
            href = urljoin(og[0], href) if og and not _is_url(href) else href
            if _is_url(href):
                urls.append(href)
    return urls + og


def _title(root: lxml.html.HtmlElement) -> str:
    title = root.find(".//title")
    return title.text_content() if title is not None else ""


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://"))


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


# ------------------------------------------------------------------ JSON-LD
def _json_ld_article(root: lxml.html.HtmlElement) -> tuple[dict[str, list[str]], str]:
    """The first article-like JSON-LD node's fields, and its CSL type ("" when none says)."""
    nodes: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            nodes.extend(_nodes(json.loads(script.text, strict=False)))
        except (ValueError, RecursionError):
            continue  # a broken block says nothing
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    for node in nodes:
        types = node.get("@type")
        types = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
        article_types = [t for t in types if t.endswith("Article") or t in _CSL_TYPES]
        if not article_types:
            continue
        kind = article_types[0]
        csl = "article-newspaper" if kind.endswith("NewsArticle") else _CSL_TYPES.get(kind, "webpage")
        fields = {
            "title": _strings(node.get("headline")),
            "author": _names(node.get("author"), by_id),
            "date": _strings(node.get("datePublished")),
            "publisher": _names(node.get("publisher"), by_id),
        }
        return fields, csl
    return {}, ""


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every object at the top of a JSON-LD block, ``@graph`` members included."""
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph if isinstance(g, dict))


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [htmlmod.unescape(v) for v in values if isinstance(v, str)]


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Names from a string, a Person or Organization (or a reference to one), or a list of these."""
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = by_id.get(item["@id"], item)
        if isinstance(item, str) and not _is_url(item):
            names.append(htmlmod.unescape(item))
        elif isinstance(item, dict):
            names.extend(_strings(item.get("name")))
    return names
