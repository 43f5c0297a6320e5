"""Speed of the whole pipeline (timexes + events + dedup) on one core, at corpus scale.

Run from the repository root::

    python bench/pipeline.py                          # 1k, 10k, 100k + ANT as is
    python bench/pipeline.py --sizes 1000,10000       # quicker (also 1k,10k,100k)
    python bench/pipeline.py --markdown               # a Markdown table for docs/
    python bench/pipeline.py --json                   # machine-readable results
    python bench/pipeline.py --profile                # + cProfile of process_article
    python bench/pipeline.py --ant /path/to/ant_corpus.jsonl.gz

The 100k row takes a few minutes (about 4 minutes of processing at ~450
articles/s, plus building the corpus) and some 2.3 GB of memory.

What is timed, in this one process (no worker processes, so one core), on
``timeline.model.Article`` objects already in memory; reading the corpus and
building the articles are not timed, nor is building DataFrames or writing Parquet:

- ``per-article``: ``timeline.pipeline.process_article(article)`` for every
  article, collecting what ``timeline.pipeline.extract`` collects (all timexes, all
  mentions, the occurred mentions' dedup keys, the trigger codes) into lists;
- ``dedup``: ``timeline.pipeline.timeline_rows(mentions, keys, codes)`` once over
  the whole corpus (deduplication within and across articles, building the event
  rows, giving each mention its event id). It is pure, so it is run ``--repeat``
  times (default 3) and the fastest run is kept; ``dedup µs/mention`` divides that
  by every mention handed to it (occurred or not: all get an event id);
- ``whole``: the two added; ``articles/s`` is articles over that sum.

The clock is ``time.perf_counter``. Python's garbage collector stays on, as in a
real run; the time it takes inside each stage is measured through ``gc.callbacks``
and reported in the JSON (``gc_*_s``). The one-off start-up (import; the first
article, which loads the lexicons, gazetteers and rules; the first dedup call) is
done before any timing and reported on its own.

Corpora (rows of the table). The ANT corpus is read by path from
``../shared/corpora/ant/ant_corpus.jsonl.gz`` (relative to the repository;
``--ant`` to change it), with ``bench/speed.py``'s reader. Its text is only held
in memory, never copied into the project.

- ``news N`` (``--sizes``, default 1,000, 10,000 and 100,000): OUTPUT.md's
  "news-length" articles, about 2,500 characters (``--news-chars``), made exactly as
  ``bench/speed.py`` makes them (``speed.news_length``: consecutive pieces joined
  with a blank line, cut back to a word boundary; dated by the first piece), from
  ANT articles taken pass after pass, since one pass over ANT's 21,466 articles
  gives only about 10,700 of them:

  * pass ``r`` (0, 1, 2, ...) starts ``r`` articles later in file order (wrapping
    round), so a later pass joins different neighbours, and
  * every article of pass ``r`` is dated its own publication date plus
    ``r × --shift-days`` days (default 364: 52 weeks, so weekday names in the text
    still fit the date they are resolved against).

  Pass 0 is ANT with its real dates (mostly February to October 2018, Jawhara FM
  2013-2017). A news-length article takes about 2.6 ANT articles, so a pass gives
  about 8,100 of them: 10,000 articles take 1.2 passes (2013-2019), 100,000 take
  12.3 passes and span 2013-2030, a real ANT year's worth of news in each of the
  years 2018-2030. The
  corpora are nested (the 1k corpus is the start of the 10k one, which is the
  start of the 100k one), and articles come in the order they were built. The
  density of news per day is the same across the passes, so a larger corpus is a
  longer period, as a growing archive is; the 1k corpus, spread over ANT's same
  months, is sparser. Expressions with an explicit year (27 أبريل 2018) are not
  shifted, so later passes' copies of them may merge with earlier ones: a
  retrospective report of an old event, as in real archives.
- ``ant (as is)``: every ANT article (``--ant-limit``, default all) as it is (about
  1,300 characters on average), each against its own publication date.

When the ANT corpus is absent, the news-length rows are built the same way from the
articles of ``data/raw/`` (``--raw``), with passes one week apart (unless
``--shift-days`` is given), the ANT row is left out, and ``--profile`` runs on those;
the output says so. With five seed articles repeated that often, their dedup
figures are not representative of a real corpus.

Columns: ``articles``; ``mean chars``; ``dates`` (the years the publication dates
span); ``articles/s`` (whole pipeline); ``per-article µs`` (``process_article`` per
article, lists included); ``dedup s`` and ``dedup µs/mention``; ``timexes``,
``mentions`` (all statuses), ``occurred`` (mentions that enter dedup) and
``events`` (timeline rows); ``peak RSS`` (the process's peak resident set size
during the row: building its corpus, processing and dedup, in MB of 10^6 bytes. The
kernel's high-water mark is reset before each row through ``/proc/self/clear_refs``
where Linux allows it; otherwise it is ``getrusage``'s high-water mark of the whole
process so far and the output says so. It includes the interpreter, the lexicons
and the ANT source articles (about 100 MB), held for all rows).

Below the table: how the dedup cost grows, as the ratio of ``dedup µs/mention``
between the largest and the smallest news corpus (1.0 = linear; 10 from 1k to 100k
would be quadratic) and as the exponent ``log(dedup s ratio) / log(mentions ratio)``
between consecutive sizes (1 = linear, 2 = quadratic).

``--profile``: cProfile of ``process_article`` over 2,000 news-length articles (the
start of the news corpus; ``--profile-articles``), top 25 functions by own time.

Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import pstats
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from itertools import count, pairwise
from pathlib import Path
from typing import Any

from rss import status_bytes
from speed import (
    ANT_DEFAULT,
    RAW,
    Doc,
    iter_ant,
    load_seeds,
    machine_info,
    news_length,
    peak_rss_mb,
    report_parser,
    table_lines,
)
from timeline.model import Article

ANT_SHIFT_DAYS = 364  # 52 weeks: weekdays stay where the text puts them
SEED_SHIFT_DAYS = 7
PROGRESS_EVERY = 20_000


@dataclass
class Row:
    corpus: str
    articles: int
    mean_chars: float
    first_date: str
    last_date: str
    source_passes: float  # passes over the source corpus the row's articles took
    per_article_s: float
    dedup_s: float
    dedup_runs: list[float]
    whole_s: float
    articles_per_s: float
    per_article_us: float
    per_article_articles_per_s: float
    dedup_us_per_mention: float
    dedup_us_per_article: float
    timexes: int
    mentions: int
    occurred: int
    events: int
    events_multi_article: int  # rows merged from two or more articles
    gc_per_article_s: float
    gc_dedup_s: float
    peak_rss_mb: float
    note: str = ""


@dataclass
class Report:
    machine: dict[str, str]
    startup: dict[str, float]
    rss_scope: str
    rows: list[Row] = field(default_factory=list)
    growth: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    profile: str | None = None


def log(message: str) -> None:
    print(f"[pipeline] {message}", file=sys.stderr, flush=True)


# -- memory and GC ---------------------------------------------------------------------


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark for this process (Linux >= 4.0); False if not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def row_peak_rss_mb(reset_ok: bool) -> float:
    """Peak RSS since the last reset (VmHWM), or the whole run's (getrusage), in MB."""
    peak = status_bytes("self", "VmHWM") if reset_ok else None
    return peak / 1e6 if peak is not None else peak_rss_mb()


class GcClock:
    """Time spent in the garbage collector, through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start: float | None = None

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        elif self._start is not None:
            self.seconds += time.perf_counter() - self._start
            self._start = None

    def take(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return seconds


# -- corpora ---------------------------------------------------------------------------


def in_passes(source: list[Doc], shift_days: int) -> Iterator[Doc]:
    """``source`` pass after pass, without end: pass ``r`` starts ``r`` documents later
    (wrapping round) and is dated ``r × shift_days`` days later."""
    n = len(source)
    for r in count():
        shift = timedelta(days=r * shift_days)
        for j in range(n):
            doc = source[(j + r) % n]
            yield Doc(doc.id, doc.dct + shift, doc.text)


def news_corpus(
    source: list[Doc], n: int, chars: int, shift_days: int
) -> tuple[list[Article], float]:
    """``n`` news-length articles built pass after pass; also the passes they took."""
    docs, used = news_length(in_passes(source, shift_days), n, chars)
    return [Article(d.id, d.dct, d.text) for d in docs], used / len(source)


def as_articles(docs: list[Doc]) -> list[Article]:
    return [Article(d.id, d.dct, d.text) for d in docs]


def parse_sizes(value: str) -> list[int]:
    sizes = []
    for part in value.split(","):
        part = part.strip().lower()
        if not part:
            continue
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        sizes.append(int(float(part.rstrip("km")) * scale))
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(f"sizes must be positive: {value!r}")
    return sorted(set(sizes))


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


# -- measuring -------------------------------------------------------------------------


def measure(
    name: str,
    articles: list[Article],
    passes: float,
    repeat: int,
    clock: GcClock,
    reset_ok: bool,
    note: str = "",
) -> Row:
    from timeline.pipeline import collector_paused, process_article, timeline_rows

    n = len(articles)
    log(f"{name}: {n:,} articles, process_article ...")
    timexes: list[Any] = []
    mentions: list[Any] = []
    keys: list[Any] = []
    codes: dict[str, tuple[str, str]] = {}
    gc.collect()
    clock.take()
    start = time.perf_counter()
    with collector_paused():  # as extract() runs it
        for i, article in enumerate(articles, 1):
            result = process_article(article)
            timexes.extend(result.timexes)
            mentions.extend(result.events.mentions)
            keys.extend(result.events.keys)
            codes.update(result.events.codes)
            if i % PROGRESS_EVERY == 0:
                log(f"{name}: {i:,} articles, {i / (time.perf_counter() - start):,.0f}/s")
    per_article = time.perf_counter() - start
    gc_per_article = clock.take()

    log(f"{name}: timeline_rows over {len(mentions):,} mentions ({len(keys):,} occurred) ...")
    runs: list[float] = []
    gc_runs: list[float] = []
    events: list[Any] = []
    for _ in range(max(1, repeat)):
        events = []  # drop the last run's rows before the next one
        gc.collect()
        clock.take()
        start = time.perf_counter()
        with collector_paused():
            events, _ = timeline_rows(mentions, keys, codes)
        runs.append(time.perf_counter() - start)
        gc_runs.append(clock.take())
    best = min(range(len(runs)), key=runs.__getitem__)
    dedup = runs[best]
    whole = per_article + dedup
    rss = row_peak_rss_mb(reset_ok)
    dates = [a.published for a in articles]
    return Row(
        corpus=name,
        articles=n,
        mean_chars=sum(len(a.text) for a in articles) / n,
        first_date=min(dates).isoformat(),
        last_date=max(dates).isoformat(),
        source_passes=passes,
        per_article_s=per_article,
        dedup_s=dedup,
        dedup_runs=runs,
        whole_s=whole,
        articles_per_s=n / whole,
        per_article_us=per_article / n * 1e6,
        per_article_articles_per_s=n / per_article,
        dedup_us_per_mention=dedup / max(1, len(mentions)) * 1e6,
        dedup_us_per_article=dedup / n * 1e6,
        timexes=len(timexes),
        mentions=len(mentions),
        occurred=len(keys),
        events=len(events),
        events_multi_article=sum(1 for e in events if e.n_articles > 1),
        gc_per_article_s=gc_per_article,
        gc_dedup_s=gc_runs[best],
        peak_rss_mb=rss,
        note=note,
    )


def _exponent(a_s: float, b_s: float, a_n: int, b_n: int) -> float | None:
    """``k`` in ``seconds ∝ mentions^k`` between two corpora."""
    if b_n <= a_n or a_s <= 0 or b_s <= 0:
        return None
    return math.log(b_s / a_s) / math.log(b_n / a_n)


def growth(rows: list[Row]) -> dict[str, Any]:
    """How the dedup cost grows with the corpus: per-mention ratio and log-log exponents."""
    if len(rows) < 2:
        return {}
    first, last = rows[0], rows[-1]
    steps = []
    for a, b in pairwise(rows):
        exponent = _exponent(a.dedup_s, b.dedup_s, a.mentions, b.mentions)
        steps.append(
            {
                "from": a.corpus,
                "to": b.corpus,
                "us_per_mention_ratio": b.dedup_us_per_mention / a.dedup_us_per_mention,
                "exponent": exponent,
                "exponent_without_gc": _exponent(
                    a.dedup_s - a.gc_dedup_s, b.dedup_s - b.gc_dedup_s, a.mentions, b.mentions
                ),
            }
        )
    return {
        "from": first.corpus,
        "to": last.corpus,
        "mentions_ratio": last.mentions / first.mentions,
        "us_per_mention_ratio": last.dedup_us_per_mention / first.dedup_us_per_mention,
        "steps": steps,
    }


def profile(articles: list[Article], top: int = 25) -> str:
    from timeline.pipeline import process_article

    log(f"profiling process_article on {len(articles):,} articles with cProfile ...")
    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        process_article(article)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats("tottime").print_stats(top)
    return buffer.getvalue()


# -- output ----------------------------------------------------------------------------

HEADERS = [
    "corpus",
    "articles",
    "mean chars",
    "dates",
    "articles/s",
    "per-article µs",
    "dedup s",
    "dedup µs/mention",
    "timexes",
    "mentions",
    "occurred",
    "events",
    "peak RSS (MB)",
]


def cells(row: Row) -> list[str]:
    years = row.first_date[:4], row.last_date[:4]
    return [
        row.corpus,
        f"{row.articles:,}",
        f"{row.mean_chars:,.0f}",
        years[0] if years[0] == years[1] else f"{years[0]}–{years[1]}",
        f"{row.articles_per_s:,.0f}",
        f"{row.per_article_us:,.0f}",
        f"{row.dedup_s:.2f}",
        f"{row.dedup_us_per_mention:.1f}",
        f"{row.timexes:,}",
        f"{row.mentions:,}",
        f"{row.occurred:,}",
        f"{row.events:,}",
        f"{row.peak_rss_mb:,.0f}",
    ]


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def growth_lines(g: dict[str, Any]) -> list[str]:
    if not g:
        return []
    lines = [
        f"dedup growth {g['from']} → {g['to']}: µs/mention × {g['us_per_mention_ratio']:.2f} "
        f"for × {g['mentions_ratio']:.0f} mentions (1.0 = linear; "
        f"{g['mentions_ratio']:.0f} would be quadratic)"
    ]
    for s in g["steps"]:
        exponent = _fmt(s["exponent"])
        lines.append(
            f"  {s['from']} → {s['to']}: µs/mention × {s['us_per_mention_ratio']:.2f}; "
            f"dedup s ∝ mentions^{exponent} (1 = linear, 2 = quadratic); "
            f"without GC time ^{_fmt(s['exponent_without_gc'])}"
        )
    return lines


def render_text(report: Report, markdown: bool) -> str:
    m = report.machine
    s = report.startup
    machine = (
        f"{m['cpu']} ({m['logical_cpus']} logical CPUs, 1 used); {m['python']}; "
        f"load average at start {m['loadavg']}"
    )
    startup = (
        f"import timeline.pipeline {s['import_s'] * 1e3:.0f} ms; first article (lexicons, "
        f"gazetteers, rules) {s['first_article_s'] * 1e3:.0f} ms; first dedup "
        f"{s['first_dedup_s'] * 1e3:.1f} ms"
    )
    rows = [cells(r) for r in report.rows]
    glines = growth_lines(report.growth)
    lines: list[str] = []
    if markdown:
        lines.append(f"Machine: {machine}.  ")
        lines.append(f"Start-up (once per process, not in the table): {startup}.")
        lines.append("")
        lines.extend(table_lines(HEADERS, rows, markdown=True))
        if glines:
            lines.append("")
            lines.append("```")
            lines.extend(glines)
            lines.append("```")
        lines.append("")
        lines.extend(f"- {n}" for n in report.notes)
    else:
        lines.append(f"machine: {machine}")
        lines.append(f"start-up: {startup}")
        lines.append("")
        lines.extend(table_lines(HEADERS, rows, markdown=False))
        if glines:
            lines.append("")
            lines.extend(glines)
        lines.append("")
        lines.extend(f"note: {n}" for n in report.notes)
    if report.profile:
        lines.append("")
        lines.append("cProfile of process_article, top functions by own time:")
        body = report.profile.rstrip()
        lines.append(f"```\n{body}\n```" if markdown else body)
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = report_parser("Speed of the whole pipeline (timexes + events + dedup) on one core.")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[1_000, 10_000, 100_000],
        help="news-length corpus sizes (default 1000,10000,100000; 1k,10k also work)",
    )
    parser.add_argument("--ant", type=Path, default=ANT_DEFAULT, help="ANT jsonl.gz path")
    parser.add_argument("--raw", type=Path, default=RAW, help="fallback corpus (data/raw)")
    parser.add_argument(
        "--ant-limit", type=int, default=0, help="ANT articles in the as-is row (0 = all)"
    )
    parser.add_argument("--no-ant-row", action="store_true", help="skip the ANT as-is row")
    parser.add_argument(
        "--news-chars", type=int, default=2500, help="news-length size in chars (default 2500)"
    )
    parser.add_argument(
        "--shift-days",
        type=int,
        default=None,
        help=f"days between passes over the source (default {ANT_SHIFT_DAYS}; "
        f"{SEED_SHIFT_DAYS} for the data/raw fallback)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="dedup runs per row, best kept")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile process_article, top 25 by own time"
    )
    parser.add_argument(
        "--profile-articles", type=int, default=2000, help="articles profiled (default 2000)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    clock = GcClock()
    gc.callbacks.append(clock)
    reset_ok = reset_peak_rss()
    report = Report(
        machine=machine_info(),
        startup={},
        rss_scope="per row (VmHWM reset)" if reset_ok else "whole process so far",
    )

    start = time.perf_counter()
    from timeline.pipeline import process_article, timeline_rows

    report.startup["import_s"] = time.perf_counter() - start

    ant_ok = args.ant.is_file()
    if ant_ok:
        log(f"reading ANT from {args.ant} ...")
        source = list(iter_ant(args.ant))
        shift_days = ANT_SHIFT_DAYS if args.shift_days is None else args.shift_days
        origin = "ANT"
        report.notes.append(
            f"ANT corpus read by path from {args.ant} (outside the project; its text is "
            f"held in memory only, never copied into it): {len(source):,} articles."
        )
    else:
        source = load_seeds(args.raw)
        shift_days = SEED_SHIFT_DAYS if args.shift_days is None else args.shift_days
        origin = args.raw.name
        report.notes.append(
            f"ANT corpus not found at {args.ant}: news-length rows built from the "
            f"{len(source)} articles of {args.raw} instead (their dedup figures are not "
            "representative); no ANT row."
        )
    if not source:
        log("no usable source articles")
        return 1

    # Start-up: the first article loads lexicons, gazetteers and rules; the first
    # dedup call loads the place gazetteer.
    probe = Article(source[0].id, source[0].dct, source[0].text)
    start = time.perf_counter()
    first = process_article(probe)
    report.startup["first_article_s"] = time.perf_counter() - start
    for doc in source[1:50]:  # an article with occurred mentions, for the first dedup
        if first.events.keys:
            break
        first = process_article(Article(doc.id, doc.dct, doc.text))
    start = time.perf_counter()
    timeline_rows(first.events.mentions, first.events.keys, first.events.codes)
    report.startup["first_dedup_s"] = time.perf_counter() - start

    news_rows: list[Row] = []
    for n in args.sizes:
        reset_peak_rss()
        log(f"building {n:,} news-length articles ...")
        articles, passes = news_corpus(source, n, args.news_chars, shift_days)
        if len(articles) < n:
            report.notes.append(f"only {len(articles):,} of {n:,} news-length articles built.")
        row = measure(
            f"news {size_label(n)}",
            articles,
            passes,
            args.repeat,
            clock,
            reset_ok,
            note=f"{passes:.2f} passes over {origin}, {shift_days} days apart",
        )
        news_rows.append(row)
        report.rows.append(row)
        del articles
        gc.collect()

    if ant_ok and not args.no_ant_row:
        reset_peak_rss()
        limit = args.ant_limit or len(source)
        articles = as_articles(source[:limit])
        report.rows.append(
            measure(
                "ant (as is)",
                articles,
                len(articles) / len(source),
                args.repeat,
                clock,
                reset_ok,
                note="ANT articles as they are, own dates",
            )
        )
        del articles
        gc.collect()

    report.growth = growth(news_rows)
    report.notes.append(
        f"news rows: ~{args.news_chars:,}-character articles joined from {origin} articles "
        f"taken pass after pass; pass r starts r articles later and is dated r × "
        f"{shift_days} days later. Passes used: "
        + ", ".join(f"{r.corpus} {r.source_passes:.2f}" for r in news_rows)
        + "."
    )
    report.notes.append(
        "articles/s = articles / (per-article + dedup seconds), one process, one core, "
        "texts in memory; per-article µs = process_article incl. collecting its results; "
        f"dedup = timeline_rows over the whole corpus, best of {max(1, args.repeat)}; "
        "µs/mention over all mentions."
    )
    gc_note = ", ".join(
        f"{r.corpus} {r.gc_per_article_s:.1f} s + {r.gc_dedup_s:.2f} s" for r in report.rows
    )
    report.notes.append(f"of which garbage collection (per-article + dedup): {gc_note}.")
    report.notes.append(
        "peak RSS: "
        + (
            "each row's own peak (building its corpus, processing, dedup), the kernel's "
            "high-water mark reset before the row; it includes the interpreter, lexicons "
            "and the source articles."
            if reset_ok
            else "the whole process's high-water mark so far (could not reset it), so it "
            "never decreases from one row to the next."
        )
    )

    if args.profile:
        sample, _ = news_corpus(source, args.profile_articles, args.news_chars, shift_days)
        which = "ANT" if ant_ok else f"{origin} (ANT absent)"
        report.notes.append(
            f"cProfile over the first {len(sample):,} news-length articles ({which}); "
            "cProfile slows the run down."
        )
        report.profile = profile(sample)

    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        print(render_text(report, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
