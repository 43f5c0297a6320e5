"""Block-wise deduplication: in memory, spilled or shuffled, the same events.

``dedup.deduplicate`` runs the block-wise algorithm in memory; the engines run
its steps (``timeline.blocks``) on Arrow tables, one block at a time, in
whatever order blocks arrive. Here the steps run block by block in random
orders, as a cluster of machines would, on hypothesis-generated keys, and must
give exactly the in-memory events and event ids.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import blocks, dedup_pool, spill
from timeline.dedup import (
    GRANULARITY_RANK,
    Key,
    better_block,
    block_names,
    deduplicate,
    local_clusters,
)
from timeline.events.arguments import same_place
from timeline.events.rows import build_events
from timeline.model import Mention

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PARTIES = ["usa", "iran", "israel", "egypt"]
PERSONS = ["blinken", "lavrov", "zarif"]
PLACES = ["cairo", "tehran", None]
FIRST = date(2021, 2, 20)  # dates reach over the quarters of 2021


@st.composite
def _date(draw) -> tuple[date | None, date | None, str | None]:
    kind = draw(st.sampled_from(["day", "day", "week", "month", "quarter", "year", "ref", None]))
    day = FIRST + timedelta(days=draw(st.integers(0, 300)))
    if kind == "day":
        return day, day, "day"
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6), "week"
    if kind == "month":
        first = day.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1), "month"
    if kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return first, (first + timedelta(days=95)).replace(day=1) - timedelta(days=1), "quarter"
    if kind == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31), "year"
    if kind == "ref":  # "recently": open towards the past
        return None, day, "ref"
    return None, None, None


@st.composite
def corpora(draw) -> list[Key]:
    keys: list[Key] = []
    for a in range(draw(st.integers(1, 10))):
        published = FIRST + timedelta(days=draw(st.integers(0, 320)))
        for order in range(draw(st.integers(1, 5))):
            start, end, granularity = draw(_date())
            persons = frozenset(draw(st.sets(st.sampled_from(PERSONS), max_size=2)))
            parties = frozenset(draw(st.sets(st.sampled_from(PARTIES), max_size=3)))
            keys.append(
                Key(
                    mention_id=f"a{a}/m{order}",
                    article_id=f"a{a}",
                    order=order,
                    event_type=draw(st.sampled_from(["MEET", "ATTACK"])),
                    start=start,
                    end=end,
                    granularity=granularity,
                    participants=persons | parties,
                    persons=persons,
                    location=draw(st.sampled_from(PLACES)),
                    published=published,
                    sentence=draw(st.integers(0, 3)),
                    token=draw(st.integers(0, 40)),
                    noun=draw(st.booleans()),
                    distinct=draw(st.integers(0, 9)) == 0,
                    link=draw(st.one_of(st.none(), st.integers(0, order))) if order else None,
                )
            )
    return keys


def _mentions(keys: list[Key]) -> dict[str, Mention]:
    return {
        k.mention_id: Mention(
            mention_id=k.mention_id,
            article_id=k.article_id,
            event_type=k.event_type,
            status="occurred",
            trigger="",
            start=0,
            end=0,
            sentence=f"sentence of {k.mention_id}",
            date_value=None if k.end is None else k.end.isoformat(),
            granularity=k.granularity,
            date_start=k.start,
            date_end=k.end,
            participants=tuple(sorted(k.participants)),
            location=k.location,
            published=k.published,
        )
        for k in keys
    }


def _codes(keys: list[Key]) -> dict[str, tuple[str, str]]:
    return {k.mention_id: ("CONSULT", "040") for k in keys if k.order % 2 == 0}


def _in_memory(keys: list[Key]) -> tuple[pa.Table, dict[str, str]]:
    events, assigned = build_events(deduplicate(keys, same_place), _mentions(keys), _codes(keys))
    return blocks.BlockGroups(events, [], [], []).events_table(), assigned


def _shuffled(keys: list[Key], rng: random.Random) -> tuple[pa.Table, dict[str, str]]:
    """The steps of timeline.blocks, each article and each block on its own, in any order."""
    mentions, codes = _mentions(keys), _codes(keys)
    rows = {k.mention_id: i for i, k in enumerate(keys)}
    articles = sorted({k.article_id for k in keys})
    rng.shuffle(articles)  # "partitions" of articles, processed anywhere
    tables = [
        blocks.keys_table([k for k in keys if k.article_id == a], mentions, codes, rows)
        for a in articles
    ]
    blocked, undated = zip(*map(blocks.split_by_block, tables), strict=True)
    by_block = pa.concat_tables(blocked)
    names = sorted(set(by_block.column("block").to_pylist()))
    rng.shuffle(names)  # the shuffle delivers blocks in no particular order
    placed = {}
    for name in names:
        rows_of_block = by_block.filter(pa.compute.equal(by_block.column("block"), name))
        placed[name] = (rows_of_block, blocks.place_block(name, rows_of_block))
    best: dict[str, tuple[int, str]] = {}
    for name in names:
        p = placed[name][1].to_pylist()
        rng.shuffle(p)
        for row in p:
            found = best.get(row["cluster"])
            if found is None or better_block((row["score"], name), found):
                best[row["cluster"]] = (row["score"], name)
    results = [blocks.block_events(t, None) for t in undated]
    for name in names:
        table, p = placed[name]
        results.append(blocks.block_events(table, p, lambda c, name=name: best[c][1] == name))
    events = blocks.sort_events(pa.concat_tables([r.events_table() for r in results]))
    assigned = {m: e for r in results for m, e in zip(r.mention_ids, r.event_ids, strict=True)}
    return events, assigned


@SETTINGS
@given(corpora(), st.randoms(use_true_random=False))
def test_any_order_of_articles_and_blocks_gives_the_in_memory_events(keys, rng):
    expected_events, expected_ids = _in_memory(keys)
    events, assigned = _shuffled(keys, rng)
    assert events.equals(expected_events)
    assert assigned == expected_ids


@SETTINGS
@given(corpora())
def test_groups_are_a_partition_with_one_date_and_one_cluster_per_article(keys):
    groups = deduplicate(keys, same_place)
    ids = [k.mention_id for g in groups for k in g]
    assert sorted(ids) == sorted(k.mention_id for k in keys)  # every mention exactly once
    cluster_of = {
        k.mention_id: i for i, c in enumerate(local_clusters(keys, same_place)) for k in c.keys
    }
    for group in groups:
        clusters = {cluster_of[k.mention_id] for k in group}
        articles = {k.article_id for k in group}
        # an article's own clusters are never split, and never joined across articles
        assert len(clusters) == len(articles)
        if len(clusters) > 1:  # joined across articles: the dates share a day
            latest_start = max((k.start for k in group if k.start), default=None)
            earliest_end = min((k.end for k in group if k.end), default=None)
            if latest_start and earliest_end:
                assert latest_start <= earliest_end


def _key(mid, *, start, end, gran, persons=(), parties=(), where=None, published=None):
    article = mid.split("/")[0]
    return Key(
        mention_id=mid,
        article_id=article,
        order=0,
        event_type="MEET",
        start=start,
        end=end,
        granularity=gran,
        participants=frozenset(persons) | frozenset(parties),
        persons=frozenset(persons),
        location=where,
        published=published or end,
        sentence=0,
    )


def test_a_vague_date_over_two_quarters_joins_its_best_match_only():
    """ "Recently" reaches back from July into June: it is clustered in both quarters
    and stays where it matched best; the two meetings it matched stay apart."""
    june = _key("a/m", start=date(2021, 6, 28), end=date(2021, 6, 28), gran="day",
                persons={"blinken"}, where="cairo")  # fmt: skip
    july = _key("b/m", start=date(2021, 7, 2), end=date(2021, 7, 2), gran="day",
                persons={"blinken"}, parties={"egypt"}, where="cairo")  # fmt: skip
    recently = _key("c/m", start=None, end=date(2021, 7, 5), gran="ref",
                    persons={"blinken"}, parties={"egypt"}, where="cairo")  # fmt: skip
    (cluster,) = local_clusters([recently])
    assert block_names(cluster) == ["MEET.2021Q2", "MEET.2021Q3"]
    groups = sorted(sorted(k.mention_id for k in g) for g in deduplicate([june, july, recently]))
    assert groups == [["a/m"], ["b/m", "c/m"]]  # two shared names beat one
    assert GRANULARITY_RANK["ref"] > GRANULARITY_RANK["day"]


def test_blocks_are_type_and_quarter_undated_has_none():
    day = _key("a/m", start=date(2021, 3, 31), end=date(2021, 3, 31), gran="day")
    week = _key("b/m", start=date(2021, 3, 29), end=date(2021, 4, 4), gran="week")
    undated = _key("c/m", start=None, end=None, gran=None, published=date(2021, 4, 1))
    names = [block_names(c) for c in local_clusters([day, week, undated])]
    assert names == [["MEET.2021Q1"], ["MEET.2021Q1", "MEET.2021Q2"], []]


def _pooled(keys: list[Key], workers: int) -> tuple[pa.Table, dict[str, str]]:
    """The local engine's steps: keys spilled in many small runs, blocks in the pool."""
    mentions, codes = _mentions(keys), _codes(keys)
    rows = {k.mention_id: i for i, k in enumerate(keys)}
    dated, undated = blocks.split_by_block(blocks.keys_table(keys, mentions, codes, rows))
    found: list[pa.Table] = []
    ids: list[pa.Table] = []
    with tempfile.TemporaryDirectory() as folder:
        keys_spill = spill.Spill(Path(folder), blocks.BLOCKED_SCHEMA, "block", budget=1)
        for start in range(0, dated.num_rows, 5):  # a run every few rows
            keys_spill.write(dated.slice(start, 5))
        try:
            dedup_pool.deduplicate(
                keys_spill.pieces(), lambda e, a: (found.append(e), ids.append(a)), workers
            )
        finally:
            spill.close_readers(Path(folder))
    alone = blocks.block_events(undated, None)
    tables = [t.drop_columns(["bucket"]) for t in found] + [alone.events_table()]
    events = blocks.sort_events(pa.concat_tables(tables))
    assigned = dict(zip(alone.mention_ids, alone.event_ids, strict=True))
    for t in ids:
        assigned.update(zip(t["mention_id"].to_pylist(), t["event_id"].to_pylist(), strict=True))
    return events, assigned


@SETTINGS
@given(corpora())
def test_blocks_spilled_and_deduplicated_in_this_process_give_the_in_memory_events(keys):
    expected_events, expected_ids = _in_memory(keys)
    events, assigned = _pooled(keys, workers=1)
    assert events.equals(expected_events)
    assert assigned == expected_ids


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_blocks_deduplicated_in_two_worker_processes_give_the_in_memory_events(keys):
    """A task per block, so that blocks, and the groups they hold, alternate between workers."""
    expected_events, expected_ids = _in_memory(keys)
    saved = dedup_pool._TASK_ROWS
    dedup_pool._TASK_ROWS = 1
    try:
        events, assigned = _pooled(keys, workers=2)
    finally:
        dedup_pool._TASK_ROWS = saved
    assert events.equals(expected_events)
    assert assigned == expected_ids
