"""The whole pipeline at corpus scale: 1 worker, all local workers, Dask LocalCluster.

Run from the repository root::

    python bench/scale.py                         # 1k, 10k, 100k; 1 worker, all, Dask
    python bench/scale.py --sizes 1k,10k          # quicker
    python bench/scale.py --sizes 1m --workers all --engines local   # the 1M point
    python bench/scale.py --workers all           # only the all-cores runs
    python bench/scale.py --engines dask          # only the Dask LocalCluster runs
    python bench/scale.py --markdown              # a Markdown table for docs/
    python bench/scale.py --json                  # machine-readable results
    python bench/scale.py --format parquet        # Parquet input instead of JSONL
    python bench/scale.py --keep /tmp/corpora     # keep (and reuse) the built corpora

Corpora. ``N`` news-length articles (about 2,500 characters, ``--news-chars``)
made exactly as ``bench/pipeline.py`` makes them, with its helpers: ANT articles
(read by path from ``../shared/corpora/ant/ant_corpus.jsonl.gz``, ``--ant``) are
taken pass after pass, pass ``r`` starting ``r`` articles later and dated ``r × 364``
days later (52 weeks, so weekday names still fit), and consecutive pieces are
joined with a blank line and cut back to a word boundary (``speed.news_length``),
dated by their first piece. Without ANT, the articles of ``data/raw`` are used the
same way, passes a week apart. The corpus is written to ``--keep`` (default: a
temporary folder removed at the end) as one JSONL (or Parquet) file, in batches,
so building a 1M corpus never holds it in memory; corpora are nested (1k is the
start of 10k, ...).

What is measured. Each run is a fresh Python process (``python bench/scale.py
--run-one``) that imports the library and calls ``engine.run(corpus, out,
workers=W)`` (engine ``local``) or ``dask_engine.run(corpus, out, workers=W)``
(engine ``dask``: a new ``LocalCluster`` of ``W`` single-threaded worker
processes, started and closed inside the measured call): reading the corpus,
extraction in ``W`` worker processes, deduplication and writing the four
Parquet tables (single files, or partitioned folders for Dask), all included. ``wall s`` is
``time.perf_counter`` around that call; ``articles/s`` is input records over it.
``parent RSS`` is the run process's peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``): the reader, the writer and the
deduplication. ``worker RSS`` is ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the
peak of the *largest* single worker process (not a sum; 0 with one worker, which
runs in the parent; for Dask, the largest reaped process: a worker or its
nanny). ``extracting: RSS MB`` is the resident memory while extracting (the
issue's memory bar), sampled from ``/proc`` every 0.25 s by ``bench/rss.py``:
the run process's peak, the largest single worker's, and the largest sum over
all processes (run process, extraction and deduplication workers, Dask's
scheduler and nannies) at one instant. MB are 10^6 bytes. ``CPU s`` is the CPU
time (user + system) of the run process, plus that of all its worker processes
together: on a shared machine it says more than the wall time, which waits for other users' work.
``speed-up`` is the 1-worker local wall time over this row's. ``block keys`` is
deduplication's memory in keys rows: the largest block, and (local engine) the
most rows held at once (a window of consecutive blocks, see
``timeline.dedup_pool``); it should stay flat as the corpus
grows while ``occurred`` grows with it.

Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

# bench/pipeline.py's, bench/rss.py's and bench/speed.py's helpers, imported (bench/
# is on sys.path when this file is run as a script, as for those).
from pipeline import ANT_SHIFT_DAYS, SEED_SHIFT_DAYS, in_passes, parse_sizes, size_label
from rss import Peaks, Sampler
from speed import ANT_DEFAULT, RAW, Doc, iter_ant, load_seeds, machine_info, news_length

BUILD_BATCH = 10_000  # articles built and written at a time
KB = 1024  # Linux reports ru_maxrss in KiB


@dataclass
class Row:
    articles: int
    engine: str
    workers: int
    wall_s: float
    articles_per_s: float
    parent_rss_mb: float
    worker_rss_mb: float
    extract_s: float
    dedup_s: float
    write_s: float
    timexes: int
    mentions: int
    occurred: int
    events: int
    largest_block: int = 0
    largest_window: int = 0
    speedup: float | None = None
    parent_cpu_s: float = 0.0
    worker_cpu_s: float = 0.0
    extract_rss: Peaks = field(default_factory=Peaks)


@dataclass
class Report:
    machine: dict[str, str]
    source: str
    input_format: str
    chunk_size: int
    rows: list[Row] = field(default_factory=list)
    build_s: dict[str, float] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[scale] {message}", file=sys.stderr, flush=True)


# -- corpora ---------------------------------------------------------------------------


def source_docs(ant: Path) -> tuple[list[Doc], int, str]:
    """The source articles, the days between passes, and what they are."""
    if ant.is_file():
        return list(iter_ant(ant)), ANT_SHIFT_DAYS, f"ANT ({ant})"
    log(f"ANT not found at {ant}: using {RAW}")
    return load_seeds(RAW), SEED_SHIFT_DAYS, f"data/raw seeds ({RAW})"


def build_corpus(
    docs: list[Doc], shift_days: int, n: int, chars: int, path: Path, fmt: str
) -> None:
    """Write ``n`` news-length articles to ``path`` (JSONL or Parquet), batch by batch."""
    passes = in_passes(docs, shift_days)  # one endless iterator: batches continue it
    tmp = path.with_name(path.name + ".part")
    written = 0
    with ExitStack() as stack:
        handle = stack.enter_context(tmp.open("w", encoding="utf-8"))
        writer: pq.ParquetWriter | None = None
        while written < n:
            batch, _ = news_length(passes, min(BUILD_BATCH, n - written), chars)
            rows = [
                {"id": f"news-{written + i:07d}", "published": d.dct.isoformat(), "text": d.text}
                for i, d in enumerate(batch)
            ]
            written += len(rows)
            if fmt == "jsonl":
                handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                continue
            table = pa.Table.from_pylist(rows)
            if writer is None:
                handle.close()  # the Parquet writer reopens the path itself
                writer = stack.enter_context(pq.ParquetWriter(tmp, table.schema))
            writer.write_table(table)
    tmp.replace(path)


# -- one measured run (in its own process) ---------------------------------------------


def run_one(corpus: Path, out: Path, engine: str, workers: int, chunk_size: int) -> dict[str, Any]:
    with Sampler() as sampler:
        started = time.perf_counter()
        if engine == "dask":
            from timeline import dask_engine

            summary = dask_engine.run(corpus, out, workers=workers)
        else:
            from timeline import engine as local

            summary = local.run(corpus, out, workers=workers, chunk_size=chunk_size)
        wall = time.perf_counter() - started
    # extraction is the run's first stage (its setup before it takes milliseconds)
    extracting = sampler.peaks(started, started + summary.seconds.get("extract", wall))
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "parent_cpu_s": own.ru_utime + own.ru_stime,
        "worker_cpu_s": children.ru_utime + children.ru_stime,
        "records": summary.records,
        "wall_s": wall,
        "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * KB / 1e6,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * KB / 1e6,
        "seconds": summary.seconds,
        "timexes": summary.timexes,
        "mentions": summary.mentions,
        "occurred": summary.occurred,
        "events": summary.events,
        "largest_block": summary.largest_block,
        "largest_window": summary.largest_window,
        "extract_rss": asdict(extracting),
    }


def measure(corpus: Path, out: Path, engine: str, workers: int, chunk_size: int) -> Row:
    """Run ``engine.run`` in a fresh interpreter, so each row's peak RSS is its own."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--run-one",
        str(corpus),
        str(out),
        engine,
        str(workers),
        str(chunk_size),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return Row(
        articles=got["records"],
        engine=engine,
        workers=workers,
        wall_s=got["wall_s"],
        articles_per_s=got["records"] / got["wall_s"],
        parent_rss_mb=got["parent_rss_mb"],
        worker_rss_mb=got["worker_rss_mb"],
        extract_s=got["seconds"].get("extract", 0.0),
        dedup_s=got["seconds"].get("dedup", 0.0),
        write_s=got["seconds"].get("write", 0.0),
        timexes=got["timexes"],
        mentions=got["mentions"],
        occurred=got["occurred"],
        events=got["events"],
        largest_block=got["largest_block"],
        largest_window=got["largest_window"],
        parent_cpu_s=got["parent_cpu_s"],
        worker_cpu_s=got["worker_cpu_s"],
        extract_rss=Peaks(**got["extract_rss"]),
    )


# -- output ----------------------------------------------------------------------------

HEADER = [
    "articles",
    "engine",
    "workers",
    "wall s",
    "articles/s",
    "speed-up",
    "parent RSS MB",
    "worker RSS MB",
    "extracting: RSS MB parent / worker / all",
    "extract s",
    "dedup s",
    "write s",
    "CPU s",
    "mentions",
    "events",
    "block keys",
]


def extract_rss_cell(peaks: Peaks) -> str:
    if not peaks.samples:
        return "-"
    child = f"{peaks.child:.0f}" if peaks.child else "-"
    return f"{peaks.parent:.0f} / {child} / {peaks.total:.0f}"


def cpu_cell(row: Row) -> str:
    if row.worker_cpu_s < 1:  # one worker: all in the run process
        return f"{row.parent_cpu_s:.0f}"
    return f"{row.parent_cpu_s:.0f} + {row.worker_cpu_s:.0f}"


def cells(row: Row) -> list[str]:
    return [
        size_label(row.articles),
        row.engine,
        str(row.workers),
        f"{row.wall_s:.1f}",
        f"{row.articles_per_s:.0f}",
        "" if row.speedup is None else f"{row.speedup:.2f}×",
        f"{row.parent_rss_mb:.0f}",
        f"{row.worker_rss_mb:.0f}" if row.worker_rss_mb else "-",
        extract_rss_cell(row.extract_rss),
        f"{row.extract_s:.1f}",
        f"{row.dedup_s:.1f}",
        f"{row.write_s:.1f}",
        cpu_cell(row),
        f"{row.mentions:,}",
        f"{row.events:,}",
        f"{row.largest_block:,}" + (f" / {row.largest_window:,}" if row.largest_window else ""),
    ]


def render(report: Report, markdown: bool) -> str:
    lines = [
        f"machine: {report.machine['cpu']}, {report.machine['logical_cpus']} logical CPUs, "
        f"{report.machine['python']}; load {report.machine['loadavg']}",
        f"source: {report.source}; input {report.input_format}, chunk_size {report.chunk_size}",
        "",
    ]
    rows = [cells(r) for r in report.rows]
    if markdown:
        lines.append("| " + " | ".join(HEADER) + " |")
        lines.append("|" + "|".join("---:" for _ in HEADER) + "|")
        lines.extend("| " + " | ".join(r) + " |" for r in rows)
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADER)]
        lines.append("  ".join(h.rjust(w) for h, w in zip(HEADER, widths, strict=True)))
        lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------


def parse_workers(value: str) -> list[int]:
    out = []
    for part in value.split(","):
        part = part.strip().lower()
        out.append(os.cpu_count() or 1 if part == "all" else int(part))
    return sorted(set(out))


def parse_engines(value: str) -> list[str]:
    engines = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = set(engines) - {"local", "dask"}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown engines {sorted(unknown)}: local, dask")
    return engines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1k,10k,100k"))
    parser.add_argument("--workers", type=parse_workers, default=parse_workers("1,all"))
    parser.add_argument(
        "--engines",
        type=parse_engines,
        default=parse_engines("local,dask"),
        help="local (each --workers count) and/or dask (a LocalCluster of the most workers)",
    )
    parser.add_argument("--chunk-size", type=int, default=256)
    parser.add_argument("--news-chars", type=int, default=2500)
    parser.add_argument("--ant", type=Path, default=ANT_DEFAULT)
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument("--keep", type=Path, help="folder to build (and reuse) corpora in")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--run-one":
        corpus, out, engine, workers, chunk_size = argv[1:6]
        print(json.dumps(run_one(Path(corpus), Path(out), engine, int(workers), int(chunk_size))))
        return 0
    args = parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="timeline-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    docs, shift_days, source = source_docs(args.ant)
    report = Report(machine_info(), source, args.format, args.chunk_size)
    try:
        for n in args.sizes:
            corpus = work / f"news-{n}.{args.format}"
            if not corpus.exists():
                log(f"building {size_label(n)} articles → {corpus}")
                started = time.perf_counter()
                build_corpus(docs, shift_days, n, args.news_chars, corpus, args.format)
                report.build_s[size_label(n)] = time.perf_counter() - started
            single: float | None = None
            runs = [("local", w) for w in args.workers if "local" in args.engines]
            if "dask" in args.engines:
                runs.append(("dask", max(args.workers)))
            for engine, workers in runs:
                log(f"{size_label(n)} articles, {engine} engine, {workers} worker(s)")
                out = work / f"out-{n}-{engine}-{workers}"
                row = measure(corpus, out, engine, workers, args.chunk_size)
                shutil.rmtree(out, ignore_errors=True)
                if engine == "local" and workers == 1:
                    single = row.wall_s
                row.speedup = single / row.wall_s if single else None
                report.rows.append(row)
                log(f"  {row.articles_per_s:.0f} articles/s, {row.wall_s:.1f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(asdict(report), indent=2, ensure_ascii=False))
    else:
        print(render(report, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
