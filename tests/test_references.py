"""Agreements in force: the examples and negatives of data/ar/references.yaml."""

from __future__ import annotations

import pytest

from timeline.events.mentions import in_force
from timeline.events.triggers import find_triggers
from timeline.lexicon import read_data
from timeline.temporal.recognize import analyse

DATA = read_data("references.yaml")


def _trigger(case):
    norm, tokens = analyse(case["text"])
    (trigger,) = [t for t in find_triggers(norm, tokens) if t.text == case["trigger"]]
    return tokens, trigger


@pytest.mark.parametrize("case", DATA["examples"])
def test_in_force(case):
    assert in_force(*_trigger(case))


@pytest.mark.parametrize("case", DATA["negatives"])
def test_not_in_force(case):
    assert not in_force(*_trigger(case))
