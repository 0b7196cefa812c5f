"""Re-anchoring passages on a new version of their document's text (no Qt, no SQL).

In the spirit of the Hypothesis annotation client's two selectors: a passage
keeps its exact quote with the text around it (prefix, suffix) and its
position. The position is mapped through a diff of the old and the new text
(lines matched by difflib, then changed lines that still resemble each other
diffed word by word and character by character with diff-match-patch; lines
moved unchanged are followed too); likeness is rapidfuzz's normalised Indel
similarity. Then

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
import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

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
# Changed lines are diffed character by character only when this alike (in
# character pairs): a paragraph replaced by an unrelated one is a deletion and an
# insertion, and diffing the two letter by letter would only cost time.
_LINES_ALIKE = 0.4
# Words (ASCII letters and digits), runs of spaces, or any other single character.
_TOKEN = re.compile(r"[A-Za-z0-9]+|\s+|.", re.S)
_CODE_BASE = 0xF0000  # words are coded as characters from a private-use plane
_MAX_WORDS = 0x10FFFF - _CODE_BASE  # as many as there are code points left for them
_MOVED_LINE_MIN = 40  # characters: a shorter line moved ("Introduction") is not told apart from others
_SMALL_CHANGE = 240  # characters: short changed lines are always diffed (cheap, and a typo halves their pairs)
_CONTEXT_MIN = 0.7  # share of prefix or suffix that must match to tell repeated quotes apart
# At the mapped position the diff already vouches for the place; this much
# context, or a quote the new text holds once, confirms it is the same words
# (a diff may align two lines that merely share a phrase).
_CONTEXT_HERE = 0.5
_MAX_COPIES = 50  # copies of a quote weighed by their context; a commoner quote is not looked for further


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
        diffs, moves = _diff(dmp, old, new)
        self._moves = sorted(moves)  # (old start, length, new start) of whole lines moved unchanged
        self._move_starts = [move[0] for move in self._moves]
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

    def moved(self, start: int, end: int) -> int | None:
        """Where old ``[start, end)`` starts in the new text if it lies in a line moved unchanged, else None."""
        index = bisect.bisect_right(self._move_starts, start) - 1
        if index < 0:
            return None
        old_start, length, new_start = self._moves[index]
        return new_start + start - old_start if end <= old_start + length else None


def _diff(dmp: diff_match_patch, old: str, new: str) -> tuple[list[tuple[int, str]], list[tuple[int, int, int]]]:
    """A character diff found line by line first, then within each run of changed lines
    that still resemble each other (diff-match-patch's character diff).

    The lines are matched by the standard library's ``difflib``, whose longest-match
    recursion costs about the same however many lines changed; diff-match-patch's own
    line mode (an O(N·D) search) took most of a second on a 2 MB text with a few
    hundred edited paragraphs.

    Also returns the lines (paragraphs) moved unchanged: a line deleted in one
    place and inserted in another, once each and long enough to be told apart,
    as ``(old start, length, new start)``.
    """
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_at = list(itertools.accumulate((len(line) for line in old_lines), initial=0))
    new_at = list(itertools.accumulate((len(line) for line in new_lines), initial=0))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    diffs: list[tuple[int, str]] = []
    gone: dict[str, list[int]] = {}  # line -> old line numbers deleted
    came: dict[str, list[int]] = {}  # line -> new line numbers inserted
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            for i in range(i1, i2):
                gone.setdefault(old_lines[i], []).append(i)
            for j in range(j1, j2):
                came.setdefault(new_lines[j], []).append(j)
        deleted, inserted = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            diffs.append((dmp.DIFF_EQUAL, deleted))
        elif deleted and inserted and (len(deleted) + len(inserted) <= _SMALL_CHANGE or _alike(deleted, inserted)):
            diffs.extend(_word_diff(dmp, deleted, inserted))
        else:
            diffs.extend(d for d in ((dmp.DIFF_DELETE, deleted), (dmp.DIFF_INSERT, inserted)) if d[1])
    moves = [
        (old_at[gone[line][0]], len(line), new_at[came[line][0]])
        for line in gone.keys() & came.keys()
        if len(line.strip()) >= _MOVED_LINE_MIN and len(gone[line]) == 1 and len(came[line]) == 1
    ]
    return diffs, moves


def _word_diff(dmp: diff_match_patch, old: str, new: str) -> list[tuple[int, str]]:
    """A character diff of two runs of lines, found word by word first (diff-match-patch's
    documented trick: each distinct word coded as one character), then character by
    character inside each changed run of words; a Chinese character is a word of its own."""
    codes: dict[str, str] = {}
    words: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in _TOKEN.findall(text):
            code = codes.get(token)
            if code is None:
                code = codes[token] = chr(_CODE_BASE + min(len(words), _MAX_WORDS))
                words.append(token)
            out.append(code)
        return "".join(out)

    old_coded, new_coded = encode(old), encode(new)
    if len(words) > _MAX_WORDS:  # more distinct words than codes: too unlike to be worth a diff
        return [(dmp.DIFF_DELETE, old), (dmp.DIFF_INSERT, new)]
    coded = dmp.diff_main(old_coded, new_coded, False)
    diffs: list[tuple[int, str]] = []
    deleted, inserted = "", ""
    for op, chunk in [*coded, (dmp.DIFF_EQUAL, "")]:
        text = "".join(words[ord(c) - _CODE_BASE] for c in chunk)
        if op == dmp.DIFF_DELETE:
            deleted += text
        elif op == dmp.DIFF_INSERT:
            inserted += text
        else:
            if deleted and inserted and len(deleted) + len(inserted) <= _SMALL_CHANGE:
                diffs.extend(dmp.diff_main(deleted, inserted, False))
            else:
                diffs.extend(d for d in ((dmp.DIFF_DELETE, deleted), (dmp.DIFF_INSERT, inserted)) if d[1])
            deleted, inserted = "", ""
            if text:
                diffs.append((op, text))
    return diffs


def _alike(a: str, b: str) -> bool:
    """Whether two runs of lines share enough character pairs to be worth a character diff."""
    pairs_a = {a[i : i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i : i + 2] for i in range(len(b) - 1)}
    union = len(pairs_a | pairs_b)
    return union == 0 or len(pairs_a & pairs_b) / union >= _LINES_ALIKE


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1: 1 minus the characters to delete and insert over both lengths."""
    return float(Indel.normalized_similarity(a, b))


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
    if not passage.located:
        return _search(old, new, passage)
    start, end, _kept = mapping.span(passage.start, passage.end)
    if new[start:end] == quote and (
        _context_score(new, passage, start) >= _CONTEXT_HERE or len(_occurrences(new, quote, limit=2)) == 1
    ):
        return Outcome("exact", start, end)
    shifted = mapping.moved(passage.start, passage.end)
    if shifted is not None and new[shifted : shifted + len(quote)] == quote:
        return Outcome("moved", shifted, shifted + len(quote))  # its paragraph moved, unchanged
    found, sure = _find_elsewhere(old, new, passage, mapping)
    if found is not None and sure:
        return Outcome("moved", found, found + len(quote))
    if found is not None:  # the same words, but which occurrence is the analyst's to say
        return Outcome("fuzzy", candidate=Candidate(found, found + len(quote), quote, 1.0))
    return _fuzzy(new, passage, start, end)


def _search(old: str, new: str, passage: Anchored) -> Outcome:
    """A passage with no position in the old text: its quote found by text alone, or orphaned."""
    found, sure = _find_elsewhere(old, new, passage)
    if found is None:
        return Outcome("orphaned")
    if sure:
        return Outcome("moved", found, found + len(passage.quote))
    return Outcome("fuzzy", candidate=Candidate(found, found + len(passage.quote), passage.quote, 1.0))


def _find_elsewhere(
    old: str, new: str, passage: Anchored, mapping: PositionMap | None = None
) -> tuple[int | None, bool]:
    """Where the unchanged quote is in ``new``, and whether that is unambiguous.

    A quote the old text held once is the same words wherever the new text
    holds it once (moved), or where its prefix or suffix clearly matches best
    among several copies. A quote the old text held more than once is told
    apart only by accounting: when the diff maps every other old copy onto a
    new copy (or onto an edited version of it, where it stood) and leaves exactly
    one new copy over, that one is this passage's.
    Otherwise the best-matching copy is offered (fuzzy), never taken: context
    repeats with repeated words (the same sentence pair twice).
    """
    quote = passage.quote
    if not quote:
        return None, False
    hits = _occurrences(new, quote, limit=_MAX_COPIES)
    if not hits:
        return None, False
    before = _occurrences(old, quote, limit=_MAX_COPIES)
    repeated = len(before) > 1
    if len(hits) == 1 and not repeated:
        return hits[0], True
    scored = sorted(((_context_score(new, passage, hit), -hit) for hit in hits), reverse=True)
    best_score, best = scored[0][0], -scored[0][1]
    if best_score < _CONTEXT_MIN:
        return None, False
    clear = len(scored) == 1 or scored[1][0] < best_score
    if not repeated:
        return best, clear
    if mapping is None or not passage.located or len(before) >= _MAX_COPIES or len(hits) >= _MAX_COPIES:
        return best, False
    taken = set()
    for other in before:
        if other != passage.start:
            start, end, _kept = mapping.span(other, other + len(quote))
            if new[start:end] == quote:
                taken.add(start)
            elif end == start or similarity(quote, new[start:end]) < FUZZY_THRESHOLD:
                return best, False  # another copy left its place too: which went where is not certain
            # (else that copy was edited where it stands: it is not the one that moved)
    left = [hit for hit in hits if hit not in taken]
    return best, left == [best]


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
    """The span near ``near`` most like the quote (rapidfuzz's best partial alignment), if any is."""
    if len(quote) < 8:
        return None
    low = max(0, near - SEARCH_DISTANCE - len(quote))
    window = new[low : near + SEARCH_DISTANCE + len(quote)]
    if len(window) <= len(quote):
        return None
    found = fuzz.partial_ratio_alignment(quote, window, score_cutoff=FUZZY_THRESHOLD * 100)
    if found is None:
        return None
    return _trim(new, low + found.dest_start, low + found.dest_end)
