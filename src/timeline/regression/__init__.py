"""Gold-timeline regression: score a pipeline run against gold and explain every error.

The pieces:

- :mod:`timeline.regression.diff` runs the pipeline on a raw folder, scores it against a
  gold folder with :mod:`timeline.evaluate`, and turns every matching decision that is
  an error into a :class:`~timeline.regression.diff.Problem` with its offsets and the
  sentence around it (missing / extra / wrong-value timexes and mentions, missed events,
  extra rows, wrong dates, wrong merges and splits of the timeline);
- :mod:`timeline.regression.baseline` records scores to a JSON file and compares a
  later run with them, within a tolerance;
- :mod:`timeline.regression.plugin` is the pytest plugin (entry point ``timeline``)
  that makes each gold article a test item, plus one corpus-level item.

This module stays import-light (no pandas): pytest imports the plugin, and so this
package, in every run of every project where ``timeline`` is installed.
"""

from __future__ import annotations

__all__ = [
    "ARTICLE_METRICS",
    "DEFAULT_METRICS",
    "METRICS",
    "is_article_metric",
]

#: Every metric a threshold or a baseline may name: the ratios of
#: :func:`timeline.evaluate.score` (GOLD.md key names) and ``timeline_date_acc``, the
#: share of matched timeline rows whose date the gold cluster accepts.
METRICS: tuple[str, ...] = (
    "timex_relaxed_P",
    "timex_relaxed_R",
    "timex_relaxed_F1",
    "timex_strict_F1",
    "timex_type_acc",
    "timex_value_acc",
    "timex_value_F1",
    "mention_P",
    "mention_R",
    "mention_F1",
    "mention_date_acc",
    "status_acc",
    "timeline_P",
    "timeline_R",
    "timeline_F1",
    "timeline_date_acc",
    "link_P",
    "link_R",
    "link_F1",
)

#: Metrics graded per article (one test item each); the others (timeline, links) are
#: corpus-level: clusters and links span articles.
ARTICLE_METRICS: tuple[str, ...] = tuple(
    m for m in METRICS if m.startswith(("timex_", "mention_", "status_"))
)

#: What baseline mode guards when no threshold names the metrics to check.
DEFAULT_METRICS: tuple[str, ...] = (
    "timex_relaxed_F1",
    "timex_strict_F1",
    "timex_value_F1",
    "mention_F1",
    "mention_date_acc",
    "status_acc",
    "timeline_F1",
    "timeline_date_acc",
    "link_F1",
)


def is_article_metric(metric: str) -> bool:
    """Whether ``metric`` is graded per article (timexes, mentions, statuses)."""
    return metric in ARTICLE_METRICS
