"""Which time governs each event mention, and what date that gives it.

In order of preference: a time expression in the mention's sentence (the
nearest one not cut off by a trigger of another type); the date of a
coreferent mention in the same article (an anaphoric الاجتماع takes the latest
dated mention of its type before it, the lead sentence the first one after
it); a time counted from another event (بعد أقل من أسبوع [من الهجوم]). What
nothing dates stays unknown: never silently the article's date.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from timeline.lexicon import load as load_lexicon
from timeline.model import Resolution, Timex
from timeline.temporal import TemporalAnalysis
from timeline.temporal import calendar as cal

# Expressions counted from another event rather than from the article date.
_ANCHORED_RULES = frozenset({"relative.after", "relative.after_event", "relative.before_event"})
_BEFORE_RULES = frozenset({"relative.before_event"})
# How many sentences back an anchored expression looks for the event it counts from.
_ANCHOR_SENTENCES = 3
_DAYS = {"D": 1, "W": 7}
# After منذ, a week, month or year before the article's starts a stretch of history
# (منذ عام 2011، منذ منتصف العام 2015 ثلاث جولات مفاوضات، للمرة الأولى منذ 2016): it
# dates no event beside it. One that holds the article date still bounds the events
# (43 هجوما منذ بداية العام: this year), and a day or a time dates what goes on since
# then (منذ مساء الأحد، منذ 20 فبراير عندما التقى).
_UNIT_OF = {
    "week": lambda d: d.isocalendar()[:2],
    "month": lambda d: (d.year, d.month),
    "quarter": lambda d: (d.year, (d.month - 1) // 3),
    "year": lambda d: d.year,
    "decade": lambda d: d.year // 10,
    "century": lambda d: d.year // 100,
}


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
    dct: date,
    links: Mapping[int, int] | None = None,
) -> list[Dating]:
    """Date every mention of one article (``sites`` in text order), published ``dct``.

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
    return date_sites(sites, spans, analysis.timexes, links, _span_starts(analysis, dct))


def _span_starts(analysis: TemporalAnalysis, dct: date) -> frozenset[int]:
    """The expressions after منذ that open a stretch of history (see ``_UNIT_OF``)."""
    words = analysis.tokens.words
    single = load_lexicon().single
    out = []
    for j, (f, t) in enumerate(zip(analysis.found, analysis.timexes, strict=True)):
        unit = _UNIT_OF.get(t.granularity or "")
        if unit is None or t.date_start is None or f.tok_start == 0:
            continue
        if unit(t.date_start) == unit(dct):
            continue
        if any(lx.cls == "SINCE" for lx in single.get(words[f.tok_start - 1], ())):
            out.append(j)
    return frozenset(out)


def date_sites(
    sites: list[Site],
    spans: list[tuple[int, int, int, int]],
    timexes: list[Timex],
    links: Mapping[int, int] | None = None,
    span_starts: frozenset[int] = frozenset(),
) -> list[Dating]:
    """:func:`date_mentions` on the time expressions' token spans, sentences and clauses.

    ``span_starts`` are indexes of ``timexes`` that govern no mention.
    """
    nearest = _Nearest(spans, timexes, sites, span_starts)
    direct = [
        None if site.in_force else _linked(i, links, timexes) or nearest.governing(site)
        for i, site in enumerate(sites)
    ]
    anchors = _anchors(sites, direct)
    out: list[Dating | None] = []
    for i, timex in enumerate(direct):
        if timex is None:
            out.append(None)
        elif timex.type == "DURATION":
            out.append(_anchored(timex, *anchors.get(i, (None, None))))
        else:
            out.append(Dating(_resolution(timex), timex.timex_id, "timex"))
    lenders = _Lenders(sites, out)
    for i, site in enumerate(sites):
        if out[i] is None:
            out[i] = lenders.inherit(i) if site.occurred and not site.in_force else UNKNOWN
        lenders.settled(i)
    return [d or UNKNOWN for d in out]


def _linked(i: int, links: Mapping[int, int] | None, timexes: list[Timex]) -> Timex | None:
    """The time expression a dependency link gives mention ``i``, if usable."""
    if not links or i not in links:
        return None
    timex = timexes[links[i]]
    return timex if _usable(timex) else None


def _resolution(t: Timex) -> Resolution:
    return Resolution(t.type, t.value, t.granularity, t.date_start, t.date_end, t.mod)


class _Nearest:
    """The time expression that governs a mention: its clause's, else its sentence's.

    Nearest first; a vague one (مؤخرا، حاليا) only from the mention's own clause;
    none across a noun trigger, which names another event, or a verb trigger of
    another type. Ties go to the earlier expression.

    Sentences and clauses are numbered in text order and the expressions do not
    overlap, so the best one on each side of a mention is the first usable one
    found walking away from it, and a trigger in between cuts off everything
    beyond it: each mention costs a few bisections, not a pass over every
    expression and trigger of the article (a page-long sentence can hold
    thousands of both).
    """

    def __init__(
        self,
        spans: list[tuple[int, int, int, int]],
        timexes: list[Timex],
        sites: list[Site],
        skip: frozenset[int] = frozenset(),
    ) -> None:
        keep = [j for j, t in enumerate(timexes) if _usable(t) and j not in skip]
        self.timexes = [timexes[j] for j in keep]
        self.spans = [spans[j] for j in keep]
        self.starts = [sp[0] for sp in self.spans]
        ref = [t.granularity == "ref" for t in self.timexes]
        n = len(keep)
        # nearest expression at or after (before) each position that is not vague
        self.next_firm = [n] * (n + 1)
        for j in range(n - 1, -1, -1):
            self.next_firm[j] = self.next_firm[j + 1] if ref[j] else j
        self.prev_firm = [-1] * (n + 1)
        for j in range(n):
            self.prev_firm[j + 1] = self.prev_firm[j] if ref[j] else j
        self.ref = ref
        # triggers that cut off a mention of each type: nouns, and verbs of other types
        self.blockers = {
            kind: [o.token for o in sites if o.noun or o.event_type != kind]
            for kind in {s.event_type for s in sites}
        }

    def _blocked(self, site: Site, a: int, b: int) -> bool:
        """Whether a cutting trigger lies strictly between tokens ``a`` and ``b``."""
        lo, hi = (a, b) if a < b else (b, a)
        cuts = self.blockers[site.event_type]
        i = bisect_right(cuts, lo)
        return i < len(cuts) and cuts[i] < hi

    def governing(self, site: Site) -> Timex | None:
        k = site.token
        q = bisect_right(self.starts, k)
        best: tuple[tuple[bool, int], int] | None = None
        for j in (self._after(site, q), self._before(site, q - 1)):
            if j is None:
                continue
            start, end, _, clause = self.spans[j]
            distance = start - k if start > k else k - end + 1
            key = ((clause != site.clause, distance), j)
            if best is None or key < best:
                best = key
        return self.timexes[best[1]] if best else None

    def _after(self, site: Site, j: int) -> int | None:
        """The best expression starting after the mention's token (distance grows with j)."""
        n = len(self.spans)
        while j < n:
            start, _, sentence, clause = self.spans[j]
            if sentence != site.sentence or self._blocked(site, site.token, start):
                return None  # and so is every later one
            if clause == site.clause:
                return j
            if not self.ref[j]:
                return j  # no later one is in the mention's clause
            j = self.next_firm[j]
        return None

    def _before(self, site: Site, j: int) -> int | None:
        """The best expression starting at or before the mention's token."""
        found = None
        while j >= 0:
            _, end, sentence, clause = self.spans[j]
            if sentence != site.sentence:
                break
            last = end - 1
            if self._blocked(site, site.token, last):
                if last < site.token:
                    break  # and so is every earlier one
                j -= 1  # an expression around the token: an earlier one may still do
                continue
            if clause == site.clause:
                found = j
                break
            if not self.ref[j]:
                found = j  # no earlier one is in the mention's clause
                break
            j = self.prev_firm[j]
        return found


def _usable(t: Timex) -> bool:
    if t.type in ("DATE", "TIME"):
        return True
    return t.type == "DURATION" and t.rule_id in _ANCHORED_RULES


def _anchors(sites: list[Site], direct: list[Timex | None]) -> dict[int, tuple[date, int]]:
    """For each duration-dated mention: the latest day a recent event was dated, and which.

    "Recent": a mention up to the duration's own token, at most
    ``_ANCHOR_SENTENCES`` sentences back; ties go to the earlier mention. The
    window only moves forward through the mentions (in text order), so the
    latest day in it is kept by a sliding-window maximum: one pass for all.
    """
    wanted = [i for i, t in enumerate(direct) if t is not None and t.type == "DURATION"]
    if not wanted:
        return {}
    tokens = [s.token for s in sites]
    sentences = [s.sentence for s in sites]
    if tokens != sorted(tokens):  # not in text order: look at every mention
        return {i: hit for i in wanted if (hit := _latest(sites, direct, i, range(len(sites))))}
    out: dict[int, tuple[date, int]] = {}
    window: deque[int] = deque()  # days strictly decreasing, earlier mention first on ties
    pushed = 0
    for i in wanted:
        last = bisect_right(tokens, sites[i].token)
        while pushed < last:
            t = direct[pushed]
            if pushed != i and t is not None and t.granularity in ("day", "time"):
                while window and direct[window[-1]].date_start < t.date_start:
                    window.pop()
                window.append(pushed)
            pushed += 1
        first = bisect_left(sentences, sites[i].sentence - _ANCHOR_SENTENCES)
        while window and window[0] < first:
            window.popleft()
        if window and window[0] == i:  # never itself (a duration is no day anyway)
            hit = _latest(sites, direct, i, range(first, last))
        else:
            hit = (direct[window[0]].date_start, window[0]) if window else None
        if hit:
            out[i] = hit
    return out


def _latest(
    sites: list[Site], direct: list[Timex | None], i: int, js: range
) -> tuple[date, int] | None:
    site = sites[i]
    anchor: date | None = None
    anchor_at: int | None = None
    for j in js:
        other, t = sites[j], direct[j]
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
    return (anchor, anchor_at) if anchor is not None and anchor_at is not None else None


def _anchored(timex: Timex, anchor: date | None, anchor_at: int | None) -> Dating:
    """بعد أقل من أسبوع: the latest day-dated event of the last few sentences, shifted."""
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


class _Lenders:
    """The dated mentions an undated one may take its date from.

    An undated mention takes the date of the mention it refers to, if any. A
    definite noun (الاجتماع) refers to an event of its type named before: the
    one it shares people with (above all the one it is "with"), then one named
    by the same word, then the most recent. The lead refers forward to the first
    dated one. A mention at the same named place takes that place's event; an
    agreement whose parties are left to context, the meeting before it.

    Mentions are settled in text order, so what lies before the current one is
    final (its own date or an inherited one) and what lies after has only its
    own; both sides are indexed so that each mention costs a few lookups, not a
    pass over every other mention of the article.
    """

    def __init__(self, sites: list[Site], out: list[Dating | None]) -> None:
        self.sites = sites
        self.out = out
        # dated by themselves, in text order: the candidates after the current mention
        self.ahead: dict[str, list[int]] = {}
        self.ahead_at: dict[tuple[str, str], list[int]] = {}
        for j in range(len(sites)):
            if self._same_kind(j):
                self.ahead.setdefault(sites[j].event_type, []).append(j)
                if sites[j].location:
                    self.ahead_at.setdefault((sites[j].event_type, sites[j].location), [])
                    self.ahead_at[(sites[j].event_type, sites[j].location)].append(j)
        # settled before the current mention
        self.before: dict[str, list[int]] = {}
        self.last_by_lemma: dict[tuple[str, str], int] = {}
        # mentions sharing a person or the counterpart, the latest of each kind of
        # mention (same people, counterpart and word choose alike): a page can name
        # the same person thousands of times
        self.by_person: dict[tuple[str, str], dict[tuple, int]] = {}
        self.by_counterpart: dict[tuple[str, str], dict[tuple, int]] = {}
        self.first_at: dict[tuple[str, str], int] = {}
        self.last_dated: dict[str, int] = {}

    def _dated(self, j: int) -> bool:
        # "recently" or "now" says too little to be lent to another mention
        d = self.out[j]
        return (
            d is not None
            and d.resolution is not None
            and d.resolution.granularity != "ref"
            and self.sites[j].occurred
        )

    def _same_kind(self, j: int) -> bool:
        """Dated, and may lend to a mention of its type (not set apart: سبق أن التقى)."""
        return self._dated(j) and not self.sites[j].distinct

    def settled(self, j: int) -> None:
        """Mention ``j`` has its final date: it now lends as one before the next ones."""
        if not self._dated(j):
            return
        site = self.sites[j]
        kind = site.event_type
        self.last_dated[kind] = j
        if site.distinct:
            return
        self.before.setdefault(kind, []).append(j)
        self.last_by_lemma[(kind, site.lemma)] = j
        like = (site.persons, site.counterpart, site.lemma)
        for person in site.persons:
            self.by_person.setdefault((kind, person), {})[like] = j
        if site.counterpart:
            self.by_counterpart.setdefault((kind, site.counterpart), {})[like] = j
        if site.location:
            self.first_at.setdefault((kind, site.location), j)

    def inherit(self, i: int) -> Dating:
        site = self.sites[i]
        kind = site.event_type
        if site.anaphoric and self.before.get(kind):
            j = self._antecedent(site)
            return _copy(self.out[j], j)
        if site.sentence <= 1 or site.anaphoric:  # the lead announces what the text then dates
            j = _first_after(self.ahead.get(kind, ()), i)
            if j is not None:
                return _copy(self.out[j], j)
        if site.location:
            j = self.first_at.get((kind, site.location))
            if j is None:
                j = _first_after(self.ahead_at.get((kind, site.location), ()), i)
            if j is not None:
                return _copy(self.out[j], j)
        if kind == "AGREE" and not site.participants:
            # an agreement whose parties the text leaves to context was reached at the meeting
            j = self.last_dated.get("MEET")
            if j is not None:
                return _copy(self.out[j], j)
        return UNKNOWN

    def _antecedent(self, site: Site) -> int:
        """Most people shared (its counterpart counts twice), then the same word, then latest."""
        kind = site.event_type
        sharing = {j for p in site.persons for j in self.by_person.get((kind, p), {}).values()}
        if site.counterpart:
            sharing.update(self.by_counterpart.get((kind, site.counterpart), {}).values())
        if not sharing:  # no one shared: the latest of the same word, else the latest
            j = self.last_by_lemma.get((kind, site.lemma))
            return j if j is not None else self.before[kind][-1]

        def fit(j: int) -> tuple[int, bool, int]:
            other = self.sites[j]
            shared = len(site.persons & other.persons)
            if site.counterpart and site.counterpart == other.counterpart:
                shared += 2
            return shared, site.lemma == other.lemma, j

        return max(sharing, key=fit)


def _first_after(js: list[int] | tuple[()], i: int) -> int | None:
    k = bisect_right(js, i)
    return js[k] if k < len(js) else None


def _copy(d: Dating | None, origin: int) -> Dating:
    if d is None or d.resolution is None:
        return UNKNOWN
    return Dating(d.resolution, None, "inherited", origin)
