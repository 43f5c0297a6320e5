"""Merge the occurred mentions of one real-world event into one timeline row.

Two stages, both on compact keys (no text):

1. Within an article, mentions join when one refers to another (an anaphoric
   الاجتماع that inherited its date), when they share a sentence (الهجوم الذي
   شنته), or when both are dated to a day or week that overlap and their
   participants do not conflict. A mention the text marks as a separate
   occasion (سبق أن التقى …) joins only through reference or its own sentence.
2. Across articles, block by block. Each of an article's clusters belongs to
   the blocks (event type, quarter) its date may fall in (:func:`block_names`);
   undated clusters belong to none and never merge across articles. In each
   block, the clusters, finest-dated first, join the best compatible group
   found through a blocking index: the days of a fine date, and each
   participant by month. Fine dates (a day or a week) that overlap need a
   participant or the place in common, and nothing in conflict; coarser dates
   (a month, a year, "recently") need a named person in common, or two parties
   and the place. Each cluster meets at most a fixed number of candidates per
   index entry, so the cost grows with the corpus, not its square. A cluster
   whose date reaches over several blocks is clustered in each, and stays in
   the group it joined best (:func:`better_block`).

Every step needs one article or one block at a time, so the same groups come
out of :func:`deduplicate` (in memory), the streaming engine (blocks spilled to
disk) and the Dask engine (blocks shuffled between machines).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
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

    def copy(self) -> Cluster:
        """A cluster to merge into, leaving this one as it was."""
        return Cluster(
            list(self.keys),
            self.start,
            self.end,
            self.granularity,
            set(self.participants),
            set(self.persons),
            set(self.locations),
            self.distinct,
            set(self.articles),
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

    This is the in-memory form of the block-wise algorithm (module docstring):
    the streaming engine and the Dask engine run the same steps on blocks
    spilled to disk or shuffled between machines, and give the same groups.
    Groups come in merge order (see :func:`order_key`), each with its local
    clusters in that order and their mentions in article order.
    """
    same_place = same_place or _same_key
    local = local_clusters(keys, same_place)
    by_block: dict[str, list[int]] = defaultdict(list)
    singles: list[int] = []
    for i, c in enumerate(local):
        names = block_names(c)
        if not names:
            singles.append(i)
        for name in names:
            by_block[name].append(i)
    seed_in: dict[tuple[str, int], int] = {}
    chosen: dict[int, tuple[int, str]] = {}  # cluster → (score, block): see better_block
    for name in sorted(by_block):
        members = by_block[name]
        for i, (seed, score) in zip(
            members, cluster_block([local[i] for i in members], same_place), strict=True
        ):
            seed_in[name, i] = members[seed]
            if i not in chosen or better_block((score, name), chosen[i]):
                chosen[i] = (score, name)
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (_, name) in chosen.items():
        groups[name, seed_in[name, i]].append(i)
    out = [[i] for i in singles]
    out.extend(groups.values())
    for members in out:
        members.sort(key=lambda i: order_key(local[i]))
    out.sort(key=lambda members: order_key(local[members[0]]))
    return [[k for i in members for k in local[i].keys] for members in out]


def _same_key(a: str, b: str) -> bool:
    return a == b


def local_clusters(
    keys: Iterable[Key], same_place: Callable[[str, str], bool] | None = None
) -> list[Cluster]:
    """Stage 1: each article's mentions joined into its own clusters.

    Needs only the keys of one article at a time: the engines run it where the
    article was read. Each cluster's ``keys`` are in a fixed order (its first
    mention first), which :func:`order_key` and the event rows rely on.
    """
    same_place = same_place or _same_key
    by_article: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        by_article[key.article_id].append(key)
    local: list[Cluster] = []
    for article_keys in by_article.values():
        local.extend(_within_article(sorted(article_keys, key=lambda k: k.order), same_place))
    return local


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


def block_names(c: Cluster) -> list[str]:
    """The blocks a local cluster belongs to: its type by each quarter its date may fall in.

    The quarters are those of the months it is filed and looked for under
    (:func:`_months`), so two clusters that could meet in the global index
    always share a block. Undated clusters belong to none: they never merge
    across articles. Names sort as (type, year, quarter): ``MEET.2021Q2``.
    """
    etype = c.keys[0].event_type
    names: list[str] = []
    for y, m in _months(c):
        name = f"{etype}.{y:04d}Q{(m - 1) // 3 + 1}"
        if not names or names[-1] != name:
            names.append(name)
    return names


def order_key(c: Cluster) -> tuple:
    """The order in which clusters are merged: finest date, earliest report, article order."""
    return (
        GRANULARITY_RANK[c.granularity],
        min(k.published for k in c.keys),
        c.keys[0].article_id,
        c.keys[0].order,
    )


SEED = -1
"""The score of a cluster that joined nothing in its block (it started a group)."""


def cluster_block(
    clusters: Sequence[Cluster], same_place: Callable[[str, str], bool] | None = None
) -> list[tuple[int, int]]:
    """Stage 2 in one block: each cluster's group and how well it joined it.

    The clusters, finest-dated first (:func:`order_key`), each join the best
    compatible group found through a blocking index (the days of a fine date,
    each participant by month), or start a group. The clusters are not changed.
    Returns, for each cluster in input order, the input position of its group's
    first cluster and its join score (:func:`score_value`; :data:`SEED` when it
    started the group).
    """
    same_place = same_place or _same_key
    index: dict[tuple, list[int]] = defaultdict(list)
    merged: list[Cluster] = []
    seeds: list[int] = []
    out: list[tuple[int, int]] = [(i, SEED) for i in range(len(clusters))]
    for i in sorted(range(len(clusters)), key=lambda i: order_key(clusters[i])):
        c = clusters[i]
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
            merged.append(c.copy())
            seeds.append(i)
            target = len(merged) - 1
        else:
            merged[best].absorb(c)
            target = best
            out[i] = (seeds[best], score_value(best_score))
        cluster = merged[target]
        if _dated(cluster):
            for block in _blocks(cluster):
                if block not in cluster.filed:
                    cluster.filed.add(block)
                    index[(etype, *block)].append(target)
    return out


def score_value(score: tuple[int, int, int]) -> int:
    """A :func:`_match` score as one integer with the same order (for tables)."""
    shared, place, granularity = score  # granularity: -rank, -9..0
    return shared * 100 + place * 10 + 9 + granularity


def better_block(a: tuple[int, str], b: tuple[int, str]) -> bool:
    """Whether (score, block) ``a`` beats ``b`` for a cluster in both blocks.

    A cluster whose date reaches over several blocks is clustered in each; it
    stays in the group it joined best, the earliest block on a tie. Every
    engine chooses with this rule.
    """
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])


def _match(c: Cluster, g: Cluster, same_place) -> tuple | None:
    """How well ``c`` fits the global cluster ``g``; None when it must not join.

    Every test is a pure predicate, so they run cheapest and most often failing
    first (this is the inner loop of deduplication: ~7 calls per cluster); the
    result is that of :func:`_overlap`, :func:`_conflict` and the rules below.
    """
    # _overlap, unrolled: the latest start is after the earliest end iff one is
    cs, ce, gs, ge = c.start, c.end, g.start, g.end
    if (cs is None and ce is None) or (gs is None and ge is None):
        return None
    if cs is not None and ((ge is not None and cs > ge) or (ce is not None and cs > ce)):
        return None
    if gs is not None and ((ce is not None and gs > ce) or (ge is not None and gs > ge)):
        return None
    if c.articles & g.articles:
        return None  # what an article's own reading kept apart stays apart
    # _conflict: persons, other participants or places that say these are two events
    people = len(c.persons & g.persons)
    if c.persons and g.persons and not people:
        return None
    others_c, others_g = c.participants - c.persons, g.participants - g.persons
    if others_c and others_g and not others_c & others_g:
        return None
    # the same test as _conflict's on places, computed once for both
    place = 0
    if c.locations and g.locations:
        if not any(same_place(x, y) for x in c.locations for y in g.locations):
            return None
        place = 1
    shared = len(c.participants & g.participants)
    if c.granularity in _FINE and g.granularity in _FINE:
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
