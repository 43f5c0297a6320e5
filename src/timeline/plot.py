"""Timeline plots: an interactive plotly figure and a static PNG for reports.

Needs the ``plot`` extra (``pip install "timeline[plot]"``: plotly, matplotlib,
arabic-reshaper, python-bidi). Both plots draw an event dated to a day (or a
time of day) as a point and an event known only to a coarser span (a week, a
month, a year, "since the start of the year") as a bar from ``date_start`` to
``date_end``, so an uncertain date never looks precise. Undated events are left
out and counted in the title.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["TYPE_COLOURS", "arabic_label", "timeline_figure", "timeline_image"]

TYPE_COLOURS: dict[str, str] = {
    "MEET": "#1f77b4",
    "AGREE": "#2ca02c",
    "ATTACK": "#d62728",
    "ACCUSE": "#ff7f0e",
    "THREATEN": "#9467bd",
    "SUPPORT": "#17becf",
    "PROTEST": "#8c564b",
    "SANCTION": "#e377c2",
}
_OTHER_COLOURS = ("#7f7f7f", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39")
_ONE_DAY = dt.timedelta(days=1)
# Fonts tried in order for Arabic glyphs; matplotlib falls back per glyph.
_ARABIC_FONTS = ["Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Arial", "DejaVu Sans"]


def _fonts() -> list[str]:
    """The Arabic-capable font families installed, best first (DejaVu Sans always)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in _ARABIC_FONTS if f in installed] or ["DejaVu Sans"]


def _colour(event_type: str, seen: list[str]) -> str:
    if event_type in TYPE_COLOURS:
        return TYPE_COLOURS[event_type]
    if event_type not in seen:
        seen.append(event_type)
    return _OTHER_COLOURS[seen.index(event_type) % len(_OTHER_COLOURS)]


def _to_date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _names(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    return [str(v) for v in value]


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _dated(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The events that have a date, in timeline order, and how many had none."""
    missing = [c for c in ("event_type", "date_start", "date_end") if c not in events.columns]
    if missing:
        raise KeyError(f"an events frame needs column(s) {missing}")
    frame = events.copy()
    frame["_start"] = frame["date_start"].map(_to_date)
    frame["_end"] = frame["date_end"].map(_to_date)
    frame["_end"] = [
        e if e is not None else s for s, e in zip(frame["_start"], frame["_end"], strict=True)
    ]
    dated = frame[frame["_start"].notna()]
    dated = dated.sort_values(["_start", "_end"], kind="stable")
    return dated, len(frame) - len(dated)


def _is_interval(start: dt.date, end: dt.date) -> bool:
    return end > start


def _size(n_articles: Any) -> int:
    try:
        n = int(n_articles)
    except (TypeError, ValueError):
        n = 1
    return max(n, 1)


def _hover(row: pd.Series, sources: Mapping[str, str] | None) -> str:
    """The hover text of one event: type and date, participants, place, sources, sentence."""
    start, end = row["_start"], row["_end"]
    span = start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"
    value = _text(row.get("date_value"))
    lines = [f"<b>{row['event_type']}</b> {value} ({span})"]
    people = _names(row.get("participants"))
    if people:
        lines.append("المشاركون: " + "، ".join(people))
    place = _text(row.get("location"))
    if place:
        lines.append("المكان: " + place)
    ids = _names(row.get("article_ids"))
    if sources:
        ids = [f"{sources.get(i, i)} ({i})" for i in ids]
    n = _size(row.get("n_articles"))
    lines.append(f"المصادر ({n}): " + "، ".join(ids))
    summary = _text(row.get("summary"))
    if summary:
        short = textwrap.shorten(summary, width=280, placeholder=" …")
        lines.extend(textwrap.wrap(short, width=70))
    return "<br>".join(lines)


def _lanes(dated: pd.DataFrame) -> tuple[list[str], list[float]]:
    """Event types in first-seen order, and a y position per event inside its type's lane.

    Events of a type are packed greedily into sub-rows so that no two overlap in
    time; sub-rows are spread within ±0.4 of the lane's centre.
    """
    types = list(dict.fromkeys(dated["event_type"].astype(str)))
    levels: dict[str, list[dt.date]] = {t: [] for t in types}
    picked: list[tuple[str, int]] = []
    for etype, start, end in zip(
        dated["event_type"].astype(str), dated["_start"], dated["_end"], strict=True
    ):
        ends = levels[etype]
        # Points get a few days' room so that same-day markers do not sit on one another.
        for level, last in enumerate(ends):
            if last < start:
                ends[level] = max(end, start + dt.timedelta(days=20))
                picked.append((etype, level))
                break
        else:
            ends.append(max(end, start + dt.timedelta(days=20)))
            picked.append((etype, len(ends) - 1))
    ys = []
    for etype, level in picked:
        depth = len(levels[etype])
        offset = 0.0 if depth == 1 else -0.35 + 0.7 * level / (depth - 1)
        ys.append(types.index(etype) + offset)
    return types, ys


def timeline_figure(
    events: pd.DataFrame,
    *,
    title: str | None = None,
    sources: Mapping[str, str] | None = None,
) -> Any:
    """An interactive plotly timeline of an events frame.

    One lane per event type, coloured by type; a day-dated event is a marker whose
    size grows with ``n_articles``, an event dated only to a span is a bar from
    ``date_start`` to ``date_end`` (thicker with more articles). Hovering shows the
    participants, the place, the sources (``article_ids``, or the names
    ``sources`` maps them to) and the summary sentence.

    Args:
        events: an events frame (``Result.events`` or ``data/events.parquet``).
        title: the figure title; by default a count of events.
        sources: optional mapping from article id to a source name for the hover.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Example:
        >>> import timeline
        >>> from timeline.plot import timeline_figure
        >>> events = timeline.extract("data/raw").events              # doctest: +SKIP
        >>> timeline_figure(events.timeline.with_participant("إيران"))  # doctest: +SKIP
    """
    import plotly.graph_objects as go

    dated, undated = _dated(events)
    types, ys = _lanes(dated)
    dated = dated.assign(_y=ys)
    fig = go.Figure()
    extra: list[str] = []
    for etype in types:
        rows = dated[dated["event_type"].astype(str) == etype]
        colour = _colour(etype, extra)
        spans = rows[
            [_is_interval(s, e) for s, e in zip(rows["_start"], rows["_end"], strict=True)]
        ]
        points = rows.drop(index=spans.index)
        if len(spans):
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    base=[s.isoformat() for s in spans["_start"]],
                    x=[
                        ((e + _ONE_DAY) - s).total_seconds() * 1000
                        for s, e in zip(spans["_start"], spans["_end"], strict=True)
                    ],
                    y=spans["_y"],
                    width=[
                        0.08 + 0.04 * min(_size(r.get("n_articles")), 5)
                        for _, r in spans.iterrows()
                    ],
                    marker={
                        "color": colour,
                        "opacity": 0.45,
                        "line": {"color": colour, "width": 1},
                    },
                    name=etype,
                    legendgroup=etype,
                    showlegend=len(points) == 0,
                    hovertext=[_hover(r, sources) for _, r in spans.iterrows()],
                    hoverinfo="text",
                )
            )
        if len(points):
            sizes = [8 + 5 * min(_size(r.get("n_articles")), 8) for _, r in points.iterrows()]
            fig.add_trace(
                go.Scatter(
                    x=[s.isoformat() for s in points["_start"]],
                    y=points["_y"],
                    mode="markers",
                    marker={"color": colour, "size": sizes, "line": {"color": "white", "width": 1}},
                    name=etype,
                    legendgroup=etype,
                    hovertext=[_hover(r, sources) for _, r in points.iterrows()],
                    hoverinfo="text",
                )
            )
    shown = f"عدد الأحداث: {len(dated)}" + (
        f"، بلا تاريخ (غير معروضة): {undated}" if undated else ""
    )
    fig.update_layout(
        title=title or f"الخط الزمني — {shown}",
        barmode="overlay",
        xaxis={"type": "date", "title": "التاريخ"},
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(types))),
            "ticktext": types,
            "range": [-0.6, len(types) - 0.4],
            "title": "",
        },
        hoverlabel={"align": "right"},
        legend={"title": "النوع"},
        height=max(300, 110 * len(types) + 140),
        template="plotly_white",
    )
    return fig


def arabic_label(text: str) -> str:
    """``text`` shaped and reordered for renderers that do neither (matplotlib).

    Arabic letters are replaced by their joined presentation forms
    (arabic-reshaper) and the string is put in visual order (python-bidi), so it
    reads right to left when drawn left to right.

    >>> arabic_label("إيران") == "".join(reversed("ﺇﻳﺮﺍﻥ"))
    True
    """
    import arabic_reshaper

    # bidi.algorithm (pure Python, in every python-bidi release) mirrors brackets in
    # right-to-left runs (rule L4); the Rust-backed bidi.get_display of 0.5+ does not.
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


def _row_label(row: pd.Series, width: int = 48) -> str:
    people = _names(row.get("participants"))
    place = _text(row.get("location"))
    head = "، ".join(people[:3]) + (" …" if len(people) > 3 else "")
    label = head or "—"
    if place:
        label += f" | {place}"
    if len(label) > width:
        label = label[: width - 1] + "…"
    return label


def timeline_image(
    events: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    max_events: int = 60,
    dpi: int = 150,
) -> Path:
    """Draw a static timeline PNG (or any format matplotlib knows from ``path``).

    One row per event in date order, labelled in Arabic (participants and place,
    shaped and right-to-left); a day-dated event is a dot sized by ``n_articles``,
    an event dated only to a span is a bar from ``date_start`` to ``date_end``;
    colour shows the type. With more than ``max_events`` dated events the most
    reported ones are drawn.

    Args:
        events: an events frame.
        path: where to write the image; its folder is created if needed.
        title: the figure title (Arabic is shaped); by default a count of events.
        max_events: at most this many rows.
        dpi: resolution of the image.

    Returns:
        The path written.

    Example:
        >>> import pandas as pd
        >>> from timeline.plot import timeline_image
        >>> events = pd.read_parquet("data/events.parquet")        # doctest: +SKIP
        >>> timeline_image(events, "timeline.png", title="أحداث إيران")  # doctest: +SKIP
    """
    import matplotlib as mpl
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    from matplotlib.lines import Line2D

    dated, undated = _dated(events)
    dropped = 0
    if len(dated) > max_events:
        n = dated.get("n_articles", pd.Series(1, index=dated.index)).map(_size)
        keep = n.sort_values(ascending=False, kind="stable").index[:max_events]
        dropped = len(dated) - max_events
        dated = dated.loc[dated.index.isin(keep)]
    dated = dated.iloc[::-1]  # earliest at the top
    rows = len(dated)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with mpl.rc_context({"font.family": _fonts(), "axes.unicode_minus": False}):
        fig = Figure(figsize=(12, 1.6 + 0.32 * max(rows, 1)))
        ax = fig.subplots()
        extra: list[str] = []
        types: list[str] = []
        for y, (_, row) in enumerate(dated.iterrows()):
            etype = str(row["event_type"])
            colour = _colour(etype, extra)
            if etype not in types:
                types.append(etype)
            start, end = row["_start"], row["_end"]
            n = _size(row.get("n_articles"))
            if _is_interval(start, end):
                ax.barh(
                    y,
                    mdates.date2num(end + _ONE_DAY) - mdates.date2num(start),
                    left=mdates.date2num(start),
                    height=0.25 + 0.08 * min(n, 5),
                    color=colour,
                    alpha=0.45,
                    edgecolor=colour,
                )
            else:
                ax.scatter(
                    mdates.date2num(start),
                    y,
                    s=30 + 25 * min(n, 8),
                    color=colour,
                    edgecolors="white",
                    zorder=3,
                )
        ax.set_yticks(range(rows))
        ax.set_yticklabels([arabic_label(_row_label(r)) for _, r in dated.iterrows()], fontsize=9)
        ax.set_ylim(-0.7, rows - 0.3)
        ax.xaxis_date()
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.grid(axis="x", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles: Sequence[Any] = [
            Line2D([], [], marker="o", linestyle="", color=_colour(t, extra), label=t)
            for t in types
        ]
        handles = [
            *handles,
            Line2D(
                [],
                [],
                color="grey",
                alpha=0.45,
                linewidth=6,
                label=arabic_label("فترة") + " (interval)",
            ),
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        heading = f"الخط الزمني — عدد الأحداث: {len(dated)}"
        if undated:
            heading += f"، بلا تاريخ: {undated}"
        if dropped:
            heading += f"، غير معروضة: {dropped}"
        heading = title or heading
        ax.set_title(arabic_label(heading), fontsize=12, loc="right")
        fig.tight_layout()
        fig.savefig(out, dpi=dpi)
    return out
