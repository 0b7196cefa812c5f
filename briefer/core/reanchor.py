"""Re-anchoring passages on a new version of their document's text (no Qt, no SQL).

In the spirit of the Hypothesis annotation client's two selectors: a passage
keeps its exact quote with the text around it (prefix, suffix) and its
position. The position is mapped through a diff of the old and the new text
(diff-match-patch); then

- the unchanged quote at the mapped position is ``exact``;
- the unchanged quote found elsewhere, unambiguously, is ``moved``;
- text like the quote at the mapped position (or found approximately near it)
  is ``fuzzy``: the passage keeps its old quote and gains a *candidate* span
  for the analyst to accept;
- anything else is ``orphaned``.

A passage is never re-pointed to text that differs from its quote: a changed
figure inside a quote makes it fuzzy, however close the rest is.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from diff_match_patch import diff_match_patch

from briefer.core.model import Candidate

Anchor = Literal["exact", "moved", "fuzzy", "orphaned"]  # as stored in passages.anchor
ANCHORS: tuple[Anchor, ...] = ("exact", "moved", "fuzzy", "orphaned")

# A candidate needs this much of the quote's text (1 - edit distance / length)
# to be offered; less, and the passage is orphaned rather than guessed at.
FUZZY_THRESHOLD = 0.6
# Below this, a candidate must also stand where the passage's prefix or suffix
# still stands (at least CONTEXT_THRESHOLD alike): a short quote is easily
# "like" unrelated words ("Alpha paragraph", "Gamma paragraph").
CLOSE_THRESHOLD = 0.9
CONTEXT_THRESHOLD = 0.5
# A diff of two big texts that differ everywhere is costly; past this many
# seconds diff-match-patch returns a coarser (still correct) diff, and quotes
# it no longer maps are looked for by their text.
DIFF_TIMEOUT = 2.0
# How far from the mapped position an approximate search for the quote looks.
SEARCH_DISTANCE = 2000
_BITAP_BITS = 32  # diff-match-patch's match_main takes patterns up to this long
_CONTEXT_MIN = 0.7  # share of prefix or suffix that must match to tell repeated quotes apart
# At the mapped position the diff already vouches for the place; this much
# context, or a quote the new text holds once, confirms it is the same words
# (a diff may align two lines that merely share a phrase).
_CONTEXT_HERE = 0.5


@dataclass(frozen=True, slots=True)
class Anchored:
    """A passage as it was anchored: its quote, its context, and where to look in the old text.

    ``start``/``end`` locate the quote in the old text when ``located`` is true
    (exact and moved passages); a fuzzy passage passes its candidate span and
    an orphaned one ``located=False``, since its offsets point into an older text.
    """

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int
    located: bool = True


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one passage: for exact and moved, its new span; for fuzzy, a candidate."""

    anchor: Anchor
    start: int = 0
    end: int = 0
    candidate: Candidate | None = None


class PositionMap:
    """Maps offsets in an old text to the new text through a character diff."""

    def __init__(self, old: str, new: str, *, timeout: float = DIFF_TIMEOUT) -> None:
        dmp = diff_match_patch()
        dmp.Diff_Timeout = timeout
        diffs = dmp.diff_main(old, new, True)  # line mode first: fast on long, mostly equal texts
        # Segments of the old text: (old start, new start, kept?) for each run of
        # equal or deleted characters; insertions only move the new cursor.
        self._old_starts: list[int] = []
        self._new_starts: list[int] = []
        self._kept: list[bool] = []
        old_pos = new_pos = 0
        for op, chunk in diffs:
            size = len(chunk)
            if op == dmp.DIFF_INSERT:
                new_pos += size
                continue
            self._old_starts.append(old_pos)
            self._new_starts.append(new_pos)
            self._kept.append(op == dmp.DIFF_EQUAL)
            old_pos += size
            if op == dmp.DIFF_EQUAL:
                new_pos += size
        self._old_len = old_pos
        self._new_len = new_pos

    def _char(self, pos: int) -> tuple[int, bool]:
        """Where old character ``pos`` is in the new text, and whether it is still there."""
        index = bisect.bisect_right(self._old_starts, pos) - 1
        if not self._kept[index]:
            return self._new_starts[index], False
        return self._new_starts[index] + pos - self._old_starts[index], True

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        """The new span of old ``[start, end)``, and whether its first and last characters survived.

        The start follows its first character and the end its last one, so
        text inserted just before or just after a quote stays outside it.
        """
        if not self._old_starts or not 0 <= start < end <= self._old_len:
            return 0, 0, False
        new_start, first_kept = self._char(start)
        last, last_kept = self._char(end - 1)
        new_end = last + 1 if last_kept else last
        return new_start, max(new_start, new_end), first_kept and last_kept


def similarity(a: str, b: str) -> float:
    """1 minus the character edit distance over the longer length (1.0: identical)."""
    if not a and not b:
        return 1.0
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0.2
    distance: int = dmp.diff_levenshtein(dmp.diff_main(a, b, False))
    return max(0.0, 1.0 - distance / max(len(a), len(b)))


def reanchor(old: str, new: str, passages: Sequence[Anchored], *, timeout: float = DIFF_TIMEOUT) -> list[Outcome]:
    """Anchor each passage in ``new``, one outcome per passage in order (see the module doc)."""
    if old == new:
        return [
            Outcome("exact", p.start, p.end) if p.located and old[p.start : p.end] == p.quote else _search(old, new, p)
            for p in passages
        ]
    mapping = PositionMap(old, new, timeout=timeout)
    return [_anchor(old, new, mapping, p) for p in passages]


def _anchor(old: str, new: str, mapping: PositionMap, passage: Anchored) -> Outcome:
    quote = passage.quote
    if passage.located:
        start, end, _kept = mapping.span(passage.start, passage.end)
        if new[start:end] == quote and (
            _context_score(new, passage, start) >= _CONTEXT_HERE or len(_occurrences(new, quote, limit=2)) == 1
        ):
            return Outcome("exact", start, end)
        found = _find_moved(old, new, passage, near=start)
        if found is not None:
            return Outcome("moved", found, found + len(quote))
        return _fuzzy(new, passage, start, end)
    return _search(old, new, passage)


def _search(old: str, new: str, passage: Anchored) -> Outcome:
    """A passage with no position in the old text: its quote found by text alone, or orphaned."""
    found = _find_moved(old, new, passage, near=None)
    if found is not None:
        return Outcome("moved", found, found + len(passage.quote))
    return Outcome("orphaned")


def _find_moved(old: str, new: str, passage: Anchored, *, near: int | None) -> int | None:
    """Where the unchanged quote is in ``new`` when that is unambiguous, else None.

    A quote the old text held once and the new text holds once is the same
    words, moved. A quote that repeats is told apart by its context: one
    occurrence whose prefix or suffix clearly matches, and better than any
    other; a tie is ambiguous, and ambiguity is not guessed at.
    """
    quote = passage.quote
    if not quote:
        return None
    hits = _occurrences(new, quote, limit=50)
    if not hits:
        return None
    if len(hits) == 1 and old.count(quote) <= 1:
        return hits[0]
    scored = sorted(((_context_score(new, passage, hit), hit) for hit in hits), reverse=True)
    best_score, best = scored[0]
    if best_score < _CONTEXT_MIN:
        return None
    if len(scored) > 1 and scored[1][0] >= best_score:
        if near is None:
            return None
        tied = [hit for score, hit in scored if score >= best_score]
        tied.sort(key=lambda hit: abs(hit - near))
        if abs(tied[0] - near) == abs(tied[1] - near):
            return None
        return tied[0] if abs(tied[0] - near) <= len(quote) else None
    return best


def _occurrences(text: str, quote: str, *, limit: int) -> list[int]:
    hits: list[int] = []
    pos = text.find(quote)
    while pos != -1 and len(hits) < limit:
        hits.append(pos)
        pos = text.find(quote, pos + 1)
    return hits


def _context_score(text: str, passage: Anchored, start: int) -> float:
    """How well the text around an occurrence matches the passage's prefix and suffix (0..1)."""
    end = start + len(passage.quote)
    scores = []
    if passage.prefix:
        scores.append(_common_suffix(text[max(0, start - len(passage.prefix)) : start], passage.prefix))
    if passage.suffix:
        scores.append(_common_prefix(text[end : end + len(passage.suffix)], passage.suffix))
    return max(scores) if scores else 0.0


def _common_prefix(a: str, b: str) -> float:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n / len(b)


def _common_suffix(a: str, b: str) -> float:
    return _common_prefix(a[::-1], b[::-1])


def _fuzzy(new: str, passage: Anchored, start: int, end: int) -> Outcome:
    """A candidate for a quote whose text changed: the mapped span, else an approximate search near it."""
    best: Candidate | None = None
    trimmed = _trim(new, start, end)
    if trimmed is not None:
        best = _candidate(new, passage.quote, *trimmed)
    if best is None or best.score < FUZZY_THRESHOLD:
        located = _approximate(new, passage.quote, start)
        if located is not None:
            other = _candidate(new, passage.quote, *located)
            if best is None or other.score > best.score:
                best = other
    if best is None or best.score < FUZZY_THRESHOLD:
        return Outcome("orphaned")
    if best.score < CLOSE_THRESHOLD and _context_similarity(new, passage, best) < CONTEXT_THRESHOLD:
        return Outcome("orphaned")
    return Outcome("fuzzy", candidate=best)


def _context_similarity(new: str, passage: Anchored, candidate: Candidate) -> float:
    """How like the passage's prefix or suffix the text around a candidate is (the better of the two)."""
    scores = [0.0]
    if passage.prefix:
        scores.append(similarity(passage.prefix, new[max(0, candidate.start - len(passage.prefix)) : candidate.start]))
    if passage.suffix:
        scores.append(similarity(passage.suffix, new[candidate.end : candidate.end + len(passage.suffix)]))
    return max(scores)


def _candidate(new: str, quote: str, start: int, end: int) -> Candidate:
    text = new[start:end]
    return Candidate(start, end, text, round(similarity(quote, text), 3))


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _approximate(new: str, quote: str, near: int) -> tuple[int, int] | None:
    """Find the quote's head and tail approximately (bitap) near ``near``; the span between them."""
    if len(quote) < 8:
        return None
    dmp = diff_match_patch()
    dmp.Match_Threshold = 0.3
    dmp.Match_Distance = SEARCH_DISTANCE
    head = quote[:_BITAP_BITS]
    tail = quote[-_BITAP_BITS:]
    low = max(0, near - SEARCH_DISTANCE - len(quote))
    window = new[low : near + SEARCH_DISTANCE + len(quote)]
    first = dmp.match_main(window, head, near - low)
    if first == -1:
        return None
    last = dmp.match_main(window, tail, first + max(0, len(quote) - len(tail)))
    if last == -1:
        return None
    start, end = low + first, low + last + len(tail)
    if not len(quote) / 2 <= end - start <= len(quote) * 2:
        return None
    return _trim(new, start, end)
