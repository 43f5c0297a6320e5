"""The command line's exit codes, defined once, and the error that carries one.

Scripts can rely on these numbers (docs/cli.md lists them). Every error is one
line on standard error, ``timeline: error: <what> (<what to do>)``.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["CliError", "ExitCode"]


class ExitCode(IntEnum):
    """Exit status of every ``timeline`` command."""

    OK = 0
    FAILED = 1  # the command ran and the answer is no: gold check errors, models not ready
    USAGE = 2  # bad command line (argparse's own code): unknown option, bad --now
    NOT_FOUND = 3  # an input path (corpus, output folder, gold folder, article id) is missing
    NO_ARTICLES = 4  # the corpus holds no records, or none of them is usable
    GOLD_MISMATCH = 5  # the gold folder holds no gold file for any article of the output
    BAD_DATA = 6  # an input file breaks its format: a gold file, a table that is not ours
    CANNOT_WRITE = 7  # the output folder or file cannot be created, written or replaced
    UNAVAILABLE = 8  # an optional component is missing: stanza or its models, dask
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, the shell convention)


class CliError(Exception):
    """An error a command reports with its exit code; the message is one line."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code
