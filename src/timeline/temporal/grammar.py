"""The rule language: token-class patterns compiled to regular expressions.

A pattern is a sequence of word classes from the lexicon (``MONTH``, ``DIGITS``,
``PAST`` ...) with ``?``, ``*``, ``+``, ``|`` and parentheses, ``name:`` to
capture what follows, ``&(...)``/``!(...)`` to look ahead without consuming,
and macros (upper-case names defined in ``rules/macros.yaml``). Each token of
an article is rendered as ``<`` + one letter per class it belongs to + ``>``, so
a class compiles to "a token whose letters include this one" and the whole
rule is an ordinary ``re`` pattern over that rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import NamedTuple

import yaml

# Classes that come from the shape of a token rather than from the word lists.
SHAPE_CLASSES = (
    "DIGITS", "YEAR4", "DAYNUM", "SLASH", "DASH", "DOT", "COLON", "COMMA", "LPAR", "RPAR",
)  # fmt: skip
WORD_CLASSES = (
    "MONTH", "MONTH_AMB", "HMONTH", "HMONTH_AMB", "WEEKDAY", "UNIT", "NUM", "ORD", "DECADE",
    "DEICTIC", "TONIGHT", "PAST", "FUTURE", "CURRENT", "THIS", "VAGUE", "BOUND", "APPROX",
    "LESSMORE", "FEW", "FEWPOST", "POD", "CLOCK", "EACH", "SETWORD", "DAYWORD", "MONTHWORD",
    "YEARWORD", "CENTURYWORD", "ERA_G", "ERA_H", "AGO", "AFTER", "SINCE", "DURPREP", "IN",
    "FROM", "TO", "BETWEEN", "AND", "DEF", "NEXTWORD", "THAT", "SOON",
)  # fmt: skip
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
LETTER = dict(zip(SHAPE_CLASSES + WORD_CLASSES, _LETTERS, strict=False))
assert len(LETTER) == len(SHAPE_CLASSES) + len(WORD_CLASSES), "not enough class letters"

_DSL_TOKEN = re.compile(
    r"\s*(?:(?P<name>[a-z_][a-z0-9_]*):|(?P<cls>[A-Z][A-Z0-9_]*)|(?P<op>[()|?*+&!]))"
)


class GrammarError(ValueError):
    """A rule pattern that does not compile; the message names the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    kind: str
    pattern: str
    regex: re.Pattern[str]
    first: frozenset[str]  # classes a match can start with
    order: int  # priority: earlier rules win ties
    params: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Family:
    name: str
    rules: tuple[Rule, ...]
    examples: tuple[dict, ...]
    negatives: tuple[str, ...]
    dct: str | None = None  # the anchor the examples are written for


class _Lang(NamedTuple):
    """A pattern's regex and what the recogniser needs to know of it to skip work.

    Lookaheads count as matching nothing for ``first``, ``singles`` and ``pairs``
    (so those sets can only be too large, never too small) and as tokens read
    for ``reach``.
    """

    regex: str
    first: set[str]  # the classes a match can start with (FIRST)
    nullable: bool  # whether it can match nothing
    singles: set[str]  # the classes it can match as a single token
    pairs: set[tuple[str, str]]  # the classes its first two tokens can have
    reach: int | None  # the most tokens any attempt looks at (None: no bound)


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


class _Compiler:
    """Recursive-descent translation of one pattern, tracking its FIRST set (and the
    rest of _Lang)."""

    def __init__(self, text: str, macros: dict[str, str]):
        self.tokens = self._lex(text)
        self.i = 0
        self.macros = macros

    @staticmethod
    def _lex(text: str) -> list[tuple[str, str]]:
        out, pos = [], 0
        text = text.rstrip()
        while pos < len(text):
            m = _DSL_TOKEN.match(text, pos)
            if not m:
                raise GrammarError(f"cannot read pattern at {text[pos:]!r}")
            kind = m.lastgroup
            out.append((kind, m.group(kind)))
            pos = m.end()
        return out

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def alternation(self) -> _Lang:
        parts = [self.sequence()]
        while self.peek() == ("op", "|"):
            self.take()
            parts.append(self.sequence())
        reaches = [p.reach for p in parts]
        return _Lang(
            "|".join(p.regex for p in parts),
            set().union(*(p.first for p in parts)),
            any(p.nullable for p in parts),
            set().union(*(p.singles for p in parts)),
            set().union(*(p.pairs for p in parts)),
            None if None in reaches else max(reaches),
        )

    def sequence(self) -> _Lang:
        regex, first, nullable = "", set(), True
        singles: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        reach: int | None = 0
        while (tok := self.peek()) is not None and tok not in (("op", "|"), ("op", ")")):
            item = self.item()
            regex += item.regex
            # a word of the sequence so far, then one of the item
            pairs |= {(a, b) for a in singles for b in item.first}
            if nullable:
                pairs |= item.pairs
            singles = (singles if item.nullable else set()) | (item.singles if nullable else set())
            if nullable:
                first |= item.first
            nullable = nullable and item.nullable
            reach = _add(reach, item.reach)
        return _Lang(regex, first, nullable, singles, pairs, reach)

    def item(self) -> _Lang:
        kind, text = self.take()
        if kind == "op" and text in "&!":
            if self.take() != ("op", "("):
                raise GrammarError(f"'{text}' must be followed by '('")
            inner = self.alternation()
            self.take()
            regex = ("(?=" if text == "&" else "(?!") + inner.regex + ")"
            return _Lang(regex, set(), True, set(), set(), inner.reach)
        name = None
        if kind == "name":
            name = text
            kind, text = self.take()
        if kind == "op" and text == "(":
            lang = self.alternation()
            if self.take() != ("op", ")"):
                raise GrammarError("unbalanced parentheses")
            lang = lang._replace(regex=f"(?:{lang.regex})")
        elif kind == "cls" and text in self.macros:
            lang = _Compiler(self.macros[text], self.macros).alternation()
            lang = lang._replace(regex=f"(?:{lang.regex})")
        elif kind == "cls" and text in LETTER:
            lang = _Lang(f"(?:<[^>]*{LETTER[text]}[^>]*>)", {text}, False, {text}, set(), 1)
        else:
            raise GrammarError(f"unknown class or macro {text!r}")
        if name:
            lang = lang._replace(regex=f"(?P<{name}>{lang.regex})")
        if (q := self.peek()) is not None and q[0] == "op" and q[1] in "?*+":
            self.take()
            lang = lang._replace(regex=lang.regex + q[1], nullable=lang.nullable or q[1] in "?*")
            if q[1] in "*+":  # two words in a row, and no bound on the tokens read
                pairs = lang.pairs | {(a, b) for a in lang.singles for b in lang.first}
                lang = lang._replace(pairs=pairs, reach=None)
        return lang


def _compile(pattern: str, macros: dict[str, str]) -> _Lang:
    c = _Compiler(pattern, macros)
    lang = c.alternation()
    if c.i != len(c.tokens):
        raise GrammarError(f"unexpected {c.tokens[c.i][1]!r}")
    if lang.nullable:
        raise GrammarError("pattern can match nothing")
    return lang


def compile_pattern(pattern: str, macros: dict[str, str]) -> tuple[re.Pattern[str], frozenset[str]]:
    """Compile a pattern to a regex over token renderings, plus its FIRST set."""
    lang = _compile(pattern, macros)
    return re.compile(lang.regex), frozenset(lang.first)


class Openings(NamedTuple):
    """How a rule's matches can begin, and how far an attempt can look."""

    singles: frozenset[str]  # the classes a match can be one token of
    pairs: frozenset[tuple[str, str]]  # the classes its first two tokens can have
    reach: int | None  # the most tokens (items) an attempt reads; None: no bound


def pattern_openings(pattern: str, macros: dict[str, str]) -> Openings:
    """How a match of ``pattern`` can begin (lookaheads ignored: supersets), and the
    most tokens an attempt to match it can look at (lookaheads counted)."""
    lang = _compile(pattern, macros)
    return Openings(frozenset(lang.singles), frozenset(lang.pairs), lang.reach)


def _read(name: str) -> dict:
    path = resources.files("timeline").joinpath("data", "ar", "rules", name)
    return yaml.safe_load(path.read_text("utf-8"))


@cache
def families() -> tuple[Family, ...]:
    """Every rule family in ``data/ar/rules``, in priority order."""
    macros = _read("macros.yaml")
    index = _read("index.yaml")
    out = []
    order = 0
    for name in index["families"]:
        data = _read(f"{name}.yaml")
        rules = []
        for spec in data["rules"]:
            try:
                regex, first = compile_pattern(spec["pattern"], macros)
            except GrammarError as exc:
                raise GrammarError(f"rule {spec['id']}: {exc}") from None
            params = {k: v for k, v in spec.items() if k not in ("id", "kind", "pattern")}
            rule = Rule(
                spec["id"], name, spec["kind"], spec["pattern"], regex, first, order, params
            )
            rules.append(rule)
            order += 1
        out.append(
            Family(
                name,
                tuple(rules),
                tuple(data.get("examples", ())),
                tuple(data.get("negatives", ())),
                str(data.get("dct")) if data.get("dct") else None,
            )
        )
    return tuple(out)


@cache
def rules_by_first() -> dict[str, tuple[Rule, ...]]:
    """Rules indexed by the classes they can start with, each list in priority order."""
    table: dict[str, list[Rule]] = {}
    for fam in families():
        for rule in fam.rules:
            for cls in rule.first:
                table.setdefault(cls, []).append(rule)
    return {cls: tuple(rules) for cls, rules in table.items()}


@cache
def rule_openings() -> dict[int, Openings]:
    """Every rule's :func:`pattern_openings`, by its order.

    A rule can match at a token only if one of its classes is a single class of
    the rule, or one of its classes and one of the next token's make a pair: the
    recogniser tries a rule's regex only then. What an attempt finds depends on
    the ``reach`` tokens from where it starts and on nothing further.
    """
    macros = _read("macros.yaml")
    return {
        rule.order: pattern_openings(rule.pattern, macros)
        for fam in families()
        for rule in fam.rules
    }
