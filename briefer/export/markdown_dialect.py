"""The briefing dialect: Python-Markdown with footnotes, tables and sane lists.

One engine reads every briefing: the window's preview asks it for HTML, the
Word builder for the element tree its parser and tree processors produce
(:func:`parse_briefing`), so no HTML is written and parsed back on the way to
Word. :class:`BriefingExtension` adds nothing to the syntax; it only keeps a
large briefing (an evidence annex of 20,000 footnoted quotes) fast, through
Python-Markdown's public extension API:

- text with nothing an inline pattern could act on (most quote text) is
  marked :class:`~markdown.util.AtomicString` before the inline pass, which
  then skips its fifteen patterns for it; for the Word builder, so is a cited
  quote whose only such things are footnote references, line breaks and a
  table cell's ``<br>``, read ahead with the registered patterns themselves;
- footnote references are numbered, and the notes ordered, through
  dictionaries: the footnotes extension looks each one up in a list, which
  made an annex's 20,000 notes take minutes;
- a table whose rows hold no code span is split into cells directly
  (:mod:`briefer.export.markdown_tables`), not by the tables extension's
  scanner, which reads every character of an annex's 40,000 rows;
- for the Word builder, the inline pass runs on a few blocks at a time
  (:class:`InlineByBlock`): its work list, taken from the front, made an
  annex's pass quadratic;
- for the Word builder, a last tree processor keeps the finished tree and
  hands the serializer an empty one;
- the ``docx(...)`` directive comments templates write on lines of their own
  (one per passage in a memo) are stashed as raw HTML by
  :class:`DirectiveLines`, with the lines around them exactly as
  Python-Markdown's HTML block preprocessor leaves them, so that its HTML
  parser does not have to find them one by one (only where that is certain:
  see the class).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, SubElement

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.extensions.footnotes import (
    FootnoteExtension,
    FootnoteInlineProcessor,
    FootnoteReorderingProcessor,
)
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.inlinepatterns import HtmlInlineProcessor, InlineProcessor
from markdown.postprocessors import RawHtmlPostprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor as InlinePass
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor

from briefer.export.card_markup import DIRECTIVE_LINE
from briefer.export.markdown_tables import SimpleRowTables

# python-docx (lxml) refuses XML-illegal characters: C0 controls except tab
# and newline, lone surrogates, U+FFFE/U+FFFF. They go before Markdown sees the
# text, so none can pose as one of Python-Markdown's own STX/ETX placeholders.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

# The line break a table cell writes (escape_cell): raw HTML read without the inline pass.
_LINE_BREAK_TAG = re.compile(r"<br ?/?>", re.IGNORECASE)

# Every character an inline pattern of this dialect starts with (escapes, code,
# emphasis, links, images, footnotes, raw HTML, autolinks), and the hard line
# break. Text without any of them comes out of the inline pass as it went in.
# An entity ('&amp;') is no trigger: the entity pattern keeps it as raw HTML,
# and the serializer writes it unchanged from plain text all the same.
_INLINE_TRIGGERS = re.compile(r"[\\`*_\[<]|  \n")

# A character reference html.parser does not take whole ("&#;", "&#x", "&#12a").
# On one it stops, and what it does next depends on the rest of the text (a ";"
# anywhere after it): not something DirectiveLines can vouch for.
_LOOSE_CHARREF = re.compile(r"&#(?![0-9]+;|[xX][0-9a-fA-F]+;)")

# A start or end tag whose html.parser reading ends at its ">" (see _inline_tags_only).
_PLAIN_TAG = re.compile(r"</?[a-zA-Z][^<>\"'`]*>")

EXTENSIONS = ("footnotes", "tables", "sane_lists")


def strip_control(text: str) -> str:
    """``text`` with Windows and old Mac line ends made ``\\n`` and XML-illegal characters removed."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class BriefingTree:
    """A briefing as Python-Markdown's finished element tree.

    ``raw_html`` is Python-Markdown's stash of raw HTML (the tags and entities
    the text wrote itself), indexed by the placeholders left in the tree's text.
    """

    root: Element
    raw_html: list[str]
    # Python-Markdown's own UnescapeTreeprocessor.unescape: backslash-escaped
    # characters are still placeholders in the tree's text and attributes.
    unescape: Callable[[str], str] = staticmethod(lambda text: text)
    # Python-Markdown's own RawHtmlPostprocessor.isblocklevel: whether a stashed
    # piece of raw HTML replaces the paragraph that holds its placeholder.
    is_block_html: Callable[[str], bool] = staticmethod(lambda raw: False)


def briefing_markdown(*, keep_tree: bool = False, _directive_lines: bool = True) -> markdown.Markdown:
    """A fresh Python-Markdown instance for the briefing dialect (one per conversion: not thread-safe).

    ``_directive_lines=False`` leaves directive comments to Python-Markdown's
    own HTML block preprocessor: for the tests that compare the two.
    """
    extension = BriefingExtension(keep_tree=keep_tree, directive_lines=_directive_lines)
    return markdown.Markdown(extensions=[*EXTENSIONS, extension], output_format="html")


def markdown_to_html(text: str, *, _directive_lines: bool = True) -> str:
    """The briefing as HTML, exactly as Python-Markdown writes it (``_directive_lines``: see briefing_markdown)."""
    return briefing_markdown(_directive_lines=_directive_lines).convert(strip_control(text))


def parse_briefing(text: str, *, _directive_lines: bool = True) -> BriefingTree:
    """The briefing as Python-Markdown's element tree, without writing it out as HTML.

    ``_directive_lines``: see :func:`briefing_markdown`.
    """
    md = briefing_markdown(keep_tree=True, _directive_lines=_directive_lines)
    md.convert(strip_control(text))
    keeper = md.treeprocessors[_KEEP_TREE]
    assert isinstance(keeper, _KeepTree)
    tree = BriefingTree(keeper.take(), [str(raw) for raw in md.htmlStash.rawHtmlBlocks])
    if keeper.unescaper is not None:
        tree.unescape = keeper.unescaper.unescape
    raw_html = md.postprocessors["raw_html"] if "raw_html" in md.postprocessors else None
    if isinstance(raw_html, RawHtmlPostprocessor):
        tree.is_block_html = raw_html.isblocklevel
    return tree


class BriefingExtension(Extension):
    """Registers the dialect's speed-ups (see the module docstring); the syntax is Python-Markdown's."""

    def __init__(self, *, keep_tree: bool = False, directive_lines: bool = True, **kwargs: Any) -> None:
        self.keep_tree = keep_tree
        self.directive_lines = directive_lines
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        if self.directive_lines:
            # On the lines as normalize_whitespace (30) leaves them, before html_block (20).
            md.preprocessors.register(DirectiveLines(md), "briefing-directive-lines", 25)
        tables = md.parser.blockprocessors["table"] if "table" in md.parser.blockprocessors else None
        if isinstance(tables, TableProcessor):
            # Same name and priority as the tables extension's own, which it hands the rest;
            # EXTENSIONS loads the extension by name, so with its default configuration.
            align = bool(TableExtension().getConfig("use_align_attribute"))
            md.parser.blockprocessors.register(SimpleRowTables(md.parser, tables, align_attribute=align), "table", 75)
        footnotes = _footnote_extension(md)
        if footnotes is not None:
            # Same names and priorities as the footnotes extension's own, which they replace.
            own = md.inlinePatterns["footnote"] if "footnote" in md.inlinePatterns else None
            if isinstance(own, InlineProcessor):  # its own syntax, taken from it
                pattern = own.getCompiledRegExp().pattern
                md.inlinePatterns.register(NumberedFootnoteReferences(footnotes, pattern), "footnote", 175)
            if "footnote-reorder" in md.treeprocessors:
                md.treeprocessors.register(FootnoteOrder(footnotes), "footnote-reorder", 19)
        by_blocks = False
        if self.keep_tree:
            inline = md.treeprocessors["inline"] if "inline" in md.treeprocessors else None
            by_definition = footnotes is None or bool(footnotes.getConfig("USE_DEFINITION_ORDER"))
            if isinstance(inline, InlinePass) and by_definition:
                md.treeprocessors.register(InlineByBlock(md, inline), "inline", 20)
                by_blocks = True
        # After the footnotes are gathered (50), before the inline pass (20).
        marker = PlainTextMarker(md)
        if self.keep_tree and footnotes is not None:
            # A cell's <br> is read ahead of the pass only when the pass's stash is there to ask (InlineByBlock).
            marker.read_citations(footnotes, line_break_tags=by_blocks)
        md.treeprocessors.register(marker, "briefing-plain-text", 21)
        if self.keep_tree:
            keeper = _KeepTree(md)
            # Only whitespace between blocks, which Word has no use for.
            md.treeprocessors.deregister("prettify", strict=False)
            # Restoring escaped characters walks every text of the tree; the Word
            # builder calls the same processor's unescape on the few texts that
            # hold an escape (an STX), as it writes them.
            if "unescape" in md.treeprocessors:
                unescaper = md.treeprocessors["unescape"]
                if isinstance(unescaper, UnescapeTreeprocessor):
                    keeper.unescaper = unescaper
                    md.treeprocessors.deregister("unescape")
            # After the last of Python-Markdown's own.
            md.treeprocessors.register(keeper, _KEEP_TREE, -100)


_KEEP_TREE = "briefing-keep-tree"


def _footnote_extension(md: markdown.Markdown) -> FootnoteExtension | None:
    for extension in md.registeredExtensions:
        if isinstance(extension, FootnoteExtension):
            return extension
    return None


class DirectiveLines(Preprocessor):
    """Stashes the lines that are a ``docx(...)`` directive comment, as the HTML block preprocessor would.

    Python-Markdown's HTML block preprocessor finds raw HTML with html.parser,
    and each comment costs it more than a paragraph of text does. A standalone
    comment line it stores in the stash, with a newline added when a blank
    line follows, and leaves in its place: an empty line first unless one is
    there already, the placeholder, and two empty lines. This does the same for
    directive lines, so the HTML parser never sees them.

    Only when that is certainly what the parser would do with every one of
    them; otherwise the text is left whole to Python-Markdown. The parser reads
    a comment line as a standalone block unless something before it is still
    open: a raw HTML block (a ``<div>`` at the start of a line takes in what
    follows it), a comment or tag that runs on to later lines (an unclosed
    ``<!--`` ends at the next ``-->``), or an inline tag opened since the last
    blank line and closed after the comment (the comment then stays inline).
    So every other ``<`` must open a plain tag, ``<em>`` or ``</em>`` or a
    link's ``<https://...>``, that ends on its own line and has text before it
    there; no such tag may stand between the last blank line and a directive;
    and there may be no character reference html.parser stops at. With these,
    what the parser does with the rest of the text does not depend on the
    directive lines, so the stash holds the same HTML at the same indices and
    the lines come out the same.
    """

    def run(self, lines: list[str]) -> list[str]:
        directives: list[int] = []
        tags_since_blank = False
        for k, line in enumerate(lines):
            if "<" not in line:
                # Not the first line: the parser sees a blank line only between two line ends.
                if not line and k:
                    tags_since_blank = False
            elif line.startswith("<!--") and DIRECTIVE_LINE.fullmatch(line):
                if tags_since_blank:
                    return lines
                directives.append(k)
            elif _inline_tags_only(line):
                tags_since_blank = True
            else:
                return lines
        if not directives or _LOOSE_CHARREF.search("\n".join(lines)):
            return lines
        store = self.md.htmlStash.store
        last = len(lines) - 1
        out: list[str] = []
        start = 0
        for k in directives:
            out += lines[start:k]
            # The parser makes the line before a blank one, unless it is already
            # blank (the first line of a text never counts as blank: nothing
            # ends before it).
            if k > 0 and not (k > 1 and lines[k - 1] == ""):
                out.append("")
            # It keeps a following blank line (spaces only, and a line end after
            # it) as a newline in the stashed HTML.
            blank_after = k + 1 < last and not lines[k + 1].strip(" ")
            out += (store(lines[k] + "\n" if blank_after else lines[k]), "", "")
            start = k + 1
        out += lines[start:]
        return out


def _inline_tags_only(line: str) -> bool:
    """Whether every ``<`` in ``line`` opens a plain tag that ends on the line, after some text.

    After text, a tag is never the start of a raw HTML block. Without quotes
    or backticks before its ``>``, html.parser's reading of it, as a tag or as
    text, ends there.
    """
    pos = line.find("<")
    if not line[:pos].strip():
        return False
    while pos != -1:
        if not _PLAIN_TAG.match(line, pos):
            return False
        pos = line.find("<", pos + 1)
    return True


class PlainTextMarker(Treeprocessor):
    """Marks text that no inline pattern can change as atomic, so the inline pass skips it.

    For the Word builder it also reads the commonest text of a briefing, a
    cited quote, ahead of the inline pass: when the only things in a text that
    an inline pattern acts on are footnote references and hard line breaks,
    the registered ``footnote`` and ``linebreak`` patterns themselves make
    their elements (their own regular expressions, their own ``handleMatch``)
    and the text around them is atomic. The inline pass would make the same
    elements, but in another order: repeated references' back-link ids
    (``fnref2:``) can differ, and so can the numbers when notes are numbered by
    first reference (``USE_DEFINITION_ORDER=False``); Word footnotes have no
    back-links and Word numbers its footnotes itself. HTML output never takes
    this path.
    """

    _simple: list[InlineProcessor] = []
    _footnotes: FootnoteExtension | None = None

    def read_citations(self, footnotes: FootnoteExtension, *, line_break_tags: bool = False) -> None:
        """Take footnote references and line breaks out of cited quotes (the Word builder's path);
        with ``line_break_tags``, also the ``<br>`` of table cells (an annex's multi-paragraph quotes)."""
        self._simple = []
        for name in ("footnote", "linebreak", "html") if line_break_tags else ("footnote", "linebreak"):
            pattern = self.md.inlinePatterns[name] if name in self.md.inlinePatterns else None
            if isinstance(pattern, InlineProcessor):
                self._simple.append(pattern)
        self._footnotes = footnotes

    def run(self, root: Element) -> None:
        atomic = util.AtomicString
        search = _INLINE_TRIGGERS.search
        for element in list(root.iter()):
            text = element.text
            # The inline pass looks at an element's text only when it is not
            # atomic; tails it always reads, so only text is marked.
            if not text or isinstance(text, atomic):
                continue
            if not search(text):
                element.text = atomic(text)
            elif self._simple and not len(element):
                self._read_simple(element, text)

    def _read_simple(self, element: Element, text: str) -> None:
        matches = sorted(
            ((m, pattern) for pattern in self._simple for m in pattern.getCompiledRegExp().finditer(text)),
            key=lambda mp: mp[0].start(),
        )
        if not matches:
            return
        rest, pos = [], 0
        for m, _pattern in matches:
            if m.start() < pos:
                return  # overlapping matches: the inline pass decides
            if "\\" in m.group(0) or "`" in m.group(0):
                return  # the escape and code patterns come first and may take the label apart
            if isinstance(_pattern, HtmlInlineProcessor) and not _LINE_BREAK_TAG.fullmatch(m.group(0)):
                return  # raw HTML other than a cell's line break (<br>): the inline pass reads it
            rest.append(text[pos : m.start()])
            pos = m.end()
        rest.append(text[pos:])
        if _INLINE_TRIGGERS.search("".join(rest)):
            return  # something else to act on: the inline pass reads it all
        assert self._footnotes is not None
        if any(
            isinstance(p, FootnoteInlineProcessor) and m.group(1) not in self._footnotes.footnotes for m, p in matches
        ):
            return  # an undefined note stays text, for the other patterns to read
        atomic = util.AtomicString
        text_so_far, last = rest[0], None
        for (m, pattern), tail in zip(matches, rest[1:], strict=True):
            node, _start, _end = pattern.handleMatch(m, text)
            if isinstance(node, str):  # a <br>, stashed as raw HTML: its placeholder stays in the text
                text_so_far += node + tail
                continue
            assert isinstance(node, Element)
            if last is None:
                element.text = atomic(text_so_far)
            else:
                last.tail = atomic(text_so_far)
            element.append(node)
            last, text_so_far = node, tail
        if last is None:
            element.text = atomic(text_so_far)
        else:
            last.tail = atomic(text_so_far)


class NumberedFootnoteReferences(FootnoteInlineProcessor):
    """The footnotes extension's reference pattern, numbering each note from a dictionary.

    Its own looks every reference up in a list (of the definitions, or of the
    notes referred to so far): quadratic in the number of notes. The numbers
    are the same: definition order by default, order of first reference when
    the extension is configured ``USE_DEFINITION_ORDER=False``.
    """

    def __init__(self, footnotes: FootnoteExtension, pattern: str) -> None:
        super().__init__(pattern, footnotes)
        self._document: object | None = None  # the extension's notes, replaced on each reset
        self._numbers: dict[str, int] = {}

    # Python-Markdown's InlineProcessor changes Pattern.handleMatch's signature; its stubs say so the same way.
    def handleMatch(  # type: ignore[override]  # noqa: N802
        self, m: re.Match[str], data: str
    ) -> tuple[Element | None, int | None, int | None]:
        footnotes = self.footnotes
        note_id = m.group(1)
        if note_id not in footnotes.footnotes:
            return None, None, None
        by_definition = footnotes.getConfig("USE_DEFINITION_ORDER")
        if footnotes.footnotes is not self._document:  # a new document: every definition is read by now
            self._document = footnotes.footnotes
            self._numbers = {key: n for n, key in enumerate(footnotes.footnotes, 1)} if by_definition else {}
        number = self._numbers.get(note_id)
        if number is None:  # first referred to (only when numbered by reference)
            footnotes.footnote_order.append(note_id)
            number = self._numbers[note_id] = len(footnotes.footnote_order)
        sup = Element("sup")
        sup.set("id", footnotes.makeFootnoteRefId(note_id, found=True))
        link = SubElement(sup, "a")
        link.set("href", "#" + footnotes.makeFootnoteId(note_id))
        link.set("class", "footnote-ref")
        # The number is final: no inline pattern needs to look at it.
        link.text = util.AtomicString(footnotes.getConfig("SUPERSCRIPT_TEXT").format(number))
        return sup, m.start(0), m.end(0)


class FootnoteOrder(FootnoteReorderingProcessor):
    """The footnotes extension's reordering (notes in the order they are first referred to), by dictionary."""

    def reorder_footnotes(self, parent: Element) -> None:
        footnotes = self.footnotes
        old_list = parent.find("ol")
        if old_list is None:
            return
        parent.remove(old_list)
        position = {note_id: index for index, note_id in enumerate(footnotes.footnote_order)}
        unreferenced = len(footnotes.footnotes)
        separator = footnotes.get_separator()
        items = sorted(
            old_list.findall("li"), key=lambda li: position.get(li.get("id", "").split(separator, 1)[-1], unreferenced)
        )
        new_list = SubElement(parent, "ol")
        title = footnotes.getConfig("BACKLINK_TITLE")
        for index, item in enumerate(items, start=1):
            for link in item.iter("a"):
                if link.get("class") == "footnote-backref":
                    link.set("title", title.format(index))
                    break
            new_list.append(item)


class InlineByBlock(Treeprocessor):
    """Python-Markdown's inline pass, run on one top-level block at a time (the Word builder's path).

    The pass keeps a work list of elements that it takes from the front, so on
    one whole tree (an evidence annex's 160,000 cells and notes) each step moved
    the rest of the list: a tenth of parsing a 13 MB annex. Given one block at a
    time (a few blocks, a few thousand elements), through the same processor's own
    ``run(tree, ancestors)``, the list stays short. Every text is read by the same patterns with the same
    ancestors; only the order of the blocks' elements changes, which decides
    nothing when notes are numbered by definition (registered only then) except
    repeated references' back-link ids, which Word footnotes do not have. The
    window's HTML keeps Python-Markdown's own pass.
    """

    def __init__(self, md: markdown.Markdown, inline: InlinePass) -> None:
        super().__init__(md)
        self.inline = inline

    @property
    def stashed_nodes(self) -> dict[str, Element | str]:
        """The wrapped pass's stash, where inline patterns look for it (``treeprocessors["inline"]``);
        empty before the pass first runs (the raw-HTML pattern asks when cells are read ahead of it)."""
        stash: dict[str, Element | str] = getattr(self.inline, "stashed_nodes", {})
        return stash

    # Elements per run: enough that each run's own set-up (a map of the parents of
    # everything it is given) is spread thin, few enough that its list stays short.
    ELEMENTS_PER_RUN = 2000

    def run(self, root: Element) -> None:
        blocks = list(root)
        del root[:]
        holder, size = Element(root.tag), 0  # a stand-in root: the pass reads its children, as it read the root's
        for block in blocks:
            holder.append(block)
            size += sum(1 for _ in block.iter())
            if size >= self.ELEMENTS_PER_RUN:
                self._run(root, holder)
                holder, size = Element(root.tag), 0
        self._run(root, holder)
        # The pass keeps its last run's maps (every element to its parent) until
        # it runs again, and it lives in the Markdown instance's cycle of
        # references: run on nothing, it lets go of the tree (see parse_briefing).
        self.inline.run(Element(root.tag))

    def _run(self, root: Element, holder: Element) -> None:
        if len(holder):
            self.inline.run(holder)
            root.extend(holder)  # its blocks, and any element a block's tail made in the pass


class _KeepTree(Treeprocessor):
    """Keeps the finished tree for the Word builder and gives the serializer an empty one to write."""

    tree: Element | None = None
    unescaper: UnescapeTreeprocessor | None = None

    def run(self, root: Element) -> Element:
        # The finished tree moves to a root of its own. The old root stays with the
        # Markdown instance, whose parts refer to each other (each processor to the
        # instance, the instance to its parser, the parser to the root), so only a
        # cycle collection frees what it holds: emptied, the tree is freed by
        # reference counting when the builder lets go of it, rather than by a full
        # collection walking its 600,000 elements and strings (half a second on a
        # 13 MB annex).
        self.tree = Element(root.tag, root.attrib)
        self.tree.text = root.text
        self.tree.extend(root)
        root.clear()
        return Element("div")

    def take(self) -> Element:
        """The tree, which this processor (part of the same cycle) then forgets."""
        tree, self.tree = self.tree, None
        return tree if tree is not None else Element("div")
