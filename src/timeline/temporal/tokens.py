"""Tokens of a normalised text, and the rendering the grammar's regexes run on.

Only about a quarter of a news text's tokens belong to any word class, so the
Python-level work is done for those alone: the text is split into tokens and
offsets by C-level calls (``re.split``, ``accumulate``), the classed tokens are
found by one set intersection, and the rendering holds one ``<…>`` per classed
token ("item") with a single ``<>`` standing for any run of plain tokens
between them; no rule can match across a plain token.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, compress

from timeline.lexicon import Lex, Lexicon
from timeline.temporal.grammar import LETTER
from timeline.temporal.memo import remember

# ASCII digits only: normalisation maps Arabic-Indic and Persian digits to them,
# and other "digits" (², other scripts) are not numbers a date can hold.
# Letters are listed explicitly (Arabic, its extensions, Latin): twice as fast as
# the Unicode class [^\W\d_]; any other non-space character is a token by itself.
# The three classes are disjoint, so their order does not change the tokens; words
# first saves a test per token, most tokens being words.
_LETTERS = "\u0621-\u064a\u066e-\u06d3A-Za-z"
_SPLIT = re.compile(f"([{_LETTERS}]+|[0-9]+|[^\\s0-9{_LETTERS}])")
_PUNCT = {
    "/": "SLASH", "-": "DASH", ".": "DOT", ":": "COLON", "،": "COMMA", ",": "COMMA",
    "(": "LPAR", ")": "RPAR",
}  # fmt: skip
# A run of sentence-final marks and blank lines ends one sentence, not several.
_SENTENCE_END = re.compile(r"[.!?؟\n][\s.!?؟]*")
PLAIN = "<>"  # the rendering of any run of plain tokens
_DIGITS = "0123456789"
# Longer digit runs (account numbers, scraped junk) are no count, day or year; Python
# refuses to read more than 4,300 digits as a number anyway.
_MAX_DIGITS = 18


@dataclass(frozen=True, slots=True)
class Word:
    """What the grammar knows of one spelling: its readings, classes and rendering."""

    lex: tuple[Lex, ...]
    classes: tuple[str, ...]
    piece: str
    lead: int  # letters of a detachable proclitic at its start


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of one normalised text; items are the tokens that have a class.

    Token ``k`` is ``words[k]``, spanning ``bounds[2k+1]:bounds[2k+2]`` of the
    text. Item ``i`` starts at token ``items[i]``, covers ``widths[i]`` tokens
    (more than one for multi-word entries) and starts at ``offsets[i]`` in
    ``render``.
    """

    text: str
    words: list[str]
    bounds: list[int]
    items: list[int]
    widths: list[int]
    info: list[Word]
    offsets: list[int]
    render: str
    sentence_ends: list[int]
    unique: set[str]  # the distinct words: lexicons intersect this, not the word list
    sentence_starts: list[int]  # the first token of every sentence after the first

    def __len__(self) -> int:
        return len(self.words)

    def start(self, k: int) -> int:
        return self.bounds[2 * k + 1]

    def end(self, k: int) -> int:
        return self.bounds[2 * k + 2]

    def sentence(self, k: int) -> int:
        """Which sentence token ``k`` is in (sentences end at . ! ? ؟ or a newline)."""
        return bisect_right(self.sentence_starts, k)

    def item_text(self, i: int) -> str:
        k = self.items[i]
        return self.text[self.start(k) : self.end(k + self.widths[i] - 1)]

    def token_range(self, first_item: int, last_item: int) -> tuple[int, int]:
        """Tokens ``[start, end)`` covered by items ``first_item..last_item``."""
        return self.items[first_item], self.items[last_item] + self.widths[last_item]


# Classes that only matter near a stronger word (prepositions, punctuation,
# modifiers), with how near, in tokens: as far as any rule puts them from a
# strong one (قبل ما يزيد على ثلاثة أيام: قبل is 4 tokens from ثلاثة). A token
# with only these classes is kept when a strong token is within its reach.
REACH = {
    "IN": 1, "FROM": 1, "TO": 1, "BETWEEN": 1, "AND": 1, "COMMA": 1, "DOT": 1, "SLASH": 1,
    "DASH": 1, "COLON": 1, "LPAR": 1, "RPAR": 1, "DEF": 1, "NEXTWORD": 1, "THAT": 1, "THIS": 1,
    "ERA_G": 2, "ERA_H": 2, "EACH": 2, "BOUND": 2, "MONTHWORD": 2, "DAYWORD": 2, "CURRENT": 3,
    "FUTURE": 3, "FEWPOST": 2, "APPROX": 3, "LESSMORE": 3, "FEW": 3, "AGO": 5, "AFTER": 5,
    "SINCE": 5, "DURPREP": 5,
}  # fmt: skip
WEAK_CLASSES = frozenset(REACH)


@dataclass(frozen=True, eq=False)
class _Index:
    """Per-lexicon lookups for tokenising: which words to look at, and their Word."""

    keys: frozenset[str]
    weak_words: frozenset[str]  # words with only weak classes (see REACH)
    # word → (its Word, its reach or 0 if strong, the phrases it starts): all that the
    # tokenizer asks of a known word, in one lookup
    plan: dict[str, tuple[Word, int, tuple[tuple[tuple[str, ...], Word], ...]]]


@cache
def _index(lexicon: Lexicon) -> _Index:
    words = {w: _make_word(lexicon, w, lex) for w, lex in lexicon.single.items()}
    words.update((p, _make_word(lexicon, p, ())) for p in _PUNCT)
    weak = {
        w: max(REACH[c] for c in info.classes)
        for w, info in words.items()
        if info.classes and set(info.classes) <= WEAK_CLASSES
    }
    multi = {}
    for first, phrases in lexicon.multi.items():
        multi[first] = tuple((ph, _make_word(lexicon, first, lexes)) for ph, lexes in phrases)
        classes = {lx.cls for _, lexes in phrases for lx in lexes}
        if classes <= WEAK_CLASSES and (first not in words or first in weak):
            # a phrase's first word reaches as far as the phrase's last word needs
            longest = max(len(ph) for ph, _ in phrases)
            reach = max(REACH[c] for c in classes) + longest - 1
            weak[first] = max(weak.get(first, 0), reach)
    keys = frozenset(words) | frozenset(lexicon.multi)
    plan = {
        w: (words.get(w) or _make_word(lexicon, w, ()), weak.get(w, 0), multi.get(w, ()))
        for w in keys
    }
    return _Index(keys, frozenset(weak), plan)


def _make_word(lexicon: Lexicon, word: str, lex: tuple[Lex, ...]) -> Word:
    classes = tuple(lx.cls for lx in lex) + _shape_classes(word)
    piece = "<" + "".join(LETTER[c] for c in classes) + ">" if classes else PLAIN
    return Word(lex, classes, piece, lexicon.proclitic.get(word, 0) if lex else 0)


_digit_words: dict[str, Word] = {}
_DIGITS_KEPT = 100_000  # digit strings are unbounded; so is not this memo


def _digit_word(lexicon: Lexicon, word: str) -> Word:
    hit = _digit_words.get(word)
    if hit is None:
        hit = remember(_digit_words, word, _make_word(lexicon, word, ()), _DIGITS_KEPT)
    return hit


def _shape_classes(word: str) -> tuple[str, ...]:
    if word[0] in _DIGITS:
        value = int(word)
        out = ["DIGITS"]
        if len(word) == 4 and 1000 <= value <= 2199:
            out.append("YEAR4")
        if len(word) <= 2 and 1 <= value <= 31:
            out.append("DAYNUM")
        return tuple(out)
    cls = _PUNCT.get(word)
    return (cls,) if cls else ()


def tokenize(text: str, lexicon: Lexicon) -> Tokens:
    """Split ``text`` (already normalised) into tokens and classify the ones that matter."""
    index = _index(lexicon)
    parts = _SPLIT.split(text)
    words = parts[1::2]
    bounds = list(accumulate(map(len, parts), initial=0))
    unique = set(words)
    hits = unique & index.keys
    # Digit tokens are the ASCII ones made of digits (other "digits" such as ² are
    # single marks that fail isascii); filter keeps this scan in C.
    digits = filter(str.isdigit, filter(str.isascii, unique - hits))
    hits.update(w for w in digits if len(w) <= _MAX_DIGITS)
    plan, digit_words = index.plan, _digit_words
    strong = hits - index.weak_words
    ks = list(compress(range(len(words)), map(hits.__contains__, words)))
    anchors = [k for k in ks if words[k] in strong]
    items: list[int] = []
    widths: list[int] = []
    info: list[Word] = []
    offsets: list[int] = []
    pieces: list[str] = []
    pos = 0
    next_free = 0  # first token not yet covered by an item
    for k in ks:
        if k < next_free:
            continue
        word = words[k]
        known = plan.get(word)
        if known is None:  # a number
            w = digit_words.get(word) or _digit_word(lexicon, word)
            width = 1
        else:
            w, reach, phrases = known
            if reach:
                near = bisect_right(anchors, k + reach)
                if not near or anchors[near - 1] < k - reach:
                    continue
            width = 1
            for phrase, phrase_word in phrases:
                if tuple(words[k : k + len(phrase)]) == phrase:
                    w, width = phrase_word, len(phrase)
                    break
        if not w.classes:
            continue
        if k > next_free and pieces:
            pieces.append(PLAIN)
            pos += 2
        items.append(k)
        widths.append(width)
        info.append(w)
        offsets.append(pos)
        pieces.append(w.piece)
        pos += len(w.piece)
        next_free = k + width
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    starts = bounds[1::2]  # token k starts at bounds[2k+1]
    first_tokens = [bisect_left(starts, end) for end in ends]
    return Tokens(
        text, words, bounds, items, widths, info, offsets, "".join(pieces), ends, unique,
        first_tokens,
    )  # fmt: skip
