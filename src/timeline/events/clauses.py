"""Clauses inside a sentence, so a time expression dates the event of its own clause.

"وقالت المصادر الأحد أن المحادثات عُقدت في شهر مارس": الأحد dates the saying,
مارس the talks. A clause starts at a complementiser (أن، إنه، بأن) and after a
comma that a conjoined word follows (حاليًا، ومع ذلك أجريت المباحثات).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import compress

from timeline.temporal.tense import clause_openers
from timeline.temporal.tokens import Tokens

_COMMAS = frozenset({"،", ","})


def clause_numbering(tokens: Tokens) -> Callable[[int], int]:
    """A function from a token index to the number of its clause (increasing in text)."""
    words = tokens.words
    n = len(words)
    marks = (clause_openers() | _COMMAS) & tokens.unique
    starts = [
        k
        for k in compress(range(n), map(marks.__contains__, words))
        if words[k] not in _COMMAS or (k + 1 < n and words[k + 1][:1] == "و")
    ]
    return lambda k: bisect_right(starts, k)
