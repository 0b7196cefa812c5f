"""Selection positions from another tool, checked against the text and brought to Briefer's counting.

REFI-QDA says positions count characters of the source's plain text, and the
store keeps Python string indices (code points) into the normalised text. Tools
differ: some count UTF-16 code units (an emoji or a CJK Extension B character
is two), some count UTF-8 bytes, and some write a leading byte-order mark into
the text file that their positions do not count. Which one a file used is
decided per source from the selections' fit: a selection's ``name`` is, in the
tools that fill it, the selected text, so each way of counting is tried and the
one under which most names match the text wins (code points when none differ).
Without names there is nothing to verify against, and the report says so.

Briefer then stores the text normalised (``\\r\\n`` to ``\\n``, NFC, control
characters and the BOM removed), so positions are carried through that too.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

from briefer.core.textnorm import normalise

CODE_POINTS = "characters"
UTF16 = "UTF-16 code units"
UTF8 = "bytes (UTF-8)"
_BOM = "\ufeff"


@dataclass(frozen=True)
class RawSelection:
    """A selection as the file gives it."""

    key: str  # its GUID
    name: str  # the selected text, in the tools that fill it ("" if absent)
    start: int
    end: int


@dataclass
class Placed:
    """The selections that fit, in code points of the normalised text, and what was found on the way."""

    text: str  # the normalised text, as it will be stored
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # selection key -> (start, end)
    problems: dict[str, str] = field(default_factory=dict)  # selection key -> why it was left out
    notes: list[str] = field(default_factory=list)  # for the import report


class _Text:
    """The raw text with its BOM off, counted three ways, and its map into the normalised text."""

    def __init__(self, raw: str) -> None:
        self.had_bom = raw.startswith(_BOM)
        self.body = raw[1:] if self.had_bom else raw
        self.normalised, self._map = _normalise_with_map(self.body)
        self._units: dict[str, list[int] | None] = {}

    def cumulative(self, scheme: str) -> list[int] | None:
        """Units before each character, for a counting that differs from code points (else None)."""
        if scheme not in self._units:
            if scheme == UTF16:
                sizes = [2 if ord(c) > 0xFFFF else 1 for c in self.body] if not _bmp_only(self.body) else None
            elif scheme == UTF8:
                sizes = (
                    [len(c.encode("utf-8", "surrogatepass")) for c in self.body] if not self.body.isascii() else None
                )
            else:
                sizes = None
            if sizes is None:
                self._units[scheme] = None
            else:
                total, cumulative = 0, [0]
                for size in sizes:
                    total += size
                    cumulative.append(total)
                self._units[scheme] = cumulative
        return self._units[scheme]

    def to_stored(self, scheme: str, bom_counted: bool, start: int, end: int) -> tuple[int, int] | None:
        """(start, end) in code points of the normalised text, or None if the range does not fit."""
        if bom_counted:
            shift = 3 if scheme == UTF8 else 1
            start, end = start - shift, end - shift
        cumulative = self.cumulative(scheme) if scheme != CODE_POINTS else None
        if cumulative is not None:
            converted = _index(cumulative, start), _index(cumulative, end)
            if converted[0] is None or converted[1] is None:
                return None
            start, end = converted[0], converted[1]
        if not 0 <= start < end <= len(self.body):
            return None
        if self._map is not None:
            start, end = self._map[start], self._map[end]
            if start >= end:
                return None
        return start, end


def place_selections(raw_text: str, selections: list[RawSelection]) -> Placed:
    """Decide how the writing tool counted, and place every selection that fits."""
    text = _Text(raw_text)
    placed = Placed(text.normalised)
    schemes = [CODE_POINTS] + [s for s in (UTF16, UTF8) if text.cumulative(s) is not None]
    if text.had_bom and UTF8 not in schemes:
        schemes.append(UTF8)  # an ASCII text's bytes are its characters, but the BOM counts three
    variants = [(s, counted) for s in schemes for counted in ((False, True) if text.had_bom else (False,))]
    named = [s for s in selections if s.name.strip()]
    results = {v: {s.key: text.to_stored(v[0], v[1], s.start, s.end) for s in selections} for v in variants}
    verified = {
        v: sum(1 for s in named if (span := spans[s.key]) is not None and _matches(s.name, text.normalised, span))
        for v, spans in results.items()
    }
    exact = {
        v: sum(1 for s in named if (span := spans[s.key]) is not None and _exact(s.name, text.normalised, span))
        for v, spans in results.items()
    }
    fits = {v: sum(1 for span in spans.values() if span is not None) for v, spans in results.items()}
    # Most names matched (exactly, then with spaces folded), then most selections fitting;
    # on a tie the earlier (plainer) way wins.
    best = max(variants, key=lambda v: (verified[v], exact[v], fits[v], -variants.index(v)))
    scheme, bom_counted = best
    can_verify = verified[best] > 0
    if text.had_bom:
        placed.notes.append(
            "leading byte-order mark removed"
            + ("; the positions that counted it corrected" if bom_counted else " (the positions did not count it)")
        )
    if scheme != CODE_POINTS:
        placed.notes.append(f"positions counted {scheme}; converted to characters")
    if selections and not can_verify:
        placed.notes.append(
            "cannot verify positions"
            + (" (no selection names the text it selects)" if named else " (the selections carry no names)")
        )
    for selection in selections:
        span = results[best][selection.key]
        if span is None:
            placed.problems[selection.key] = (
                f"its range {selection.start}-{selection.end} lies outside the text or splits a character"
            )
        elif can_verify and selection.name.strip() and not _matches(selection.name, text.normalised, span):
            found = text.normalised[span[0] : span[1]]
            placed.problems[selection.key] = (
                f"its text at {selection.start}-{selection.end} is {_short(found)!r}, not {_short(selection.name)!r}"
            )
        else:
            placed.spans[selection.key] = span
    return placed


def _bmp_only(text: str) -> bool:
    # A UTF-16 encoding is twice the length exactly when no character needs a surrogate pair.
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


def _index(cumulative: list[int], units: int) -> int | None:
    """The character index at ``units`` units in, or None if it falls inside a character."""
    i = bisect.bisect_left(cumulative, units)
    return i if i < len(cumulative) and cumulative[i] == units else None


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _exact(name: str, text: str, span: tuple[int, int]) -> bool:
    # The name as the text was stored (line ends, accents): a quote ending in "\r\n" is
    # exact at the span that ends after it, not at one that also takes the next letter.
    return normalise(name).lstrip(_BOM) == text[span[0] : span[1]]


def _matches(name: str, text: str, span: tuple[int, int]) -> bool:
    """Whether a selection's name is the text it selects (tools may fold spaces or cut long names short)."""
    wanted, found = _folded(name), _folded(text[span[0] : span[1]])
    if wanted == found:
        return True
    cut = wanted.rstrip(".… ")
    return len(cut) >= 10 and found.startswith(cut)


def _all(text: str, needle: str) -> list[int]:
    found, pos = [], text.find(needle)
    while pos != -1:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _normalise_with_map(text: str) -> tuple[str, list[int] | None]:
    """``normalise(text)`` and, unless it is ``text`` itself, a map from each boundary of ``text``
    (0..len) to the matching boundary of the result.

    Text is normalised a cluster at a time (a character and the combining marks
    after it), so positions between clusters map exactly; one inside a cluster
    that NFC merged maps to the cluster's start.
    """
    result = normalise(text)
    if result == text:
        return text, None
    crlf = text.replace("\r\n", "\n")
    if crlf == result:  # Windows line ends and nothing else: counted in one pass
        boundary: list[int] = []
        removed = 0
        segment_start = 0
        for cr in _all(text, "\r\n"):
            boundary.extend(range(segment_start - removed, cr + 1 - removed))  # up to and including the \r
            removed += 1
            segment_start = cr + 1
        boundary.extend(range(segment_start - removed, len(text) + 1 - removed))
        return result, boundary
    clusters: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        if text[i] == "\r" and j < n and text[j] == "\n":
            j += 1
        else:
            while j < n and unicodedata.combining(text[j]):
                j += 1
        clusters.append((i, j))
        i = j
    boundary = [0] * (n + 1)
    pieces: list[str] = []
    length = 0
    for start, end in clusters:
        piece = normalise(text[start:end])
        for k in range(start, end):
            boundary[k] = length
        pieces.append(piece)
        length += len(piece)
    boundary[n] = length
    joined = "".join(pieces)
    if joined != result:
        # NFC joined characters across clusters (Hangul jamo, say): keep the text as the
        # clusters give it, which every position maps into exactly, rather than lose them.
        return joined, boundary
    return result, boundary
