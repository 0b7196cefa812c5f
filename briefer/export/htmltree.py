"""A minimal element tree for Python-Markdown's HTML output.

``html.parser`` (rather than an XML parser) copes with HTML void elements and
named entities, and decodes every character reference, which is how escaped
characters in the Markdown come back as the literal characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "wbr", "source"})


@dataclass
class Node:
    tag: str  # "" for a text node
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)
    text: str = ""

    def find_all(self, tag: str) -> list["Node"]:
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found.extend(child.find_all(tag))
        return found

    def plain_text(self) -> str:
        return self.text if not self.tag else "".join(c.plain_text() for c in self.children)


class TreeBuilder:
    """Builds Nodes from start tags, end tags and text, as html.parser reports them."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.stack = [root]

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def start_end(self, tag: str, attrs: dict[str, str]) -> None:
        self.stack[-1].children.append(Node(tag, attrs))

    def end(self, tag: str) -> None:
        # Close up to the matching open element; ignore stray end tags.
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def data(self, text: str) -> None:
        self.stack[-1].children.append(Node("", text=text))


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tree = TreeBuilder(Node("root"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tree.start(tag, {k: v or "" for k, v in attrs})

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tree.start_end(tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        self.tree.end(tag)

    def handle_data(self, data: str) -> None:
        self.tree.data(data)


def parse_html(html: str) -> Node:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.tree.root
