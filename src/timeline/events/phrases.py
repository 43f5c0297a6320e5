"""Cue phrases looked up by their first word, so checking a position costs one dict hit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from timeline.lexicon import clitic_forms, norm


class PhraseSet:
    """Multi-word cues (سبق أن، الانسحاب من) with proclitics on their first word."""

    def __init__(self, spellings: Iterable[str]) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        longest = 0
        for spelling in spellings:
            words = norm(spelling).split()
            for first in clitic_forms(words[0]):
                self._by_first.setdefault(first, []).append((first, *words[1:]))
            longest = max(longest, len(words))
        self.longest = longest

    def ends_before(self, words: Sequence[str], k: int, gap: int = 0) -> bool:
        """Whether a cue ends right before token ``k``, or at most ``gap`` tokens earlier."""
        for start in range(max(0, k - self.longest - gap), k):
            for phrase in self._by_first.get(words[start], ()):
                end = start + len(phrase)
                if k - gap <= end <= k and tuple(words[start:end]) == phrase:
                    return True
        return False
