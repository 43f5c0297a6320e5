"""Arrow schemas of the four output tables, and their Parquet I/O.

The schemas follow ``OUTPUT.md`` column for column; ``timexes`` has one extra
trailing column, ``rule_id``. Strings are plain ``string`` (not dictionary) so that
any Parquet reader, BI tools included, sees ordinary text columns.

Pandas frames use one convention everywhere, so a frame built here, written and
read back compares equal (``DataFrame.equals``/``assert_frame_equal``):

- ``string``, ``date32`` and ``list<string>`` columns are ``object`` columns of
  ``str``, ``datetime.date`` and ``list[str]`` values, missing ones ``None``;
- ``int32`` and ``float32`` columns use pandas' nullable ``Int32``/``Float32``
  dtypes, missing values ``<NA>``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import timeline
from timeline.model import ArticleStatus, Event, Mention, Timex

__all__ = [
    "ARTICLES_SCHEMA",
    "EVENTS_SCHEMA",
    "MENTIONS_SCHEMA",
    "METADATA_PREFIX",
    "SCHEMAS",
    "TIMEXES_SCHEMA",
    "articles_frame",
    "empty_frame",
    "events_frame",
    "events_table",
    "mentions_frame",
    "read_metadata",
    "read_table",
    "remove_stale_temporaries",
    "timexes_frame",
    "to_arrow",
    "to_frame",
    "write_tables",
]

_STR = pa.string()
_DATE = pa.date32()
_INT = pa.int32()
_FLOAT = pa.float32()
_STRS = pa.list_(pa.string())

EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", _STR),
        ("event_type", _STR),
        ("plover", _STR),
        ("cameo", _STR),
        ("date_value", _STR),
        ("date_start", _DATE),
        ("date_end", _DATE),
        ("granularity", _STR),
        ("location", _STR),
        ("participants", _STRS),
        ("n_mentions", _INT),
        ("n_articles", _INT),
        ("article_ids", _STRS),
        ("first_published", _DATE),
        ("summary", _STR),
    ]
)

MENTIONS_SCHEMA = pa.schema(
    [
        ("mention_id", _STR),
        ("article_id", _STR),
        ("event_id", _STR),
        ("event_type", _STR),
        ("status", _STR),
        ("trigger", _STR),
        ("sentence", _STR),
        ("char_start", _INT),
        ("char_end", _INT),
        ("date_value", _STR),
        ("granularity", _STR),
        ("date_start", _DATE),
        ("date_end", _DATE),
        ("timex_id", _STR),
        ("participants", _STRS),
        ("location", _STR),
        ("confidence", _FLOAT),
    ]
)

TIMEXES_SCHEMA = pa.schema(
    [
        ("timex_id", _STR),
        ("article_id", _STR),
        ("text", _STR),
        ("type", _STR),
        ("value", _STR),
        ("mod", _STR),
        ("granularity", _STR),
        ("char_start", _INT),
        ("char_end", _INT),
        ("anchor", _STR),
        ("date_start", _DATE),
        ("date_end", _DATE),
        ("rule_id", _STR),
    ]
)

ARTICLES_SCHEMA = pa.schema(
    [
        ("article_id", _STR),
        ("source_file", _STR),
        ("line", _INT),
        ("published", _DATE),
        ("status", _STR),
        ("reason", _STR),
        ("warnings", _STRS),
        ("n_timexes", _INT),
        ("n_mentions", _INT),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "timexes": TIMEXES_SCHEMA,
    "mentions": MENTIONS_SCHEMA,
    "events": EVENTS_SCHEMA,
    "articles": ARTICLES_SCHEMA,
}

METADATA_PREFIX = "timeline."

_NULLABLE_NUMBERS = {
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float32(): pd.Float32Dtype(),
    pa.float64(): pd.Float64Dtype(),
}


# -- building frames ---------------------------------------------------------------


def timex_row(t: Timex) -> dict[str, Any]:
    """One ``timexes`` row: ``start``/``end`` become ``char_start``/``char_end``,
    an empty ``rule_id`` (the dataclass default) null."""
    return {
        "timex_id": t.timex_id,
        "article_id": t.article_id,
        "text": t.text,
        "type": t.type,
        "value": t.value,
        "mod": t.mod,
        "granularity": t.granularity,
        "char_start": t.start,
        "char_end": t.end,
        "anchor": t.anchor,
        "date_start": t.date_start,
        "date_end": t.date_end,
        "rule_id": t.rule_id or None,
    }


def mention_row(m: Mention, event_id: str | None = None) -> dict[str, Any]:
    """One ``mentions`` row; ``event_id`` (when given) overrides the mention's own."""
    return {
        "mention_id": m.mention_id,
        "article_id": m.article_id,
        "event_id": event_id or m.event_id,
        "event_type": m.event_type,
        "status": m.status,
        "trigger": m.trigger,
        "sentence": m.sentence,
        "char_start": m.start,
        "char_end": m.end,
        "date_value": m.date_value,
        "granularity": m.granularity,
        "date_start": m.date_start,
        "date_end": m.date_end,
        "timex_id": m.timex_id,
        "participants": list(m.participants),
        "location": m.location,
        "confidence": m.confidence,
    }


def event_row(e: Event) -> dict[str, Any]:
    """One ``events`` row."""
    return {
        "event_id": e.event_id,
        "event_type": e.event_type,
        "plover": e.plover,
        "cameo": e.cameo,
        "date_value": e.date_value,
        "date_start": e.date_start,
        "date_end": e.date_end,
        "granularity": e.granularity,
        "location": e.location,
        "participants": list(e.participants),
        "n_mentions": e.n_mentions,
        "n_articles": e.n_articles,
        "article_ids": list(e.article_ids),
        "first_published": e.first_published,
        "summary": e.summary,
    }


def events_table(events: Iterable[Event]) -> pa.Table:
    """An Arrow ``events`` table, one row per :class:`Event` (the rows of :func:`event_row`).

    Built column by column: the engines make one for every block, and a dict
    per row cost more than the table itself.
    """
    events = list(events)
    columns: dict[str, list[Any]] = {
        name: [getattr(e, name) for e in events] for name in EVENTS_SCHEMA.names
    }
    for name in ("participants", "article_ids"):  # tuples in the model, lists in the table
        columns[name] = [list(v) for v in columns[name]]
    return pa.Table.from_pydict(columns, schema=EVENTS_SCHEMA)


def article_row(s: ArticleStatus, n_timexes: int | None, n_mentions: int | None) -> dict[str, Any]:
    """One row of the article report; counts are null for a skipped record."""
    return {
        "article_id": s.article_id,
        "source_file": s.source_file,
        "line": s.line,
        "published": s.published,
        "status": s.status,
        "reason": s.reason,
        "warnings": list(s.warnings),
        "n_timexes": n_timexes,
        "n_mentions": n_mentions,
    }


def rows_table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of ``schema`` from row dicts (the engine writes these as row groups)."""
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for row in rows:
        for name in schema.names:
            columns[name].append(row[name])
    return pa.Table.from_pydict(columns, schema=schema)


def timexes_frame(timexes: Iterable[Timex]) -> pd.DataFrame:
    """A ``timexes`` frame, one row per :class:`Timex` in the order given."""
    return to_frame(rows_table(map(timex_row, timexes), TIMEXES_SCHEMA))


def articles_frame(
    rows: Iterable[ArticleStatus],
    counts: Mapping[str, tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """The ``articles`` report frame, one row per :class:`ArticleStatus`.

    ``counts`` maps an article id to ``(n_timexes, n_mentions)``; an ok article
    missing from it counts ``(0, 0)``, a skipped record has null counts.
    """
    counts = counts or {}

    def row(s: ArticleStatus) -> dict[str, Any]:
        n = counts.get(s.article_id or "", (0, 0)) if s.status == "ok" else (None, None)
        return article_row(s, *n)

    return to_frame(rows_table(map(row, rows), ARTICLES_SCHEMA))


def mentions_frame(
    mentions: Iterable[Mention], event_ids: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A ``mentions`` frame, one row per :class:`Mention` in the order given.

    ``event_ids`` maps a mention id to the event it was merged into.
    """
    ids = event_ids or {}
    rows = (mention_row(m, ids.get(m.mention_id)) for m in mentions)
    return to_frame(rows_table(rows, MENTIONS_SCHEMA))


def events_frame(events: Iterable[Event]) -> pd.DataFrame:
    """An ``events`` frame, one row per :class:`Event` in the order given."""
    return to_frame(rows_table(map(event_row, events), EVENTS_SCHEMA))


def empty_frame(schema: pa.Schema) -> pd.DataFrame:
    """A frame with no rows and the columns and dtypes of ``schema``."""
    return to_frame(schema.empty_table())


# -- Arrow <-> pandas ----------------------------------------------------------------


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Convert an Arrow table to a frame following this module's dtype convention."""
    data = {
        field.name: _column_to_series(table.column(i), field.type)
        for i, field in enumerate(table.schema)
    }
    return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows))


def _column_to_series(column: pa.ChunkedArray, type_: pa.DataType) -> pd.Series:
    if type_ in _NULLABLE_NUMBERS:
        return column.to_pandas(types_mapper=_NULLABLE_NUMBERS.get)
    if _is_object_type(type_):
        # to_pylist keeps None (not NaN/NaT) and gives plain dates and lists.
        return pd.Series(column.to_pylist(), dtype=object)
    return column.to_pandas()


def _is_object_type(type_: pa.DataType) -> bool:
    return (
        pa.types.is_string(type_)
        or pa.types.is_large_string(type_)
        or pa.types.is_dictionary(type_)
        or pa.types.is_date(type_)
        or pa.types.is_list(type_)
        or pa.types.is_large_list(type_)
    )


def to_arrow(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """Convert ``df`` to an Arrow table with exactly ``schema`` (names, order, types).

    The frame must have exactly the schema's columns (any order; the index is
    ignored). Missing values may be ``None``, ``NaN``, ``NaT`` or ``pd.NA``. Date
    columns take ``datetime.date``, ``datetime``/``Timestamp`` (their date) or ISO
    strings; list columns take lists, tuples or arrays of strings. Raises
    ``ValueError`` on a column mismatch and ``TypeError``/``pa.ArrowException`` on a
    value that does not fit its type (e.g. 1.5 in an int32 column).
    """
    missing = [name for name in schema.names if name not in df.columns]
    extra = [str(name) for name in df.columns if name not in schema.names]
    if missing or extra:
        raise ValueError(f"frame does not match schema: missing {missing}, unexpected {extra}")
    arrays = [_series_to_array(df[field.name], field) for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _series_to_array(series: pd.Series, field: pa.Field) -> pa.Array:
    type_ = field.type
    try:
        if pa.types.is_date(type_):
            return pa.array([_to_date(v) for v in series], type=type_)
        if pa.types.is_list(type_):
            return pa.array([_to_list(v) for v in series], type=type_)
        return pa.array(series, type=type_, from_pandas=True)
    except (TypeError, ValueError, pa.ArrowException) as exc:
        raise type(exc)(f"column {field.name!r}: {exc}") from exc


def _is_null(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _to_date(value: Any) -> dt.date | None:
    if _is_null(value):
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp included; checked before date
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"not a date: {value!r}")


def _to_list(value: Any) -> list[Any] | None:
    if _is_null(value):
        return None
    if isinstance(value, str | bytes):
        # A bare string would silently become a list of characters.
        raise TypeError(f"expected a list of strings, got a string: {value!r}")
    return list(value)


# -- Parquet I/O ---------------------------------------------------------------------


def write_tables(
    folder: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame],
    *,
    run_info: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write each frame to ``<folder>/<name>.parquet`` with its schema, atomically.

    ``tables`` keys are any of ``timexes``, ``mentions``, ``events``, ``articles``.
    Every frame is converted first, then written to a hidden temporary file in
    ``folder``; only when all are written are they renamed over the final names
    (``os.replace``). On a failure before that, the temporaries are removed and
    the previous outputs are untouched. Each file is replaced atomically, so no
    half-written file is ever visible; a failure of the rename step itself (very
    unlikely on a local disk) could leave some tables new and others old.

    Each file's key-value metadata holds ``timeline.version``,
    ``timeline.schema_version``, ``timeline.table`` and ``timeline.run.<key>`` for
    each ``run_info`` entry. Returns the final path of each table written.
    """
    unknown = sorted(set(tables) - set(SCHEMAS))
    if unknown:
        raise ValueError(f"unknown tables {unknown}; expected some of {sorted(SCHEMAS)}")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    # Convert everything before touching the disk: a bad frame fails the run early.
    arrow = {
        name: _with_metadata(to_arrow(tables[name], SCHEMAS[name]), name, run_info)
        for name in sorted(tables)
    }
    temps: dict[str, Path] = {}
    try:
        for name, table in arrow.items():
            temps[name] = out / f".{name}.parquet.{secrets.token_hex(8)}.tmp"
            _write_parquet(table, temps[name])
        written: dict[str, Path] = {}
        for name, tmp in temps.items():
            final = out / f"{name}.parquet"
            os.replace(tmp, final)
            written[name] = final
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(out)
    return written


# Hidden temporaries of write_tables and engine.run: ".<name>.parquet.<16 hex>.tmp",
# ".mentions-staged.<16 hex>.tmp", ".dedup-keys.<16 hex>.tmp".
_TEMPORARY = re.compile(r"\.[a-z][a-z-]*(?:\.parquet)?\.[0-9a-f]{16}\.tmp")


def remove_stale_temporaries(folder: str | os.PathLike[str], older_than: float) -> list[Path]:
    """Remove the hidden temporaries a killed run left in ``folder``; return them.

    Only files named like this library's temporaries and last modified before
    ``older_than`` (a ``time.time()`` value, e.g. when the current run started)
    are removed, so a run writing into the same folder at the same time keeps
    its own (they are written to as it goes). A run that is killed (SIGKILL,
    power loss) cannot clean up after itself; its temporaries are never visible
    as outputs, and the next ``timeline extract`` into the folder removes them.
    """
    removed = []
    for path in Path(folder).iterdir():
        if not _TEMPORARY.fullmatch(path.name):
            continue
        try:
            if path.stat().st_mtime >= older_than:
                continue
            if path.is_dir():  # the engine's dedup scratch folder
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:  # gone already, or not ours to remove: leave it
            continue
    return removed


def _with_metadata(table: pa.Table, name: str, run_info: Mapping[str, str] | None) -> pa.Table:
    meta = {
        f"{METADATA_PREFIX}version": timeline.__version__,
        f"{METADATA_PREFIX}schema_version": timeline.SCHEMA_VERSION,
        f"{METADATA_PREFIX}table": name,
    }
    for key, value in (run_info or {}).items():
        meta[f"{METADATA_PREFIX}run.{key}"] = str(value)
    return table.replace_schema_metadata(meta)


def _write_parquet(table: pa.Table, path: Path) -> None:
    # "xb" never clobbers another writer's file and, unlike mkstemp, honours the umask.
    with path.open("xb") as handle:
        pq.write_table(table, handle)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable where the platform allows opening a directory."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_table(path_or_folder: str | os.PathLike[str], name: str | None = None) -> pd.DataFrame:
    """Read a table written by :func:`write_tables` back into a frame.

    Give a ``.parquet`` file, or a folder and the table ``name``. A known table
    (from ``name``, else the file's ``timeline.table`` metadata, else its stem) is
    cast to its schema, so files whose strings were written as dictionaries or
    large strings read the same; its columns come in schema order.
    """
    path = Path(path_or_folder)
    if path.is_dir():
        if name is None:
            raise ValueError(f"{path} is a folder: give the table name too")
        path = path / f"{name}.parquet"
    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    table_name = name or meta.get(f"{METADATA_PREFIX}table".encode(), b"").decode() or path.stem
    schema = SCHEMAS.get(table_name)
    if schema is not None:
        table = _conform(table, schema, path)
    return to_frame(table)


def _conform(table: pa.Table, schema: pa.Schema, path: Path) -> pa.Table:
    missing = [n for n in schema.names if n not in table.column_names]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    return table.select(schema.names).cast(schema)


def read_metadata(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``timeline.*`` key-value metadata of a Parquet file."""
    meta = pq.read_schema(path).metadata or {}
    return {
        k.decode(): v.decode()
        for k, v in meta.items()
        if k.decode(errors="replace").startswith(METADATA_PREFIX)
    }
