"""The pipeline at scale on one machine: streaming, all local cores, Parquet row groups.

:func:`run` gives the same four tables as :func:`timeline.pipeline.extract`
followed by ``Result.to_parquet`` (same rows, same order, same ids, same
metadata) for any number of workers, without ever holding the corpus, its texts
or its rows in memory:

1. ``read_corpus`` is read lazily in chunks of ``chunk_size`` records (it checks
   ids for duplicates, so reading stays in the parent, in input order);
2. each chunk is processed by :func:`process_chunk` in a ``multiprocessing`` pool
   (``Pool.imap``: results come back in chunk order) and comes back as Arrow
   tables, never pandas and never model objects;
3. the parent appends each chunk's rows as Parquet row groups: ``timexes`` and
   ``articles`` straight to their final (hidden, temporary) files, ``mentions``
   (without ``event_id`` yet) to a scratch file, and the occurred mentions'
   dedup keys (already clustered within their article by the worker) to a
   scratch folder: a row per key and block (event type, quarter), undated
   clusters apart;
4. deduplication (:func:`_deduplicate`) splits the keys into one folder per
   block and clusters block after block (:mod:`timeline.blocks`), holding only
   a window of a few consecutive blocks in memory; events and each mention's
   event id are written to scratch files as they come;
5. the events are sorted piece by piece (a month at a time, see
   ``blocks.event_bucket``), the scratch mentions are copied row group by row
   group with their ``event_id`` (looked up a piece of the mentions at a time),
   and the four files are renamed over the outputs (``os.replace``) only once
   all are complete.

Why the results are identical to one worker and to ``pipeline.extract``: every
id (timex, mention, event) depends only on its article and its mentions, never
on which process made it; chunks come back in input order, so rows are appended
in exactly the order ``extract`` collects them; and the block-wise deduplication
(:mod:`timeline.dedup`) gives the same groups whatever the order in which blocks
are read, which is what ``dedup.deduplicate`` does in memory.

Memory: the parent holds at most a bounded number of chunks in flight (see
:class:`_Throttle`) plus one row group; deduplication holds the keys of a few
blocks (``RunSummary.largest_window`` rows), not of the corpus.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from timeline import tables
from timeline.backends import Backend, get_backend
from timeline.blocks import (
    BLOCKED_SCHEMA,
    KEYS_SCHEMA,
    BlockGroups,
    add_keys,
    block_events,
    event_bucket,
    key_columns,
    place_block,
    sort_events,
    split_by_block,
)
from timeline.corpus import Record, read_corpus
from timeline.dedup import better_block
from timeline.model import Article, ArticleStatus, Event, Mention, Timex
from timeline.pipeline import collector_paused, process_article
from timeline.progress import track

# Private helpers of tables.write_tables, imported (not copied) so that the files
# carry exactly the same key-value metadata and are made durable the same way.
from timeline.tables import _fsync_dir, _with_metadata

__all__ = ["KEYS_SCHEMA", "ChunkResult", "RunSummary", "process_chunk", "run"]

OUTPUTS = ("timexes", "mentions", "events", "articles")

_STR = pa.string()
# Scratch tables of the deduplication: events with the piece of the table they
# sort into, and each occurred mention's event id with its piece of the mentions.
_BUCKETED_EVENTS = tables.EVENTS_SCHEMA.append(pa.field("bucket", _STR))
_ASSIGNED = pa.schema(
    [("seq", pa.int64()), ("mention_id", _STR), ("event_id", _STR), ("part", pa.int64())]
)


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back for one chunk: Arrow tables only (cheap to pickle)."""

    timexes: pa.Table  # TIMEXES_SCHEMA
    mentions: pa.Table  # MENTIONS_SCHEMA, event_id still null
    keys: pa.Table  # KEYS_SCHEMA
    articles: pa.Table  # ARTICLES_SCHEMA
    records: int


@dataclass
class RunSummary:
    """What :func:`run` did; ``paths`` are the four final files."""

    paths: dict[str, Path]
    records: int = 0
    articles_ok: int = 0
    timexes: int = 0
    mentions: int = 0
    occurred: int = 0
    events: int = 0
    chunks: int = 0
    workers: int = 1
    seconds: dict[str, float] = field(default_factory=dict)  # extract, dedup, write
    blocks: int = 0  # deduplication blocks (event type, quarter)
    largest_block: int = 0  # keys rows of the largest block
    largest_window: int = 0  # keys rows of the blocks held at once (see _deduplicate)


# -- the worker side -------------------------------------------------------------------

_analyser: Backend | None = None  # this process's backend; None: rules only


def _init_worker(backend: str) -> None:
    """Pool initializer: load the backend once per process, not once per chunk."""
    global _analyser
    found = get_backend(backend)
    # As in pipeline.extract: the rules backend is "no backend" for process_article.
    _analyser = None if found.name == "rules" else found


def process_chunk(records: list[Record]) -> ChunkResult:
    """Process one chunk of corpus records into Arrow tables (runs in a worker).

    Uses the backend set by the pool initializer (rules when none was set).
    """
    timexes: list[Timex] = []
    mentions: list[Mention] = []
    keys = key_columns()
    articles: list[dict[str, Any]] = []
    with collector_paused():
        for article, status in records:
            n_timexes = n_mentions = None
            if article is not None:
                result = process_article(article, backend=_analyser)
                found = result.events.mentions
                rows = {m.mention_id: len(mentions) + i for i, m in enumerate(found)}
                timexes.extend(result.timexes)
                mentions.extend(found)
                if result.events.keys:
                    by_id = {m.mention_id: m for m in found}
                    codes = result.events.codes
                    add_keys(keys, result.events.keys, by_id, codes, rows)
                if status.status == "ok":
                    n_timexes, n_mentions = len(result.timexes), len(found)
            elif status.status == "ok":  # an ok record always has an article; be safe
                n_timexes, n_mentions = 0, 0
            articles.append(tables.article_row(status, n_timexes, n_mentions))
    return ChunkResult(
        timexes=_timexes_table(timexes),
        mentions=_mentions_table(mentions),
        keys=pa.Table.from_pydict(keys, schema=KEYS_SCHEMA),
        articles=tables.rows_table(articles, tables.ARTICLES_SCHEMA),
        records=len(records),
    )


# Arrow tables with the rows of tables.*_frame, written as Parquet row groups.


def _timexes_table(timexes: Iterable[Timex]) -> pa.Table:
    return tables.rows_table(map(tables.timex_row, timexes), tables.TIMEXES_SCHEMA)


def _mentions_table(mentions: Iterable[Mention]) -> pa.Table:
    return tables.rows_table(map(tables.mention_row, mentions), tables.MENTIONS_SCHEMA)


def _events_table(events: Iterable[Event]) -> pa.Table:
    return tables.rows_table(map(tables.event_row, events), tables.EVENTS_SCHEMA)


# -- the parent side -------------------------------------------------------------------


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    """``records`` in lists of ``size``; only the current list is ever held."""
    while chunk := list(islice(records, size)):
        yield chunk


class _Throttle:
    """Bound the chunks in flight between the corpus reader and the parent's writer.

    ``Pool.imap`` pulls its input in a background thread as fast as it can and
    queues finished results until they are consumed, so on its own it would read
    the whole corpus into memory whenever the workers (or the writer) lag. The
    wrapped iterator waits for a free slot before handing out the next chunk; the
    consumer frees a slot for every result it has taken.
    """

    def __init__(self, chunks: Iterable[list[Record]], limit: int) -> None:
        self._chunks = chunks
        self._slots = threading.Semaphore(limit)
        self._closed = threading.Event()

    def __iter__(self) -> Iterator[list[Record]]:
        for chunk in self._chunks:
            # A timeout so that a closed throttle never leaves this thread blocked
            # (Pool.terminate joins it).
            while not self._slots.acquire(timeout=0.1):
                if self._closed.is_set():
                    return
            if self._closed.is_set():
                return
            yield chunk

    def done(self) -> None:
        """One result was consumed: one more chunk may be read."""
        self._slots.release()

    def close(self) -> None:
        self._closed.set()


class _ParquetSink:
    """A Parquet file written row group by row group, fsynced on close.

    The file is opened with ``"xb"`` like ``tables.write_tables``' temporaries:
    never clobbering another writer's file, honouring the umask.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        self._handle: IO[bytes] = path.open("xb")
        self._writer = pq.ParquetWriter(self._handle, schema)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._writer.write_table(table.replace_schema_metadata(self.schema.metadata))
            self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._writer = None  # type: ignore[assignment]

    def abort(self) -> None:
        """Close without caring whether the file is complete (it is removed anyway)."""
        try:
            if self._writer is not None:
                self._writer.close()
        except Exception:  # cleaning up after another error: that one is raised
            pass
        finally:
            self._handle.close()
            self._writer = None  # type: ignore[assignment]


def _table_schema(name: str, run_info: dict[str, str]) -> pa.Schema:
    """The schema of a final table with write_tables' key-value metadata."""
    return _with_metadata(tables.SCHEMAS[name].empty_table(), name, run_info).schema


def _temp(out: Path, stem: str) -> Path:
    # Hidden and suffixed like write_tables' temporaries, so stray ones look alike.
    return out / f".{stem}.{secrets.token_hex(8)}.tmp"


def run(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    workers: int | None = None,
    chunk_size: int = 256,
    now: date | None = None,
    backend: str = "rules",
    progress: bool | None = None,
) -> RunSummary:
    """Run the pipeline on ``source`` and write the four tables into ``out``.

    The tables equal ``pipeline.extract(source, now=now, backend=backend)``
    written with ``Result.to_parquet(out)``, row for row, for any ``workers``.
    ``workers`` is the number of worker processes (default ``os.cpu_count()``);
    ``1`` runs in this process without a pool. ``chunk_size`` records go to a
    worker at a time. ``progress`` forces the progress bar on or off; ``None``
    shows it on a terminal outside CI (``timeline.progress``).

    The outputs are replaced atomically: everything is written to hidden
    temporary files in ``out`` first, and renamed over ``<name>.parquet`` only at
    the end; on any failure the temporaries are removed and the previous
    outputs are left as they were.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    # Fail on an unknown or unavailable backend before reading anything.
    backend_name = get_backend(backend).name
    # read_corpus raises now if the corpus is missing; the bar counts records read,
    # which the throttle keeps a few chunks ahead of the work done.
    records = iter(track(read_corpus(source, now=now), total=None, progress=progress))
    run_info = {"input": str(source)}
    if now is not None:
        run_info["now"] = now.isoformat()
    run_info["backend"] = backend_name

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    summary = RunSummary(paths={}, workers=workers)
    temps: list[Path] = []
    sinks: list[_ParquetSink] = []

    def sink(stem: str, schema: pa.Schema) -> _ParquetSink:
        path = _temp(folder, stem)
        temps.append(path)
        s = _ParquetSink(path, schema)
        sinks.append(s)
        return s

    scratch = folder / f".dedup.{secrets.token_hex(8)}.tmp"
    stack = ExitStack()
    try:
        started = time.perf_counter()
        scratch.mkdir()
        timexes = sink("timexes.parquet", _table_schema("timexes", run_info))
        articles = sink("articles.parquet", _table_schema("articles", run_info))
        staged = sink("mentions-staged", tables.MENTIONS_SCHEMA)
        blocked = _Batched(_ParquetSink(scratch / "blocked.parquet", BLOCKED_SCHEMA))
        undated = _ParquetSink(scratch / "undated.parquet", KEYS_SCHEMA)
        sinks.extend((blocked.sink, undated))
        results = stack.enter_context(closing(_results(records, workers, chunk_size, backend)))
        for result in results:
            timexes.write(result.timexes)
            articles.write(result.articles)
            keys = result.keys.set_column(
                KEYS_SCHEMA.get_field_index("seq"),
                "seq",
                pc.add(result.keys.column("seq"), pa.scalar(staged.rows, pa.int64())),
            )
            staged.write(result.mentions)
            dated, alone = split_by_block(keys)
            blocked.write(dated)
            undated.write(alone)  # one row group per chunk: whole clusters
            summary.occurred += keys.num_rows
            summary.chunks += 1
            summary.records += result.records
            summary.articles_ok += pc.sum(pc.equal(result.articles["status"], "ok")).as_py() or 0
        stack.close()  # the pool's processes are no longer needed
        for s in (timexes, articles, staged, blocked, undated):
            s.close()
        summary.timexes, summary.mentions = timexes.rows, staged.rows
        summary.seconds["extract"] = time.perf_counter() - started

        started = time.perf_counter()
        events_path, assigned_path = _deduplicate(scratch, summary)
        summary.seconds["dedup"] = time.perf_counter() - started

        started = time.perf_counter()
        events_sink = sink("events.parquet", _table_schema("events", run_info))
        for _, piece in _partition(events_path, scratch / "events", "bucket", _STR):
            events_sink.write(sort_events(piece()).select(tables.EVENTS_SCHEMA.names))
        events_sink.close()
        mentions = sink("mentions.parquet", _table_schema("mentions", run_info))
        event_ids = _EventIds(_partition(assigned_path, scratch / "assigned", "part", pa.int64()))
        for batch in pq.ParquetFile(staged.path).iter_batches():
            table = pa.Table.from_batches([batch])
            mentions.write(
                table.set_column(
                    tables.MENTIONS_SCHEMA.get_field_index("event_id"),
                    "event_id",
                    event_ids.take(batch.num_rows),
                )
            )
        mentions.close()

        finals = {
            "timexes": timexes.path,
            "mentions": mentions.path,
            "events": events_sink.path,
            "articles": articles.path,
        }
        for name in OUTPUTS:
            final = folder / f"{name}.parquet"
            os.replace(finals[name], final)
            summary.paths[name] = final
        summary.seconds["write"] = time.perf_counter() - started
    except BaseException:
        stack.close()
        for s in sinks:
            s.abort()
        raise
    finally:
        for path in temps:  # the scratch files always; the outputs only if not renamed
            path.unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)
    _fsync_dir(folder)
    return summary


def _results(
    records: Iterator[Record], workers: int, chunk_size: int, backend: str
) -> Iterator[ChunkResult]:
    """Each chunk's result, in input order; in this process when ``workers == 1``."""
    chunks = _chunks(records, chunk_size)
    if workers == 1:
        global _analyser
        saved = _analyser
        _init_worker(backend)
        try:
            yield from map(process_chunk, chunks)
        finally:
            _analyser = saved
        return
    _warm_up(backend)
    # Two chunks per worker keep every worker busy while the parent writes.
    throttle = _Throttle(chunks, limit=2 * workers)
    # "spawn" would re-import everything per worker; fork is the Linux default and
    # shares the loaded lexicons copy-on-write. Use the platform's default method.
    with ExitStack() as stack:
        pool = get_context().Pool(workers, initializer=_init_worker, initargs=(backend,))
        stack.callback(pool.join)
        stack.callback(pool.terminate)
        stack.callback(throttle.close)
        for result in pool.imap(process_chunk, throttle):
            throttle.done()
            yield result
        pool.close()


def _warm_up(backend: str) -> None:
    """Load the lexicons, gazetteers and compiled rules here, before forking.

    They are loaded on first use; forked workers then share them copy-on-write
    instead of each spending its first chunk loading them again. The result is
    thrown away, so it cannot affect any output.
    """
    global _analyser
    saved = _analyser
    try:
        _init_worker(backend)
        text = "التقى وزير الخارجية نظيره في الرياض أمس، بعد الهجوم الذي وقع يوم الأحد."
        process_chunk([(Article("warm-up", date(2021, 6, 24), text), _WARM_UP_STATUS)])
    finally:
        _analyser = saved


_WARM_UP_STATUS = ArticleStatus("warm-up", "<warm-up>", None, date(2021, 6, 24), "ok")


_PART = 65_536  # mentions per piece of the event-id lookup


def _deduplicate(scratch: Path, summary: RunSummary) -> tuple[Path, Path]:
    """Block-wise deduplication of the spilled keys (see :mod:`timeline.blocks`).

    Blocks are read one at a time in name order (type, then quarter). A cluster
    of several blocks lies in consecutive ones, so a block's groups are final
    once the few blocks after it have said where its clusters of several
    blocks stay: only that window of blocks is in memory, never the corpus.
    Writes the events (unsorted, with their sort bucket) and each mention's
    event id (with its piece of the mentions) to scratch files, and returns them.
    """
    events = _ParquetSink(scratch / "events.parquet", _BUCKETED_EVENTS)
    assigned = _ParquetSink(scratch / "assigned.parquet", _ASSIGNED)
    count = 0

    def emit(groups: BlockGroups) -> None:
        nonlocal count
        table = _events_table(groups.events)
        events.write(table.append_column("bucket", event_bucket(table)))
        pairs = groups.assignments()
        part = pc.divide(pairs.column("seq"), pa.scalar(_PART, pa.int64()))
        assigned.write(pairs.append_column("part", part))
        count += len(groups.events)

    try:
        with collector_paused():
            undated = pq.ParquetFile(scratch / "undated.parquet")
            for i in range(undated.num_row_groups):
                emit(block_events(undated.read_row_group(i), None))
            window: deque[_Block] = deque()
            spanning: dict[str, _Spanning] = {}
            parts = _partition(scratch / "blocked.parquet", scratch / "blocks", "block", _STR)
            for name, piece in parts:
                table = piece()
                block = _Block(name, table, place_block(name, table))
                for cid, score, n in zip(
                    *(block.placed.column(c).to_pylist() for c in ("cluster", "score", "n_blocks")),
                    strict=True,
                ):
                    if n == 1:
                        continue
                    block.spanning.append(cid)
                    found = spanning.get(cid)
                    if found is None:
                        spanning[cid] = _Spanning(score, name, 1, n)
                    else:
                        found.seen += 1
                        if better_block((score, name), (found.score, found.block)):
                            found.score, found.block = score, name
                window.append(block)
                summary.blocks += 1
                summary.largest_block = max(summary.largest_block, table.num_rows)
                summary.largest_window = max(
                    summary.largest_window, sum(b.table.num_rows for b in window)
                )
                while window and all(spanning[c].seen == spanning[c].n for c in window[0].spanning):
                    emit(_finish(window.popleft(), spanning))
            if window:  # every block of a cluster has been read: cannot happen
                raise RuntimeError(f"deduplication left block {window[0].name} unfinished")
    finally:
        events.close()
        assigned.close()
    summary.events = count
    return events.path, assigned.path


@dataclass
class _Spanning:
    """A cluster of several blocks: the best block so far, and how many were seen."""

    score: int
    block: str
    seen: int
    n: int
    finished: int = 0


@dataclass
class _Block:
    name: str
    table: pa.Table
    placed: pa.Table
    spanning: list[str] = field(default_factory=list)


def _finish(block: _Block, spanning: dict[str, _Spanning]) -> BlockGroups:
    """A block's events, once each of its clusters of several blocks has chosen one."""
    groups = block_events(block.table, block.placed, lambda c: spanning[c].block == block.name)
    for cid in block.spanning:
        found = spanning[cid]
        found.finished += 1
        if found.finished == found.n:
            del spanning[cid]
    return groups


class _Batched:
    """Gather small tables into row groups of a useful size before writing them."""

    def __init__(self, sink: _ParquetSink, rows: int = 16_384) -> None:
        self.sink = sink
        self._rows = rows
        self._pending: list[pa.Table] = []
        self._count = 0

    def write(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._count += table.num_rows
        if self._count >= self._rows:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.sink.write(pa.concat_tables(self._pending))
        self._pending, self._count = [], 0

    def close(self) -> None:
        self._flush()
        self.sink.close()


_IN_MEMORY_ROWS = 50_000  # a scratch file this small is split in memory, not on disk


def _partition(
    source: Path, dest: Path, column: str, kind: pa.DataType
) -> list[tuple[str, Callable[[], pa.Table]]]:
    """Split a scratch file by the values of ``column``: each value, in order, and its rows.

    A large file is split on disk, one folder per value: Arrow streams it
    through with a bounded number of files open, so this needs no more memory
    than a few row groups, and each piece is read when asked for. A small one
    (``_IN_MEMORY_ROWS``) is sorted in memory instead, saving a few files per
    value; the pieces are the same. The rows come without ``column``.
    """
    if pq.ParquetFile(source).metadata.num_rows <= _IN_MEMORY_ROWS:
        table = pq.read_table(source)
        # One stable sort, then zero-copy slices: a ``take`` per value copied the
        # whole table's columns once per block (a millisecond each, thousands of blocks).
        table = table.take(pc.sort_indices(table, sort_keys=[(column, "ascending")]))
        values = table.column(column).to_pylist()
        table = table.drop_columns([column])
        pieces: list[tuple[str, Callable[[], pa.Table]]] = []
        start = 0
        for i in range(1, len(values) + 1):
            if i == len(values) or values[i] != values[start]:
                piece = table.slice(start, i - start)
                pieces.append((str(values[start]), lambda piece=piece: piece))
                start = i
        return pieces
    ds.write_dataset(
        ds.dataset(source, format="parquet"),
        dest,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([(column, kind)])),
        max_partitions=1 << 30,
        max_open_files=256,
        existing_data_behavior="error",
    )
    found = [(p.name, p) for p in dest.iterdir()] if dest.exists() else []
    found.sort(key=lambda f: int(f[0]) if pa.types.is_integer(kind) else f[0])
    return [(name, lambda path=path: pq.read_table(path)) for name, path in found]


class _EventIds:
    """The event id of each staged mention, in order, from the pieces of ``_partition``."""

    def __init__(self, parts: list[tuple[str, Callable[[], pa.Table]]]) -> None:
        self._pieces = {int(name): piece for name, piece in parts}
        self._next = 0  # seq of the next mention asked for
        self._part = -1
        self._ids: list[str | None] = []

    def take(self, n: int) -> pa.Array:
        out: list[str | None] = []
        for seq in range(self._next, self._next + n):
            part = seq // _PART
            if part != self._part:
                self._load(part)
            out.append(self._ids[seq - part * _PART])
        self._next += n
        return pa.array(out, type=_STR)

    def _load(self, part: int) -> None:
        self._part = part
        self._ids = [None] * _PART
        piece = self._pieces.get(part)
        if piece is None:  # no occurred mention in this piece
            return
        table = piece()
        base = part * _PART
        for seq, eid in zip(
            table.column("seq").to_pylist(), table.column("event_id").to_pylist(), strict=True
        ):
            self._ids[seq - base] = eid
