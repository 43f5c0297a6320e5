"""``timeline show``: the timeline of an output folder, readable in a terminal.

Each line is one event: date, type and number of sources first (left-to-right
text), then the place and the participants (Arabic). Every Arabic field is closed
with a LEFT-TO-RIGHT MARK, so a terminal that applies the bidi algorithm keeps
the columns in order and shows each field right to left; ``--bidi visual``
reorders and joins the Arabic for terminals that do not (needs the ``plot``
extra's arabic-reshaper and python-bidi).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["add_commands", "format_events"]

LRM = "\u200e"
_PLACE_WIDTH = 16


def add_commands(sub: Any) -> None:
    """Add ``timeline show`` to the CLI's subparsers.

    >>> # timeline show data --type MEET --participant نتنياهو   (from a shell)
    """
    show = sub.add_parser(
        "show", help="print the timeline of an output folder (events.parquet) in the terminal"
    )
    show.add_argument(
        "folder", nargs="?", type=Path, default=Path("data"), help="output folder (default: data)"
    )
    show.add_argument("--type", action="append", help="only this event type (repeatable)")
    show.add_argument("--participant", help="only events with this participant (normalised)")
    show.add_argument("--place", help="only events at this place (normalised)")
    show.add_argument("--since", type=dt.date.fromisoformat, help="events overlapping from")
    show.add_argument("--until", type=dt.date.fromisoformat, help="events overlapping until")
    show.add_argument("--limit", type=int, help="print at most this many events")
    show.add_argument(
        "--bidi",
        choices=("logical", "visual"),
        default="logical",
        help="logical (default): for terminals that do bidi; visual: pre-ordered Arabic",
    )
    show.set_defaults(func=_cmd_show)


def _cmd_show(args: argparse.Namespace) -> int:
    import timeline.accessor  # noqa: F401  (registers df.timeline)
    from timeline.tables import read_table

    path = Path(args.folder)
    if path.is_dir():
        path = path / "events.parquet"
    if not path.exists():
        raise FileNotFoundError(f"no events table: {path} (run `timeline extract` first)")
    events = read_table(path, "events")
    if args.type:
        events = events.timeline.of_type(*args.type)
    if args.participant:
        events = events.timeline.with_participant(args.participant)
    if args.place:
        events = events.timeline.at(args.place)
    if args.since or args.until:
        events = events.timeline.between(args.since, args.until)
    try:
        print(format_events(events, limit=args.limit, visual=args.bidi == "visual"))
        sys.stdout.flush()
    except BrokenPipeError:  # `timeline show | head`: the reader has gone, that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _width(text: str) -> int:
    """Terminal cells: combining marks (Arabic diacritics) take none."""
    return sum(0 if unicodedata.combining(c) or c == LRM else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _cut(text: str, width: int) -> str:
    return text if _width(text) <= width else text[: max(width - 1, 0)] + "…"


def _date(row: pd.Series) -> str:
    value = row.get("date_value")
    return value if isinstance(value, str) and value else "—"


def _arabic(text: str, visual: bool) -> str:
    if not text:
        return "—"
    if visual:
        from timeline.plot import arabic_label

        return arabic_label(text)
    return text + LRM


def format_events(
    events: pd.DataFrame, *, limit: int | None = None, visual: bool = False, width: int = 110
) -> str:
    """The events as aligned text lines, in timeline order (undated last).

    Columns: date (TIMEX3 value), type, number of sources (``n_articles``),
    place, participants.

    Example:
        >>> import pandas as pd, datetime as dt
        >>> row = {"date_value": "2021-04-27", "date_start": dt.date(2021, 4, 27),
        ...        "date_end": dt.date(2021, 4, 27), "event_type": "AGREE",
        ...        "n_articles": 2, "location": "واشنطن",
        ...        "participants": ["جيك سوليفان", "مائير بن شبات"]}
        >>> print(format_events(pd.DataFrame([row])).replace("\\u200e", ""))
        date           type      src  place             participants
        2021-04-27     AGREE       2  واشنطن            جيك سوليفان، مائير بن شبات
        1 event
    """
    import timeline.accessor  # noqa: F401

    total = len(events)
    rows = events.timeline.sort() if total else events
    if limit is not None:
        rows = rows.head(limit)
    people_width = max(width - 15 - 10 - 5 - _PLACE_WIDTH - 2, 20)
    lines = [f"{'date':<15}{'type':<10}{'src':>3}  {'place':<{_PLACE_WIDTH}}  participants"]
    for _, row in rows.iterrows():
        place = row.get("location")
        place = _cut(place, _PLACE_WIDTH - 1) if isinstance(place, str) else ""
        people = row.get("participants")
        people = "، ".join(people) if people is not None and len(people) else ""
        n = row.get("n_articles")
        n_text = "-" if n is None or pd.isna(n) else str(int(n))
        lines.append(
            LRM
            + f"{_date(row):<15}{row.get('event_type')!s:<10}{n_text:>3}  "
            + _pad(_arabic(place, visual), _PLACE_WIDTH)
            + "  "
            + _arabic(_cut(people, people_width), visual)
        )
    shown = len(rows)
    footer = f"{total} event" + ("" if total == 1 else "s")
    if shown < total:
        footer += f" ({shown} shown)"
    lines.append(footer)
    return "\n".join(lines)
