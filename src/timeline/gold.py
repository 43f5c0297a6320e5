"""Gold authoring: draft a gold file from the predictions, check gold files against the text.

``timeline gold draft <raw> <article-id> -o FILE`` writes :func:`draft_gold`'s output:
a gold file in the format of GOLD.md (``article_id``, ``published``, ``timexes``,
``events``, ``sentences``) pre-filled from the current predictions and marked
``"draft": true`` until a person has reviewed it. Clusters come from the timeline rows
of a run on the whole raw folder, so drafts of two reports of one event share it.

``timeline gold check <gold> --raw <raw>`` runs :func:`check_gold`: every gold file
must load (the format checks of :func:`timeline.evaluate.load_gold`: keys, types,
statuses, span lengths) and then agree with its article:

==================  ===================================================================
code                problem
==================  ===================================================================
format              the file does not load (bad JSON, missing key, bad status...)
duplicate_article   two files give the same ``article_id``
unknown_article     the raw folder has no usable article with that id
published           ``published`` differs from the article's date
offset_range        a span ends past the end of the text
offset_text         ``raw[start:end]`` is not the item's ``text``
timex_value         a value that is not well-formed TIMEX3 for its type
timex_alt           an ``alt`` value well-formed for no TIMEX3 type
timex_mod           a ``mod`` outside TIMEX3's list
event_type          an event type the taxonomy does not know
event_date          an event ``date`` value or ``alt`` that is not a TIMEX3 value
duplicate_id        an event id given twice (in any file)
duplicate_span      two timexes, or two events, with the same span
cluster_type        the mentions of one cluster do not share their type
sentences           ``sentences`` out of the text, unsorted or overlapping
==================  ===================================================================

and these warnings (reported, exit status 0 unless ``--strict``): ``draft`` (still a
draft), ``file_name`` (not ``<article_id>.json``), ``no_sentences`` (the same-sentence
rule of the scorer cannot apply), ``cluster_date`` (required mentions of one cluster
accept no common date), ``sentence_span`` (an item crosses a sentence boundary).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

__all__ = [
    "CHECK_CODES",
    "TIMEX_MODS",
    "GoldIssue",
    "check_gold",
    "check_gold_docs",
    "draft_gold",
    "format_issues",
    "is_timex_value",
    "write_draft",
]

TIMEX_MODS = frozenset(
    {
        "APPROX",
        "START",
        "MID",
        "END",
        "LESS_THAN",
        "MORE_THAN",
        "BEFORE",
        "AFTER",
        "EQUAL_OR_LESS",
        "EQUAL_OR_MORE",
        "ON_OR_BEFORE",
        "ON_OR_AFTER",
    }
)

ERROR_CODES = (
    "format",
    "duplicate_article",
    "unknown_article",
    "published",
    "offset_range",
    "offset_text",
    "timex_value",
    "timex_alt",
    "timex_mod",
    "event_type",
    "event_date",
    "duplicate_id",
    "duplicate_span",
    "cluster_type",
    "sentences",
)
WARNING_CODES = ("draft", "file_name", "no_sentences", "cluster_date", "sentence_span")
CHECK_CODES: tuple[str, ...] = ERROR_CODES + WARNING_CODES

# ------------------------------------------------------------------------ TIMEX3 values

_D = r"[\dX]"
_YEAR = rf"{_D}{{4}}"
_MONTH = r"(?:0[1-9]|1[0-2]|XX)"
_DAY = r"(?:0[1-9]|[12]\d|3[01]|XX)"
_DATE_FORMS = (
    rf"{_YEAR}",  # year
    rf"{_YEAR}-{_MONTH}",  # month
    rf"{_YEAR}-{_MONTH}-{_DAY}",  # day
    rf"{_YEAR}-W(?:0[1-9]|[1-4]\d|5[0-3]|XX)",  # ISO week
    rf"{_YEAR}-W(?:0[1-9]|[1-4]\d|5[0-3]|XX)-(?:[1-7]|WE)",  # weekday of a week, weekend
    rf"{_YEAR}-Q[1-4X]",  # quarter
    rf"{_YEAR}-H[12X]",  # half
    rf"{_YEAR}-(?:SP|SU|FA|WI)",  # season
    rf"{_D}{{3}}",  # decade
    rf"{_D}{{2}}",  # century
    "PAST_REF",
    "PRESENT_REF",
    "FUTURE_REF",
)
_DATE = re.compile("|".join(f"(?:{f})" for f in _DATE_FORMS))
_TIME = re.compile(
    rf"{_YEAR}-{_MONTH}-{_DAY}T(?:MO|AF|EV|NI|DT|(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)"
)
_NUM = r"(?:\d+(?:\.\d+)?|X)"
_DURATION = re.compile(
    rf"P(?:(?:{_NUM}(?:Y|M|W|D|DE|CE|ML|Q))+(?:T(?:{_NUM}[HMS])+)?|T(?:{_NUM}[HMS])+)"
)
_SET = re.compile(
    rf"(?:{_DURATION.pattern})|(?:{_DATE.pattern})|(?:{_TIME.pattern})|"
    rf"XXXX-WXX-[1-7](?:T(?:MO|AF|EV|NI))?|T(?:MO|AF|EV|NI)"
)
_BY_TYPE = {"DATE": _DATE, "TIME": _TIME, "DURATION": _DURATION, "SET": _SET}


def is_timex_value(value: str, timex_type: str | None = None) -> bool:
    """Whether ``value`` is a well-formed TIMEX3 value of ``timex_type`` (any type if None).

    The forms of GOLD.md's table, plus TimeML's ``X`` placeholders, seasons, halves and
    the weekday/weekend forms. A day must exist in its month (``2021-02-30`` is not).
    """
    patterns = [_BY_TYPE[timex_type]] if timex_type in _BY_TYPE else list(_BY_TYPE.values())
    if not any(p.fullmatch(value) for p in patterns):
        return False
    day = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if day:
        try:
            date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            return False
    return True


# ------------------------------------------------------------------------------ issues


@dataclass(frozen=True, slots=True)
class GoldIssue:
    """One problem of a gold file: which file, which item, what is wrong."""

    file: str
    item: str
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f" [{self.severity}]"
        return f"{self.file}: {self.item}: {self.message} ({self.code}){tag}"


def format_issues(issues: Sequence[GoldIssue]) -> str:
    """One issue per line, then a count of errors and warnings."""
    errors = sum(i.severity == "error" for i in issues)
    lines = [str(i) for i in issues]
    lines.append(f"{errors} error(s), {len(issues) - errors} warning(s)")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Article:
    text: str
    published: date | None


def _articles(raw: str | os.PathLike[str], now: date | None = None) -> dict[str, _Article]:
    from timeline.corpus import read_corpus

    return {
        a.id: _Article(a.text, a.published)
        for a, _status in read_corpus(raw, now=now)
        if a is not None
    }


def _event_types() -> frozenset[str] | None:
    try:
        from timeline.events.triggers import event_types
    except ImportError:  # pragma: no cover - the event layer is part of the package
        return None
    return frozenset(event_types())


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def check_gold(
    gold: str | os.PathLike[str], raw: str | os.PathLike[str], *, now: date | None = None
) -> list[GoldIssue]:
    """Check every ``*.json`` gold file of the folder ``gold`` against the corpus ``raw``.

    Returns the issues, errors and warnings, in file order (see the module docstring
    for the codes). Raises ``FileNotFoundError`` when a folder does not exist.
    """
    gold = Path(gold)
    if not gold.is_dir():
        raise FileNotFoundError(f"gold folder not found: {gold}")
    return check_gold_docs(sorted(gold.glob("*.json")), _articles(raw, now))


def check_gold_docs(paths: Iterable[Path], articles: Mapping[str, Any]) -> list[GoldIssue]:
    """Check gold files against articles (id → object with ``text`` and ``published``)."""
    from timeline.evaluate import GoldFormatError, load_gold_file

    issues: list[GoldIssue] = []
    seen_article: dict[str, str] = {}
    seen_event: dict[str, str] = {}
    clusters: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    known_types = _event_types()
    for path in paths:
        name = path.name
        try:
            doc = load_gold_file(path)
        except GoldFormatError as exc:
            where, _, reason = str(exc).removeprefix(f"{name}: ").partition(": ")
            issues.append(GoldIssue(name, where if reason else "file", "format", reason or where))
            continue

        def add(item: str, code: str, message: str, severity: str = "error", n: str = name) -> None:
            issues.append(GoldIssue(n, item, code, message, severity))

        if doc.article_id in seen_article:
            add(
                "article_id",
                "duplicate_article",
                f"{doc.article_id!r} is also given by {seen_article[doc.article_id]}",
            )
            continue
        seen_article[doc.article_id] = name
        if doc.draft:
            add("top level", "draft", '"draft": true: not reviewed yet', "warning")
        if name != f"{doc.article_id}.json":
            add(
                "top level",
                "file_name",
                f"article {doc.article_id!r} is not in {doc.article_id}.json",
                "warning",
            )
        article = articles.get(doc.article_id)
        if article is None:
            add(
                "article_id",
                "unknown_article",
                f"no usable article {doc.article_id!r} in the "
                "raw folder (missing, or skipped by the reader)",
            )
            text = None
        else:
            text = article.text
            if doc.published is not None and article.published != doc.published:
                add(
                    "published",
                    "published",
                    f"{doc.published} but the article is dated {article.published}",
                )
        for i, t in enumerate(doc.timexes):
            item = f"timexes[{i}] {_quote(t.text)}"
            _check_span(add, item, text, t.text, t.start, t.end)
            if t.value is None or not is_timex_value(t.value, t.type):
                add(item, "timex_value", f"value {t.value!r} is not a well-formed TIMEX3 {t.type}")
            for a in t.alt:
                if a is not None and not is_timex_value(a):
                    add(item, "timex_alt", f"alt {a!r} is not a well-formed TIMEX3 value")
            if t.mod is not None and t.mod not in TIMEX_MODS:
                add(item, "timex_mod", f"mod {t.mod!r} is not one of {sorted(TIMEX_MODS)}")
        _duplicate_spans(add, "timexes", [(t.start, t.end) for t in doc.timexes])
        for i, e in enumerate(doc.events):
            item = f"events[{i}] {e.id} {_quote(e.trigger)}"
            _check_span(add, item, text, e.trigger, e.start, e.end)
            if known_types is not None and e.type not in known_types:
                add(item, "event_type", f"type {e.type!r} is not one of {sorted(known_types)}")
            for v in (e.date_value, *e.date_alt):
                if v is not None and not is_timex_value(v):
                    add(item, "event_date", f"date {v!r} is not a well-formed TIMEX3 value")
            if e.id in seen_event:
                add(item, "duplicate_id", f"event id {e.id!r} is also used in {seen_event[e.id]}")
            seen_event.setdefault(e.id, name)
            if e.occurred:
                clusters[e.cluster].append((name, f"events[{i}] {e.id}", e))
        _duplicate_spans(add, "events", [(e.start, e.end) for e in doc.events])
        _check_sentences(add, doc, text)
    issues += _check_clusters(clusters)
    return issues


def _check_span(add: Any, item: str, text: str | None, want: str, start: int, end: int) -> None:
    if text is None:
        return
    if end > len(text):
        add(item, "offset_range", f"span {start}-{end} ends past the text ({len(text)} chars)")
        return
    if text[start:end] == want:
        return
    message = f"span {start}-{end} holds {_quote(text[start:end])}, not {_quote(want)}"
    found = [m.start() for m in re.finditer(re.escape(want), text)]
    if found:
        near = min(found, key=lambda s: abs(s - start))
        message += f"; {_quote(want)} is at {near}-{near + len(want)}"
    add(item, "offset_text", message)


def _duplicate_spans(add: Any, what: str, spans: list[tuple[int, int]]) -> None:
    first: dict[tuple[int, int], int] = {}
    for i, span in enumerate(spans):
        if span in first:
            add(
                f"{what}[{i}]",
                "duplicate_span",
                f"same span {span[0]}-{span[1]} as {what}[{first[span]}]",
            )
        first.setdefault(span, i)


def _check_sentences(add: Any, doc: Any, text: str | None) -> None:
    sentences = list(doc.sentences)
    if not sentences:
        add(
            "sentences",
            "no_sentences",
            "no sentences: the scorer's same-sentence rule cannot apply",
            "warning",
        )
        return
    previous_end = 0
    for i, (s, e) in enumerate(sentences):
        if text is not None and e > len(text):
            add(
                f"sentences[{i}]", "sentences", f"[{s}, {e}] ends past the text ({len(text)} chars)"
            )
        if s < previous_end:
            add(
                f"sentences[{i}]",
                "sentences",
                f"[{s}, {e}] starts before the previous "
                f"sentence ends ({previous_end}): unsorted or overlapping",
            )
        previous_end = max(previous_end, e)
    items = [(f"timexes[{i}]", t.start, t.end) for i, t in enumerate(doc.timexes)]
    items += [(f"events[{i}] {e.id}", e.start, e.end) for i, e in enumerate(doc.events)]
    for item, start, end in items:
        if not any(s <= start and end <= e for s, e in sentences):
            add(item, "sentence_span", f"span {start}-{end} is not inside one sentence", "warning")


def _check_clusters(clusters: Mapping[str, list[tuple[str, str, Any]]]) -> list[GoldIssue]:
    issues = []
    for cluster, members in clusters.items():
        types = sorted({e.type for _f, _i, e in members})
        if len(types) > 1:
            name, item, _e = members[0]
            listing = "; ".join(f"{f} {i}: {e.type}" for f, i, e in members)
            issues.append(
                GoldIssue(
                    name,
                    item,
                    "cluster_type",
                    f"cluster {cluster!r} mixes event types {types} ({listing})",
                )
            )
        required = [(f, i, e) for f, i, e in members if not e.optional]
        accepted = [{e.date_value, *e.date_alt} for _f, _i, e in required]
        if len(accepted) > 1 and not set.intersection(*accepted):
            name, item, _e = required[0]
            listing = "; ".join(f"{f} {i}: {e.date_value}" for f, i, e in required)
            issues.append(
                GoldIssue(
                    name,
                    item,
                    "cluster_date",
                    f"required mentions of cluster {cluster!r} accept no common date ({listing})",
                    "warning",
                )
            )
    return issues


# ------------------------------------------------------------------------------- draft


def _value(value: Any) -> Any:
    """A plain JSON value: NaN/NA become None, numpy scalars and arrays plain Python."""
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    if value is None or isinstance(value, str | bool | int):
        return value
    try:
        import pandas as pd

        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def draft_gold(
    raw: str | os.PathLike[str], article_id: str, *, now: date | None = None
) -> dict[str, Any]:
    """A gold document for ``article_id`` of the corpus ``raw``, pre-filled from predictions.

    Every predicted timex and mention is listed (``optional: false``, empty ``alt``),
    with the status the extractor gave it; the clusters are the timeline rows of a run
    on the whole folder (``<type>-<date>-<row>``; a mention that is not occurred gets a
    cluster of its own), ``sentences`` are the text split at . ! ? ؟ and newlines. The
    top level holds ``"draft": true`` until a person has reviewed it.

    Raises ``KeyError`` naming the known ids when the article is not in ``raw``, and
    ``ValueError`` when the reader skipped it (with the reason).
    """
    from timeline.corpus import read_corpus
    from timeline.pipeline import extract
    from timeline.regression.diff import split_sentences

    article = None
    known, skipped = [], {}
    for a, status in read_corpus(raw, now=now):
        if a is not None:
            known.append(a.id)
            if a.id == article_id:
                article = a
        elif status.article_id == article_id:
            skipped[article_id] = status.reason
    if article is None:
        if article_id in skipped:
            raise ValueError(
                f"article {article_id!r} was skipped by the reader: {skipped[article_id]}"
            )
        listed = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
        raise KeyError(f"no article {article_id!r} in {raw} (articles: {listed or 'none'})")
    result = extract(raw, now=now)
    timexes = result.timexes[result.timexes["article_id"] == article_id]
    mentions = result.mentions[result.mentions["article_id"] == article_id]
    events = {str(r["event_id"]): r for r in result.events.to_dict("records")}

    def cluster(event_id: Any, etype: str, status: str, n: int) -> str:
        event_id = _value(event_id)
        if event_id is None:
            return f"{article_id}/{status}-{n}"
        row = events.get(str(event_id), {})
        when = _value(row.get("date_value")) or "undated"
        return f"{str(etype).lower()}-{when}-{str(event_id).removeprefix('ev-')[:8]}"

    doc: dict[str, Any] = {
        "article_id": article_id,
        "published": article.published.isoformat(),
        "draft": True,
        "timexes": [
            {
                "text": t["text"],
                "start": int(t["char_start"]),
                "end": int(t["char_end"]),
                "type": t["type"],
                "value": _value(t["value"]),
                "mod": _value(t["mod"]),
                "alt": [],
                "optional": False,
            }
            for t in timexes.sort_values(["char_start", "char_end"]).to_dict("records")
        ],
        "events": [],
        "sentences": [[s, e] for s, e in split_sentences(article.text)],
    }
    ordered = mentions.sort_values(["char_start", "char_end"]).to_dict("records")
    for n, m in enumerate(ordered, start=1):
        status = _value(m["status"]) or "occurred"
        doc["events"].append(
            {
                "id": f"{article_id}/e{n}",
                "type": m["event_type"],
                "status": status,
                "trigger": {
                    "text": m["trigger"],
                    "start": int(m["char_start"]),
                    "end": int(m["char_end"]),
                },
                "date": {"value": _value(m["date_value"]), "alt": []},
                "participants": [str(p) for p in (_value(m["participants"]) or [])],
                "location": _value(m["location"]),
                "cluster": cluster(m["event_id"], m["event_type"], status, n),
                "optional": False,
            }
        )
    return doc


def write_draft(
    raw: str | os.PathLike[str],
    article_id: str,
    out: str | os.PathLike[str],
    *,
    now: date | None = None,
    force: bool = False,
) -> Path:
    """Write :func:`draft_gold`'s document to ``out`` (refusing to overwrite unless ``force``)."""
    out = Path(out)
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists: a gold file may hold reviewed work (use --force)")
    doc = draft_gold(raw, article_id, now=now)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out
