"""The local engine's block-wise deduplication, block by block in worker processes.

Blocks (event type × quarter, see :mod:`timeline.blocks`) are read from the
keys spill (:mod:`timeline.spill`) in name order. Each goes to a worker, which
rebuilds it once as Python objects, clusters it and makes the events of every
group that holds only clusters of this one block (most of them): those rows
come straight back, with the join score of each cluster of several blocks.
The groups holding such a cluster stay in that worker's memory until the
parent, which sees every block's scores, knows where each of their clusters
stays (:func:`~timeline.dedup.better_block`): it then sends the worker the
clusters that kept the block, and the worker makes those events too.

A cluster's blocks are consecutive in name order, so a block's choices are
known once the few blocks after it are placed: the open groups of that window
of blocks are all that is held (``RunSummary.largest_window`` keys rows),
never the corpus.

Why one single-process pool per worker rather than one pool of many: a
block's second task must reach the process holding its open groups, and a
shared pool hands tasks to any process. With ``workers=1`` everything runs in
the calling process, in the same order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from timeline import tables
from timeline.blocks import BlockGroups, OpenGroups, event_bucket, settle_block
from timeline.collector import collector_paused
from timeline.dedup import better_block
from timeline.spill import Piece, read_piece

__all__ = [
    "ASSIGNED_SCHEMA",
    "BUCKETED_EVENTS_SCHEMA",
    "PART",
    "Stats",
    "Workers",
    "deduplicate",
    "with_bucket",
    "workers",
]

PART = 65_536
"""Mentions per piece of the event-id lookup (and per row group of the mentions file)."""

_STR = pa.string()
BUCKETED_EVENTS_SCHEMA = tables.EVENTS_SCHEMA.append(pa.field("bucket", _STR))
"""Events with the piece of the events table they sort into (``blocks.event_bucket``)."""
ASSIGNED_SCHEMA = pa.schema(
    [("seq", pa.int64()), ("mention_id", _STR), ("event_id", _STR), ("part", pa.int64())]
)
"""Each occurred mention's event id, with its piece of the mentions (``seq // PART``)."""

Emit = Callable[[pa.Table, pa.Table], None]


def with_bucket(events: pa.Table) -> pa.Table:
    """``events`` (EVENTS_SCHEMA) with the bucket they sort in."""
    return events.append_column("bucket", event_bucket(events))


def _tables(groups: list[BlockGroups]) -> tuple[pa.Table, pa.Table]:
    """Events with their bucket, and event ids with their part: what the spills take.

    One table for all the blocks of a task: a table per block cost more than
    its rows (most blocks make a few events).
    """
    joined = BlockGroups(
        [e for g in groups for e in g.events],
        [s for g in groups for s in g.seq],
        [m for g in groups for m in g.mention_ids],
        [e for g in groups for e in g.event_ids],
    )
    pairs = joined.assignments()
    part = pc.divide(pairs.column("seq"), pa.scalar(PART, pa.int64()))
    return with_bucket(joined.events_table()), pairs.append_column("part", part)


# -- the worker side -------------------------------------------------------------------

_HELD: dict[str, OpenGroups] = {}  # this process's open groups, by block


@dataclass(frozen=True)
class _Settled:
    """What a worker sends back for some consecutive blocks."""

    events: pa.Table
    assigned: pa.Table
    # per block: (name, keys rows, [(cluster, score here, its blocks), ...])
    blocks: list[tuple[str, int, list[tuple[str, int, int]]]]


def _settle(pieces: list[Piece]) -> _Settled:
    out: list[BlockGroups] = []
    blocks = []
    with collector_paused():
        for piece in pieces:
            table = read_piece(piece)
            groups, spanning, held = settle_block(table)
            if held is not None:
                _HELD[piece.value] = held
            out.append(groups)
            blocks.append(
                (piece.value, table.num_rows, [(s.cluster, s.score, s.n_blocks) for s in spanning])
            )
        return _Settled(*_tables(out), blocks)


def _finish(kept: list[tuple[str, frozenset[str]]]) -> tuple[pa.Table, pa.Table]:
    with collector_paused():
        return _tables([_HELD.pop(block).finish(ids.__contains__) for block, ids in kept])


# -- the parent side -------------------------------------------------------------------


class _Result(Protocol):
    def get(self) -> Any: ...
    def ready(self) -> bool: ...


class _Done:
    """A task run at once in this process (``workers=1``)."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def get(self) -> Any:
        return self._value

    def ready(self) -> bool:
        return True


class Workers:
    """``n`` single-process pools; ``submit(i, ...)`` runs a task in the i-th process."""

    def __init__(self, n: int) -> None:
        self.n = n
        # the platform's default start method, as for extraction: fork shares the
        # loaded gazetteers (same_place) copy-on-write
        self._pools = [get_context().Pool(1) for _ in range(n)] if n > 1 else []

    def submit(self, i: int, fn: Callable[..., Any], *args: Any) -> _Result:
        if not self._pools:
            return _Done(fn(*args))
        return self._pools[i].apply_async(fn, args)

    def close(self) -> None:
        for pool in self._pools:
            pool.close()
        for pool in self._pools:
            pool.join()

    def terminate(self) -> None:
        for pool in self._pools:
            pool.terminate()
        for pool in self._pools:
            pool.join()


@contextmanager
def workers(n: int) -> Iterator[Workers]:
    """``n`` worker processes for :func:`deduplicate` (none for ``n == 1``).

    Made before extraction, the engine forks them while it is small: a process
    forked later starts with the parent's whole resident set (shared, but
    counted in its RSS).
    """
    pool = Workers(n)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        _HELD.clear()  # workers=1: open groups of a failed run


@dataclass
class _Choice:
    """A cluster of several blocks: the best block so far, and how many were seen."""

    score: int
    block: str
    seen: int
    n: int
    finished: int = 0


@dataclass
class _Block:
    name: str
    worker: int
    rows: int
    spanning: list[str] = field(default_factory=list)


@dataclass
class Stats:
    """What :func:`deduplicate` saw: blocks, and keys rows (largest block, most held)."""

    blocks: int = 0
    largest_block: int = 0
    largest_window: int = 0


_TASK_ROWS = 2_048  # keys rows per task at least: most blocks are tiny, a task costs ~1 ms
_AHEAD = 4  # tasks per worker in flight: each stays busy while the parent chooses


def block_tasks(pieces: list[Piece]) -> Iterator[list[Piece]]:
    """Consecutive blocks in tasks of at least ``_TASK_ROWS`` keys rows (every engine's)."""
    task: list[Piece] = []
    rows = 0
    for piece in pieces:
        task.append(piece)
        rows += piece.rows
        if rows >= _TASK_ROWS:
            yield task
            task, rows = [], 0
    if task:
        yield task


def deduplicate(pieces: list[Piece], emit: Emit, processes: int | Workers) -> Stats:
    """Deduplicate the blocks of ``pieces`` (in name order) in worker processes.

    ``processes`` is a number of processes (started and stopped here) or
    :func:`workers` already started. ``emit(events, assigned)`` receives the
    events (BUCKETED_EVENTS_SCHEMA) and event ids (ASSIGNED_SCHEMA) as they
    are made, in no particular order.
    """
    if isinstance(processes, int):
        with workers(processes) as pool:
            return deduplicate(pieces, emit, pool)
    pool = processes
    stats = Stats()
    load = [0] * pool.n  # keys rows sent to each worker and not yet back
    choices: dict[str, _Choice] = {}
    window: deque[_Block] = deque()
    placing: deque[tuple[int, int, _Result]] = deque()  # (worker, rows, result)
    finishing: deque[_Result] = deque()

    def placed(worker: int, rows: int, result: _Result) -> None:
        got: _Settled = result.get()
        load[worker] -= rows
        emit(got.events, got.assigned)
        kept: dict[int, list[tuple[str, frozenset[str]]]] = {}
        for name, n_rows, spanning in got.blocks:
            block = _Block(name, worker, n_rows)
            for cid, score, n in spanning:
                block.spanning.append(cid)
                found = choices.get(cid)
                if found is None:
                    choices[cid] = _Choice(score, name, 1, n)
                else:
                    found.seen += 1
                    if better_block((score, name), (found.score, found.block)):
                        found.score, found.block = score, name
            window.append(block)
            stats.blocks += 1
            stats.largest_block = max(stats.largest_block, n_rows)
            stats.largest_window = max(stats.largest_window, sum(b.rows for b in window))
            while window and all(choices[c].seen == choices[c].n for c in window[0].spanning):
                head = window.popleft()
                if head.spanning:  # its open groups wait in its worker
                    ids = frozenset(c for c in head.spanning if choices[c].block == head.name)
                    kept.setdefault(head.worker, []).append((head.name, ids))
                for cid in head.spanning:
                    found = choices[cid]
                    found.finished += 1
                    if found.finished == found.n:
                        del choices[cid]
        for target, blocks in kept.items():
            finishing.append(pool.submit(target, _finish, blocks))

    with collector_paused():
        for task in block_tasks(pieces):
            worker = min(range(len(load)), key=load.__getitem__)
            rows = sum(p.rows for p in task)
            load[worker] += rows
            placing.append((worker, rows, pool.submit(worker, _settle, task)))
            while len(placing) > _AHEAD * len(load):
                placed(*placing.popleft())
            while finishing and finishing[0].ready():
                emit(*finishing.popleft().get())
        while placing:
            placed(*placing.popleft())
        if window:  # every block of a cluster has been read: cannot happen
            raise RuntimeError(f"deduplication left block {window[0].name} unfinished")
        while finishing:
            emit(*finishing.popleft().get())
    return stats
