"""References that are no event of their own: agreements in force (data/ar/references.yaml)
and topics of a comment or a source (data/ar/topics.yaml), with their examples and negatives."""

from __future__ import annotations

import pytest

from timeline.events.mentions import in_force, is_topic
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


TOPICS = read_data("topics.yaml")


@pytest.mark.parametrize("case", TOPICS["examples"])
def test_topic(case):
    assert is_topic(*_trigger(case))


@pytest.mark.parametrize("case", TOPICS["negatives"])
def test_not_topic(case):
    assert not is_topic(*_trigger(case))
