"""Adversarial articles: does any layer take more than linear time in the text's length?

Run from the repository root::

    python bench/adversarial.py                     # 0.25, 0.5 and 1 MB, every kind
    python bench/adversarial.py --sizes 64,128,256  # sizes in KB (1 KB = 1,000 bytes)
    python bench/adversarial.py --kinds digits,no-spaces --markdown
    python bench/adversarial.py --json

Each *kind* below builds one article of a given size (UTF-8 bytes, 1 MB = 10^6
bytes) by repeating a piece made to stress one part of the pipeline: long token
runs a regex could backtrack over, thousands of matches of the same rule, one
sentence or one clause holding thousands of triggers, names and dates, text with
no token boundaries at all. Pieces are drawn with a fixed seed, so an article is
the same on every run.

Two things are timed per article, with ``time.process_time`` (CPU time of this
process, so other jobs on a shared machine count less), best of ``--repeat`` runs
(default 1):

- ``temporal``: ``timeline.temporal.analyse_text`` (normalise, tokenise,
  recognise and resolve every time expression);
- ``pipeline``: ``timeline.pipeline.process_article`` (the above plus triggers,
  status, participants and places, dating).

The table has one row per kind: seconds per size for each, and ``×`` the ratio of
the largest size's time to the smallest's. Linear growth gives the size ratio (4
for 1 MB / 0.25 MB); quadratic growth 16. The bars (issue 8): ``temporal`` at most
about a second on 1 MB, ``pipeline`` ratio close to the size ratio.

Progress goes to stderr, the table to stdout. ``tests/test_adversarial.py`` runs the
same builders at small sizes and checks the growth, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import table_lines
from timeline.model import Article
from timeline.pipeline import process_article
from timeline.temporal import analyse_text

DCT = date(2021, 5, 6)
SEED = 8

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "تموز", "آب", "رمضان", "شعبان"]
NUMBER_WORDS = ["ثلاثة", "عشرين", "ألف", "مئة", "خمسة", "وعشرين", "الأول", "الثاني", "عشرة"]
TRIGGERS = ["اجتماع", "هجوم", "اتفاق", "والتقى", "قمة", "محادثات", "الاجتماع", "وقع", "غارة"]
NAMES = [
    "مصر", "الأردن", "قطر", "واشنطن", "طهران", "الرئيس", "وزير الخارجية", "محمد",
    "بن سلمان", "الأمم المتحدة", "حماس", "إسرائيل", "في القاهرة", "مع", "بين", "و",
]  # fmt: skip
TIME_WORDS = ["أمس", "اليوم", "غدا", "الأحد", "الماضي", "المقبل", "قبل", "بعد", "منذ", "خلال"]
CLITICS = ["و", "ف", "ب", "ل", "ك", "وب", "وبال", "فبال", "ولل", "وك", "س", "ال"]
LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىة"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640"
BIDI = "\u200f\u200e\u202b\u202c\u2067\u2069\u061c"


def _digits(rng: random.Random) -> str:
    # runs of every length, some longer than the 4,300 digits Python reads as an int
    size = rng.choice([3, 4, 20, 997, 5000])
    return "".join(rng.choice("0123456789") for _ in range(size)) + rng.choice([" ", "/", ""])


def _arabic_digits(rng: random.Random) -> str:
    size = rng.choice([2, 4, 997, 5000])
    return "".join(rng.choice("٠١٢٣٤٥٦٧٨٩۰۱۲") for _ in range(size)) + rng.choice([" ", "/"])


def _spaced_digits(rng: random.Random) -> str:
    return " ".join(str(rng.choice([1, 12, 31, 2021, 1445, 99999])) for _ in range(50)) + " "


def _months_spaced(rng: random.Random) -> str:
    return " ".join(rng.choice([*MONTHS, "الماضي", "المقبل", "من", "إلى", "و"]) for _ in range(50))


def _months_glued(rng: random.Random) -> str:
    return "".join(rng.choice(MONTHS) for _ in range(50))


def _clitics(rng: random.Random) -> str:
    words = MONTHS + TRIGGERS + ["اجتماعات", "هجمات", "الأسبوع", "العام", "يوم", "ـ"]
    return " ".join(rng.choice(CLITICS) + rng.choice(words) for _ in range(40)) + " وبالـ" * 5


def _number_words(rng: random.Random) -> str:
    pool = [*NUMBER_WORDS, "يوما", "أيام", "سنة", "من", "و", "قبل", "بعد"]
    return " ".join(rng.choice(pool) for _ in range(50)) + " "


def _no_spaces(rng: random.Random) -> str:
    pool = MONTHS + NUMBER_WORDS + TRIGGERS + NAMES + TIME_WORDS + ["2021", "15", "/"]
    return "".join(rng.choice(pool) for _ in range(60))


def _one_sentence(rng: random.Random) -> str:
    pool = TRIGGERS + NAMES + TIME_WORDS + MONTHS + ["15", "2021", "قال", "إن", "أن", "الذي"]
    return " ".join(rng.choice(pool) for _ in range(60)) + " "


def _tiny_sentences(rng: random.Random) -> str:
    return " ".join(
        rng.choice(TRIGGERS) + rng.choice([".", "!", "؟", "\n", "."]) for _ in range(60)
    )


def _triggers_names(rng: random.Random) -> str:
    parts = []
    for _ in range(8):
        parts.append(rng.choice(TRIGGERS))
        parts.extend(rng.choice(NAMES) for _ in range(4))
        parts.append(rng.choice([*TIME_WORDS, "15 مارس", "الأحد الماضي", "بعد أقل من أسبوع"]))
    return " ".join(parts) + rng.choice(["، ", " . ", " "])


def _random_letters(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS + "   ") for _ in range(400))


def _slashes(rng: random.Random) -> str:
    sep = rng.choice(["/", "-", ".", ":", "/", " / "])
    return sep.join(rng.choice(["1", "12", "2021"]) for _ in range(200)) + " "


def _marks(rng: random.Random) -> str:
    # diacritics and tatweel inside words, and runs of them standing alone
    word = rng.choice(MONTHS + TRIGGERS + TIME_WORDS)
    run = "".join(rng.choice(MARKS) for _ in range(rng.randint(1, 200)))
    inside = "".join(ch + rng.choice(MARKS) * rng.randint(0, 30) for ch in word)
    return inside + " " + run + " "


def _bidi(rng: random.Random) -> str:
    text = " ".join(rng.choice(MONTHS + TRIGGERS + TIME_WORDS + ["2021", "15"]) for _ in range(20))
    return "".join(ch + rng.choice(BIDI) for ch in text) + " "


def _punctuation(rng: random.Random) -> str:
    return "".join(rng.choice("،,.:/-()!؟?\n\t ") for _ in range(300))


def _weak_words(rng: random.Random) -> str:
    # Prepositions and modifiers the tokenizer keeps only near a strong word.
    pool = ["قبل", "بعد", "منذ", "خلال", "من", "إلى", "حتى", "حوالي", "نحو", "أقل", "أكثر", "في"]
    return " ".join(rng.choice(pool) for _ in range(60)) + " يوم "


def _ranges(rng: random.Random) -> str:
    pieces = ["من", "15", "إلى", "20", "مارس", "و", "بين", "2021", "حتى", "-"]
    return " ".join(rng.choice(pieces) for _ in range(80)) + " "


KINDS: dict[str, Callable[[random.Random], str]] = {
    "digits": _digits,
    "arabic-digits": _arabic_digits,
    "spaced-digits": _spaced_digits,
    "months": _months_spaced,
    "months-glued": _months_glued,
    "clitics": _clitics,
    "number-words": _number_words,
    "no-spaces": _no_spaces,
    "one-sentence": _one_sentence,
    "tiny-sentences": _tiny_sentences,
    "triggers-names": _triggers_names,
    "random-letters": _random_letters,
    "slashes": _slashes,
    "marks": _marks,
    "bidi": _bidi,
    "punctuation": _punctuation,
    "weak-words": _weak_words,
    "ranges": _ranges,
}


def build(kind: str, size: int, seed: int = SEED) -> str:
    """An article of ``kind`` of about ``size`` UTF-8 bytes (never more)."""
    rng = random.Random(f"{seed}/{kind}")
    make = KINDS[kind] if kind != "mixed" else None
    pieces: list[str] = []
    total = 0
    while total < size:
        piece = make(rng) if make else KINDS[rng.choice(sorted(KINDS))](rng)
        pieces.append(piece)
        total += len(piece.encode("utf-8"))
    text = "".join(pieces)
    # cut back to the size in bytes (characters are 1 to 3 bytes)
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


ALL_KINDS = [*KINDS, "mixed"]


def temporal(text: str) -> int:
    return len(analyse_text(text, DCT, "adv").timexes)


def pipeline(text: str) -> int:
    return len(process_article(Article("adv", DCT, text)).events.mentions)


def seconds(run: Callable[[str], int], text: str, repeat: int = 1) -> tuple[float, int]:
    """Best CPU time of ``repeat`` runs, and what the run counted."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        t0 = time.process_time()
        count = run(text)
        best = min(best, time.process_time() - t0)
    return best, count


@dataclass
class Row:
    kind: str
    sizes: list[int]
    temporal_s: list[float]
    pipeline_s: list[float]
    timexes: list[int]
    mentions: list[int]

    def ratio(self, times: list[float]) -> float:
        return times[-1] / max(times[0], 1e-4)


def measure(kind: str, sizes: list[int], repeat: int = 1) -> Row:
    row = Row(kind, sizes, [], [], [], [])
    for size in sizes:
        text = build(kind, size)
        s, n = seconds(temporal, text, repeat)
        row.temporal_s.append(s)
        row.timexes.append(n)
        s, n = seconds(pipeline, text, repeat)
        row.pipeline_s.append(s)
        row.mentions.append(n)
    return row


def measure_all(kinds: list[str], sizes: list[int], repeat: int = 1) -> Iterator[Row]:
    pipeline(build("mixed", 2000))  # load lexicons and compile rules before timing
    for kind in kinds:
        print(f"{kind} ...", file=sys.stderr, flush=True)
        yield measure(kind, sizes, repeat)


def _mb(size: int) -> str:
    return f"{size / 1e6:g} MB" if size >= 100_000 else f"{size / 1e3:g} KB"


def render(rows: list[Row], markdown: bool) -> str:
    sizes = rows[0].sizes
    headers = [
        "kind",
        *(f"temporal {_mb(s)}" for s in sizes),
        "×",
        *(f"pipeline {_mb(s)}" for s in sizes),
        "×",
        "timexes",
        "mentions",
    ]
    cells = [
        [
            r.kind,
            *(f"{s:.2f}" for s in r.temporal_s),
            f"{r.ratio(r.temporal_s):.1f}",
            *(f"{s:.2f}" for s in r.pipeline_s),
            f"{r.ratio(r.pipeline_s):.1f}",
            f"{r.timexes[-1]:,}",
            f"{r.mentions[-1]:,}",
        ]
        for r in rows
    ]
    note = (
        f"Seconds of CPU time (time.process_time, best of the runs) per article; × is the "
        f"{_mb(sizes[-1])} time over the {_mb(sizes[0])} one (size ratio "
        f"{sizes[-1] / sizes[0]:g}); timexes and mentions found in the {_mb(sizes[-1])} article."
    )
    return "\n".join([*table_lines(headers, cells, markdown=markdown), "", note])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250,500,1000", help="sizes in KB, comma-separated")
    parser.add_argument("--kinds", default=",".join(ALL_KINDS), help="kinds, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per article (best kept)")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(float(s) * 1000) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if unknown:
        parser.error(f"unknown kinds {unknown}; known: {', '.join(ALL_KINDS)}")
    rows = []
    for row in measure_all(kinds, sizes, args.repeat):
        rows.append(row)
        print(
            f"  temporal {[round(s, 3) for s in row.temporal_s]} "
            f"pipeline {[round(s, 3) for s in row.pipeline_s]}",
            file=sys.stderr,
            flush=True,
        )
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print(render(rows, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
