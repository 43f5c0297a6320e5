"""Find temporal expressions: tokens → rule matches → frames with raw-text spans.

Rules are tried only where a token can start them (their FIRST set) and the
next token can follow (the pairs of ``grammar.rule_openings``). At each
position the longest match whose builder accepts it is kept (ties: the earlier
rule); then overlapping matches are settled in favour of the one covering more
tokens (ties: the earlier in the text), so "خلال شهر" cannot cut "شهر رمضان الماضي".
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from timeline.lexicon import load as load_lexicon
from timeline.normalize import Normalized, normalize
from timeline.temporal.build import BUILDERS, Groups
from timeline.temporal.grammar import Rule, rule_openings, rules_by_first
from timeline.temporal.memo import remember
from timeline.temporal.resolve import Frame
from timeline.temporal.tokens import PLAIN, Tokens, Word, tokenize

# The best match at an item depends only on the window from there to the next
# plain token (no rule matches across one: "<>" has no class), and within it on
# the items the rules tried there can read (grammar's ``reach``: at most 23, 5 for
# digit dates), builders reading only the items of a match. A window is those
# items' rendering and the text they span, and news repeats windows (في مارس،
# الأسبوع الماضي, a bare weekday), as do dense pages (1/12/2021/…): regexes and
# builders run for new windows only. Results are kept relative to the item, and
# the cache is dropped when it grows that large (a few hundred bytes a window).
_WINDOWS_KEPT = 50_000
_WINDOW_CHARS = 400  # windows of rules without a reach: longer ones are not cached
_best_by_window: dict[tuple[str, str], tuple | None] = {}
_UNSEEN = object()
# What a builder made of a match, by rule, matched items and (with lookahead)
# group spans: see _build. Bounded like the windows.
_built: dict[tuple, tuple | None] = {}
# The rules worth trying at an item, by its rendering and the next item's (PLAIN
# if none follows; a rendering stands for one tuple of classes, and is hashed
# once), with how many items from there they can read.
_rules_by_pieces: dict[str, dict[str, tuple[tuple[Rule, ...], int | None]]] = {}
_NONE: dict[str, tuple[tuple[Rule, ...], int | None]] = {}  # no rule starts with these
_NO_RULES = ((), None)
# The rules (by order) whose pattern looks ahead: their groups may lie past the
# match. Filled by _candidates, which every rule passes before it is matched.
_LOOKAHEAD: set[int] = set()


class Found(NamedTuple):
    """A recognised expression: its frame, the rule, and spans in both texts.

    A named tuple, immutable like the frozen dataclass it was and read the same
    way, but made in a fifth of the time: a dense page makes 50,000 of them.
    """

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
    # The candidates, one per item with a match: the item, the rule, and what its
    # builder made (indices relative to the item). Parallel lists of shared objects,
    # not a tuple per candidate: a dense page has 100,000 of them, and every
    # container that lives on costs the garbage collector a look per collection.
    at: list[int] = []
    picked: list[Rule] = []
    made: list[tuple] = []
    render, text, offsets, info = tokens.render, tokens.text, tokens.offsets, tokens.info
    items, widths, bounds = tokens.items, tokens.widths, tokens.bounds
    windows = _best_by_window
    last = len(info) - 1
    plain = -1  # where the window of the current item ends: the next PLAIN, or the end
    for i, w in enumerate(info):
        by_next = _rules_by_pieces.get(w.piece)
        if by_next is None:
            by_next = _rules_by_pieces[w.piece] = {} if _candidates(w.classes) else _NONE
        if by_next is _NONE:
            continue
        pos = offsets[i]
        # The rules worth trying depend on this item and the next (see rule_openings).
        after = pos + len(w.piece)
        nxt = info[i + 1] if i < last and offsets[i + 1] == after else None
        rules, reach = by_next.get(nxt.piece if nxt else PLAIN) or _NO_RULES
        if reach is None:
            rules, reach = by_next[nxt.piece if nxt else PLAIN] = _opening(w, nxt)
        if not rules:
            continue
        if plain < pos:
            # one find per window, not one per item: a page of 1/1/1/… is one window
            plain = render.find(PLAIN, pos)
            if plain < 0:
                plain = len(render)
        if reach:
            # _best_match inlined: this runs for every item of a dense page
            stop = offsets[i + reach] if i + reach <= last else len(render)
            window = render[pos : stop if stop < plain else plain]
            j = i + window.count("<") - 1  # the last item of the window
            key = (window, text[bounds[2 * items[i] + 1] : bounds[2 * (items[j] + widths[j])]])
            best = windows.get(key, _UNSEEN)
            if best is _UNSEEN:
                best = remember(windows, key, _match_at(tokens, i, rules), _WINDOWS_KEPT)
        elif plain - pos > _WINDOW_CHARS:
            # A long window (no plain token for thousands of items) is never
            # repeated and would make each item cost its length: matched uncached
            # (what builders make of its matches is, in _build).
            best = _match_at(tokens, i, rules)
        else:
            best = _best_match(tokens, i, rules, plain)
        if best is not None:
            at.append(i)
            picked.append(best[0])
            made.append(best[1])
    count = len(at)

    def wider(c: int) -> int:
        # more tokens from the item to the match's end first, then text order
        # (c is in text order, and below count)
        i = at[c]
        end = i + made[c][3] - 1
        return (items[i] - items[end] - widths[end]) * count + c

    # Longer matches first; two matches conflict only if their extents overlap,
    # so a lead word (و in "و2018") may serve the expression before it too.
    taken = bytearray(len(info))
    chosen = []
    for c in sorted(range(count), key=wider):
        i, built = at[c], made[c]
        first, end = i + built[1], i + built[2]
        if taken.find(1, first, end) >= 0:
            continue
        taken[first:end] = b"\x01" * (end - first)
        chosen.append(c)
    chosen.sort(key=lambda c: at[c] + made[c][1])
    found: list[Found] = []
    raw_span = norm.raw_span
    for c in chosen:
        i = at[c]
        frame, ext_first, ext_last, _, body = made[c]
        ext_first += i
        ext_last += i - 1
        # tokens.token_range, start and end, inlined (token k spans bounds[2k+1:2k+2])
        tok_start, tok_end = items[ext_first], items[ext_last] + widths[ext_last]
        start, stop = raw_span(
            bounds[2 * tok_start + 1] + info[ext_first].lead, bounds[2 * tok_end]
        )
        body_start = None
        if body:
            b = body[0] + i
            body_start = norm.raw_index(bounds[2 * items[b] + 1] + info[b].lead)
        found.append(Found(frame, picked[c], tok_start, tok_end, start, stop, body_start))
    return found


@cache
def _candidates(classes: tuple[str, ...]) -> tuple[Rule, ...]:
    """The rules a token with these classes can start, in priority order."""
    table = rules_by_first()
    rules = {rule.order: rule for cls in classes for rule in table.get(cls, ())}
    _LOOKAHEAD.update(
        o for o, r in rules.items() if "(?=" in r.regex.pattern or "(?!" in r.regex.pattern
    )
    return tuple(rules[order] for order in sorted(rules))


def _opening(w: Word, nxt: Word | None) -> tuple[tuple[Rule, ...], int]:
    """The rules, in priority order, that can match at an item ``w`` followed by
    ``nxt``, and how many items from ``w`` on they can read (0: no bound; at least
    2, so the window shows the next item, which chose the rules)."""
    openings = rule_openings()
    after = nxt.classes if nxt is not None else ()
    out = []
    reach = 2
    for rule in _candidates(w.classes):
        singles, pairs, rule_reach = openings[rule.order]
        if any(c in singles for c in w.classes) or any(
            (a, b) in pairs for a in w.classes for b in after
        ):
            out.append(rule)
            reach = max(reach, rule_reach) if reach and rule_reach else 0
    return tuple(out), reach


def _best_match(
    tokens: Tokens, i: int, rules: tuple[Rule, ...], stop: int
) -> tuple[Rule, tuple] | None:
    """The rule of the best match at item ``i`` and what its builder made (see
    _build), or None; ``stop`` is where the items the rules can read end in the
    rendering (recognise has a copy of this for rules with a reach)."""
    pos = tokens.offsets[i]
    window = tokens.render[pos:stop]
    last = i + window.count("<") - 1  # every item renders as one "<…>"
    first_token, end_token = tokens.token_range(i, last)
    key = (window, tokens.text[tokens.start(first_token) : tokens.end(end_token - 1)])
    best = _best_by_window.get(key, _UNSEEN)
    if best is _UNSEEN:
        best = remember(_best_by_window, key, _match_at(tokens, i, rules), _WINDOWS_KEPT)
    return best


def _match_at(tokens: Tokens, i: int, rules: tuple[Rule, ...]) -> tuple[Rule, tuple] | None:
    """The first of the longest matches at item ``i`` whose builder accepts it."""
    best = None
    best_len = 0
    render = tokens.render
    pos = tokens.offsets[i]
    for rule in rules:
        m = rule.regex.match(render, pos)
        if m is None or m.end() - pos <= best_len:
            continue
        built = _build(tokens, i, rule, m)
        if built is None:
            continue
        best = (rule, built)
        best_len = m.end() - pos
    return best


def _build(tokens: Tokens, i: int, rule: Rule, m: re.Match[str]) -> tuple | None:
    """(frame, extent's first item, its end, match end, body span) the rule's builder
    makes of match ``m`` at item ``i``, item indices relative to ``i``; None if it
    rejects the match.

    A builder reads only the items of the match's groups, and what the groups hold
    is fixed by the characters the match consumed, unless the rule looks ahead
    (then the groups' spans, relative to the match, are part of the key): so the
    result is remembered on the rule and the rendering and text of those items.
    Dense pages (46,000 months or digit dates in 1 MB, one long window) repeat a
    few hundred matches.
    """
    pos = m.start()
    if rule.order in _LOOKAHEAD:
        regs = tuple([(a - pos, b - pos) for a, b in m.regs])
        piece = tokens.render[pos : pos + max([b for _, b in regs])]
    else:
        regs = None
        piece = m.group()
    # the text of items i..j, from the first one's first token to the last one's last
    items, bounds = tokens.items, tokens.bounds
    j = i + piece.count("<") - 1
    text = tokens.text[bounds[2 * items[i] + 1] : bounds[2 * (items[j] + tokens.widths[j])]]
    key = (rule.order, piece, text, regs)
    built = _built.get(key, _UNSEEN)
    if built is _UNSEEN:
        built = remember(_built, key, _run_builder(tokens, i, rule, m), _WINDOWS_KEPT)
    return built


def _run_builder(tokens: Tokens, i: int, rule: Rule, m: re.Match[str]) -> tuple | None:
    groups = Groups(tokens, m)
    frame = BUILDERS[rule.kind](groups, rule.params)
    if frame is None:
        return None
    end = groups.span_end(m.end())
    ext = groups.span(str(rule.params.get("extent", "ext"))) or (i, end)
    body = groups.span("body")
    if body is not None:
        body = (body[0] - i, body[1] - i)
    return frame, ext[0] - i, ext[1] - i, end - i, body
