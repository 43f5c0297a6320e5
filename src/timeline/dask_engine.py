"""The pipeline on a Dask cluster: partitions in, partitioned Parquet out.

Needs the optional extra (``pip install 'timeline[dask]'``); importing this
module does not import Dask, calling :func:`run` does, and says how to
install it when it is missing.

Steps (each a set of independent tasks; no step needs all mentions on one
machine):

1. **extract**: each input partition is checked (the corpus rules, with the
   line numbers and duplicate ids of the whole input) and processed by
   :func:`timeline.engine.process_chunk`, the local engine's plain function.
   A task writes its time expressions and article report rows straight to the
   output, its mentions to a staging folder, and its dedup keys (clustered
   within their article) to one staging file sorted by block (event type,
   quarter), whose index of blocks goes back to the client: the map side of
   the shuffle (:func:`_split`);
2. **place**: a task holds consecutive blocks (at least 2,048 keys rows, as in
   the local engine), reads each block's keys from every partition's file and
   clusters them (:func:`timeline.blocks.place_block`); the placements of
   clusters of several blocks are shuffled again, by cluster;
3. **choose**: one task per piece of those decides where each such cluster
   stays (:func:`timeline.dedup.better_block`);
4. **events**: tasks of blocks write their events and each mention's event
   id (a block without clusters of several blocks did so in step 2; undated
   clusters never merge across articles: their events were made and written
   in step 1);
5. **mentions**: one task per partition adds the event ids to its mentions.

Every task reads and writes its files in ``out``, so ``out`` must be a folder
every worker can reach (the local disk for a ``LocalCluster``; a shared or
mounted file system on a cluster). The four tables are written as Hive-style
partitioned datasets, ``out/<table>/year=YYYY/month=M/part-*.parquet``: by
publication date for ``timexes``, ``mentions`` and ``articles``, by event date
(``date_start``) for ``events``; rows without such a date go under
``year=__HIVE_DEFAULT_PARTITION__``. The files have exactly the columns of the
single files (OUTPUT.md); :func:`read_table` reads a table back as the local
engine's file.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from timeline import tables
from timeline.backends import get_backend
from timeline.blocks import (
    KEYS_SCHEMA,
    BlockGroups,
    block_events,
    place_block,
    sort_events,
    split_by_block,
)
from timeline.corpus import Record, check_record, read_corpus
from timeline.dedup import better_block
from timeline.dedup_pool import block_tasks
from timeline.engine import OUTPUTS, RunSummary
from timeline.idset import IdSet, digests
from timeline.spill import Piece, Readers, Spill

if TYPE_CHECKING:
    import dask.dataframe as dd
    from distributed import Client

    from timeline.pipeline import Result

__all__ = ["PARTITION_SIZE", "extract", "read_table", "require_dask", "run", "sort_like_dataset"]

PARTITION_SIZE = 512
"""Records per extraction task when reading a corpus folder or file."""

INSTALL_HINT = "the Dask engine needs the dask extra: pip install 'timeline[dask]'"

_MAX_PIECES = 256  # the clusters of several blocks are shuffled into a piece per task
_ONE_RUN = 1 << 62  # a task's shuffle output is one run: never spilled part-way
_ROW_BITS = 32  # a mention's seq: partition << 32 | its row in the partition
_DATAFRAME = "<DataFrame>"  # as timeline.api reports DataFrame records
_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def require_dask() -> None:
    """Raise ImportError with the install hint when the dask extra is missing."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{INSTALL_HINT} ({exc})") from exc


# -- the client side -------------------------------------------------------------------


def run(
    source: str | os.PathLike[str] | dd.DataFrame,
    out: str | os.PathLike[str],
    *,
    scheduler: str | None = None,
    client: Client | None = None,
    now: date | None = None,
    backend: str = "rules",
    partition_size: int = PARTITION_SIZE,
    workers: int | None = None,
) -> RunSummary:
    """Run the pipeline on a Dask cluster and write the four tables into ``out``.

    ``source`` is a corpus folder or file (read by this process, in partitions
    of ``partition_size`` records sent to the workers), a folder of a
    partitioned Parquet dataset with the input columns (read by the workers), or
    a Dask DataFrame with the input columns (``id``, ``published``, ``text``,
    ...; reported like a pandas DataFrame: ``source_file`` ``<DataFrame>``,
    ``line`` the row's position). The cluster is ``client``, else the scheduler
    at ``scheduler`` (``tcp://host:8786``), else a new ``LocalCluster`` on this
    machine (``workers`` processes, default one per core), closed at the end.

    The rows, ids and metadata equal the local engine's on the same input; the
    tables are partitioned datasets (module docstring). Each of the four table
    folders in ``out`` is replaced at the end, after all are complete.
    """
    require_dask()
    if partition_size < 1:
        raise ValueError(f"partition_size must be at least 1, got {partition_size}")
    backend_name = get_backend(backend).name
    folder = Path(out)
    run_info = {"input": _label(source)}
    if now is not None:
        run_info["now"] = now.isoformat()
    run_info["backend"] = backend_name
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / f".dask.{secrets.token_hex(8)}.tmp"
    work.mkdir()
    try:
        with _connect(client, scheduler, workers) as c:
            summary = _run(c, source, work, now, backend, partition_size, run_info)
        _replace(work, folder, summary)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def extract(
    frame: dd.DataFrame,
    *,
    now: date | None = None,
    backend: str = "rules",
    client: Client | None = None,
    scheduler: str | None = None,
) -> Result:
    """:func:`timeline.extract` for a Dask DataFrame: the four tables as pandas frames.

    Runs :func:`run` into a temporary folder and reads the tables back
    (:func:`read_table`), so the result must fit in this process's memory; for
    archives that do not, call :func:`run` and query the partitioned output.
    """
    from timeline.pipeline import Result

    with tempfile.TemporaryDirectory(prefix="timeline-dask-") as folder:
        run(frame, folder, now=now, backend=backend, client=client, scheduler=scheduler)
        frames = {name: read_table(folder, name) for name in OUTPUTS}
        meta = pq.read_schema(Path(folder) / "events" / "_common_metadata").metadata or {}
    prefix = f"{tables.METADATA_PREFIX}run."
    run_info = {
        k.decode()[len(prefix) :]: v.decode()
        for k, v in meta.items()
        if k.decode().startswith(prefix)
    }
    return Result(run_info=run_info, **frames)


def _label(source: Any) -> str:
    return _DATAFRAME if is_dask_frame(source) else str(source)


def is_dask_frame(source: Any) -> bool:
    """Whether ``source`` is a Dask DataFrame (without importing Dask)."""
    return type(source).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(
        source, "to_delayed"
    )


@contextmanager
def _connect(
    client: Client | None, scheduler: str | None, workers: int | None = None
) -> Iterator[Client]:
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if scheduler is not None:
        with Client(scheduler) as c:
            yield c
        return
    try:  # a Client the caller made (a notebook's Client()) is the current one
        from distributed import default_client

        yield default_client()
        return
    except ValueError:
        pass
    # one single-threaded process per core: the pipeline is pure Python (the GIL)
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _run(
    client: Client,
    source: Any,
    work: Path,
    now: date | None,
    backend: str,
    partition_size: int,
    run_info: dict[str, str],
) -> RunSummary:
    from distributed import as_completed

    summary = RunSummary(paths={}, workers=len(client.nthreads()))
    staging = work / "staging"
    started = time.perf_counter()
    stats = []
    for futures in _extraction(client, source, now, backend, partition_size, staging, work):
        stats.extend(f.result() for f in as_completed(futures))
    for s in stats:
        summary.records += s["records"]
        summary.articles_ok += s["ok"]
        summary.timexes += s["timexes"]
        summary.mentions += s["mentions"]
        summary.occurred += s["occurred"]
    summary.chunks = len(stats)
    summary.seconds["extract"] = time.perf_counter() - started

    started = time.perf_counter()
    stats.sort(key=lambda s: s["part"])  # a block's rows in input order, as in the local engine
    blocks = _merge(s["blocks"] for s in stats)
    summary.blocks = len(blocks)
    # a task holds consecutive blocks (most are tiny; a task costs a few ms)
    tasks = list(block_tasks(list(blocks.values())))
    pieces = max(1, min(_MAX_PIECES, len(tasks)))
    placed: list[_Placed] = client.gather(
        client.map(_place, tasks, pieces=pieces, staging=staging, out=work, key="timeline-place")
    )
    summary.largest_block = max((n for p in placed for n in p.rows), default=0)
    chosen = _merge(
        client.gather(
            client.map(
                _choose,
                list(_merge(p.spanning for p in placed).values()),
                staging=staging,
                key="timeline-choose",
            )
        )
    )
    placements = _merge(p.placed for p in placed)
    waiting = [
        (block, placements[block.value], chosen.get(block.value))
        for p in placed
        for block in p.waiting
    ]
    made = client.gather(
        client.map(
            _block_events,
            list(_batches(waiting, len(tasks))),
            staging=staging,
            out=work,
            key="timeline-events",
        )
    )
    summary.events = sum(p.events for p in placed) + sum(n for n, _ in made)
    summary.events += sum(s["undated_events"] for s in stats)
    assigned = _merge([*(p.assigned for p in placed), *(pairs for _, pairs in made)])
    summary.seconds["dedup"] = time.perf_counter() - started

    started = time.perf_counter()
    parts = [s["part"] for s in stats]
    client.gather(
        client.map(
            _mentions,
            parts,
            [assigned.get(part) for part in parts],
            staging=staging,
            out=work,
            key="timeline-mentions",
        )
    )
    shutil.rmtree(staging, ignore_errors=True)
    for name in OUTPUTS:
        _metadata_file(work / name, name, run_info)
    summary.seconds["write"] = time.perf_counter() - started
    return summary


def _extraction(
    client: Client,
    source: Any,
    now: date | None,
    backend: str,
    partition_size: int,
    staging: Path,
    work: Path,
) -> Iterator[list]:
    """Submit the extraction tasks; yields lists of futures to wait for."""
    import dask

    frame = _as_frame(source)
    if frame is None:  # a corpus read here: a bounded number of partitions in flight
        from distributed import wait

        limit = 2 * max(1, len(client.nthreads()))
        pending: list = []
        records = read_corpus(source, now=now)
        for index, chunk in enumerate(_chunks(records, partition_size)):
            # a key of this run's own: the scheduler may still hold an earlier run's
            future = client.submit(
                _extract, chunk, index, staging, work, backend, key=f"extract-{work.name}-{index}"
            )
            pending.append(future)
            if len(pending) >= limit:
                done, rest = wait(pending, return_when="FIRST_COMPLETED")
                yield list(done)
                pending = list(rest)
        yield pending
        return
    parts = frame.to_delayed()
    claims = dask.compute(*(dask.delayed(_claims)(p, now) for p in parts))
    offsets, repeated = _offsets_and_repeats(claims)
    tasks = [
        dask.delayed(_extract_frame)(
            p, i, offsets[i], _taken_before(repeated, i), now, staging, work, backend
        )
        for i, p in enumerate(parts)
    ]
    yield client.compute(tasks)


def _as_frame(source: Any) -> dd.DataFrame | None:
    """A Dask DataFrame for ``source``, or None for a corpus read by ``read_corpus``."""
    if is_dask_frame(source):
        return source
    path = Path(source)
    # only sub-folders (year=2021/...) with Parquet files: a partitioned dataset
    top = [p for p in path.iterdir() if not p.name.startswith(".")] if path.is_dir() else []
    if top and all(p.is_dir() for p in top) and any(path.rglob("*.parquet")):
        import dask.dataframe as dd

        return dd.read_parquet(path)
    return None


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _offsets_and_repeats(
    claims: Sequence[tuple[int, np.ndarray]],
) -> tuple[list[int], np.ndarray]:
    """Each partition's first row number, and the ids claimed by several partitions.

    The ids travel as 128-bit digests (:mod:`timeline.idset`): 16 bytes an id on
    this client, whatever the ids. ``repeated`` holds, for each id claimed by more
    than one partition, its digest's two halves and the first claiming partition.
    """
    offsets = [0, *accumulate(length for length, _ in claims)][:-1]
    keys = np.concatenate([d for _, d in claims] or [np.empty((0, 2), np.uint64)])
    part = np.repeat(np.arange(len(claims)), [len(d) for _, d in claims])
    order = np.lexsort((part, keys[:, 1], keys[:, 0]))
    keys, part = keys[order], part[order]
    same = np.all(keys[1:] == keys[:-1], axis=1)  # this row repeats the one before
    firsts = np.flatnonzero(~np.concatenate([[False], same]) & np.concatenate([same, [False]]))
    repeated = np.column_stack([keys[firsts], part[firsts].astype(np.uint64)])
    return offsets, repeated


def _taken_before(repeated: np.ndarray, index: int) -> np.ndarray:
    """The digests of repeated ids first claimed by a partition before ``index``."""
    return repeated[repeated[:, 2] < index, :2]


# -- the tasks (plain functions, run on the workers) -----------------------------------

_loaded: str | None = None  # the backend this worker process has loaded


def _load(backend: str) -> None:
    global _loaded
    if _loaded != backend:
        from timeline.engine import _init_worker

        _init_worker(backend)
        _loaded = backend


def _frame_records(frame: pd.DataFrame, offset: int, seen: set[str] | IdSet, now: date | None):
    from timeline.api import _frame_rows

    for i, row in enumerate(_frame_rows(frame)):
        yield check_record(row, _DATAFRAME, offset + i, seen, now)


def _claims(frame: pd.DataFrame, now: date | None) -> tuple[int, np.ndarray]:
    """A partition's length and the digests of the ids its usable records claim."""
    seen: set[str] = set()
    ids = [s.article_id for _, s in _frame_records(frame, 0, seen, now) if s.status == "ok"]
    return len(frame), digests(ids)


def _extract_frame(
    frame: pd.DataFrame,
    index: int,
    offset: int,
    taken: np.ndarray,
    now: date | None,
    staging: Path,
    out: Path,
    backend: str,
) -> dict[str, Any]:
    records = list(_frame_records(frame, offset, IdSet(known=taken), now))
    return _extract(records, index, staging, out, backend)


def _extract(
    records: list[Record], index: int, staging: Path, out: Path, backend: str
) -> dict[str, Any]:
    """Extraction of one partition with the local engine's plain function."""
    from timeline.engine import process_chunk

    _load(backend)
    result = process_chunk(records)
    name = f"part-{index:06d}"
    _write_by_month(result.timexes, out / "timexes", name, _published_of(result, "timexes"))
    _write_by_month(result.articles, out / "articles", name, result.articles.column("published"))
    # staged with their article's date, the partition they are written to at the end
    staged = result.mentions.append_column("_published", _published_of(result, "mentions"))
    pq.write_table(staged, _file(staging / "mentions" / f"{name}.parquet"))
    high = pa.scalar(index << _ROW_BITS, pa.int64())
    keys = result.keys.set_column(
        KEYS_SCHEMA.get_field_index("seq"), "seq", pc.add(result.keys.column("seq"), high)
    )
    blocked, _ = split_by_block(keys)  # undated clusters come as events, made by the worker
    _write_by_month(result.events, out / "events", name, result.events.column("date_start"))
    return {
        "part": index,
        "records": result.records,
        "ok": pc.sum(pc.equal(result.articles.column("status"), "ok")).as_py() or 0,
        "timexes": result.timexes.num_rows,
        "mentions": result.mentions.num_rows,
        "occurred": keys.num_rows + (pc.sum(result.events.column("n_mentions")).as_py() or 0),
        "undated_events": result.events.num_rows,
        "blocks": _split(blocked, staging / "blocks" / name, "block"),
    }


def _published_of(result, name: str) -> pa.Array:
    """The publication date of each row's article (``timexes`` or ``mentions``)."""
    ok = result.articles.filter(pc.equal(result.articles.column("status"), "ok"))
    ids, published = ok.column("article_id").to_pylist(), ok.column("published").to_pylist()
    dates = dict(zip(ids, published, strict=True))
    articles = getattr(result, name).column("article_id").to_pylist()
    return pa.array([dates[a] for a in articles], type=pa.date32())


@dataclass(frozen=True)
class _Placed:
    """What :func:`_place` did with a task of blocks."""

    rows: list[int]  # each block's keys rows
    events: int  # of the blocks that were final at once
    waiting: list[Piece]  # blocks whose events wait for the choice of their spanning clusters
    placed: list[Piece]  # the waiting blocks' placements, by block
    spanning: list[Piece]  # their placements of clusters of several blocks, by piece
    assigned: list[Piece]  # event ids of the final blocks' mentions, by partition


def _batches(items: list, n: int) -> Iterator[list]:
    """``items`` in ``n`` consecutive lists at most."""
    size = max(1, -(-len(items) // max(1, n)))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _place(blocks: list[Piece], pieces: int, staging: Path, out: Path) -> _Placed:
    """Cluster each of consecutive blocks; file the placements of clusters of several
    blocks by piece. A block without such clusters is final at once: its events
    are written here. A task writes one file of each kind, named after its first block.
    """
    task = f"place.{blocks[0].value}"
    rows, final, waiting, placements, spanning = [], [], [], [], []
    with Readers() as runs:
        for block in blocks:
            table = runs.read(block)
            rows.append(table.num_rows)
            placed = place_block(block.value, table)
            several = placed.filter(pc.greater(placed.column("n_blocks"), 1))
            if not several.num_rows:
                final.append(block_events(table, placed))
                continue
            waiting.append(block)
            placements.append(placed)
            clusters = several.column("cluster").to_pylist()
            piece = pa.array([_piece(c, pieces) for c in clusters], type=pa.int64())
            spanning.append(several.append_column("piece", piece))
    events, assigned = _write_events(final, task, staging, out)
    return _Placed(
        rows,
        events,
        waiting,
        _split(_concat(placements), staging / "placed" / task, "block"),
        _split(_concat(spanning), staging / "spanning" / task, "piece"),
        assigned,
    )


def _concat(tables: list[pa.Table]) -> pa.Table | None:
    return pa.concat_tables(tables) if tables else None


def _piece(cluster: str, pieces: int) -> int:
    """A piece for a cluster id, the same in every process (``hash`` is salted)."""
    return zlib.crc32(cluster.encode()) % pieces


def _choose(piece: Piece, staging: Path) -> list[Piece]:
    """Where each cluster of several blocks (of one piece) stays, filed by that block."""
    best: dict[str, tuple[int, str]] = {}
    with Readers() as runs:
        rows = runs.read(piece).to_pylist()
    for row in rows:
        candidate = (row["score"], row["block"])
        found = best.get(row["cluster"])
        if found is None or better_block(candidate, found):
            best[row["cluster"]] = candidate
    chosen = pa.table(
        {"cluster": list(best), "block": [b for _, b in best.values()]},
        schema=pa.schema([("cluster", pa.string()), ("block", pa.string())]),
    )
    return _split(chosen, staging / "chosen" / f"piece-{piece.value}", "block")


def _split(table: pa.Table | None, folder: Path, column: str) -> list[Piece]:
    """``table``'s rows in one Arrow IPC file under ``folder``, by ``column``.

    The shuffle between tasks: a task writes one run (:class:`timeline.spill.Spill`)
    and returns where each value's rows are; the client merges the pieces of
    every task (:func:`_merge`) and hands each value's to the task that reads it.
    One file a task, not a file per task and value: at 3k articles the files of
    ``pyarrow.dataset.write_dataset``'s folder per value were two thirds of the
    deduplication's time.
    """
    if table is None or not table.num_rows:
        return []
    spill = Spill(folder, table.schema, column, budget=_ONE_RUN)
    spill.write(table)
    return spill.pieces()


def _merge(pieces: Iterable[Iterable[Piece]]) -> dict[Any, Piece]:
    """Each value's pieces from every task, joined in task order; sorted by value."""
    joined: dict[Any, list[Piece]] = {}
    for task in pieces:
        for piece in task:
            joined.setdefault(piece.value, []).append(piece)
    return {
        value: Piece(value, tuple(p for q in found for p in q.parts), sum(q.rows for q in found))
        for value, found in sorted(joined.items(), key=lambda item: item[0])
    }


def _block_events(
    blocks: list[tuple[Piece, Piece, Piece | None]], staging: Path, out: Path
) -> tuple[int, list[Piece]]:
    """The events of blocks whose clusters of several blocks have been placed.

    Each block comes with its placements and the clusters of several blocks it
    kept (``chosen``, None: none).
    """
    groups = []
    with Readers() as runs:
        for block, placed, chosen in blocks:
            kept = set() if chosen is None else set(runs.read(chosen).column("cluster").to_pylist())
            groups.append(block_events(runs.read(block), runs.read(placed), kept.__contains__))
    return _write_events(groups, f"events.{blocks[0][0].value}", staging, out)


def _write_events(
    groups: list[BlockGroups], task: str, staging: Path, out: Path
) -> tuple[int, list[Piece]]:
    """Write the events of some blocks; returns how many, and the event ids by partition."""
    if not groups:
        return 0, []
    events = pa.concat_tables([g.events_table() for g in groups])
    _write_by_month(events, out / "events", task, events.column("date_start"))
    pairs = pa.concat_tables([g.assignments() for g in groups])
    part = pc.shift_right(pairs.column("seq"), pa.scalar(_ROW_BITS, pa.int64()))
    assigned = _split(pairs.append_column("part", part), staging / "assigned" / task, "part")
    return events.num_rows, assigned


def _mentions(part: int, assigned: Piece | None, staging: Path, out: Path) -> None:
    """One partition's mentions with their event ids."""
    mentions = pq.read_table(staging / "mentions" / f"part-{part:06d}.parquet")
    # undated clusters' mentions came with their event id (made with their events)
    ids: list[str | None] = mentions.column("event_id").to_pylist()
    if assigned is not None:
        with Readers() as runs:
            pairs = runs.read(assigned)
        mask = (1 << _ROW_BITS) - 1
        for seq, eid in zip(
            pairs.column("seq").to_pylist(), pairs.column("event_id").to_pylist(), strict=True
        ):
            ids[seq & mask] = eid
    published = mentions.column("_published")
    mentions = mentions.drop_columns(["_published"])
    column = tables.MENTIONS_SCHEMA.get_field_index("event_id")
    mentions = mentions.set_column(column, "event_id", pa.array(ids, type=pa.string()))
    _write_by_month(mentions, out / "mentions", f"part-{part:06d}", published)


def _write_by_month(table: pa.Table, folder: Path, name: str, dates: pa.Array) -> None:
    """``table`` under ``folder/year=Y/month=M/`` by ``dates`` (nulls: the default partition)."""
    if not table.num_rows:
        return
    dates = pc.cast(dates, pa.date32())
    keyed = table.append_column("year", pc.year(dates)).append_column("month", pc.month(dates))
    ds.write_dataset(
        keyed,
        folder,
        format="parquet",
        partitioning=ds.partitioning(
            pa.schema([("year", pa.int64()), ("month", pa.int64())]), flavor="hive"
        ),
        basename_template=f"{name}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=1 << 20,
    )


def _file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _metadata_file(folder: Path, name: str, run_info: Mapping[str, str]) -> None:
    """``_common_metadata``: the table's schema with the local engine's key-value metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = tables._with_metadata(tables.SCHEMAS[name].empty_table(), name, run_info).schema
    pq.write_metadata(schema, folder / "_common_metadata")


def _replace(work: Path, folder: Path, summary: RunSummary) -> None:
    """Move the four finished table folders over the old ones."""
    for name in OUTPUTS:
        final = folder / name
        if final.exists():
            old = work / f"old-{name}"
            os.replace(final, old)
        os.replace(work / name, final)
        summary.paths[name] = final


# -- reading back ----------------------------------------------------------------------


def read_table(out: str | os.PathLike[str], name: str) -> pd.DataFrame:
    """A partitioned table of :func:`run` as one frame, like the local engine's file.

    ``events`` come in the events file's order (date, type, id); the other
    tables in a fixed order of their ids (articles by source file and line),
    since partitions have no input order: compare them with the local
    engine's table sorted the same way (:func:`sort_like_dataset`).
    """
    folder = Path(out) / name
    schema = tables.SCHEMAS[name]
    dataset = ds.dataset(folder, format="parquet", partitioning="hive", exclude_invalid_files=True)
    table = dataset.to_table(columns=schema.names).cast(schema)
    if name == "events":
        table = sort_events(table)
    return sort_like_dataset(tables.to_frame(table), name)


def sort_like_dataset(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` (a table of either engine) in :func:`read_table`'s row order."""
    if name == "events":
        return frame.reset_index(drop=True)
    if name == "articles":
        by = ["source_file", "line", "article_id"]
        return frame.sort_values(by, na_position="last", kind="stable").reset_index(drop=True)
    # ids are <article>/t<n> and <article>/m<n>: by article, then n as a number
    parts = frame["timex_id" if name == "timexes" else "mention_id"].str.rsplit("/", n=1)
    order = pd.DataFrame({"a": parts.str[0], "n": parts.str[1].str[1:].astype("int64")})
    index = order.sort_values(["a", "n"], kind="stable").index
    return frame.loc[index].reset_index(drop=True)
