"""Coverage-guided fuzzing of the text → time expressions / event mentions path (atheris).

Run from the repository root (``pip install -e .[fuzz]``; one process)::

    PYTHONPATH=src python tests/fuzz/fuzz_pipeline.py tests/fuzz/corpus -max_total_time=600
    python bench/fuzz.py --minutes 10          # the same, with a summary at the end

Any libFuzzer flag works (``-runs=``, ``-max_len=``, ``-jobs=``...). New inputs
that reach new code are added to the first corpus folder given; pass a scratch
copy to keep ``tests/fuzz/corpus`` (the hand-written seeds) as it is. A crash
is written to ``crash-<sha1>`` in the current folder; replay it with
``python tests/fuzz/fuzz_pipeline.py crash-<sha1>``.

Input format: the first 3 bytes pick the document date (an ordinal day from
0001-01-01 to 9999-12-31, wrapped), the rest is the article text as UTF-8
(invalid bytes become U+FFFD), so seeds are plain Arabic text with a 3-byte
prefix and mutations stay mostly Arabic. The invariants are those of the
property tests (``tests/fuzz/invariants.py``). Not a pytest module: the normal
test suite does not need atheris.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["timeline"]):
    from invariants import check_article

FIRST = date(1, 1, 1).toordinal()
DAYS = date(9999, 12, 31).toordinal() - FIRST + 1


def decode(data: bytes) -> tuple[str, date]:
    """The (text, DCT) a fuzz input stands for."""
    day = int.from_bytes(data[:3].ljust(3, b"\0"), "big") % DAYS
    return data[3:].decode("utf-8", errors="replace"), date.fromordinal(FIRST + day)


def encode(text: str, dct: date) -> bytes:
    """A fuzz input for (text, DCT): how the seed corpus is written."""
    return (dct.toordinal() - FIRST).to_bytes(3, "big") + text.encode("utf-8")


def one_input(data: bytes) -> None:
    text, dct = decode(data)
    check_article(text, dct)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
