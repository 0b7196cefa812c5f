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


# Regex counting runs in C: language detection must not dominate a big import.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN = re.compile("[A-Za-z]")
_SIMPLIFIED_RE = re.compile("[" + "".join(sorted(_SIMPLIFIED)) + "]")
_TRADITIONAL_RE = re.compile("[" + "".join(sorted(_TRADITIONAL)) + "]")


def detect_language(text: str) -> str:
    """Return "en", "zh-Hans", "zh-Hant", "zh" (script unclear) or "und"."""
    sample = text[:4000]
    han = len(_HAN.findall(sample))
    latin = len(_LATIN.findall(sample))
    if han == 0 and latin == 0:
        return "und"
    # A Chinese text has far fewer characters than an English one per idea, so
    # compare Han characters with Latin *words* (about five letters each).
    if han * 5 >= latin:
        simplified = len(_SIMPLIFIED_RE.findall(sample))
        traditional = len(_TRADITIONAL_RE.findall(sample))
        if simplified > traditional * 2:
            return "zh-Hans"
        if traditional > simplified * 2:
            return "zh-Hant"
        return "zh"
    return "en"
