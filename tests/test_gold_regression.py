"""Timeline properties of the bundled articles that scores alone do not show.

The dev-gold bars themselves are checked by the project's own regression plugin
(``[tool.timeline.regression]`` in pyproject.toml, see docs/regression.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.pipeline import extract

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def result():
    return extract(ROOT / "data" / "raw")


def test_the_two_reports_of_the_same_meetings_are_one_row_each(result):
    events = result.events
    shared = events[events["n_articles"] == 2]
    assert len(shared) == 2
    for ids in shared["article_ids"]:
        assert sorted(ids) == ["seed-000", "seed-001"]


def test_only_occurred_mentions_reach_the_timeline(result):
    mentions = result.mentions
    assert mentions.loc[mentions["status"] != "occurred", "event_id"].isna().all()
    assert mentions.loc[mentions["status"] == "occurred", "event_id"].notna().all()
    listed = {i for ids in result.events["article_ids"] for i in ids}
    assert listed <= set(mentions["article_id"])


def test_event_ids_are_stable(result):
    again = extract(ROOT / "data" / "raw")
    assert list(again.events["event_id"]) == list(result.events["event_id"])
