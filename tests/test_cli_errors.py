"""Every CLI exit code (timeline.cli_exit.ExitCode), with its one-line message on stderr."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.cli import main
from timeline.cli_exit import ExitCode

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"
NOW = ["--now", "2026-01-01"]


def _error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert err, "no message on stderr"
    last = err[-1]
    assert last.startswith("timeline: error: ")
    return last


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["extract", str(RAW), "--out", str(out), *NOW, "--workers", "1"]) == 0
    return out


def test_codes_are_distinct_and_stable():
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 130]


def test_usage_errors_exit_2(tmp_path, capsys):
    for argv in (
        ["extract", str(RAW), "--out", str(tmp_path), "--now", "24/06/2021"],
        ["extract", str(RAW), "--out", str(tmp_path), "--workers", "0"],
        ["extract", str(RAW)],  # no --out
        ["no-such-command"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == ExitCode.USAGE
    assert "not an ISO date" in capsys.readouterr().err


def test_missing_corpus_exits_3_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "nope"), "--out", str(out)]) == ExitCode.NOT_FOUND
    assert "corpus not found" in _error_line(capsys)
    assert not out.exists()


def test_a_file_that_is_no_corpus_exits_6(tmp_path, capsys):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    argv = ["extract", str(tmp_path / "notes.docx"), "--out", str(tmp_path / "out")]
    assert main(argv) == ExitCode.BAD_DATA
    assert "unsupported corpus file" in _error_line(capsys)


def test_empty_corpus_exits_4_and_leaves_previous_outputs(tmp_path, capsys, seeds_out):
    out = tmp_path / "out"
    shutil.copytree(seeds_out, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.md").write_text("not a corpus file")
    (empty / "blank.jsonl").write_text("\n\n")
    assert main(["extract", str(empty), "--out", str(out), *NOW]) == ExitCode.NO_ARTICLES
    assert "no records in" in _error_line(capsys)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_no_usable_article_exits_4_with_the_report_written(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a"}\n{bad json\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(corpus), "--out", str(out), *NOW]) == ExitCode.NO_ARTICLES
    assert "no usable articles: all 2 records were skipped" in _error_line(capsys)
    import pandas as pd

    assert list(pd.read_parquet(out / "articles.parquet")["reason"]) == ["missing_date", "bad_json"]


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_unwritable_output_exits_7_before_any_work(tmp_path, capsys, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = blocker if where == "a file" else blocker / "sub"
    assert main(["extract", str(RAW), "--out", str(out), *NOW]) == ExitCode.CANNOT_WRITE
    line = _error_line(capsys)
    assert "cannot write to output folder" in line and "--out" in line
    assert blocker.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_read_only_output_exits_7(tmp_path, capsys):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        assert main(["extract", str(RAW), "--out", str(out), *NOW]) == ExitCode.CANNOT_WRITE
    finally:
        out.chmod(0o700)


def test_eval_without_matching_gold_exits_5(tmp_path, capsys, seeds_out):
    other = tmp_path / "gold"
    other.mkdir()
    doc = json.loads((GOLD / "seed-000.json").read_text(encoding="utf-8"))
    doc["article_id"] = "someone-else"
    (other / "someone-else.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["eval", str(seeds_out), str(other)]) == ExitCode.GOLD_MISMATCH
    assert "none of the 1 gold articles" in _error_line(capsys)
    report = ["report", str(seeds_out), str(other), "-o", str(tmp_path / "r.html")]
    assert main(report) == ExitCode.GOLD_MISMATCH
    assert main(["gold", "check", str(other), "--raw", str(RAW)]) == ExitCode.GOLD_MISMATCH
    empty = tmp_path / "none"
    empty.mkdir()
    assert main(["eval", str(seeds_out), str(empty)]) == ExitCode.GOLD_MISMATCH
    assert "no gold *.json files" in _error_line(capsys)


def test_eval_with_partly_matching_gold_scores_and_notes_the_rest(tmp_path, capsys, seeds_out):
    gold = tmp_path / "gold"
    shutil.copytree(GOLD, gold)
    doc = json.loads((GOLD / "seed-000.json").read_text(encoding="utf-8"))
    doc["article_id"] = "someone-else"
    (gold / "someone-else.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["eval", str(seeds_out), str(gold), "--json"]) == ExitCode.OK
    assert "1 gold article(s) not in" in capsys.readouterr().err


def test_eval_errors(tmp_path, capsys, seeds_out):
    assert main(["eval", str(tmp_path / "nope"), str(GOLD)]) == ExitCode.NOT_FOUND
    assert "output folder not found" in _error_line(capsys)
    assert main(["eval", str(seeds_out), str(tmp_path / "nope")]) == ExitCode.NOT_FOUND
    assert "gold folder not found" in _error_line(capsys)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.json").write_text("{not json", encoding="utf-8")
    assert main(["eval", str(seeds_out), str(broken)]) == ExitCode.BAD_DATA
    assert "x.json" in _error_line(capsys)


def test_gold_draft_of_an_unknown_article_exits_3(tmp_path, capsys):
    argv = ["gold", "draft", str(RAW), "no-such-id", "-o", str(tmp_path / "g.json")]
    assert main(argv) == ExitCode.NOT_FOUND
    assert "no-such-id" in _error_line(capsys)


def test_exit_code_reaches_the_shell(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "timeline",
            "extract",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == ExitCode.NOT_FOUND
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("timeline: error: ")
