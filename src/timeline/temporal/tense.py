"""The tense of the clause around an expression: future or past (which includes present).

A bare weekday, day-and-month or month is resolved backwards from the DCT in a
past or present clause and forwards in a future one. The future is marked in
Arabic by سـ/سوف on an imperfect verb or by phrases such as من المقرر; absent
those, news narrates the past, so "past" is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from timeline.lexicon import clitic_forms, norm, read_data
from timeline.temporal.memo import remember
from timeline.temporal.tokens import Tokens

# How far from the expression a cue still governs it, in tokens.
_BEFORE = 8
_AFTER = 4


@dataclass(frozen=True)
class _Cues:
    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    phrases_by_first: dict[str, tuple[tuple[str, ...], ...]]
    prefixes: tuple[str, ...]
    not_future: frozenset[str]
    not_future_stems: tuple[str, ...]
    openers: frozenset[str]
    comparatives: frozenset[str]


@cache
def _cues() -> _Cues:
    data = read_data("tense.yaml")
    words, phrases = set(), []
    for cue in data["future_words"]:
        parts = tuple(norm(cue).split())
        if len(parts) == 1:
            words.update(clitic_forms(parts[0]))
        else:
            phrases.append(parts)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], []).append(phrase)
    return _Cues(
        words=frozenset(words),
        phrases=tuple(phrases),
        phrases_by_first={w: tuple(ps) for w, ps in by_first.items()},
        prefixes=tuple(norm(p) for p in data["future_prefix"]),
        not_future=frozenset(f for w in data["not_future"] for f in clitic_forms(norm(w))),
        not_future_stems=tuple(norm(s) for s in data["not_future_stems"]),
        openers=frozenset(f for w in data["clause_openers"] for f in clitic_forms(norm(w))),
        comparatives=frozenset(norm(w) for w in data["comparatives"]),
    )


# is_future_word is asked about the same words over and over (every token near a
# bare date, every trigger): the answer is remembered per spelling, the cache
# dropped when it grows this large (words are unbounded; about 150 bytes each).
_FUTURE_KEPT = 100_000
_future: dict[str, bool] = {}


def is_future_word(word: str) -> bool:
    """Whether one token marks the future (سيزور، وستعقد، سوف)."""
    hit = _future.get(word)
    if hit is None:
        hit = remember(_future, word, _is_future_word(word), _FUTURE_KEPT)
    return hit


def _is_future_word(word: str) -> bool:
    cues = _cues()
    if word in cues.words:
        return True
    if word in cues.not_future:
        return False
    bare = word[1:] if word[:1] in ("و", "ف") else word
    return (
        len(bare) >= 5
        and bare.startswith(cues.prefixes)
        and not bare.startswith(cues.not_future_stems)
    )


def clause_openers() -> frozenset[str]:
    """Every spelling of the complementisers that open a clause."""
    return _cues().openers


def clause_tense(tokens: Tokens, start: int, end: int) -> str:
    """'future' if a future cue governs tokens ``[start, end)``, else 'past'.

    Cues count within a few tokens on either side, in the same sentence and on
    the same side of any complementiser (قال إنه سيزور: سيزور is not the
    tense of a date before إنه).
    """
    # The sentence's token range, once: a cue beyond it never counts.
    s = tokens.sentence(start)
    starts = tokens.sentence_starts
    first = starts[s - 1] if s > 0 else 0
    stop = starts[s] if s < len(starts) else len(tokens)
    before = range(start - 1, max(first, start - _BEFORE) - 1, -1)
    after = range(end, min(stop, end + _AFTER))
    return "future" if _cue_in(tokens, before, start) or _cue_in(tokens, after, start) else "past"


# What a word is to _cue_in, remembered per spelling (most words near a date
# are none of these): a clause opener, a future word, or the first word of a
# future phrase; 0 for none.
_OPENER, _FUTURE, _PHRASE = 1, 2, 3
_cue_kinds: dict[str, int] = {}


def _cue_kind(word: str) -> int:
    cues = _cues()
    if word in cues.openers:
        kind = _OPENER
    elif is_future_word(word):
        kind = _FUTURE
    elif word in cues.phrases_by_first:
        kind = _PHRASE
    else:
        kind = 0
    return remember(_cue_kinds, word, kind, _FUTURE_KEPT)


def _cue_in(tokens: Tokens, ks: range, at: int) -> bool:
    words = tokens.words
    kinds = _cue_kinds
    for k in ks:
        word = words[k]
        kind = kinds.get(word)
        if kind is None:
            kind = _cue_kind(word)
        if not kind:
            continue
        if kind == _OPENER:
            # من المقرر أن / يعتزم أن: the cue governs the clause it opens
            return k > 0 and k < at and is_future_word(words[k - 1])
        if _compared(words, k):
            continue
        if kind == _FUTURE:
            return True
        for phrase in _cues().phrases_by_first[word]:
            if tuple(words[k : k + len(phrase)]) == phrase:
                return True
    return False


def _compared(words: list[str], k: int) -> bool:
    """Whether the cue at ``k`` follows a comparative (أطول من المتوقع، أكثر من المقرر)."""
    comparatives = _cues().comparatives
    if k > 0 and words[k - 1] in comparatives:
        return True
    return k > 1 and words[k - 1] == "من" and words[k - 2] in comparatives
