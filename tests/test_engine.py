"""The streaming, multi-process engine gives exactly what ``pipeline.extract`` gives."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from timeline import dedup_pool, engine, pipeline, spill, tables
from timeline.corpus import read_corpus

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
NOW = dt.date(2030, 1, 1)


def _assert_same(out: Path, expected: pipeline.Result) -> None:
    """Every table equal to extract's, row for row, and the same file metadata."""
    for name in engine.OUTPUTS:
        got = tables.read_table(out, name)
        pd.testing.assert_frame_equal(got, getattr(expected, name), check_exact=True)


def _metadata_of_to_parquet(expected: pipeline.Result, folder: Path) -> dict[str, dict]:
    expected.to_parquet(folder)
    return {n: tables.read_metadata(folder / f"{n}.parquet") for n in engine.OUTPUTS}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few hundred articles: the seeds again and again with new ids and dates, and
    some bad records (bad JSON, no date, bad date, empty text, duplicate id)."""
    seeds = [a for a, _ in read_corpus(RAW) if a is not None]
    folder = tmp_path_factory.mktemp("generated")
    lines: list[str] = []
    for i in range(300):
        seed = seeds[i % len(seeds)]
        shift = dt.timedelta(days=7 * (i // len(seeds)))  # weeks: weekday names still fit
        record = {"id": f"{seed.id}-{i}", "published": (seed.published + shift).isoformat()}
        lines.append(json.dumps({**record, "text": seed.text}, ensure_ascii=False))
        if i % 50 == 7:
            lines.append("{not json")
            lines.append(json.dumps({"id": f"nodate-{i}", "text": seed.text}))
            lines.append(json.dumps({"id": f"bad-{i}", "published": "soon", "text": "x"}))
            lines.append(json.dumps({"id": f"empty-{i}", "published": "2021-01-01", "text": ""}))
            lines.append(json.dumps({**record, "text": "مكرر"}))  # duplicate id
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def generated_expected(generated: Path) -> pipeline.Result:
    return pipeline.extract(generated, now=NOW)


@pytest.fixture(scope="module")
def raw_expected() -> pipeline.Result:
    return pipeline.extract(RAW)


@pytest.mark.parametrize("workers", [1, 2])
def test_raw_corpus_equals_extract(
    tmp_path: Path, workers: int, raw_expected: pipeline.Result
) -> None:
    summary = engine.run(RAW, tmp_path, workers=workers)
    _assert_same(tmp_path, raw_expected)
    assert summary.workers == workers
    assert summary.records == len(raw_expected.articles)
    assert summary.events == len(raw_expected.events)
    assert summary.mentions == len(raw_expected.mentions)
    expected_meta = _metadata_of_to_parquet(raw_expected, tmp_path / "reference")
    for name in engine.OUTPUTS:
        assert tables.read_metadata(tmp_path / f"{name}.parquet") == expected_meta[name]


@pytest.mark.parametrize("workers", [1, 2])
def test_generated_corpus_equals_extract(
    tmp_path: Path, generated: Path, generated_expected: pipeline.Result, workers: int
) -> None:
    summary = engine.run(generated, tmp_path, workers=workers, chunk_size=32, now=NOW)
    _assert_same(tmp_path, generated_expected)
    # The corpus really exercises the interesting parts.
    articles = generated_expected.articles
    assert set(articles["reason"].dropna()) >= {
        "bad_json",
        "missing_date",
        "bad_date",
        "empty_text",
        "duplicate_id",
    }
    assert (generated_expected.events["n_articles"] > 1).any()
    assert summary.articles_ok == int((articles["status"] == "ok").sum())
    assert tables.read_metadata(tmp_path / "events.parquet")["timeline.run.now"] == "2030-01-01"


@pytest.mark.parametrize(("workers", "chunk_size"), [(1, 1), (2, 1), (1, 7), (2, 7)])
def test_chunk_boundaries_do_not_matter(
    tmp_path: Path,
    generated: Path,
    generated_expected: pipeline.Result,
    workers: int,
    chunk_size: int,
) -> None:
    engine.run(generated, tmp_path, workers=workers, chunk_size=chunk_size, now=NOW)
    _assert_same(tmp_path, generated_expected)


def test_parquet_input(tmp_path: Path, raw_expected: pipeline.Result) -> None:
    """A Parquet corpus with the JSONL columns is read (in batches) like any other."""
    rows = [
        {"id": a.id, "published": a.published.isoformat(), "text": a.text}
        for a, _ in read_corpus(RAW)
        if a is not None
    ]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pq.write_table(pa.Table.from_pylist(rows), corpus / "news.parquet", row_group_size=2)
    out = tmp_path / "out"
    engine.run(corpus, out, workers=2, chunk_size=2)
    expected = pipeline.extract(corpus)
    _assert_same(out, expected)
    # Same rows as the seeds themselves, only the report's source differs.
    for name in ("timexes", "mentions", "events"):
        pd.testing.assert_frame_equal(tables.read_table(out, name), getattr(raw_expected, name))
    assert set(tables.read_table(out, "articles")["source_file"]) == {"news.parquet"}


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# Where a run can fail after extraction: sorting the events in the final pass, and
# a block in a deduplication worker (forked workers see the patch too).
_LATE_FAILURES = [
    pytest.param(engine, "sort_events", id="final-pass"),
    pytest.param(dedup_pool, "settle_block", id="deduplicating"),
]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(("module", "name"), _LATE_FAILURES)
def test_failure_after_extraction_leaves_previous_outputs(
    tmp_path: Path,
    generated: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
    module: object,
    name: str,
) -> None:
    engine.run(RAW, tmp_path, workers=1)
    before = _outputs(tmp_path)

    def broken(_):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(module, name, broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        engine.run(generated, tmp_path, workers=workers, chunk_size=16, now=NOW)
    assert _outputs(tmp_path) == before  # no temporaries left, old files untouched


def test_failure_while_extracting_leaves_previous_outputs(
    tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.run(RAW, tmp_path, workers=1)
    before = _outputs(tmp_path)
    calls = iter(range(1000))

    def flaky(records):
        if next(calls) == 3:
            raise RuntimeError("worker crashed")
        return real(records)

    real = engine.process_chunk
    monkeypatch.setattr(engine, "process_chunk", flaky)
    with pytest.raises(RuntimeError, match="worker crashed"):
        engine.run(generated, tmp_path, workers=1, chunk_size=16, now=NOW)
    assert _outputs(tmp_path) == before


def test_reading_is_lazy(tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records are read only a bounded number of chunks ahead of what is written."""
    read = 0
    lead = 0
    done = 0

    def counting(source, *, now=None) -> Iterator:
        nonlocal read, lead
        for record in read_corpus(source, now=now):
            read += 1
            lead = max(lead, read - done)
            yield record

    write = engine._Batched.write

    def writing(self, table) -> None:
        nonlocal done
        if "source_file" in table.column_names:  # the article report: one row a record
            done += table.num_rows
        write(self, table)

    monkeypatch.setattr(engine, "read_corpus", counting)
    monkeypatch.setattr(engine._Batched, "write", writing)
    chunk = 10
    for workers in (1, 2):
        read = lead = done = 0
        summary = engine.run(generated, tmp_path, workers=workers, chunk_size=chunk, now=NOW)
        assert read == summary.records > 300
        # workers=1: one chunk at a time; a pool: at most 2 per worker in flight,
        # plus the one the parent is writing and the one being gathered.
        limit = chunk if workers == 1 else (2 * workers + 2) * chunk
        assert lead <= limit < summary.records


def test_read_corpus_is_a_generator(generated: Path) -> None:
    records = read_corpus(generated / "corpus.jsonl")
    assert iter(records) is records  # not a list: nothing is read before asked for
    first = next(records)
    assert first[1].line == 1


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        engine.run(RAW, tmp_path, chunk_size=0)
    with pytest.raises(FileNotFoundError):
        engine.run(tmp_path / "missing", tmp_path / "out", workers=1)
    assert not (tmp_path / "out").exists()


def test_deduplication_holds_a_few_blocks_not_the_corpus(tmp_path: Path, generated: Path) -> None:
    """Keys are spilled by (type, quarter) block; only a window of blocks is in memory."""
    summary = engine.run(generated, tmp_path, workers=1, now=NOW)
    assert summary.blocks > 6
    assert 0 < summary.largest_block <= summary.largest_window < summary.occurred / 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # scratch removed


@pytest.mark.parametrize("workers", [1, 2])
def test_spills_of_many_runs_give_the_same_tables(
    tmp_path: Path,
    generated: Path,
    generated_expected: pipeline.Result,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    """Spills of many small runs (a run per chunk or less) give the same tables."""
    monkeypatch.setattr(spill, "BUDGET", 1)
    engine.run(generated, tmp_path, workers=workers, chunk_size=16, now=NOW)
    _assert_same(tmp_path, generated_expected)
