"""The notebook API: extract from a folder, a DataFrame or dicts; df.timeline; progress."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import timeline
from timeline import api, progress
from timeline.pipeline import extract as pipeline_extract

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
NOW = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def seeds() -> timeline.Result:
    return timeline.extract(RAW, now=NOW, progress=False)


def test_import_timeline_is_light_and_exports_lazily():
    code = (
        "import sys, timeline; assert 'pandas' not in sys.modules; "
        "from timeline import extract, Result; assert 'pandas' in sys.modules; "
        "print(extract.__module__, Result.__name__)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["timeline.api", "Result"]


def test_folder_gives_the_same_tables_as_the_pipeline(seeds):
    expected = pipeline_extract(RAW, now=NOW)
    for name in ("timexes", "mentions", "events", "articles"):
        pd.testing.assert_frame_equal(getattr(seeds, name), getattr(expected, name))
    assert seeds.run_info == expected.run_info


def _seed_records() -> list[dict]:
    manifest = pd.read_csv(RAW / "manifest.csv", dtype=str)
    return [
        {
            "id": row.id,
            "published": row.published,
            "text": (RAW / row.file).read_text(encoding="utf-8"),
            "source": row.source,
        }
        for row in manifest.itertuples()
    ]


@pytest.mark.parametrize("kind", ["frame", "dicts", "generator"])
def test_in_memory_sources_give_the_same_timeline(seeds, kind):
    records = _seed_records()
    source = {
        "frame": pd.DataFrame(records),
        "dicts": records,
        "generator": (r for r in records),
    }[kind]
    result = timeline.extract(source, now=NOW, progress=False)
    for name in ("timexes", "mentions", "events"):
        pd.testing.assert_frame_equal(getattr(result, name), getattr(seeds, name))
    assert list(result.articles["status"]) == ["ok"] * 5
    label = "<DataFrame>" if kind == "frame" else "<records>"
    assert set(result.articles["source_file"]) == {label}
    assert list(result.articles["line"]) == [0, 1, 2, 3, 4]
    assert result.run_info["input"] == label


def test_in_memory_records_are_checked_like_files():
    rows = [
        {"id": "a", "published": "2021-06-24", "text": "التقى الوزيران أمس"},
        {"id": "b", "text": "بلا تاريخ"},
        {"id": "c", "published": "2021-13-45", "text": "تاريخ خاطئ"},
        {"id": "d", "published": "2021-06-24", "text": "   "},
        {"id": "a", "published": "2021-06-24", "text": "مكرر"},
        {"published": "2021-06-24", "text": "بلا معرف"},
        {"id": "e", "published": "24/06/2021", "text": "وصل الوفد اليوم", "title": 3},
        {"id": "f", "published": "2030-01-01", "text": "سيلتقي الرئيسان غدا"},
        {"id": "g", "published": "2021-06-24", "text": 42},
        "not a dict",
        {"id": 7, "published": dt.date(2021, 6, 24), "text": "هاجمت طائرة مسيرة القاعدة أمس"},
    ]
    report = timeline.extract(rows, now=NOW, progress=False).articles
    assert len(report) == len(rows)  # records in = rows out
    assert list(report["reason"].fillna("ok")) == [
        "ok",
        "missing_date",
        "bad_date",
        "empty_text",
        "duplicate_id",
        "missing_id",
        "ok",
        "ok",
        "bad_json",
        "bad_json",
        "ok",
    ]
    warnings = dict(zip(report["article_id"], report["warnings"], strict=False))
    assert warnings["e"] == ["published_dd_mm_yyyy", "title_not_string"]
    assert warnings["f"] == ["published_after_now"]
    assert "7" in set(report["article_id"])  # an integer id becomes its decimal string


def test_frame_with_pandas_types_and_missing_values():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "published": pd.to_datetime(["2021-06-24", None]),
            "text": ["التقى الوزيران أمس", "نص"],
            "extra": ["ignored", "ignored"],
        }
    )
    report = timeline.extract(frame, progress=False).articles
    assert list(report["article_id"]) == ["1", "2"]
    assert list(report["reason"].fillna("ok")) == ["ok", "missing_date"]


def test_bad_sources_are_refused():
    with pytest.raises(TypeError):
        timeline.extract({"id": "a", "published": "2021-06-24", "text": "نص"})
    with pytest.raises(TypeError):
        timeline.extract(42)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        timeline.extract(ROOT / "no-such-folder")


def test_result_round_trips_through_parquet(seeds, tmp_path):
    from timeline.tables import read_table

    seeds.to_parquet(tmp_path)
    pd.testing.assert_frame_equal(read_table(tmp_path, "events"), seeds.events)


# -- df.timeline --------------------------------------------------------------------


def test_accessor_filters_and_never_mutates(seeds):
    events = seeds.events
    before = events.copy(deep=True)
    meet = events.timeline.of_type("meet")
    assert len(meet) and set(meet["event_type"]) == {"MEET"}
    netanyahu = events.timeline.with_participant("نتنياهو")
    assert len(netanyahu) and all(
        "بنيامين نتنياهو" in people for people in netanyahu["participants"]
    )
    assert len(events.timeline.with_participant("نتنياهو", partial=False)) == 0
    usa = events.timeline.with_participant("أمريكا")  # an alias of الولايات المتحدة
    assert len(usa) == len(events.timeline.with_participant("الولايات المتحدة")) > 0
    washington = events.timeline.at("واشنطن")
    assert len(washington) and set(washington["location"]) == {"واشنطن"}
    june = events.timeline.between("2021-06-01", dt.date(2021, 6, 30))
    assert len(june)
    for start, end in zip(june["date_start"], june["date_end"], strict=True):
        assert start <= dt.date(2021, 6, 30) and end >= dt.date(2021, 6, 1)
    exploded = events.timeline.explode_participants()
    assert "participants" not in exploded and "participant" in exploded
    assert len(exploded) == sum(max(len(p), 1) for p in events["participants"])
    chained = events.timeline.of_type("MEET").timeline.with_participant("إسرائيل")
    assert set(chained.index) <= set(meet.index)
    pd.testing.assert_frame_equal(events, before)


def test_between_keeps_an_uncertain_date_that_overlaps():
    events = pd.DataFrame(
        {
            "event_type": ["ATTACK", "MEET", "MEET"],
            "date_start": [dt.date(2021, 1, 1), dt.date(2021, 7, 1), None],
            "date_end": [dt.date(2021, 12, 31), dt.date(2021, 7, 1), None],
        }
    )
    june = events.timeline.between("2021-06-01", "2021-06-30")
    assert list(june["event_type"]) == ["ATTACK"]  # a year overlaps June; undated is out
    assert len(events.timeline.between(None, "2021-07-01")) == 2
    assert list(events.timeline.sort().index) == [0, 1, 2]


def test_accessor_needs_the_columns():
    with pytest.raises(KeyError, match="event_type"):
        pd.DataFrame({"x": [1]}).timeline.of_type("MEET")


# -- progress -----------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_auto_is_quiet_in_ci_and_pipes(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert not progress.progress_enabled(None, _Tty())
    monkeypatch.delenv("CI")
    assert progress.progress_enabled(None, _Tty())
    assert not progress.progress_enabled(None, io.StringIO())
    assert progress.progress_enabled(True, io.StringIO())
    assert not progress.progress_enabled(False, _Tty())


def test_builtin_progress_bar_draws_after_the_delay(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # as if tqdm were not installed
    monkeypatch.setattr(progress, "DELAY", 0.0)
    stream = _Tty()
    assert list(progress.track(range(5), total=5, progress=True, stream=stream)) == list(range(5))
    out = stream.getvalue()
    assert "5/5 (100%)" in out and out.endswith("\n")
    quiet = io.StringIO()
    assert list(progress.track(range(3), stream=quiet)) == [0, 1, 2]
    assert quiet.getvalue() == ""


def test_extract_passes_progress_through(monkeypatch):
    seen = {}

    def fake_track(items, *, total=None, progress=None, **kwargs):
        seen.update(total=total, progress=progress)
        return iter(items)

    monkeypatch.setattr(api, "track", fake_track)
    rows = [{"id": "a", "published": "2021-06-24", "text": "أمس"}]
    timeline.extract(rows, progress=True)
    assert seen == {"total": 1, "progress": True}
