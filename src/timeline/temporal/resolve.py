"""Turn what an expression says (a Frame) into a TIMEX3 value against an anchor.

The anchor is a date passed in: the article's date (DCT) or another event's
date. Nothing here reads the clock. The direction of an underspecified date
(a bare weekday, a day and month without a year) comes from the expression
itself (الماضي، المقبل) or else from the tense of its clause, leaning to the
past as news does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from timeline.model import Resolution
from timeline.temporal import calendar as cal
from timeline.temporal.memo import remember

# TIMEX3 unit letters for durations and the granularity of a unit-sized date.
_DURATION_UNIT = {
    "day": "D", "week": "W", "month": "M", "year": "Y", "decade": "DE", "century": "CE",
    "quarter": "Q",
}  # fmt: skip
_TIME_UNIT = {"hour": "H", "minute": "M"}


@dataclass(frozen=True, slots=True)
class Frame:
    """What an expression states, before it meets an anchor.

    ``direction`` is what the words say (past: الماضي، قبل; future: المقبل;
    this: الحالي، هذا); ``None`` leaves it to the clause's tense.
    """

    kind: str  # calendar, offset, ref, duration, set, decade, century, quarter, hijri
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    pod: str | None = None
    hour: int | None = None
    minute: int | None = None
    direction: str | None = None
    unit: str | None = None
    count: int | None = None  # None: a count the text leaves open
    offset: int | None = None
    value: str | None = None
    mod: str | None = None
    hijri: bool = False
    year_offset: int | None = None  # a year named relative to the anchor: العام الماضي → -1


def resolve(frame: Frame, anchor: date, tense: str = "past") -> Resolution | None:
    """Resolve ``frame`` against ``anchor``; ``None`` when it names no real date.

    ``tense`` is the clause's tense: "past" (also present) or "future".

    >>> resolve(Frame("calendar", weekday=5, direction="past"), date(2020, 12, 19)).value
    '2020-12-18'
    """
    key = (frame, anchor, tense)
    hit = _resolved.get(key, _UNSEEN)
    if hit is _UNSEEN:
        hit = remember(_resolved, key, _resolve(frame, anchor, tense), _RESOLVED_KEPT)
    return hit


# resolve is a pure function of its arguments, and the same few frames meet the
# same anchor over and over (أمس, a bare weekday, الشهر الماضي in every article of
# a day; a page of 1/12/2021): results are remembered, the cache dropped when it
# grows this large (about 400 bytes an entry).
_RESOLVED_KEPT = 50_000
_resolved: dict[tuple[Frame, date, str], Resolution | None] = {}
_UNSEEN = object()


def _resolve(frame: Frame, anchor: date, tense: str) -> Resolution | None:
    try:
        res = _RESOLVERS[frame.kind](frame, anchor, tense)
    except (ValueError, OverflowError):  # e.g. 31 April, a Hijri year outside the table
        return None
    if res is None or not frame.mod:
        return res
    start, end = res.start, res.end
    if start is not None and end is not None:
        start, end = cal.narrow(start, end, frame.mod)
    return Resolution(res.type, res.value, res.granularity, start, end, frame.mod)


def needs_tense(frame: Frame) -> bool:
    """Whether the clause's tense can change this frame's value (a bare weekday, say)."""
    if frame.kind == "after":
        return True
    return (
        frame.kind == "calendar"
        and frame.direction is None
        and frame.year is None
        and frame.year_offset is None
    )


def _date(value: str, type_: str = "DATE") -> Resolution:
    start, end, gran = cal.value_interval(value)
    if gran is None:  # قبل 8000 سنة: a year before year 1 or after 9999 is no TIMEX3 value
        raise ValueError(f"no calendar value: {value}")
    return Resolution(type_, value, gran, start, end)


def _with_pod(day: date, frame: Frame) -> Resolution:
    if frame.hour is not None:
        return _date(f"{day.isoformat()}T{frame.hour:02d}:{frame.minute or 0:02d}", "TIME")
    if frame.pod:
        return _date(f"{day.isoformat()}T{frame.pod}", "TIME")
    return _date(day.isoformat())


def _lean(direction: str | None, tense: str) -> tuple[str, bool]:
    """('past' | 'future', strict): which side of the anchor, and whether it may be it."""
    if direction in ("past", "future"):
        return direction, True
    return ("future" if tense == "future" else "past"), False


def _calendar(f: Frame, anchor: date, tense: str) -> Resolution | None:
    if f.hijri:
        return _hijri(f, anchor, tense)
    if f.year_offset is not None and f.year is None:
        f = replace(f, year=anchor.year + f.year_offset)
    side, strict = _lean(f.direction, tense)
    if f.month is None:
        if f.weekday is not None:
            pick = cal.latest_weekday if side == "past" else cal.next_weekday
            return _with_pod(pick(anchor, f.weekday, strict=strict), f)
        if f.year is not None:
            return _date(f"{f.year:04d}")
        return None
    if f.day is not None:
        year = f.year if f.year is not None else _year_for(f, anchor, side, strict)
        return _with_pod(date(year, f.month, f.day), f)
    if f.year is not None:
        return _date(f"{f.year:04d}-{f.month:02d}")
    year = anchor.year
    if f.direction != "this":
        delta = (f.month - anchor.month) if side == "past" else (anchor.month - f.month)
        if delta > 0 or (delta == 0 and strict):
            year += -1 if side == "past" else 1
    return _date(f"{year:04d}-{f.month:02d}")


def _year_for(f: Frame, anchor: date, side: str, strict: bool) -> int:
    if f.direction == "this":
        return anchor.year
    candidate = date(anchor.year, f.month, min(f.day, 28))
    probe = (f.month, f.day)
    now = (anchor.month, anchor.day)
    if side == "past":
        later = probe > now or (probe == now and strict)
        return candidate.year - 1 if later else candidate.year
    earlier = probe < now or (probe == now and strict)
    return candidate.year + 1 if earlier else candidate.year


def _hijri(f: Frame, anchor: date, tense: str) -> Resolution | None:
    hy = f.year
    if hy is None:
        if f.month is None:
            return None
        side, strict = _lean(f.direction, tense)
        ay, am, ad = cal.gregorian_to_hijri(anchor)
        hy = ay
        later = (f.month, f.day or 1) > (am, ad) if f.day else f.month > am
        earlier = (f.month, f.day or 1) < (am, ad) if f.day else f.month < am
        if side == "past" and (later or (strict and f.month == am)):
            hy -= 1
        elif side == "future" and (earlier or (strict and f.month == am)):
            hy += 1
    if f.month is None:
        start, end = cal.hijri_year_span(hy)
        return Resolution("DATE", f"{cal.majority_year(start, end):04d}", "year", start, end)
    if f.day is not None:
        return _with_pod(cal.hijri_to_gregorian(hy, f.month, f.day), f)
    start, end = cal.hijri_month_span(hy, f.month)
    y, m = cal.majority_month(start, end)
    return Resolution("DATE", f"{y:04d}-{m:02d}", "month", start, end)


def _offset(f: Frame, anchor: date, tense: str) -> Resolution | None:
    """A unit counted from the anchor: أمس، الأسبوع الماضي، قبل ثلاثة أسابيع، العام المقبل."""
    if f.offset is None:  # قبل عدة أشهر: before the anchor, by an unknown amount
        return _ref("PAST_REF" if f.direction == "past" else "FUTURE_REF", anchor)
    unit, k = f.unit, f.offset
    if unit == "day":
        return _with_pod(anchor + timedelta(days=k), f)
    if unit in ("hour", "minute"):
        return _date(anchor.isoformat())
    if unit == "week":
        return _date(cal.week_value(anchor + timedelta(weeks=k)))
    if unit == "month":
        y, m = cal.add_months(anchor.year, anchor.month, k)
        return _date(f"{y:04d}-{m:02d}")
    if unit == "quarter":
        y, m = cal.add_months(anchor.year, anchor.month, 3 * k)
        return _date(f"{y:04d}-Q{(m - 1) // 3 + 1}")
    if unit == "year":
        return _date(f"{anchor.year + k:04d}")
    if unit == "decade":
        return _date(f"{anchor.year // 10 + k:03d}")
    if unit == "century":
        return _date(f"{anchor.year // 100 + k:02d}")
    return None


def _after(f: Frame, anchor: date, tense: str) -> Resolution | None:
    """بعد يومين counts from the DCT only in a future clause; otherwise from an event."""
    if tense == "future":
        return _offset(f, anchor, tense)
    return _duration(f, anchor, tense)


def _ref(value: str, anchor: date) -> Resolution:
    start = None if value == "PAST_REF" else anchor
    end = None if value == "FUTURE_REF" else anchor
    return Resolution("DATE", value, "ref", start, end)


def _ref_frame(f: Frame, anchor: date, tense: str) -> Resolution:
    return _ref(f.value or "PRESENT_REF", anchor)


def _duration(f: Frame, anchor: date, tense: str) -> Resolution | None:
    n = "X" if f.count is None else str(f.count)
    if f.unit in _TIME_UNIT:
        return Resolution("DURATION", f"PT{n}{_TIME_UNIT[f.unit]}", None)
    if f.unit not in _DURATION_UNIT:
        return None
    return Resolution("DURATION", f"P{n}{_DURATION_UNIT[f.unit]}", None)


def _set(f: Frame, anchor: date, tense: str) -> Resolution:
    return Resolution("SET", f.value, None)


def _decade(f: Frame, anchor: date, tense: str) -> Resolution:
    """الثمانينيات: the latest 80s not after the anchor unless a century is named."""
    if f.year is not None:  # the century as a number of hundreds, e.g. 19
        return _date(f"{f.year * 10 + f.count:03d}")
    century = anchor.year // 100
    if f.direction == "past" or century * 10 + f.count > anchor.year // 10:
        century -= 1
    return _date(f"{century * 10 + f.count:03d}")


def _century(f: Frame, anchor: date, tense: str) -> Resolution:
    return _date(f"{f.count - 1:02d}")


def _quarter(f: Frame, anchor: date, tense: str) -> Resolution | None:
    year = f.year
    if year is None:
        year = anchor.year + (f.offset or 0)
    return _date(f"{year:04d}-Q{f.count}")


_RESOLVERS = {
    "calendar": _calendar,
    "offset": _offset,
    "after": _after,
    "ref": _ref_frame,
    "duration": _duration,
    "set": _set,
    "decade": _decade,
    "century": _century,
    "quarter": _quarter,
    "block": lambda f, anchor, tense: None,
}
