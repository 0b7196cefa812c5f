"""Python-Markdown's last steps for the fast reader: the HTML tree as html.parser would read it back.

Python-Markdown prettifies its tree (newlines between blocks), restores
escaped characters, serialises it to HTML and puts raw HTML back in; the
Word builder then parses that HTML. This module goes from the tree straight
to the :class:`Node` tree the parse would give: the same text pieces, the
same entities decoded, raw ``<strong>`` tags opening and closing the way
html.parser lets them.
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import HTML_EMPTY, Element

from markdown import util

from briefer.export.htmltree import VOID, Node, TreeBuilder
from briefer.export.mdblocks import BACKLINK, NBSP

# The raw HTML the fast reader lets through, as html.parser events.
RAW_TAGS = {"<strong>": ("start", "strong"), "</strong>": ("end", "strong"), "<br>": ("start", "br")}
_BLOCK_LEVEL = frozenset(util.BLOCK_LEVEL_ELEMENTS)
_UNESCAPE = re.compile(f"{util.STX}(\\d+){util.ETX}")
_AMP = re.compile(r"&(?!(?:\#[0-9]+|\#x[0-9a-f]+|[0-9a-z]+);)", re.I)  # what the serializer escapes


def prettify(tree: Element) -> None:
    """PrettifyTreeprocessor: newlines between blocks and after line breaks."""
    _prettify(tree)
    for br in tree.iter("br"):
        br.tail = "\n" if not br.tail or not br.tail.strip() else f"\n{br.tail}"


def write_nodes(tree: Element, root: Node, raw_html: list[str]) -> None:
    """The document's content as Nodes under ``root``."""
    _Writer(root, raw_html).document(tree)


def _prettify(elem: Element) -> None:
    """PrettifyTreeprocessor: the newlines Python-Markdown puts between blocks (all tags here are lower case)."""
    if elem.tag in _BLOCK_LEVEL and elem.tag not in ("code", "pre"):
        if (not elem.text or not elem.text.strip()) and len(elem) and elem[0].tag in _BLOCK_LEVEL:
            elem.text = "\n"
        for child in elem:
            if child.tag in _BLOCK_LEVEL:
                _prettify(child)
    if not elem.tail or not elem.tail.strip():
        elem.tail = "\n"


def _restore_escapes(text: str) -> str:
    """UnescapeTreeprocessor (no code elements here): backslash-escaped characters back."""
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1))), text)


class _Writer:
    """What serialising the tree to HTML and parsing it back with html.parser gives, without either step.

    Elements open and close in order; only raw ``<strong>`` tags can close
    out of order, so closing follows html.parser's rule (TreeBuilder.end).
    Escaped characters are restored here (UnescapeTreeprocessor).
    """

    def __init__(self, root: Node, raw_html: list[str]) -> None:
        self.builder = TreeBuilder(root)
        self.raw_html = raw_html
        self.chunk: list[str] = []  # text up to the next tag, as html.parser would receive it

    def document(self, tree: Element) -> None:
        # Python-Markdown strips the whitespace around the document's content.
        children = list(tree)
        for i, child in enumerate(children):
            self.element(child, with_tail=i < len(children) - 1 or bool(child.tail and child.tail.strip()))
        self.flush()

    def element(self, elem: Element, with_tail: bool = True) -> None:
        chunk = self.chunk
        if chunk:
            self.flush()
        tag, attrib = elem.tag, elem.attrib
        stack = self.builder.stack
        node = Node(tag, {key: _attribute(value) for key, value in attrib.items()} if attrib else {}, [], "")
        stack[-1].children.append(node)
        text = elem.text
        if not len(elem) and (not text or (util.STX not in text and "&" not in text)):
            # Most elements: nothing inside but plain text, which is then one text node.
            if text:
                node.children.append(Node("", {}, [], text))
        else:
            self._content(elem, node, stack)
        if with_tail:
            tail = elem.tail
            if tail:
                if util.STX in tail or "&" in tail:
                    self.text(tail)
                else:
                    chunk.append(tail)

    def _content(self, elem: Element, node: Node, stack: list[Node]) -> None:
        """An element's text and children, then its end tag as html.parser would close it."""
        chunk, tag, text = self.chunk, elem.tag, elem.text
        if tag not in VOID:
            stack.append(node)
        if text:
            if util.STX in text or "&" in text:
                self.text(text)
            else:
                chunk.append(text)
        for child in elem:
            self.element(child)
        if tag not in HTML_EMPTY:
            if chunk:
                self.flush()
            if stack[-1] is node:
                stack.pop()
            else:
                self.builder.end(tag)

    def text(self, text: str) -> None:
        if util.STX not in text:
            self.chunk.append(_AMP.sub("&amp;", text) if "&" in text else text)
            return
        text = _restore_escapes(text)
        for i, part in enumerate(util.HTML_PLACEHOLDER_RE.split(text)):
            if i % 2 == 0:  # text between raw-HTML placeholders
                part = _AMP.sub("&amp;", part) if "&" in part else part
                self.chunk.append(part.replace(BACKLINK, "&#8617;").replace(NBSP, "&#160;"))
                continue
            raw = self.raw_html[int(part)]
            tag = RAW_TAGS.get(raw)
            if tag is None:  # an entity: text to html.parser
                self.chunk.append(raw)
                continue
            self.flush()
            self.builder.start(tag[1], {}) if tag[0] == "start" else self.builder.end(tag[1])

    def flush(self) -> None:
        chunk = self.chunk
        if chunk:
            data = chunk[0] if len(chunk) == 1 else "".join(chunk)
            chunk.clear()  # element() holds on to this list
            if data:  # html.parser reports no empty text
                self.builder.stack[-1].children.append(Node("", {}, [], html.unescape(data) if "&" in data else data))


def _attribute(value: str) -> str:
    if util.STX in value:
        value = _restore_escapes(value)
    return html.unescape(_AMP.sub("&amp;", value)) if "&" in value else value
