"""Unit tests of timeline.temporal.calendar: value intervals, thirds, weekdays, Hijri."""

from __future__ import annotations

from datetime import date

import pytest

from timeline.temporal import calendar as cal

D = date


# --- value_interval -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021", (D(2021, 1, 1), D(2021, 12, 31), "year")),
        ("2024-02", (D(2024, 2, 1), D(2024, 2, 29), "month")),  # leap February
        ("2023-02", (D(2023, 2, 1), D(2023, 2, 28), "month")),
        ("1900-02", (D(1900, 2, 1), D(1900, 2, 28), "month")),  # not a leap year
        ("2000-02", (D(2000, 2, 1), D(2000, 2, 29), "month")),
        ("2021-12", (D(2021, 12, 1), D(2021, 12, 31), "month")),
        ("2021-04-27", (D(2021, 4, 27), D(2021, 4, 27), "day")),
        ("2021-W22", (D(2021, 5, 31), D(2021, 6, 6), "week")),
        ("2021-W25", (D(2021, 6, 21), D(2021, 6, 27), "week")),
        # ISO week 1 starting in the previous December
        ("2020-W01", (D(2019, 12, 30), D(2020, 1, 5), "week")),
        ("2025-W01", (D(2024, 12, 30), D(2025, 1, 5), "week")),
        # 1 January 2021 is a Friday: ISO week 1 starts on the 4th
        ("2021-W01", (D(2021, 1, 4), D(2021, 1, 10), "week")),
        # years with 53 ISO weeks
        ("2020-W53", (D(2020, 12, 28), D(2021, 1, 3), "week")),
        ("2015-W53", (D(2015, 12, 28), D(2016, 1, 3), "week")),
        ("2026-W53", (D(2026, 12, 28), D(2027, 1, 3), "week")),
        ("2021-Q1", (D(2021, 1, 1), D(2021, 3, 31), "quarter")),
        ("2021-Q2", (D(2021, 4, 1), D(2021, 6, 30), "quarter")),
        ("2021-Q3", (D(2021, 7, 1), D(2021, 9, 30), "quarter")),
        ("2021-Q4", (D(2021, 10, 1), D(2021, 12, 31), "quarter")),
        ("198", (D(1980, 1, 1), D(1989, 12, 31), "decade")),
        ("201", (D(2010, 1, 1), D(2019, 12, 31), "decade")),
        ("19", (D(1900, 1, 1), D(1999, 12, 31), "century")),
        ("20", (D(2000, 1, 1), D(2099, 12, 31), "century")),
        ("00", (D(1, 1, 1), D(99, 12, 31), "century")),  # clamped to year 1
        ("2020-12-18TMO", (D(2020, 12, 18), D(2020, 12, 18), "time")),
        ("2020-12-18TAF", (D(2020, 12, 18), D(2020, 12, 18), "time")),
        ("2020-12-18TEV", (D(2020, 12, 18), D(2020, 12, 18), "time")),
        ("2020-12-18TNI", (D(2020, 12, 18), D(2020, 12, 18), "time")),
        ("2021-06-24T12:00", (D(2021, 6, 24), D(2021, 6, 24), "time")),
        ("2021-06-24T09:30", (D(2021, 6, 24), D(2021, 6, 24), "time")),
    ],
)
def test_value_interval(value, expected):
    assert cal.value_interval(value) == expected


@pytest.mark.parametrize("year", [2004, 2009, 2015, 2020, 2026, 2032])
def test_week_53_exists_exactly_in_long_iso_years(year):
    start, end, gran = cal.value_interval(f"{year}-W53")
    assert gran == "week"
    assert start.isoweekday() == 1 and end.isoweekday() == 7
    assert start.isocalendar()[:2] == (year, 53)
    assert cal.week_value(end) == f"{year}-W53"


@pytest.mark.parametrize("year", [2019, 2021, 2022, 2023])
def test_week_53_of_a_short_iso_year_is_no_date(year):
    with pytest.raises(ValueError):
        cal.value_interval(f"{year}-W53")


@pytest.mark.parametrize(
    "value", [None, "", "PAST_REF", "PRESENT_REF", "FUTURE_REF", "P3D", "XXXX-WXX-5", "2021-5"]
)
def test_value_interval_of_non_dates(value):
    assert cal.value_interval(value) == (None, None, None)


@pytest.mark.parametrize(
    ("d", "value"),
    [
        (D(2021, 6, 24), "2021-W25"),
        (D(2021, 1, 1), "2020-W53"),  # a Friday: still the last ISO week of 2020
        (D(2019, 12, 30), "2020-W01"),  # a Monday in December: ISO week 1 of 2020
        (D(2024, 12, 31), "2025-W01"),
        (D(2021, 1, 4), "2021-W01"),
    ],
)
def test_week_value(d, value):
    assert cal.week_value(d) == value
    start, end, _ = cal.value_interval(value)
    assert start <= d <= end


@pytest.mark.parametrize(
    ("y", "m", "k", "expected"),
    [(2021, 6, -1, (2021, 5)), (2021, 1, -1, (2020, 12)), (2021, 12, 1, (2022, 1)),
     (2021, 6, -18, (2019, 12)), (2021, 6, 0, (2021, 6)), (2021, 3, 24, (2023, 3))],
)  # fmt: skip
def test_add_months(y, m, k, expected):
    assert cal.add_months(y, m, k) == expected


# --- narrow ---------------------------------------------------------------------------


def test_narrow_thirds_of_a_month():
    start, end, _ = cal.value_interval("2021-05")  # 31 days, thirds of 10
    assert cal.narrow(start, end, "START") == (D(2021, 5, 1), D(2021, 5, 10))
    assert cal.narrow(start, end, "MID") == (D(2021, 5, 11), D(2021, 5, 21))
    assert cal.narrow(start, end, "END") == (D(2021, 5, 22), D(2021, 5, 31))


def test_narrow_thirds_of_february():
    start, end, _ = cal.value_interval("2023-02")  # 28 days, thirds of 9
    assert cal.narrow(start, end, "START") == (D(2023, 2, 1), D(2023, 2, 9))
    assert cal.narrow(start, end, "MID") == (D(2023, 2, 10), D(2023, 2, 19))
    assert cal.narrow(start, end, "END") == (D(2023, 2, 20), D(2023, 2, 28))


def test_narrow_thirds_of_a_year():
    start, end, _ = cal.value_interval("2021")  # 365 days, thirds of 121
    assert cal.narrow(start, end, "START") == (D(2021, 1, 1), D(2021, 5, 1))
    assert cal.narrow(start, end, "MID") == (D(2021, 5, 2), D(2021, 9, 1))
    assert cal.narrow(start, end, "END") == (D(2021, 9, 2), D(2021, 12, 31))


def test_narrow_thirds_of_a_leap_year():
    start, end, _ = cal.value_interval("2020")  # 366 days, thirds of 122
    assert cal.narrow(start, end, "START") == (D(2020, 1, 1), D(2020, 5, 1))
    assert cal.narrow(start, end, "END") == (D(2020, 9, 1), D(2020, 12, 31))


@pytest.mark.parametrize("mod", [None, "APPROX", "LESS_THAN", "MORE_THAN", "BEFORE", "AFTER"])
def test_narrow_leaves_other_mods_alone(mod):
    assert cal.narrow(D(2021, 5, 1), D(2021, 5, 31), mod) == (D(2021, 5, 1), D(2021, 5, 31))


@pytest.mark.parametrize(
    ("days", "mod"),
    [
        (days, mod)
        for days in [1, 2, 3, 7, 10, 28, 29, 30, 31, 90, 365, 366, 3653]
        for mod in ["START", "MID", "END"]
    ],
)
def test_narrow_stays_inside_and_nonempty(days, mod):
    start = D(2021, 1, 1)
    end = D.fromordinal(start.toordinal() + days - 1)
    a, b = cal.narrow(start, end, mod)
    assert start <= a <= b <= end


@pytest.mark.parametrize("mod", ["START", "MID", "END"])
def test_narrow_a_single_day_keeps_it(mod):
    d = D(2021, 6, 24)
    assert cal.narrow(d, d, mod) == (d, d)


def test_narrow_a_week():
    start, end, _ = cal.value_interval("2021-W26")  # Mon 28 June – Sun 4 July
    assert cal.narrow(start, end, "START") == (D(2021, 6, 28), D(2021, 6, 29))
    assert cal.narrow(start, end, "END") == (D(2021, 7, 3), D(2021, 7, 4))


# --- weekdays -----------------------------------------------------------------------

THU = D(2021, 6, 24)  # a Thursday (ISO 4)


@pytest.mark.parametrize(
    ("weekday", "strict", "expected"),
    [
        (4, False, THU),  # the anchor's own weekday, not strict: the anchor
        (4, True, D(2021, 6, 17)),  # strict: a week earlier
        (3, False, D(2021, 6, 23)),
        (3, True, D(2021, 6, 23)),
        (5, False, D(2021, 6, 18)),
        (5, True, D(2021, 6, 18)),
        (7, True, D(2021, 6, 20)),
        (1, False, D(2021, 6, 21)),
    ],
)
def test_latest_weekday(weekday, strict, expected):
    assert cal.latest_weekday(THU, weekday, strict=strict) == expected


@pytest.mark.parametrize(
    ("weekday", "strict", "expected"),
    [
        (4, False, THU),
        (4, True, D(2021, 7, 1)),
        (5, False, D(2021, 6, 25)),
        (5, True, D(2021, 6, 25)),
        (3, True, D(2021, 6, 30)),
        (7, False, D(2021, 6, 27)),
        (1, True, D(2021, 6, 28)),
    ],
)
def test_next_weekday(weekday, strict, expected):
    assert cal.next_weekday(THU, weekday, strict=strict) == expected


@pytest.mark.parametrize("weekday", range(1, 8))
@pytest.mark.parametrize("offset", range(14))
def test_weekday_pickers_land_on_the_weekday_within_a_week(weekday, offset):
    anchor = D.fromordinal(D(2024, 12, 25).toordinal() + offset)  # across a year end
    for strict in (False, True):
        back = cal.latest_weekday(anchor, weekday, strict=strict)
        ahead = cal.next_weekday(anchor, weekday, strict=strict)
        assert back.isoweekday() == weekday == ahead.isoweekday()
        low = 1 if strict else 0
        assert low <= (anchor - back).days <= 6 + low
        assert low <= (ahead - anchor).days <= 6 + low


# --- Hijri ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hijri", "gregorian"),
    [
        ((1445, 9, 1), D(2024, 3, 11)),  # 1 Ramadan 1445
        ((1446, 1, 1), D(2024, 7, 7)),  # 1 Muharram 1446
        ((1445, 8, 15), D(2024, 2, 25)),  # 15 Sha'ban 1445
        ((1443, 2, 3), D(2021, 9, 10)),  # 3 Safar 1443
        ((1442, 9, 1), D(2021, 4, 13)),  # 1 Ramadan 1442
    ],
)
def test_hijri_to_gregorian_and_back(hijri, gregorian):
    assert cal.hijri_to_gregorian(*hijri) == gregorian
    assert cal.gregorian_to_hijri(gregorian) == hijri


def test_ramadan_1445_span_and_majority_month():
    start, end = cal.hijri_month_span(1445, 9)
    assert (start, end) == (D(2024, 3, 11), D(2024, 4, 9))  # 30 days
    assert cal.majority_month(start, end) == (2024, 3)  # 21 days in March, 9 in April


def test_hijri_year_span():
    start, end = cal.hijri_year_span(1445)
    assert (start, end) == (D(2023, 7, 19), D(2024, 7, 6))
    assert cal.majority_year(start, end) == 2024
    assert cal.hijri_year_span(1446)[0] == D(2024, 7, 7)


@pytest.mark.parametrize("hijri", [(1300, 1, 1), (1600, 1, 1), (1445, 13, 1), (1445, 9, 31)])
def test_hijri_outside_the_table_raises_value_error(hijri):
    with pytest.raises((ValueError, OverflowError)):
        cal.hijri_to_gregorian(*hijri)


def test_gregorian_to_hijri_outside_the_table_raises():
    with pytest.raises((ValueError, OverflowError)):
        cal.gregorian_to_hijri(D(1901, 1, 1))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 3, 11), D(2024, 4, 9), (2024, 3)),
        (D(2024, 3, 20), D(2024, 4, 18), (2024, 4)),
        (D(2024, 3, 17), D(2024, 4, 15), (2024, 3)),  # 15 / 15: tie goes to the earlier
        (D(2024, 12, 20), D(2025, 1, 18), (2025, 1)),  # across a year end
        (D(2024, 5, 5), D(2024, 5, 5), (2024, 5)),
    ],
)
def test_majority_month(start, end, expected):
    assert cal.majority_month(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2023, 7, 19), D(2024, 7, 6), 2024),
        (D(2023, 3, 1), D(2024, 2, 15), 2023),
        (D(2023, 7, 3), D(2024, 6, 30), 2023),  # 182 / 182: tie goes to the earlier
    ],
)
def test_majority_year(start, end, expected):
    assert cal.majority_year(start, end) == expected


def test_month_end():
    assert cal.month_end(2024, 2) == D(2024, 2, 29)
    assert cal.month_end(2021, 4) == D(2021, 4, 30)
    assert cal.month_end(2021, 12) == D(2021, 12, 31)
