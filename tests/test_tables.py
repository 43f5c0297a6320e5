"""Tests of the output schemas and of their Parquet I/O."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import timeline
from timeline import tables
from timeline.model import ArticleStatus, Timex
from timeline.tables import (
    ARTICLES_SCHEMA,
    EVENTS_SCHEMA,
    MENTIONS_SCHEMA,
    SCHEMAS,
    TIMEXES_SCHEMA,
    articles_frame,
    empty_frame,
    read_metadata,
    read_table,
    timexes_frame,
    to_arrow,
    write_tables,
)

S, D, I32, F32, L = pa.string(), pa.date32(), pa.int32(), pa.float32(), pa.list_(pa.string())

# Spelled out from OUTPUT.md, independently of the module.
EXPECTED = {
    "events": [
        ("event_id", S),
        ("event_type", S),
        ("plover", S),
        ("cameo", S),
        ("date_value", S),
        ("date_start", D),
        ("date_end", D),
        ("granularity", S),
        ("location", S),
        ("participants", L),
        ("n_mentions", I32),
        ("n_articles", I32),
        ("article_ids", L),
        ("first_published", D),
        ("summary", S),
    ],
    "mentions": [
        ("mention_id", S),
        ("article_id", S),
        ("event_id", S),
        ("event_type", S),
        ("status", S),
        ("trigger", S),
        ("sentence", S),
        ("char_start", I32),
        ("char_end", I32),
        ("date_value", S),
        ("granularity", S),
        ("date_start", D),
        ("date_end", D),
        ("timex_id", S),
        ("participants", L),
        ("location", S),
        ("confidence", F32),
    ],
    "timexes": [
        ("timex_id", S),
        ("article_id", S),
        ("text", S),
        ("type", S),
        ("value", S),
        ("mod", S),
        ("granularity", S),
        ("char_start", I32),
        ("char_end", I32),
        ("anchor", S),
        ("date_start", D),
        ("date_end", D),
        ("rule_id", S),
    ],
    "articles": [
        ("article_id", S),
        ("source_file", S),
        ("line", I32),
        ("published", D),
        ("status", S),
        ("reason", S),
        ("warnings", L),
        ("n_timexes", I32),
        ("n_mentions", I32),
    ],
}
NAMES = list(EXPECTED)


def sample_timexes() -> list[Timex]:
    return [
        Timex(
            "seed-000-t1",
            "seed-000",
            "27 أبريل الماضي",
            261,
            276,
            "DATE",
            "2021-04-27",
            None,
            "day",
            dt.date(2021, 4, 27),
            dt.date(2021, 4, 27),
            rule_id="day_month_past",
        ),
        Timex(
            "seed-000-t2", "seed-000", "مؤخرا", 78, 83, "DATE", "PAST_REF", None, "ref", None, None
        ),
    ]


def sample_statuses() -> list[ArticleStatus]:
    return [
        ArticleStatus("a1", "c.jsonl", 1, dt.date(2021, 6, 24), "ok"),
        ArticleStatus(
            "a2", "c.jsonl", 2, dt.date(2021, 6, 24), "ok", None, ("published_dd_mm_yyyy",)
        ),
        ArticleStatus(None, "c.jsonl", 3, None, "skipped", "bad_json"),
        ArticleStatus("t1", "t.txt", None, dt.date(2021, 1, 1), "skipped", "empty_text"),
    ]


def sample_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": ["e1", "e2"],
            "event_type": ["MEET", "ATTACK"],
            "plover": ["CONSULT", None],
            "cameo": ["04", "19"],
            "date_value": ["2021-06-23", None],
            "date_start": [dt.date(2021, 6, 23), None],
            "date_end": [dt.date(2021, 6, 23), None],
            "granularity": ["day", None],
            "location": [None, "غزة"],
            "participants": [["إسرائيل", "الولايات المتحدة"], []],
            "n_mentions": [2, 1],
            "n_articles": [2, 1],
            "article_ids": [["seed-000", "seed-001"], ["seed-002"]],
            "first_published": [dt.date(2021, 6, 24), dt.date(2024, 6, 13)],
            "summary": ["جملة", "أخرى"],
        }
    )


def sample_mentions() -> pd.DataFrame:
    row = {name: [None] for name in MENTIONS_SCHEMA.names}
    row.update(
        mention_id=["m1"],
        article_id=["seed-000"],
        event_type=["MEET"],
        status=["planned"],
        char_start=[10],
        char_end=[15],
        participants=[["إيران"]],
        confidence=[0.75],
    )
    return pd.DataFrame(row)


def all_frames() -> dict[str, pd.DataFrame]:
    return {
        "timexes": timexes_frame(sample_timexes()),
        "mentions": sample_mentions(),
        "events": sample_events(),
        "articles": articles_frame(sample_statuses(), {"a1": (3, 1)}),
    }


# -- schemas --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_schemas_match_output_md_exactly(name: str) -> None:
    schema = SCHEMAS[name]
    assert [(f.name, f.type) for f in schema] == EXPECTED[name]
    assert {
        "timexes": TIMEXES_SCHEMA,
        "mentions": MENTIONS_SCHEMA,
        "events": EVENTS_SCHEMA,
        "articles": ARTICLES_SCHEMA,
    }[name] is schema


@pytest.mark.parametrize("name", NAMES)
def test_written_files_have_exact_types_for_any_parquet_reader(tmp_path: Path, name: str) -> None:
    paths = write_tables(tmp_path, all_frames())
    table = pq.read_table(paths[name])
    assert [(f.name, f.type) for f in table.schema] == EXPECTED[name]
    assert table.num_rows == len(all_frames()[name])


# -- frames -------------------------------------------------------------------------------


def test_timexes_frame() -> None:
    df = timexes_frame(sample_timexes())
    assert list(df.columns) == TIMEXES_SCHEMA.names
    first = df.iloc[0]
    assert (first.char_start, first.char_end) == (261, 276)
    assert first.date_start == dt.date(2021, 4, 27)
    assert first.rule_id == "day_month_past"
    second = df.iloc[1]
    assert second.date_start is None and second.anchor == "dct" and second.rule_id is None
    assert str(df["char_start"].dtype) == "Int32"
    assert to_arrow(df, TIMEXES_SCHEMA).schema.equals(TIMEXES_SCHEMA)


def test_articles_frame_counts() -> None:
    df = articles_frame(sample_statuses(), {"a1": (3, 1), "t1": (9, 9)})
    assert df["n_timexes"].tolist() == [3, 0, pd.NA, pd.NA]
    assert df["n_mentions"].tolist() == [1, 0, pd.NA, pd.NA]
    assert df["warnings"].tolist() == [[], ["published_dd_mm_yyyy"], [], []]
    assert df["line"].tolist() == [1, 2, 3, pd.NA]
    assert df["published"].tolist()[2:] == [None, dt.date(2021, 1, 1)]
    assert df["reason"].tolist() == [None, None, "bad_json", "empty_text"]


def test_to_arrow_accepts_everyday_pandas_values() -> None:
    df = pd.DataFrame(
        {
            "article_id": pd.array(["a", None], dtype="string"),
            "source_file": ["f.jsonl", "f.jsonl"],
            "line": [1.0, np.nan],  # an int column that picked up a NaN
            "published": pd.to_datetime(["2021-06-24 23:30", None]),
            "status": ["ok", "skipped"],
            "reason": [np.nan, "bad_date"],
            "warnings": [("w",), np.array(["x", "y"])],
            "n_timexes": pd.array([2, None], dtype="Int64"),
            "n_mentions": [None, None],
        },
        index=[10, 20],
    )
    table = to_arrow(df, ARTICLES_SCHEMA)
    assert table.schema.equals(ARTICLES_SCHEMA)
    assert table.to_pylist() == [
        {
            "article_id": "a",
            "source_file": "f.jsonl",
            "line": 1,
            "published": dt.date(2021, 6, 24),
            "status": "ok",
            "reason": None,
            "warnings": ["w"],
            "n_timexes": 2,
            "n_mentions": None,
        },
        {
            "article_id": None,
            "source_file": "f.jsonl",
            "line": None,
            "published": None,
            "status": "skipped",
            "reason": "bad_date",
            "warnings": ["x", "y"],
            "n_timexes": None,
            "n_mentions": None,
        },
    ]


@pytest.mark.parametrize("name", NAMES)
def test_to_arrow_on_empty_and_all_none_frames(name: str) -> None:
    schema = SCHEMAS[name]
    empty = to_arrow(empty_frame(schema), schema)
    assert empty.schema.equals(schema) and empty.num_rows == 0
    nones = to_arrow(pd.DataFrame({n: [None, None] for n in schema.names}), schema)
    assert nones.schema.equals(schema)
    assert nones.num_rows == 2 and all(c.null_count == 2 for c in nones.columns)
    bare = to_arrow(pd.DataFrame(columns=list(reversed(schema.names))), schema)
    assert bare.schema.equals(schema) and bare.num_rows == 0


def test_to_arrow_rejects_mismatches() -> None:
    df = articles_frame(sample_statuses())
    with pytest.raises(ValueError, match="missing"):
        to_arrow(df.drop(columns=["status"]), ARTICLES_SCHEMA)
    with pytest.raises(ValueError, match="unexpected"):
        to_arrow(df.assign(extra=1), ARTICLES_SCHEMA)
    with pytest.raises(TypeError, match="warnings"):
        to_arrow(df.assign(warnings="not a list"), ARTICLES_SCHEMA)
    with pytest.raises(pa.ArrowInvalid):
        to_arrow(df.assign(line=1.5), ARTICLES_SCHEMA)


# -- writing and reading -------------------------------------------------------------------


def test_metadata_keys(tmp_path: Path) -> None:
    paths = write_tables(
        tmp_path, all_frames(), run_info={"input": "data/raw", "now": "2025-01-01"}
    )
    assert set(paths) == set(NAMES)
    for name, path in paths.items():
        assert path == tmp_path / f"{name}.parquet"
        assert read_metadata(path) == {
            "timeline.version": timeline.__version__,
            "timeline.schema_version": timeline.SCHEMA_VERSION,
            "timeline.table": name,
            "timeline.run.input": "data/raw",
            "timeline.run.now": "2025-01-01",
        }


@pytest.mark.parametrize("name", NAMES)
def test_round_trip(tmp_path: Path, name: str) -> None:
    frames = all_frames()
    write_tables(tmp_path / "out", {name: frames[name]})
    expected = tables.to_frame(to_arrow(frames[name], SCHEMAS[name]))
    by_folder = read_table(tmp_path / "out", name)
    pd.testing.assert_frame_equal(by_folder, expected)
    pd.testing.assert_frame_equal(read_table(tmp_path / "out" / f"{name}.parquet"), expected)


def test_round_trip_keeps_python_values(tmp_path: Path) -> None:
    frames = {
        "timexes": timexes_frame(sample_timexes()),
        "articles": articles_frame(sample_statuses()),
    }
    write_tables(tmp_path, frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(read_table(tmp_path, name), frame)
    timexes = read_table(tmp_path, "timexes")
    assert type(timexes.loc[0, "date_start"]) is dt.date
    assert timexes.loc[1, "date_start"] is None
    events = write_tables(tmp_path, {"events": sample_events()})["events"]
    participants = read_table(events)["participants"].tolist()
    assert participants == [["إسرائيل", "الولايات المتحدة"], []]
    assert all(type(p) is list for p in participants)


def test_empty_tables(tmp_path: Path) -> None:
    paths = write_tables(tmp_path, {name: empty_frame(SCHEMAS[name]) for name in NAMES})
    for name, path in paths.items():
        table = pq.read_table(path)
        assert table.num_rows == 0
        assert [(f.name, f.type) for f in table.schema] == EXPECTED[name]
        pd.testing.assert_frame_equal(read_table(path), empty_frame(SCHEMAS[name]))


def test_read_table_casts_dictionary_strings(tmp_path: Path) -> None:
    table = to_arrow(articles_frame(sample_statuses()), ARTICLES_SCHEMA)
    encoded = table.set_column(4, "status", pc.dictionary_encode(table.column("status")))
    pq.write_table(encoded, tmp_path / "articles.parquet")
    df = read_table(tmp_path / "articles.parquet")
    pd.testing.assert_frame_equal(df, articles_frame(sample_statuses()))


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown tables"):
        write_tables(tmp_path, {"evnets": sample_events()})
    with pytest.raises(ValueError, match="table name"):
        read_table(tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- atomicity ------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_failed_write_leaves_previous_output_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_tables(out, all_frames(), run_info={"run": "1"})
    before = snapshot(out)
    real_write = tables._write_parquet
    calls = []

    def failing_write(table: pa.Table, path: Path) -> None:
        calls.append(path)
        if len(calls) == 3:
            path.write_bytes(b"PAR1 half a file")  # a crash part-way through a file
            raise OSError("disk full")
        real_write(table, path)

    monkeypatch.setattr(tables, "_write_parquet", failing_write)
    changed = all_frames()
    changed["articles"] = articles_frame(sample_statuses()[:1])
    with pytest.raises(OSError, match="disk full"):
        write_tables(out, changed, run_info={"run": "2"})
    assert len(calls) == 3
    assert all(p.parent == out and p.name.startswith(".") for p in calls)
    assert snapshot(out) == before  # same files, same bytes, no temporary left
    assert len(read_table(out, "articles")) == len(sample_statuses())


def test_failed_rename_removes_temporaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tables(tmp_path, all_frames())
    before = snapshot(tmp_path)

    def failing_replace(src: object, dst: object) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(tables.os, "replace", failing_replace)
    with pytest.raises(OSError, match="rename failed"):
        write_tables(tmp_path, all_frames())
    assert snapshot(tmp_path) == before


def test_bad_frame_writes_nothing(tmp_path: Path) -> None:
    write_tables(tmp_path, all_frames())
    before = snapshot(tmp_path)
    broken = all_frames()
    broken["mentions"] = broken["mentions"].drop(columns=["confidence"])
    with pytest.raises(ValueError, match="confidence"):
        write_tables(tmp_path, broken)
    assert snapshot(tmp_path) == before


def test_write_creates_folder_and_replaces_contents(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    write_tables(out, {"articles": articles_frame(sample_statuses())})
    write_tables(out, {"articles": articles_frame(sample_statuses()[:2])})
    assert len(read_table(out, "articles")) == 2
    assert [p.name for p in out.iterdir()] == ["articles.parquet"]
