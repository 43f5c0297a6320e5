"""Tokens of a normalised text, each with its lexicon readings and class rendering."""

from __future__ import annotations

import re
from dataclasses import dataclass

from timeline.lexicon import Lex, Lexicon
from timeline.temporal.grammar import LETTER

_TOKEN = re.compile(r"\d+|[^\W\d_]+|[^\w\s]")
_PUNCT = {
    "/": "SLASH", "-": "DASH", ".": "DOT", ":": "COLON", "،": "COMMA", ",": "COMMA",
    "(": "LPAR", ")": "RPAR",
}  # fmt: skip
_SENTENCE_END = frozenset(".!?؟\n")
_PLAIN = "<>"


@dataclass(frozen=True, slots=True)
class Tokens:
    """Parallel lists over the tokens of one normalised text.

    ``render`` is the string the grammar's regexes run on; ``offsets[k]`` is
    where token ``k`` starts in it; ``sentence[k]`` numbers sentences.
    """

    text: str
    starts: list[int]
    ends: list[int]
    words: list[str]
    lex: list[tuple[Lex, ...]]
    classes: list[tuple[str, ...]]
    offsets: list[int]
    render: str
    sentence: list[int]
    lead: list[int]  # letters of a detachable proclitic at the token's start

    def __len__(self) -> int:
        return len(self.starts)


def _shape_classes(word: str) -> tuple[str, ...]:
    if word.isdigit():
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
    """Split ``text`` (already normalised) into tokens and look each up once."""
    raw = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    lexes: list[tuple[Lex, ...]] = []
    classes: list[tuple[str, ...]] = []
    offsets: list[int] = []
    sentence: list[int] = []
    lead: list[int] = []
    parts: list[str] = []
    pos = 0
    sent = 0
    last_end = 0
    i = 0
    n = len(raw)
    while i < n:
        start, end, word = raw[i]
        if any(ch in _SENTENCE_END for ch in text[last_end:start]):
            sent += 1
        found: tuple[Lex, ...] = ()
        span = 1
        for words_, lex in lexicon.multi.get(word, ()):
            k = len(words_)
            if i + k <= n and all(raw[i + j][2] == words_[j] for j in range(1, k)):
                found, span = lex, k
                end = raw[i + k - 1][1]
                break
        if not found:
            found = lexicon.single.get(word, ())
        cls = (
            tuple(lx.cls for lx in found) + _shape_classes(word) if found else _shape_classes(word)
        )
        starts.append(start)
        ends.append(end)
        words.append(text[start:end])
        lexes.append(found)
        classes.append(cls)
        offsets.append(pos)
        sentence.append(sent)
        lead.append(lexicon.proclitic.get(word, 0) if found else 0)
        piece = "<" + "".join(LETTER[c] for c in cls) + ">" if cls else _PLAIN
        parts.append(piece)
        pos += len(piece)
        if word in _SENTENCE_END:
            sent += 1
        last_end = end
        i += span
    return Tokens(
        text, starts, ends, words, lexes, classes, offsets, "".join(parts), sentence, lead
    )
