"""``timeline models install`` and ``timeline models status``: stanza's Arabic models.

The models are fetched by stanza's own downloader (``stanza.download``) into
stanza's standard resources folder (``$STANZA_RESOURCES_DIR`` or stanza's
default), or into ``--dir``. Only ``install`` imports stanza; ``status`` reports
what is on disk without loading anything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from timeline.backends import (
    LANG,
    PROCESSORS,
    missing_models,
    resources_dir,
    stanza_importable,
)
from timeline.cli_exit import CliError, ExitCode

__all__ = ["add_commands"]

_NO_STANZA = 'stanza is not installed: pip install "timeline[stanza]" (see docs/stanza.md)'


def _cmd_install(args: argparse.Namespace) -> int:
    if not stanza_importable():
        raise CliError(ExitCode.UNAVAILABLE, _NO_STANZA)
    import stanza

    root = resources_dir(args.dir)
    print(f"downloading stanza's Arabic models ({', '.join(PROCESSORS)}) to {root} ...")
    try:
        stanza.download(LANG, model_dir=str(root), processors=",".join(PROCESSORS))
    except Exception as exc:  # network, proxy, disk: stanza raises many kinds
        print(f"timeline: error: download failed: {exc}", file=sys.stderr)
        return 1
    missing = missing_models(root)
    if missing:
        print(
            f"timeline: error: still missing after download: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 1
    hint = "" if args.dir is None else f" (set STANZA_RESOURCES_DIR={root} to use them)"
    print(f"installed; `--backend stanza` and `--backend auto` will use them{hint}")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    root = resources_dir(args.dir)
    print(f"stanza package: {'installed' if stanza_importable() else 'not installed'}")
    print(f"resources dir:  {root}")
    missing = set(missing_models(root))
    for processor in PROCESSORS:
        folder = root / LANG / processor
        files = sorted(p.name for p in folder.glob("*.pt")) if folder.is_dir() else []
        mark = "missing" if f"{LANG}/{processor}" in missing else ", ".join(files)
        print(f"  {LANG}/{processor:9} {mark}")
    ready = stanza_importable() and not missing
    print(f"backend stanza: {'ready' if ready else 'unavailable'}", end="")
    if not ready:
        fix = _NO_STANZA if not stanza_importable() else "run `timeline models install`"
        print(f" ({fix})", end="")
    print()
    return 0 if ready else 1


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``models install`` and ``models status`` to ``timeline``'s subcommands."""
    models = sub.add_parser("models", help="install or inspect the optional stanza models")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    install = models_sub.add_parser(
        "install", help="download stanza's Arabic models with stanza's own downloader"
    )
    install.add_argument(
        "--dir", type=Path, help="resources folder (default: stanza's standard folder)"
    )
    install.set_defaults(func=_cmd_install)
    status = models_sub.add_parser("status", help="which stanza models are installed, and where")
    status.add_argument("--dir", type=Path, help="resources folder to inspect")
    status.set_defaults(func=_cmd_status)
