"""The Dask engine on a real (in-process) scheduler gives the local engine's rows and ids."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed")

import dask.dataframe as dd
from distributed import Client, LocalCluster

import timeline
from timeline import dask_engine, engine, tables
from timeline.cli import main
from timeline.corpus import read_corpus

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
NOW = dt.date(2030, 1, 1)


@pytest.fixture(scope="module")
def client():
    # Threads in this process: a real scheduler and workers, started in a second.
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """A few hundred articles (the seeds with new ids and dates, weeks apart) and bad
    records: bad dates, empty texts, and ids repeated within and across partitions."""
    seeds = [a for a, _ in read_corpus(RAW) if a is not None]
    rows: list[dict] = []
    for i in range(200):
        seed = seeds[i % len(seeds)]
        shift = dt.timedelta(days=7 * (i // len(seeds)))  # weekday names still fit
        day = (seed.published + shift).isoformat()
        rows.append({"id": f"{seed.id}-{i}", "published": day, "text": seed.text})
        if i % 40 == 7:
            rows.append({"id": f"bad-{i}", "published": "soon", "text": "x"})
            rows.append({"id": f"empty-{i}", "published": day, "text": ""})
            rows.append({"id": f"{seed.id}-{i}", "published": day, "text": "مكرر"})
            rows.append({"id": f"{seeds[0].id}-0", "published": day, "text": "مكرر"})
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, records: list[dict]) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(5, "{not json")
    (folder / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def frame_expected(records: list[dict]) -> timeline.Result:
    return timeline.extract(pd.DataFrame(records), now=NOW, progress=False)


def _assert_same(out: Path, expected: dict[str, pd.DataFrame]) -> None:
    for name in engine.OUTPUTS:
        got = dask_engine.read_table(out, name)
        want = dask_engine.sort_like_dataset(expected[name], name)
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def _local(source: Path, out: Path) -> dict[str, pd.DataFrame]:
    engine.run(source, out, workers=1, now=NOW)
    return {name: tables.read_table(out, name) for name in engine.OUTPUTS}


def test_seeds_equal_the_local_engine(tmp_path: Path, client: Client) -> None:
    summary = dask_engine.run(RAW, tmp_path / "dask", client=client, now=NOW, partition_size=2)
    expected = _local(RAW, tmp_path / "local")
    _assert_same(tmp_path / "dask", expected)
    assert summary.events == len(expected["events"])
    assert summary.records == len(expected["articles"])


def test_generated_corpus_equals_the_local_engine(
    tmp_path: Path, client: Client, corpus: Path
) -> None:
    out = tmp_path / "dask"
    summary = dask_engine.run(corpus, out, client=client, now=NOW, partition_size=45)
    expected = _local(corpus, tmp_path / "local")
    _assert_same(out, expected)
    assert summary.chunks == 5 and summary.blocks > 6
    assert (expected["events"]["n_articles"] > 1).any()  # merges across articles happened
    assert set(expected["articles"]["reason"].dropna()) >= {"bad_json", "bad_date", "duplicate_id"}
    # Hive-style partitions by publication date, events by event date; run metadata kept.
    months = {p.relative_to(out / "mentions").parts[:2] for p in out.glob("mentions/*/*/*.parquet")}
    assert ("year=2021", "month=6") in months
    assert list(out.glob("events/year=*/month=*/*.parquet"))
    meta = tables.read_metadata(out / "events" / "_common_metadata")
    assert meta["timeline.table"] == "events" and meta["timeline.run.now"] == "2030-01-01"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no scratch left


def test_a_dask_dataframe_equals_a_pandas_one(
    tmp_path: Path, client: Client, records: list[dict], frame_expected: timeline.Result
) -> None:
    """Line numbers and duplicate ids are those of the whole frame, across partitions."""
    out = tmp_path / "dask"
    frame = dd.from_pandas(pd.DataFrame(records), npartitions=4)
    dask_engine.run(frame, out, client=client, now=NOW)
    _assert_same(out, {name: getattr(frame_expected, name) for name in engine.OUTPUTS})
    assert "duplicate_id" in set(frame_expected.articles["reason"])


def test_timeline_extract_takes_a_dask_dataframe(client: Client) -> None:
    """On the current client; the tables come back as pandas frames."""
    rows = [
        {"id": a.id, "published": a.published.isoformat(), "text": a.text}
        for a, _ in read_corpus(RAW)
        if a is not None
    ]
    expected = timeline.extract(rows, now=NOW, progress=False)
    result = timeline.extract(dd.from_pandas(pd.DataFrame(rows), npartitions=2), now=NOW)
    for name in ("timexes", "mentions", "events"):
        want = dask_engine.sort_like_dataset(getattr(expected, name), name)
        pd.testing.assert_frame_equal(getattr(result, name), want, check_exact=True)
    assert result.run_info == {"input": "<DataFrame>", "now": "2030-01-01", "backend": "rules"}


# dask's reader of Hive partition keys, not ours
@pytest.mark.filterwarnings("ignore:Constructing a Categorical")
def test_partitioned_parquet_input(
    tmp_path: Path, client: Client, records: list[dict], frame_expected: timeline.Result
) -> None:
    """A Hive-partitioned Parquet dataset of articles is read by the workers."""
    frame = pd.DataFrame(records)
    frame["year"] = frame["published"].str[:4]
    frame.to_parquet(tmp_path / "archive", partition_cols=["year"])
    out = tmp_path / "out"
    summary = dask_engine.run(tmp_path / "archive", out, client=client, now=NOW)
    assert summary.records == len(frame)
    # read in another order (by year): the same events, mentions and time expressions
    for name in ("timexes", "mentions", "events"):
        want = dask_engine.sort_like_dataset(getattr(frame_expected, name), name)
        pd.testing.assert_frame_equal(dask_engine.read_table(out, name), want, check_exact=True)


def test_cli_engine_dask(tmp_path: Path, capsys: pytest.CaptureFixture[str], client) -> None:
    out = tmp_path / "out"
    # the current client is used, as no --scheduler is given and one is set
    code = main(["extract", str(RAW), "--out", str(out), "--engine", "dask", "--now", "2030-01-01"])
    assert code == 0
    assert "5 articles processed, 0 skipped" in capsys.readouterr().out
    assert len(dask_engine.read_table(out, "events")) == len(tables.read_table("data", "events"))
    assert main(["extract", str(RAW), "--out", str(out), "--scheduler", "tcp://x:1"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


def test_default_engine_never_imports_dask(tmp_path: Path) -> None:
    code = (
        "import sys, timeline, timeline.cli, timeline.engine, timeline.api\n"
        f"timeline.engine.run({str(RAW)!r}, {str(tmp_path)!r}, workers=1)\n"
        f"timeline.extract({str(RAW)!r}, progress=False)\n"
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_missing_extra_is_a_clear_error(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['distributed'] = None\n"
        "from timeline.cli import main\n"
        f"sys.exit(main(['extract', {str(RAW)!r}, '--out', {str(tmp_path)!r}, '--engine', 'dask']))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 8, run.stderr  # ExitCode.UNAVAILABLE
    assert "pip install 'timeline[dask]'" in run.stderr
    assert not list(tmp_path.iterdir())
