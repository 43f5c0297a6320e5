"""References that are no event of their own: agreements in force (data/ar/references.yaml)
and topics of a comment or a source (data/ar/topics.yaml), with their examples and negatives."""

from __future__ import annotations

import pytest

from timeline.events.mentions import in_force, is_topic
from timeline.events.triggers import find_triggers
from timeline.lexicon import read_data
from timeline.temporal.recognize import analyse

FAMILIES = {"references.yaml": in_force, "topics.yaml": is_topic}


def _trigger(case):
    norm, tokens = analyse(case["text"])
    (trigger,) = [t for t in find_triggers(norm, tokens) if t.text == case["trigger"]]
    return tokens, trigger


def _cases(kind: str):
    for name, predicate in FAMILIES.items():
        for i, case in enumerate(read_data(name)[kind]):
            yield pytest.param(predicate, case, id=f"{name}-{kind}-{i}")


@pytest.mark.parametrize(("predicate", "case"), list(_cases("examples")))
def test_example(predicate, case):
    assert predicate(*_trigger(case)), case["text"]


@pytest.mark.parametrize(("predicate", "case"), list(_cases("negatives")))
def test_negative(predicate, case):
    assert not predicate(*_trigger(case)), case["text"]
