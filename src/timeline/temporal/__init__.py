"""The temporal layer: find Arabic time expressions and resolve them against an anchor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from timeline.collector import collector_paused
from timeline.model import Resolution, Timex
from timeline.normalize import Normalized
from timeline.temporal.recognize import Found, analyse, recognise
from timeline.temporal.resolve import Frame, needs_tense, resolve
from timeline.temporal.tense import clause_tense
from timeline.temporal.tokens import Tokens

_UNSEEN = object()


@dataclass(frozen=True)
class TemporalAnalysis:
    """One article's text as the later layers need it: tokens and resolved expressions.

    ``found[i]`` is what was recognised for ``timexes[i]`` (its tokens and frame),
    so the event layer can re-anchor an expression on another event's date.
    """

    norm: Normalized
    tokens: Tokens
    found: list[Found]
    timexes: list[Timex]


def analyse_text(text: str, dct: date, article_id: str = "doc") -> TemporalAnalysis:
    """Normalise, tokenise, recognise and resolve one article against its date."""
    with collector_paused():  # a dense page builds 100,000s of records (see collector)
        norm, tokens = analyse(text)
        found, timexes = _resolve_all(recognise(norm, tokens), tokens, text, article_id, dct)
    return TemporalAnalysis(norm, tokens, found, timexes)


def resolve_found(
    found: list[Found], tokens: Tokens, raw: str, article_id: str, dct: date
) -> list[tuple[Found, Timex]]:
    """Resolve recognised expressions against the article date, numbering them in text order."""
    return list(zip(*_resolve_all(found, tokens, raw, article_id, dct), strict=True))


def _resolve_all(
    found: list[Found], tokens: Tokens, raw: str, article_id: str, dct: date
) -> tuple[list[Found], list[Timex]]:
    """The expressions that resolve, and their Timex (two lists, not a pair each)."""
    kept: list[Found] = []
    out: list[Timex] = []
    # Frames come shared from the recogniser's caches: whether one needs the
    # clause's tense, and what it resolves to, are asked once per frame (and
    # tense) here, without hashing the frame each time.
    needs: dict[int, bool] = {}
    resolved: dict[tuple[int, str | None], Resolution | None] = {}
    for f in found:
        frame = f.frame
        key = id(frame)  # the frames live in ``found`` until the end: ids are not reused
        need = needs.get(key)
        if need is None:
            need = needs[key] = needs_tense(frame)
        tense = clause_tense(tokens, f.tok_start, f.tok_end) if need else None
        res = resolved.get((key, tense), _UNSEEN)
        if res is _UNSEEN:
            res = resolved[key, tense] = resolve(frame, dct, tense or "past")
        if res is None:
            continue
        start = f.start
        if res.type == "DURATION" and f.body_start is not None:
            start = f.body_start  # بعد أقل من أسبوع [من الهجوم]: the duration without بعد
        kept.append(f)
        # positional: a frozen dataclass takes 14 keywords at twice the cost
        out.append(
            Timex(
                f"{article_id}/t{len(out) + 1}",  # timex_id
                article_id,
                raw[start : f.end],  # text
                start,
                f.end,
                res.type,
                res.value,
                res.mod,
                res.granularity,
                res.start,  # date_start
                res.end,  # date_end
                "dct",  # anchor
                f.rule.id,  # rule_id
                tense,
            )
        )
    return kept, out


def find_timexes(text: str, dct: date, article_id: str = "doc") -> list[Timex]:
    """Every temporal expression of ``text``, resolved against ``dct``.

    >>> [t.value for t in find_timexes("التقى الوزيران أمس الجمعة", date(2020, 12, 19))]
    ['2020-12-18']
    """
    return analyse_text(text, dct, article_id).timexes


__all__ = [
    "Frame",
    "Normalized",
    "TemporalAnalysis",
    "analyse",
    "analyse_text",
    "find_timexes",
    "recognise",
    "resolve",
    "resolve_found",
]
