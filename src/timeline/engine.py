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
   (without ``event_id`` yet) and the occurred mentions' dedup keys to scratch
   files beside them, so nothing piles up in memory while articles stream by;
4. deduplication needs a global view: the keys (and nothing else) are loaded
   back, grouped and turned into event rows exactly as ``pipeline.timeline_rows``
   does (``dedup.deduplicate`` + ``events.rows.build_events``);
5. a last streaming pass copies the scratch mentions row group by row group
   with their ``event_id``, the events are written, and the four files are
   renamed over the outputs (``os.replace``) only once all are complete.

Why the results are identical to one worker: every id (timex, mention, event)
depends only on its article and its mentions, never on which process made it;
chunks come back in input order, so rows are appended in exactly the order
``extract`` collects them, and deduplication sees the same keys in the same order.

Memory: the parent holds at most a bounded number of chunks in flight (see
:class:`_Throttle`) plus one row group; only the dedup step grows with the
corpus, with one :class:`~timeline.dedup.Key` and one light ``Mention`` (no
sentence: sentences are fetched from disk for the event rows only) per occurred
mention — about 1 kB each in CPython, so ~1 GB for a million occurred mentions.
Until dedup needs them, the keys are spilled to disk (Parquet) rather than kept
as Python objects.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from timeline import tables
from timeline.backends import Backend, get_backend
from timeline.corpus import Record, read_corpus
from timeline.dedup import Key, deduplicate
from timeline.events.arguments import same_place
from timeline.events.rows import build_events
from timeline.model import Article, ArticleStatus, Event, Mention, Timex
from timeline.pipeline import collector_paused, process_article
from timeline.progress import track

# Private helpers of tables.write_tables, imported (not copied) so that the files
# carry exactly the same key-value metadata and are made durable the same way.
from timeline.tables import _fsync_dir, _with_metadata

__all__ = ["KEYS_SCHEMA", "ChunkResult", "RunSummary", "process_chunk", "run"]

OUTPUTS = ("timexes", "mentions", "events", "articles")

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
        # what events.rows.build_events reads of the mention itself
        ("m_event_type", _STR),
        ("m_date_value", _STR),
        ("m_granularity", _STR),
        ("m_date_start", _DATE),
        ("m_date_end", _DATE),
        ("m_location", _STR),
        ("m_participants", _STRS),
        ("m_published", _DATE),
        ("m_sentence", _STR),  # read back only for the events' summaries
        # the trigger's (PLOVER, CAMEO) codes; null when the mention has none
        ("plover", _STR),
        ("cameo", _STR),
    ]
)
"""One row per occurred mention: what deduplication and the event rows need."""

_KEY_FIELDS = tuple(Key.__dataclass_fields__)
_MENTION_COLUMNS = [n for n in KEYS_SCHEMA.names if n.startswith("m_") and n != "m_sentence"]


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
    key_rows: list[tuple[Key, Mention, tuple[str, str] | None]] = []
    articles: list[dict[str, Any]] = []
    with collector_paused():
        for article, status in records:
            n_timexes = n_mentions = None
            if article is not None:
                result = process_article(article, backend=_analyser)
                timexes.extend(result.timexes)
                mentions.extend(result.events.mentions)
                by_id = {m.mention_id: m for m in result.events.mentions}
                for key in result.events.keys:
                    m = by_id[key.mention_id]
                    key_rows.append((key, m, result.events.codes.get(key.mention_id)))
                if status.status == "ok":
                    n_timexes, n_mentions = len(result.timexes), len(result.events.mentions)
            elif status.status == "ok":  # an ok record always has an article; be safe
                n_timexes, n_mentions = 0, 0
            articles.append(tables.article_row(status, n_timexes, n_mentions))
    return ChunkResult(
        timexes=_timexes_table(timexes),
        mentions=_mentions_table(mentions),
        keys=_keys_table(key_rows),
        articles=tables.rows_table(articles, tables.ARTICLES_SCHEMA),
        records=len(records),
    )


# Arrow tables with the rows of tables.*_frame, written as Parquet row groups.


def _timexes_table(timexes: Iterable[Timex]) -> pa.Table:
    return tables.rows_table(map(tables.timex_row, timexes), tables.TIMEXES_SCHEMA)


def _mentions_table(mentions: Iterable[Mention]) -> pa.Table:
    return tables.rows_table(map(tables.mention_row, mentions), tables.MENTIONS_SCHEMA)


def _keys_table(rows: Iterable[tuple[Key, Mention, tuple[str, str] | None]]) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in KEYS_SCHEMA.names}
    for key, m, codes in rows:
        for name in _KEY_FIELDS:
            value = getattr(key, name)
            if isinstance(value, frozenset):
                value = sorted(value)  # sets have no order; sorted keeps files reproducible
            columns[name].append(value)
        columns["m_event_type"].append(m.event_type)
        columns["m_date_value"].append(m.date_value)
        columns["m_granularity"].append(m.granularity)
        columns["m_date_start"].append(m.date_start)
        columns["m_date_end"].append(m.date_end)
        columns["m_location"].append(m.location)
        columns["m_participants"].append(list(m.participants))
        columns["m_published"].append(m.published)
        columns["m_sentence"].append(m.sentence)
        columns["plover"].append(codes[0] if codes is not None else None)
        columns["cameo"].append(codes[1] if codes is not None else None)
    return pa.Table.from_pydict(columns, schema=KEYS_SCHEMA)


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

    stack = ExitStack()
    try:
        started = time.perf_counter()
        timexes = sink("timexes.parquet", _table_schema("timexes", run_info))
        articles = sink("articles.parquet", _table_schema("articles", run_info))
        staged = sink("mentions-staged", tables.MENTIONS_SCHEMA)
        keys = sink("dedup-keys", KEYS_SCHEMA)
        results = stack.enter_context(closing(_results(records, workers, chunk_size, backend)))
        for result in results:
            timexes.write(result.timexes)
            articles.write(result.articles)
            staged.write(result.mentions)
            keys.write(result.keys)
            summary.chunks += 1
            summary.records += result.records
            summary.articles_ok += pc.sum(pc.equal(result.articles["status"], "ok")).as_py() or 0
        stack.close()  # the pool's processes are no longer needed
        for s in (timexes, articles, staged, keys):
            s.close()
        summary.timexes, summary.mentions, summary.occurred = timexes.rows, staged.rows, keys.rows
        summary.seconds["extract"] = time.perf_counter() - started

        started = time.perf_counter()
        events, assigned = _deduplicate(keys.path)
        summary.events = len(events)
        summary.seconds["dedup"] = time.perf_counter() - started

        started = time.perf_counter()
        mentions = sink("mentions.parquet", _table_schema("mentions", run_info))
        for batch in pq.ParquetFile(staged.path).iter_batches():
            ids = batch.column("mention_id").to_pylist()
            event_ids = pa.array([assigned.get(i) for i in ids], type=_STR)
            table = pa.Table.from_batches([batch]).set_column(
                tables.MENTIONS_SCHEMA.get_field_index("event_id"), "event_id", event_ids
            )
            mentions.write(table)
        mentions.close()
        del assigned
        events_sink = sink("events.parquet", _table_schema("events", run_info))
        events_sink.write(_events_table(events))
        events_sink.close()

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


def _deduplicate(keys_path: Path) -> tuple[list[Event], dict[str, str]]:
    """Events and each occurred mention's event id, from the spilled keys.

    Equivalent to ``pipeline.timeline_rows`` on the occurred mentions: the same
    ``deduplicate(keys, same_place)`` and ``build_events`` on the same keys in the
    same order. The mentions handed to ``build_events`` carry their own id as
    their sentence (a shared string, no extra memory); the summary each event
    picks is then swapped for the real sentence, read back from disk for those
    mentions only.
    """
    with collector_paused():  # millions of small objects: see collector_paused
        columns = [n for n in KEYS_SCHEMA.names if n != "m_sentence"]
        table = pq.read_table(keys_path, columns=columns)
        keys, mentions, codes = _python_keys(table)
        del table
        groups = deduplicate(keys, same_place)
        del keys
        events, assigned = build_events(groups, mentions, codes)
        del groups, mentions, codes
        wanted = {e.summary for e in events}
        sentences = _sentences(keys_path, wanted)
        events = [replace(e, summary=sentences[e.summary]) for e in events]
    return events, assigned


def _python_keys(
    table: pa.Table,
) -> tuple[list[Key], dict[str, Mention], dict[str, tuple[str, str]]]:
    """Key objects (for deduplicate), light mentions and codes (for build_events)."""
    keys: list[Key] = []
    mentions: dict[str, Mention] = {}
    codes: dict[str, tuple[str, str]] = {}
    strings: dict[str, str] = {}  # one object per distinct name: participants repeat a lot

    def names(values: list[str]) -> list[str]:
        return [strings.setdefault(v, v) for v in values]

    for batch in table.to_batches(max_chunksize=65_536):
        cols = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        for i in range(batch.num_rows):
            fields = {name: cols[name][i] for name in _KEY_FIELDS}
            fields["participants"] = frozenset(names(fields["participants"]))
            fields["persons"] = frozenset(names(fields["persons"]))
            key = Key(**fields)
            keys.append(key)
            mid = key.mention_id
            mentions[mid] = Mention(
                mention_id=mid,
                article_id=key.article_id,
                event_type=cols["m_event_type"][i],
                status="occurred",
                trigger="",
                start=0,
                end=0,
                sentence=mid,  # a placeholder: see _deduplicate
                date_value=cols["m_date_value"][i],
                granularity=cols["m_granularity"][i],
                date_start=cols["m_date_start"][i],
                date_end=cols["m_date_end"][i],
                participants=tuple(names(cols["m_participants"][i])),
                location=cols["m_location"][i],
                published=cols["m_published"][i],
            )
            if cols["plover"][i] is not None:
                codes[mid] = (cols["plover"][i], cols["cameo"][i])
    return keys, mentions, codes


def _sentences(keys_path: Path, wanted: set[str]) -> dict[str, str]:
    """The sentences of the ``wanted`` mention ids, streamed from the keys file."""
    found: dict[str, str] = {}
    for batch in pq.ParquetFile(keys_path).iter_batches(columns=["mention_id", "m_sentence"]):
        ids = batch.column("mention_id").to_pylist()
        sentences = batch.column("m_sentence")
        for i, mid in enumerate(ids):
            if mid in wanted:
                found[mid] = sentences[i].as_py()
    return found
