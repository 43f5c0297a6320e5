"""The stanza backend: Arabic tokens, lemmas, UPOS, dependencies and NER from stanza.

``stanza`` (and with it ``torch``) is imported only when the pipeline is first
built, never when this module is imported. The pipeline runs
``tokenize,mwt,pos,lemma,depparse,ner`` from the local resources folder and never
downloads anything (``download_method=None``); ``timeline models install`` does.

Offsets. Stanza's tokenizer reads the raw text we pass and its tokens'
``start_char``/``end_char`` index that same string. Two things differ from a
plain substring, and :func:`from_document` handles both:

* normalisation: for matching, stanza replaces every whitespace or C1 control
  character by a space (one for one, so offsets are unchanged), and a token's
  ``text`` has its inner whitespace folded to single spaces. A token's span is
  accepted when the raw slice equals its text after that same folding; the
  :class:`~timeline.backends.Token` always holds the raw slice itself;
* multi-word tokens: Arabic clitics are split into syntactic words (والتقى →
  و + التقى, للعراق → ل + العراق). The words of such a token carry no offsets,
  and their forms may restore letters the spelling drops (the ا of ال after ل),
  so each word gets the span of its token and the index of that token.

A Document without offsets (e.g. read from CoNLL-U without rebuilding its text)
is laid over the raw text token by token, left to right, allowing only
whitespace between tokens; anything else is an error, never a guess.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from timeline.backends import (
    LANG,
    PROCESSORS,
    Analysis,
    NamedEntity,
    Sentence,
    Token,
    Word,
    missing_models,
    stanza_importable,
)

__all__ = ["StanzaBackend", "from_document"]

# What stanza's tokenizer treats as a space (stanza.models.tokenization.data).
_STANZA_SPACE = re.compile(r"[\s\u0080-\u009f]+")


class StanzaBackend:
    """Stanza's Arabic pipeline as an analysis backend; built on first use, once."""

    name = "stanza"

    def __init__(self, model_dir: str | Path) -> None:
        self.model_dir = Path(model_dir)
        self._pipeline: Any = None

    def available(self) -> bool:
        return stanza_importable() and not missing_models(self.model_dir)

    def pipeline(self) -> Any:
        """The ``stanza.Pipeline`` (imported and loaded from the resources folder once)."""
        if self._pipeline is None:
            import stanza

            self._pipeline = stanza.Pipeline(
                LANG,
                processors=",".join(PROCESSORS),
                dir=str(self.model_dir),
                download_method=None,
                logging_level="WARN",
            )
        return self._pipeline

    def analyse(self, text: str) -> Analysis | None:
        """Run stanza on ``text`` and convert its Document (raw offsets, exact)."""
        if not text.strip():
            return Analysis(text, self.name, (), (), (), ())
        return from_document(self.pipeline()(text), text)


def _fold(text: str) -> str:
    return _STANZA_SPACE.sub(" ", text).strip()


def _flexible(form: str) -> re.Pattern[str]:
    """A pattern for a token's text in the raw text: its spaces stand for any whitespace."""
    parts = [re.escape(p) for p in _fold(form).split(" ")]
    return re.compile(r"[\s\u0080-\u009f]+".join(parts))


def _locate(token: Any, raw: str, cursor: int) -> tuple[int, int]:
    """The raw span of a stanza token: its own offsets if they fit, else found after ``cursor``."""
    start, end = token.start_char, token.end_char
    form = token.text
    if (
        start is not None
        and end is not None
        and 0 <= start <= end <= len(raw)
        and start >= cursor
        and _fold(raw[start:end]) == _fold(form)
    ):
        return start, end
    m = _flexible(form).search(raw, cursor)
    if m is None or raw[cursor : m.start()].strip():
        where = raw[cursor : cursor + 30]
        raise ValueError(f"cannot align stanza token {form!r} with the text at {cursor}: {where!r}")
    return m.start(), m.end()


def _entities(tags: list[str | None]) -> list[tuple[int, int, str]]:
    """(first, end, type) token ranges from BIOES or BIO tags (S-PER, B-LOC, I-LOC, E-LOC, O)."""
    out: list[tuple[int, int, str]] = []
    open_: tuple[int, str] | None = None

    def close(end: int) -> None:
        nonlocal open_
        if open_ is not None:
            out.append((open_[0], end, open_[1]))
            open_ = None

    for i, tag in enumerate(tags):
        if not tag or tag == "O" or "-" not in tag:
            close(i)
            continue
        prefix, kind = tag.split("-", 1)
        if prefix in ("B", "S") or open_ is None or open_[1] != kind:
            close(i)
            open_ = (i, kind)
        if prefix in ("S", "E"):
            close(i + 1)
    close(len(tags))
    return out


def from_document(doc: Any, raw_text: str) -> Analysis:
    """Convert a stanza ``Document`` of ``raw_text`` into an :class:`Analysis`.

    Works on a Document from ``stanza.Pipeline`` and on one built from CoNLL-U
    (``stanza.utils.conll.CoNLL.conll2doc``), with or without character offsets.
    NER comes from the tokens' tags (``token.ner``, BIOES or BIO), so a Document
    whose entity list was never built still gives its entities. Heads are
    global word indices (``-1`` for the root).
    """
    sentences: list[Sentence] = []
    tokens: list[Token] = []
    words: list[Word] = []
    entities: list[NamedEntity] = []
    cursor = 0
    for sent in doc.sentences:
        s_index = len(sentences)  # empty sentences are dropped, so count the kept ones
        first_token, first_word = len(tokens), len(words)
        # stanza word ids are 1-based within the sentence; heads point at them, 0 = root
        base = first_word - 1
        for tok in sent.tokens:
            start, end = _locate(tok, raw_text, cursor)
            cursor = end
            t_index = len(tokens)
            w_first = len(words)
            for w in tok.words:
                head = w.head
                words.append(
                    Word(
                        index=len(words),
                        text=w.text,
                        lemma=w.lemma,
                        upos=w.upos,
                        head=base + head if head else -1,
                        deprel=w.deprel,
                        token=t_index,
                        sentence=s_index,
                        start=start,
                        end=end,
                    )
                )
            tokens.append(
                Token(t_index, start, end, raw_text[start:end], s_index, (w_first, len(words)))
            )
        if len(tokens) == first_token:
            continue
        for first, stop, kind in _entities([t.ner for t in sent.tokens]):
            a, b = tokens[first_token + first], tokens[first_token + stop - 1]
            entities.append(
                NamedEntity(
                    a.start,
                    b.end,
                    raw_text[a.start : b.end],
                    kind,
                    s_index,
                    (first_token + first, first_token + stop),
                )
            )
        sentences.append(
            Sentence(
                index=s_index,
                start=tokens[first_token].start,
                end=tokens[-1].end,
                tokens=(first_token, len(tokens)),
                words=(first_word, len(words)),
            )
        )
    return Analysis(
        raw_text, "stanza", tuple(sentences), tuple(tokens), tuple(words), tuple(entities)
    )
