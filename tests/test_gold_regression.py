"""The whole pipeline on the bundled articles, scored against their gold (GOLD.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.evaluate import load_gold, score
from timeline.pipeline import extract

ROOT = Path(__file__).resolve().parents[1]

# The quality bars of the foundation and events issues, on the dev gold.
BARS = {
    "timex_relaxed_F1": 0.95,
    "timex_value_F1": 0.90,
    "mention_F1": 0.85,
    "mention_date_acc": 0.85,
    "timeline_F1": 0.90,
    "link_P": 1.0,
}


@pytest.fixture(scope="module")
def result():
    return extract(ROOT / "data" / "raw")


@pytest.fixture(scope="module")
def scores(result):
    gold = load_gold(ROOT / "tests" / "gold")
    return score(gold, result.timexes, result.mentions, result.events)


@pytest.mark.parametrize(("metric", "bar"), sorted(BARS.items()))
def test_dev_gold_bar(scores, metric, bar):
    assert scores[metric] is not None and scores[metric] >= bar, (metric, scores[metric])


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
