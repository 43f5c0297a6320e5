"""Spilled runs read back by value: the local engine's read_piece and a task's Readers."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa

from timeline.spill import Readers, Spill, close_readers, read_piece

SCHEMA = pa.schema([("block", pa.string()), ("row", pa.int64())])


def spilled(folder: Path) -> list:
    spill = Spill(folder, SCHEMA, "block", budget=1)  # a run every write
    for start in range(0, 60, 7):
        rows = range(start, min(start + 7, 60))
        spill.write(pa.table({"block": [f"b{r % 3}" for r in rows], "row": list(rows)}, SCHEMA))
    return spill.pieces()


def test_a_value_keeps_the_order_its_rows_came_in(tmp_path: Path) -> None:
    pieces = spilled(tmp_path)
    assert [p.value for p in pieces] == ["b0", "b1", "b2"]
    for n, piece in enumerate(pieces):
        assert read_piece(piece).column("row").to_pylist() == list(range(n, 60, 3))
    close_readers(tmp_path)


def test_readers_read_the_same_rows_and_close_their_files(tmp_path: Path) -> None:
    pieces = spilled(tmp_path)
    with Readers() as runs:
        for piece in pieces:
            assert runs.read(piece).equals(read_piece(piece))
        opened = list(runs._open.values())
    assert opened and all(source.closed for source, _ in opened)
    close_readers(tmp_path)


def test_tasks_in_threads_do_not_close_each_others_files(tmp_path: Path) -> None:
    # one Dask worker may run two tasks at once; a task's end closes only its files
    pieces = spilled(tmp_path)
    expected = [read_piece(p) for p in pieces]
    close_readers(tmp_path)
    failures: list[BaseException] = []

    def task() -> None:
        try:
            for _ in range(50):
                with Readers() as runs:
                    got = [runs.read(p) for p in pieces]
                assert all(g.equals(e) for g, e in zip(got, expected, strict=True))
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=task) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
