"""Find temporal expressions: tokens → rule matches → frames with raw-text spans.

Rules are tried only where a token can start them (their FIRST set). At each
position the longest match whose builder accepts it is kept (ties: the earlier
rule); then overlapping matches are settled in favour of the one covering more
tokens (ties: the earlier in the text), so "خلال شهر" cannot cut "شهر رمضان الماضي".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from timeline.lexicon import load as load_lexicon
from timeline.normalize import Normalized, normalize
from timeline.temporal.build import BUILDERS, Groups
from timeline.temporal.grammar import Rule, rules_by_first
from timeline.temporal.resolve import Frame
from timeline.temporal.tokens import PLAIN, Tokens, tokenize

# The best match at an item depends only on the window from there to the next
# plain token: no rule matches across one ("<>" has no class), and builders read
# only the items a match covers. A window is its rendering and the text its items
# span, and news repeats windows (في مارس، الأسبوع الماضي, a bare weekday): after
# 1,000 articles three in four are known, so the regexes and builders run for the
# new ones only. Results are kept relative to the item, and the cache is dropped
# when it grows that large (about 360 bytes a window: under 20 MB).
_WINDOWS_KEPT = 50_000
_WINDOW_CHARS = 400  # renderings longer than this are not cached
_best_by_window: dict[tuple[str, str], tuple | None] = {}
_UNSEEN = object()


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
    candidates = []
    for i, w in enumerate(tokens.info):
        rules = _candidates(w.classes)
        if rules and (best := _best_match(tokens, i, rules)) is not None:
            candidates.append((i, best))
    taken = [False] * len(tokens.info)
    chosen = []
    # Longer matches first; two matches conflict only if their extents overlap,
    # so a lead word (و in "و2018") may serve the expression before it too.
    for _, best in sorted(candidates, key=lambda c: (-_width(tokens, c[0], c[1][4]), c[0])):
        first, end = best[2], best[3]
        if any(taken[first:end]):
            continue
        taken[first:end] = [True] * (end - first)
        chosen.append(best)
    found: list[Found] = []
    for frame, rule, ext_first, ext_end, _, body in sorted(chosen, key=lambda b: b[2]):
        tok_start, tok_end = tokens.token_range(ext_first, ext_end - 1)
        first = tokens.start(tok_start) + tokens.info[ext_first].lead
        start, stop = norm.raw_span(first, tokens.end(tok_end - 1))
        body_start = None
        if body:
            body_tok = tokens.items[body[0]]
            body_start = norm.raw_index(tokens.start(body_tok) + tokens.info[body[0]].lead)
        found.append(Found(frame, rule, tok_start, tok_end, start, stop, body_start))
    return found


def _width(tokens: Tokens, first: int, end: int) -> int:
    """How many tokens items ``[first, end)`` cover."""
    tok_start, tok_end = tokens.token_range(first, end - 1)
    return tok_end - tok_start


@cache
def _candidates(classes: tuple[str, ...]) -> tuple[Rule, ...]:
    """The rules a token with these classes can start, in priority order."""
    table = rules_by_first()
    rules = {rule.order: rule for cls in classes for rule in table.get(cls, ())}
    return tuple(rules[order] for order in sorted(rules))


def _best_match(tokens: Tokens, i: int, rules: tuple[Rule, ...]) -> tuple | None:
    """(frame, rule, extent's first item, its end, match end, body span) of the best
    rule match at item ``i``, or None; item indices count from the article's start."""
    render = tokens.render
    pos = tokens.offsets[i]
    # A long window (a page of 1/1/1/…, no plain token for thousands of items) is
    # never repeated and would make each item cost its length: matched uncached.
    stop = render.find(PLAIN, pos, pos + _WINDOW_CHARS)
    if stop < 0:
        if len(render) - pos > _WINDOW_CHARS:
            return _match_at(tokens, i, rules)
        stop = len(render)
    window = render[pos:stop]
    last = i + window.count("<") - 1  # every item renders as one "<…>"
    first_token, end_token = tokens.token_range(i, last)
    key = (window, tokens.text[tokens.start(first_token) : tokens.end(end_token - 1)])
    best = _best_by_window.get(key, _UNSEEN)
    if best is _UNSEEN:
        if len(_best_by_window) >= _WINDOWS_KEPT:
            _best_by_window.clear()
        best = _best_by_window[key] = _relative(_match_at(tokens, i, rules), -i)
    return _relative(best, i)


def _relative(best: tuple | None, shift: int) -> tuple | None:
    """A best match with its item indices moved by ``shift``."""
    if best is None:
        return None
    frame, rule, first, end, match_end, body = best
    if body is not None:
        body = (body[0] + shift, body[1] + shift)
    return frame, rule, first + shift, end + shift, match_end + shift, body


def _match_at(tokens: Tokens, i: int, rules: tuple[Rule, ...]) -> tuple | None:
    best = None
    best_len = 0
    pos = tokens.offsets[i]
    for rule in rules:
        m = rule.regex.match(tokens.render, pos)
        if m is None or m.end() - pos <= best_len:
            continue
        groups = Groups(tokens, m)
        frame = BUILDERS[rule.kind](groups, rule.params)
        if frame is None:
            continue
        end = groups.span_end(m.end())
        ext = groups.span(str(rule.params.get("extent", "ext"))) or (i, end)
        best = (frame, rule, ext[0], ext[1], end, groups.span("body"))
        best_len = m.end() - pos
    return best
