"""Passage highlighting in the reader: the passages in view, painted as the text layout's formats.

Each paragraph (block) in view gets its highlight pieces as formats of its own
``QTextLayout`` (``setFormats``), the way ``QSyntaxHighlighter`` paints, but only
for the blocks in view (plus a screen either side) and only where they changed.
Extra selections, used before, made Qt draw each line's text again for every
piece on it: on a document with 30,000 passages, ~150 pieces in view took a
repaint from 1.5 ms to 5 ms. Formats are not edits to the document, so they never
enter the text's own undo history. A ``QSyntaxHighlighter`` itself formats every
block of a document when it is loaded, and even an index of all of a document's
passages costs a read of all 3,000 of them before the first paint.
Positions here are UTF-16 (Qt's); the reader converts before they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import NamedTuple

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import QPlainTextEdit

from briefer.ui.style import composite, readable_text_color

_UNTAGGED = "#b0b0b0"


class Span(NamedTuple):
    """One passage as the reader paints it."""

    start: int  # UTF-16 positions in the reader's document
    end: int
    passage: int


# How much text either side of the view the highlights cover, in screens: a
# scroll's rebuild covers a screen either side, so scrolling on rebuilds rarely;
# an edit's keeps what was covered, or a quarter screen (see PassageHighlighter.flush).
SCROLL_PAD = 1.0
EDIT_PAD = 0.25

SpanSource = Callable[[int, int], list[Span]]  # UTF-16 range -> the spans that touch it
FormatKey = tuple[tuple[str, ...], bool, str]  # (sorted colours, selected, page colour)
# One block's pieces as set on its layout: (start in the block, length, format key) each.
BlockFormats = tuple[tuple[int, int, FormatKey], ...]
ColorSource = Callable[[list[int]], dict[int, str]]  # passage ids -> "#rrggbb"


def blend(names: tuple[str, ...]) -> QColor:
    """Average the colours; overlaps get a stronger tint so they read as overlaps."""
    colors = [QColor(name) for name in names]
    n = len(colors)
    r = sum(c.red() for c in colors) // n
    g = sum(c.green() for c in colors) // n
    b = sum(c.blue() for c in colors) // n
    return QColor(r, g, b, min(70 + 45 * n, 200))


class PassageHighlighter:
    """Paints passages' tag colours in a plain-text view, blending where they overlap."""

    def __init__(self, view: QPlainTextEdit, spans: SpanSource, colors: ColorSource) -> None:
        self.view = view
        self.selected: int | None = None
        self._spans_in = spans
        # Colours are looked up only for the spans being painted, and kept until
        # the passage or the codebook changes.
        self._colors_of = colors
        self._colors: dict[int, str] = {}
        self._covered: tuple[int, int] | None = None  # UTF-16 range whose blocks' formats are current
        self._base: str | None = None  # the palette's page colour the current formats were composed over
        # Few distinct (colours, overlap, selected) combinations occur, so one
        # format per combination is built once instead of once per segment.
        self._formats: dict[FormatKey, QTextCharFormat] = {}
        # An edit asks for a rebuild more than once (a tag applied repaints its new
        # passage, then selecting it repaints the underline): the rebuilds wait for
        # the event loop and run once. On a dense document each costs the spans in view.
        self._rebuild_pending = False
        # What each block's layout was given (block number -> its pieces): a rebuild
        # sets, and has Qt lay out again, only the blocks whose pieces changed.
        self._painted: dict[int, BlockFormats] = {}
        view.verticalScrollBar().valueChanged.connect(lambda _value: self.follow_view())

    def clear(self) -> None:
        """Forget everything without looking at the text (it is about to be replaced)."""
        self._colors = {}
        self.selected = None
        self._covered = None
        self._rebuild_pending = False
        self._painted = {}  # the blocks belong to the old text

    def forget(self, passages: Iterable[int] | None = None) -> None:
        """These passages (or all) changed: drop their colours and repaint what is in view (soon)."""
        if passages is None:
            self._colors = {}
        else:
            for pid in passages:
                self._colors.pop(pid, None)
        self._rebuild_soon()

    def set_selected(self, passage: int | None) -> None:
        """Underline this passage (soon: see ``_rebuild_soon``)."""
        if passage != self.selected:
            self.selected = passage
            self._rebuild_soon()

    def _rebuild_soon(self) -> None:
        """Rebuild once the event loop runs, however often this is called before.

        The rebuild covers what the highlights cover now (see ``flush``).
        """
        if not self._rebuild_pending:
            self._rebuild_pending = True
            # The view as context: a reader closed meanwhile takes the call with it.
            QTimer.singleShot(0, self.view, self.flush)

    def flush(self) -> None:
        """Run a rebuild that is waiting for the event loop, now.

        It covers the same text as before, and only blocks whose pieces changed
        are given new formats (see ``_apply``); narrowing it to the view would
        have the next line scrolled (the next tagging's selection usually
        scrolls) cover a screen either side again. When the view has left what
        is covered, the view and ``EDIT_PAD`` either side.
        """
        if not self._rebuild_pending:
            return
        self._rebuild_pending = False
        first, last = self._visible_range()
        covered = self._covered
        if covered is not None and covered[0] <= first and last <= covered[1]:
            self._apply(*covered)
        else:
            self._covered = None
            self.follow_view(pad=EDIT_PAD)

    def repaint(self, *, pad: float = SCROLL_PAD) -> None:
        """Rebuild the highlights for the text in view and ``pad`` screens either side."""
        self._covered = None
        self._rebuild_pending = False
        self.follow_view(pad=pad)

    def palette_changed(self) -> None:
        """Rebuild only if the page colour under the tints changed (their text colours depend on it).

        Polishing the window at start-up sends the reader a PaletteChange with
        the same colours: rebuilding then cost a second pass over every span in
        view (~4 ms on a document with 30,000 passages).
        """
        if self.view.palette().color(QPalette.ColorRole.Base).name() != self._base:
            self.repaint()

    def follow_view(self, *, pad: float = SCROLL_PAD) -> None:
        """Cover the visible text and ``pad`` screens either side; cheap when a scroll stays inside what is covered."""
        if self._rebuild_pending:
            return  # the rebuild waiting for the event loop will cover the view as it is then
        first, last = self._visible_range()
        if self._covered is not None and self._covered[0] <= first and last <= self._covered[1]:
            return
        # A scroll's padding is at least 2,000 characters: a short view scrolled
        # line by line would otherwise rebuild every few lines.
        margin = int((last - first) * pad) if pad < SCROLL_PAD else max(last - first, 2000)
        length = self.view.document().characterCount()
        a, b = max(0, first - margin), min(length, last + margin)
        self._covered = (a, b)
        self._apply(a, b)

    def _visible_range(self) -> tuple[int, int]:
        view = self.view
        first = view.firstVisibleBlock().position()
        # The frame's inside, not viewport(): at most a scroll bar's width more,
        # which the padding covers anyway, and the first viewport() call makes
        # PySide build wrappers for dozens of widget classes (~8 ms at start-up).
        area = view.contentsRect()
        corner = QPoint(max(0, area.width() - 1), max(0, area.height() - 1))
        bottom = view.cursorForPosition(corner).block()
        return first, bottom.position() + bottom.length()

    def _pieces(self, a: int, b: int) -> list[tuple[int, int, FormatKey]]:
        """``[a, b)`` cut at every span edge: ``(start, end, format key)`` of each covered piece, in order."""
        spans = self._spans_in(a, b)
        if not spans:
            return []
        missing = [sp.passage for sp in spans if sp.passage not in self._colors]
        if missing:
            self._colors.update(self._colors_of(missing))
        colors = self._colors
        base = self.view.palette().color(QPalette.ColorRole.Base).name()  # light or dark: the text must read on both
        self._base = base
        # Cut the range at every span edge and paint each piece with the blend
        # of the spans covering it. One sweep keeps the spans open at each edge:
        # testing every span against every piece was quadratic in the spans in
        # view, which on a document with 30,000 passages is hundreds.
        opening: dict[int, list[int]] = {}
        closing: dict[int, list[int]] = {}
        for i, s in enumerate(spans):
            lo, hi = max(a, min(b, s.start)), max(a, min(b, s.end))
            if lo < hi:
                opening.setdefault(lo, []).append(i)
                closing.setdefault(hi, []).append(i)
        edges = sorted({a, b, *opening, *closing})
        open_now: set[int] = set()
        pieces = []
        for left, right in pairwise(edges):
            open_now.difference_update(closing.get(left, ()))
            open_now.update(opening.get(left, ()))
            if not open_now:
                continue
            covering = [spans[i] for i in open_now]
            selected = self.selected is not None and any(s.passage == self.selected for s in covering)
            # Sorted: a blend does not depend on the order, so one format serves every
            # order of the same colours (hundreds fewer to build on a dense document).
            pieces.append(
                (left, right, (tuple(sorted(colors.get(s.passage, _UNTAGGED) for s in covering)), selected, base))
            )
        return pieces

    def _apply(self, a: int, b: int) -> None:
        """Give each block in ``[a, b)`` the formats of its pieces, touching only blocks that changed.

        Qt lays a block out again when told its formats changed
        (``markContentsDirty``), so an edit re-lays the paragraph it touched and
        repaints it; a scroll formats the blocks it brings into cover.
        """
        pieces = self._pieces(a, b)
        document = self.view.document()
        block = document.findBlock(a)
        first = 0  # the first piece that may reach into this block
        dirty: list[tuple[int, int]] = []  # runs of blocks given new formats
        while block.isValid() and block.position() < b:
            start = block.position()
            end = start + block.length() - 1  # the paragraph separator is not painted
            while first < len(pieces) and pieces[first][1] <= start:
                first += 1
            mine: list[tuple[int, int, FormatKey]] = []
            for left, right, key in pieces[first:]:
                if left >= end:
                    break
                lo, hi = max(left, start), min(right, end)
                if lo < hi:
                    mine.append((lo - start, hi - lo, key))
            wanted = tuple(mine)
            number = block.blockNumber()
            if self._painted.get(number, ()) != wanted:
                block.layout().setFormats([self._range(*piece) for piece in wanted])
                self._painted[number] = wanted
                if dirty and dirty[-1][1] == start:
                    dirty[-1] = (dirty[-1][0], start + block.length())
                else:
                    dirty.append((start, start + block.length()))
            block = block.next()
        for lo, hi in dirty:
            document.markContentsDirty(lo, hi - lo)

    def _range(self, start: int, length: int, key: FormatKey) -> QTextLayout.FormatRange:
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = _format(key[0], key[1], QColor(key[2]))
        piece = QTextLayout.FormatRange()
        piece.start, piece.length, piece.format = start, length, fmt
        return piece

    def painted_at(self, pos: int) -> QTextCharFormat | None:
        """The format painted at UTF-16 position ``pos`` (for tests and accessibility checks)."""
        self.flush()
        block = self.view.document().findBlock(pos)
        offset = pos - block.position()
        for piece in block.layout().formats():
            if piece.start <= offset < piece.start + piece.length:
                return QTextCharFormat(piece.format)  # a copy: the layout's own stays with it
        return None


def _format(colors: tuple[str, ...], selected: bool, base: QColor) -> QTextCharFormat:
    fmt = QTextCharFormat()
    background = blend(colors)
    fmt.setBackground(background)
    # The text colour that reads on the tint as painted over this palette's base
    # (at least 4.5:1): dark text on a light page, light text on a dark one.
    text = readable_text_color(composite(background, base))
    fmt.setForeground(text)
    if len(colors) > 1:  # dotted underline marks an overlap even where colours are alike
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(text)
    if selected:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(text)
    return fmt
