"""The command line, as a user runs it: extract, eval, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from timeline.cli import main
from timeline.cli_exit import ExitCode

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", folder)
    lines = [
        json.dumps({"id": "j1", "published": "2021-06-24", "text": "التقى الوزيران أمس"}),
        "{not json",
        json.dumps({"id": "j2", "text": "بلا تاريخ"}),
        json.dumps({"id": "seed-000", "published": "2021-06-24", "text": "مكرر"}),
    ]
    (folder / "extra.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_extract_writes_tables_and_reports_every_record(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(corpus), "--out", str(out), "--now", "2026-01-01"]) == 0
    for name in ("timexes", "mentions", "events", "articles"):
        assert (out / f"{name}.parquet").exists()
    report = pd.read_parquet(out / "articles.parquet")
    assert len(report) == 5 + 4  # records in = rows out
    reasons = dict(zip(report["line"].dropna().astype(int), report["reason"], strict=False))
    assert reasons[2] == "bad_json"
    assert reasons[3] == "missing_date"
    dup = report[report["article_id"] == "seed-000"]
    assert sorted(dup["reason"].fillna("ok")) == ["duplicate_id", "ok"]  # the first one read wins
    err = capsys.readouterr().err
    assert "bad_json" in err and "missing_date" in err
    timexes = pd.read_parquet(out / "timexes.parquet")
    assert "أمس" in set(timexes.loc[timexes["article_id"] == "j1", "text"])


def test_eval_prints_table_and_json(tmp_path, capsys):
    out = tmp_path / "out"
    main(["extract", str(ROOT / "data" / "raw"), "--out", str(out), "--now", "2026-01-01"])
    capsys.readouterr()
    assert main(["eval", str(out), str(ROOT / "tests" / "gold")]) == 0
    assert "relaxed" in capsys.readouterr().out
    assert main(["eval", str(out), str(ROOT / "tests" / "gold"), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["timex_relaxed_F1"] >= 0.95
    assert scores["timex_value_F1"] >= 0.90


def test_missing_input_is_a_clear_error(tmp_path, capsys):
    assert (
        main(["extract", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
        == ExitCode.NOT_FOUND
    )
    assert "not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_bad_now_is_rejected(tmp_path):
    with pytest.raises(SystemExit):
        main(["extract", str(ROOT / "data" / "raw"), "--out", str(tmp_path), "--now", "24/06"])


def test_python_dash_m(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "timeline", "--version"], capture_output=True, text=True, check=True
    )
    assert run.stdout.startswith("timeline ")
