"""Scoring extractor output against gold timelines (the Scoring section of GOLD.md).

The rules GOLD.md states are implemented as written; where it is silent, this module
makes the choices below, so that every number it reports has one meaning.

Matching (timexes, mentions, statuses)
    One-to-one. Predictions are taken in text order (``char_start``, ``char_end``,
    then row order); each takes the still unmatched gold item it overlaps by the most
    characters, ties going to the earliest gold item (by ``start``, ``end``, file
    order). Overlap means at least one shared character. A prediction without a usable
    span overlaps nothing. Mentions and statuses only match gold of the same type.

Optional gold
    A prediction matched to an optional gold item is *neutral* (neither TP nor FP); an
    unmatched optional item is not a FN. Accuracies (``timex_type_acc``,
    ``timex_value_acc``, ``mention_date_acc``) are taken over non-optional matches
    only, i.e. over the same matches that count as TP: an optional item is one the
    annotators did not want to grade.

Ratios
    ``P = TP / (TP + FP)`` and ``R = TP / (TP + FN)`` are ``None`` when their
    denominator is 0; ``F1 = 2TP / (2TP + FP + FN)`` (equal to the harmonic mean
    whenever both exist, and 0 when nothing was predicted against non-empty gold) is
    ``None`` only when all three counts are 0. Accuracies over zero items are ``None``.
    ``timex_strict_F1`` and ``timex_value_F1`` follow TempEval-3: they use the relaxed
    matching, counting as correct only matches with identical spans (strict) or an
    accepted value (value), against the same numbers of predictions and gold items.

Values
    A predicted value is right when it equals the gold value or one of ``alt``; a
    null (None/NaN) prediction is right when the gold value is null or ``alt`` holds
    ``null``.

Mentions
    Only predictions with status ``occurred`` are scored by ``mention_P/R/F1``; a
    missing ``status`` column or a null status counts as ``occurred`` (the gold's own
    default). An unmatched occurred prediction that overlaps a non-occurred gold
    mention of its type is a FP (the text says otherwise, GOLD.md Events) even if the
    sentence rule would apply; otherwise, if a sentence of the gold ``sentences``
    holds both it and a gold occurred mention (optional or not, matched or not) of its
    type, it is neutral. Gold without ``sentences`` never triggers the rule.
    ``status_acc`` uses its own matching: every prediction, whatever its status,
    against every gold mention (any status, optional ones too).

Timeline
    Requires ``mentions``. A row of ``events`` is scored when one of its
    ``article_ids`` has gold or one of its mentions is in an article with gold. Its
    matched mentions are its occurred mentions in gold articles matched to a gold
    mention (optional ones included); the row maps to the cluster most of them belong
    to (ties: the cluster of its earliest matched mention by article and offset). Gold
    clusters are built from occurred gold mentions only, pooled across files; a
    cluster all of whose mentions are optional is left out and rows mapped to it are
    neutral. The first row mapped to a cluster claims it (TP), later rows are FPs
    counted in ``timeline_duplicate_rows``. A row with no matched mention is neutral
    when it has mentions and all of them were neutral by the sentence rule, a FP
    otherwise (including a row with no mention at all in gold articles).

Links
    Over all pairs of matched mentions (as for the timeline; pairs across articles
    too): predicted "same event" means the same non-null ``event_id``, gold "same
    event" the same cluster.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "GoldDoc",
    "GoldEvent",
    "GoldFormatError",
    "GoldTimex",
    "Match",
    "RowMatch",
    "error_rows",
    "evaluate_folder",
    "format_table",
    "load_gold",
    "match_mentions",
    "match_status",
    "match_timeline",
    "match_timexes",
    "score",
]

TIMEX_TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})
STATUSES = frozenset({"occurred", "planned", "proposed", "hypothetical", "negated"})
OCCURRED = "occurred"

Kind = Literal["tp", "fp", "fn", "neutral"]
Record = dict[str, Any]


# --------------------------------------------------------------------------- gold model


class GoldFormatError(ValueError):
    """A gold file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """One gold temporal expression (``end`` exclusive)."""

    article_id: str
    text: str
    start: int
    end: int
    type: str
    value: str | None
    mod: str | None = None
    alt: tuple[str | None, ...] = ()
    optional: bool = False

    def accepts(self, value: Any) -> bool:
        """Whether a predicted value is the gold value or one of its alternatives."""
        return _value_accepted(value, self.value, self.alt)


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One gold event mention; ``cluster`` names the real-world event it refers to."""

    id: str
    article_id: str
    type: str
    trigger: str
    start: int
    end: int
    cluster: str
    status: str = OCCURRED
    date_value: str | None = None
    date_alt: tuple[str | None, ...] = ()
    participants: tuple[str, ...] = ()
    location: str | None = None
    optional: bool = False

    @property
    def occurred(self) -> bool:
        """Whether the mention belongs to the timeline."""
        return self.status == OCCURRED

    def accepts_date(self, value: Any) -> bool:
        """Whether a predicted date value is the gold date or one of its alternatives."""
        return _value_accepted(value, self.date_value, self.date_alt)


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """The gold of one article."""

    article_id: str
    published: date | None
    timexes: tuple[GoldTimex, ...] = ()
    events: tuple[GoldEvent, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()
    draft: bool = False
    source: str | None = field(default=None, compare=False)


def load_gold(folder: str | Path) -> dict[str, GoldDoc]:
    """Read every ``*.json`` gold file of ``folder`` (not recursive), keyed by article id.

    Raises :class:`GoldFormatError` naming the file and the problem for a file that is
    not valid JSON or breaks the format of GOLD.md, and for an article id given twice.
    The file name is not required to be ``<article_id>.json``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"gold folder not found: {folder}")
    docs: dict[str, GoldDoc] = {}
    for path in sorted(folder.glob("*.json")):
        doc = load_gold_file(path)
        if doc.article_id in docs:
            raise GoldFormatError(
                f"{path.name}: article_id {doc.article_id!r} already given by "
                f"{Path(docs[doc.article_id].source or '?').name}"
            )
        docs[doc.article_id] = doc
    return docs


_MISSING = object()


class _Reader:
    """Typed field access that turns any mistake into a GoldFormatError naming the file."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, problem: str) -> GoldFormatError:
        return GoldFormatError(f"{self.name}: {where}: {problem}")

    def get(
        self, obj: Any, key: str, kinds: tuple[type, ...], where: str, default: Any = _MISSING
    ) -> Any:
        if not isinstance(obj, Mapping):
            raise self.fail(where, f"expected an object, got {type(obj).__name__}")
        if key not in obj:
            if default is _MISSING:
                raise self.fail(where, f"missing key {key!r}")
            return default
        value = obj[key]
        # bool is an int subclass: a true/false where a number belongs is a mistake
        bad_bool = isinstance(value, bool) and bool not in kinds
        if bad_bool or not isinstance(value, kinds):
            names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
            raise self.fail(f"{where}.{key}", f"expected {names}, got {value!r}")
        return value

    def span(self, obj: Mapping, where: str) -> tuple[str, int, int]:
        text = self.get(obj, "text", (str,), where)
        start = self.get(obj, "start", (int,), where)
        end = self.get(obj, "end", (int,), where)
        if not 0 <= start < end:
            raise self.fail(where, f"bad span start={start} end={end}")
        if end - start != len(text):
            raise self.fail(
                where,
                f"span {start}-{end} has length {end - start} but text {text!r} has {len(text)}",
            )
        return text, start, end

    def alt(self, obj: Mapping, where: str) -> tuple[str | None, ...]:
        alt = self.get(obj, "alt", (list,), where, [])
        for i, a in enumerate(alt):
            if a is not None and not isinstance(a, str):
                raise self.fail(f"{where}.alt[{i}]", f"expected string or null, got {a!r}")
        return tuple(alt)


def load_gold_file(path: Path) -> GoldDoc:
    """One gold file, validated; GoldFormatError names the file and the problem."""
    r = _Reader(path.name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldFormatError(f"{path.name}: not valid UTF-8 JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise r.fail("top level", f"expected an object, got {type(data).__name__}")
    article_id = r.get(data, "article_id", (str,), "top level")
    published_raw = r.get(data, "published", (str, type(None)), "top level", None)
    try:
        published = date.fromisoformat(published_raw[:10]) if published_raw else None
    except ValueError as exc:
        raise r.fail("top level.published", f"not an ISO date: {published_raw!r}") from exc
    timexes = tuple(
        _read_timex(r, article_id, t, f"timexes[{i}]")
        for i, t in enumerate(r.get(data, "timexes", (list,), "top level", []))
    )
    events = tuple(
        _read_event(r, article_id, e, f"events[{i}]")
        for i, e in enumerate(r.get(data, "events", (list,), "top level", []))
    )
    sentences = []
    for i, s in enumerate(r.get(data, "sentences", (list,), "top level", [])):
        ok = (
            isinstance(s, list)
            and len(s) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in s)
            and 0 <= s[0] <= s[1]
        )
        if not ok:
            raise r.fail(f"sentences[{i}]", f"expected [start, end] with start <= end, got {s!r}")
        sentences.append((s[0], s[1]))
    draft = r.get(data, "draft", (bool,), "top level", False)
    return GoldDoc(article_id, published, timexes, events, tuple(sentences), draft, str(path))


def _read_timex(r: _Reader, article_id: str, t: Any, where: str) -> GoldTimex:
    text, start, end = r.span(t, where)
    ttype = r.get(t, "type", (str,), where)
    if ttype not in TIMEX_TYPES:
        raise r.fail(f"{where}.type", f"expected one of {sorted(TIMEX_TYPES)}, got {ttype!r}")
    return GoldTimex(
        article_id=article_id,
        text=text,
        start=start,
        end=end,
        type=ttype,
        value=r.get(t, "value", (str, type(None)), where),
        mod=r.get(t, "mod", (str, type(None)), where, None),
        alt=r.alt(t, where),
        optional=r.get(t, "optional", (bool,), where, False),
    )


def _read_event(r: _Reader, article_id: str, e: Any, where: str) -> GoldEvent:
    event_id = r.get(e, "id", (str,), where)
    status = r.get(e, "status", (str,), where, OCCURRED)
    if status not in STATUSES:
        raise r.fail(f"{where}.status", f"expected one of {sorted(STATUSES)}, got {status!r}")
    trigger = r.get(e, "trigger", (dict,), where)
    text, start, end = r.span(trigger, f"{where}.trigger")
    when = r.get(e, "date", (dict, type(None)), where, None) or {}
    participants = r.get(e, "participants", (list,), where, [])
    if not all(isinstance(p, str) for p in participants):
        raise r.fail(f"{where}.participants", "expected a list of strings")
    return GoldEvent(
        id=event_id,
        article_id=article_id,
        type=r.get(e, "type", (str,), where),
        trigger=text,
        start=start,
        end=end,
        cluster=r.get(e, "cluster", (str,), where),
        status=status,
        date_value=r.get(when, "value", (str, type(None)), f"{where}.date", None),
        date_alt=r.alt(when, f"{where}.date"),
        participants=tuple(participants),
        location=r.get(e, "location", (str, type(None)), where, None),
        optional=r.get(e, "optional", (bool,), where, False),
    )


# ------------------------------------------------------------------------ match records


@dataclass(frozen=True, slots=True)
class Match:
    """One decision of a matching, enough to list errors ("missing / extra / wrong value").

    ``kind``: ``tp`` (prediction matched to required gold), ``fp`` (prediction that
    counts as false), ``fn`` (required gold nobody matched; ``pred`` is None) or
    ``neutral`` (prediction neither rewarded nor counted false; ``reason`` says why:
    ``optional`` or ``same_sentence``). ``reason`` of a mention FP is ``status`` when
    it overlaps a gold mention whose status is not occurred. ``row`` is the position
    of the prediction in the frame that was scored. ``type_ok``/``value_ok``/
    ``status_ok`` are None where not applicable (no pair, or not scored by that match).
    """

    kind: Kind
    article_id: str
    gold: GoldTimex | GoldEvent | None
    pred: Record | None
    row: int | None = None
    overlap: int = 0
    exact: bool = False
    type_ok: bool | None = None
    value_ok: bool | None = None
    status_ok: bool | None = None
    reason: str | None = None

    @property
    def start(self) -> int:
        """Where the item begins in the text, for ordering reports."""
        if self.pred is not None:
            span = _span(self.pred)
            if span is not None:
                return span[0]
        return self.gold.start if self.gold is not None else -1


@dataclass(frozen=True, slots=True)
class RowMatch:
    """The fate of one predicted timeline row, or (``kind == "fn"``) of a missed cluster.

    ``kind``: ``tp``, ``fp``, ``duplicate`` (a FP because its cluster was already
    claimed), ``neutral`` (``reason``: ``optional_cluster`` or ``same_sentence``) or
    ``fn``.
    """

    kind: Literal["tp", "fp", "duplicate", "neutral", "fn"]
    event_id: str | None
    cluster: str | None
    n_mentions: int = 0
    n_matched: int = 0
    reason: str | None = None


# ------------------------------------------------------------------------ small helpers


def _py(value: Any) -> Any:
    """A plain Python value: NaN/NA/NaT become None, numpy arrays become lists."""
    if isinstance(value, np.ndarray):
        return [_py(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_py(v) for v in value]
    if value is None or isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    return value.item() if isinstance(value, np.generic) else value


def _records(frame: pd.DataFrame | Iterable[Mapping] | None) -> list[tuple[int, Record]]:
    """(position, row) pairs with plain Python values; None or empty gives []."""
    if frame is None:
        return []
    rows = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else [dict(r) for r in frame]
    return [(i, {str(k): _py(v) for k, v in row.items()}) for i, row in enumerate(rows)]


def _by_article(
    records: list[tuple[int, Record]], article_ids: Iterable[str]
) -> tuple[dict[str, list[tuple[int, Record]]], int]:
    """Rows grouped by article, keeping gold articles only; also the ignored count."""
    keep = set(article_ids)
    groups: dict[str, list[tuple[int, Record]]] = defaultdict(list)
    ignored = 0
    for pos, rec in records:
        aid = rec.get("article_id")
        if aid is not None and str(aid) in keep:
            groups[str(aid)].append((pos, rec))
        else:
            ignored += 1
    return groups, ignored


def _span(rec: Mapping[str, Any]) -> tuple[int, int] | None:
    try:
        start, end = int(rec["char_start"]), int(rec["char_end"])
    except (KeyError, TypeError, ValueError):
        return None
    return (start, end) if start < end else None


def _overlap(a: tuple[int, int] | None, b: tuple[int, int]) -> int:
    if a is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _value_accepted(pred: Any, value: str | None, alt: Sequence[str | None]) -> bool:
    pred = _py(pred)
    if pred is None:
        return value is None or None in alt
    return pred == value or pred in alt


def _status(rec: Mapping[str, Any]) -> str:
    # the gold defaults an absent status to occurred; predictions get the same default
    status = rec.get("status")
    return OCCURRED if status is None else str(status)


def _text_order(items: list[tuple[int, Record]]) -> list[tuple[int, Record]]:
    def key(item: tuple[int, Record]) -> tuple[int, int, int]:
        span = _span(item[1]) or (math.inf, math.inf)
        return (span[0], span[1], item[0])

    return sorted(items, key=key)


def _assign(
    preds: list[tuple[int, Record]],
    golds: Sequence[GoldTimex | GoldEvent],
    compatible: Callable[[Record, Any], bool] = lambda _p, _g: True,
) -> tuple[list[tuple[int, Record, int | None, int]], set[int]]:
    """The one-to-one matching of GOLD.md.

    Returns, for each prediction in text order, (row, record, gold index or None,
    overlap), and the set of matched gold indices.
    """
    gold_order = sorted(range(len(golds)), key=lambda i: (golds[i].start, golds[i].end, i))
    taken: set[int] = set()
    out = []
    for pos, rec in _text_order(preds):
        span = _span(rec)
        best, best_overlap = None, 0
        for gi in gold_order:
            if gi in taken:
                continue
            ov = _overlap(span, (golds[gi].start, golds[gi].end))
            # strictly greater: on a tie the earliest gold item, seen first, keeps it
            if ov > best_overlap and compatible(rec, golds[gi]):
                best, best_overlap = gi, ov
        if best is not None:
            taken.add(best)
        out.append((pos, rec, best, best_overlap))
    return out, taken


def _same_type(rec: Record, gold: GoldEvent) -> bool:
    return rec.get("event_type") is not None and str(rec["event_type"]) == gold.type


def _for_article(doc: GoldDoc, preds: pd.DataFrame | Iterable[Mapping] | None) -> list:
    """Rows of ``preds`` that belong to ``doc`` (all of them if there is no article_id)."""
    return [
        (pos, rec)
        for pos, rec in _records(preds)
        if rec.get("article_id") is None or str(rec["article_id"]) == doc.article_id
    ]


def _sort_matches(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda m: (m.start, m.row if m.row is not None else -1))


# ----------------------------------------------------------------------------- matching


def match_timexes(doc: GoldDoc, preds: pd.DataFrame | Iterable[Mapping] | None) -> list[Match]:
    """Match one article's predicted timexes to its gold; one Match per decision.

    Rows of ``preds`` for another article are skipped. Returned in text order.
    """
    return _match_timexes(doc, _for_article(doc, preds))


def _match_timexes(doc: GoldDoc, preds: list[tuple[int, Record]]) -> list[Match]:
    pairs, taken = _assign(preds, doc.timexes)
    matches = []
    for pos, rec, gi, ov in pairs:
        if gi is None:
            matches.append(Match("fp", doc.article_id, None, rec, pos))
            continue
        g = doc.timexes[gi]
        matches.append(
            Match(
                "neutral" if g.optional else "tp",
                doc.article_id,
                g,
                rec,
                pos,
                overlap=ov,
                exact=_span(rec) == (g.start, g.end),
                type_ok=rec.get("type") == g.type,
                value_ok=g.accepts(rec.get("value")),
                reason="optional" if g.optional else None,
            )
        )
    for gi, g in enumerate(doc.timexes):
        if gi not in taken and not g.optional:
            matches.append(Match("fn", doc.article_id, g, None))
    return _sort_matches(matches)


def _sentences_of(doc: GoldDoc, span: tuple[int, int] | None) -> set[int]:
    if span is None:
        return set()
    return {i for i, s in enumerate(doc.sentences) if _overlap(span, s) > 0}


def _unmatched_mention(doc: GoldDoc, pos: int, rec: Record) -> Match:
    """A FP, or neutral under the same-sentence rule (see the module docstring)."""
    span = _span(rec)
    for g in doc.events:
        if not g.occurred and _same_type(rec, g) and _overlap(span, (g.start, g.end)) > 0:
            return Match("fp", doc.article_id, g, rec, pos, reason="status", status_ok=False)
    sentences = _sentences_of(doc, span)
    for g in doc.events:
        if g.occurred and _same_type(rec, g) and sentences & _sentences_of(doc, (g.start, g.end)):
            return Match("neutral", doc.article_id, None, rec, pos, reason="same_sentence")
    return Match("fp", doc.article_id, None, rec, pos)


def match_mentions(doc: GoldDoc, preds: pd.DataFrame | Iterable[Mapping] | None) -> list[Match]:
    """Match one article's predicted ``occurred`` mentions to its gold occurred mentions.

    Predictions with another status are left out (see :func:`match_status`). A
    neutral Match with a gold item is a match to optional gold; one without is the
    same-sentence rule. ``value_ok`` is the date check. Returned in text order.
    """
    return _match_mentions(doc, _for_article(doc, preds))


def _match_mentions(doc: GoldDoc, recs: list[tuple[int, Record]]) -> list[Match]:
    preds = [(p, r) for p, r in recs if _status(r) == OCCURRED]
    golds = [g for g in doc.events if g.occurred]
    pairs, taken = _assign(preds, golds, _same_type)
    matches = []
    for pos, rec, gi, ov in pairs:
        if gi is None:
            matches.append(_unmatched_mention(doc, pos, rec))
            continue
        g = golds[gi]
        matches.append(
            Match(
                "neutral" if g.optional else "tp",
                doc.article_id,
                g,
                rec,
                pos,
                overlap=ov,
                exact=_span(rec) == (g.start, g.end),
                type_ok=True,
                value_ok=g.accepts_date(rec.get("date_value")),
                reason="optional" if g.optional else None,
            )
        )
    for gi, g in enumerate(golds):
        if gi not in taken and not g.optional:
            matches.append(Match("fn", doc.article_id, g, None))
    return _sort_matches(matches)


def match_status(doc: GoldDoc, preds: pd.DataFrame | Iterable[Mapping] | None) -> list[Match]:
    """Match every predicted mention (any status) to every gold mention, for ``status_acc``.

    ``tp`` here only means "paired" (optional gold included); ``status_ok`` carries
    the verdict. Unpaired predictions are ``fp``, unpaired gold ``fn``.
    """
    return _match_status(doc, _for_article(doc, preds))


def _match_status(doc: GoldDoc, preds: list[tuple[int, Record]]) -> list[Match]:
    pairs, taken = _assign(preds, doc.events, _same_type)
    matches = []
    for pos, rec, gi, ov in pairs:
        if gi is None:
            matches.append(Match("fp", doc.article_id, None, rec, pos))
        else:
            g = doc.events[gi]
            ok = _status(rec) == g.status
            matches.append(Match("tp", doc.article_id, g, rec, pos, ov, status_ok=ok))
    for gi, g in enumerate(doc.events):
        if gi not in taken:
            matches.append(Match("fn", doc.article_id, g, None))
    return _sort_matches(matches)


def _gold_clusters(gold: Mapping[str, GoldDoc]) -> dict[str, bool]:
    """Timeline clusters (occurred mentions, pooled across files) -> required or not."""
    required: dict[str, bool] = {}
    for doc in gold.values():
        for g in doc.events:
            if g.occurred:
                required[g.cluster] = required.get(g.cluster, False) or not g.optional
    return required


def _list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list | tuple) else [value]


def _timeline(
    gold: Mapping[str, GoldDoc],
    mention_matches: Mapping[str, list[Match]],
    mention_records: Mapping[str, list[tuple[int, Record]]],
    events: pd.DataFrame | None,
) -> list[RowMatch]:
    by_row = {m.row: m for ms in mention_matches.values() for m in ms if m.pred is not None}
    # each mention of a gold article that names an event: (sort key, its match or None)
    per_event: dict[str, list[tuple[tuple[str, int], Match | None]]] = defaultdict(list)
    for aid, recs in mention_records.items():
        for pos, rec in recs:
            if rec.get("event_id") is not None:
                key = (aid, (_span(rec) or (-1, -1))[0])
                per_event[str(rec["event_id"])].append((key, by_row.get(pos)))

    required = _gold_clusters(gold)
    claimed: set[str] = set()
    rows: list[RowMatch] = []
    for _pos, rec in _records(events):
        eid = rec.get("event_id")
        eid = None if eid is None else str(eid)
        mentions = per_event.get(eid, []) if eid is not None else []
        in_gold = any(str(a) in gold for a in _list(rec.get("article_ids")))
        if not (in_gold or mentions):
            continue
        rows.append(_map_row(eid, mentions, required, claimed))
    for cluster, req in required.items():
        if req and cluster not in claimed:
            rows.append(RowMatch("fn", None, cluster))
    return rows


def _map_row(
    eid: str | None,
    mentions: list[tuple[tuple[str, int], Match | None]],
    required: Mapping[str, bool],
    claimed: set[str],
) -> RowMatch:
    matched = sorted(
        (key, m.gold.cluster)
        for key, m in mentions
        if m is not None and m.gold is not None and m.kind in ("tp", "neutral")
    )
    n = len(mentions)
    if not matched:
        all_same_sentence = n > 0 and all(
            m is not None and m.reason == "same_sentence" for _k, m in mentions
        )
        if all_same_sentence:
            return RowMatch("neutral", eid, None, n, 0, "same_sentence")
        return RowMatch("fp", eid, None, n, 0, "no_match" if n else "no_mentions")
    counts = Counter(c for _k, c in matched)
    first_seen = {}
    for i, (_k, c) in enumerate(matched):
        first_seen.setdefault(c, i)
    cluster = min(counts, key=lambda c: (-counts[c], first_seen[c]))
    if not required.get(cluster, False):
        return RowMatch("neutral", eid, cluster, n, len(matched), "optional_cluster")
    if cluster in claimed:
        return RowMatch("duplicate", eid, cluster, n, len(matched))
    claimed.add(cluster)
    return RowMatch("tp", eid, cluster, n, len(matched))


def match_timeline(
    gold: Mapping[str, GoldDoc], mentions: pd.DataFrame | None, events: pd.DataFrame | None
) -> list[RowMatch]:
    """Map each predicted timeline row to a gold cluster; missed clusters come last as fn."""
    records, _ignored = _by_article(_records(mentions), gold)
    matches = {aid: _match_mentions(gold[aid], records.get(aid, [])) for aid in gold}
    return _timeline(gold, matches, records, events)


# ------------------------------------------------------------------------------ scoring


def _prf(prefix: str, tp: int, fp: int, fn: int) -> dict[str, float | None]:
    return {
        f"{prefix}_P": _ratio(tp, tp + fp),
        f"{prefix}_R": _ratio(tp, tp + fn),
        f"{prefix}_F1": _ratio(2 * tp, 2 * tp + fp + fn),
    }


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _count(matches: Iterable[Match], kind: str, **attrs: Any) -> int:
    return sum(
        1 for m in matches if m.kind == kind and all(getattr(m, k) == v for k, v in attrs.items())
    )


def _score_timexes(matches: list[Match]) -> dict[str, float | int | None]:
    tp, fp, fn = (_count(matches, k) for k in ("tp", "fp", "fn"))
    strict_tp = _count(matches, "tp", exact=True)
    value_tp = _count(matches, "tp", value_ok=True)
    type_ok = _count(matches, "tp", type_ok=True)
    return _prf("timex_relaxed", tp, fp, fn) | {
        "timex_strict_F1": _ratio(2 * strict_tp, 2 * tp + fp + fn),
        "timex_type_acc": _ratio(type_ok, tp),
        "timex_value_acc": _ratio(value_tp, tp),
        "timex_value_F1": _ratio(2 * value_tp, 2 * tp + fp + fn),
        "timex_tp": tp,
        "timex_fp": fp,
        "timex_fn": fn,
        "timex_neutral": _count(matches, "neutral"),
        "timex_strict_tp": strict_tp,
        "timex_value_tp": value_tp,
    }


def _score_mentions(matches: list[Match], status: list[Match]) -> dict[str, float | int | None]:
    tp, fp, fn = (_count(matches, k) for k in ("tp", "fp", "fn"))
    date_ok = _count(matches, "tp", value_ok=True)
    paired = _count(status, "tp")
    status_ok = _count(status, "tp", status_ok=True)
    return _prf("mention", tp, fp, fn) | {
        "mention_date_acc": _ratio(date_ok, tp),
        "status_acc": _ratio(status_ok, paired),
        "mention_tp": tp,
        "mention_fp": fp,
        "mention_fn": fn,
        "mention_neutral": _count(matches, "neutral"),
        "mention_same_sentence": _count(matches, "neutral", reason="same_sentence"),
        "mention_status_fp": _count(matches, "fp", reason="status"),
        "mention_date_ok": date_ok,
        "status_n": paired,
        "status_ok": status_ok,
    }


def _score_timeline(rows: list[RowMatch]) -> dict[str, float | int | None]:
    kinds = Counter(r.kind for r in rows)
    tp, dup = kinds["tp"], kinds["duplicate"]
    fp, fn = kinds["fp"] + dup, kinds["fn"]
    return _prf("timeline", tp, fp, fn) | {
        "timeline_duplicate_rows": dup,
        "timeline_tp": tp,
        "timeline_fp": fp,
        "timeline_fn": fn,
        "timeline_neutral": kinds["neutral"],
    }


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _score_links(mention_matches: Iterable[Match]) -> dict[str, float | int | None]:
    # count pairs from group sizes instead of enumerating them: linear in the mentions
    cells: Counter[tuple[str, str]] = Counter()
    pred_groups: Counter[str] = Counter()
    gold_groups: Counter[str] = Counter()
    for m in mention_matches:
        if m.gold is None or m.pred is None or m.kind not in ("tp", "neutral"):
            continue
        cluster = m.gold.cluster  # type: ignore[union-attr]
        gold_groups[cluster] += 1
        eid = m.pred.get("event_id")
        if eid is not None:  # a null event_id links to nothing
            pred_groups[str(eid)] += 1
            cells[(str(eid), cluster)] += 1
    tp = sum(_pairs(n) for n in cells.values())
    fp = sum(_pairs(n) for n in pred_groups.values()) - tp
    fn = sum(_pairs(n) for n in gold_groups.values()) - tp
    return _prf("link", tp, fp, fn) | {"link_tp": tp, "link_fp": fp, "link_fn": fn}


def score(
    gold: Mapping[str, GoldDoc],
    timexes: pd.DataFrame | None,
    mentions: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> dict[str, float | int | None]:
    """Score predictions against gold, pooled over the articles that have gold.

    ``timexes``, ``mentions`` and ``events`` have the columns of OUTPUT.md; rows of
    articles without gold are ignored (counted in ``n_ignored_rows``). Mention keys
    appear when ``mentions`` is given (None is not the same as an empty frame, which
    scores as "found nothing"); timeline and link keys when ``events`` is given too
    (events without mentions are ignored: rows cannot be mapped without them).

    Undefined ratios are ``None``: P with no counted prediction, R with no gold item,
    F1 when both are absent, an accuracy over zero matches. Raw counts (``*_tp``,
    ``*_fp``, ``*_fn``, ``*_neutral``, ``n_articles``...) are included for reports.
    See the module docstring for every choice on points GOLD.md leaves open.
    """
    timex_recs, ignored = _by_article(_records(timexes), gold)
    timex_matches = [
        m for aid in sorted(gold) for m in _match_timexes(gold[aid], timex_recs.get(aid, []))
    ]
    out: dict[str, float | int | None] = _score_timexes(timex_matches)
    if mentions is not None:
        mention_recs, ignored_m = _by_article(_records(mentions), gold)
        ignored += ignored_m
        per_article = {aid: _match_mentions(gold[aid], mention_recs.get(aid, [])) for aid in gold}
        mention_matches = [m for aid in sorted(gold) for m in per_article[aid]]
        status = [
            m for aid in sorted(gold) for m in _match_status(gold[aid], mention_recs.get(aid, []))
        ]
        out |= _score_mentions(mention_matches, status)
        if events is not None:
            out |= _score_timeline(_timeline(gold, per_article, mention_recs, events))
            out |= _score_links(mention_matches)
    out["n_articles"] = len(gold)
    out["n_draft_articles"] = sum(doc.draft for doc in gold.values())
    out["n_ignored_rows"] = ignored
    return out


def _read_table(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    # dictionary-encoded strings come back as categoricals; compare them as plain values
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(object)
    return frame


def evaluate_folder(out_dir: str | Path, gold_dir: str | Path) -> dict[str, float | int | None]:
    """Score an output folder of ``timeline extract`` against a gold folder.

    A missing ``timexes.parquet`` scores as an empty table; ``mentions.parquet`` and
    ``events.parquet`` are scored when present. The output folder itself must exist.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(f"output folder not found: {out_dir}")
    gold = load_gold(gold_dir)
    tables = {
        name: _read_table(out_dir / f"{name}.parquet")
        for name in ("timexes", "mentions", "events")
        if (out_dir / f"{name}.parquet").is_file()
    }
    return score(
        gold,
        tables.get("timexes", pd.DataFrame()),
        tables.get("mentions"),
        tables.get("events"),
    )


# ------------------------------------------------------------------------------ reports


def error_rows(matches: Iterable[Match]) -> list[dict[str, Any]]:
    """Errors of a matching as flat rows: missing, extra, wrong_status, wrong_type, wrong_value."""
    rows = []
    for m in matches:
        problems = []
        if m.kind == "fn":
            problems.append("missing")
        elif m.kind == "fp":
            problems.append("wrong_status" if m.reason == "status" else "extra")
        elif m.kind == "tp":
            problems += [
                p
                for p, ok in (("wrong_type", m.type_ok), ("wrong_value", m.value_ok))
                if ok is False
            ]
        for problem in problems:
            g, p = m.gold, m.pred or {}
            rows.append(
                {
                    "article_id": m.article_id,
                    "error": problem,
                    "gold_text": getattr(g, "text", getattr(g, "trigger", None)),
                    "gold_start": getattr(g, "start", None),
                    "gold_value": getattr(g, "value", getattr(g, "date_value", None)),
                    "pred_text": p.get("text", p.get("trigger")),
                    "pred_start": p.get("char_start"),
                    "pred_value": p.get("value", p.get("date_value")),
                }
            )
    return rows


_GROUPS: tuple[tuple[str, tuple[tuple[str, str | None, str, str], ...]], ...] = (
    # (label, P/R/F1 prefix or None, accuracy key, counts prefix)
    (
        "Timexes",
        (
            ("relaxed", "timex_relaxed", "", "timex"),
            ("strict", None, "timex_strict_F1", ""),
            ("value", None, "timex_value_F1", ""),
            ("type acc", None, "timex_type_acc", ""),
            ("value acc", None, "timex_value_acc", ""),
        ),
    ),
    (
        "Mentions",
        (
            ("occurred", "mention", "", "mention"),
            ("date acc", None, "mention_date_acc", ""),
            ("status acc", None, "status_acc", ""),
        ),
    ),
    ("Timeline", (("rows", "timeline", "", "timeline"),)),
    ("Links", (("pairs", "link", "", "link"),)),
)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def format_table(scores: Mapping[str, Any]) -> str:
    """The scores as an aligned plain-text table, grouped Timexes / Mentions / Timeline / Links.

    Groups whose keys are absent are left out; undefined values show as ``—``.
    """
    header = f"{'':<14}{'P':>7}{'R':>7}{'F1':>7}{'acc':>7}  counts"
    lines = [header]
    for label, rows in _GROUPS:
        if not any(
            (prefix and f"{prefix}_F1" in scores) or (key and key in scores)
            for _n, prefix, key, _c in rows
        ):
            continue
        lines.append(label)
        for name, prefix, key, counts in rows:
            p = r = f1 = acc = ""
            if prefix:
                p, r, f1 = (_fmt(scores.get(f"{prefix}_{s}")) for s in ("P", "R", "F1"))
            elif key.endswith("_F1"):
                f1 = _fmt(scores.get(key))
            else:
                acc = _fmt(scores.get(key))
            extra = ""
            if counts:
                extra = " ".join(
                    f"{k}={scores.get(f'{counts}_{k}', 0)}" for k in ("tp", "fp", "fn")
                )
                if counts == "timeline":
                    extra += f" duplicates={scores.get('timeline_duplicate_rows', 0)}"
            lines.append(f"  {name:<12}{p:>7}{r:>7}{f1:>7}{acc:>7}  {extra}".rstrip())
    lines.append(f"articles with gold: {scores.get('n_articles', 0)}")
    return "\n".join(lines)
