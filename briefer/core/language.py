"""Guess a document's language: English or Chinese, and which Chinese script."""

from __future__ import annotations

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


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FA1F
            or 0xF900 <= code <= 0xFAFF)


def detect_language(text: str) -> str:
    """Return "en", "zh-Hans", "zh-Hant", "zh" (script unclear) or "und"."""
    sample = text[:20000]
    han = sum(1 for ch in sample if _is_han(ch))
    latin = sum(1 for ch in sample if ch.isascii() and ch.isalpha())
    if han == 0 and latin == 0:
        return "und"
    # A Chinese text has far fewer characters than an English one per idea, so
    # compare Han characters with Latin *words* (about five letters each).
    if han * 5 >= latin:
        simplified = sum(1 for ch in sample if ch in _SIMPLIFIED)
        traditional = sum(1 for ch in sample if ch in _TRADITIONAL)
        if simplified > traditional * 2:
            return "zh-Hans"
        if traditional > simplified * 2:
            return "zh-Hant"
        return "zh"
    return "en"
