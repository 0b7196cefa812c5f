"""Every date a source gives, as the ISO date a citation can use.

Sources write dates in many ways: ISO timestamps (HTML, XMP), RFC 2822 (feeds,
e-mail), "March 5, 2024" (by-lines), 2024年3月5日 (Chinese pages), CSL-JSON
``date-parts``, RIS ``2024/03/05/`` and BibTeX's separate year and month. The
store keeps one form, ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when that is all
the source says, so documents sort and cite alike whatever they came from.

A date that cannot be read for certain becomes "" rather than a guess: a wrong
date in a citation is worse than a missing one, which the export flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from email.utils import parsedate_to_datetime

__all__ = ["MAX_YEAR", "MIN_YEAR", "DateValue", "iso_date"]

# Outside these years a "date" is a placeholder (0000-00-00, 9999-12-31) or a
# misread number, not when a source was written or published.
MIN_YEAR = 1000
MAX_YEAR = 2199

DateValue = str | int | date | Sequence[object] | Mapping[str, object] | None
"""What sources hand over: text, a year, a date or datetime, CSL ``date-parts`` or a CSL date object."""

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}

_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MONTH_WORD = r"(?P<month>[a-z]+)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

# Each pattern must match the whole (stripped) text and names the year, and the
# month and day where the form has them. Numeric dates are read year first
# only: 03/05/2024 is March or May depending on the writer's country.
_PATTERNS = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        rf"{_YEAR}(?:-(?P<month>\d{{1,2}}))?",  # 2024, 2024-03 (full ISO dates: fromisoformat)
        rf"{_YEAR}([/.])(?P<month>\d{{1,2}})\2(?P<day>\d{{1,2}})",  # 2024/03/05, 2024.3.5
        rf"{_YEAR}/(?P<month>\d{{1,2}})?/(?P<day>\d{{1,2}})?/[^/]*",  # RIS: 2024/03/05/, 2024///, 2024/03//Spring
        rf"{_YEAR}\s*年\s*(?:(?P<month>\d{{1,2}})\s*月\s*(?:(?P<day>\d{{1,2}})\s*日)?)?",  # 2024年3月5日
        rf"{_WEEKDAY}{_MONTH_WORD}\s+{_DAY},?\s+{_YEAR}",  # March 5, 2024; Mar. 5, 2024; Tuesday, March 5, 2024
        rf"{_WEEKDAY}{_DAY}\s+{_MONTH_WORD},?\s+{_YEAR}",  # 5 March 2024; Tue, 5 Mar 2024
        rf"{_MONTH_WORD},?\s+{_YEAR}",  # March 2024
    )
)


def iso_date(value: DateValue, month: str | int | None = None) -> str:
    """``value`` as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; "" when it is not certainly a date.

    ``month`` is for sources that give the year and month apart (BibTeX's
    ``year`` and ``month``: ``"mar"``, ``"March"``, ``"3"``); it needs a bare
    year in ``value``. A datetime keeps the date as written in its own time
    zone: converting to UTC would move an evening article to the next day.
    """
    if month is not None and str(month).strip():
        return _year_and_month(value, month)
    if isinstance(value, datetime | date):
        return _format(value.year, value.month, value.day)
    if isinstance(value, bool):  # a bool is an int, and never a year
        return ""
    if isinstance(value, int):
        return _format(value)
    if isinstance(value, str):
        return _from_text(value)
    if isinstance(value, Mapping):
        return _from_csl_object(value)
    if isinstance(value, Sequence):
        return _from_date_parts(value)
    return ""


def _year_and_month(year: DateValue, month: str | int) -> str:
    """BibTeX's ``year`` and ``month`` fields; a month that cannot be read spoils the pair."""
    if isinstance(year, bool) or not isinstance(year, str | int) or not str(year).strip().isdecimal():
        return ""
    text = str(month).strip().lower().rstrip(".")
    number = int(text) if text.isdecimal() else _MONTHS.get(text, 0)
    return _format(int(str(year).strip()), number) if number else ""


def _from_csl_object(value: Mapping[str, object]) -> str:
    """A CSL-JSON date: ``{"date-parts": [[2024, 3, 5]]}``, else its ``raw`` text."""
    parts = value.get("date-parts")
    if isinstance(parts, Sequence) and not isinstance(parts, str):
        return _from_date_parts(parts)
    raw = value.get("raw")
    return _from_text(raw) if isinstance(raw, str) else ""


def _from_date_parts(parts: Sequence[object]) -> str:
    """CSL-JSON ``date-parts``: ``[[2024, 3, 5]]``; of a range ``[[start], [end]]``, the start."""
    if isinstance(parts, str) or not parts:
        return ""
    first = parts[0]
    if not isinstance(first, Sequence) or isinstance(first, str) or not 1 <= len(first) <= 3:
        return ""
    numbers: list[int] = []
    for part in first:  # CSL allows numbers or strings of digits
        if isinstance(part, bool) or not isinstance(part, int | str) or not str(part).strip().isdecimal():
            return ""
        numbers.append(int(str(part).strip()))
    return _format(*numbers)


def _from_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _from_match(match)
    return _from_timestamp(text)


def _from_match(match: re.Match[str]) -> str:
    found = match.groupdict()
    month_text = (found.get("month") or "").lower()
    month: int | None
    if month_text and not month_text.isdecimal():
        if month_text not in _MONTHS:
            return ""
        month = _MONTHS[month_text]
    else:
        month = int(month_text) if month_text else None
    day = int(found["day"]) if found.get("day") else None
    if day is not None and month is None:  # RIS 2024//05/: a day of no month
        return ""
    return _format(int(found["year"]), month, day)


def _from_timestamp(text: str) -> str:
    """An ISO 8601 date or date-time, else an RFC 2822 one ("Tue, 05 Mar 2024 10:00:00 GMT")."""
    try:
        moment: date = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            return ""
    return _format(moment.year, moment.month, moment.day)


def _format(year: int, month: int | None = None, day: int | None = None) -> str:
    """The ISO form of what is given, or "" when it is no real date in a plausible year."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return ""
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else ""
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # 2024-02-30, month 13
        return ""
