"""The notebook-facing API: one call from articles to the timeline tables.

:func:`extract` takes a corpus folder or file, a pandas DataFrame, or any iterable
of dicts, and returns a :class:`~timeline.pipeline.Result` whose ``events``,
``mentions``, ``timexes`` and ``articles`` are DataFrames. In-memory records are
checked with exactly the rules (and report reasons) used for files. Importing
this module also registers the ``df.timeline`` accessor
(:mod:`timeline.accessor`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sized
from datetime import date
from typing import Any

import pandas as pd

import timeline.accessor  # noqa: F401  (registers df.timeline)
from timeline.corpus import Record, check_record, read_corpus
from timeline.pipeline import Result, collect
from timeline.progress import track

__all__ = ["INPUT_COLUMNS", "Result", "extract", "iter_records"]

INPUT_COLUMNS: tuple[str, ...] = ("id", "published", "text", "title", "source", "url")
"""The input fields of an article; ``id``, ``published`` and ``text`` are required."""

DATAFRAME_SOURCE = "<DataFrame>"
RECORDS_SOURCE = "<records>"

Source = str | os.PathLike[str] | pd.DataFrame | Iterable[Mapping[str, Any]]


def extract(
    source: Source,
    *,
    now: date | None = None,
    progress: bool | None = None,
    backend: str = "rules",
) -> Result:
    """Run the whole pipeline on ``source`` and return the four tables.

    Args:
        source: a corpus folder or file (``*.jsonl``, ``*.parquet``, ``*.txt`` with
            ``manifest.csv``), a DataFrame with the input columns (``id``,
            ``published``, ``text``, optional ``title``, ``source``, ``url``), an
            iterable of dicts with those keys, or a Dask DataFrame with those
            columns (run on the current Dask cluster, or a new local one:
            :func:`timeline.dask_engine.extract`; needs the ``dask`` extra).
        now: the run's reference date; a publication date after it is kept and
            flagged ``published_after_now``. The library never reads the clock.
        progress: ``True`` or ``False`` to force the progress bar on or off;
            ``None`` (default) shows it only on a terminal outside CI, and only
            for a run that lasts more than a second.
        backend: ``"rules"`` (default), ``"stanza"`` or ``"auto"``; see
            :func:`timeline.pipeline.extract`.

    Returns:
        A :class:`~timeline.pipeline.Result`: ``.events`` (the deduplicated
        timeline), ``.mentions``, ``.timexes``, ``.articles`` (one row per input
        record, ``ok`` or ``skipped`` with a reason) and ``.to_parquet(folder)``.

    Records from a DataFrame or an iterable are reported with ``source_file``
    ``"<DataFrame>"`` or ``"<records>"`` and ``line`` their 0-based position.

    Example:
        >>> import timeline
        >>> result = timeline.extract([
        ...     {"id": "a1", "published": "2021-06-24",
        ...      "text": "التقى وزير الخارجية نظيره الأردني أمس في عمان."},
        ... ])
        >>> result.timexes[["text", "value"]].values.tolist()
        [['أمس', '2021-06-23']]
        >>> result.events[["event_type", "date_value"]].values.tolist()
        [['MEET', '2021-06-23']]
    """
    if type(source).__module__.startswith(("dask.", "dask_expr.")):  # Dask is optional
        from timeline.dask_engine import extract as extract_dask

        return extract_dask(source, now=now, backend=backend)
    records, total, label = iter_records(source, now=now)
    run_info = {"input": label}
    if now is not None:
        run_info["now"] = now.isoformat()
    return collect(track(records, total=total, progress=progress), run_info, backend=backend)


def iter_records(
    source: Source, *, now: date | None = None
) -> tuple[Iterator[Record], int | None, str]:
    """The checked records of ``source``, how many there are (if known), and its label.

    Each record is ``(Article, status)`` when usable, else ``(None, status)`` with
    a reason code of :data:`timeline.corpus.REASONS`.

    Example:
        >>> records, total, label = iter_records(
        ...     [{"id": "b1", "published": "13/06/2024", "text": "اجتمع القادة الاثنين"}])
        >>> article, status = next(records)
        >>> total, label, status.published.isoformat(), status.warnings
        (1, '<records>', '2024-06-13', ('published_dd_mm_yyyy',))
    """
    if isinstance(source, str | os.PathLike):
        return read_corpus(source, now=now), None, str(source)
    if isinstance(source, pd.DataFrame):
        return _check_all(_frame_rows(source), DATAFRAME_SOURCE, now), len(source), DATAFRAME_SOURCE
    if isinstance(source, Mapping | bytes):
        raise TypeError(
            "extract() wants a path, a DataFrame or an iterable of dicts, "
            f"not a single {type(source).__name__}"
        )
    if not isinstance(source, Iterable):
        raise TypeError(f"cannot read a corpus from {type(source).__name__}")
    total = len(source) if isinstance(source, Sized) else None
    return _check_all(iter(source), RECORDS_SOURCE, now), total, RECORDS_SOURCE


def _frame_rows(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of ``frame`` as dicts of its input columns (others are ignored)."""
    columns = [c for c in INPUT_COLUMNS if c in frame.columns]
    if not columns:
        for _ in range(len(frame)):
            yield {}
        return
    # to_dict("records") turns numpy scalars into Python ones (an int id stays int).
    yield from frame[columns].to_dict("records")


def _check_all(rows: Iterator[Any], where: str, now: date | None) -> Iterator[Record]:
    seen: set[str] = set()
    for line, row in enumerate(rows):
        yield check_record(row, where, line, seen, now)
