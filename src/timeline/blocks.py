"""Block-wise deduplication on Arrow tables: the steps both engines share.

The streaming engine (:mod:`timeline.engine`) spills these tables to disk and
the Dask engine (:mod:`timeline.dask_engine`) shuffles them between machines;
both call the same functions, which call :mod:`timeline.dedup`, so their
groups are those of :func:`timeline.dedup.deduplicate` in memory:

1. :func:`keys_table` (where an article is processed): one row per occurred
   mention with its article's cluster (stage 1, :func:`~timeline.dedup.local_clusters`),
   that cluster's blocks (:func:`~timeline.dedup.block_names`) and what the
   event rows need of the mention;
2. :func:`split_by_block`: a row per (mention, block) for dated clusters, and
   the undated ones (each its own event, no shuffle needed);
3. :func:`place_block` on all the rows of one block: each cluster's group in
   that block and its join score (stage 2, :func:`~timeline.dedup.cluster_block`);
4. a cluster in several blocks keeps the block it joined best
   (:func:`~timeline.dedup.better_block`);
5. :func:`block_events`: the event rows of the groups of one block, counting
   only the clusters that kept that block, and the event id of each mention.

:func:`settle_block` does 3 and 5 on one block with a single rebuild: the
events of groups made only of clusters of that block at once, the others
(:class:`OpenGroups`) once step 4 is known. The local engine uses it in its
workers (:mod:`timeline.dedup_pool`); the Dask engine runs 3 and 5 as tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from timeline import tables
from timeline.dedup import Cluster, Key, block_names, cluster_block, local_clusters, order_key
from timeline.events.arguments import same_place
from timeline.events.rows import build_events
from timeline.model import Event, Mention

__all__ = [
    "KEYS_SCHEMA",
    "BlockGroups",
    "OpenGroups",
    "Spanning",
    "add_keys",
    "block_events",
    "event_bucket",
    "key_columns",
    "keys_table",
    "place_block",
    "settle_block",
    "sort_events",
    "split_by_block",
]

_STR = pa.string()
_DATE = pa.date32()
_INT = pa.int32()
_STRS = pa.list_(pa.string())

KEYS_SCHEMA = pa.schema(
    [
        # Key, field for field (frozensets as lists)
        ("mention_id", _STR),
        ("article_id", _STR),
        ("order", _INT),
        ("event_type", _STR),
        ("start", _DATE),
        ("end", _DATE),
        ("granularity", _STR),
        ("participants", _STRS),
        ("persons", _STRS),
        ("location", _STR),
        ("published", _DATE),
        ("sentence", _INT),
        ("token", _INT),
        ("noun", pa.bool_()),
        ("distinct", pa.bool_()),
        ("link", _INT),
        # its article's cluster: the first mention's id, this key's place in it,
        # and the blocks of the cluster (none: undated)
        ("cluster", _STR),
        ("position", _INT),
        ("blocks", _STRS),
        # where the mention is among the run's mentions (set by the engine)
        ("seq", pa.int64()),
        # what events.rows.build_events reads of the mention itself
        ("m_event_type", _STR),
        ("m_date_value", _STR),
        ("m_granularity", _STR),
        ("m_date_start", _DATE),
        ("m_date_end", _DATE),
        ("m_location", _STR),
        ("m_participants", _STRS),
        ("m_published", _DATE),
        ("m_sentence", _STR),
        # the trigger's (PLOVER, CAMEO) codes; null when the mention has none
        ("plover", _STR),
        ("cameo", _STR),
    ]
)
"""One row per occurred mention: what deduplication and the event rows need."""

BLOCKED_SCHEMA = KEYS_SCHEMA.append(pa.field("block", _STR))
"""A keys row filed under one of its blocks."""

PLACED_SCHEMA = pa.schema(
    [
        ("cluster", _STR),
        ("block", _STR),
        ("group", _STR),  # the cluster that started the group in this block
        ("score", pa.int64()),
        ("n_blocks", _INT),
    ]
)
"""One row per (cluster, block): how the cluster was grouped in that block."""

_KEY_FIELDS = tuple(Key.__dataclass_fields__)


def keys_table(
    keys: Iterable[Key],
    mentions: Mapping[str, Mention],
    codes: Mapping[str, tuple[str, str]],
    rows: Mapping[str, int],
) -> pa.Table:
    """The keys of the occurred mentions of whole articles, clustered within each article.

    ``rows`` gives each mention's position among the mentions processed with it
    (the ``seq`` column; an engine adds its offset).
    """
    columns = key_columns()
    add_keys(columns, keys, mentions, codes, rows)
    return pa.Table.from_pydict(columns, schema=KEYS_SCHEMA)


def key_columns() -> dict[str, list[Any]]:
    """Empty columns of KEYS_SCHEMA, for :func:`add_keys` to fill."""
    return {name: [] for name in KEYS_SCHEMA.names}


def add_keys(
    columns: dict[str, list[Any]],
    keys: Iterable[Key],
    mentions: Mapping[str, Mention],
    codes: Mapping[str, tuple[str, str]],
    rows: Mapping[str, int],
    undated: list[list[Key]] | None = None,
) -> None:
    """Append one article's keys to ``columns`` as :func:`keys_table` lays them out.

    A worker gathers a whole chunk's keys this way and builds one table: a table
    per article made extraction at 10k take 31 s instead of 17 s on one worker.
    When ``undated`` is given, the keys of each undated cluster go there
    instead: such a cluster is an event of its own (it never merges across
    articles), so the worker that read the article can make its row at once.
    """
    for cluster in local_clusters(keys, same_place):
        cid = cluster.keys[0].mention_id
        names = block_names(cluster)
        if not names and undated is not None:
            undated.append(cluster.keys)
            continue
        for position, key in enumerate(cluster.keys):
            m = mentions[key.mention_id]
            for name in _KEY_FIELDS:
                value = getattr(key, name)
                if isinstance(value, frozenset):
                    value = sorted(value)  # sets have no order; sorted keeps files reproducible
                columns[name].append(value)
            columns["cluster"].append(cid)
            columns["position"].append(position)
            columns["blocks"].append(names)
            columns["seq"].append(rows[key.mention_id])
            columns["m_event_type"].append(m.event_type)
            columns["m_date_value"].append(m.date_value)
            columns["m_granularity"].append(m.granularity)
            columns["m_date_start"].append(m.date_start)
            columns["m_date_end"].append(m.date_end)
            columns["m_location"].append(m.location)
            columns["m_participants"].append(list(m.participants))
            columns["m_published"].append(m.published)
            columns["m_sentence"].append(m.sentence)
            found = codes.get(key.mention_id)
            columns["plover"].append(found[0] if found is not None else None)
            columns["cameo"].append(found[1] if found is not None else None)


def split_by_block(keys: pa.Table) -> tuple[pa.Table, pa.Table]:
    """(a row per key and block of its cluster, the keys of undated clusters)."""
    blocks = keys.column("blocks")
    parents = pc.list_parent_indices(blocks)
    blocked = keys.take(parents).append_column("block", pc.list_flatten(blocks))
    undated = keys.filter(pc.equal(pc.list_value_length(blocks), 0))
    return blocked, undated


_PARTICIPANTS = _KEY_FIELDS.index("participants")
_PERSONS = _KEY_FIELDS.index("persons")
_MENTION_FIELDS = (
    "seq",
    "m_event_type",
    "m_sentence",
    "m_date_value",
    "m_granularity",
    "m_date_start",
    "m_date_end",
    "m_participants",
    "m_location",
    "m_published",
    "plover",
    "cameo",
)


@dataclass
class _Rows:
    """The clusters of some keys rows, rebuilt as Python objects, and their mentions' rows."""

    ids: list[str]
    clusters: list[Cluster]
    n_blocks: list[int]
    row_of: dict[str, int]  # mention id → its row
    m_cols: dict[str, list[Any]]  # _MENTION_FIELDS, as Python lists (empty: not read)
    strings: dict[str, str]

    def mentions(self, keys: Iterable[Key]) -> tuple[dict[str, Mention], dict[str, tuple], dict]:
        """The mentions, codes and seq of ``keys``, rebuilt as ``build_events`` reads them.

        Made only for the groups whose events are made: a cluster of several
        blocks is placed in each, but its event is made in one.
        """
        cols, strings = self.m_cols, self.strings
        mentions: dict[str, Mention] = {}
        codes: dict[str, tuple[str, str]] = {}
        seq: dict[str, int] = {}
        for key in keys:
            mid = key.mention_id
            i = self.row_of[mid]
            seq[mid] = cols["seq"][i]
            mentions[mid] = Mention(
                mention_id=mid,
                article_id=key.article_id,
                event_type=cols["m_event_type"][i],
                status="occurred",
                trigger="",
                start=0,
                end=0,
                sentence=cols["m_sentence"][i],
                date_value=cols["m_date_value"][i],
                granularity=cols["m_granularity"][i],
                date_start=cols["m_date_start"][i],
                date_end=cols["m_date_end"][i],
                participants=tuple([strings.setdefault(v, v) for v in cols["m_participants"][i]]),
                location=cols["m_location"][i],
                published=cols["m_published"][i],
            )
            if cols["plover"][i] is not None:
                codes[mid] = (cols["plover"][i], cols["cameo"][i])
        return mentions, codes, seq


def _rebuild(table: pa.Table, *, with_mentions: bool) -> _Rows:
    """Each cluster of ``table`` (its keys in their order), and its mentions' rows if asked.

    One pass over the rows with positional constructors: this runs on every
    keys row of the corpus, and a dict of fields per row cost as much as the
    clustering itself. A cluster's rows may come in any order (their
    ``position`` orders them); clusters come in the order of their first row.
    """
    strings: dict[str, str] = {}  # one object per distinct name: participants repeat a lot
    key_cols = [table.column(name).to_pylist() for name in _KEY_FIELDS]
    cids = table.column("cluster").to_pylist()
    positions = table.column("position").to_pylist()
    n_blocks = pc.list_value_length(table.column("blocks")).to_pylist()
    keys: list[Key] = []
    for fields in zip(*key_cols, strict=True):
        values = list(fields)
        values[_PARTICIPANTS] = frozenset([strings.setdefault(v, v) for v in values[_PARTICIPANTS]])
        values[_PERSONS] = frozenset([strings.setdefault(v, v) for v in values[_PERSONS]])
        keys.append(Key(*values))
    rows_of: dict[str, list[int]] = {}
    for i, cid in enumerate(cids):
        found = rows_of.get(cid)
        if found is None:
            rows_of[cid] = [i]
        else:
            found.append(i)
    m_cols = (
        {name: table.column(name).to_pylist() for name in _MENTION_FIELDS} if with_mentions else {}
    )
    out = _Rows([], [], [], {k.mention_id: i for i, k in enumerate(keys)}, m_cols, strings)
    for cid, rows in rows_of.items():
        if any(positions[a] > positions[b] for a, b in pairwise(rows)):
            rows.sort(key=positions.__getitem__)
        cluster = Cluster.of(keys[rows[0]])
        for i in rows[1:]:
            cluster.absorb(Cluster.of(keys[i]))
        out.ids.append(cid)
        out.clusters.append(cluster)
        out.n_blocks.append(n_blocks[rows[0]])
    return out


def place_block(block: str, table: pa.Table) -> pa.Table:
    """Stage 2 on all the rows of one block: each cluster's group there (PLACED_SCHEMA)."""
    rows = _rebuild(table, with_mentions=False)
    placed = cluster_block(rows.clusters, same_place)
    return pa.Table.from_pydict(
        {
            "cluster": rows.ids,
            "block": [block] * len(rows.ids),
            "group": [rows.ids[seed] for seed, _ in placed],
            "score": [score for _, score in placed],
            "n_blocks": rows.n_blocks,
        },
        schema=PLACED_SCHEMA,
    )


@dataclass(frozen=True)
class BlockGroups:
    """The events of some groups and each of their mentions' event id."""

    events: list[Event]
    seq: list[int]  # the mentions' seq ...
    mention_ids: list[str]
    event_ids: list[str]  # ... and their event's id

    def events_table(self) -> pa.Table:
        return tables.events_table(self.events)

    def assignments(self) -> pa.Table:
        return pa.table(
            {
                "seq": pa.array(self.seq, pa.int64()),
                "mention_id": pa.array(self.mention_ids, _STR),
                "event_id": pa.array(self.event_ids, _STR),
            }
        )


def _groups_events(rows: _Rows, groups: Iterable[list[Cluster]]) -> BlockGroups:
    """The events of some groups of ``rows``' clusters (a group's clusters in any order)."""
    grouped = []
    for found in groups:
        found.sort(key=order_key)
        grouped.append([k for c in found for k in c.keys])
    mentions, codes, seq = rows.mentions(k for keys in grouped for k in keys)
    events, assigned = build_events(grouped, mentions, codes)
    mids = list(assigned)
    return BlockGroups(events, [seq[m] for m in mids], mids, [assigned[m] for m in mids])


def block_events(
    table: pa.Table, placed: pa.Table | None, keeps: Callable[[str], bool] | None = None
) -> BlockGroups:
    """The event rows of one block's groups, or of undated clusters (``placed`` None).

    ``placed`` is :func:`place_block`'s result for ``table``; ``keeps(cluster)``
    says whether a cluster of several blocks kept this one (clusters of one
    block always do). Undated clusters are each an event of their own.
    """
    rows = _rebuild(table, with_mentions=True)
    members: dict[str, list[Cluster]] = defaultdict(list)
    if placed is None:
        for cid, c in zip(rows.ids, rows.clusters, strict=True):
            members[cid].append(c)
    else:
        clusters, groups = placed.column("cluster").to_pylist(), placed.column("group").to_pylist()
        group_of = dict(zip(clusters, groups, strict=True))
        for cid, c, n in zip(rows.ids, rows.clusters, rows.n_blocks, strict=True):
            if n == 1 or (keeps is not None and keeps(cid)):
                members[group_of[cid]].append(c)
    return _groups_events(rows, members.values())


@dataclass(frozen=True)
class Spanning:
    """A cluster of several blocks as one block placed it: its join score there."""

    cluster: str
    score: int
    n_blocks: int


@dataclass
class OpenGroups:
    """A block's groups that hold a cluster of several blocks, waiting for its choice.

    Each group is a list of ``(cluster id, blocks of the cluster, cluster)``;
    :meth:`finish` drops the clusters that stay elsewhere and makes the events.
    """

    rows: _Rows
    groups: list[list[tuple[str, int, Cluster]]]

    def finish(self, keeps: Callable[[str], bool]) -> BlockGroups:
        """The events of these groups; ``keeps(cluster)`` as for :func:`block_events`."""
        kept = ([c for cid, n, c in g if n == 1 or keeps(cid)] for g in self.groups)
        return _groups_events(self.rows, [g for g in kept if g])


def settle_block(table: pa.Table) -> tuple[BlockGroups, list[Spanning], OpenGroups | None]:
    """:func:`place_block` and :func:`block_events` on one block, rebuilding it once.

    The groups made only of clusters of this one block are final at once: their
    events come back first. Those holding a cluster of several blocks wait for
    the other blocks' scores (:func:`~timeline.dedup.better_block`): they come
    back as :class:`OpenGroups`, with each such cluster's score here. The events
    of both, once finished, are those of :func:`block_events`.
    """
    rows = _rebuild(table, with_mentions=True)
    placed = cluster_block(rows.clusters, same_place)
    by_seed: dict[int, list[int]] = defaultdict(list)
    for i, (seed, _) in enumerate(placed):
        by_seed[seed].append(i)
    spanning = [
        Spanning(rows.ids[i], score, rows.n_blocks[i])
        for i, (_, score) in enumerate(placed)
        if rows.n_blocks[i] > 1
    ]
    settled: list[list[Cluster]] = []
    waiting: list[list[tuple[str, int, Cluster]]] = []
    for members in by_seed.values():
        if all(rows.n_blocks[i] == 1 for i in members):
            settled.append([rows.clusters[i] for i in members])
        else:
            waiting.append([(rows.ids[i], rows.n_blocks[i], rows.clusters[i]) for i in members])
    held = OpenGroups(rows, waiting) if waiting else None
    return _groups_events(rows, settled), spanning, held


def event_bucket(events: pa.Table) -> pa.Array:
    """Where each event row goes for sorting the table in pieces.

    The events table is sorted by date (undated last), type and id; a bucket
    holds the rows of one month (``d-2021-06``), or undated rows of one type
    and the first hex digit of the id (``u.MEET.3``). Buckets sort in the table's order, so the
    table is the buckets in order, each sorted in memory.
    """
    start = events.column("date_start")
    year = pc.utf8_lpad(pc.cast(pc.year(start), _STR), 4, "0")
    month = pc.utf8_lpad(pc.cast(pc.month(start), _STR), 2, "0")
    month = pc.binary_join_element_wise("d", year, month, "-")
    prefix = pc.utf8_slice_codeunits(events.column("event_id"), 3, 4)
    undated = pc.binary_join_element_wise("u", events.column("event_type"), prefix, ".")
    return pc.if_else(pc.is_null(start), undated, month)


def sort_events(events: pa.Table) -> pa.Table:
    """Rows in the events table's order (as ``build_events`` sorts them)."""
    # nulls (undated rows) last, as build_events sorts them
    order = [(c, "ascending", "at_end") for c in ("date_start", "event_type", "event_id")]
    return events.sort_by(order)
