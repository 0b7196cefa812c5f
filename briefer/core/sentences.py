"""Sentences, as (start, end) code-point offsets into the original text.

A paragraph is a line: sentences never cross a ``"\\n"``. Within a paragraph the
boundaries come from pysbd (MIT), a rule-based segmenter that knows "U.S.
Secretary", "3 p.m.", "Jan. 5" and decimals, run with its English rules, which
also end sentences at 。！？. Two rules on top of its cuts:

* a cut that leaves closing brackets or quotes (」』）” and the like) to the next
  sentence moves past them: 他說：「你來嗎？」 | 我說不。, not 他說：「你來嗎？ | 」我說不。;
* then no cut falls inside a matched pair of brackets (「…」, 『…』, （…）, 《…》,
  (…), …), so a quotation of several sentences, or 美國（U.S.）, stays whole.

(pysbd's own Chinese rules keep 「…」 whole, but they cut "美國（U.S." and "Dr."
in mixed text, and never after a 「…。」 that ends a sentence.)

pysbd is slow (about 0.4 MB/s), so :class:`SentenceFinder` segments a paragraph
only when asked about it, once.

The spans of a paragraph tile it: nothing is dropped, and whitespace between two
sentences stays with the one before. Callers that store a quote trim whitespace
by moving offsets (:meth:`SentenceFinder.around` does), never by changing text.
"""

from __future__ import annotations

import bisect
from itertools import pairwise

# Opening bracket -> its closing bracket; a cut inside a matched pair is dropped.
_PAIRS = {"(": ")", "[": "]", "（": "）", "「": "」", "『": "』", "《": "》", "〈": "〉", "【": "】", "〔": "〕"}
_CLOSING_TO_OPENING = {close: open_ for open_, close in _PAIRS.items()}
# What may follow a sentence's final punctuation and still belong to it.
# (Not the ASCII quotes: one right after a 。 may as well open the next sentence.)
_TRAILING_CLOSERS = frozenset(")]）」』》〉】〕”’")
# Longer paragraphs go to pysbd a window at a time (see _windowed_cuts).
_WINDOW = 4000
_CONTEXT = 400


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """The sentences of one paragraph (no ``"\\n"`` in it) as (start, end) offsets into it.

    The spans tile the paragraph: the first starts at 0, each ends where the next
    begins, the last ends at ``len(paragraph)``. An empty paragraph is one empty span.
    """
    cuts = _adjusted(paragraph, _windowed_cuts(paragraph))
    bounds = [0, *cuts, len(paragraph)]
    return list(pairwise(bounds))


def _windowed_cuts(paragraph: str) -> list[int]:
    """pysbd's cuts in a paragraph, a window of about ``_WINDOW`` characters at a time.

    pysbd's time grows with the square of its input (its abbreviation rules rewrite
    the whole text once per abbreviation found): a 200,000-character line takes
    about 20 s in one piece. A cut is kept only with at least ``_CONTEXT``
    characters after it in its window; the next window starts at the last one
    kept, so every cut is decided with as much context as a whole paragraph gives
    (bar brackets or quotes open across a window's edge). A window without such a
    cut (one very long sentence) doubles until it has one or reaches the end.
    """
    if len(paragraph) <= _WINDOW:
        return _pysbd_cuts(paragraph)
    cuts: list[int] = []
    start, size = 0, _WINDOW
    while True:
        end = min(len(paragraph), start + size)
        found = [start + cut for cut in _pysbd_cuts(paragraph[start:end])]
        if end == len(paragraph):
            return cuts + found
        kept = [cut for cut in found if cut <= end - _CONTEXT]
        if not kept:
            size *= 2
            continue
        cuts += kept
        start, size = kept[-1], _WINDOW


def _pysbd_cuts(paragraph: str) -> list[int]:
    """Where pysbd starts a new sentence, checked against the paragraph itself.

    pysbd finds each sentence's span by searching the original text for the
    sentence it produced; a span whose text is not exactly the original slice, or
    that overlaps or goes back before the one before it, is left out (its text
    then joins the sentence before: a longer quote rather than a lost one).
    """
    if not paragraph.strip():
        return []
    import pysbd  # ~20 ms to import (it compiles its rules): paid by the sentence scope only

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    cuts: list[int] = []
    previous_end = 0
    for span in segmenter.segment(paragraph):
        start, end, sent = int(span.start), int(span.end), str(span.sent)
        if paragraph[start:end] != sent or start < previous_end or end <= start:
            continue
        if 0 < start < len(paragraph) and (not cuts or start > cuts[-1]):
            cuts.append(start)
        previous_end = end
    return cuts


def _adjusted(paragraph: str, cuts: list[int]) -> list[int]:
    """Move cuts past closing brackets and quotes, and drop those inside a bracket pair."""
    inside = _bracketed(paragraph)
    result: list[int] = []
    for cut in cuts:
        # "你來嗎？" | "」我說不。" -> "你來嗎？」" | "我說不。": closers go with the sentence they end.
        if paragraph[cut - 1 : cut].strip():
            while cut < len(paragraph) and paragraph[cut] in _TRAILING_CLOSERS:
                cut += 1
            while cut < len(paragraph) and paragraph[cut].isspace():
                cut += 1
        # 「…地位。出口限制…。」: a quotation of several sentences is quoted whole.
        if cut >= len(paragraph) or any(open_ < cut <= close for open_, close in inside):
            continue
        if not result or cut > result[-1]:
            result.append(cut)
    return result


def _bracketed(paragraph: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the matched bracket pairs in a paragraph.

    An unmatched closing bracket is ignored; an opening bracket never closed
    encloses nothing, so a stray "(" cannot swallow the rest of a paragraph.
    """
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(paragraph):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSING_TO_OPENING:
            opening = _CLOSING_TO_OPENING[ch]
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == opening:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return pairs


class SentenceFinder:
    """The sentences of one text, segmented a paragraph at a time as they are asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: dict[int, list[int]] = {}  # paragraph start -> absolute sentence starts
        self._ends: dict[int, list[int]] = {}

    def paragraph(self, offset: int) -> tuple[int, int]:
        """(start, end) of the line holding ``offset``; a ``"\\n"`` belongs to the line it ends."""
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        return start, len(self.text) if end == -1 else end

    def sentence(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``offset``, trailing whitespace included.

        An offset on a line's ``"\\n"`` (or at the end of the text) gives the line's last sentence.
        """
        para_start, para_end = self.paragraph(offset)
        if para_start not in self._starts:
            spans = sentence_spans(self.text[para_start:para_end])
            self._starts[para_start] = [para_start + s for s, _ in spans]
            self._ends[para_start] = [para_start + e for _, e in spans]
        starts = self._starts[para_start]
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        return starts[i], self._ends[para_start][i]

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The sentence(s) holding ``text[start:end]``, without surrounding whitespace.

        From the start of the sentence holding ``start`` to the end of the one
        holding the last character, whitespace trimmed by moving the offsets; the
        span itself when that leaves nothing (a match of whitespace alone).
        """
        left = self.sentence(start)[0]
        right = self.sentence(max(start, end - 1))[1]
        while left < right and self.text[left].isspace():
            left += 1
        while right > left and self.text[right - 1].isspace():
            right -= 1
        return (left, right) if left < right else (start, end)
