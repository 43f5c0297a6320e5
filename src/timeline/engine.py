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
3. the parent appends each chunk's rows: ``timexes`` and ``articles`` as
   Parquet row groups straight to their final (hidden, temporary) files,
   ``mentions`` to a scratch file (:class:`timeline.spill.Staged`), the
   occurred mentions' dedup keys (already clustered within their article by
   the worker) to a spill sorted by block (event type, quarter; see
   :mod:`timeline.spill`), and the events of undated clusters, which the
   worker made at once (each is an event of its own), to a spill of events;
4. deduplication (:func:`timeline.dedup_pool.deduplicate`) reads the keys back
   block after block in name order and clusters them in the worker processes,
   holding only a window of a few consecutive blocks; events and each
   mention's event id go to spills as they come;
5. the events are sorted piece by piece (a month at a time, see
   ``blocks.event_bucket``), the scratch mentions are copied a row group at a
   time with their ``event_id`` (looked up a piece of the mentions at a time),
   and the four files are renamed over the outputs (``os.replace``) only once
   all are complete.

Why the results are identical to one worker and to ``pipeline.extract``: every
id (timex, mention, event) depends only on its article and its mentions, never
on which process made it; chunks come back in input order, so rows are appended
in exactly the order ``extract`` collects them; and the block-wise deduplication
(:mod:`timeline.dedup`) gives the same groups whatever the order in which blocks
are read, which is what ``dedup.deduplicate`` does in memory.

Memory: the parent holds at most a bounded number of chunks in flight (see
:class:`_Throttle`), a row group per output file and a buffer per spill
(``spill.BUDGET``); deduplication holds the keys of a few blocks
(``RunSummary.largest_window`` rows), not of the corpus.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from timeline import tables
from timeline.backends import Backend, get_backend
from timeline.blocks import (
    BLOCKED_SCHEMA,
    KEYS_SCHEMA,
    add_keys,
    key_columns,
    sort_events,
    split_by_block,
)
from timeline.collector import collector_paused
from timeline.corpus import Record, read_corpus
from timeline.dedup import Key
from timeline.dedup_pool import ASSIGNED_SCHEMA, BUCKETED_EVENTS_SCHEMA, PART, with_bucket
from timeline.dedup_pool import deduplicate as deduplicate_blocks
from timeline.dedup_pool import workers as workers_for_dedup
from timeline.events.rows import build_events
from timeline.model import Article, ArticleStatus, Mention, Timex
from timeline.pipeline import process_article
from timeline.progress import track
from timeline.spill import Piece, Spill, Staged, close_readers, read_piece

# Private helpers of tables.write_tables, imported (not copied) so that the files
# carry exactly the same key-value metadata and are made durable the same way.
from timeline.tables import _fsync_dir, _with_metadata

__all__ = ["KEYS_SCHEMA", "ChunkResult", "RunSummary", "process_chunk", "run"]

OUTPUTS = ("timexes", "mentions", "events", "articles")

_STR = pa.string()
_ROW_GROUP = 65_536  # rows per row group of timexes and articles (a chunk is ~2k)
# Mentions per row group of the final file: each carries its sentence (~470 bytes a
# row in memory), and the writer holds a whole encoded row group.
_MENTIONS_GROUP = 16_384


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back for one chunk: Arrow tables only (cheap to pickle)."""

    timexes: pa.Table  # TIMEXES_SCHEMA
    mentions: pa.Table  # MENTIONS_SCHEMA; event_id set for undated clusters only
    keys: pa.Table  # KEYS_SCHEMA, the keys of dated clusters
    events: pa.Table  # EVENTS_SCHEMA: the events of undated clusters (one each)
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
    largest_window: int = 0  # keys rows of the blocks held at once (see dedup_pool)


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
    undated: list[list[Key]] = []  # each an event of its own: made here, not in dedup
    alone: dict[str, Mention] = {}
    alone_codes: dict[str, tuple[str, str]] = {}
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
                    before = len(undated)
                    add_keys(keys, result.events.keys, by_id, codes, rows, undated)
                    for group in undated[before:]:
                        for k in group:
                            alone[k.mention_id] = by_id[k.mention_id]
                            if k.mention_id in codes:
                                alone_codes[k.mention_id] = codes[k.mention_id]
                if status.status == "ok":
                    n_timexes, n_mentions = len(result.timexes), len(found)
            elif status.status == "ok":  # an ok record always has an article; be safe
                n_timexes, n_mentions = 0, 0
            articles.append(tables.article_row(status, n_timexes, n_mentions))
        events, assigned = build_events(undated, alone, alone_codes)
        mention_rows = (tables.mention_row(m, assigned.get(m.mention_id)) for m in mentions)
        return ChunkResult(
            timexes=_timexes_table(timexes),
            mentions=tables.rows_table(mention_rows, tables.MENTIONS_SCHEMA),
            keys=pa.Table.from_pydict(keys, schema=KEYS_SCHEMA),
            events=tables.events_table(events),
            articles=tables.rows_table(articles, tables.ARTICLES_SCHEMA),
            records=len(records),
        )


# Arrow tables with the rows of tables.*_frame, written as Parquet row groups.


def _timexes_table(timexes: Iterable[Timex]) -> pa.Table:
    return tables.rows_table(map(tables.timex_row, timexes), tables.TIMEXES_SCHEMA)


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
    later = ExitStack()  # the deduplication's processes, kept until it is done
    try:
        started = time.perf_counter()
        scratch.mkdir()
        if workers > 1:
            _warm_up(backend)  # before any fork: every worker shares what it loads
        dedup_workers = later.enter_context(workers_for_dedup(workers))
        timexes = _Batched(sink("timexes.parquet", _table_schema("timexes", run_info)))
        articles = _Batched(sink("articles.parquet", _table_schema("articles", run_info)))
        staged = Staged(scratch / "mentions.arrow", tables.MENTIONS_SCHEMA)
        stack.callback(staged.close)
        blocked = Spill(scratch / "blocked", BLOCKED_SCHEMA, "block")
        events = Spill(scratch / "events", BUCKETED_EVENTS_SCHEMA, "bucket")
        assigned = Spill(scratch / "assigned", ASSIGNED_SCHEMA, "part")
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
            blocked.write(split_by_block(keys)[0])  # no undated keys: their events came made
            events.write(with_bucket(result.events))
            summary.occurred += keys.num_rows + (pc.sum(result.events["n_mentions"]).as_py() or 0)
            summary.chunks += 1
            summary.records += result.records
            summary.articles_ok += pc.sum(pc.equal(result.articles["status"], "ok")).as_py() or 0
        stack.close()  # the pool's processes are no longer needed
        timexes.close()
        articles.close()
        staged.close()
        summary.timexes, summary.mentions = timexes.rows, staged.rows
        summary.seconds["extract"] = time.perf_counter() - started

        started = time.perf_counter()

        def emit(found: pa.Table, ids: pa.Table) -> None:
            events.write(found)
            assigned.write(ids)

        stats = deduplicate_blocks(blocked.pieces(), emit, dedup_workers)
        later.close()
        summary.blocks, summary.largest_block = stats.blocks, stats.largest_block
        summary.largest_window = stats.largest_window
        summary.events = events.rows
        summary.seconds["dedup"] = time.perf_counter() - started

        started = time.perf_counter()
        # sorted a month at a time, gathered into row groups: a row group per month
        # made a small corpus's file mostly metadata
        events_sink = _Batched(sink("events.parquet", _table_schema("events", run_info)))
        mentions = sink("mentions.parquet", _table_schema("mentions", run_info))

        def write_events() -> None:
            for piece in events.pieces():
                events_sink.write(sort_events(read_piece(piece)))
            events_sink.close()

        # Sorting and encoding run in Arrow without the GIL: the events file is
        # written by a thread while this one writes the mentions.
        writer = stack.enter_context(ThreadPoolExecutor(1)).submit(write_events)
        event_ids = _EventIds(assigned.pieces())
        column = tables.MENTIONS_SCHEMA.get_field_index("event_id")
        done = 0
        for table in _regroup(staged.batches(), _MENTIONS_GROUP):
            # undated clusters' mentions came with their event id; the others get theirs here
            found = pc.coalesce(table.column(column), event_ids.take(done, table.num_rows))
            mentions.write(table.set_column(column, "event_id", found))
            done += table.num_rows
        mentions.close()
        writer.result()

        finals = {
            "timexes": timexes.sink.path,
            "mentions": mentions.path,
            "events": events_sink.sink.path,
            "articles": articles.sink.path,
        }
        for name in OUTPUTS:
            final = folder / f"{name}.parquet"
            os.replace(finals[name], final)
            summary.paths[name] = final
        summary.seconds["write"] = time.perf_counter() - started
    except BaseException as error:
        stack.close()
        later.__exit__(type(error), error, error.__traceback__)  # stops its processes
        for s in sinks:
            s.abort()
        raise
    finally:
        for path in temps:  # the scratch files always; the outputs only if not renamed
            path.unlink(missing_ok=True)
        close_readers(scratch)
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


class _Batched:
    """Gather small tables into row groups of a useful size before writing them.

    A chunk gives a couple of thousand time expressions: a row group each made
    the files' metadata (and the parent's work per chunk) needlessly large.
    """

    def __init__(self, sink: _ParquetSink, rows: int = _ROW_GROUP) -> None:
        self.sink = sink
        self.rows = 0
        self._rows = rows
        self._pending: list[pa.Table] = []
        self._count = 0

    def write(self, table: pa.Table) -> None:
        if not table.num_rows:
            return
        self._pending.append(table)
        self._count += table.num_rows
        self.rows += table.num_rows
        if self._count >= self._rows:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.sink.write(pa.concat_tables(self._pending))
        self._pending, self._count = [], 0

    def close(self) -> None:
        self._flush()
        self.sink.close()


def _regroup(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """The rows of ``batches`` in order, as tables of ``size`` rows (the last one shorter)."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= size:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, size)
            rest = table.slice(size)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


class _EventIds:
    """The event id of each staged mention, in order, from the pieces of the ids spill.

    A piece holds the ids of ``PART`` consecutive mentions (by ``seq``); it is
    scattered into place with one take (a Python loop per mention cost several
    seconds at 100k articles).
    """

    def __init__(self, pieces: list[Piece]) -> None:
        self._pieces = {piece.value: piece for piece in pieces}
        self._part = -1
        self._ids: pa.Array = pa.nulls(0, _STR)

    def take(self, start: int, n: int) -> pa.Array:
        """The ids of mentions ``start`` to ``start + n`` (null: no event)."""
        out: list[pa.Array] = []
        seq, stop = start, start + n
        while seq < stop:
            part = seq // PART
            if part != self._part:
                self._load(part)
            end = min(stop, (part + 1) * PART)
            out.append(self._ids.slice(seq - part * PART, end - seq))
            seq = end
        return out[0] if len(out) == 1 else pa.concat_arrays(out or [pa.nulls(0, _STR)])

    def _load(self, part: int) -> None:
        self._part = part
        piece = self._pieces.get(part)
        if piece is None:  # no dated occurred mention in this piece
            self._ids = pa.nulls(PART, _STR)
            return
        table = read_piece(piece)
        where = table.column("seq").to_numpy() - part * PART
        index = np.full(PART, -1, dtype=np.int64)
        index[where] = np.arange(len(where))
        ids = table.column("event_id").combine_chunks()
        self._ids = pc.take(ids, pa.array(index, mask=index < 0))
