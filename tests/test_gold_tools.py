"""Gold authoring: ``timeline gold draft`` → ``timeline gold check``, and each check error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from timeline.cli import main
from timeline.cli_exit import ExitCode
from timeline.evaluate import load_gold
from timeline.gold import check_gold, draft_gold, is_timex_value

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"


def test_the_dev_gold_checks_clean():
    assert check_gold(GOLD, RAW) == []


def test_draft_then_check_round_trip(tmp_path, capsys):
    out = tmp_path / "gold" / "seed-000.json"
    assert main(["gold", "draft", str(RAW), "seed-000", "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["draft"] is True
    assert list(doc) == ["article_id", "published", "draft", "timexes", "events", "sentences"]
    assert doc["timexes"] and doc["events"] and doc["sentences"]
    assert load_gold(out.parent)["seed-000"].draft  # the scorer reads it
    capsys.readouterr()
    assert main(["gold", "check", str(out.parent), "--raw", str(RAW)]) == 0
    report = capsys.readouterr().out
    assert "0 error(s), 1 warning(s)" in report and "(draft) [warning]" in report
    assert main(["gold", "check", str(out.parent), "--raw", str(RAW), "--strict"]) == 1


def test_draft_refuses_to_overwrite_and_names_unknown_articles(tmp_path, capsys):
    out = tmp_path / "g.json"
    out.write_text("{}", encoding="utf-8")
    assert main(["gold", "draft", str(RAW), "seed-000", "-o", str(out)]) == ExitCode.CANNOT_WRITE
    assert "exists" in capsys.readouterr().err
    with pytest.raises(KeyError, match="seed-000"):
        draft_gold(RAW, "no-such-article")


def test_draft_matches_its_predictions_and_clusters_across_articles():
    first, second = draft_gold(RAW, "seed-000"), draft_gold(RAW, "seed-001")
    shared = {e["cluster"] for e in first["events"]} & {e["cluster"] for e in second["events"]}
    assert shared  # the two reports of the same meetings share clusters


@pytest.fixture
def broken(tmp_path) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path / "gold"
    folder.mkdir()
    doc = json.loads((GOLD / "seed-000.json").read_text(encoding="utf-8"))
    return folder, doc


def _check(folder: Path, doc: dict[str, Any], name: str = "seed-000.json") -> list:
    (folder / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return [i for i in check_gold(folder, RAW) if i.severity == "error"]


def _one(issues: list, code: str) -> str:
    assert [i.code for i in issues] == [code], [str(i) for i in issues]
    return str(issues[0])


def test_offsets_that_do_not_match_the_text(broken):
    folder, doc = broken
    t = doc["timexes"][1]
    t["start"], t["end"] = t["start"] + 2, t["end"] + 2
    message = _one(_check(folder, doc), "offset_text")
    assert message.startswith('seed-000.json: timexes[1] "27 أبريل الماضي": span 263-278 holds')
    assert "is at 261-276" in message


def test_offsets_past_the_end(broken):
    folder, doc = broken
    doc["timexes"][0].update(start=99990, end=99995)
    assert "ends past the text" in _one(_check(folder, doc), "offset_range")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("value", "2021-04-31", "timex_value"), ("alt", ["next week"], "timex_alt"),
     ("mod", "ABOUT", "timex_mod")],
)  # fmt: skip
def test_malformed_timex3(broken, field, value, code):
    folder, doc = broken
    doc["timexes"][1][field] = value
    assert f"({code})" in _one(_check(folder, doc), code)


def test_event_problems(broken):
    folder, doc = broken
    doc["events"][1]["type"] = "PARTY"
    doc["events"][2]["date"]["value"] = "April"
    doc["events"][3]["id"] = doc["events"][4]["id"]
    issues = _check(folder, doc)
    codes = sorted(i.code for i in issues)
    assert "event_type" in codes and "event_date" in codes and "duplicate_id" in codes


def test_cluster_with_mixed_types(broken):
    folder, doc = broken
    agree = next(e for e in doc["events"] if e["type"] == "AGREE")
    meet = next(e for e in doc["events"] if e["type"] == "MEET" and e["status"] == "occurred")
    agree["cluster"] = meet["cluster"]
    message = _one(_check(folder, doc), "cluster_type")
    assert "mixes event types ['AGREE', 'MEET']" in message


def test_invalid_status_is_a_format_error_naming_the_item(broken):
    folder, doc = broken
    doc["events"][0]["status"] = "done"
    message = _one(_check(folder, doc), "format")
    assert message.startswith("seed-000.json: events[0].status: expected one of")


def test_duplicates_unknown_articles_dates_and_sentences(broken):
    folder, doc = broken
    doc["timexes"].append(dict(doc["timexes"][0]))
    doc["sentences"][2] = [100, 300]  # overlaps the one before
    doc["published"] = "2021-06-25"
    codes = sorted(i.code for i in _check(folder, doc))
    assert codes == ["duplicate_span", "published", "sentences"]
    doc = {"article_id": "nowhere", "timexes": [], "events": [], "sentences": []}
    folder = folder.parent / "other"
    folder.mkdir()
    assert "no usable article 'nowhere'" in _one(
        _check(folder, doc, "nowhere.json"), "unknown_article"
    )


def test_two_files_for_one_article(broken):
    folder, doc = broken
    shutil.copy(GOLD / "seed-000.json", folder / "copy.json")
    assert "also given by" in _one(_check(folder, doc), "duplicate_article")


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [("2021-W22", "DATE", True), ("PAST_REF", "DATE", True), ("19", "DATE", True),
     ("2024-04-13TNI", "TIME", True), ("2024-04-13T12:00", "TIME", True),
     ("P2M", "DURATION", True), ("PXDE", "DURATION", True), ("XXXX-WXX-5", "SET", True),
     ("2021-02-30", "DATE", False), ("P2M", "DATE", False), ("2024-04-13T25:00", "TIME", False),
     ("2021-W54", "DATE", False), ("yesterday", None, False)],
)  # fmt: skip
def test_timex3_values(value, kind, ok):
    assert is_timex_value(value, kind) is ok
