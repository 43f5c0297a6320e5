"""Clauses inside a sentence, so a time expression dates the event of its own clause.

"وقالت المصادر الأحد أن المحادثات عُقدت في شهر مارس": الأحد dates the saying,
مارس the talks. A clause starts at a complementiser (أن، إنه، بأن) and after a
comma that a conjoined word follows (حاليًا، ومع ذلك أجريت المباحثات).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from timeline.temporal.tense import is_clause_opener
from timeline.temporal.tokens import Tokens

_COMMAS = frozenset({"،", ","})


def clause_numbering(tokens: Tokens) -> Callable[[int], int]:
    """A function from a token index to the number of its clause (increasing in text)."""
    words = tokens.words
    n = len(words)
    starts = [
        k
        for k, w in enumerate(words)
        if is_clause_opener(w) or (w in _COMMAS and k + 1 < n and words[k + 1][:1] == "و")
    ]
    return lambda k: bisect_right(starts, k)
