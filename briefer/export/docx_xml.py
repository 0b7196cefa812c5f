"""WordprocessingML written as text, and parsed into python-docx elements in batches.

A 1,000-passage briefing has some 40,000 Word elements. Creating them one at
a time from Python (``OxmlElement``, python-docx's property setters, which
search the children for the schema position on every call, or even lxml's
``SubElement``) costs several microseconds each; writing the same XML as text
and letting lxml parse a batch of paragraphs costs a fraction of that. The
elements come out exactly as the one-at-a-time build made them.

lxml lets go of Python's global lock while it parses, with a parser of the
thread's own, so a :class:`ParseQueue` given a thread parses each batch
while the builder writes the next one: on a large annex about a tenth of the
build, done beside it on the second core.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future
from typing import Any

from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import element_class_lookup
from lxml import etree

W_RPR = qn("w:rPr")
_PARSERS = threading.local()  # lxml parsers are not to be shared between threads


def _parser() -> etree.XMLParser:
    """This thread's parser: python-docx's element classes, and unlike python-docx's own, blank text kept
    (a run's " "); huge_tree, as a paragraph may hold more than libxml2's default 10 MB text-node limit."""
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
        parser.set_element_class_lookup(element_class_lookup)
    return parser


_WRAPPER = f"<w:body {nsdecls('w', 'r')}>", "</w:body>"
BREAK_RUN = "<w:r><w:br/></w:r>"


def parse_elements(xml: str) -> list[Any]:
    """The elements of a run of sibling elements written with the ``w:`` and ``r:`` prefixes."""
    return list(etree.fromstring(f"{_WRAPPER[0]}{xml}{_WRAPPER[1]}", _parser()))


def parse_element(xml: str) -> Any:
    """One element written with the ``w:`` and ``r:`` prefixes, declaring them itself.

    Moving an element parsed inside a wrapper into the document makes lxml
    re-resolve every descendant's namespace against the wrapper: seconds for
    a table of 20,000 rows. An element that declares its own namespaces moves
    at once.
    """
    end = xml.index(">")
    if xml[end - 1] == "/":
        end -= 1
    return etree.fromstring(f"{xml[:end]} {nsdecls('w', 'r')}{xml[end:]}", _parser())


def _parse_one(xml: str) -> list[Any]:
    return [parse_element(xml)]


class ParseQueue:
    """Batches of WordprocessingML parsed while the next are written: on ``pool``'s thread, if given."""

    def __init__(self, pool: Executor | None = None) -> None:
        self._pool = pool
        self._batches: list[Future[list[Any]] | list[Any]] = []

    def put(self, xml: str, *, one_element: bool = False) -> None:
        """A batch of sibling elements (:func:`parse_elements`), or one that declares its namespaces
        (``one_element``, :func:`parse_element`)."""
        parse = _parse_one if one_element else parse_elements
        self._batches.append(self._pool.submit(parse, xml) if self._pool is not None else parse(xml))

    def take(self) -> list[Any]:
        """Every element parsed so far, in the order the batches were put (waiting for the last);
        a batch that failed to parse raises its error here."""
        elements: list[Any] = []
        for batch in self._batches:
            elements += batch.result() if isinstance(batch, Future) else batch
        self._batches = []
        return elements


def text(value: str) -> str:
    """``value`` escaped for element content."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    return value.replace(">", "&gt;") if ">" in value else value


def attr(value: str) -> str:
    """``value`` escaped for a double-quoted attribute."""
    value = text(value)
    return value.replace('"', "&quot;") if '"' in value else value


def paragraph(style: str | None, num_id: int | None, runs: str) -> str:
    """A paragraph: ``pPr`` (style, then numbering) and its runs."""
    if style is None and num_id is None:
        return f"<w:p>{runs}</w:p>"
    props = f'<w:pStyle w:val="{attr(style)}"/>' if style else ""
    if num_id is not None:
        props += f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>"


def styled_run(style: str, content: str) -> str:
    """A run in a character style holding ``content`` (a footnote mark)."""
    return f'<w:r><w:rPr><w:rStyle w:val="{attr(style)}"/></w:rPr>{content}</w:r>'


def table(style: str | None, widths: list[int], rows: list[list[str]], header_rows: int = 0) -> str:
    """A fixed-layout table as python-docx's ``add_table`` makes it, column widths in EMU.

    Each row lists its cells' paragraphs (WordprocessingML); a row with fewer
    cells than the table has columns is filled with empty cells. The first
    ``header_rows`` rows repeat at the top of every page the table runs onto,
    and are never split across pages.
    """
    twips = [round(width / 635) for width in widths]  # EMU to twips, rounded as python-docx does
    style_xml = f'<w:tblStyle w:val="{attr(style)}"/>' if style else ""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    parts = [
        f'<w:tbl><w:tblPr>{style_xml}<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
        f'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    total = sum(twips)
    parts[0] = parts[0].replace('<w:tblW w:type="auto" w:w="0"/>', f'<w:tblW w:type="dxa" w:w="{total}"/>')
    for index, cells in enumerate(rows):
        parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if index < header_rows else "<w:tr>")
        for column, w in enumerate(twips):
            content = cells[column] if column < len(cells) and cells[column] else "<w:p/>"
            parts.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr>{content}</w:tc>')
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)
