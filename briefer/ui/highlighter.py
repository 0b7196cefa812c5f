"""Passage highlighting in the reader: an interval index under a QSyntaxHighlighter.

Highlights are formats applied at layout time, not edits to the document, so
they never enter the text's own undo history, and changing one passage only
re-lays the blocks it covers. Positions here are UTF-16 (Qt's), converted by
the reader before they arrive.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument


@dataclass(frozen=True)
class Span:
    """One passage as the reader paints it."""

    passage: int
    start: int  # UTF-16 positions in the reader's document
    end: int
    color: str  # "#rrggbb"


class IntervalIndex:
    """Spans sorted by start; answers "which spans touch [a, b)" without a full scan."""

    def __init__(self, spans: list[Span]) -> None:
        self._spans = sorted(spans, key=lambda s: (s.start, s.end, s.passage))
        self._starts = [s.start for s in self._spans]
        # The longest span bounds how far left an overlapping span can start.
        self._longest = max((s.end - s.start for s in self._spans), default=0)

    def __len__(self) -> int:
        return len(self._spans)

    def overlapping(self, a: int, b: int) -> list[Span]:
        lo = bisect_left(self._starts, a - self._longest)
        hi = bisect_right(self._starts, b - 1) if b > a else bisect_right(self._starts, a)
        return [s for s in self._spans[lo:hi] if s.end > a and s.start < b]

    def at(self, pos: int) -> list[Span]:
        """Spans containing ``pos``, innermost (shortest) first."""
        hits = [s for s in self.overlapping(pos, pos + 1)]
        return sorted(hits, key=lambda s: s.end - s.start)


def blend(names: tuple[str, ...]) -> QColor:
    """Average the colours; overlaps get a stronger tint so they read as overlaps."""
    colors = [QColor(name) for name in names]
    n = len(colors)
    r = sum(c.red() for c in colors) // n
    g = sum(c.green() for c in colors) // n
    b = sum(c.blue() for c in colors) // n
    return QColor(r, g, b, min(70 + 45 * n, 200))


class PassageHighlighter(QSyntaxHighlighter):
    """Paints passages' tag colours, blending where passages overlap."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.index = IntervalIndex([])
        self.selected: int | None = None
        # Few distinct (colours, overlap, selected) combinations occur, so one
        # format per combination is built once instead of once per segment.
        self._formats: dict[tuple[tuple[str, ...], bool], QTextCharFormat] = {}

    def set_spans(self, spans: list[Span]) -> None:
        """Replace the spans, re-laying only blocks whose painting changed."""
        old = {s.passage: s for s in self.index._spans}
        new = {s.passage: s for s in spans}
        self.index = IntervalIndex(spans)
        dirty = [s for pid, s in old.items() if new.get(pid) != s]
        dirty += [s for pid, s in new.items() if old.get(pid) != s]
        if len(dirty) > 200:
            self.rehighlight()
            return
        for span in dirty:
            self._rehighlight_range(span.start, span.end)

    def set_selected(self, passage: int | None) -> None:
        previous, self.selected = self.selected, passage
        for pid in (previous, passage):
            span = next((s for s in self.index._spans if s.passage == pid), None) if pid else None
            if span is not None:
                self._rehighlight_range(span.start, span.end)

    def _rehighlight_range(self, start: int, end: int) -> None:
        doc = self.document()
        block = doc.findBlock(start)
        while block.isValid() and block.position() < max(end, start + 1):
            self.rehighlightBlock(block)
            block = block.next()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        block = self.currentBlock()
        a = block.position()
        b = a + block.length()
        spans = self.index.overlapping(a, b)
        if not spans:
            return
        # Cut the block at every span edge and paint each piece with the blend
        # of the spans covering it.
        edges = sorted({a, b, *(max(a, min(b, e)) for s in spans for e in (s.start, s.end))})
        for left, right in zip(edges, edges[1:]):
            covering = [s for s in spans if s.start < right and s.end > left]
            if not covering:
                continue
            selected = self.selected is not None and any(s.passage == self.selected for s in covering)
            key = (tuple(s.color for s in covering), selected)
            fmt = self._formats.get(key)
            if fmt is None:
                fmt = self._formats[key] = _format(key[0], selected)
            self.setFormat(left - a, right - left, fmt)


def _format(colors: tuple[str, ...], selected: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(blend(colors))
    if len(colors) > 1:  # dotted underline marks an overlap even where colours are alike
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor(60, 60, 60))
    if selected:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor(20, 20, 20))
    return fmt
