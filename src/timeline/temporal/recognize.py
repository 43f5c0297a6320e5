"""Find temporal expressions: tokens → rule matches → frames with raw-text spans.

Rules are tried only where a token can start them (their FIRST set). At each
position the longest match whose builder accepts it is kept (ties: the earlier
rule); then overlapping matches are settled in favour of the one covering more
tokens (ties: the earlier in the text), so "خلال شهر" cannot cut "شهر رمضان الماضي".
"""

from __future__ import annotations

from dataclasses import dataclass

from timeline.lexicon import load as load_lexicon
from timeline.normalize import Normalized, normalize
from timeline.temporal.build import BUILDERS, Groups
from timeline.temporal.grammar import Rule, rules_by_first
from timeline.temporal.resolve import Frame
from timeline.temporal.tokens import Tokens, tokenize


@dataclass(frozen=True, slots=True)
class Found:
    """A recognised expression: its frame, the rule, and spans in both texts."""

    frame: Frame
    rule: Rule
    tok_start: int
    tok_end: int
    start: int  # raw-text offsets
    end: int
    body_start: int | None = None  # where the extent starts if the lead word drops out


def analyse(raw: str) -> tuple[Normalized, Tokens]:
    """Normalise and tokenise a raw text once, for every layer that needs it."""
    norm = normalize(raw)
    return norm, tokenize(norm.text, load_lexicon())


def recognise(norm: Normalized, tokens: Tokens) -> list[Found]:
    """All temporal expressions of one text, in text order, without overlaps."""
    table = rules_by_first()
    candidates = []
    for k, classes in enumerate(tokens.classes):
        if classes and (best := _best_match(tokens, k, classes, table)) is not None:
            candidates.append((k, best))
    taken = [False] * len(tokens)
    chosen = []
    for k, best in sorted(candidates, key=lambda c: (-(c[1][4] - c[0]), c[0])):
        end = best[4]
        if any(taken[k:end]):
            continue
        taken[k:end] = [True] * (end - k)
        chosen.append(best)
    found: list[Found] = []
    for frame, rule, ext_start, ext_end, _, body in sorted(chosen, key=lambda b: b[2]):
        first = tokens.starts[ext_start] + tokens.lead[ext_start]
        start, stop = norm.raw_span(first, tokens.ends[ext_end - 1])
        body_start = None
        if body:
            body_start = norm.raw_index(tokens.starts[body[0]] + tokens.lead[body[0]])
        found.append(Found(frame, rule, ext_start, ext_end, start, stop, body_start))
    return found


def _best_match(tokens: Tokens, k: int, classes: tuple[str, ...], table) -> tuple | None:
    candidates: list[Rule] = []
    for cls in classes:
        for rule in table.get(cls, ()):
            if rule not in candidates:
                candidates.append(rule)
    candidates.sort(key=lambda r: r.order)
    best = None
    best_len = 0
    pos = tokens.offsets[k]
    for rule in candidates:
        m = rule.regex.match(tokens.render, pos)
        if m is None or m.end() - pos <= best_len:
            continue
        groups = Groups(tokens, m)
        frame = BUILDERS[rule.kind](groups, rule.params)
        if frame is None:
            continue
        end = groups.span_end(m.end())
        ext = groups.span(str(rule.params.get("extent", "ext"))) or (k, end)
        best = (frame, rule, ext[0], ext[1], end, groups.span("body"))
        best_len = m.end() - pos
    return best
