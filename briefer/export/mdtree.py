"""A fast reader for briefing Markdown: the tree ``parse_html(markdown_to_html(text))`` gives, without either.

Python-Markdown spends most of a large briefing's export applying fifteen
inline patterns to every piece of text, then the HTML it writes is parsed
again. Briefings use a small part of Markdown: escaped quotes, emphasis,
links, footnotes, ``<strong>``/``<br>``, entities. This module reads that
part the way Python-Markdown does (its regular expressions, its pattern
order, its tree, its whitespace) and builds the :class:`Node` tree html.parser
would have built from the HTML. Anything outside it (code, images, raw HTML,
underscores, nested emphasis, reference links...) makes :func:`markdown_tree`
return ``None``, and the caller uses Python-Markdown for the whole text, so a
template author never sees a difference; tests/export compare both readers.
"""

from __future__ import annotations

import copy
import re
from collections import deque
from xml.etree.ElementTree import Element, SubElement

from markdown import inlinepatterns as ip
from markdown import util
from markdown.extensions.footnotes import RE_REF_ID
from markdown.inlinepatterns import LinkInlineProcessor, ReferenceInlineProcessor

from briefer.export.htmltree import Node
from briefer.export.mdblocks import TAB, BlockParser, Unsupported, footnotes_div
from briefer.export.mdhtml import RAW_TAGS, prettify, write_nodes

_FLAGS = re.DOTALL | re.UNICODE  # how Python-Markdown compiles inline patterns
_BACKTICK = re.compile(ip.BACKTICK_RE, _FLAGS)
_ESCAPE = re.compile(ip.ESCAPE_RE, _FLAGS)
_FOOTNOTE_REF = re.compile(r"\[\^([^\]]*)\]", _FLAGS)
_LINK = re.compile(ip.LINK_RE, _FLAGS)
_REFERENCE_ID = ReferenceInlineProcessor.RE_LINK
_AUTOLINK = re.compile(ip.AUTOLINK_RE, _FLAGS)
_AUTOMAIL = re.compile(ip.AUTOMAIL_RE, _FLAGS)
_LINE_BREAK = re.compile(ip.LINE_BREAK_RE, _FLAGS)
_HTML = re.compile(ip.HTML_RE, _FLAGS)
_ENTITY = re.compile(ip.ENTITY_RE, _FLAGS)
_STAR = ip.Delimiter("*", "strong,em", False, False).boundary  # '*' is not "smart"
_STARS = re.compile(r"\*+")
_ESCAPED_CHARS = frozenset("\\`*_{}[]()>#+-.!|")  # Markdown.ESCAPED_CHARS with the tables extension
# Anything an inline pattern could act on; text without any of these is text.
_TRIGGERS = re.compile(r"[\\`\[!<&*_]|  \n")
# What html.parser (Python-Markdown's raw-HTML pass, and the final parse) would
# treat as markup: raw HTML other than the tags templates write, and '&' that
# does not start an entity.
_MARKUP = re.compile(r"<[a-zA-Z/!?]|&")
_ALLOWED_MARKUP = re.compile(r"<strong>|</strong>|<br>|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);")
_LINK_DEST = re.compile(r"\]\(\s*<(?:https?|ftp|mailto):[^<>\"']*>", re.I)
_PLACE_MARKER = "///Footnotes Go Here///"
_PLACEHOLDER = util.INLINE_PLACEHOLDER_PREFIX


def markdown_tree(text: str) -> Node | None:
    """``parse_html(markdown_to_html(text))``, or None when the text needs Python-Markdown.

    ``text`` has already been through ``strip_control`` (no control characters, ``\\n`` line ends).
    """
    root = Node("root")
    if not text.strip():
        return root
    if _PLACE_MARKER in text or not _markup_is_plain(text):
        return None
    # Python-Markdown's NormalizeWhitespace; its raw-HTML pass leaves such text as it is.
    source = re.sub(r"(?<=\n) +\n", "\n", (text + "\n\n").expandtabs(TAB))
    try:
        parser = BlockParser()
        tree = Element("div")
        parser.parse_chunk(tree, source)
        div = footnotes_div(parser)
        if div is not None:
            tree.append(div)
        inline = _Inline(parser.footnotes)
        inline.run(tree)
    except Unsupported:
        return None
    inline.add_duplicate_backlinks(tree)
    prettify(tree)
    write_nodes(tree, root, inline.html)
    return root


def _markup_is_plain(text: str) -> bool:
    """True when every '<' or '&' html.parser would act on is one the fast reader knows."""
    if not _MARKUP.search(text):
        return True
    text = _LINK_DEST.sub("](", text)
    for m in _MARKUP.finditer(text):
        if not _ALLOWED_MARKUP.match(text, m.start()):
            return False
    return True


class _Inline:
    """Python-Markdown's InlineProcessor tree walk, with the supported patterns applied directly."""

    def __init__(self, footnotes: dict[str, str]) -> None:
        self.stash: dict[str, Element] = {}
        self.html: list[str] = []  # the raw-HTML stash: tags and entities, restored when writing
        self.footnote_number = {note_id: n for n, note_id in enumerate(footnotes, 1)}
        self.used_refs: set[str] = set()
        self.found_refs: dict[str, int] = {}

    # ------------------------------------------------------- the tree walk
    def run(self, tree: Element) -> None:
        """InlineProcessor.run, line for line (its queue order decides duplicate footnote ids)."""
        stack = deque([tree])  # a queue: Python-Markdown pops from the front
        while stack:
            current = stack.popleft()
            insert_queue = []
            for child in current:
                if child.text:
                    text = self.inline(child.text)
                    if _PLACEHOLDER not in text:  # nothing but text: it stays the element's text
                        child.text = text
                    else:
                        child.text = None
                        nodes = self._to_nodes(text, child, True)
                        stack += nodes
                        insert_queue.append((child, nodes))
                if child.tail:
                    tail = self.inline(child.tail)
                    if _PLACEHOLDER not in tail:
                        child.tail = tail
                        if len(child):
                            stack.append(child)
                        continue
                    dummy = Element("d")
                    child.tail = None
                    tail_nodes = self._to_nodes(tail, dummy, False)
                    if dummy.tail:
                        child.tail = dummy.tail
                    pos = list(current).index(child) + 1
                    for node in reversed(tail_nodes):
                        current.insert(pos, node)
                if len(child):
                    stack.append(child)
            for element, nodes in insert_queue:
                for i, node in enumerate(nodes):
                    element.insert(i, node)

    def _to_nodes(self, data: str, parent: Element, is_text: bool) -> list[Element]:
        """InlineProcessor.__processPlaceholders: text around placeholders goes to text and tails."""
        result: list[Element] = []

        def link_text(text: str) -> None:
            if not text:
                return
            if result:
                result[-1].tail = (result[-1].tail or "") + text
            elif not is_text:
                parent.tail = (parent.tail or "") + text
            else:
                parent.text = (parent.text or "") + text

        start = 0
        while data:
            index = data.find(util.INLINE_PLACEHOLDER_PREFIX, start)
            if index == -1:
                link_text(data[start:])
                break
            m = util.INLINE_PLACEHOLDER_RE.search(data, index)
            node = self.stash.get(m.group(1)) if m else None
            if node is None:  # a broken placeholder is text
                end = index + len(util.INLINE_PLACEHOLDER_PREFIX)
                link_text(data[start:end])
                start = end
                continue
            if index > 0:
                link_text(data[start:index])
            for child in [node, *node]:
                if child.tail and child.tail.strip():
                    self._element_text(node, child, False)
                if child.text and child.text.strip():
                    self._element_text(child, child, True)
            assert m is not None
            start = m.end()
            result.append(node)
        return result

    def _element_text(self, node: Element, subnode: Element, is_text: bool) -> None:
        if is_text:
            text, subnode.text = subnode.text, None
        else:
            text, subnode.tail = subnode.tail, None
        nodes = self._to_nodes(text or "", subnode, is_text)
        pos = 0 if is_text or node is subnode else list(node).index(subnode) + 1
        for new in reversed(nodes):
            node.insert(pos, new)

    # -------------------------------------------------------------- patterns
    def inline(self, data: str, after_link: bool = False) -> str:
        """InlineProcessor.__handleInline: the patterns in priority order, each over the whole text.

        ``after_link`` starts after the link pattern, as for a link's text.
        """
        if not _TRIGGERS.search(data):
            return data
        if not after_link:
            if "`" in data and _BACKTICK.search(data):
                raise Unsupported("code span")
            if "\\" in data:
                data = _ESCAPE.sub(_escape, data)
            if "[" in data:
                data = _FOOTNOTE_REF.sub(self._footnote_ref, data)
                data = self._links(data)
        if "[" in data:
            raise Unsupported("image, reference link or bracket")
        if "<" in data and (_AUTOLINK.search(data) or _AUTOMAIL.search(data)):
            raise Unsupported("automatic link")
        if "  \n" in data:
            data = _LINE_BREAK.sub(lambda m: self._stash(Element("br")), data)
        if "<" in data:
            data = _HTML.sub(self._raw_html, data)
        if "&" in data:
            data = _ENTITY.sub(lambda m: self._raw(m.group(1)), data)
        if "_" in data:
            raise Unsupported("underscore emphasis rules")
        if "*" in data:
            data = self._emphasis(data)
        return data

    def _stash(self, node: Element) -> str:
        key = f"{len(self.stash):04d}"
        self.stash[key] = node
        return util.INLINE_PLACEHOLDER % key

    def _raw(self, raw: str) -> str:
        self.html.append(raw)
        return util.HTML_PLACEHOLDER % (len(self.html) - 1)

    def _raw_html(self, m: re.Match[str]) -> str:
        if m.group(1) not in RAW_TAGS:
            raise Unsupported("raw HTML")
        return self._raw(m.group(1))

    def _footnote_ref(self, m: re.Match[str]) -> str:
        """FootnoteInlineProcessor: a defined ``[^id]`` becomes ``<sup><a>``."""
        note_id = m.group(1)
        if note_id not in self.footnote_number:
            raise Unsupported("reference to an undefined footnote")
        sup = Element("sup", {"id": self._unique_ref(f"fnref:{note_id}")})
        SubElement(sup, "a", {"href": f"#fn:{note_id}", "class": "footnote-ref"}).text = \
            str(self.footnote_number[note_id])
        return self._stash(sup)

    def _unique_ref(self, reference: str) -> str:
        """FootnoteExtension.unique_ref: a second reference to a note gets ``fnref2:``."""
        original = reference
        while reference in self.used_refs:
            ref, rest = reference.split(":", 1)
            m = RE_REF_ID.match(ref)
            reference = f"{m.group(1)}{int(m.group(2)) + 1}:{rest}" if m else f"{ref}2:{rest}"
        self.used_refs.add(reference)
        self.found_refs[original] = self.found_refs.get(original, 0) + 1
        return reference

    def _links(self, data: str) -> str:
        """The reference-link pattern (unsupported when it would match) and the link pattern."""
        for m in _LINK.finditer(data):
            _text, index, handled = LinkInlineProcessor.getText(self, data, m.end())  # type: ignore[arg-type]
            if handled and _REFERENCE_ID.match(data, index):
                raise Unsupported("reference link")
        pos = 0
        while (m := _LINK.search(data, pos)) is not None:
            text, index, handled = LinkInlineProcessor.getText(self, data, m.end())  # type: ignore[arg-type]
            if handled:
                href, title, index, handled = LinkInlineProcessor.getLink(self, data, index)  # type: ignore[arg-type]
            if not handled:
                pos = m.end()
                continue
            a = Element("a", {"href": href})
            if title is not None:
                a.set("title", title)
            a.text = self.inline(text, after_link=True)
            placeholder = self._stash(a)
            data = f"{data[:m.start()]}{placeholder}{data[index:]}"
            pos = m.start() + len(placeholder)
        return data

    # LinkInlineProcessor.getLink reads these from its instance.
    RE_LINK = LinkInlineProcessor.RE_LINK
    RE_TITLE_CLEAN = LinkInlineProcessor.RE_TITLE_CLEAN

    def unescape(self, text: str) -> str:
        """Pattern.unescape: placeholders in a link's address become their text."""
        def text_of(m: re.Match[str]) -> str:
            node = self.stash.get(m.group(1))
            return "" if node is None else "".join(node.itertext())

        return util.INLINE_PLACEHOLDER_RE.sub(text_of, text)

    def _emphasis(self, data: str) -> str:
        """DelimiterProcessor for '*', for the cases whose outcome is plain: ``*a*`` and ``**a**`` pairs.

        A run the boundary rules reject, or a closing run with nothing open,
        stays text (Python-Markdown skips it); an opening run needs the very
        next run to close it with the same length, else the text is left to
        Python-Markdown (nesting, ``***``, rule of three).
        """
        pos = 0
        while (start := data.find("*", pos)) != -1:
            m = _STAR.match(data, start)
            if m is None:
                pos = _STARS.match(data, start).end()  # type: ignore[union-attr]
                continue
            if m.lastgroup == "end":
                pos = m.end()
                continue
            size = m.end() - start
            close = data.find("*", m.end())
            if close == -1:  # never closed: the run is text
                pos = m.end()
                continue
            c = _STAR.match(data, close)
            if size > 2 or c is None or c.lastgroup == "start" or c.end() - close != size:
                raise Unsupported("nested or unbalanced emphasis")
            node = Element("strong" if size == 2 else "em")
            node.text = data[m.end():close]
            placeholder = self._stash(node)
            data = f"{data[:start]}{placeholder}{data[c.end():]}"
            pos = start + len(placeholder)
        return data

    # ------------------------------------------------------------ footnotes
    def add_duplicate_backlinks(self, tree: Element) -> None:
        """FootnotePostTreeprocessor: one back-link per reference to a note."""
        for div in tree.iter("div"):
            if div.get("class", "") != "footnote":
                continue
            for ol in div.iter("ol"):
                for li in list(ol):
                    fn, rest = li.get("id", "").split(":", 1)
                    count = self.found_refs.get(f"{fn}ref:{rest}", 0)
                    if count > 1:
                        _add_backlinks(li, count)
                break


def _escape(m: re.Match[str]) -> str:
    if m.group(1) not in _ESCAPED_CHARS:
        raise Unsupported("backslash before an ordinary character")
    return f"{util.STX}{ord(m.group(1))}{util.ETX}"


def _add_backlinks(li: Element, count: int) -> None:
    for link in li.iter("a"):
        if link.get("class", "") == "footnote-backref":
            ref, rest = link.get("href", "").split(":", 1)
            copies = []
            for index in range(2, count + 1):
                extra = copy.deepcopy(link)
                extra.set("href", f"{ref}{index}:{rest}")
                copies.append(extra)
            list(li)[-1].extend(copies)
            return
