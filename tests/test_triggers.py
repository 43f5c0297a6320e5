"""Event triggers: every example and negative of events.yaml, and the seed gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline.corpus import read_corpus
from timeline.events.triggers import _lexicon, event_types, find_triggers, trigger_codes
from timeline.lexicon import read_data
from timeline.model import Trigger
from timeline.temporal.recognize import analyse

ROOT = Path(__file__).resolve().parents[1]
DATA = read_data("events.yaml")


def triggers(text: str) -> list[Trigger]:
    return find_triggers(*analyse(text))


def _cases(kind: str):
    for name, block in DATA["types"].items():
        for i, case in enumerate(block.get(kind, ())):
            yield pytest.param(name, case, id=f"{name}-{kind}-{i}")


@pytest.mark.parametrize(("etype", "case"), list(_cases("examples")))
def test_example(etype, case):
    found = triggers(case["text"])
    got = [(t.text, t.event_type) for t in found]
    assert (case["trigger"], etype) in got, f"{case['text']!r}: got {got}"


@pytest.mark.parametrize(("etype", "case"), list(_cases("negatives")))
def test_negative(etype, case):
    found = [(t.text, t.lemma) for t in triggers(case) if t.event_type == etype]
    assert not found, f"{case!r} wrongly gave {found}"


def test_every_type_has_examples_and_negatives():
    for name, block in DATA["types"].items():
        assert block.get("examples") and block.get("negatives"), name


def test_no_form_has_two_types():
    clashes = {
        form: {e.event_type for e in entries}
        for form, entries in _lexicon().entries.items()
        if len({e.event_type for e in entries}) > 1
    }
    assert not clashes


def test_taxonomy_codes():
    types = event_types()
    assert (types["MEET"].plover, types["MEET"].cameo) == ("CONSULT", "04")
    assert (types["ATTACK"].plover, types["ATTACK"].cameo) == ("ASSAULT", "19")
    assert (types["AGREE"].plover, types["AGREE"].cameo) == ("AGREE", "03")
    signing = next(t for t in triggers("وقعت الدولتان اتفاقية للتعاون") if t.lemma == "وقع")
    assert trigger_codes(signing) == ("SUPPORT", "057")
    agreed = triggers("اتفق الطرفان على تشكيل مجموعة عمل")[0]
    assert trigger_codes(agreed) == ("AGREE", "03")


def test_spans_are_raw_offsets_with_clitics_and_marks():
    text = "الهجوم الذي شنّته إيران، وعُقد الاجتماع؛ فالتقى الوزيران"
    found = triggers(text)
    assert [t.text for t in found] == ["الهجوم", "شنّته", "الاجتماع", "فالتقى"]
    assert all(text[t.start : t.end] == t.text for t in found)
    assert [t.pos for t in found] == ["noun", "verb", "noun", "verb"]


def test_one_trigger_per_token_and_text_order():
    found = triggers("تلقى الرئيس اتصالا هاتفيا من نظيره ثم اجتمعا")
    assert [t.text for t in found] == ["اتصالا هاتفيا", "اجتمعا"]
    assert found[0].start < found[1].start


def seed_articles():
    """(article, gold events) for the seed articles that have gold."""
    out = []
    for article, _ in read_corpus(ROOT / "data" / "raw"):
        gold = ROOT / "tests" / "gold" / f"{article.id}.json" if article else None
        if gold is not None and gold.exists():
            out.append((article, json.loads(gold.read_text("utf-8"))["events"]))
    return out


def _overlaps(trigger: Trigger, event: dict) -> bool:
    span = event["trigger"]
    return trigger.start < span["end"] and span["start"] < trigger.end


def test_seed_recall_and_precision():
    required = found_required = predicted = matched = 0
    for article, events in seed_articles():
        found = triggers(article.text)
        assert all(article.text[t.start : t.end] == t.text for t in found)
        predicted += len(found)
        matched += sum(
            any(_overlaps(t, e) and e["type"] == t.event_type for e in events) for t in found
        )
        for event in events:
            if not event["optional"]:
                required += 1
                found_required += any(
                    _overlaps(t, event) and t.event_type == event["type"] for t in found
                )
    recall = found_required / required
    precision = matched / predicted
    print(
        f"\ntrigger recall (required) {recall:.3f} ({found_required}/{required}); "
        f"precision vs all gold {precision:.3f} ({matched}/{predicted})"
    )
    assert recall >= 0.9
