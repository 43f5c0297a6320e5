"""The whole job on a corpus: read → find and resolve time expressions → tables.

``extract`` is what the CLI's ``timeline extract`` and the notebooks call; it
returns DataFrames and writes nothing until ``Result.to_parquet`` is asked to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from timeline import tables
from timeline.corpus import read_corpus
from timeline.model import Article, ArticleStatus, Timex
from timeline.temporal import find_timexes


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

    def to_parquet(self, folder: str | os.PathLike[str]) -> dict[str, Path]:
        """Write the four tables atomically into ``folder`` (created if needed)."""
        frames = {
            "timexes": self.timexes,
            "mentions": self.mentions,
            "events": self.events,
            "articles": self.articles,
        }
        return tables.write_tables(folder, frames, run_info=self.run_info)


def process_article(article: Article) -> list[Timex]:
    """Every resolved time expression of one article, anchored on its date."""
    return find_timexes(article.text, article.published, article.id)


def iter_results(
    records: Iterable[tuple[Article | None, ArticleStatus]],
) -> Iterator[tuple[ArticleStatus, list[Timex]]]:
    """Process a stream of corpus records, one report row and its timexes at a time."""
    for article, status in records:
        yield status, (process_article(article) if article is not None else [])


def extract(source: str | os.PathLike[str], *, now: date | None = None) -> Result:
    """Run the pipeline on a corpus folder or file (OUTPUT.md's input forms).

    ``now`` is the run's reference date: publication dates after it are kept
    and flagged. The library never reads the clock; the CLI passes today.

    >>> result = extract("data/raw")                      # doctest: +SKIP
    >>> result.timexes[["text", "value"]].head(2)         # doctest: +SKIP
                text     value
    0          مؤخرا  PAST_REF
    1  27 أبريل الماضي  2021-04-27
    """
    statuses: list[ArticleStatus] = []
    found: list[Timex] = []
    counts: dict[str, tuple[int, int]] = {}
    for status, timexes in iter_results(read_corpus(source, now=now)):
        statuses.append(status)
        found.extend(timexes)
        if status.status == "ok" and status.article_id is not None:
            counts[status.article_id] = (len(timexes), 0)
    run_info = {"input": str(source)}
    if now is not None:
        run_info["now"] = now.isoformat()
    return Result(
        timexes=tables.timexes_frame(found),
        articles=tables.articles_frame(statuses, counts),
        run_info=run_info,
    )
