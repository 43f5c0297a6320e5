"""Command line for gold authoring and reports: ``timeline gold draft|check``, ``timeline report``.

:func:`add_commands` registers them on ``timeline``'s subparsers (``cli.build_parser``);
the heavy imports happen inside the commands, so ``timeline --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from timeline.cli_args import iso_date
from timeline.cli_exit import CliError, ExitCode

__all__ = ["add_commands", "check_gold_matches", "write_eval_report"]


def _cmd_gold_draft(args: argparse.Namespace) -> int:
    from timeline.gold import write_draft

    try:
        path = write_draft(args.raw, args.article_id, args.output, now=args.now, force=args.force)
    except KeyError as exc:
        raise CliError(ExitCode.NOT_FOUND, str(exc.args[0] if exc.args else exc)) from exc
    except FileExistsError as exc:
        raise CliError(ExitCode.CANNOT_WRITE, str(exc)) from exc
    print(f'draft gold for {args.article_id} written to {path} ("draft": true: review it)')
    return 0


def _cmd_gold_check(args: argparse.Namespace) -> int:
    from timeline.gold import check_gold, format_issues

    issues = check_gold(args.gold, args.raw, now=args.now)
    print(format_issues(issues))
    files = {p.name for p in Path(args.gold).glob("*.json")}
    if not files:
        raise CliError(ExitCode.GOLD_MISMATCH, f"no gold *.json files in {args.gold}")
    unknown = {i.file for i in issues if i.code == "unknown_article"}
    if files <= unknown:
        raise CliError(
            ExitCode.GOLD_MISMATCH,
            f"none of the {len(files)} gold files of {args.gold} describes an article of "
            f"{args.raw} (is it the corpus the gold was made from?)",
        )
    errors = [i for i in issues if i.severity == "error" or args.strict]
    return ExitCode.FAILED if errors else ExitCode.OK


def write_eval_report(
    out: Path, gold: Path, report: Path, fmt: str | None = None, raw: Path | None = None
) -> Path:
    """Write the HTML or Markdown report of an output folder against gold."""
    from timeline.report import evaluate_output, write_report

    return write_report(report, evaluate_output(out, gold, raw), fmt)


def _cmd_report(args: argparse.Namespace) -> int:
    check_gold_matches(args.out, args.gold)
    path = write_eval_report(args.out, args.gold, args.output, args.format, args.raw)
    print(f"report written to {path}")
    return 0


def check_gold_matches(out: Path, gold: Path) -> None:
    """Refuse to score when no gold file describes an article of the output folder.

    The articles are those of ``articles.parquet`` (any status: a gold article that
    was skipped is scored as found nothing) or, without it, of ``timexes.parquet``.
    A partial overlap is scored, with a one-line note of what is missing.
    """
    from timeline.evaluate import load_gold
    from timeline.tables import read_table

    if not out.is_dir():
        raise FileNotFoundError(f"output folder not found: {out} (run `timeline extract` first)")
    ids = set(load_gold(gold))
    if not ids:
        raise CliError(ExitCode.GOLD_MISMATCH, f"no gold *.json files in {gold}")
    for name in ("articles", "timexes"):
        if (out / f"{name}.parquet").is_file():
            produced = set(read_table(out, name)["article_id"].dropna())
            break
    else:
        raise FileNotFoundError(f"no articles.parquet in {out} (run `timeline extract` first)")
    missing = ids - produced
    if missing == ids:
        raise CliError(
            ExitCode.GOLD_MISMATCH,
            f"none of the {len(ids)} gold articles of {gold} is in {out} "
            "(was the output made from the corpus the gold describes?)",
        )
    if missing:
        listed = ", ".join(sorted(missing)[:5]) + (", ..." if len(missing) > 5 else "")
        print(
            f"timeline: note: {len(missing)} gold article(s) not in {out}, scored as "
            f"found nothing: {listed}",
            file=sys.stderr,
        )


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``gold draft``, ``gold check`` and ``report`` to ``timeline``'s subcommands."""
    gold = sub.add_parser("gold", help="author and check gold files (GOLD.md)")
    gold_sub = gold.add_subparsers(dest="gold_command", required=True)

    draft = gold_sub.add_parser(
        "draft", help="write a gold file pre-filled from the current predictions"
    )
    draft.add_argument("raw", type=Path, help="corpus folder holding the article")
    draft.add_argument("article_id", help="id of the article to draft")
    draft.add_argument("-o", "--output", type=Path, required=True, help="gold JSON to write")
    draft.add_argument("--now", type=iso_date, help="reference date for the run")
    draft.add_argument("--force", action="store_true", help="overwrite an existing file")
    draft.set_defaults(func=_cmd_gold_draft)

    check = gold_sub.add_parser("check", help="validate gold files against their raw texts")
    check.add_argument("gold", type=Path, help="folder of gold *.json files")
    check.add_argument("--raw", type=Path, required=True, help="corpus folder the gold describes")
    check.add_argument("--now", type=iso_date, help="reference date for reading the corpus")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(func=_cmd_gold_check)

    report = sub.add_parser("report", help="write an HTML or Markdown evaluation report")
    report.add_argument("out", type=Path, help="output folder of `timeline extract`")
    report.add_argument("gold", type=Path, help="folder of gold *.json files")
    report.add_argument("-o", "--output", type=Path, required=True, help="report file")
    report.add_argument(
        "--format", choices=("html", "md"), help="default: md for *.md files, else html"
    )
    report.add_argument("--raw", type=Path, help="corpus folder, to show each error's sentence")
    report.set_defaults(func=_cmd_report)
