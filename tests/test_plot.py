"""Plots: the interactive figure has its traces, the static PNG is drawn (plot extra)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("plotly")
pytest.importorskip("matplotlib")
pytest.importorskip("arabic_reshaper")
pytest.importorskip("bidi")

from timeline.plot import arabic_label, timeline_figure, timeline_image
from timeline.tables import read_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return read_table(ROOT / "data", "events")


def test_figure_draws_points_and_intervals(events):
    fig = timeline_figure(events)
    assert len(fig.data) > 0
    kinds = {trace.type for trace in fig.data}
    assert kinds == {"scatter", "bar"}  # day-dated points and uncertain-date intervals
    names = {trace.name for trace in fig.data}
    assert names <= set(events["event_type"])
    hover = " ".join(t for trace in fig.data for t in trace.hovertext)
    assert "المشاركون" in hover and "المصادر" in hover
    dated = events["date_start"].notna().sum()
    assert sum(len(trace.y) for trace in fig.data) == dated


def test_an_uncertain_date_is_an_interval_not_a_point():
    frame = pd.DataFrame(
        {
            "event_type": ["ATTACK", "MEET"],
            "date_value": ["2021", "2021-06-23"],
            "date_start": [dt.date(2021, 1, 1), dt.date(2021, 6, 23)],
            "date_end": [dt.date(2021, 12, 31), dt.date(2021, 6, 23)],
            "participants": [["إيران"], ["جيك سوليفان"]],
            "n_articles": [1, 3],
        }
    )
    fig = timeline_figure(frame)
    bars = [t for t in fig.data if t.type == "bar"]
    points = [t for t in fig.data if t.type == "scatter"]
    assert [t.name for t in bars] == ["ATTACK"] and [t.name for t in points] == ["MEET"]
    assert bars[0].x[0] == 365 * 24 * 3600 * 1000  # the whole year, inclusive


def test_png_is_written_and_not_blank(events, tmp_path):
    from matplotlib.image import imread

    path = timeline_image(events, tmp_path / "sub" / "timeline.png", dpi=60)
    assert path.exists() and path.stat().st_size > 1000
    pixels = imread(path)[..., :3]
    background = (pixels > 0.98).all(axis=-1)
    assert (~background).mean() > 0.01  # labels, markers and bars were drawn


def test_arabic_is_shaped_and_right_to_left():
    shaped = arabic_label("إيران (2024)")
    assert "\ufe8e" not in shaped and any("\ufe70" <= c <= "\ufeff" for c in shaped)
    assert shaped.endswith("\ufe87")  # the first letter, إ, drawn rightmost
    assert shaped.startswith("(2024)")  # brackets mirrored in the right-to-left run
