"""Command line: thin wrappers that parse arguments and call the library."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import timeline
from timeline.cli_args import iso_date, positive_int
from timeline.cli_exit import CliError, ExitCode
from timeline.cli_gold import add_commands, check_gold_matches
from timeline.cli_models import add_commands as add_models_commands
from timeline.cli_show import add_commands as add_show_commands


def _cmd_extract(args: argparse.Namespace) -> int:
    import pandas as pd

    from timeline.backends import get_backend
    from timeline.corpus import read_corpus
    from timeline.engine import run
    from timeline.tables import read_table, remove_stale_temporaries

    now = args.now or date.today()  # the one place the clock is read
    get_backend(args.backend)  # an unavailable backend fails before anything is read
    if args.scheduler and args.engine != "dask":
        raise CliError(ExitCode.USAGE, "--scheduler needs --engine dask")
    if args.engine == "dask":
        from timeline.dask_engine import require_dask

        require_dask()  # a missing extra fails before anything is read
    # One record read up front: a missing or empty corpus never touches the outputs.
    try:
        first = next(iter(read_corpus(args.input, now=now)), None)
    except FileNotFoundError as exc:
        raise CliError(
            ExitCode.NOT_FOUND,
            f"corpus not found: {args.input} (give a folder of articles or one "
            ".jsonl, .parquet or .txt file)",
        ) from exc
    if first is None:
        raise CliError(
            ExitCode.NO_ARTICLES,
            f"no records in {args.input} (want *.jsonl, *.parquet, or *.txt listed in a "
            "manifest.csv; is it the right folder?)",
        )
    _check_writable(args.out)
    started = time.time()
    try:
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
        else:
            summary = run(args.input, args.out, workers=args.workers, now=now, backend=args.backend)
    except OSError as exc:
        raise CliError(
            ExitCode.CANNOT_WRITE,
            f"writing the tables to {args.out} failed: {_os_reason(exc)} "
            "(the previous outputs are intact; free space or choose another --out)",
        ) from exc
    for path in remove_stale_temporaries(args.out, older_than=started):
        print(f"  removed {path.name}, left by an earlier run that was killed", file=sys.stderr)
    if args.engine == "dask":
        report = read_dataset(args.out, "articles")
    else:
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
    if summary.articles_ok == 0:
        raise CliError(
            ExitCode.NO_ARTICLES,
            f"no usable articles: all {summary.records} records were skipped "
            f"(reasons above and in {summary.paths['articles']})",
        )
    return ExitCode.OK


def _check_writable(out: Path) -> None:
    """Fail before the work, not after it, when ``out`` cannot take the tables."""
    probe = out / f".timeline-probe.{os.getpid()}.tmp"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise CliError(
            ExitCode.CANNOT_WRITE,
            f"cannot write to output folder {out}: {_os_reason(exc)} "
            "(choose another --out or fix its permissions)",
        ) from exc


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _cmd_eval(args: argparse.Namespace) -> int:
    from timeline.evaluate import evaluate_folder, format_table

    check_gold_matches(args.out, args.gold)
    scores = evaluate_folder(args.out, args.gold)
    if args.report:
        from timeline.cli_gold import write_eval_report

        write_eval_report(args.out, args.gold, args.report)
    if args.json:
        print(json.dumps(scores, indent=2, ensure_ascii=False))
    else:
        print(format_table(scores))
    return ExitCode.OK


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
    """Run one command; the exit status is an :class:`~timeline.cli_exit.ExitCode`."""
    args = build_parser().parse_args(argv)  # exits with 2 (USAGE) on a bad command line
    try:
        return int(args.func(args))
    except CliError as exc:
        return _fail(exc.code, str(exc))
    except KeyboardInterrupt:
        return _fail(ExitCode.INTERRUPTED, "interrupted (the previous outputs are intact)")
    except Exception as exc:
        code = _code_of(exc)
        if code is None:
            raise  # a bug: the traceback is what a report needs
        return _fail(code, str(exc.args[0]) if isinstance(exc, KeyError) else str(exc))


def _code_of(exc: Exception) -> ExitCode | None:
    """The exit code of an exception the library raises for bad input."""
    from timeline.backends import BackendUnavailable

    if isinstance(exc, BackendUnavailable | ImportError):
        return ExitCode.UNAVAILABLE  # ImportError: an optional extra (dask) not installed
    if isinstance(exc, FileNotFoundError | KeyError):
        return ExitCode.NOT_FOUND  # KeyError: an article id not in the corpus (gold draft)
    if isinstance(exc, FileExistsError | PermissionError | IsADirectoryError | NotADirectoryError):
        return ExitCode.CANNOT_WRITE
    if isinstance(exc, ValueError):
        # a gold file that breaks GOLD.md, a table without our columns, a corpus
        # file of a kind that is not read
        return ExitCode.BAD_DATA
    return None


def _fail(code: ExitCode, message: str) -> int:
    print(f"timeline: error: {' '.join(message.split())}", file=sys.stderr)
    return int(code)
