"""Run the atheris fuzzer of the pipeline for a set time and summarise what it did.

Run from the repository root (needs ``pip install -e .[fuzz]``)::

    python bench/fuzz.py --minutes 15                 # one process, a scratch copy of the seeds
    python bench/fuzz.py --minutes 5 --corpus /tmp/fz # keep growing the same scratch corpus
    python bench/fuzz.py --minutes 1 --markdown

The harness is ``tests/fuzz/fuzz_pipeline.py`` (see its docstring for the input
format and the invariants). This wrapper copies the hand-written seeds of
``tests/fuzz/corpus`` into a scratch corpus folder (``--corpus``, default a new
temporary folder) so the seeds in the repository stay as they are, runs the
harness in one process with ``-max_total_time``, writes crashes to
``--artifacts`` (default the scratch folder), and prints one table row: the run
time, how many inputs were executed and how fast, libFuzzer's coverage counters
at the end (``cov``: code edges reached; ``ft``: features), the corpus size and
the crashes found. The fuzzer's own log goes to stderr as it runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import table_lines

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "tests" / "fuzz" / "fuzz_pipeline.py"
SEEDS = REPO / "tests" / "fuzz" / "corpus"
_STATS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/")
_DONE = re.compile(r"^Done (\d+) runs in (\d+) second")


def run(minutes: float, corpus: Path, artifacts: Path, extra: list[str]) -> dict[str, object]:
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.iterdir():
        if not (corpus / seed.name).exists():
            shutil.copy(seed, corpus / seed.name)
    artifacts.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path)
    cmd = [
        sys.executable,
        str(HARNESS),
        str(corpus),
        f"-max_total_time={round(minutes * 60)}",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        *extra,
    ]
    print(" ".join(cmd), file=sys.stderr, flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, errors="replace")
    last: tuple[str, ...] | None = None
    runs = None
    assert proc.stderr is not None
    for line in proc.stderr:
        sys.stderr.write(line)
        if m := _STATS.match(line):
            last = m.groups()
        elif m := _DONE.match(line):
            runs = int(m.group(1))
    code = proc.wait()
    seconds = time.perf_counter() - started
    crashes = sorted(p.name for p in artifacts.glob("crash-*")) + sorted(
        p.name for p in artifacts.glob("timeout-*")
    )
    execs = runs if runs is not None else int(last[0]) if last else 0
    return {
        "seconds": seconds,
        "runs": execs,
        "cov": int(last[1]) if last else 0,
        "ft": int(last[2]) if last else 0,
        "corpus": int(last[3]) if last else 0,
        "crashes": crashes,
        "exit": code,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--corpus", type=Path, help="scratch corpus folder (default: a new one)")
    parser.add_argument("--artifacts", type=Path, help="where crashes go (default: --corpus)")
    parser.add_argument("--markdown", action="store_true")
    args, extra = parser.parse_known_args(argv)
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="timeline-fuzz-"))
    result = run(args.minutes, corpus, args.artifacts or corpus, extra)
    headers = ["run", "executions", "exec/s", "cov", "ft", "corpus", "crashes"]
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    runs = int(result["runs"])  # type: ignore[call-overload]
    row = [
        f"{seconds / 60:.1f} min",
        f"{runs:,}",
        f"{runs / max(seconds, 1e-9):.0f}",
        str(result["cov"]),
        str(result["ft"]),
        str(result["corpus"]),
        str(len(result["crashes"])),  # type: ignore[arg-type]
    ]
    print("\n".join(table_lines(headers, [row], markdown=args.markdown)))
    print(f"\ncorpus: {corpus}")
    for name in result["crashes"]:  # type: ignore[attr-defined]
        print(f"crash: {args.artifacts or corpus}/{name}")
    return 0 if not result["crashes"] else 1


if __name__ == "__main__":
    sys.exit(main())
