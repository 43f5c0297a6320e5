"""Atomic, idempotent output: a killed run leaves the previous tables intact; re-runs agree.

The kill test runs ``timeline extract`` in a subprocess on a generated corpus big
enough to take a while, waits until it has written its first row group to a
hidden temporary file, kills it with SIGKILL (no cleanup handlers run) and checks
that the previous outputs are byte-identical and nothing half-written is visible.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from timeline.cli import main
from timeline.tables import read_metadata, read_table

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
OUTPUTS = {"timexes.parquet", "mentions.parquet", "events.parquet", "articles.parquet"}
NOW = ["--now", "2026-01-01"]


def _big_corpus(path: Path, n: int) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            record = {"id": f"a{i:05d}", "published": "2021-06-24", "text": texts[i % len(texts)]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_run_killed_midway_leaves_the_previous_outputs_intact(tmp_path):
    out = tmp_path / "out"
    assert main(["extract", str(RAW), "--out", str(out), *NOW, "--workers", "1"]) == 0
    before = _snapshot(out)
    assert set(before) == OUTPUTS
    corpus = _big_corpus(tmp_path / "big.jsonl", 3000)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    argv = ["extract", str(corpus), "--out", str(out), *NOW, "--workers", "1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "timeline", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        # Wait until the run has written a row group (more than the 4-byte header).
        while not any(
            p.name.startswith(".articles.parquet.") and p.stat().st_size > 4 for p in out.iterdir()
        ):
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(out) == before  # byte-identical, and no stray visible file
    left = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert left and all(name.endswith(".tmp") for name in left)

    # The next run into the folder removes what the killed one left behind.
    assert main(["extract", str(RAW), "--out", str(out), *NOW, "--workers", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    assert _snapshot(out) == before


def test_rerunning_gives_identical_tables(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for out, workers in ((first, "1"), (second, "2")):
        assert main(["extract", str(RAW), "--out", str(out), *NOW, "--workers", workers]) == 0
    for name in sorted(OUTPUTS):
        table = name.removesuffix(".parquet")
        assert read_table(first, table).equals(read_table(second, table)), name
        # the run metadata holds no timestamp: only input, reference date and backend
        assert read_metadata(first / name) == read_metadata(second / name)
        assert (first / name).read_bytes() == (second / name).read_bytes()
