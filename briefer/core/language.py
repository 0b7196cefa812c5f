"""Guess a document's language: English or Chinese, and which Chinese script."""

from __future__ import annotations

import re

# Characters that differ between the two scripts and are common in news text.
# Each pair is (simplified, traditional).
_SCRIPT_PAIRS = (
    "国國 这這 为為 说說 对對 时時 们們 经經 发發 会會 来來 个個 业業 于於 产產 进進 "
    "过過 们們 实實 现現 长長 体體 关關 动動 机機 术術 电電 开開 问問 无無 还還 场場 "
    "与與 将將 从從 应應 战戰 华華 车車 导導 势勢 议議 让讓 买買 卖賣 价價 际際 处處 "
    "芯晶 片片 优優 制製 专專 门門 ".split()
)
_SIMPLIFIED = {pair[0] for pair in _SCRIPT_PAIRS if pair[0] != pair[1]}
_TRADITIONAL = {pair[1] for pair in _SCRIPT_PAIRS if pair[0] != pair[1]}


# Counting in C, never a Python loop: language detection must not dominate a big
# import. Han *runs*, not single characters, so findall() builds a few strings
# per line rather than one per character.
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_NOT_LATIN = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))
# All but the UTF-8 lead bytes of U+3000-U+9FFF, U+F000-U+FFFF and U+10000-U+3FFFF,
# which between them hold every range above ...
_NOT_HAN_LEADS = bytes(b for b in range(256) if not (0xE3 <= b <= 0xE9 or b in (0xEF, 0xF0)))
# ... and all but those of U+5000-U+9FFF, which hold nothing else.
_NOT_SURE_HAN_LEADS = bytes(b for b in range(256) if not 0xE5 <= b <= 0xE9)
# Deleting the runs *between* script markers and measuring what is left: far
# fewer regex matches than finding each marker, in a text full of them.
_NOT_SIMPLIFIED = re.compile("[^" + "".join(sorted(_SIMPLIFIED)) + "]+")
_NOT_TRADITIONAL = re.compile("[^" + "".join(sorted(_TRADITIONAL)) + "]+")


def detect_language(text: str) -> str:
    """Return "en", "zh-Hans", "zh-Hant", "zh" (script unclear) or "und"."""
    sample = text[:4000]
    # Counted on the UTF-8 bytes, deleting what is not wanted: ASCII letters are
    # themselves there, one byte each.
    encoded = sample.encode("utf-8", "surrogatepass")
    latin = len(encoded.translate(None, _NOT_LATIN))
    han = _han_count(sample, encoded, latin)
    if han == 0 and latin == 0:
        return "und"
    # A Chinese text has far fewer characters than an English one per idea, so
    # compare Han characters with Latin *words* (about five letters each).
    if han * 5 >= latin:
        simplified = len(_NOT_SIMPLIFIED.sub("", sample))
        traditional = len(_NOT_TRADITIONAL.sub("", sample))
        if simplified > traditional * 2:
            return "zh-Hans"
        if traditional > simplified * 2:
            return "zh-Hant"
        return "zh"
    return "en"


def _han_count(sample: str, encoded: bytes, latin: int) -> int:
    """How many Han characters ``sample`` holds, or a bound on that which gives
    the same answers to detect_language's questions: any at all, and at least
    ``latin / 5``? ``encoded`` is the sample in UTF-8.

    Each character has one lead byte, so counting lead bytes (in C) bounds the
    count from both sides, and the regex, the slow part, only runs when the
    bounds leave an answer open.
    """
    at_most = len(encoded.translate(None, _NOT_HAN_LEADS))
    if at_most == 0:
        return 0
    at_least = len(encoded.translate(None, _NOT_SURE_HAN_LEADS))
    if at_least > 0 and at_least * 5 >= latin:
        return at_least
    if at_most * 5 < latin:  # and so latin > 0: "none at all" would not change the answer
        return at_most
    return sum(map(len, _HAN_RUN.findall(sample)))
