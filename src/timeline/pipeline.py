"""The whole job on a corpus: read → find and resolve time expressions → tables.

``extract`` is what the CLI's ``timeline extract`` and the notebooks call; it
returns DataFrames and writes nothing until ``Result.to_parquet`` is asked to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from timeline import tables
from timeline.backends import Backend, get_backend
from timeline.collector import collector_paused
from timeline.corpus import read_corpus
from timeline.dedup import Key, deduplicate
from timeline.events.arguments import same_place
from timeline.events.mentions import ArticleEvents, find_mentions
from timeline.events.rows import build_events
from timeline.model import Article, ArticleStatus, Event, Mention, Timex
from timeline.temporal import analyse_text


@dataclass(frozen=True)
class Result:
    """The tables of one run; each is a pandas DataFrame with the OUTPUT.md columns."""

    timexes: pd.DataFrame
    articles: pd.DataFrame
    mentions: pd.DataFrame = field(
        default_factory=lambda: tables.empty_frame(tables.MENTIONS_SCHEMA)
    )
    events: pd.DataFrame = field(default_factory=lambda: tables.empty_frame(tables.EVENTS_SCHEMA))
    run_info: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Which analysis backend made the tables; only the rules unless a run says otherwise.
        if "backend" not in self.run_info:
            object.__setattr__(self, "run_info", {**self.run_info, "backend": "rules"})

    def to_parquet(self, folder: str | os.PathLike[str]) -> dict[str, Path]:
        """Write the four tables atomically into ``folder`` (created if needed)."""
        frames = {
            "timexes": self.timexes,
            "mentions": self.mentions,
            "events": self.events,
            "articles": self.articles,
        }
        return tables.write_tables(folder, frames, run_info=self.run_info)


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What one article yields: its time expressions and event mentions."""

    timexes: list[Timex]
    events: ArticleEvents


_NOTHING = ArticleResult([], ArticleEvents([], [], {}, {}))


def process_article(article: Article, backend: Backend | None = None) -> ArticleResult:
    """Every time expression and event mention of one article, anchored on its date.

    ``backend`` (see :func:`timeline.backends.get_backend`) may add its analysis
    of the text to the event layer; ``None`` or the rules backend: rules only.
    """
    with collector_paused():  # a dense page builds 100,000s of records (see collector)
        analysis = analyse_text(article.text, article.published, article.id)
        parsed = backend.analyse(article.text) if backend is not None else None
        events = find_mentions(article, analysis, parsed)
    timexes = analysis.timexes
    if events.anchors:  # بعد أقل من أسبوع [من الهجوم]: counted from an event, not the DCT
        timexes = [
            _anchored(t, *events.anchors[t.timex_id]) if t.timex_id in events.anchors else t
            for t in timexes
        ]
    return ArticleResult(timexes, events)


def _anchored(timex: Timex, mention_id: str, start: date | None, end: date | None) -> Timex:
    """A duration counted from an event: anchored on it, standing for the interval it gives."""
    return replace(timex, anchor=mention_id, date_start=start, date_end=end)


def iter_results(
    records: Iterable[tuple[Article | None, ArticleStatus]],
    backend: Backend | None = None,
) -> Iterator[tuple[ArticleStatus, ArticleResult]]:
    """Process a stream of corpus records, one report row and its results at a time."""
    for article, status in records:
        yield status, (process_article(article, backend) if article is not None else _NOTHING)


def timeline_rows(
    mentions: list[Mention], keys: list[Key], codes: dict[str, tuple[str, str]]
) -> tuple[list[Event], dict[str, str]]:
    """Deduplicate the occurred mentions into events, and each one's event id.

    ``codes`` maps a mention id to its trigger's (PLOVER, CAMEO) codes: a row
    takes those of the mention that dates it (signing → SUPPORT/057). The
    mentions themselves are left as they are (rebuilding hundreds of thousands
    of records costs more than the deduplication); ``mentions_frame`` takes the
    ids.
    """
    groups = deduplicate(keys, same_place)
    return build_events(groups, {m.mention_id: m for m in mentions}, codes)


def extract(
    source: str | os.PathLike[str], *, now: date | None = None, backend: str = "rules"
) -> Result:
    """Run the pipeline on a corpus folder or file (OUTPUT.md's input forms).

    ``now`` is the run's reference date: publication dates after it are kept
    and flagged. The library never reads the clock; the CLI passes today.
    ``backend`` is ``"rules"`` (default: no models, results independent of the
    machine), ``"stanza"`` (raises ``BackendUnavailable`` naming the fix when
    stanza or its Arabic models are missing) or ``"auto"`` (stanza when
    installed, else rules); ``run_info["backend"]`` says which ran.

    >>> result = extract("data/raw")                      # doctest: +SKIP
    >>> result.timexes[["text", "value"]].head(2)         # doctest: +SKIP
                text     value
    0          مؤخرا  PAST_REF
    1  27 أبريل الماضي  2021-04-27
    """
    run_info = {"input": str(source)}
    if now is not None:
        run_info["now"] = now.isoformat()
    return collect(read_corpus(source, now=now), run_info, backend=backend)


def collect(
    records: Iterable[tuple[Article | None, ArticleStatus]],
    run_info: dict[str, str],
    *,
    backend: str = "rules",
) -> Result:
    """Process checked corpus records into the four tables.

    ``records`` come from :func:`timeline.corpus.read_corpus` or any source
    checked the same way (``timeline.api`` for DataFrames and dicts).
    """
    statuses: list[ArticleStatus] = []
    found: list[Timex] = []
    mentions: list[Mention] = []
    keys: list[Key] = []
    codes: dict[str, tuple[str, str]] = {}
    counts: dict[str, tuple[int, int]] = {}
    analyser = get_backend(backend)
    with collector_paused():
        for status, result in iter_results(records, None if analyser.name == "rules" else analyser):
            statuses.append(status)
            found.extend(result.timexes)
            mentions.extend(result.events.mentions)
            keys.extend(result.events.keys)
            codes.update(result.events.codes)
            if status.status == "ok" and status.article_id is not None:
                counts[status.article_id] = (len(result.timexes), len(result.events.mentions))
        events, event_ids = timeline_rows(mentions, keys, codes)
    return Result(
        timexes=tables.timexes_frame(found),
        articles=tables.articles_frame(statuses, counts),
        mentions=tables.mentions_frame(mentions, event_ids),
        events=tables.events_frame(events),
        run_info={**run_info, "backend": analyser.name},
    )
