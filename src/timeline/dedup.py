"""Merge the occurred mentions of one real-world event into one timeline row.

Two stages, both on compact keys (no text):

1. Within an article, mentions join when one refers to another (an anaphoric
   الاجتماع that inherited its date), when they share a sentence (الهجوم الذي
   شنته), or when both are dated to a day or week that overlap and their
   participants do not conflict. A mention the text marks as a separate
   occasion (سبق أن التقى …) joins only through reference or its own sentence.
2. Across articles, each article's clusters, finest-dated first, join the best
   compatible cluster found through a blocking index: the days of a fine date,
   and each participant by month. Fine dates (a day or a week) that overlap
   need a participant or the place in common, and nothing in conflict; coarser
   dates (a month, a year, "recently") need a named person in common, or two
   parties and the place. Undated clusters
   never merge across articles. Each cluster meets at most a fixed number of
   candidates per block, so the cost grows with the corpus, not its square.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# Finer first: the order in which a row's canonical date is chosen.
GRANULARITY_RANK = {
    "time": 0, "day": 1, "week": 2, "month": 3, "quarter": 4, "year": 5, "decade": 6,
    "century": 7, "ref": 8, None: 9,
}  # fmt: skip
_FINE = frozenset({"time", "day", "week"})
_MAX_BLOCK_DAYS = 400  # a longer interval is looked up over its last 400 days
_RECENT_DAYS = 92  # how far back "recently" (an open interval) looks for its event
_BLOCK_CANDIDATES = 64
_ADJACENT = 3  # tokens: توقيع اتفاقيات
_SECOND_TRIGGER_REACH = 8  # tokens: هجوم غير مسبوق بالمسيّرات والصواريخ شنّته


@dataclass(frozen=True, slots=True)
class Key:
    """What deduplication needs of one occurred mention."""

    mention_id: str
    article_id: str
    order: int  # position of the mention in its article
    event_type: str
    start: date | None
    end: date | None
    granularity: str | None
    participants: frozenset[str]  # matching keys (see events.arguments.canonical)
    persons: frozenset[str]  # the participants that are people
    location: str | None  # matching key
    published: date
    sentence: int
    token: int = 0  # where its trigger is in the article
    noun: bool = True  # a noun trigger (الهجوم) rather than a verb (شنته)
    distinct: bool = False  # the text marks it as an occasion of its own
    link: int | None = None  # order of the mention it refers to, same article


@dataclass
class Cluster:
    keys: list[Key]
    start: date | None
    end: date | None
    granularity: str | None
    participants: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)
    locations: set[str] = field(default_factory=set)
    distinct: bool = False
    articles: set[str] = field(default_factory=set)
    filed: set[tuple] = field(default_factory=set)  # blocks of the index it is filed under

    @classmethod
    def of(cls, key: Key) -> Cluster:
        return cls(
            [key],
            key.start,
            key.end,
            key.granularity,
            set(key.participants),
            set(key.persons),
            {key.location} if key.location else set(),
            key.distinct,
            {key.article_id},
        )

    @property
    def fine(self) -> bool:
        return self.granularity in _FINE

    def absorb(self, other: Cluster) -> None:
        self.keys.extend(other.keys)
        if GRANULARITY_RANK[other.granularity] < GRANULARITY_RANK[self.granularity]:
            self.granularity = other.granularity
        self.start, self.end = _intersect(self.start, self.end, other.start, other.end)
        self.participants |= other.participants
        self.persons |= other.persons
        self.locations |= other.locations
        self.distinct = self.distinct or other.distinct
        self.articles |= other.articles


def _intersect(a0, a1, b0, b1) -> tuple[date | None, date | None]:
    start = a0 if b0 is None else b0 if a0 is None else max(a0, b0)
    end = a1 if b1 is None else b1 if a1 is None else min(a1, b1)
    return start, end


def _dated(c: Cluster) -> bool:
    return c.start is not None or c.end is not None


def _overlap(a: Cluster, b: Cluster) -> bool:
    if not (_dated(a) and _dated(b)):
        return False
    start, end = _intersect(a.start, a.end, b.start, b.end)
    return start is None or end is None or start <= end


def _conflict(a: Cluster, b: Cluster, same_place: Callable[[str, str], bool]) -> bool:
    """Participants or places that say these are two different events."""
    if a.persons and b.persons and not a.persons & b.persons:
        return True
    others_a, others_b = a.participants - a.persons, b.participants - b.persons
    if others_a and others_b and not others_a & others_b:
        return True
    return bool(
        a.locations
        and b.locations
        and not any(same_place(x, y) for x in a.locations for y in b.locations)
    )


def deduplicate(
    keys: Iterable[Key], same_place: Callable[[str, str], bool] | None = None
) -> list[list[Key]]:
    """Group occurred mentions into events; each group is one timeline row.

    ``same_place(a, b)`` says whether two location keys can name the same place
    (a city and its country); by default only equal keys do.
    """
    same_place = same_place or (lambda x, y: x == y)
    by_article: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        by_article[key.article_id].append(key)
    local: list[Cluster] = []
    for article_keys in by_article.values():
        local.extend(_within_article(sorted(article_keys, key=lambda k: k.order), same_place))
    return [c.keys for c in _across_articles(local, same_place)]


def _within_article(keys: list[Key], same_place) -> list[Cluster]:
    clusters = [Cluster.of(k) for k in keys]
    owner = list(range(len(keys)))  # mention index → cluster index

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    def join(i: int, j: int, *, forced: bool) -> None:
        a, b = find(i), find(j)
        if a == b or keys[i].event_type != keys[j].event_type:
            return
        ca, cb = clusters[a], clusters[b]
        if not forced and (
            ca.distinct or cb.distinct or not (ca.fine and cb.fine) or not _overlap(ca, cb)
        ):
            return
        if _dated(ca) and _dated(cb) and not _overlap(ca, cb):
            return
        if not forced and _conflict(ca, cb, same_place):
            return
        ca.absorb(cb)
        owner[b] = a

    position = {k.order: i for i, k in enumerate(keys)}
    for i, k in enumerate(keys):
        if k.link is not None and k.link in position:
            join(position[k.link], i, forced=True)
    # Pairs are tried in the same order as over all (i, j), but only those that can
    # join: a page of thousands of mentions would otherwise cost millions of tries.
    # A second trigger is in the same sentence and of the same type.
    seconds = [
        (i, j)
        for group in _groups(range(len(keys)), lambda i: [(keys[i].sentence, keys[i].event_type)])
        for a, i in enumerate(group)
        for j in group[a + 1 :]
        if _second_trigger(keys[i], keys[j])
    ]
    for i, j in sorted(seconds):
        join(i, j, forced=True)
    # Only fine-dated clusters join here, and what makes one fine, distinct or its
    # interval shorter never changes the other way: clusters that cannot join now
    # never will, and two that can share a type and a day.
    roots = {i: clusters[find(i)] for i in range(len(keys))}
    able = [i for i in range(len(keys)) if roots[i].fine and not roots[i].distinct]
    for i, js in _pairs(able, lambda i: [(keys[i].event_type, d) for d in _span_days(roots[i])]):
        for j in js:
            join(i, j, forced=False)
    return [clusters[i] for i in range(len(keys)) if find(i) == i]


def _span_days(c: Cluster) -> list[date | None]:
    """The days of a cluster's interval; ``[None]`` (meets everything) when open or long."""
    if c.start is None or c.end is None or (c.end - c.start).days > 31:
        return [None]
    return [c.start + timedelta(days=i) for i in range((c.end - c.start).days + 1)]


def _groups(items: Iterable[int], labels: Callable[[int], list]) -> list[list[int]]:
    by: dict[object, list[int]] = defaultdict(list)
    for i in items:
        for label in labels(i):
            by[label].append(i)
    return list(by.values())


def _pairs(items: list[int], labels: Callable[[int], list]) -> list[tuple[int, list[int]]]:
    """Each item with the later items sharing a label with it, both in order.

    A label ``(type, None)`` (an open or long interval) is shared with every item
    of that type.
    """
    by: dict[object, list[int]] = defaultdict(list)
    wide: dict[object, list[int]] = defaultdict(list)
    own: dict[int, list] = {}
    for i in items:
        own[i] = labels(i)
        for label in own[i]:
            (wide[label[0]] if label[1] is None else by[label]).append(i)
    out = []
    for i in items:
        later: set[int] = set()
        for label in own[i]:
            if label[1] is None:
                later.update(j for j in items if j > i and own[j][0][0] == label[0])
            else:
                later.update(j for j in by[label] if j > i)
                later.update(j for j in wide[label[0]] if j > i)
        out.append((i, sorted(later)))
    return out


def _days(c: Cluster) -> list[date]:
    """The days of a fine cluster's interval (a week at most)."""
    if not c.fine or c.start is None or c.end is None or (c.end - c.start).days > 7:
        return []
    return [c.start + timedelta(days=i) for i in range((c.end - c.start).days + 1)]


def _months(c: Cluster) -> list[tuple[int, int]]:
    """The months a cluster's date can fall in, an open "recently" reaching back a season."""
    start, end = c.start, c.end
    if start is None and end is None:
        return []
    if start is None:
        start = end - timedelta(days=_RECENT_DAYS)
    if end is None:
        end = start + timedelta(days=_RECENT_DAYS)
    if (end - start).days > _MAX_BLOCK_DAYS:
        start = end - timedelta(days=_MAX_BLOCK_DAYS)
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _second_trigger(a: Key, b: Key) -> bool:
    """الهجوم الذي شنته: a verb close after a noun of the same sentence names the same event.

    Two nouns apart in one sentence (اغتيال فخري زادة … لاغتيال سليماني) may
    well be two events, so only words a few tokens apart join that way, or an
    undated verb beside a dated noun of its type.
    """
    if a.sentence != b.sentence or a.event_type != b.event_type:
        return False
    if a.noun != b.noun and (a.start, a.end) == (None, None) != (b.start, b.end):
        return True  # an undated verb beside a dated noun of its type: ويلتقيا … المباحثات
    if b.noun != a.noun and (b.start, b.end) == (None, None) != (a.start, a.end):
        return True
    gap = abs(a.token - b.token)
    return gap <= _ADJACENT or (a.noun != b.noun and gap <= _SECOND_TRIGGER_REACH)


def _blocks(c: Cluster) -> list[tuple]:
    """Where a cluster is filed and looked for: its days, and its participants by month."""
    out: list[tuple] = [("day", d) for d in _days(c)]
    months = _months(c)
    out.extend(("who", p, *ym) for p in sorted(c.participants) for ym in months)
    if not c.participants:
        out.extend(("month", *ym) for ym in months if c.fine)
    return out


def _across_articles(local: list[Cluster], same_place) -> list[Cluster]:
    order = sorted(
        local,
        key=lambda c: (
            GRANULARITY_RANK[c.granularity],
            min(k.published for k in c.keys),
            c.keys[0].article_id,
            c.keys[0].order,
        ),
    )
    index: dict[tuple, list[int]] = defaultdict(list)
    merged: list[Cluster] = []
    for c in order:
        etype = c.keys[0].event_type
        best, best_score = None, None
        if _dated(c):
            seen: set[int] = set()
            for block in _blocks(c):
                # the latest few of a block bound the work of a busy day or a
                # much-named participant; events are reported close in time
                for g in index.get((etype, *block), ())[-_BLOCK_CANDIDATES:]:
                    if g in seen:
                        continue
                    seen.add(g)
                    score = _match(c, merged[g], same_place)
                    if score is not None and (best_score is None or score > best_score):
                        best, best_score = g, score
        if best is None:
            merged.append(c)
            target = len(merged) - 1
        else:
            merged[best].absorb(c)
            target = best
        cluster = merged[target]
        if _dated(cluster):
            for block in _blocks(cluster):
                if block not in cluster.filed:
                    cluster.filed.add(block)
                    index[(etype, *block)].append(target)
    return merged


def _match(c: Cluster, g: Cluster, same_place) -> tuple | None:
    """How well ``c`` fits the global cluster ``g``; None when it must not join."""
    if not _overlap(c, g) or _conflict(c, g, same_place):
        return None
    if c.articles & g.articles:
        return None  # what an article's own reading kept apart stays apart
    shared = len(c.participants & g.participants)
    people = len(c.persons & g.persons)
    place = int(any(same_place(x, y) for x in c.locations for y in g.locations))
    if c.fine and g.fine:
        if not (shared or place):
            return None  # many things happen on one day: something else must match too
    elif not (people or (shared >= 2 and place)):
        return None  # a month or "recently" needs a named person, or two parties and the place
    return shared, place, -GRANULARITY_RANK[g.granularity]


def event_id(keys: list[Key]) -> str:
    """A stable id: the same mentions give the same id on every run."""
    first = min(k.mention_id for k in keys)
    return "ev-" + hashlib.sha1(f"{keys[0].event_type}|{first}".encode()).hexdigest()[:12]


def canonical_key(keys: list[Key]) -> Key:
    """The mention whose date the row shows: the most precise, then the earliest report."""
    return min(
        keys,
        key=lambda k: (GRANULARITY_RANK[k.granularity], k.published, k.article_id, k.order),
    )
