"""Command line for gold authoring and reports: ``timeline gold draft|check``, ``timeline report``.

:func:`add_commands` registers them on ``timeline``'s subparsers (``cli.build_parser``);
the heavy imports happen inside the commands, so ``timeline --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from timeline.cli_args import iso_date

__all__ = ["add_commands", "write_eval_report"]


def _cmd_gold_draft(args: argparse.Namespace) -> int:
    from timeline.gold import write_draft

    try:
        path = write_draft(args.raw, args.article_id, args.output, now=args.now, force=args.force)
    except (KeyError, FileExistsError) as exc:
        print(f"timeline: error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    print(f'draft gold for {args.article_id} written to {path} ("draft": true: review it)')
    return 0


def _cmd_gold_check(args: argparse.Namespace) -> int:
    from timeline.gold import check_gold, format_issues

    issues = check_gold(args.gold, args.raw, now=args.now)
    print(format_issues(issues))
    errors = [i for i in issues if i.severity == "error" or args.strict]
    return 1 if errors else 0


def write_eval_report(
    out: Path, gold: Path, report: Path, fmt: str | None = None, raw: Path | None = None
) -> Path:
    """Write the HTML or Markdown report of an output folder against gold."""
    from timeline.report import evaluate_output, write_report

    return write_report(report, evaluate_output(out, gold, raw), fmt)


def _cmd_report(args: argparse.Namespace) -> int:
    path = write_eval_report(args.out, args.gold, args.output, args.format, args.raw)
    print(f"report written to {path}")
    return 0


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
