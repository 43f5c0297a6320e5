"""Baseline mode: record today's scores, then fail only on a regression beyond a tolerance.

A baseline file is JSON::

    {
      "timeline_baseline": 1,
      "corpus": {"timex_relaxed_F1": 1.0, "timeline_F1": 0.95, ...},
      "articles": {"seed-000": {"mention_F1": 1.0, ...}, ...}
    }

``corpus`` holds the pooled scores, ``articles`` each article's own (timex, mention and
status metrics only: timeline and link metrics are corpus-level). Only the ratios of
:data:`timeline.regression.METRICS` are kept; no time stamp, so re-recording the same
scores leaves the file unchanged.

The same :class:`Bar`/:class:`Check` pair serves the thresholds of plain mode: a bar is
a minimum a metric must reach, from a threshold, a per-article override or a baseline
value minus the tolerance. All metrics are "higher is better".
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.regression import DEFAULT_METRICS, METRICS

__all__ = [
    "BASELINE_FORMAT",
    "Bar",
    "Baseline",
    "BaselineError",
    "Check",
    "check",
    "load_baseline",
    "make_bars",
    "record_baseline",
]

BASELINE_FORMAT = 1
_EPSILON = 1e-9  # scores are ratios of small counts: never fail on float noise


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """Recorded scores: pooled (``corpus``) and per article."""

    corpus: dict[str, float | None]
    articles: dict[str, dict[str, float | None]]


def _metrics_only(scores: Mapping[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key in METRICS:
        if key in scores:
            value = scores[key]
            out[key] = None if value is None or math.isnan(value) else round(float(value), 6)
    return out


def record_baseline(
    path: str | os.PathLike[str],
    corpus: Mapping[str, Any],
    articles: Mapping[str, Mapping[str, Any]],
) -> Path:
    """Write the metrics of ``corpus`` (pooled scores) and ``articles`` to ``path`` atomically."""
    path = Path(path)
    data = {
        "timeline_baseline": BASELINE_FORMAT,
        "corpus": _metrics_only(corpus),
        "articles": {aid: _metrics_only(articles[aid]) for aid in sorted(articles)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def _read_metrics(name: str, where: str, obj: Any) -> dict[str, float | None]:
    if not isinstance(obj, dict):
        raise BaselineError(f"{name}: {where}: expected an object of metric: value")
    out: dict[str, float | None] = {}
    for key, value in obj.items():
        if key not in METRICS:
            raise BaselineError(f"{name}: {where}.{key}: unknown metric")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise BaselineError(f"{name}: {where}.{key}: expected a number or null, got {value!r}")
        out[key] = None if value is None else float(value)
    return out


def load_baseline(path: str | os.PathLike[str]) -> Baseline:
    """Read a baseline file; :class:`BaselineError` (or ``FileNotFoundError``) on a bad one."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"baseline file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path.name}: not valid UTF-8 JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("timeline_baseline") != BASELINE_FORMAT:
        raise BaselineError(
            f'{path.name}: not a timeline baseline (expected "timeline_baseline": '
            f"{BASELINE_FORMAT} at the top level)"
        )
    articles = data.get("articles", {})
    if not isinstance(articles, dict):
        raise BaselineError(f"{path.name}: articles: expected an object")
    return Baseline(
        _read_metrics(path.name, "corpus", data.get("corpus", {})),
        {str(a): _read_metrics(path.name, f"articles.{a}", m) for a, m in articles.items()},
    )


@dataclass(frozen=True, slots=True)
class Bar:
    """The minimum a metric must reach, and where it comes from.

    ``source``: ``threshold``, ``override`` (per article) or ``baseline`` (then
    ``recorded`` is the baseline value and ``tolerance`` what it may drop).
    """

    metric: str
    minimum: float
    source: str
    recorded: float | None = None
    tolerance: float = 0.0

    def describe(self) -> str:
        """``0.850 (threshold)`` or ``0.930 (baseline 0.950 - tolerance 0.020)``."""
        if self.source == "baseline":
            recorded, tolerance = self.recorded or 0.0, self.tolerance
            return f"{self.minimum:.3f} (baseline {recorded:.3f} - tolerance {tolerance:.3f})"
        return f"{self.minimum:.3f} ({self.source})"


@dataclass(frozen=True, slots=True)
class Check:
    """A metric's value against its bar; ``None`` (nothing to grade) passes."""

    bar: Bar
    value: float | None

    @property
    def ok(self) -> bool:
        """Whether the value reaches the bar (or there was nothing to grade)."""
        return self.value is None or self.value >= self.bar.minimum - _EPSILON

    def describe(self) -> str:
        """One aligned line: metric, value, the comparison and the bar."""
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        sign = "≥" if self.ok else "<"
        return f"{self.bar.metric:<18} {shown:>6} {sign} {self.bar.describe()}"


def make_bars(
    metrics: Iterable[str],
    thresholds: Mapping[str, float],
    overrides: Mapping[str, float] | None = None,
    baseline: Mapping[str, float | None] | None = None,
    tolerance: float = 0.0,
) -> list[Bar]:
    """The bars of one scope (an article or the corpus), limited to ``metrics``.

    Without a baseline, each metric with an override or a threshold gets that bar (the
    override wins). With one (``baseline`` not None: baseline mode) the metrics checked
    are those with a threshold or override, or :data:`DEFAULT_METRICS` when none has;
    each gets ``recorded - tolerance`` where the baseline has a number, else its
    threshold or override, else no bar.
    """
    allowed = list(metrics)
    overrides = overrides or {}
    named = [m for m in allowed if m in thresholds or m in overrides]
    if baseline is not None and not named:
        named = [m for m in allowed if m in DEFAULT_METRICS]
    bars = []
    for metric in named:
        recorded = baseline.get(metric) if baseline is not None else None
        if recorded is not None:
            bars.append(
                Bar(metric, max(0.0, recorded - tolerance), "baseline", recorded, tolerance)
            )
        elif metric in overrides:
            bars.append(Bar(metric, float(overrides[metric]), "override"))
        elif metric in thresholds:
            bars.append(Bar(metric, float(thresholds[metric]), "threshold"))
    return bars


def check(scores: Mapping[str, Any], bars: Iterable[Bar]) -> list[Check]:
    """Each bar against ``scores``; a metric absent from the scores counts as not graded."""
    return [Check(bar, scores.get(bar.metric)) for bar in bars]
