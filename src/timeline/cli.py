"""Command line: thin wrappers that parse arguments and call the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import timeline
from timeline.cli_args import iso_date, positive_int
from timeline.cli_gold import add_commands
from timeline.cli_models import add_commands as add_models_commands
from timeline.cli_show import add_commands as add_show_commands


def _cmd_extract(args: argparse.Namespace) -> int:
    import pandas as pd

    from timeline.engine import run
    from timeline.tables import read_table

    now = args.now or date.today()  # the one place the clock is read
    if args.engine == "dask":
        from timeline.dask_engine import read_table as read_dataset
        from timeline.dask_engine import run as run_dask

        summary = run_dask(
            args.input,
            args.out,
            scheduler=args.scheduler,
            workers=args.workers,
            now=now,
            backend=args.backend,
        )
        report = read_dataset(args.out, "articles")
    else:
        if args.scheduler:
            raise ValueError("--scheduler needs --engine dask")
        summary = run(args.input, args.out, workers=args.workers, now=now, backend=args.backend)
        report = read_table(args.out, "articles")
    skipped = report[report["status"] != "ok"]
    seconds = sum(summary.seconds.values())
    print(
        f"{summary.articles_ok} articles processed, {len(skipped)} skipped, "
        f"{summary.timexes} time expressions, {summary.mentions} event mentions, "
        f"{summary.events} events in {seconds:.2f} s ({summary.workers} workers)"
    )
    for row in skipped.itertuples():
        where = row.source_file + ("" if pd.isna(row.line) else f":{row.line}")
        print(f"  skipped {row.article_id or '-'} ({where}): {row.reason}", file=sys.stderr)
    for name, path in summary.paths.items():
        print(f"  {name:9} {path}")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from timeline.evaluate import evaluate_folder, format_table

    scores = evaluate_folder(args.out, args.gold)
    if args.report:
        from timeline.cli_gold import write_eval_report

        write_eval_report(args.out, args.gold, args.report)
    if args.json:
        print(json.dumps(scores, indent=2, ensure_ascii=False))
    else:
        print(format_table(scores))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeline", description="Arabic news → a deduplicated event timeline."
    )
    parser.add_argument("--version", action="version", version=f"timeline {timeline.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="time expressions, events and the timeline, as Parquet")
    ex.add_argument(
        "input", type=Path, help="corpus folder (*.jsonl, *.txt + manifest.csv) or file"
    )
    ex.add_argument("--out", type=Path, required=True, help="output folder")
    ex.add_argument("--now", type=iso_date, help="reference date for the run (default: today)")
    ex.add_argument(
        "--backend",
        choices=("rules", "auto", "stanza"),
        default="rules",
        help="analysis backend: rules (default), stanza (needs `timeline models install`), "
        "auto (stanza if installed, else rules)",
    )
    ex.add_argument(
        "--workers",
        type=positive_int,
        help="worker processes (default: all cores); results are the same for any number",
    )
    ex.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local (default: this machine's cores, the single files of OUTPUT.md) or dask "
        "(a Dask cluster, partitioned Parquet folders; needs the dask extra)",
    )
    ex.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler to use, e.g. tcp://10.0.0.5:8786 "
        "(default: a LocalCluster on this machine)",
    )
    ex.set_defaults(func=_cmd_extract)

    ev = sub.add_parser("eval", help="score an output folder against gold JSON (GOLD.md)")
    ev.add_argument("out", type=Path, help="folder holding timexes.parquet (and mentions/events)")
    ev.add_argument("gold", type=Path, help="folder of gold *.json files")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ev.add_argument("--report", type=Path, help="also write an HTML (or *.md) report here")
    ev.set_defaults(func=_cmd_eval)
    add_commands(sub)
    add_show_commands(sub)
    add_models_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"timeline: error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:  # an optional extra (dask) that is not installed
        print(f"timeline: error: {exc}", file=sys.stderr)
        return 2
