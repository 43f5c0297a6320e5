"""Which time governs each event mention, and what date that gives it.

In order of preference: a time expression in the mention's sentence (the
nearest one not cut off by a trigger of another type); the date of a
coreferent mention in the same article (an anaphoric الاجتماع takes the latest
dated mention of its type before it, the lead sentence the first one after
it); a time counted from another event (بعد أقل من أسبوع [من الهجوم]). What
nothing dates stays unknown: never silently the article's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from timeline.model import Resolution, Timex
from timeline.temporal import TemporalAnalysis
from timeline.temporal import calendar as cal

# Expressions counted from another event rather than from the article date.
_ANCHORED_RULES = frozenset({"relative.after", "relative.after_event", "relative.before_event"})
_BEFORE_RULES = frozenset({"relative.before_event"})
# How many sentences back an anchored expression looks for the event it counts from.
_ANCHOR_SENTENCES = 3
_DAYS = {"D": 1, "W": 7}


@dataclass(frozen=True, slots=True)
class Dating:
    """The date of one mention and where it came from."""

    resolution: Resolution | None
    timex_id: str | None
    source: str | None  # timex, inherited, anchored; None when unknown
    origin: int | None = None  # index of the mention it inherited from


@dataclass(frozen=True, slots=True)
class Site:
    """Where a mention sits: what dating needs to know of it."""

    token: int
    sentence: int
    event_type: str
    occurred: bool
    anaphoric: bool  # a definite noun or a suffixed form: refers back
    participants: tuple[str, ...]


UNKNOWN = Dating(None, None, None)


def date_mentions(sites: list[Site], analysis: TemporalAnalysis) -> list[Dating]:
    """Date every mention of one article (``sites`` in text order)."""
    tokens = analysis.tokens
    spans = [(f.tok_start, f.tok_end, tokens.sentence(f.tok_start)) for f in analysis.found]
    direct = [_from_sentence(i, sites, spans, analysis.timexes) for i in range(len(sites))]
    out: list[Dating | None] = []
    for i, timex in enumerate(direct):
        if timex is None:
            out.append(None)
        elif timex.type == "DURATION":
            out.append(_anchored(i, sites, direct, timex))
        else:
            out.append(Dating(_resolution(timex), timex.timex_id, "timex"))
    for i, site in enumerate(sites):
        if out[i] is None:
            out[i] = _inherit(i, sites, out) if site.occurred else UNKNOWN
    return [d or UNKNOWN for d in out]


def _resolution(t: Timex) -> Resolution:
    return Resolution(t.type, t.value, t.granularity, t.date_start, t.date_end, t.mod)


def _from_sentence(
    i: int, sites: list[Site], spans: list[tuple[int, int, int]], timexes: list[Timex]
) -> Timex | None:
    """The nearest usable time expression of the mention's sentence, if any."""
    site = sites[i]
    best, best_distance = None, None
    for (start, end, sentence), timex in zip(spans, timexes, strict=True):
        if sentence != site.sentence or not _usable(timex):
            continue
        distance = start - site.token if start > site.token else site.token - end + 1
        if best_distance is not None and distance >= best_distance:
            continue
        lo, hi = sorted((site.token, start if start > site.token else end - 1))
        if any(lo < other.token < hi and other.event_type != site.event_type for other in sites):
            continue  # another kind of event stands between them and takes the time
        best, best_distance = timex, distance
    return best


def _usable(t: Timex) -> bool:
    if t.type in ("DATE", "TIME"):
        return True
    return t.type == "DURATION" and t.rule_id in _ANCHORED_RULES


def _anchored(i: int, sites: list[Site], direct: list[Timex | None], timex: Timex) -> Dating:
    """بعد أقل من أسبوع: the latest day-dated event of the last few sentences, shifted."""
    site = sites[i]
    anchor: date | None = None
    for j, other in enumerate(sites):
        t = direct[j]
        if (
            j == i
            or t is None
            or t.granularity not in ("day", "time")
            or not 0 <= site.sentence - other.sentence <= _ANCHOR_SENTENCES
            or other.token > site.token
        ):
            continue
        if anchor is None or t.date_start > anchor:
            anchor = t.date_start
    if anchor is None:
        return UNKNOWN
    res = shift(anchor, timex.value, timex.mod, before=timex.rule_id in _BEFORE_RULES)
    return Dating(res, timex.timex_id, "anchored") if res else UNKNOWN


def shift(
    anchor: date, duration: str | None, mod: str | None, *, before: bool
) -> Resolution | None:
    """The date ``duration`` after (or before) ``anchor``, as precise as the words allow.

    >>> shift(date(2024, 4, 13), "P1W", "LESS_THAN", before=False).value
    '2024-W16'
    """
    if not duration or not duration.startswith("P") or duration[1:-1] == "X":
        return None
    unit, count = duration[-1], duration[1:-1]
    if unit not in _DAYS or not count.isdigit():
        return None
    days = int(count) * _DAYS[unit]
    sign = -1 if before else 1
    if mod == "LESS_THAN":  # some day strictly inside the span
        first, last = anchor + timedelta(days=sign), anchor + timedelta(days=sign * (days - 1))
    else:
        first = last = anchor + timedelta(days=sign * days)
    start, end = min(first, last), max(first, last)
    if start == end:
        return Resolution("DATE", start.isoformat(), "day", start, end)
    week = _majority_week(start, end)
    w_start, w_end, _ = cal.value_interval(week)
    return Resolution("DATE", week, "week", w_start, w_end)


def _majority_week(start: date, end: date) -> str:
    counts: dict[str, int] = {}
    d = start
    while d <= end:
        key = cal.week_value(d)
        counts[key] = counts.get(key, 0) + 1
        d += timedelta(days=1)
    return max(counts, key=lambda k: (counts[k], k))


def _inherit(i: int, sites: list[Site], out: list[Dating | None]) -> Dating:
    """An undated mention takes the date of the mention it refers to, if any."""
    site = sites[i]
    dated = [
        j
        for j, d in enumerate(out)
        if d is not None and d.source in ("timex", "anchored") and sites[j].occurred
    ]
    same = [j for j in dated if sites[j].event_type == site.event_type and _agree(site, sites[j])]
    before = [j for j in same if j < i]
    if site.anaphoric and before:
        return _copy(out[before[-1]], before[-1])
    if site.sentence <= 1 or site.anaphoric:  # the lead announces what the text then dates
        after = [j for j in same if j > i]
        if after:
            return _copy(out[after[0]], after[0])
    if site.event_type == "AGREE" and not site.participants:
        # an agreement whose parties the text leaves to context was reached at the meeting
        meets = [j for j in dated if j < i and sites[j].event_type == "MEET"]
        if meets:
            return _copy(out[meets[-1]], meets[-1])
    return UNKNOWN


def _agree(a: Site, b: Site) -> bool:
    """Two mentions can corefer unless both name participants and share none."""
    return not (a.participants and b.participants) or bool(
        set(a.participants) & set(b.participants)
    )


def _copy(d: Dating | None, origin: int) -> Dating:
    if d is None:
        return UNKNOWN
    return Dating(d.resolution, None, "inherited", origin)
