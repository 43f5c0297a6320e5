"""Which time governs each event mention, and what date that gives it.

In order of preference: a time expression in the mention's sentence (the
nearest one not cut off by a trigger of another type); the date of a
coreferent mention in the same article (an anaphoric الاجتماع takes the latest
dated mention of its type before it, the lead sentence the first one after
it); a time counted from another event (بعد أقل من أسبوع [من الهجوم]). What
nothing dates stays unknown: never silently the article's date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    origin: int | None = None  # the mention it inherited from, or counted from (anchored)


@dataclass(frozen=True, slots=True)
class Site:
    """Where a mention sits: what dating needs to know of it."""

    token: int
    sentence: int
    clause: int
    event_type: str
    occurred: bool
    noun: bool
    anaphoric: bool  # a definite noun (الاجتماع): refers back to an event named before
    participants: tuple[str, ...]
    persons: frozenset[str] = frozenset()
    location: str | None = None
    distinct: bool = False
    lemma: str = ""
    counterpart: str | None = None  # who it is "with" (الاجتماع مع أوبريان)
    in_force: bool = False  # names an agreement in force: the times around date other things


UNKNOWN = Dating(None, None, None)


def date_mentions(
    sites: list[Site],
    analysis: TemporalAnalysis,
    clause_of: Callable[[int], int],
    links: Mapping[int, int] | None = None,
) -> list[Dating]:
    """Date every mention of one article (``sites`` in text order).

    ``clause_of(k)`` numbers the clause of token ``k`` (see ``events.clauses``).
    ``links`` (from a backend's dependencies, see ``events.backend_hooks``) maps a
    mention to the time expression its trigger governs; that one is taken before
    the nearest-in-clause choice. ``None`` (the rules) leaves dating unchanged.
    """
    tokens = analysis.tokens
    spans = [
        (f.tok_start, f.tok_end, tokens.sentence(f.tok_start), clause_of(f.tok_start))
        for f in analysis.found
    ]
    direct = [
        None
        if site.in_force
        else _linked(i, links, analysis.timexes)
        or _from_sentence(i, sites, spans, analysis.timexes)
        for i, site in enumerate(sites)
    ]
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
            out[i] = _inherit(i, sites, out) if site.occurred and not site.in_force else UNKNOWN
    return [d or UNKNOWN for d in out]


def _linked(i: int, links: Mapping[int, int] | None, timexes: list[Timex]) -> Timex | None:
    """The time expression a dependency link gives mention ``i``, if usable."""
    if not links or i not in links:
        return None
    timex = timexes[links[i]]
    return timex if _usable(timex) else None


def _resolution(t: Timex) -> Resolution:
    return Resolution(t.type, t.value, t.granularity, t.date_start, t.date_end, t.mod)


def _from_sentence(
    i: int, sites: list[Site], spans: list[tuple[int, int, int, int]], timexes: list[Timex]
) -> Timex | None:
    """The time expression that governs a mention: its clause's, else its sentence's.

    Nearest first; a vague one (مؤخرا، حاليا) only from the mention's own clause;
    none across a noun trigger, which names another event, or a verb trigger of
    another type.
    """
    site = sites[i]
    best, best_rank = None, None
    for (start, end, sentence, clause), timex in zip(spans, timexes, strict=True):
        if sentence != site.sentence or not _usable(timex):
            continue
        same_clause = clause == site.clause
        if not same_clause and timex.granularity == "ref":
            continue
        distance = start - site.token if start > site.token else site.token - end + 1
        rank = (not same_clause, distance)
        if best_rank is not None and rank >= best_rank:
            continue
        lo, hi = sorted((site.token, start if start > site.token else end - 1))
        if any(lo < o.token < hi and (o.noun or o.event_type != site.event_type) for o in sites):
            continue
        best, best_rank = timex, rank
    return best


def _usable(t: Timex) -> bool:
    if t.type in ("DATE", "TIME"):
        return True
    return t.type == "DURATION" and t.rule_id in _ANCHORED_RULES


def _anchored(i: int, sites: list[Site], direct: list[Timex | None], timex: Timex) -> Dating:
    """بعد أقل من أسبوع: the latest day-dated event of the last few sentences, shifted."""
    site = sites[i]
    anchor: date | None = None
    anchor_at: int | None = None
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
            anchor, anchor_at = t.date_start, j
    if anchor is None:
        return UNKNOWN
    res = shift(anchor, timex.value, timex.mod, before=timex.rule_id in _BEFORE_RULES)
    return Dating(res, timex.timex_id, "anchored", anchor_at) if res else UNKNOWN


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
    """An undated mention takes the date of the mention it refers to, if any.

    A definite noun (الاجتماع) refers to an event of its type named before: the
    one it shares people with (above all the one it is "with"), then one named
    by the same word, then the most recent. The lead refers forward to the first
    dated one. A mention at the same named place takes that place's event; an
    agreement whose parties are left to context, the meeting before it.
    """
    site = sites[i]
    # "recently" or "now" says too little to be lent to another mention
    dated = [
        j
        for j, d in enumerate(out)
        if d is not None
        and d.resolution is not None
        and d.resolution.granularity != "ref"
        and sites[j].occurred
    ]
    same = [j for j in dated if sites[j].event_type == site.event_type and not sites[j].distinct]
    before = [j for j in same if j < i]
    if site.anaphoric and before:
        j = _antecedent(site, before, sites, out)
        return _copy(out[j], j)
    if site.sentence <= 1 or site.anaphoric:  # the lead announces what the text then dates
        after = [j for j in same if j > i]
        if after:
            return _copy(out[after[0]], after[0])
    if site.location:
        placed = [j for j in same if sites[j].location == site.location]
        if placed:
            return _copy(out[placed[0]], placed[0])
    if site.event_type == "AGREE" and not site.participants:
        # an agreement whose parties the text leaves to context was reached at the meeting
        meets = [j for j in dated if j < i and sites[j].event_type == "MEET"]
        if meets:
            return _copy(out[meets[-1]], meets[-1])
    return UNKNOWN


def _antecedent(site: Site, before: list[int], sites: list[Site], out: list) -> int:
    def fit(j: int) -> tuple[int, bool, int]:
        other = sites[j]
        shared = len(site.persons & other.persons)
        if site.counterpart and site.counterpart == other.counterpart:
            shared += 2
        return shared, site.lemma == other.lemma, j

    return max(before, key=fit)


def _copy(d: Dating | None, origin: int) -> Dating:
    if d is None or d.resolution is None:
        return UNKNOWN
    return Dating(d.resolution, None, "inherited", origin)
