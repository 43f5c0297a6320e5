"""Analysis backends: what a linguistic analyser may tell the event layer.

The rule pipeline needs no backend: its own tokens, lexicons and gazetteers do
everything, and ``backend="rules"`` (the default) gives results that never
depend on which models a machine has. An optional backend (stanza) adds an
:class:`Analysis` of the article: sentences, tokens, syntactic words with
lemma, UPOS and dependency head, and named-entity spans. The event layer
(:mod:`timeline.events.backend_hooks`) uses it where it says something and
keeps the rules everywhere else.

Every offset in an :class:`Analysis` is a Python ``str`` offset into the raw
article text exactly as given (``raw[start:end] == token.text``), like every
other span of the pipeline.

Nothing here imports stanza or torch: the stanza backend imports them when it
is first asked to analyse (or to check for its package).

>>> backend = get_backend("rules")
>>> backend.name, backend.analyse("التقى الوزيران أمس") is None
('rules', True)
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = [
    "BACKENDS",
    "PROCESSORS",
    "Analysis",
    "Backend",
    "BackendUnavailable",
    "NamedEntity",
    "RulesBackend",
    "Sentence",
    "Token",
    "Word",
    "get_backend",
    "missing_models",
    "resources_dir",
    "stanza_importable",
]

BACKENDS = ("rules", "auto", "stanza")
"""The names :func:`get_backend` accepts."""

PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
"""The stanza processors the backend runs (and ``timeline models install`` fetches)."""

LANG = "ar"


@dataclass(frozen=True, slots=True)
class Token:
    """A surface token: a span of the raw text, possibly several syntactic words.

    ``words`` is the range ``[first, end)`` of its words in :attr:`Analysis.words`;
    an Arabic token such as والتقى or للعراق holds a clitic and its host.
    """

    index: int
    start: int
    end: int
    text: str  # raw[start:end], always
    sentence: int
    words: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Word:
    """A syntactic word with its annotation.

    A word of a multi-word token (و + التقى) has no span of its own in the raw
    text: ``start``/``end`` are those of its token (``token``). ``text`` is the
    word's form as the analyser gives it (ل + العراق: the article is restored),
    which need not be a substring of the raw text. ``head`` is the index of its
    syntactic head in :attr:`Analysis.words`, ``-1`` for the root.
    """

    index: int
    text: str
    lemma: str | None
    upos: str | None
    head: int
    deprel: str | None
    token: int
    sentence: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NamedEntity:
    """A named-entity span (PER, LOC, ORG, MISC …) over whole tokens, in raw offsets."""

    start: int
    end: int
    text: str  # raw[start:end]
    type: str
    sentence: int
    tokens: tuple[int, int]  # [first, end) in Analysis.tokens


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its raw span and the ranges of its tokens and words."""

    index: int
    start: int
    end: int
    tokens: tuple[int, int]
    words: tuple[int, int]


@dataclass(frozen=True)
class Analysis:
    """One text as a backend analysed it; all offsets index ``text`` (the raw text)."""

    text: str
    backend: str
    sentences: tuple[Sentence, ...]
    tokens: tuple[Token, ...]
    words: tuple[Word, ...]
    entities: tuple[NamedEntity, ...]

    def words_in(self, start: int, end: int) -> list[Word]:
        """The words whose token overlaps the raw span ``[start, end)``, in order."""
        return [w for w in self.words if w.start < end and start < w.end]

    def ancestors(self, word: Word) -> Iterator[Word]:
        """The heads above ``word``, nearest first, up to the root of its sentence."""
        seen = {word.index}
        head = word.head
        while head >= 0 and head not in seen:
            seen.add(head)
            above = self.words[head]
            if above.sentence != word.sentence:
                return
            yield above
            head = above.head


@runtime_checkable
class Backend(Protocol):
    """What the pipeline asks of an analysis backend."""

    name: str

    def analyse(self, text: str) -> Analysis | None:
        """The analysis of one raw text, or ``None`` when the rules do everything."""
        ...

    def available(self) -> bool:
        """Whether the backend can run on this machine (package and models present)."""
        ...


class BackendUnavailable(ValueError):
    """The requested backend cannot run here; the message names the fix.

    A ``ValueError`` (the backend value given cannot be used), so the command line
    reports it like any other bad option value.
    """


@dataclass(frozen=True)
class RulesBackend:
    """The built-in rule layers: no analysis, nothing to download."""

    name: str = "rules"

    def analyse(self, text: str) -> Analysis | None:
        return None

    def available(self) -> bool:
        return True


def stanza_importable() -> bool:
    """Whether the ``stanza`` package is installed (without importing it)."""
    return importlib.util.find_spec("stanza") is not None


def resources_dir(model_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where stanza's models live: ``model_dir``, else stanza's standard resources folder.

    The standard folder is ``$STANZA_RESOURCES_DIR`` when set, else stanza's own
    default (``stanza.resources.common.DEFAULT_MODEL_DIR``, which needs importing
    stanza, so it is only looked up when stanza is installed).
    """
    if model_dir is not None:
        return Path(model_dir).expanduser()
    env = os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env).expanduser()
    if stanza_importable():
        from stanza.resources.common import DEFAULT_MODEL_DIR

        return Path(DEFAULT_MODEL_DIR)
    return Path.home() / "stanza_resources"


def missing_models(model_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """What of the Arabic models is missing from the resources folder (empty: all there).

    Stanza keeps ``resources.json`` at the top and each processor's model as
    ``<dir>/ar/<processor>/<package>.pt``.
    """
    root = resources_dir(model_dir)
    missing = [] if (root / "resources.json").is_file() else ["resources.json"]
    for processor in PROCESSORS:
        folder = root / LANG / processor
        if not (folder.is_dir() and any(folder.glob("*.pt"))):
            missing.append(f"{LANG}/{processor}")
    return missing


def get_backend(name: str = "rules", *, model_dir: str | os.PathLike[str] | None = None) -> Backend:
    """The backend called ``name``: ``"rules"``, ``"stanza"`` or ``"auto"``.

    ``"auto"`` is stanza when the package and its Arabic models are installed,
    the rules otherwise. ``"stanza"`` without them raises
    :class:`BackendUnavailable` naming the fix. ``model_dir`` overrides stanza's
    resources folder (see :func:`resources_dir`).
    """
    if name == "rules":
        return RulesBackend()
    if name not in BACKENDS:
        raise BackendUnavailable(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if not stanza_importable():
        if name == "auto":
            return RulesBackend()
        raise BackendUnavailable(
            'the stanza backend needs the stanza package: pip install "timeline[stanza]" '
            "(install torch first; see docs/stanza.md), then run `timeline models install`"
        )
    missing = missing_models(model_dir)
    if missing:
        if name == "auto":
            return RulesBackend()
        root = resources_dir(model_dir)
        where = f" --dir {root}" if model_dir is not None else ""
        raise BackendUnavailable(
            f"stanza's Arabic models are not installed in {root} (missing: "
            f"{', '.join(missing)}); run `timeline models install{where}` to download them"
        )
    from timeline.backends.stanza_backend import StanzaBackend

    return StanzaBackend(resources_dir(model_dir))
