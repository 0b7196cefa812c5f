"""Sentence boundaries (briefer/core/sentences.py) and autotag --scope sentence end to end.

The table holds hard cases: paragraphs from the bundled corpus and the usual
suspects (abbreviations, initials, decimals, closing quotes and brackets, Chinese
punctuation, English inside Chinese). Each names a paragraph, the text matched in
it and the exact sentence a quote of that match must grow to.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pysbd
import pytest

from briefer.core.sentences import SentenceFinder, sentence_spans

ROOT = Path(__file__).resolve().parents[2]
CORPUS = {path.name[:3]: path for path in (ROOT / "corpus").glob("*.txt")}


def line(doc: str, number: int) -> str:
    """Line ``number`` (from 1) of the bundled corpus document whose file name starts with ``doc``."""
    return CORPUS[doc].read_text(encoding="utf-8").split("\n")[number - 1]


@dataclass(frozen=True)
class Case:
    id: str
    paragraph: str
    match: str  # the text matched; its first occurrence unless ``occurrence`` says otherwise
    expected: str  # the exact sentence, as it stands in the paragraph
    occurrence: int = 1
    xfail: str = ""  # a known limitation, and why; the case must fail (strict)


HUAWEI_2019 = (
    'In May 2019, the U.S. added Huawei and its 114 overseas affiliates to the "Entity List," '
    "requiring companies exporting products to Huawei to obtain a license."
)

CASES = [
    # ------------------------------------------------------------ the bundled corpus
    Case("corpus: U.S. mid-sentence (issue 12)", line("002", 12), "114 overseas affiliates", HUAWEI_2019),
    Case("corpus: match after U.S.", line("002", 12), "Entity List", HUAWEI_2019),
    Case(
        "corpus: U.S. Secretary",
        line("002", 18),
        "1,300 Chinese companies",
        "According to U.S. Secretary of State Antony Blinken, over 1,300 Chinese companies in AI, chips, quantum "
        'computing, and other frontier technologies have been added to the "Entity List."',
    ),
    Case(
        "corpus: U.S., then a full stop",
        line("002", 5),
        "tackle the adversity",
        "After over seven-year-long tech war between China and the U.S., China seems to be in a better position "
        "to tackle the adversity.",
    ),
    Case(
        "corpus: second sentence after U.S.,",
        line("002", 5),
        "narrowing",
        "China is building an independent and controllable industrial and supply chain system and narrowing the AI "
        "tech gap with the U.S. despite the U.S. restrictions on AI chip exports.",
    ),
    Case(
        "corpus: U.S. Treasury",
        line("002", 15),
        "non-SDN",
        "In December 2021, the U.S. Treasury Department added eight Chinese AI and computing companies to the "
        "non-SDN Chinese Military-Industrial Complex List, restricting U.S. investors from investing in these "
        "companies.",
    ),
    Case(
        "corpus: decimals $2.6 and $251.1",
        line("002", 23),
        "$251.1 billion",
        "The 2024 federal budget proposes over $251.1 billion for AI-related research and services, involving the "
        "Department of Defense, Department of Energy, and Department of Homeland Security.",
    ),
    Case(
        "corpus: decimal $2.6",
        line("002", 23),
        "Task Force",
        "The U.S. National AI Research Resource Task Force plans to invest over $2.6 billion in generative AI "
        "research over the next six years.",
    ),
    Case(
        "corpus: Inc. of China",
        line("002", 32),
        "self-sufficiency in chip equipment",
        line("002", 32),
    ),
    Case(
        "corpus: closing quote after the full stop",
        line("002", 29),
        "rice bowl",
        "Such tactics only strengthen China's resolve and ability to become technologically self-reliant, motivating "
        'China to break through blockades and "secure its own rice bowl."',
    ),
    Case(
        "corpus: sentence before a closing quote",
        line("002", 29),
        "stranglehold",
        "Beijing Daily on Tuesday published an editorial, arguing that while the U.S. can temporarily tighten its "
        'grips on China\'s innovation through "stranglehold" tactics, it cannot keep China out of the high-tech '
        "competition circle indefinitely.",
    ),
    Case(
        "corpus: quoted sentence then attribution",
        line("002", 39),
        "completely wrong",
        '"That perception is completely wrong."',
    ),
    Case(
        "corpus: (the U.S.). inside a quotation",
        line("002", 40),
        "far behind",
        line("002", 40),
    ),
    Case(
        "corpus: percentage and decimal",
        line("002", 45),
        "13.9%",
        line("002", 45),
    ),
    Case(
        "corpus: curly quotes and apostrophes",
        line("002", 4),
        "Manhattan Projects",
        # pysbd does not end a sentence at "U.S." before "His" (it cannot tell it from "U.S. Secretary"):
        # the whole line is one sentence, a longer quote rather than a cut one.
        line("002", 4),
    ),
    Case(
        "corpus: possessive U.S.' mid-sentence",
        line("002", 34),
        "available to global consumers",
        line("002", 34),
        xfail='pysbd: "U.S.\' OpenAI" reads as a sentence ending in a closing quote',
    ),
    Case(
        "corpus: (i.e., ...) twice in brackets",
        line("000", 6),
        "i.e.,",
        "The official interpretation of these four words is as follows: ** need to identify specific technology and "
        'research areas directly related to the United States *** (i.e., "small courtyards") and delineate '
        'appropriate strategic boundaries (i.e., "high walls").',
    ),
    Case(
        "corpus: Chinese, sentence after 。",
        line("003", 1),
        "均未奏效",
        "到目前為止,這些努力均未奏效。",
    ),
    Case(
        "corpus: Chinese with (AI) in brackets",
        line("003", 1),
        "人工智慧",
        "美國幾乎已嘗試了所有方法,想在與中國的科技競賽中勝出,這場競賽涵蓋人工智慧(AI)、能源、自動駕駛汽車、無人機和電動車等多個不同領域。",
    ),
    Case(
        "corpus: Chinese, a quotation of two sentences in 「…」 is quoted whole",
        line("003", 7),
        "削弱美國的地位",
        "上周三,在一次財報電話會議上,黃仁勳進一步強化了他的批評立場,他說:「把中國晶片製造商排除在美國競爭之外,"
        "只會增強其海外實力,削弱美國的地位。出口限制已推動了中國的創新和規模擴張。」",
    ),
    Case(
        "corpus: Chinese, sentence after 。」",
        line("003", 7),
        "營收",
        "到目前為止,進入中國市場受限對輝達營收的影響甚微。",
    ),
    Case(
        "corpus: Chinese with English names and numbers",
        line("003", 9),
        "CloudMatrix 384 AI",
        "華為最新的昇騰(Ascend) 910C人工智慧晶片的單芯算力雖然僅為輝達最新晶片的三分之一,但該公司CloudMatrix 384 "
        "AI超級電腦中集成的該晶片數量是輝達的五倍。",
    ),
    Case(
        "corpus: Chinese ending in ?",
        line("003", 4),
        "國家安全",
        line("003", 4),
    ),
    Case(
        "corpus: a heading is its own sentence",
        line("004", 4),
        "Chinese Manufacturing",
        "The Rising Capability of Chinese Manufacturing",
    ),
    # ------------------------------------------------------------ the usual suspects
    Case(
        "U.S. Secretary, 3 p.m., Jan. 5",
        "The U.S. Secretary of Commerce spoke at 3 p.m. on Jan. 5 in Washington. Reporters left.",
        "Washington",
        "The U.S. Secretary of Commerce spoke at 3 p.m. on Jan. 5 in Washington.",
    ),
    Case(
        "U.K. and Dr. and Inc.",
        "Talks ended. Dr. Smith of Acme Inc. told the U.K. government it would comply. Nobody believed it.",
        "comply",
        "Dr. Smith of Acme Inc. told the U.K. government it would comply.",
    ),
    Case(
        "e.g. and decimals",
        "Prices rose 2.5 per cent, e.g. in memory chips, and 0.75 per cent elsewhere. Then they fell.",
        "elsewhere",
        "Prices rose 2.5 per cent, e.g. in memory chips, and 0.75 per cent elsewhere.",
    ),
    Case(
        "initials",
        "It began in 2019. J. R. R. Tolkien was not involved. Nor was H. G. Wells.",
        "Tolkien",
        "J. R. R. Tolkien was not involved.",
    ),
    Case(
        "quote after the full stop",
        'He said "Stop." Then he left.',
        "Stop",
        'He said "Stop."',
    ),
    Case(
        "curly quote after the full stop",
        "“We will not back down.” The minister left the room.",
        "back down",
        "“We will not back down.”",
    ),
    Case(
        "bracketed sentence",
        "Exports fell. (This was expected.) Imports rose.",
        "expected",
        "(This was expected.)",
    ),
    Case(
        "sentence after a bracketed one",
        "Exports fell. (This was expected.) Imports rose.",
        "Imports",
        "Imports rose.",
    ),
    Case(
        "several spaces between sentences",
        "One sentence.   Two  spaces  inside.    Three.",
        "spaces",
        "Two  spaces  inside.",
    ),
    Case(
        "question and exclamation marks",
        "Is this the end? No! It goes on.",
        "No",
        "No!",
    ),
    Case(
        "the second of two equal sentences",
        "Yes. No. Yes. Maybe.",
        "Yes",
        "Yes.",
        occurrence=2,
    ),
    Case(
        "Chinese 。",
        "美國商務部宣布新規定。華為被列入實體清單。中國表示反對。",
        "華為",
        "華為被列入實體清單。",
    ),
    Case(
        "Chinese 「…？」 keeps its closing bracket",
        "他說：「你來嗎？」我說不。然後他走了。",
        "你來嗎",
        "他說：「你來嗎？」",
    ),
    Case(
        "Chinese sentence after 「…？」",
        "他說：「你來嗎？」我說不。然後他走了。",
        "我說不",
        "我說不。",
    ),
    Case(
        "Chinese 「…」 without a full stop inside does not end the sentence",
        "他說「好」然後走了。再見。",
        "好",
        "他說「好」然後走了。",
    ),
    Case(
        "Chinese 『…』 and ！",
        "這是『重要』的一步！對吧？",
        "重要",
        "這是『重要』的一步！",
    ),
    Case(
        "Chinese ？ at the end",
        "這是『重要』的一步！對吧？",
        "對吧",
        "對吧？",
    ),
    Case(
        "Chinese （…。） keeps its closing bracket",
        "他又說（見附錄。）再見。",
        "附錄",
        "他又說（見附錄。）",
    ),
    Case(
        "Chinese 。」 closes the sentence with its bracket",
        "「出口限制推動了創新。」他補充說。",
        "創新",
        "「出口限制推動了創新。」",
    ),
    Case(
        "English abbreviation inside Chinese: (U.S.)",
        "美國（U.S.）於2019年5月將華為列入實體清單。這是第一步。",
        "華為",
        "美國（U.S.）於2019年5月將華為列入實體清單。",
    ),
    Case(
        "English abbreviation inside Chinese: Dr. after a full-width comma",
        "會議結束。隨後，Dr. Lisa Su表示樂觀。市場上漲。",
        "Lisa Su",
        "隨後，Dr. Lisa Su表示樂觀。",
        # pysbd knows "Dr." after a space or at the start; after "，" it ends a sentence there.
        xfail="pysbd: an abbreviation right after a CJK character ends a sentence",
    ),
    Case(
        "English abbreviation inside Chinese: Dr. after a space",
        "會議結束。隨後， Dr. Lisa Su表示樂觀。市場上漲。",
        "Lisa Su",
        "隨後， Dr. Lisa Su表示樂觀。",
    ),
    Case(
        "English words inside Chinese",
        "美國商務部（BIS）宣布新規定。Nvidia的A100晶片被禁止出口。",
        "A100",
        "Nvidia的A100晶片被禁止出口。",
    ),
    Case(
        "a match spanning two sentences gives both",
        "First one. Second one. Third one.",
        "one. Second",
        "First one. Second one.",
    ),
    Case(
        "a match of trailing whitespace stays with the sentence before",
        "First one.   Second one.",
        "   ",
        "First one.",
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
        for c in CASES
    ],
)
def test_sentence_around_a_match(case: Case) -> None:
    assert case.expected in case.paragraph, "the expected sentence must stand verbatim in the paragraph"
    start = -1
    for _ in range(case.occurrence):
        start = case.paragraph.index(case.match, start + 1)
    left, right = SentenceFinder(case.paragraph).around(start, start + len(case.match))
    assert case.paragraph[left:right] == case.expected


def test_there_are_enough_hard_cases() -> None:
    assert len(CASES) >= 30
    assert sum(c.id.startswith("corpus:") for c in CASES) >= 10


def corpus_paragraphs() -> list[str]:
    return [p for path in sorted(CORPUS.values()) for p in path.read_text(encoding="utf-8").split("\n")]


def test_pysbd_char_spans_are_exact_offsets_into_the_corpus() -> None:
    """What sentences.py relies on: pysbd's spans slice the original text, English and Chinese alike."""
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    for paragraph in corpus_paragraphs():
        if not paragraph.strip():
            continue
        spans = segmenter.segment(paragraph)
        assert all(paragraph[s.start : s.end] == s.sent for s in spans)
        assert [s.start for s in spans] == sorted({s.start for s in spans})
        assert "".join(s.sent for s in spans).strip() == paragraph.strip()


@pytest.mark.parametrize(
    "paragraph",
    ["", "   ", "One.", "  Indented.  Two  spaces.  ", "Unclosed (bracket. Then more.", "Stray ) bracket. Ok."],
)
def test_spans_tile_the_paragraph(paragraph: str) -> None:
    spans = sentence_spans(paragraph)
    assert spans[0][0] == 0 and spans[-1][1] == len(paragraph)
    assert all(a[1] == b[0] for a, b in pairwise(spans))


def test_spans_tile_every_corpus_paragraph() -> None:
    for paragraph in corpus_paragraphs():
        spans = sentence_spans(paragraph)
        assert spans[0][0] == 0 and spans[-1][1] == len(paragraph)
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in pairwise(spans))


def test_unclosed_bracket_does_not_swallow_the_paragraph() -> None:
    text = "Unclosed (bracket. Then more. And more."
    i = text.index("And")
    assert text[slice(*SentenceFinder(text).around(i, i + 3))] == "And more."


def test_offsets_in_a_whole_document_never_cross_a_line() -> None:
    text = (
        "  Title line\n\n"
        "In May 2019, the U.S. added Huawei.   The U.K. did not.  \n"
        "   \n"
        "他說：「你來嗎？」我說不。  Then English.\n"
        "No full stop at the end"
    )
    finder = SentenceFinder(text)
    expectations = {
        "Title": "Title line",
        "Huawei": "In May 2019, the U.S. added Huawei.",
        "U.K.": "The U.K. did not.",
        "你來嗎": "他說：「你來嗎？」",
        "我說不": "我說不。",
        "English": "Then English.",
        "full stop": "No full stop at the end",
    }
    for match, sentence in expectations.items():
        i = text.index(match)
        left, right = finder.around(i, i + len(match))
        assert text[left:right] == sentence
        assert "\n" not in text[left:right]


def test_a_match_over_a_line_break_spans_both_sentences() -> None:
    text = "First line. It ends here\nSecond line starts. Then stops."
    i = text.index("here")
    j = text.index("Second") + len("Second")
    left, right = SentenceFinder(text).around(i, j)
    assert text[left:right] == "It ends here\nSecond line starts."


# ---------------------------------------------------------------- end to end
def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "briefer", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_autotag_sentence_scope_stores_the_whole_sentence(tmp_path: Path) -> None:
    project = tmp_path / "p.briefer"
    assert run("new", project).returncode == 0
    result = run("autotag", project, "--pattern", r"114 overseas", "--tag", "Policy history", "--scope", "sentence")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    result = run("autotag", project, "--pattern", r"華為最新", "--tag", "Policy history", "--scope", "sentence")
    assert result.returncode == 0, result.stderr

    # Read the project file as SQLite itself: the stored quote is the document's text at the
    # stored code-point offsets (substr counts characters from 1), verbatim.
    with sqlite3.connect(project) as db:
        rows = db.execute(
            "SELECT p.quote, p.start, p.end, substr(d.text, p.start + 1, p.end - p.start), p.prefix, p.suffix,"
            " substr(d.text, max(1, p.start - 31), min(p.start, 32)), substr(d.text, p.end + 1, 32)"
            " FROM passages p JOIN documents d ON d.id = p.document ORDER BY p.id"
        ).fetchall()
    assert [r[0] for r in rows] == [
        HUAWEI_2019,
        "華為最新的昇騰(Ascend) 910C人工智慧晶片的單芯算力雖然僅為輝達最新晶片的三分之一,但該公司CloudMatrix 384 "
        "AI超級電腦中集成的該晶片數量是輝達的五倍。",
    ]
    for quote, _start, _end, stored_slice, prefix, suffix, text_before, text_after in rows:
        assert quote == stored_slice
        assert (prefix, suffix) == (text_before, text_after)


def test_a_long_paragraph_is_segmented_a_window_at_a_time() -> None:
    """A line longer than pysbd's window (about 4,000 characters) gives the same sentences as short lines do."""
    lines = CORPUS["002"].read_text(encoding="utf-8").split("\n")
    paragraph = " ".join(line.strip() for line in lines if line.strip().endswith((".", '."')))
    assert len(paragraph) > 3 * 4000
    sentences = {paragraph[s:e].strip() for s, e in sentence_spans(paragraph)}
    expected = {
        line[s:e].strip() for line in lines if line.strip().endswith((".", '."')) for s, e in sentence_spans(line)
    }
    assert HUAWEI_2019 in sentences
    assert sentences == expected


def test_a_sentence_longer_than_the_window_is_not_cut() -> None:
    paragraph = "Start. " + "and more words " * 600 + "end. The U.S. Secretary spoke. Done."
    spans = [paragraph[s:e].strip() for s, e in sentence_spans(paragraph)]
    assert spans == ["Start.", ("and more words " * 600 + "end.").strip(), "The U.S. Secretary spoke.", "Done."]
