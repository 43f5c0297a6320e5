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


@dataclass(frozen=True, slots=True)
class Trigger:
    """A word (or phrase) that names an event of a type from the taxonomy."""

    start: int  # raw-text offsets
    end: int
    text: str
    event_type: str  # MEET, ATTACK, AGREE, ...
    lemma: str  # the lexicon entry it matched, for tracing
    pos: str  # "verb" or "noun"
    token: int  # index of its first token in the article's Tokens


@dataclass(frozen=True, slots=True)
class Entity:
    """A participant or place named in the text, with the name it is known by."""

    start: int  # raw-text offsets
    end: int
    text: str
    kind: str  # person, country, org, group, place
    name: str  # canonical name: the same for مائير بن شبات and مئير بن شبات
    actor: str | None = None  # who it stands for as an actor (واشنطن → الولايات المتحدة)
    token: int = -1  # index of its first token


@dataclass(frozen=True, slots=True)
class Mention:
    """One event mention, with its status, arguments and date."""

    mention_id: str
    article_id: str
    event_type: str
    status: str  # occurred, planned, proposed, hypothetical, negated
    trigger: str
    start: int
    end: int
    sentence: str
    date_value: str | None = None
    granularity: str | None = None
    date_start: date | None = None
    date_end: date | None = None
    timex_id: str | None = None
    participants: tuple[str, ...] = ()
    location: str | None = None
    confidence: float = 1.0
    event_id: str | None = None
    published: date | None = None
    # how the date was found: timex, inherited, anchored, or None when unknown
    date_source: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world event: the merged mentions of one row of the timeline."""

    event_id: str
    event_type: str
    plover: str
    cameo: str
    date_value: str | None
    date_start: date | None
    date_end: date | None
    granularity: str | None
    location: str | None
    participants: tuple[str, ...]
    n_mentions: int
    n_articles: int
    article_ids: tuple[str, ...]
    first_published: date | None
    summary: str
