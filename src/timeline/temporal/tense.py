"""The tense of the clause around an expression: future or past (which includes present).

A bare weekday, day-and-month or month is resolved backwards from the DCT in a
past or present clause and forwards in a future one. The future is marked in
Arabic by سـ/سوف on an imperfect verb or by phrases such as من المقرر; absent
those, news narrates the past, so "past" is the default.
"""

from __future__ import annotations

from functools import cache

from timeline.lexicon import clitic_forms, norm, read_data
from timeline.temporal.tokens import Tokens

# How far from the expression a cue still governs it, in tokens.
_BEFORE = 10
_AFTER = 6


@cache
def _cues() -> tuple[frozenset[str], tuple[tuple[str, ...], ...], tuple[str, ...], frozenset[str]]:
    data = read_data("tense.yaml")
    words, phrases = set(), []
    for cue in data["future_words"]:
        parts = tuple(norm(cue).split())
        if len(parts) == 1:
            words.update(clitic_forms(parts[0]))
        else:
            phrases.append(parts)
    prefixes = tuple(norm(p) for p in data["future_prefix"])
    not_future = frozenset(form for w in data["not_future"] for form in clitic_forms(norm(w)))
    return frozenset(words), tuple(phrases), prefixes, not_future


def is_future_word(word: str) -> bool:
    """Whether one token marks the future (سيزور، وستعقد، سوف)."""
    words, _, prefixes, not_future = _cues()
    if word in words:
        return True
    if word in not_future:
        return False
    bare = word[1:] if word[:1] in ("و", "ف") else word
    return len(bare) >= 5 and bare.startswith(prefixes) and bare not in not_future


def clause_tense(tokens: Tokens, start: int, end: int) -> str:
    """'future' if a future cue governs tokens ``[start, end)``, else 'past'."""
    _, phrases, _, _ = _cues()
    sentence = tokens.sentence[start]
    lo = max(0, start - _BEFORE)
    hi = min(len(tokens), end + _AFTER)
    for k in range(lo, hi):
        if start <= k < end or tokens.sentence[k] != sentence:
            continue
        word = tokens.words[k]
        if is_future_word(word):
            return "future"
        for phrase in phrases:
            if word == phrase[0] and tuple(tokens.words[k : k + len(phrase)]) == phrase:
                return "future"
    return "past"
