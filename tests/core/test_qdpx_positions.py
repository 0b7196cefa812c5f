"""Selections counted any of the ways tools count land on the same text once stored."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefer.core.importing.qdpx_positions import CODE_POINTS, UTF8, UTF16, RawSelection, place_selections
from briefer.core.textnorm import normalise

# Letters, spaces, CJK, CJK Extension B, emoji, a combining accent and Windows line ends.
ALPHABET = ["a", "b", " ", "中", "文", "𠀀", "𪚥", "😀", "e\u0301", "\r\n", "\n", "."]


def units(text: str, index: int, scheme: str) -> int:
    if scheme == UTF16:
        return len(text[:index].encode("utf-16-le")) // 2
    if scheme == UTF8:
        return len(text[:index].encode("utf-8"))
    return index


@settings(max_examples=300, deadline=None)
# A blank folded into a match must not beat an exact one; an ASCII text's BOM counted as three bytes.
@example(pieces=["a"] * 6 + [" ", "a", "𠀀"], cut=(7, 2), scheme=UTF16, bom="not counted")
@example(pieces=["a"] * 6, cut=(0, 5), scheme=UTF8, bom="counted")
# A name ending in a Windows line end, counted in UTF-16: the exact span wins over one a letter longer.
@example(pieces=["a"] * 14 + ["𠀀", "\r\n", "a"], cut=(0, 16), scheme=UTF16, bom="none")
@given(
    pieces=st.lists(st.sampled_from(ALPHABET), min_size=6, max_size=40),
    cut=st.tuples(st.integers(0, 39), st.integers(1, 40)),
    scheme=st.sampled_from([CODE_POINTS, UTF16, UTF8]),
    bom=st.sampled_from(["none", "counted", "not counted"]),
)
def test_a_named_selection_is_found_however_it_was_counted(
    pieces: list[str], cut: tuple[int, int], scheme: str, bom: str
) -> None:
    first, length = cut
    first = min(first, len(pieces) - 1)
    last = min(first + length, len(pieces))
    body = "".join(pieces)
    start = len("".join(pieces[:first]))
    end = len("".join(pieces[:last]))
    quote = body[start:end]
    if not quote.strip() or len(quote.strip()) < 2:
        return  # a selection of blanks verifies nothing
    s, e = units(body, start, scheme), units(body, end, scheme)
    raw = body
    if bom != "none":
        raw = "\ufeff" + body
        if bom == "counted":
            shift = 3 if scheme == UTF8 else 1
            s, e = s + shift, e + shift
    placed = place_selections(raw, [RawSelection("x", quote, s, e)])
    assert placed.text == normalise(raw)
    assert placed.problems == {}
    stored_start, stored_end = placed.spans["x"]
    assert placed.text[stored_start:stored_end] == normalise(quote).lstrip("\ufeff")
