"""Re-anchoring passages on a new text: each outcome, on small texts with known edits."""

from __future__ import annotations

from briefer.core.reanchor import Anchored, PositionMap, reanchor


def passage(text: str, quote: str, occurrence: int = 1) -> Anchored:
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    end = start + len(quote)
    return Anchored(quote, text[max(0, start - 32) : start], text[end : end + 32], start, end)


OLD = (
    "Export controls were tightened in October 2022.\n"
    "The budget was $3.2 billion in 2023, officials said.\n"
    "Chinese firms stockpiled chips before the rules took effect.\n"
    "Analysts disagree about whether the controls work.\n"
)


def test_an_unchanged_quote_where_the_edit_maps_it_is_exact() -> None:
    new = "A new first paragraph.\n" + OLD.replace("tightened", "tightend")  # a typo elsewhere
    (outcome,) = reanchor(OLD, new, [passage(OLD, "Chinese firms stockpiled chips")])
    assert outcome.anchor == "exact"
    assert new[outcome.start : outcome.end] == "Chinese firms stockpiled chips"


def test_text_inserted_right_before_and_after_a_quote_stays_outside_it() -> None:
    new = OLD.replace("Chinese firms stockpiled chips", "Reportedly, Chinese firms stockpiled chips heavily")
    (outcome,) = reanchor(OLD, new, [passage(OLD, "Chinese firms stockpiled chips")])
    assert (outcome.anchor, new[outcome.start : outcome.end]) == ("exact", "Chinese firms stockpiled chips")


def test_a_quote_in_a_moved_paragraph_is_moved() -> None:
    lines = OLD.splitlines(keepends=True)
    new = lines[3] + lines[0] + lines[1] + lines[2]
    quote = "Analysts disagree about whether the controls work."
    (outcome,) = reanchor(OLD, new, [passage(OLD, quote)])
    assert outcome.anchor == "moved"
    assert (outcome.start, new[outcome.start : outcome.end]) == (0, quote)


def test_a_changed_figure_inside_a_quote_is_fuzzy_with_a_candidate_never_exact() -> None:
    new = OLD.replace("$3.2 billion", "$3.4 billion")
    quote = "The budget was $3.2 billion in 2023"
    (outcome,) = reanchor(OLD, new, [passage(OLD, quote)])
    assert outcome.anchor == "fuzzy"
    assert outcome.candidate is not None
    assert outcome.candidate.quote == "The budget was $3.4 billion in 2023"
    assert new[outcome.candidate.start : outcome.candidate.end] == outcome.candidate.quote
    assert 0.9 < outcome.candidate.score < 1.0


def test_deleted_quoted_text_is_orphaned() -> None:
    new = OLD.replace("Chinese firms stockpiled chips before the rules took effect.\n", "")
    (outcome,) = reanchor(OLD, new, [passage(OLD, "stockpiled chips before the rules")])
    assert (outcome.anchor, outcome.candidate) == ("orphaned", None)


def test_a_short_quote_replaced_by_unrelated_words_is_orphaned_not_fuzzy() -> None:
    old = "Alpha paragraph one, says the first source.\nBeta paragraph two."
    new = "Gamma paragraph three is about chips.\nDelta paragraph four."
    (outcome,) = reanchor(old, new, [passage(old, "Alpha paragraph")])
    assert outcome.anchor == "orphaned"


def test_a_repeated_quote_whose_own_occurrence_was_deleted_is_not_moved_to_the_other() -> None:
    old = "First: the controls work as intended here.\nSecond, unrelated: the controls work as intended there.\n"
    new = "Second, unrelated: the controls work as intended there.\n"
    (outcome,) = reanchor(old, new, [passage(old, "the controls work as intended")])
    assert outcome.anchor in ("fuzzy", "orphaned")
    assert outcome.anchor != "moved"


def test_a_repeated_quote_whose_paragraph_moved_and_changed_is_offered_not_taken() -> None:
    beijing = "the rules bite hard, in Beijing, where officials worry about their supplies.\n"
    washington = "the rules bite hard, in Washington, where officials think they are working.\n"
    old = f"An introduction of some length.\nOne source says {beijing}A middle paragraph.\nAnother says {washington}"
    new = f"Another says {washington}An introduction of some length.\nA middle paragraph.\nOne now says {beijing}"
    first, second = passage(old, "the rules bite hard", 1), passage(old, "the rules bite hard", 2)
    one, two = reanchor(old, new, [first, second])
    # The same words twice, and the first one's paragraph rewritten: which copy is its is
    # the analyst's call, so the copy its context matches is offered, not taken.
    assert one.anchor == "fuzzy" and one.candidate is not None
    assert (one.candidate.quote, one.candidate.score) == ("the rules bite hard", 1.0)
    assert new[one.candidate.end : one.candidate.end + 12] == ", in Beijing"
    # The second one's paragraph moved unchanged: it moves with it.
    assert (two.anchor, two.start) == ("moved", new.index("the rules"))


def test_a_fuzzy_passage_is_found_again_from_its_candidate_on_the_next_version() -> None:
    v2 = OLD.replace("$3.2 billion", "$3.4 billion")
    quote = "The budget was $3.2 billion in 2023"
    (fuzzy,) = reanchor(OLD, v2, [passage(OLD, quote)])
    assert fuzzy.candidate is not None
    # Version 3 puts the old figure back: the passage's own quote is there again.
    v3 = "Preface.\n" + OLD
    hint = Anchored(quote, "", "", fuzzy.candidate.start, fuzzy.candidate.end)
    (again,) = reanchor(v2, v3, [hint])
    assert again.anchor in ("exact", "moved")
    assert v3[again.start : again.end] == quote


def test_an_orphaned_passage_comes_back_as_moved_when_its_text_returns() -> None:
    v2 = OLD.replace("Chinese firms stockpiled chips before the rules took effect.\n", "")
    quote = "Chinese firms stockpiled chips"
    lost = Anchored(quote, "", "", 0, 0, located=False)
    (outcome,) = reanchor(v2, OLD, [lost])
    assert outcome.anchor == "moved"
    assert OLD[outcome.start : outcome.end] == quote


def test_whitespace_normalised_inside_a_quote_is_fuzzy_and_outside_it_exact() -> None:
    old = "The  rules   bite.\nExport controls  were tightened.\n"
    new = "The rules bite.\nExport controls  were tightened.\n"
    inside, outside = reanchor(old, new, [passage(old, "The  rules   bite."), passage(old, "controls  were")])
    assert inside.anchor == "fuzzy" and inside.candidate is not None
    assert inside.candidate.quote == "The rules bite."
    assert (outside.anchor, new[outside.start : outside.end]) == ("exact", "controls  were")


def test_chinese_text_keeps_code_point_offsets() -> None:
    old = "美國擴大出口管制。\n中國企業囤積晶片𠀋。\n分析人士意見分歧。\n"
    new = "新的一段。\n" + old
    (outcome,) = reanchor(old, new, [passage(old, "中國企業囤積晶片𠀋")])
    assert (outcome.anchor, new[outcome.start : outcome.end]) == ("exact", "中國企業囤積晶片𠀋")


def test_position_map_follows_each_character() -> None:
    mapping = PositionMap("abcdef", "abXcdf")
    assert mapping.span(0, 2) == (0, 2, True)
    assert mapping.span(2, 4) == (3, 5, True)
    assert mapping.span(4, 5)[2] is False  # "e" was deleted


def test_a_repeated_quote_in_a_paragraph_moved_unchanged_is_moved_with_it() -> None:
    old = (
        "First paragraph: the rules bite hard, officials say, in Beijing today.\n"
        "Second paragraph is about something else entirely, at some length.\n"
        "Third paragraph: the rules bite hard, officials say, in Washington too.\n"
    )
    lines = old.splitlines(keepends=True)
    new = lines[1] + lines[2] + lines[0]
    (outcome,) = reanchor(old, new, [passage(old, "the rules bite hard", 1)])
    assert outcome.anchor == "moved"
    assert new[outcome.end : outcome.end + 36] == ", officials say, in Beijing today.\n"
