"""The pytest plugin on a temporary project: clean run, wrong prediction, broken gold, baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

# Inner runs are in-process and pytester forgets the modules they import: import the
# heavy ones (numpy cannot be loaded twice) here, before any inner run.
import timeline.corpus
import timeline.events.triggers
import timeline.gold
import timeline.pipeline
import timeline.regression.diff
import timeline.report  # noqa: F401

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "seed-004"  # one article keeps each inner run short

CONFIG = """
[tool.pytest.ini_options]
addopts = "-p no:cacheprovider"

[tool.timeline.regression]
raw = "raw"
gold = "gold"
{extra}

[tool.timeline.regression.thresholds]
timex_relaxed_F1 = 1.0
timex_value_F1 = 1.0
mention_date_acc = 1.0
timeline_F1 = 1.0
"""


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs load only our plugin (``run``), not every installed one: much faster."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An inner run with the plugin loaded by name (the entry point is tested apart)."""
    return pytester.runpytest("-p", "timeline.regression.plugin", *args)


@pytest.fixture
def project(pytester: pytest.Pytester, fast: None) -> pytest.Pytester:
    """A project with one raw article, its gold, and the plugin configured."""
    raw = pytester.path / "raw"
    raw.mkdir()
    lines = (ROOT / "data" / "raw" / "manifest.csv").read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith(ARTICLE + ","))
    (raw / "manifest.csv").write_text(lines[0] + "\n" + row + "\n", encoding="utf-8")
    name = row.split(",")[1]
    shutil.copy(ROOT / "data" / "raw" / name, raw / name)
    (pytester.path / "gold").mkdir()
    gold = json.loads((ROOT / "tests" / "gold" / f"{ARTICLE}.json").read_text(encoding="utf-8"))
    _write_gold(pytester, gold)
    pytester.makefile(".toml", pyproject=CONFIG.format(extra=""))
    return pytester


def _write_gold(pytester: pytest.Pytester, gold: dict) -> None:
    path = pytester.path / "gold" / f"{ARTICLE}.json"
    path.write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")


def _gold(pytester: pytest.Pytester) -> dict:
    return json.loads((pytester.path / "gold" / f"{ARTICLE}.json").read_text(encoding="utf-8"))


def test_a_clean_run_passes_with_one_item_per_article_and_one_for_the_timeline(
    project, monkeypatch
):
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")  # found through its entry point
    result = project.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*gold::seed-004 PASSED*", "*gold::timeline PASSED*"])
    result.stdout.fnmatch_lines(["*timeline gold regression*", "*1 gold articles in*"])


def test_unconfigured_projects_get_nothing(pytester):
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "timeline gold regression" not in result.stdout.str()


def test_a_wrong_prediction_shows_expected_vs_got_with_the_arabic_sentence(project):
    gold = _gold(project)
    i, timex = next((i, t) for i, t in enumerate(gold["timexes"]) if t["value"] == "2020-12-18")
    gold["timexes"][i]["value"] = "2020-12-17"  # the gold now disagrees with the extractor
    _write_gold(project, gold)
    result = run(project)
    result.assert_outcomes(passed=0, failed=2)
    out = result.stdout.str()
    assert "timex_value_F1" in out and "< 1.000 (threshold)" in out
    line = f'"{timex["text"]}" {ARTICLE}@{timex["start"]}-{timex["end"]}'
    assert f"{line}: expected 2020-12-17, got 2020-12-18" in out
    assert f"⟦{timex['text']}⟧" in out  # the span in its Arabic sentence
    assert "الجمعة" in out


def test_a_wrong_event_date_fails_the_timeline_item_with_the_sentence(project):
    gold = _gold(project)
    event = next(e for e in gold["events"] if e["date"]["value"] == "2020-12-18")
    for e in gold["events"]:
        if e["cluster"] == event["cluster"]:
            e["date"] = {"value": "2020-12-01", "alt": []}
    _write_gold(project, gold)
    result = run(project)
    out = result.stdout.str()
    assert "mention_date_acc" in out
    assert "wrong date" in out and "expected 2020-12-01, got 2020-12-18" in out
    assert f"cluster {event['cluster']}" in out


def test_a_broken_gold_file_is_a_clear_collection_error(project):
    gold = _gold(project)
    gold["timexes"][0]["start"] += 3
    gold["timexes"][0]["end"] += 3
    gold["timexes"][1]["value"] = "2020-13-45"
    _write_gold(project, gold)
    result = run(project)
    assert result.ret != 0
    out = result.stdout.str()
    assert "problem(s) in the gold files" in out
    assert f"{ARTICLE}.json: timexes[0]" in out and "(offset_text)" in out
    assert "timexes[1]" in out and "not a well-formed TIMEX3 DATE (timex_value)" in out
    assert "Traceback" not in out


def test_a_gold_file_that_does_not_load_names_file_and_key(project):
    gold = _gold(project)
    del gold["events"][0]["cluster"]
    _write_gold(project, gold)
    result = run(project)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*seed-004.json: events[[]0[]]: missing key 'cluster' (format)*"])


def test_an_unknown_metric_in_the_config_is_a_usage_error(project):
    project.makefile(
        ".toml", pyproject=CONFIG.format(extra="").replace("timeline_F1 =", "timeline_FI =")
    )
    result = run(project)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown metric 'timeline_FI'" in result.stderr.str()


def test_per_article_overrides_and_skip(project):
    extra = '[tool.timeline.regression.articles."seed-004"]\nskip = "under review"'
    project.makefile(".toml", pyproject=CONFIG.format(extra=extra))
    result = run(project, "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*under review*"])


def test_baseline_mode_passes_at_baseline_and_fails_beyond_the_tolerance(project):
    extra = 'baseline = "baseline.json"\ntolerance = 0.05'
    project.makefile(".toml", pyproject=CONFIG.format(extra=extra))
    missing = run(project)
    missing.assert_outcomes(failed=2)
    missing.stdout.fnmatch_lines(["*baseline file not found*", "*--timeline-update-baseline*"])

    # adopt before the gold is perfect: one wrong value is recorded, not failed on
    gold = _gold(project)
    gold["timexes"][0]["value"] = "2020-01-01"
    _write_gold(project, gold)
    run(project, "--timeline-update-baseline").assert_outcomes(passed=2)
    recorded = json.loads((project.path / "baseline.json").read_text(encoding="utf-8"))
    assert recorded["articles"][ARTICLE]["timex_value_F1"] < 1.0
    run(project).assert_outcomes(passed=2)

    # a further wrong value is a drop beyond the tolerance
    gold["timexes"][1]["value"] = "2020-01-02"
    _write_gold(project, gold)
    result = run(project)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*timex_value_F1*< *(baseline * - tolerance 0.050)*"])


def test_command_line_options_turn_it_on_without_config(pytester, fast):
    raw = ROOT / "data" / "raw"
    gold = pytester.path / "gold"
    gold.mkdir()
    shutil.copy(ROOT / "tests" / "gold" / f"{ARTICLE}.json", gold / f"{ARTICLE}.json")
    result = run(pytester, "-p", "no:cacheprovider", "--timeline-gold", str(gold))
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # the raw folder is required too
    result = run(
        pytester, "-p", "no:cacheprovider", "--timeline-gold", str(gold), "--timeline-raw", str(raw)
    )
    result.assert_outcomes(passed=2)
