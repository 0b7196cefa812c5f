"""Raw HTML that a briefing wrote itself, as the Word builder reads it.

Python-Markdown passes raw HTML through untouched: it stashes each inline tag
or entity, and each block of HTML, and leaves a placeholder in the tree's
text. The Word builder meets those placeholders: an inline tag switches a
format on or off (``<strong>``, ``<br>``), an entity is its character, and a
block is read into elements with the standard library's HTML parser and then
written like the rest of the tree.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, SubElement

# Inline tags that carry a format the builder writes; others only hold text.
FORMAT_TAGS = {
    "strong": "b",
    "b": "b",
    "em": "i",
    "i": "i",
    "del": "strike",
    "s": "strike",
    "strike": "strike",
    "code": "code",
    "sup": "sup",
}
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "wbr", "source"})
# Raw elements whose content a reader never sees.
HIDDEN = frozenset({"script", "style"})
# A complete character reference, as an HTML serializer leaves it alone: '&copy'
# without its ';' (which html.unescape would still decode) is text, as in
# Python-Markdown's HTML.
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[0-9a-zA-Z]+);")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")


def tag_of(raw: str) -> tuple[bool, str] | None:
    """``(closing, name)`` for a raw tag such as ``</strong>``; None for an entity or comment."""
    m = _TAG.match(raw)
    return (m.group(1) == "/", m.group(2).lower()) if m else None


def decode_entities(text: str) -> str:
    """``text`` with its complete character references decoded, and nothing else."""
    return _REFERENCE.sub(lambda m: html.unescape(m.group(0)), text)


def entity_text(raw: str) -> str:
    """The characters a raw entity (or any other raw text) stands for; tags and comments are dropped."""
    if raw.startswith("<"):
        return ""
    return decode_entities(raw)


def alt_text(raw: str) -> str:
    """A raw ``<img>`` tag's alternative text, which stands in for the picture."""
    image = parse_block(raw).find("img")
    return decode_entities(image.get("alt", "")) if image is not None else ""


def parse_block(raw: str) -> Element:
    """A block of raw HTML as elements under a ``div``, entities decoded, stray end tags ignored."""
    parser = _BlockParser()
    parser.feed(raw)
    parser.close()
    return parser.root


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("div")
        self._stack = [self.root]
        self._last: Element | None = None  # the element whose tail comes next, if any

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = SubElement(self._stack[-1], tag, _escaped(attrs))
        self._last = None
        if tag in VOID:
            self._last = element
        else:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._last = SubElement(self._stack[-1], tag, _escaped(attrs))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, 0, -1):
            if self._stack[i].tag == tag:
                self._last = self._stack[i]
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        # The parser decoded the references; the builder decodes the tree's
        # text itself, so '&' goes back to '&amp;' to be decoded exactly once.
        data = data.replace("&", "&amp;")
        if self._last is not None:
            self._last.tail = (self._last.tail or "") + data
        else:
            parent = self._stack[-1]
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "") + data
            else:
                parent.text = (parent.text or "") + data


def _escaped(attrs: list[tuple[str, str | None]]) -> dict[str, str]:
    return {key: (value or "").replace("&", "&amp;") for key, value in attrs}
