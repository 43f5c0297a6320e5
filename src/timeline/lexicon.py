"""Loads the Arabic word lists in ``data/ar/`` into one lookup table.

Every spelling is normalised the same way as article text and expanded with the
proclitics news text glues onto words (و، ف، ب، ل، ك and their pairs), so that
recognition is a single dictionary lookup per token. Multi-word entries
(تشرين الأول، أول أمس، خمسة وعشرين) are keyed by their first token.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from timeline.normalize import normalize

_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
# Classes whose words never carry a proclitic (one-letter markers, the bare article).
_NO_CLITICS = {"AND", "DEF", "ERA_G", "ERA_H"}


@dataclass(frozen=True, slots=True)
class Lex:
    """One reading of a word: its grammar class and the value rules read from it."""

    cls: str
    value: Any
    number: str | None = None  # units: singular, dual, plural
    definite: bool = False
    ambiguous: bool = False


@dataclass(frozen=True, eq=False)  # hashed by identity: one lexicon per process
class Lexicon:
    single: dict[str, tuple[Lex, ...]]
    multi: dict[str, tuple[tuple[tuple[str, ...], tuple[Lex, ...]], ...]]
    # How many leading letters of a form are a proclitic that stays outside an
    # extent (والجمعة → الجمعة); ل fused with ال (للعام) cannot be split off.
    proclitic: dict[str, int]

    def lookup(self, token: str) -> tuple[Lex, ...]:
        return self.single.get(token, ())


def norm(form: str) -> str:
    """The matching form of a spelling from a data file."""
    return normalize(form).text.strip()


def clitic_forms(word: str) -> list[str]:
    """``word`` with every proclitic combination news text puts before it."""
    return [form for form, _ in _with_proclitics(word)]


def _with_proclitics(word: str) -> list[tuple[str, int]]:
    """(form, length of the detachable proclitic) for every proclitic combination."""
    out = []
    for conj in _CONJ:
        for prep in _PREP:
            if prep == "ل" and word.startswith("ال"):
                out.append((conj + "لل" + word[2:], len(conj)))  # ل + ال is spelled لل
            else:
                out.append((conj + prep + word, len(conj) + len(prep)))
    return out


def read_data(name: str) -> Any:
    """Parse one YAML file of the package's ``data/ar`` folder."""
    path = resources.files("timeline").joinpath("data", "ar", name)
    return yaml.safe_load(path.read_text("utf-8"))


def _entries() -> list[tuple[str, Lex]]:
    """Every (spelling, reading) pair from the data files."""
    out: list[tuple[str, Lex]] = []
    months = read_data("months.yaml")
    ambiguous = {norm(w) for w in months["ambiguous"]}
    for spellings in months["gregorian"].values():
        for month, forms in spellings.items():
            for f in forms:
                amb = norm(f) in ambiguous
                out.append((f, Lex("MONTH_AMB" if amb else "MONTH", int(month), ambiguous=amb)))
    for month, forms in months["hijri"].items():
        for f in forms:
            amb = norm(f) in ambiguous
            out.append((f, Lex("HMONTH_AMB" if amb else "HMONTH", int(month), ambiguous=amb)))
    for day, forms in read_data("weekdays.yaml")["weekdays"].items():
        out.extend((f, Lex("WEEKDAY", int(day))) for f in forms)
    for unit, numbers in read_data("units.yaml")["units"].items():
        for number, forms in numbers.items():
            for f in forms:
                lex = Lex("UNIT", unit, number=number, definite=norm(f).startswith("ال"))
                out.append((f, lex))
    out.extend(_number_entries(read_data("numbers.yaml")))
    for cls, items in read_data("words.yaml").items():
        for item in items:
            out.extend((f, Lex(cls, item["value"])) for f in item["forms"])
    return out


def _number_entries(data: dict) -> list[tuple[str, Lex]]:
    out: list[tuple[str, Lex]] = []

    def add(cls: str, value: int, forms: list[str]) -> None:
        out.extend((f, Lex(cls, value)) for f in forms)

    for value, forms in data["cardinal"].items():
        add("NUM", value, forms + [f"ال{f}" for f in forms if " " not in f])
    for value, forms in data["tens"].items():
        add("NUM", value, forms + [f"ال{f}" for f in forms])
        for unit, unit_forms in data["compound_units"].items():
            # خمسة وعشرين: the tens word carries the conjunction
            add("NUM", value + unit, [f"{u} و{t}" for u in unit_forms for t in forms])
    for unit, unit_forms in data["teen_units"].items():
        add("NUM", 10 + unit, [f"{u} {t}" for u in unit_forms for t in data["teen_tens"]])
    for value, forms in data["ordinal"].items():
        add("ORD", value, forms)
    for unit, unit_forms in data["ordinal_compound_units"].items():
        teens = [f"{u} عشر" for u in unit_forms] + [f"{u} عشرة" for u in unit_forms]
        add("ORD", 10 + unit, teens)
    for value, forms in data["ordinal_tens"].items():
        add("ORD", value, forms)
        for unit, unit_forms in data["ordinal_compound_units"].items():
            add("ORD", value + unit, [f"{u} و{t}" for u in unit_forms for t in forms])
    for value, forms in data["decades"].items():
        add("DECADE", value, forms)
    return out


@cache
def load() -> Lexicon:
    """The lexicon built from the package data (cached: built once per process)."""
    single: dict[str, list[Lex]] = defaultdict(list)
    multi: dict[str, list[tuple[tuple[str, ...], Lex]]] = defaultdict(list)
    proclitic: dict[str, int] = {}
    for form, lex in _entries():
        words = tuple(norm(form).split())
        firsts = [(words[0], 0)] if lex.cls in _NO_CLITICS else _with_proclitics(words[0])
        for first, lead in firsts:
            if lead:
                proclitic.setdefault(first, lead)
            if len(words) == 1:
                if lex not in single[first]:
                    single[first].append(lex)
            else:
                multi[first].append(((first, *words[1:]), lex))
    grouped: dict[str, dict[tuple[str, ...], list[Lex]]] = defaultdict(dict)
    for first, items in multi.items():
        for words, lex in items:
            grouped[first].setdefault(words, [])
            if lex not in grouped[first][words]:
                grouped[first][words].append(lex)
    return Lexicon(
        single={k: tuple(v) for k, v in single.items()},
        multi={
            first: tuple(
                sorted(
                    ((w, tuple(lexes)) for w, lexes in by_words.items()), key=lambda x: -len(x[0])
                )
            )
            for first, by_words in grouped.items()
        },
        proclitic=proclitic,
    )
