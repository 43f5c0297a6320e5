"""Mention status: every cue family's examples and negatives, and the seed gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline.corpus import read_corpus
from timeline.events.status import STATUSES, mention_status
from timeline.events.triggers import find_triggers
from timeline.lexicon import read_data
from timeline.temporal.recognize import analyse

ROOT = Path(__file__).resolve().parents[1]
DATA = read_data("status.yaml")


def status_of(text: str, trigger_text: str) -> str:
    norm, tokens = analyse(text)
    found = [t for t in find_triggers(norm, tokens) if t.text == trigger_text]
    assert found, f"no trigger {trigger_text!r} in {text!r}"
    return mention_status(tokens, found[0])


def _cases(kind: str):
    for family, block in DATA["families"].items():
        for i, case in enumerate(block.get(kind, ())):
            yield pytest.param(family, case, id=f"{family}-{kind}-{i}")


@pytest.mark.parametrize(("family", "case"), list(_cases("examples")))
def test_example(family, case):
    assert status_of(case["text"], case["trigger"]) == family, case["text"]


@pytest.mark.parametrize(("family", "case"), list(_cases("negatives")))
def test_negative(family, case):
    assert status_of(case["text"], case["trigger"]) != family, case["text"]


def test_every_family_has_examples_and_negatives():
    assert set(DATA["families"]) == set(STATUSES) - {"occurred"}
    for family, block in DATA["families"].items():
        assert block.get("examples") and block.get("negatives"), family


@pytest.mark.parametrize(
    ("text", "trigger", "status"),
    [
        ("وقبل الاجتماع مع أوبريان، قال نتنياهو إن التعاون وثيق", "الاجتماع", "occurred"),
        ("اقترح الوفد الإسرائيلي وضع إطار تعاون. وعقد الاجتماع الثاني أمس", "الاجتماع", "occurred"),
        ("وسيزور الرئيس القاهرة", "وسيزور", "planned"),
        ("يستقبل الرئيس اليوم وزير الخارجية", "يستقبل", "occurred"),
        ("إذا فشلت المفاوضات فإن الحرب قادمة", "المفاوضات", "hypothetical"),
        ("فشلت المفاوضات بين الطرفين", "المفاوضات", "occurred"),
    ],
)
def test_cases(text, trigger, status):
    assert status_of(text, trigger) == status


def _seed_articles():
    for article, _ in read_corpus(ROOT / "data" / "raw"):
        gold = ROOT / "tests" / "gold" / f"{article.id}.json" if article else None
        if gold is not None and gold.exists():
            yield article, json.loads(gold.read_text("utf-8"))["events"]


def test_seed_status_accuracy():
    right = total = 0
    for article, events in _seed_articles():
        norm, tokens = analyse(article.text)
        for trigger in find_triggers(norm, tokens):
            gold = [
                e
                for e in events
                if trigger.start < e["trigger"]["end"] and e["trigger"]["start"] < trigger.end
            ]
            if not gold:
                continue
            total += 1
            right += mention_status(tokens, trigger) == gold[0].get("status", "occurred")
    accuracy = right / total
    print(f"\nstatus accuracy on matched seed mentions {accuracy:.3f} ({right}/{total})")
    assert accuracy >= 0.85
