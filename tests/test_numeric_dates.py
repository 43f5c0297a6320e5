"""Digit dates read without dateparser give what dateparser gives wherever it reads a date."""

from __future__ import annotations

import re
from datetime import date

import dateparser

from timeline.temporal import find_timexes
from timeline.temporal.build import digit_date

_NUMERIC_SETTINGS = {"DATE_ORDER": "DMY", "STRICT_PARSING": True, "PREFER_LOCALE_DATE_ORDER": False}


def _dateparser(text: str, year_first: bool) -> date | None:
    settings = dict(_NUMERIC_SETTINGS)
    if year_first:
        settings["DATE_ORDER"] = "YMD"
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return None if parsed is None else parsed.date()


def _texts() -> list[tuple[str, bool]]:
    """Every day (0-32) and month (0-13) of a leap year, day first and year first,
    with and without leading zeros, and each separator on a few days."""
    out = []
    for month in range(14):
        for day in range(33):
            for d, m in ((str(day), str(month)), (f"{day:02d}", f"{month:02d}")):
                out.append((f"{d}/{m}/2024", False))
                out.append((f"2024-{m}-{d}", True))
    for sep in "/.-":
        for text in ("5{0}3{0}2020", "29{0}2{0}2023", "31{0}12{0}1900", "1{0}1{0}2101"):
            out.append((text.format(sep), False))
        out.append((f"2021{sep}4{sep}27", True))
        for a, b, c, d in ((" ", " ", " ", " "), ("", " ", "", " "), ("\n", "", "\t", "")):
            out.append((f"05{a}{sep}{b}01{c}{sep}{d}2016", False))
            out.append((f"2016{a}{sep}{b}1{c}{sep}{d}10", True))
    return out


def test_digit_dates_match_dateparser() -> None:
    checked = 0
    for text, year_first in _texts():
        expected = _dateparser(text, year_first)
        if expected is not None:
            assert digit_date(re.findall("[0-9]+", text)) == expected, text
            checked += 1
    assert checked > 750


def test_numeric_dates_in_text() -> None:
    dct = date(2021, 6, 24)
    values = [t.value for t in find_timexes("صدر في 27/4/2021 وفي 5/3/20 و31/4/2021", dct)]
    assert values[:2] == ["2021-04-27", "2020-03-05"]
    assert "2021-04-31" not in values
