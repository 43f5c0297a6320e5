"""From a rule's captured groups to a Frame: one small builder per rule kind.

Builders read the named groups of a match (``day``, ``month``, ``unit``,
``rel``...) and say what the expression states; they return ``None`` to reject
a match the words do not support (a 31st of April, an ambiguous month name
standing alone), and the recogniser then tries the next rule.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import cache

from timeline.lexicon import Lex, norm
from timeline.temporal.resolve import Frame
from timeline.temporal.tokens import Tokens

_DIRECTION = {"PAST": "past", "FUTURE": "future", "CURRENT": "this", "THIS": "this"}


class Groups:
    """The named groups of one match, as ranges of items (classed tokens) of ``tokens``."""

    def __init__(self, tokens: Tokens, match) -> None:
        self.tokens = tokens
        self.match = match
        self.names = match.re.groupindex

    def span(self, name: str) -> tuple[int, int] | None:
        if name not in self.names:  # the rule has no such group
            return None
        start, end = self.match.span(name)
        if start < 0 or start == end:
            return None
        offsets = self.tokens.offsets
        return bisect_right(offsets, start) - 1, bisect_right(offsets, end - 1)

    def span_end(self, char_end: int) -> int:
        """The item index just after the rendering position ``char_end``."""
        return bisect_right(self.tokens.offsets, char_end - 1)

    def has(self, name: str) -> bool:
        return self.span(name) is not None

    def lex(self, name: str, *classes: str) -> Lex | None:
        span = self.span(name)
        if span is None:
            return None
        for i in range(*span):
            for lx in self.tokens.info[i].lex:
                if not classes or lx.cls in classes:
                    return lx
        return None

    def word(self, name: str) -> str | None:
        span = self.span(name)
        return None if span is None else self.tokens.item_text(span[0])

    def number(self, name: str) -> int | None:
        """A count or day written as digits, a number word or an ordinal."""
        word = self.word(name)
        if word is None:
            return None
        if word.isascii() and word.isdigit():
            return int(word)
        lx = self.lex(name, "NUM", "ORD")
        return int(lx.value) if lx else None

    def direction(self) -> str | None:
        lx = self.lex("rel", *_DIRECTION)
        return _DIRECTION[lx.cls] if lx else None

    def mod(self) -> str | None:
        lx = self.lex("mod", "BOUND", "APPROX", "LESSMORE")
        return str(lx.value) if lx else None

    def pod(self) -> str | None:
        lx = self.lex("pod", "POD", "TONIGHT")
        if lx is None:
            return None
        return "NI" if lx.cls == "TONIGHT" else str(lx.value)


def _year(g: Groups) -> int | bool | None:
    """The year group's value; False when present but not a plausible year."""
    word = g.word("year")
    if word is None:
        return None
    if not (word.isascii() and word.isdigit()) or len(word) != 4:
        return False
    return int(word)


def calendar(g: Groups, p: dict) -> Frame | None:
    month_lex = g.lex("month", "MONTH", "MONTH_AMB", "HMONTH", "HMONTH_AMB")
    weekday = g.lex("weekday", "WEEKDAY")
    day = g.number("day")
    year = _year(g)
    if year is False or (day is not None and not 1 <= day <= 31):
        return None
    if year and year < p.get("min_year", 0):
        return None
    if (first := g.number("year0")) is not None and first < p.get("min_year", 0):
        return None  # بين 1000 و2000 جندي: counts, not a range of years
    hijri = bool(month_lex and month_lex.cls.startswith("H")) or g.has("hera")
    year_offset = _year_offset(g)
    if (
        month_lex
        and month_lex.ambiguous
        and not p.get("month_in_context")
        and not (
            day
            or year
            or year_offset is not None
            or any(g.has(name) for name in ("monthword", "rel", "pair", "hera"))
        )
    ):
        return None
    if month_lex is None and weekday is None and year is None:
        return None
    return Frame(
        "calendar",
        year=year or None,
        month=int(month_lex.value) if month_lex else None,
        day=day,
        weekday=int(weekday.value) if weekday else None,
        pod=g.pod(),
        direction=g.direction(),
        mod=g.mod(),
        hijri=hijri,
        year_offset=year_offset,
    )


def _year_offset(g: Groups) -> int | None:
    """13 فبراير العام الماضي: the year named relative to the anchor's (-1, 0, +1)."""
    if not g.has("yearrel"):
        return None
    lx = g.lex("yearrel", "PAST", "FUTURE", "CURRENT", "THIS")
    return {"PAST": -1, "FUTURE": 1}.get(lx.cls, 0) if lx else 0


def deictic(g: Groups, p: dict) -> Frame | None:
    lx = g.lex("deictic", "DEICTIC", "TONIGHT")
    if lx is None:
        return None
    if lx.cls == "TONIGHT":  # الليلة (الماضية): the night of the anchor day (or the one before)
        return Frame("offset", unit="day", offset=-1 if g.has("rel") else 0, pod="NI")
    if g.has("rel"):
        return None
    return Frame("offset", unit="day", offset=int(lx.value), pod=g.pod(), mod=g.mod())


def unit_rel(g: Groups, p: dict) -> Frame | None:
    """الأسبوع الماضي، هذا العام، السنوات الأخيرة، الشهرين الأخيرين، الأيام الثلاثة الماضية."""
    unit = g.lex("unit", "UNIT")
    if unit is None:
        return None
    direction = g.direction() or "this"
    count = g.number("num")
    if unit.number == "dual":
        count = 2
    if count is not None or (unit.number == "dual"):
        if direction == "this":
            return None
        return Frame("duration", unit=unit.value, count=count, mod=g.mod())
    if unit.number == "plural":  # السنوات الأخيرة، الأيام المقبلة، هذه الأيام
        value = {"past": "PAST_REF", "future": "FUTURE_REF"}.get(direction, "PRESENT_REF")
        if direction == "this" and not g.has("this"):
            return None
        return Frame("ref", value=value)
    if not unit.definite and not g.has("this"):
        return None
    step = {"past": -1, "future": 1, "this": 0}[direction]
    return Frame("offset", unit=unit.value, offset=step, mod=g.mod())


def _count(g: Groups) -> tuple[int | None, bool]:
    """(count, known): a number, a dual unit, one, or an open count (عدة، plural)."""
    unit = g.lex("unit", "UNIT")
    if g.has("few"):
        return None, False
    n = g.number("num")
    if n is not None:
        return n, True
    if unit is not None and unit.number == "dual":
        return 2, True
    if unit is not None and unit.number == "plural":
        return None, False
    return 1, True


def ago(g: Groups, p: dict) -> Frame | None:
    """قبل ثلاثة أسابيع: the unit that held the anchor minus N units."""
    unit = g.lex("unit", "UNIT")
    if unit is None or unit.definite:
        return None
    n, known = _count(g)
    return Frame(
        "offset", unit=unit.value, offset=-n if known else None, direction="past", mod=g.mod()
    )


def after(g: Groups, p: dict) -> Frame | None:
    """بعد يومين: from the anchor in a future clause, else a stretch after another event."""
    unit = g.lex("unit", "UNIT")
    if unit is None or unit.definite:
        return None
    n, known = _count(g)
    return Frame(
        "after",
        unit=unit.value,
        offset=n if known else None,
        count=n if known else None,
        direction="future",
        mod=g.mod(),
    )


def duration(g: Groups, p: dict) -> Frame | None:
    unit = g.lex("unit", "UNIT")
    if unit is None:
        return None
    n, known = _count(g)
    if known and n == 1 and unit.number == "singular" and not (g.has("mod") or p.get("single")):
        return None  # a bare "week" is a noun, not a duration
    if unit.definite and unit.number == "singular":
        return None  # خلال الأسبوع: "during the week", a date, not a length
    if not known and not (g.has("few") or g.has("mod") or p.get("single")):
        return None  # سنوات الحرب: a bare plural names years, it does not measure them
    return Frame("duration", unit=unit.value, count=n if known else None, mod=g.mod())


def block(g: Groups, p: dict) -> Frame | None:
    """ذلك اليوم: words that look temporal but refer back; the match only shields them."""
    return Frame("block")


def nth_week(g: Groups, p: dict) -> Frame | None:
    """الأسبوع الأول من مارس: a month narrowed to its start, middle or end."""
    unit = g.lex("unit", "UNIT")
    n = g.number("nth")
    base = calendar(g, {**p, "month_in_context": True})
    if unit is None or unit.value != "week" or base is None or base.month is None:
        return None
    mod = "START" if n == 1 else "END" if (n or 0) >= 4 or g.has("last") else "MID"
    return replace(base, mod=mod)


def ref(g: Groups, p: dict) -> Frame | None:
    if "value" in p:
        if g.word("ext") in _forms(tuple(p.get("except", ()))):
            return None  # في الأخير is "finally", not "in the past"
        return Frame("ref", value=p["value"])
    lx = g.lex("ref", "VAGUE") or g.lex("ref", "SOON")
    return Frame("ref", value=str(lx.value)) if lx else None


@cache
def _forms(words: tuple[str, ...]) -> frozenset[str]:
    """A rule's word list as the matching forms of the text."""
    return frozenset(norm(w) for w in words)


def set_(g: Groups, p: dict) -> Frame | None:
    lx = g.lex("set", "SETWORD")
    if lx is not None:
        return Frame("set", value=str(lx.value))
    weekday = g.lex("weekday", "WEEKDAY")
    if weekday is not None:
        return Frame("set", value=f"XXXX-WXX-{weekday.value}")
    unit = g.lex("unit", "UNIT")
    if unit is None or unit.value in ("hour", "minute") or unit.definite:
        return None  # كل الأيام is "all the days", not a recurrence
    n = g.number("num") or (2 if unit.number == "dual" else 1)
    letter = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "DE"}[unit.value]
    return Frame("set", value=f"P{n}{letter}")


def decade(g: Groups, p: dict) -> Frame | None:
    lx = g.lex("decade", "DECADE")
    if lx is None:
        return None
    century = g.number("century")
    year = century - 1 if century is not None else None
    direction = "past" if g.has("rel") else None
    return Frame("decade", count=int(lx.value), year=year, direction=direction, mod=g.mod())


def century(g: Groups, p: dict) -> Frame | None:
    n = g.number("century")
    return Frame("century", count=n, mod=g.mod()) if n and 1 <= n <= 30 else None


def quarter(g: Groups, p: dict) -> Frame | None:
    n = g.number("q")
    unit = g.lex("qword", "UNIT")
    if n is None or not 1 <= n <= 4 or unit is None or unit.value != "quarter":
        return None
    year = _year(g)
    if year is False:
        return None
    step = {"past": -1, "future": 1}.get(g.direction() or "", 0)
    return Frame("quarter", count=n, year=year or None, offset=step)


def clock(g: Groups, p: dict) -> Frame | None:
    hour = g.number("hour")
    minute = g.number("minute") or 0
    if hour is None or not 0 <= hour <= 24 or not 0 <= minute < 60:
        return None
    pod = g.pod()
    if (pod in ("AF", "EV", "NI") and hour < 12) or (pod == "MI" and hour < 6):
        hour += 12
    weekday = g.lex("weekday", "WEEKDAY")
    if weekday is not None:
        return Frame("calendar", weekday=int(weekday.value), hour=hour % 24, minute=minute)
    deictic_ = g.lex("deictic", "DEICTIC")
    offset = int(deictic_.value) if deictic_ else 0
    return Frame("offset", unit="day", offset=offset, hour=hour % 24, minute=minute)


def numeric(g: Groups, p: dict) -> Frame | None:
    """27/4/2021, 2021-04-27: digit dates, day first as Arabic news writes them (or ISO)."""
    span = g.span("date")
    if span is None:
        return None
    first, last = g.tokens.token_range(span[0], span[1] - 1)
    d = digit_date([w for w in g.tokens.words[first:last] if w.isdigit()])
    if d is None or not 1900 <= d.year <= 2100:
        return None
    return Frame("calendar", year=d.year, month=d.month, day=d.day)


def digit_date(parts: list[str]) -> date | None:
    """The date three digit groups give, day-month-year or (a 4-digit first) year-month-day.

    This is dateparser's strict DMY/YMD reading, done directly since one call of
    dateparser costs milliseconds (a page of 1/1/1/1… made thousands of calls): a
    month above 12 swaps with a day up to 12 (1/13/2021 is 13 January), a 2-digit
    year is 1969-2068 (as ``%y``), and an impossible day (31/4) gives no date.
    """
    if len(parts) != 3:
        return None
    if len(parts[0]) == 4:
        year_text, month, day = parts[0], int(parts[1]), int(parts[2])
    else:
        day, month, year_text = int(parts[0]), int(parts[1]), parts[2]
    if month > 12 and day <= 12:
        day, month = month, day
    if len(year_text) == 2:
        year = int(year_text) + (2000 if int(year_text) < 69 else 1900)
    elif len(year_text) == 4:
        year = int(year_text)
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


BUILDERS: dict[str, Callable[[Groups, dict], Frame | None]] = {
    "calendar": calendar,
    "deictic": deictic,
    "unit_rel": unit_rel,
    "ago": ago,
    "after": after,
    "duration": duration,
    "ref": ref,
    "block": block,
    "nth_week": nth_week,
    "set": set_,
    "decade": decade,
    "century": century,
    "quarter": quarter,
    "clock": clock,
    "numeric": numeric,
}
