"""The committed tables in data/ are what the README's main command makes today."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from timeline.pipeline import extract
from timeline.tables import read_metadata, read_table

ROOT = Path(__file__).resolve().parents[1]


def test_committed_tables_are_fresh():
    fresh = extract(ROOT / "data" / "raw")
    for name in ("timexes", "articles", "mentions", "events"):
        committed = read_table(ROOT / "data", name)
        pd.testing.assert_frame_equal(
            committed.reset_index(drop=True),
            getattr(fresh, name).reset_index(drop=True),
            obj=f"data/{name}.parquet is stale: rerun `timeline extract data/raw --out data`",
        )


def test_tables_carry_version_metadata():
    meta = read_metadata(ROOT / "data" / "timexes.parquet")
    assert {"timeline.version", "timeline.schema_version"} <= set(meta)


def test_every_span_points_into_the_raw_text():
    result = extract(ROOT / "data" / "raw")
    texts = {}
    for path in (ROOT / "data" / "raw").glob("*.txt"):
        texts[path.name] = path.read_text("utf-8")
    manifest = pd.read_csv(ROOT / "data" / "raw" / "manifest.csv")
    by_id = {row.id: texts[row.file] for row in manifest.itertuples()}
    for row in result.timexes.itertuples():
        assert by_id[row.article_id][row.char_start : row.char_end] == row.text
