"""Evaluation reports: self-contained HTML and Markdown with metrics, breakdowns and errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from timeline.cli import main
from timeline.evaluate import load_gold
from timeline.pipeline import extract
from timeline.regression.diff import evaluate, read_texts
from timeline.report import render_html, render_markdown, write_report

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def evaluation():
    """The dev run against gold where one timex value was changed: one known error."""
    gold = load_gold(ROOT / "tests" / "gold")
    doc = gold["seed-000"]
    wrong = doc.timexes[1].__class__(**{**_fields(doc.timexes[1]), "value": "2021-04-28"})
    gold["seed-000"] = doc.__class__(
        **{**_fields(doc), "timexes": (doc.timexes[0], wrong, *doc.timexes[2:])}
    )
    result = extract(RAW)
    return evaluate(gold, result.timexes, result.mentions, result.events, read_texts(RAW))


def _fields(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.__slots__}


def test_markdown_report(evaluation):
    md = render_markdown(evaluation)
    assert "## Metrics" in md and "| Timexes | timex_value_F1 |" in md
    assert "## Per article" in md and "| seed-003 |" in md
    assert "## Timex types (gold × predicted)" in md and "## Statuses (gold × predicted)" in md
    assert "## Event mentions per type" in md and "| MEET |" in md
    row = next(line for line in md.splitlines() if "2021-04-28" in line)
    assert "wrong value" in row and "seed-000" in row and "261-276" in row
    assert "⟦27 أبريل الماضي⟧" in row  # the Arabic sentence, the span marked


def test_html_report_is_self_contained_and_rtl_aware(evaluation):
    page = render_html(evaluation)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no external asset
    assert "<h2>Metrics</h2>" in page and "timex_value_F1" in page
    assert "<h2>Per article</h2>" in page and "<h2>Errors (" in page
    assert 'dir="rtl" lang="ar"' in page
    assert "<mark>27 أبريل الماضي</mark>" in page
    assert "expected" in page and "2021-04-28" in page


def test_write_report_picks_the_format_from_the_suffix(evaluation, tmp_path):
    assert write_report(tmp_path / "r.md", evaluation).read_text(encoding="utf-8").startswith("#")
    assert "<html" in write_report(tmp_path / "r.html", evaluation).read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="html or md"):
        write_report(tmp_path / "r.txt", evaluation, fmt="pdf")


def test_cli_report_and_eval_report(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(RAW), "--out", str(out), "--now", "2025-01-01"]) == 0
    gold = tmp_path / "gold"
    shutil.copytree(ROOT / "tests" / "gold", gold)
    path = gold / "seed-004.json"
    path.chmod(0o644)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["timexes"][0]["value"] = "2020-01-01"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    md = tmp_path / "report.md"
    assert main(["report", str(out), str(gold), "-o", str(md), "--raw", str(RAW)]) == 0
    text = md.read_text(encoding="utf-8")
    assert "| seed-004 |" in text and "expected" not in text.split("## Errors")[0]
    assert "2020-01-01" in text.split("## Errors")[1] and "⟦" in text
    page = tmp_path / "eval.html"
    assert main(["eval", str(out), str(gold), "--report", str(page)]) == 0
    assert "relaxed" in capsys.readouterr().out
    assert "<h2>Errors (" in page.read_text(encoding="utf-8")
