"""Every date a source may give, to ISO; anything uncertain to ""."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from briefer.core.importing.dates import DateValue, iso_date

EST = timezone(timedelta(hours=-5))
BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    "value,expected",
    [
        # ISO, with and without times and zones: the date as written, never moved to UTC.
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T10:00:00Z", "2024-03-05"),
        ("2024-03-05T23:30:00-05:00", "2024-03-05"),
        ("2024-03-05T00:30:00.000+08:00", "2024-03-05"),
        ("2024-03-05 10:00", "2024-03-05"),
        ("  2024-03-05\n", "2024-03-05"),
        ("2024-03", "2024-03"),
        ("2024", "2024"),
        (datetime(2024, 3, 5, 23, 30, tzinfo=EST), "2024-03-05"),
        (datetime(2024, 3, 5, 0, 30, tzinfo=BEIJING), "2024-03-05"),
        (date(2024, 3, 5), "2024-03-05"),
        (2024, "2024"),
        # RFC 2822 (feeds, e-mail, HTTP).
        ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05"),
        ("Tue, 05 Mar 2024 23:30:00 -0500", "2024-03-05"),
        # Written out, as by-lines print them.
        ("March 5, 2024", "2024-03-05"),
        ("Tuesday, March 5, 2024", "2024-03-05"),
        ("Mar. 5, 2024", "2024-03-05"),
        ("Sept. 5, 2024", "2024-09-05"),
        ("5 March 2024", "2024-03-05"),
        ("5th March 2024", "2024-03-05"),
        ("march 2024", "2024-03"),
        ("2024/03/05", "2024-03-05"),
        ("2024.3.5", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("2024 年 3 月", "2024-03"),
        ("２０２４年３月５日", "2024-03-05"),
        # CSL-JSON date-parts, bare or in a date object; a range gives its start.
        ([[2024, 3, 5]], "2024-03-05"),
        ([[2024, 3]], "2024-03"),
        ([[2024]], "2024"),
        ([["2024", "3", "5"]], "2024-03-05"),
        ({"date-parts": [[2024, 3, 5], [2024, 3, 7]]}, "2024-03-05"),
        ({"raw": "March 2024"}, "2024-03"),
        # RIS DA/PY: year/month/day/other, any part empty.
        ("2024/03/05/", "2024-03-05"),
        ("2024///", "2024"),
        ("2024/03//", "2024-03"),
        ("2024/03/05/Spring", "2024-03-05"),
        # Nothing a citation can trust.
        ("0000-00-00", ""),
        ("2024-13-01", ""),
        ("2024-02-30", ""),
        ("2024-00", ""),
        ("9999-12-31", ""),
        ("0999", ""),
        ("yesterday", ""),
        ("Spring 2024", ""),
        ("Smarch 5, 2024", ""),
        ("03/05/2024", ""),  # March or May: depends on the writer's country
        ("2024//05/", ""),  # a day of no month
        ("2024-03-05 (updated)", ""),
        ("", ""),
        ("   ", ""),
        (None, ""),
        (True, ""),
        ([], ""),
        ([[]], ""),
        ([[2024, 3, 5, 1]], ""),
        ([[2024, "March"]], ""),
        ({"literal": "Spring 2024"}, ""),
    ],
)
def test_iso_date(value: DateValue, expected: str) -> None:
    assert iso_date(value) == expected


@pytest.mark.parametrize(
    "year,month,expected",
    [
        ("2024", "mar", "2024-03"),
        ("2024", "Mar.", "2024-03"),
        ("2024", "March", "2024-03"),
        ("2024", "3", "2024-03"),
        ("2024", "03", "2024-03"),
        (2024, 12, "2024-12"),
        ("2024", "", "2024"),  # no month given: the year alone
        ("2024", "13", ""),
        ("2024", "Spring", ""),
        ("March 2024", "mar", ""),
        ("", "mar", ""),
    ],
)
def test_bibtex_year_and_month(year: str | int, month: str | int, expected: str) -> None:
    assert iso_date(year, month=month) == expected
