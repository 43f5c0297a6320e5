"""The data model: frozen records that flow through the pipeline.

Every span is a pair of Python ``str`` offsets into the article text exactly as
given (``raw[start:end] == text``); nothing downstream ever holds a bare substring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Article:
    """One usable input article; ``published`` is its document creation time (DCT)."""

    id: str
    published: date
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleStatus:
    """One row of the article report: every input record gets exactly one."""

    article_id: str | None
    source_file: str
    line: int | None
    published: date | None
    status: str  # "ok" or "skipped"
    reason: str | None = None  # missing_date, bad_date, empty_text, undecodable, ...
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """A TIMEX3 value with the inclusive interval and granularity it stands for.

    ``start``/``end`` are ``None`` where the text gives no bound (PAST_REF has no
    start, durations and sets have no interval unless anchored).
    """

    type: str  # DATE, TIME, DURATION, SET
    value: str | None
    granularity: str | None  # time, day, week, month, quarter, year, decade, century, ref
    start: date | None = None
    end: date | None = None
    mod: str | None = None


@dataclass(frozen=True, slots=True)
class Timex:
    """A temporal expression found in an article and resolved against its anchor."""

    timex_id: str
    article_id: str
    text: str
    start: int
    end: int
    type: str
    value: str | None
    mod: str | None
    granularity: str | None
    date_start: date | None
    date_end: date | None
    anchor: str = "dct"  # "dct", a timex_id or a mention_id
    rule_id: str = ""
    tense: str | None = field(default=None, compare=False)  # clause tense used, if any
