"""Every error of a run against gold, with offsets and the Arabic sentence around it.

:func:`evaluate` scores predictions with :mod:`timeline.evaluate` (pooled and per
article) and keeps the matching decisions; :func:`article_problems` and
:func:`timeline_problems` turn the decisions that are errors into :class:`Problem`
records, which the pytest plugin prints and the reports list. The classification of a
timex or mention decision (missing / extra / wrong value / wrong type / wrong status)
is :func:`timeline.evaluate.error_rows`'; the timeline ones are read from
:func:`timeline.evaluate.match_timeline` and the mention matches:

- ``missed_event``: a required gold cluster no row claims;
- ``extra_row``: a row that maps to no gold cluster;
- ``split``: a second row for a cluster another row already claims (a duplicate);
- ``merge``: a row whose matched mentions belong to more than one gold cluster;
- ``wrong_date``: a row mapped to its cluster whose ``date_value`` no required gold
  mention of the cluster accepts (its value or ``alt``).

``timeline_date_acc`` (the share of claimed rows with an accepted date) is added to
the scores; everything else is :func:`timeline.evaluate.score`'s.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from timeline.evaluate import (
    GoldDoc,
    GoldEvent,
    Match,
    RowMatch,
    error_rows,
    load_gold,
    match_mentions,
    match_status,
    match_timeline,
    match_timexes,
    score,
)

__all__ = [
    "KIND_LABELS",
    "Evaluation",
    "Problem",
    "article_problems",
    "context",
    "evaluate",
    "format_problem",
    "format_problems",
    "read_texts",
    "run",
    "split_sentences",
    "timeline_problems",
]

OPEN, CLOSE = "⟦", "⟧"
_SENTENCE_END = re.compile(r"[.!?؟\n][\s.!?؟]*")

#: How each kind of problem is named in messages and reports.
KIND_LABELS: dict[str, str] = {
    "missing": "missing",
    "extra": "extra",
    "wrong_value": "wrong value",
    "wrong_type": "wrong type",
    "wrong_status": "wrong status",
    "missed_event": "missed event",
    "extra_row": "extra row",
    "split": "split (duplicate row)",
    "merge": "wrong merge",
    "wrong_date": "wrong date",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One error: what (``scope``/``kind``), where (article, span), expected vs got.

    ``scope`` is ``timex``, ``mention``, ``status`` or ``timeline``; ``kind`` a key of
    :data:`KIND_LABELS`. ``label`` is the TIMEX3 or event type, ``note`` extra words
    (cluster, row ids), ``context`` the sentence with the span between ``⟦ ⟧``.
    """

    scope: str
    kind: str
    article_id: str | None
    text: str | None
    start: int | None
    end: int | None
    expected: str | None = None
    got: str | None = None
    label: str | None = None
    note: str | None = None
    context: str | None = None

    @property
    def where(self) -> str:
        """``article@start-end`` (what is known of it)."""
        span = f"@{self.start}-{self.end}" if self.start is not None else ""
        return f"{self.article_id or '?'}{span}"


# ------------------------------------------------------------------------------ context


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``[start, end)`` of a raw text, as the gold files' ``sentences``.

    A run of ``. ! ? ؟`` and newlines (with the spaces between) ends one sentence;
    the sentence keeps its first end mark, the rest of the run belongs to no sentence.
    """
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + 1
        if text[start:end].strip():
            out.append((start, end))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def context(
    text: str | None,
    start: int | None,
    end: int | None,
    sentences: Sequence[tuple[int, int]] = (),
    width: int = 160,
) -> str | None:
    """The sentence holding ``text[start:end]``, the span marked ``⟦…⟧``, on one line.

    ``sentences`` (the gold's, when it has them) decide the sentence; without them the
    text is split with :func:`split_sentences`. Each side is cut to ``width // 2``
    characters (``…`` marks a cut). None when the span does not fit the text.
    """
    if text is None or start is None or end is None or not 0 <= start <= end <= len(text):
        return None
    spans = sentences or split_sentences(text)
    lo, hi = next(((s, e) for s, e in spans if s <= start < e), (start, end))
    lo, hi = min(lo, start), max(hi, end)
    half = max(width // 2, 10)
    left, right = text[lo:start], text[end:hi]
    if lo == start and hi == end:  # no sentence found: a window instead
        left, right = text[max(0, start - half) : start], text[end : end + half]
    if len(left) > half:
        left = "…" + left[-half:]
    if len(right) > half:
        right = right[:half] + "…"
    return " ".join(f"{left}{OPEN}{text[start:end]}{CLOSE}{right}".split())


def read_texts(raw: str | os.PathLike[str], now: date | None = None) -> dict[str, str]:
    """Article id → text for the usable articles of a corpus folder or file."""
    from timeline.corpus import read_corpus

    return {a.id: a.text for a, _status in read_corpus(raw, now=now) if a is not None}


# ----------------------------------------------------------------------------- problems


def _accepted(value: Any, alt: Iterable[Any] = ()) -> str:
    """A gold value with its alternatives: ``2021-W22 (or 2021-06-03)``."""
    alts = [("null" if a is None else str(a)) for a in alt]
    shown = "null" if value is None else str(value)
    return f"{shown} (or {', '.join(alts)})" if alts else shown


def _shown(value: Any) -> str | None:
    if value is None:
        return "null"
    try:
        if pd.isna(value):
            return "null"
    except (TypeError, ValueError):
        pass
    return str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _gold_expected(scope: str, g: Any) -> str | None:
    if g is None:
        return None
    if scope == "timex":
        return _accepted(g.value, g.alt)
    return _accepted(g.date_value, g.date_alt)


def _match_problems(
    scope: str, matches: Iterable[Match], text: str | None, sentences: Sequence[tuple[int, int]]
) -> list[Problem]:
    out = []
    for m in matches:
        for row in error_rows([m]):
            kind = row["error"]
            g, p = m.gold, m.pred or {}
            if kind == "missing" and g is not None:
                span_text, start, end = row["gold_text"], g.start, g.end
            else:
                span_text = row["pred_text"]
                start, end = _int(p.get("char_start")), _int(p.get("char_end"))
            pred_label = p.get("type") if scope == "timex" else p.get("event_type")
            label = getattr(g, "type", None) or pred_label
            expected = _gold_expected(scope, g)
            got = None if kind == "missing" else _shown(row["pred_value"])
            if kind == "wrong_type":
                expected, got = getattr(g, "type", None), _shown(pred_label)
            elif kind == "wrong_status":
                expected, got = getattr(g, "status", None), _shown(p.get("status") or "occurred")
            elif kind == "extra":
                expected = None
            note = f"gold {g.id}" if isinstance(g, GoldEvent) else None
            fallback = p.get("sentence") if isinstance(p.get("sentence"), str) else None
            out.append(
                Problem(
                    scope,
                    kind,
                    m.article_id,
                    span_text,
                    start,
                    end,
                    expected,
                    got,
                    label,
                    note,
                    context(text, start, end, sentences) or fallback,
                )
            )
    return out


def _status_problems(
    matches: Iterable[Match],
    reported_rows: set[int],
    text: str | None,
    sentences: Sequence[tuple[int, int]],
) -> list[Problem]:
    out = []
    for m in matches:
        if m.kind != "tp" or m.status_ok is not False or m.row in reported_rows:
            continue
        g, p = m.gold, m.pred or {}
        start, end = _int(p.get("char_start")), _int(p.get("char_end"))
        out.append(
            Problem(
                "status",
                "wrong_status",
                m.article_id,
                p.get("trigger"),
                start,
                end,
                getattr(g, "status", None),
                _shown(p.get("status") or "occurred"),
                getattr(g, "type", None),
                f"gold {g.id}" if isinstance(g, GoldEvent) else None,
                context(text, start, end, sentences),
            )
        )
    return out


def article_problems(
    doc: GoldDoc,
    text: str | None,
    timex_matches: Sequence[Match],
    mention_matches: Sequence[Match],
    status_matches: Sequence[Match] = (),
) -> list[Problem]:
    """The timex, mention and status errors of one article, in text order."""
    found = _match_problems("timex", timex_matches, text, doc.sentences)
    mentions = _match_problems("mention", mention_matches, text, doc.sentences)
    reported = {m.row for m in mention_matches if m.kind == "fp" and m.reason == "status"}
    statuses = _status_problems(
        status_matches, {r for r in reported if r is not None}, text, doc.sentences
    )
    return sorted(
        found + mentions + statuses,
        key=lambda p: (p.start if p.start is not None else -1, p.scope),
    )


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    return frame.to_dict("records")


def timeline_problems(
    gold: Mapping[str, GoldDoc],
    texts: Mapping[str, str],
    mentions: pd.DataFrame | None,
    events: pd.DataFrame | None,
    mention_matches: Mapping[str, Sequence[Match]],
    rows: Sequence[RowMatch],
) -> tuple[list[Problem], float | None]:
    """Missed events, extra rows, splits, merges and wrong dates; and ``timeline_date_acc``."""
    members: dict[str, list[GoldEvent]] = defaultdict(list)
    for doc in gold.values():
        for g in doc.events:
            if g.occurred:
                members[g.cluster].append(g)
    event_rows = {str(r.get("event_id")): r for r in _records(events)}
    by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in _records(mentions):
        eid = rec.get("event_id")
        if isinstance(eid, str) and str(rec.get("article_id")) in gold:
            by_event[eid].append(rec)

    def gold_problem(kind: str, g: GoldEvent, **kw: Any) -> Problem:
        doc = gold[g.article_id]
        ctx = context(texts.get(g.article_id), g.start, g.end, doc.sentences)
        return Problem(
            "timeline",
            kind,
            g.article_id,
            g.trigger,
            g.start,
            g.end,
            label=g.type,
            context=ctx,
            **kw,
        )

    def row_problem(kind: str, eid: str | None, **kw: Any) -> Problem:
        row = event_rows.get(str(eid), {})
        first = by_event.get(str(eid), [{}])[0] if eid is not None else {}
        aid = first.get("article_id")
        start, end = _int(first.get("char_start")), _int(first.get("char_end"))
        doc = gold.get(str(aid))
        ctx = context(texts.get(str(aid)), start, end, doc.sentences if doc else ())
        if ctx is None:
            ctx = first.get("sentence") or row.get("summary")
        return Problem(
            "timeline",
            kind,
            aid,
            first.get("trigger"),
            start,
            end,
            label=row.get("event_type") or first.get("event_type"),
            context=ctx,
            **kw,
        )

    out: list[Problem] = []
    claimer = {r.cluster: r.event_id for r in rows if r.kind == "tp"}
    dated = ok = 0
    for r in rows:
        if r.kind == "fn" and r.cluster is not None:
            ms = members.get(r.cluster, [])
            required = [g for g in ms if not g.optional] or ms
            if not required:
                continue
            where = sorted({g.article_id for g in ms})
            out.append(
                gold_problem(
                    "missed_event",
                    required[0],
                    expected=_accepted(required[0].date_value, required[0].date_alt),
                    note=f"cluster {r.cluster}: {len(ms)} mention(s) in {', '.join(where)}",
                )
            )
        elif r.kind == "fp":
            why = "its mentions match no gold mention" if r.n_mentions else "no mention in gold"
            got = _shown(event_rows.get(str(r.event_id), {}).get("date_value"))
            out.append(
                row_problem("extra_row", r.event_id, got=got, note=f"row {r.event_id}: {why}")
            )
        elif r.kind == "duplicate":
            got = _shown(event_rows.get(str(r.event_id), {}).get("date_value"))
            out.append(
                row_problem(
                    "split",
                    r.event_id,
                    got=f"a second row (date {got})",
                    note=f"cluster {r.cluster} already has row {claimer.get(r.cluster)}; "
                    f"row {r.event_id} is a second one",
                )
            )
        elif r.kind == "tp" and r.cluster is not None:
            required = [g for g in members.get(r.cluster, []) if not g.optional]
            value = event_rows.get(str(r.event_id), {}).get("date_value")
            dated += 1
            if any(g.accepts_date(value) for g in required):
                ok += 1
            elif required:
                g = required[0]
                out.append(
                    gold_problem(
                        "wrong_date",
                        g,
                        expected=_accepted(g.date_value, g.date_alt),
                        got=_shown(value),
                        note=f"row {r.event_id} for cluster {r.cluster}",
                    )
                )
    out += _merges(gold, texts, mention_matches)
    return out, (ok / dated if dated else None)


def _merges(
    gold: Mapping[str, GoldDoc],
    texts: Mapping[str, str],
    mention_matches: Mapping[str, Sequence[Match]],
) -> list[Problem]:
    groups: dict[str, list[Match]] = defaultdict(list)
    for aid in sorted(mention_matches):
        for m in mention_matches[aid]:
            eid = (m.pred or {}).get("event_id")
            if (
                m.kind in ("tp", "neutral")
                and isinstance(m.gold, GoldEvent)
                and isinstance(eid, str)
            ):
                groups[eid].append(m)
    out = []
    for eid, ms in groups.items():
        clusters: dict[str, list[Match]] = defaultdict(list)
        for m in ms:
            clusters[m.gold.cluster].append(m)  # type: ignore[union-attr]
        if len(clusters) < 2:
            continue
        ranked = sorted(clusters, key=lambda c: -len(clusters[c]))
        odd = clusters[ranked[-1]][0]
        g = odd.gold
        assert isinstance(g, GoldEvent)
        doc = gold[g.article_id]
        joined = ", ".join(f"{c} ({len(clusters[c])})" for c in ranked)
        out.append(
            Problem(
                "timeline",
                "merge",
                g.article_id,
                g.trigger,
                g.start,
                g.end,
                expected="separate rows",
                got=f"one row {eid}",
                label=g.type,
                note=f"row {eid} merges clusters {joined}",
                context=context(texts.get(g.article_id), g.start, g.end, doc.sentences),
            )
        )
    return out


# ---------------------------------------------------------------------------- formatting


def format_problem(p: Problem) -> str:
    """Two lines: what and where, expected vs got; then the sentence in context."""
    head = f"{p.scope:<8} {KIND_LABELS.get(p.kind, p.kind):<13} {p.label or '':<8}"
    quoted = f'"{p.text}" ' if p.text else ""
    line = f"{head} {quoted}{p.where}"
    if p.expected is not None:
        line += f": expected {p.expected}, got {p.got or 'nothing'}"
    elif p.got is not None:
        line += f": got {p.got}"
    if p.note:
        line += f" [{p.note}]"
    if p.context:
        line += f"\n{'':9}{p.context}"
    return line


def format_problems(problems: Sequence[Problem], limit: int = 60) -> str:
    """Problems one after another (at most ``limit``; a last line counts the rest)."""
    lines = [format_problem(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Evaluation:
    """A run scored against gold: scores (pooled and per article), decisions, problems."""

    gold: dict[str, GoldDoc]
    texts: dict[str, str]
    timexes: pd.DataFrame
    mentions: pd.DataFrame | None
    events: pd.DataFrame | None
    scores: dict[str, Any]
    article_scores: dict[str, dict[str, Any]]
    timex_matches: dict[str, list[Match]]
    mention_matches: dict[str, list[Match]]
    status_matches: dict[str, list[Match]]
    rows: list[RowMatch]
    article_problems: dict[str, list[Problem]]
    timeline_problems: list[Problem]

    @property
    def problems(self) -> list[Problem]:
        """Every problem: per article in id order, then the timeline's."""
        return [
            p for aid in sorted(self.article_problems) for p in self.article_problems[aid]
        ] + list(self.timeline_problems)


def evaluate(
    gold: Mapping[str, GoldDoc],
    timexes: pd.DataFrame | None,
    mentions: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    texts: Mapping[str, str] | None = None,
) -> Evaluation:
    """Score predictions (OUTPUT.md columns) against gold and list every problem.

    ``texts`` (article id → raw text) give the problems their sentence; without them a
    prediction falls back to its ``sentence`` column and gold items have no context.
    """
    gold = dict(gold)
    texts = dict(texts or {})
    timexes = timexes if timexes is not None else pd.DataFrame()
    scores = dict(score(gold, timexes, mentions, events))
    article_scores = {aid: dict(score({aid: gold[aid]}, timexes, mentions)) for aid in sorted(gold)}
    tm = {aid: match_timexes(gold[aid], _only(timexes, aid)) for aid in sorted(gold)}
    mm = {aid: match_mentions(gold[aid], _only(mentions, aid)) for aid in sorted(gold)}
    sm = {aid: match_status(gold[aid], _only(mentions, aid)) for aid in sorted(gold)}
    problems = {
        aid: article_problems(gold[aid], texts.get(aid), tm[aid], mm[aid], sm[aid])
        for aid in sorted(gold)
    }
    rows: list[RowMatch] = []
    line: list[Problem] = []
    if mentions is not None and events is not None:
        rows = match_timeline(gold, mentions, events)
        line, date_acc = timeline_problems(gold, texts, mentions, events, mm, rows)
        scores["timeline_date_acc"] = date_acc
    return Evaluation(
        gold,
        texts,
        timexes,
        mentions,
        events,
        scores,
        article_scores,
        tm,
        mm,
        sm,
        rows,
        problems,
        line,
    )


def _only(frame: pd.DataFrame | None, article_id: str) -> pd.DataFrame | None:
    """The rows of one article, keeping the frame's row positions meaningful per article."""
    if frame is None or frame.empty or "article_id" not in frame.columns:
        return frame
    return frame[frame["article_id"].astype(str) == article_id].reset_index(drop=True)


def run(
    raw: str | os.PathLike[str],
    gold: str | os.PathLike[str] | Mapping[str, GoldDoc],
    *,
    now: date | None = None,
) -> Evaluation:
    """Run the pipeline on ``raw``, then :func:`evaluate` it against ``gold`` (a folder or docs)."""
    from timeline.pipeline import extract

    docs = load_gold(gold) if isinstance(gold, str | os.PathLike | Path) else dict(gold)
    result = extract(raw, now=now)
    return evaluate(docs, result.timexes, result.mentions, result.events, read_texts(raw, now))
