"""Every rule family's examples and negatives, as they stand in its data file."""

from __future__ import annotations

from datetime import date

import pytest

from timeline.temporal import find_timexes
from timeline.temporal.grammar import families


def _cases(kind: str):
    for fam in families():
        for i, case in enumerate(getattr(fam, kind)):
            yield pytest.param(fam, case, id=f"{fam.name}-{i}")


def _dct(fam, case) -> date:
    value = case.get("dct") if isinstance(case, dict) else None
    value = value or fam.dct
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@pytest.mark.parametrize(("fam", "case"), list(_cases("examples")))
def test_example(fam, case):
    expected = case.get("expect") or [case]
    found = find_timexes(case["in"], _dct(fam, case))
    got = [(t.text, t.value, t.type, t.mod) for t in found]
    want = [(e["text"], str(e["value"]), e.get("type", "DATE"), e.get("mod")) for e in expected]
    assert got == want, f"{case['in']!r}: rules {[t.rule_id for t in found]}"


@pytest.mark.parametrize(("fam", "case"), list(_cases("negatives")))
def test_negative(fam, case):
    found = find_timexes(case, _dct(fam, {}))
    assert not found, f"{case!r} wrongly gave {[(t.text, t.value, t.rule_id) for t in found]}"


def test_every_family_has_examples_and_negatives():
    for fam in families():
        assert fam.examples, fam.name
        assert fam.negatives, fam.name


def _tense_cases(kind: str):
    from timeline.lexicon import read_data

    for i, case in enumerate(read_data("tense.yaml")[kind]):
        yield pytest.param(case, id=f"tense-{kind}-{i}")


@pytest.mark.parametrize("case", list(_tense_cases("examples")))
def test_tense_example(case):
    from timeline.temporal.recognize import analyse, recognise
    from timeline.temporal.tense import clause_tense

    norm, tokens = analyse(case["text"])
    (found,) = recognise(norm, tokens)
    assert clause_tense(tokens, found.tok_start, found.tok_end) == case["tense"]


@pytest.mark.parametrize("case", list(_tense_cases("negatives")))
def test_tense_negative(case):
    from timeline.temporal.recognize import analyse, recognise
    from timeline.temporal.tense import clause_tense

    norm, tokens = analyse(case)
    for found in recognise(norm, tokens):
        assert clause_tense(tokens, found.tok_start, found.tok_end) == "past"
