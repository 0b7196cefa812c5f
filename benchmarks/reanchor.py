"""Re-anchoring passages on edited versions of documents, against known ground truth.

    python benchmarks/reanchor.py [--seed 7] [--repeat 3]

Deterministic: the bundled corpus's five documents and the 2 MB document that
``make_corpus.py`` writes (``doc0000.txt``, rebuilt here from the same seed),
each with passages drawn at random (spans of 40-600 characters, as
``make_corpus.py`` draws them, and whole sentences, as an analyst tags them).
Each document gets realistic edits: typo fixes, sentences and paragraphs
inserted and deleted, paragraphs moved, quotes and dashes normalised, a figure
changed inside some quotes, quoted text deleted. Every character's fate is
tracked, so each passage is known to survive (its quote still stands, unchanged,
from its own first character or up to its own last one, at a known new span) or
to be destroyed.

Reported, with targets: the share of surviving passages anchored exact or moved
at the right span (at least 99%), the share of destroyed passages flagged
fuzzy or orphaned (100%), passages anchored exact or moved at a wrong span (0),
and the time to re-anchor 3,000 passages on the 2 MB document (under 2 s).
Exits 1 if one of the first three is missed (the time is reported, not enforced).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_corpus import BIG_DOC_CHARS, TOTAL_CHARS, _sentences, _sizes, _text

from briefer.core.reanchor import Anchored, Outcome, reanchor
from briefer.resources import corpus_dir

CONTEXT = 32  # as the service keeps (briefer.core.service.CONTEXT_CHARS)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
_FIGURE = re.compile(r"\d")

Piece = tuple[str, int]  # text, and the old offset of its first character (-1: new text)


@dataclass(frozen=True)
class Case:
    name: str
    old: str
    new: str
    inverse: array  # old offset -> new offset of an unchanged character, or -1
    passages: list[tuple[int, int]]


def big_document() -> str:
    """The 2 MB document exactly as make_corpus.py writes it (doc0000.txt, default seed)."""
    rng = random.Random(7)
    english, _ = _sentences()
    size = _sizes(rng, 1000, TOTAL_CHARS)[0]
    assert size == BIG_DOC_CHARS
    return _text(rng, english, size, "Synthetic source 0000", " ")


def draw_passages(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """Half random spans as make_corpus.py draws them, half whole sentences."""
    spans: list[tuple[int, int]] = []
    bounds = [m.end() for m in _SENTENCE_END.finditer(text)]
    for k in range(count):
        if k % 2 == 0 or len(bounds) < 3:
            start = rng.randrange(0, max(1, len(text) - 400))
            end = min(len(text), start + rng.randint(40, 600))
        else:
            i = rng.randrange(len(bounds) - 1)
            start, end = bounds[i], bounds[i + 1]
            while end > start and text[end - 1].isspace():
                end -= 1
        if end > start and not text[start:end].isspace():
            spans.append((start, end))
    return spans


def novel(rng: random.Random, pool: list[str], joiner: str) -> str:
    """A sentence the document does not hold: a pool sentence's words (characters, for Chinese) shuffled.

    Inserted text is new text in a real revision; a verbatim copy of a sentence
    from elsewhere in the document would make a deleted quote reappear, which
    no re-anchoring could tell from a move.
    """
    sentence = rng.choice(pool)
    units = sentence.split(" ") if joiner else list(sentence)
    rng.shuffle(units)
    return joiner.join(units)


def edit(rng: random.Random, text: str, pool: list[str], joiner: str, figures: set[int], rate: float) -> list[Piece]:
    """A new version of ``text`` as pieces, paragraph by paragraph; ``figures``: digits to change."""
    pieces: list[Piece] = []
    moved: list[list[Piece]] = []
    offset = 0
    for paragraph in text.split("\n"):
        start = offset
        offset += len(paragraph) + 1
        out = _edit_paragraph(rng, paragraph, start, pool, joiner, figures, rate)
        if out is None:  # deleted
            continue
        out.append(("\n", start + len(paragraph)) if start + len(paragraph) < len(text) else ("\n", -1))
        if rng.random() < rate * 0.5:  # moved further down
            moved.append(out)
            continue
        pieces.extend(out)
        if moved and rng.random() < 0.3:
            pieces.extend(moved.pop(0))
        if rng.random() < rate * 0.5:  # a paragraph inserted
            pieces.append((joiner.join(novel(rng, pool, joiner) for _ in range(3)) + "\n", -1))
    for out in moved:
        pieces.extend(out)
    return pieces


def _edit_paragraph(
    rng: random.Random, text: str, start: int, pool: list[str], joiner: str, figures: set[int], rate: float
) -> list[Piece] | None:
    roll = rng.random()
    if roll < rate * 0.4:
        return None
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if 0 < m.end() < len(text)]
    pieces: list[Piece] = []
    cut = 0  # text[:cut] is in pieces
    ops: list[tuple[int, int, str]] = []  # (from, to, replacement) in paragraph offsets
    if roll < rate * 0.8 and ends:  # a sentence inserted
        at = rng.choice(ends)
        ops.append((at, at, novel(rng, pool, joiner) + joiner))
    elif roll < rate * 1.2 and len(ends) > 1:  # a sentence deleted
        i = rng.randrange(len(ends) - 1)
        ops.append((ends[i], ends[i + 1], ""))
    elif roll < rate * 2.0:  # a typo fixed: one letter differs
        letters = [m.start() for m in re.finditer(r"[a-z]", text)]
        if letters:
            at = rng.choice(letters)
            ops.append((at, at + 1, "e" if text[at] != "e" else "a"))
    elif roll < rate * 2.4:  # quotes, dashes and spaces normalised
        for m in re.finditer(r"'|\"| - |  +", text):
            ops.append((m.start(), m.end(), {"'": "’", '"': "”", " - ": " – "}.get(m.group(), " ")))
    elif roll < rate * 2.6:  # a stretch of text deleted, quoted or not
        a = rng.randrange(len(text) or 1)
        ops.append((a, min(len(text), a + rng.randint(5, 80)), ""))
    for pos in sorted(p - start for p in figures if start <= p < start + len(text)):
        if not any(a <= pos < b for a, b, _ in ops):
            ops.append((pos, pos + 1, str((int(text[pos]) + 1) % 10)))
    for a, b, replacement in sorted(ops):
        if a < cut:
            continue
        if a > cut:
            pieces.append((text[cut:a], start + cut))
        if replacement:
            pieces.append((replacement, -1))
        cut = b
    if cut < len(text):
        pieces.append((text[cut:], start + cut))
    return pieces


def build_case(name: str, rng: random.Random, old: str, pool: list[str], joiner: str, count: int, rate: float) -> Case:
    passages = draw_passages(rng, old, count)
    # A figure changed inside about one quote in twenty-five that holds one.
    figures = set()
    for start, end in passages:
        digits = [m.start() for m in _FIGURE.finditer(old, start, end)]
        if digits and rng.random() < 0.04:
            figures.add(rng.choice(digits))
    pieces = edit(rng, old, pool, joiner, figures, rate)
    new = "".join(text for text, _ in pieces)
    inverse = array("q", [-1]) * len(old)
    pos = 0
    for text, origin in pieces:
        if origin >= 0:
            inverse[origin : origin + len(text)] = array("q", range(pos, pos + len(text)))
        pos += len(text)
    return Case(name, old, new, inverse, passages)


def truth(case: Case, start: int, end: int) -> tuple[int, int] | None:
    """The new span of an old passage whose quote still stands, unchanged, from its own first
    character or up to its own last one (an edit may end in the very letters it replaced);
    None when the quote was destroyed."""
    quote = case.old[start:end]
    first, last = case.inverse[start], case.inverse[end - 1]
    if first >= 0 and case.new[first : first + len(quote)] == quote:
        return first, first + len(quote)
    if last >= 0 and case.new[last + 1 - len(quote) : last + 1] == quote:
        return last + 1 - len(quote), last + 1
    return None


def anchors(case: Case) -> list[Anchored]:
    o = case.old
    return [Anchored(o[s:e], o[max(0, s - CONTEXT) : s], o[e : e + CONTEXT], s, e) for s, e in case.passages]


@dataclass
class Score:
    surviving: int = 0
    right: int = 0
    destroyed: int = 0
    flagged: int = 0
    wrong: int = 0
    by_anchor: dict[str, int] | None = None

    def add(self, case: Case, outcomes: list[Outcome]) -> None:
        self.by_anchor = self.by_anchor or {}
        for (start, end), outcome in zip(case.passages, outcomes, strict=True):
            self.by_anchor[outcome.anchor] = self.by_anchor.get(outcome.anchor, 0) + 1
            expected = truth(case, start, end)
            anchored = outcome.anchor in ("exact", "moved")
            at = (outcome.start, outcome.end) if anchored else None
            if expected is not None:
                self.surviving += 1
                self.right += at == expected
            else:
                self.destroyed += 1
                self.flagged += not anchored
            # Anchored somewhere that is not the passage's own surviving text.
            self.wrong += anchored and at != expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="timing runs of the 2 MB case (median reported)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    english, chinese = _sentences()
    cases = []
    for path in sorted(corpus_dir().glob("*.txt")):
        text = path.read_text(encoding="utf-8").strip("\n")
        is_chinese = bool(re.search(r"[\u4e00-\u9fff]{20}", text))
        pool, joiner = (chinese, "") if is_chinese else (english, " ")
        cases.append(build_case(f"corpus {path.name[:3]}", rng, text, pool, joiner, 200, rate=0.08))
    big = build_case("2 MB synthetic", rng, big_document(), english, " ", 3000, rate=0.03)
    cases.append(big)

    total = Score()
    print(
        f"{'document':<18}{'chars':>10}{'passages':>10}{'surviving':>11}{'right':>8}{'destroyed':>11}"
        f"{'flagged':>9}{'wrong':>7}"
    )
    for case in cases:
        score = Score()
        score.add(case, reanchor(case.old, case.new, anchors(case)))
        total.add(case, reanchor(case.old, case.new, anchors(case)))
        print(
            f"{case.name:<18}{len(case.old):>10,}{len(case.passages):>10}{score.surviving:>11}{score.right:>8}"
            f"{score.destroyed:>11}{score.flagged:>9}{score.wrong:>7}"
        )
    times = []
    for _ in range(max(1, args.repeat)):
        began = time.perf_counter()
        reanchor(big.old, big.new, anchors(big))
        times.append(time.perf_counter() - began)
    seconds = statistics.median(times)

    right = total.right / total.surviving if total.surviving else 1.0
    flagged = total.flagged / total.destroyed if total.destroyed else 1.0
    print(f"outcomes: {', '.join(f'{n} {k}' for k, n in sorted((total.by_anchor or {}).items()))}")
    rows = [
        ("surviving passages at the right span", f"{right:.2%} of {total.surviving}", ">= 99%", right >= 0.99),
        ("destroyed passages flagged fuzzy/orphaned", f"{flagged:.2%} of {total.destroyed}", "100%", flagged == 1.0),
        ("passages anchored at a wrong span", str(total.wrong), "0", total.wrong == 0),
        (
            f"re-anchor {len(big.passages):,} passages on the 2 MB document",
            f"{seconds:.3f}s",
            "< 2 s",
            seconds < 2.0,
        ),
    ]
    print()
    print(f"{'measure':<48}{'result':>20}{'target':>10}  verdict")
    for label, value, target, met in rows:
        print(f"{label:<48}{value:>20}{target:>10}  {'met' if met else 'MISSED'}")
    met = sum(1 for row in rows if row[3])
    print(f"{met} targets met, {len(rows) - met} missed")
    # Exit 1 for a wrong answer only: CI runs this on shared machines, where time says little.
    return 0 if all(row[3] for row in rows[:3]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
