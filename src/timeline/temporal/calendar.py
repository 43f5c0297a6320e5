"""Calendar arithmetic: TIMEX3 values, their intervals, weeks, thirds and Hijri dates.

Hijri dates use the Umm al-Qura calendar (``hijridate``), the one Gulf and most
Arab news outlets print; it covers 1343–1500 AH (1924–2077 CE).
"""

from __future__ import annotations

import calendar as _cal
import re
from datetime import date, timedelta

from hijridate import Gregorian, Hijri

Interval = tuple[date | None, date | None]

_VALUE = re.compile(
    r"^(?:(?P<y>\d{4})(?:-(?:(?P<m>\d{2})(?:-(?P<d>\d{2})(?:T(?P<t>.+))?)?|W(?P<w>\d{2})"
    r"|Q(?P<q>[1-4])|(?P<s>SP|SU|FA|WI)))?|(?P<dec>\d{3})|(?P<cen>\d{2}))$"
)
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


def month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def week_value(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def value_interval(value: str | None) -> tuple[date | None, date | None, str | None]:
    """The inclusive interval and granularity a DATE/TIME value stands for.

    >>> value_interval("2021-W22")
    (datetime.date(2021, 5, 31), datetime.date(2021, 6, 6), 'week')
    """
    if not value:
        return None, None, None
    m = _VALUE.match(value)
    if not m:
        return None, None, None
    if m["dec"]:
        y = int(m["dec"]) * 10
        return date(y, 1, 1), date(y + 9, 12, 31), "decade"
    if m["cen"]:
        y = int(m["cen"]) * 100
        return date(max(y, 1), 1, 1), date(y + 99, 12, 31), "century"
    y = int(m["y"])
    if m["d"]:
        d = date(y, int(m["m"]), int(m["d"]))
        return d, d, "time" if m["t"] else "day"
    if m["m"]:
        return date(y, int(m["m"]), 1), month_end(y, int(m["m"])), "month"
    if m["w"]:
        start = date.fromisocalendar(y, int(m["w"]), 1)
        return start, start + timedelta(days=6), "week"
    if m["q"]:
        q = int(m["q"])
        return date(y, 3 * q - 2, 1), month_end(y, 3 * q), "quarter"
    if m["s"]:
        sy, sm = (y, _SEASON_START[m["s"]])
        ey, em = add_months(sy, sm, 2)
        return date(sy, sm, 1), month_end(ey, em), "quarter"
    return date(y, 1, 1), date(y, 12, 31), "year"


def narrow(start: date, end: date, mod: str | None) -> tuple[date, date]:
    """START/MID/END keep the first/middle/last third of an interval."""
    days = (end - start).days + 1
    if mod not in ("START", "MID", "END") or (mod == "MID" and days < 3):
        return start, end  # a day or two has no middle third
    third = max(days // 3, 1)
    if mod == "START":
        return start, start + timedelta(days=third - 1)
    if mod == "END":
        return end - timedelta(days=third - 1), end
    mid_start = start + timedelta(days=third)
    return mid_start, max(mid_start, end - timedelta(days=third))


def latest_weekday(anchor: date, weekday: int, *, strict: bool) -> date:
    """The latest ``weekday`` (ISO, Monday = 1) on or before ``anchor``."""
    back = (anchor.isoweekday() - weekday) % 7
    if back == 0 and strict:
        back = 7
    return anchor - timedelta(days=back)


def next_weekday(anchor: date, weekday: int, *, strict: bool) -> date:
    ahead = (weekday - anchor.isoweekday()) % 7
    if ahead == 0 and strict:
        ahead = 7
    return anchor + timedelta(days=ahead)


def hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """Gregorian date of a Hijri (Umm al-Qura) date.

    Raises ValueError for an impossible date and OverflowError outside the table.
    """
    return Hijri(year, month, day).to_gregorian()


def hijri_month_span(year: int, month: int) -> tuple[date, date]:
    start = Hijri(year, month, 1)
    return start.to_gregorian(), Hijri(year, month, start.month_length()).to_gregorian()


def hijri_year_span(year: int) -> tuple[date, date]:
    return hijri_month_span(year, 1)[0], hijri_month_span(year, 12)[1]


def gregorian_to_hijri(d: date) -> tuple[int, int, int]:
    h = Gregorian(d.year, d.month, d.day).to_hijri()
    return h.year, h.month, h.day


def majority_month(start: date, end: date) -> tuple[int, int]:
    """The Gregorian month holding most days of ``[start, end]`` (ties: the earlier)."""
    counts: dict[tuple[int, int], int] = {}
    d = start
    while d <= end:
        counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + 1
        d += timedelta(days=1)
    return max(counts, key=lambda k: (counts[k], -k[0], -k[1]))


def majority_year(start: date, end: date) -> int:
    first_year_days = (min(end, date(start.year, 12, 31)) - start).days + 1
    total = (end - start).days + 1
    return start.year if first_year_days * 2 >= total else start.year + 1
