"""The UTF-16 / code-point conversion the reader relies on."""

from briefer.ui.offsets import OffsetMap, codepoint_to_utf16, utf16_to_codepoint


def utf16_index(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def test_bmp_text_maps_to_itself() -> None:
    m = OffsetMap("plain 中文 text")
    assert [m.to_utf16(i) for i in range(5)] == list(range(5))
    assert m.to_codepoint(9) == 9


def test_round_trip_after_emoji_and_extension_b() -> None:
    text = "a😀b𠀋c quote 🎉 end"
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == utf16_index(text, cp)
        assert m.to_codepoint(u16) == cp


def test_position_inside_a_surrogate_pair_rounds_down() -> None:
    text = "x😀y"
    assert utf16_to_codepoint(text, 2) == 1  # between the two halves of 😀
    assert codepoint_to_utf16(text, 2) == 3


def test_passage_after_astral_characters_slices_the_quote() -> None:
    text = "Emoji 😀 then 𠀋: the quote."
    quote = "the quote"
    qt_start = utf16_index(text, text.index(quote))  # where Qt sees the quote start
    assert qt_start == text.index(quote) + 2
    m = OffsetMap(text)
    start, end = m.to_codepoint(qt_start), m.to_codepoint(qt_start + len(quote))
    assert text[start:end] == quote


def test_long_texts_with_and_without_astral_characters() -> None:
    """Long texts take the no-scan path only when no character is astral."""
    plain = "中文 and ‘quotes’ " * 2000
    m = OffsetMap(plain)
    assert m.identity and m.to_utf16(30_000) == 30_000
    late = plain + "𠀋 after"
    m = OffsetMap(late)
    assert not m.identity
    assert m.to_utf16(len(late)) == utf16_index(late, len(late)) == len(late) + 1
    assert m.to_codepoint(len(late) + 1) == len(late)
