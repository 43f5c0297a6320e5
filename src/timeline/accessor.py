"""``df.timeline``: the common views of an events (or mentions) frame.

Importing :mod:`timeline.api` (or ``timeline.extract``) registers the accessor; a
frame read straight from Parquet needs ``import timeline.accessor`` first. Every
method returns a new frame and never changes the caller's.

>>> import pandas as pd, timeline.accessor
>>> events = pd.read_parquet("data/events.parquet")              # doctest: +SKIP
>>> (events.timeline.of_type("MEET")                               # doctest: +SKIP
...        .timeline.with_participant("نتنياهو")
...        .timeline.between("2020-12-01", "2020-12-31"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pandas as pd

from timeline.events.arguments import _NON_LETTERS, _SKELETON, _SPACES, canonical
from timeline.lexicon import norm

__all__ = ["TimelineAccessor", "name_matches"]

DateLike = str | dt.date | dt.datetime | pd.Timestamp | None


def _plain(text: str) -> str:
    """``canonical`` without the gazetteer step: just the normalised skeleton."""
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", norm(text))).strip().translate(_SKELETON)


@lru_cache(maxsize=4096)
def _words(name: str) -> tuple[str, ...]:
    return tuple(k for k in (_plain(w) for w in name.split()) if k)


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return canonical(name)


def name_matches(query: str, name: str, *, partial: bool = True) -> bool:
    """Whether ``name`` is ``query`` under normalised matching.

    Both sides go through :func:`timeline.events.arguments.canonical`, so spelling
    variants and gazetteer aliases compare equal; with ``partial`` a query that is
    a whole-word part of the name matches it too (نتنياهو → بنيامين نتنياهو),
    unless the query is itself a gazetteer name (أمريكا matches الولايات المتحدة,
    not القيادة المركزية الأمريكية).

    >>> name_matches("أمريكا", "الولايات المتحدة")
    True
    >>> name_matches("نتنياهو", "بنيامين نتنياهو")
    True
    >>> name_matches("نتنياهو", "بنيامين نتنياهو", partial=False)
    False
    """
    if not isinstance(name, str) or not name:
        return False
    key = _key(query)
    if key == _key(name):
        return True
    if not partial or key != _plain(query).replace(" ", ""):
        return False  # a gazetteer alias (أمريكا) names one entity: whole names only
    want, have = _words(query), _words(name)
    n = len(want)
    return 0 < n <= len(have) and any(have[i : i + n] == want for i in range(len(have) - n + 1))


def _as_date(value: DateLike) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp included
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _dates(series: pd.Series) -> pd.Series:
    """A date column as ``datetime.date``/``None`` values, whatever its dtype."""
    return series.map(lambda v: _as_date(v) if not _is_na(v) else None)


def _is_na(value: Any) -> bool:
    return value is None or (not isinstance(value, list | tuple) and bool(pd.isna(value)))


@pd.api.extensions.register_dataframe_accessor("timeline")
class TimelineAccessor:
    """Filters and reshapes for frames with the events/mentions columns.

    >>> import timeline
    >>> events = timeline.extract("data/raw").events                # doctest: +SKIP
    >>> events.timeline.of_type("MEET").timeline.at("واشنطن")       # doctest: +SKIP
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._df = frame

    def _need(self, *columns: str) -> None:
        missing = [c for c in columns if c not in self._df.columns]
        if missing:
            raise KeyError(f"df.timeline needs column(s) {missing}; is this an events frame?")

    def _rows(self, mask: Iterable[bool]) -> pd.DataFrame:
        return self._df.loc[pd.Series(list(mask), index=self._df.index, dtype=bool)].copy()

    def of_type(self, *event_types: str) -> pd.DataFrame:
        """The rows whose ``event_type`` is one of ``event_types`` (any case).

        >>> events.timeline.of_type("MEET", "agree")                   # doctest: +SKIP
        """
        self._need("event_type")
        wanted = {t.upper() for t in event_types}
        return self._rows(self._df["event_type"].map(lambda t: isinstance(t, str) and t in wanted))

    def with_participant(self, name: str, *, partial: bool = True) -> pd.DataFrame:
        """The rows with a participant matching ``name`` (see :func:`name_matches`).

        >>> events.timeline.with_participant("نتنياهو")                # doctest: +SKIP
        >>> events.timeline.with_participant("أمريكا")   # = الولايات المتحدة  # doctest: +SKIP
        """
        self._need("participants")

        def hit(people: Any) -> bool:
            if _is_na(people):
                return False
            return any(name_matches(name, p, partial=partial) for p in people)

        return self._rows(self._df["participants"].map(hit))

    def at(self, place: str, *, partial: bool = True) -> pd.DataFrame:
        """The rows whose ``location`` matches ``place`` (normalised, see :func:`name_matches`).

        >>> events.timeline.at("أربيل")                                 # doctest: +SKIP
        """
        self._need("location")
        return self._rows(
            self._df["location"].map(lambda loc: name_matches(place, loc, partial=partial))
        )

    def between(self, start: DateLike = None, end: DateLike = None) -> pd.DataFrame:
        """The rows whose date interval overlaps ``[start, end]`` (both inclusive).

        A row is kept when ``date_start <= end`` and ``date_end >= start``; ``None``
        leaves that side open. Rows with no date are left out. A year-granularity
        event (2021-01-01 – 2021-12-31) thus overlaps June 2021.

        >>> events.timeline.between("2021-06-01", "2021-06-30")        # doctest: +SKIP
        """
        self._need("date_start", "date_end")
        lo, hi = _as_date(start), _as_date(end)
        starts, ends = _dates(self._df["date_start"]), _dates(self._df["date_end"])
        mask = [
            s is not None and e is not None and (hi is None or s <= hi) and (lo is None or e >= lo)
            for s, e in zip(starts, ends, strict=True)
        ]
        return self._rows(mask)

    def explode_participants(self) -> pd.DataFrame:
        """One row per (event, participant), the name in a new ``participant`` column.

        The ``participants`` list column is dropped; the index repeats the event's
        so the rows join back. An event without participants keeps one row with
        ``participant`` ``None``.

        >>> events.timeline.explode_participants()["participant"].value_counts()  # doctest: +SKIP
        إسرائيل              12
        الولايات المتحدة     11
        """
        self._need("participants")
        frame = self._df.copy()
        frame["participant"] = frame["participants"].map(
            lambda p: list(p) if not _is_na(p) and len(p) else [None]
        )
        frame = frame.drop(columns="participants").explode("participant")
        frame["participant"] = frame["participant"].astype(object)
        return frame

    def sort(self) -> pd.DataFrame:
        """The rows in timeline order: by ``date_start``, then ``date_end``; undated last.

        >>> events.timeline.sort()[["date_value", "event_type"]]       # doctest: +SKIP
        """
        self._need("date_start", "date_end")
        key = pd.DataFrame(
            {"s": _dates(self._df["date_start"]), "e": _dates(self._df["date_end"])},
            index=self._df.index,
        )
        order = sorted(
            range(len(key)),
            key=lambda i: (
                key["s"].iat[i] is None,
                key["s"].iat[i] or dt.date.min,
                key["e"].iat[i] or dt.date.min,
            ),
        )
        return self._df.iloc[order].copy()

    def plot(self, **kwargs: Any) -> Any:
        """The interactive timeline of these rows (:func:`timeline.plot.timeline_figure`).

        >>> events.timeline.with_participant("إيران").timeline.plot()  # doctest: +SKIP
        """
        from timeline.plot import timeline_figure

        return timeline_figure(self._df, **kwargs)
