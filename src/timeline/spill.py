"""Scratch tables on disk, read back by the values of one column in bounded memory.

The local engine spills rows it reads back later one value at a time: the
deduplication keys by block, the events by the month they sort in, the event
ids by piece of the mentions. :class:`Spill` is an external sort by that
column: rows are buffered until they take ``budget`` bytes, then the buffer is
sorted by the column (stably: a value's rows keep the order they came in) and
written as a *run*, an Arrow IPC file holding each value's rows in consecutive
record batches. A value's rows are those of every run, in run order: its
:class:`Piece`, which any process can read (:func:`read_piece`), without the
column itself.

Why runs of IPC files rather than ``pyarrow.dataset.write_dataset`` with one
folder per value (the previous layout): the dataset writer keeps every open
file's rows in memory until it has a whole row group (a million rows by
default), so with hundreds of blocks of a few thousand rows it held nearly the
whole scratch file (~0.5 GB of the parent's 1 GB at 100k articles); capping
its open files instead made thousands of tiny files. Here memory is one buffer
and one piece, and the files are one per run. IPC rather than Parquet: scratch
is read once, so encoding and compression would be wasted work, and a record
batch is read by offset without decoding its neighbours.

:class:`Staged` is the plain form: tables appended in order and read back in
that order (the mentions waiting for their event ids).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["BUDGET", "Piece", "Readers", "Spill", "Staged", "close_readers", "read_piece"]

BUDGET = 16 << 20
"""Bytes of rows a :class:`Spill` buffers before it writes a run."""


@dataclass(frozen=True)
class Piece:
    """The rows of one value: ``(file, first batch, batches)`` of each run holding some."""

    value: Any
    parts: tuple[tuple[str, int, int], ...]
    rows: int


class Spill:
    """Rows spilled to ``folder`` in runs sorted by ``column`` (see the module docstring)."""

    def __init__(
        self, folder: Path, schema: pa.Schema, column: str, budget: int | None = None
    ) -> None:
        self.folder = folder
        self.schema = schema
        self.column = column
        self.rows = 0
        self._budget = BUDGET if budget is None else budget
        self._pending: list[pa.Table] = []
        self._bytes = 0
        # value → [(run file, first batch, batches, rows), ...], in run order
        self._index: dict[Any, list[tuple[str, int, int, int]]] = {}
        self._runs = 0
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, table: pa.Table) -> None:
        if not table.num_rows:
            return
        if not table.schema.equals(self.schema):
            table = table.select(self.schema.names).cast(self.schema)
        self._pending.append(table)
        self._bytes += table.nbytes
        self.rows += table.num_rows
        if self._bytes >= self._budget:
            self.flush()
            # the sort's copies are freed now: hand their pages back rather than
            # keep them in the allocator (a flush briefly holds about three buffers)
            pa.default_memory_pool().release_unused()

    def flush(self) -> None:
        """Write the buffered rows as one run."""
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        self._pending, self._bytes = [], 0
        table = table.take(pc.sort_indices(table, sort_keys=[(self.column, "ascending")]))
        counts = pc.value_counts(table.column(self.column))  # sorted: in order of appearance
        table = table.drop_columns([self.column]).combine_chunks()
        path = str(self.folder / f"run-{self._runs:05d}.arrow")
        self._runs += 1
        batch = start = 0
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            for value, n in zip(
                counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True
            ):
                batches = table.slice(start, n).to_batches()
                for b in batches:
                    writer.write_batch(b)
                self._index.setdefault(value, []).append((path, batch, len(batches), n))
                batch += len(batches)
                start += n

    def pieces(self) -> list[Piece]:
        """Every value's piece, in the column's order; flushes the buffer first."""
        self.flush()
        return [
            Piece(value, tuple(p[:3] for p in parts), sum(p[3] for p in parts))
            for value, parts in sorted(self._index.items(), key=lambda item: item[0])
        ]


class Staged:
    """Tables appended to one IPC file and read back, batch by batch, in that order."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        self._sink = pa.OSFile(str(path), "wb")
        self._writer = pa.ipc.new_file(self._sink, schema)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            if not table.schema.equals(self.schema):
                table = table.select(self.schema.names).cast(self.schema)
            self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = None  # type: ignore[assignment]

    def batches(self) -> Iterator[pa.RecordBatch]:
        self.close()
        with pa.OSFile(str(self.path)) as source:
            reader = pa.ipc.open_file(source)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i)


# Open run files of this process: a block's piece has a batch in most runs, and
# opening a file reads its footer. Keyed by process id, so that a forked worker
# never shares a parent's file object.
_READERS: dict[str, tuple[int, pa.OSFile, pa.ipc.RecordBatchFileReader]] = {}


def read_piece(piece: Piece) -> pa.Table:
    """The rows of ``piece`` as one table, in the order they were written."""
    return _gather(piece, _reader)


def _gather(piece: Piece, reader: Callable[[str], pa.ipc.RecordBatchFileReader]) -> pa.Table:
    batches: list[pa.RecordBatch] = []
    for path, first, count in piece.parts:
        opened = reader(path)
        batches.extend(opened.get_batch(i) for i in range(first, first + count))
    return pa.Table.from_batches(batches)


class Readers:
    """Run files opened for one piece of work and closed after it (``with``).

    :func:`read_piece` keeps a process's files open until :func:`close_readers`;
    a Dask worker runs tasks of several runs, possibly in threads, so each task
    keeps its own files instead.
    """

    def __init__(self) -> None:
        self._open: dict[str, tuple[pa.OSFile, pa.ipc.RecordBatchFileReader]] = {}

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, *exc: object) -> None:
        for source, _ in self._open.values():
            source.close()
        self._open.clear()

    def read(self, piece: Piece) -> pa.Table:
        """The rows of ``piece``, as :func:`read_piece` gives them."""
        return _gather(piece, self._reader)

    def _reader(self, path: str) -> pa.ipc.RecordBatchFileReader:
        found = self._open.get(path)
        if found is None:
            source = pa.OSFile(path)
            found = self._open[path] = (source, pa.ipc.open_file(source))
        return found[1]


def _reader(path: str) -> pa.ipc.RecordBatchFileReader:
    found = _READERS.get(path)
    if found is None or found[0] != os.getpid():
        source = pa.OSFile(path)
        found = (os.getpid(), source, pa.ipc.open_file(source))
        _READERS[path] = found
    return found[2]


def close_readers(folder: Path) -> None:
    """Close this process's run files under ``folder`` (before it is removed)."""
    prefix = str(folder) + os.sep
    for path in [p for p in _READERS if p.startswith(prefix)]:
        pid, source, _ = _READERS.pop(path)
        if pid == os.getpid():
            source.close()
