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
    "FROM", "TO", "BETWEEN", "AND", "DEF", "NEXTWORD", "THAT",
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


# What the recogniser needs to know of a pattern beyond its regex, to skip rules
# cheaply: the classes a match can start with (FIRST), whether it can match
# nothing, the classes it can match as a single token, and the pairs of classes
# its first two tokens can have. Lookaheads count as matching nothing (so the
# sets can only be too large, never too small).
_Lang = tuple[str, set[str], bool, set[str], set[tuple[str, str]]]


class _Compiler:
    """Recursive-descent translation of one pattern, tracking its FIRST set (and the
    single classes and first pairs of classes it can match, see _Lang)."""

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
        regex = "|".join(p[0] for p in parts)
        return (
            regex,
            set().union(*(p[1] for p in parts)),
            any(p[2] for p in parts),
            set().union(*(p[3] for p in parts)),
            set().union(*(p[4] for p in parts)),
        )

    def sequence(self) -> _Lang:
        regex, first, nullable = "", set(), True
        singles: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        while (tok := self.peek()) is not None and tok not in (("op", "|"), ("op", ")")):
            item, item_first, item_nullable, item_singles, item_pairs = self.item()
            regex += item
            # a word of the sequence so far, then one of the item
            pairs |= {(a, b) for a in singles for b in item_first}
            if nullable:
                pairs |= item_pairs
            singles = (singles if item_nullable else set()) | (item_singles if nullable else set())
            if nullable:
                first |= item_first
            nullable = nullable and item_nullable
        return regex, first, nullable, singles, pairs

    def item(self) -> _Lang:
        kind, text = self.take()
        if kind == "op" and text in "&!":
            if self.take() != ("op", "("):
                raise GrammarError(f"'{text}' must be followed by '('")
            inner = self.alternation()[0]
            self.take()
            return ("(?=" if text == "&" else "(?!") + inner + ")", set(), True, set(), set()
        name = None
        if kind == "name":
            name = text
            kind, text = self.take()
        if kind == "op" and text == "(":
            atom, first, nullable, singles, pairs = self.alternation()
            if self.take() != ("op", ")"):
                raise GrammarError("unbalanced parentheses")
            atom = f"(?:{atom})"
        elif kind == "cls" and text in self.macros:
            sub = _Compiler(self.macros[text], self.macros)
            inner, first, nullable, singles, pairs = sub.alternation()
            atom = f"(?:{inner})"
        elif kind == "cls" and text in LETTER:
            atom, first, nullable = f"(?:<[^>]*{LETTER[text]}[^>]*>)", {text}, False
            singles, pairs = {text}, set()
        else:
            raise GrammarError(f"unknown class or macro {text!r}")
        if name:
            atom = f"(?P<{name}>{atom})"
        if (q := self.peek()) is not None and q[0] == "op" and q[1] in "?*+":
            self.take()
            atom += q[1]
            nullable = nullable or q[1] in "?*"
            if q[1] in "*+":  # two words in a row
                pairs = pairs | {(a, b) for a in singles for b in first}
        return atom, first, nullable, singles, pairs


def _compile(pattern: str, macros: dict[str, str]) -> _Lang:
    c = _Compiler(pattern, macros)
    lang = c.alternation()
    if c.i != len(c.tokens):
        raise GrammarError(f"unexpected {c.tokens[c.i][1]!r}")
    if lang[2]:
        raise GrammarError("pattern can match nothing")
    return lang


def compile_pattern(pattern: str, macros: dict[str, str]) -> tuple[re.Pattern[str], frozenset[str]]:
    """Compile a pattern to a regex over token renderings, plus its FIRST set."""
    regex, first, *_ = _compile(pattern, macros)
    return re.compile(regex), frozenset(first)


def pattern_openings(
    pattern: str, macros: dict[str, str]
) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The classes a match of ``pattern`` can be one token of, and the pairs of
    classes its first two tokens can have (lookaheads ignored: a superset)."""
    _, _, _, singles, pairs = _compile(pattern, macros)
    return frozenset(singles), frozenset(pairs)


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
def rule_openings() -> dict[int, tuple[frozenset[str], frozenset[tuple[str, str]]]]:
    """Every rule's :func:`pattern_openings`, by its order.

    A rule can match at a token only if one of its classes is a single class of
    the rule, or one of its classes and one of the next token's make a pair: the
    recogniser tries a rule's regex only then.
    """
    macros = _read("macros.yaml")
    return {
        rule.order: pattern_openings(rule.pattern, macros)
        for fam in families()
        for rule in fam.rules
    }
