"""Speed and memory of the temporal layer on one core.

Run from the repository root::

    python bench/speed.py                  # plain-text table
    python bench/speed.py --markdown       # a Markdown table for docs/
    python bench/speed.py --json           # machine-readable results
    python bench/speed.py --limit 2000 --ant /path/to/ant_corpus.jsonl.gz
    python bench/speed.py --profile        # also cProfile's top functions on the ANT sample

What is timed: ``timeline.temporal.find_timexes(text, dct, article_id)`` once per
article (normalise + tokenise + recognise + resolve), in this one process, on
texts already in memory; reading and decoding the corpus are not timed. The clock
is ``time.perf_counter`` around the whole loop over a corpus. The one-off start-up
(importing ``timeline.temporal``; the first call, which builds the lexicon and
compiles the rules) happens before any timing and is reported on its own.

Corpora (rows of the table):

- ``seeds``: the articles of ``data/raw/`` (read with ``timeline.corpus.read_corpus``)
  repeated in turn until there are ``--seeds`` of them (default 2,000). The library
  keeps no per-text cache, so repeats cost the same as new texts.
- ``news-length``: OUTPUT.md's "news-length" articles (the seeds' length, about
  2,500 characters) made from ANT articles: take ANT articles in file order and join
  them with a blank line ("\\n\\n") until the text reaches ``--news-chars`` (default
  2,500); cut it back to the last whitespace at or before that many characters
  (a hard cut only if there is none), so no word is split. An article longer than
  that is cut the same way on its own. The document date is the first piece's
  publication date. ``--news`` of them (default 2,000, built from about twice as
  many ANT articles).
- ``ant``: the first ``--limit`` ANT articles as they are (default 5,000; about
  1,300 characters on average), each against its own publication date.
- ``extract (data/raw)``: the whole job ``timeline.pipeline.extract("data/raw")``,
  corpus reading and DataFrame building included, repeated until it has run for
  about a second (after one untimed warm-up run).

The ANT corpus is read by path from ``../shared/corpora/ant/ant_corpus.jsonl.gz``
(relative to the repository; ``--ant`` to change it). Its text is only read, never
copied into the project. When it is absent the ``news-length`` row is built from
``data/raw/`` in the same way, the ``ant`` row is left out, and ``--profile`` runs
on the seeds; the output says so.

Columns: ``articles``; ``mean chars`` (characters of text per article);
``articles/s`` and ``µs/article`` (wall clock over the loop); ``MB/s`` (UTF-8 bytes of
text per second, 1 MB = 10^6 bytes; Arabic is about 2 bytes a character);
``timexes/article``; ``peak RSS`` (``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read
right after the row: the whole process's high-water mark so far, so it never goes
down from one row to the next and includes the corpora held in memory); ``peak
traced`` (``tracemalloc``'s peak of Python allocations during the loop, above what
was allocated when the pass began: the temporal layer's working memory, since the
results are dropped after each article). tracemalloc slows Python down several
times, so it runs in a separate, untimed pass over the first ``--trace-limit``
articles of each corpus (default 500).

Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import io
import json
import platform
import pstats
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
ANT_DEFAULT = REPO.parent / "shared" / "corpora" / "ant" / "ant_corpus.jsonl.gz"
NEWS_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Doc:
    """One text to process, already in memory."""

    id: str
    dct: date
    text: str


@dataclass
class Row:
    corpus: str
    articles: int
    mean_chars: float
    seconds: float
    articles_per_s: float
    us_per_article: float
    mb_per_s: float
    timexes_per_article: float
    peak_rss_mb: float
    peak_traced_mb: float | None
    traced_articles: int | None
    note: str = ""


@dataclass
class Report:
    machine: dict[str, str]
    startup: dict[str, float]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profile: dict[str, str] | None = None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- machine ---------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine_info() -> dict[str, str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cores = sum(1 for line in handle if line.startswith("processor"))
    except OSError:
        cores = 0
    return {
        "cpu": cpu_model(),
        "logical_cpus": str(cores or "unknown"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "loadavg": load_average(),
    }


def load_average() -> str:
    """The 1/5/15-minute load averages: other work on the machine skews the figures."""
    try:
        with open("/proc/loadavg", encoding="utf-8") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "unknown"


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024  # macOS reports bytes
    return peak * scale / 1e6


# -- corpora ---------------------------------------------------------------------------


def load_seeds(raw: Path) -> list[Doc]:
    from timeline.corpus import read_corpus

    return [
        Doc(article.id, article.published, article.text)
        for article, _ in read_corpus(raw)
        if article is not None
    ]


def repeat_to(docs: list[Doc], n: int) -> list[Doc]:
    """``docs`` repeated in turn until there are ``n``; ids get a ``#round`` suffix."""
    out: list[Doc] = []
    for i in range(n if docs else 0):
        doc = docs[i % len(docs)]
        out.append(Doc(f"{doc.id}#{i // len(docs)}", doc.dct, doc.text))
    return out


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return datetime.fromisoformat(value).date()


def iter_ant(path: Path) -> Iterator[Doc]:
    """ANT articles in file order; records without usable text or date are passed over."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            obj = json.loads(line)
            text = obj.get("text")
            published = obj.get("published")
            if not isinstance(text, str) or not text.strip() or not published:
                continue
            try:
                dct = parse_date(str(published).strip())
            except ValueError:
                continue
            yield Doc(str(obj.get("id")), dct, text)


def cut(text: str, limit: int) -> str:
    """``text`` cut back to the last whitespace at or before ``limit`` characters."""
    if len(text) <= limit:
        return text
    space = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    return text[: space if space > 0 else limit].rstrip()


def news_length(source: Iterator[Doc], n: int, chars: int) -> tuple[list[Doc], int]:
    """``n`` texts of about ``chars`` characters joined from ``source``; also pieces used."""
    out: list[Doc] = []
    used = 0
    pieces: list[str] = []
    first: Doc | None = None
    for doc in source:
        used += 1
        if first is None:
            first = doc
        pieces.append(doc.text)
        joined = NEWS_SEPARATOR.join(pieces)
        if len(joined) >= chars:
            out.append(Doc(f"news-{len(out):05d}", first.dct, cut(joined, chars)))
            pieces, first = [], None
            if len(out) == n:
                break
    return out, used


# -- measuring -------------------------------------------------------------------------


def time_loop(docs: list[Doc], find: Callable[..., list[Any]]) -> tuple[float, int]:
    found = 0
    start = time.perf_counter()
    for doc in docs:
        found += len(find(doc.text, doc.dct, doc.id))
    return time.perf_counter() - start, found


def traced_peak(docs: list[Doc], find: Callable[..., list[Any]]) -> float:
    """Peak of Python allocations during ``find`` over ``docs``, above the start, in MB."""
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for doc in docs:
            find(doc.text, doc.dct, doc.id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - base) / 1e6


def measure(
    name: str,
    docs: list[Doc],
    find: Callable[..., list[Any]],
    trace_limit: int,
    repeat: int,
    note: str = "",
) -> Row:
    log(f"[speed] {name}: {len(docs):,} articles, timing ...")
    gc.collect()
    best = None
    found = 0
    for _ in range(max(1, repeat)):
        seconds, found = time_loop(docs, find)
        best = seconds if best is None else min(best, seconds)
    seconds = best or 0.0
    rss = peak_rss_mb()
    traced = None
    traced_n = None
    if trace_limit > 0:
        sample = docs[:trace_limit]
        log(f"[speed] {name}: tracemalloc pass over {len(sample):,} articles ...")
        traced = traced_peak(sample, find)
        traced_n = len(sample)
    chars = sum(len(d.text) for d in docs)
    nbytes = sum(len(d.text.encode("utf-8")) for d in docs)
    n = len(docs)
    return Row(
        corpus=name,
        articles=n,
        mean_chars=chars / n,
        seconds=seconds,
        articles_per_s=n / seconds,
        us_per_article=seconds / n * 1e6,
        mb_per_s=nbytes / seconds / 1e6,
        timexes_per_article=found / n,
        peak_rss_mb=rss,
        peak_traced_mb=traced,
        traced_articles=traced_n,
        note=note,
    )


def measure_extract(raw: Path, min_seconds: float = 1.0) -> Row:
    from timeline.pipeline import extract

    log(f"[speed] extract ({raw}): warm-up and timing ...")
    first = extract(raw)  # warm-up: pandas/pyarrow paths, first DataFrame builds
    n = len(first.articles)
    found = len(first.timexes)
    runs = 0
    start = time.perf_counter()
    while True:
        extract(raw)
        runs += 1
        seconds = time.perf_counter() - start
        if seconds >= min_seconds:
            break
    seeds = load_seeds(raw)
    chars = sum(len(d.text) for d in seeds)
    nbytes = sum(len(d.text.encode("utf-8")) for d in seeds)
    per_run = seconds / runs
    return Row(
        corpus=f"extract ({raw.name})" if raw != RAW else "extract (data/raw)",
        articles=n,
        mean_chars=chars / max(1, len(seeds)),
        seconds=seconds,
        articles_per_s=n / per_run,
        us_per_article=per_run / n * 1e6,
        mb_per_s=nbytes / per_run / 1e6,
        timexes_per_article=found / n,
        peak_rss_mb=peak_rss_mb(),
        peak_traced_mb=None,
        traced_articles=None,
        note=f"whole job incl. reading + DataFrames; {runs} runs after 1 warm-up",
    )


def profile(docs: list[Doc], find: Callable[..., list[Any]], top: int = 25) -> dict[str, str]:
    log(f"[speed] profiling {len(docs):,} articles with cProfile ...")
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in docs:
        find(doc.text, doc.dct, doc.id)
    profiler.disable()
    out: dict[str, str] = {}
    for key in ("cumulative", "tottime"):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        out[key] = buffer.getvalue()
    return out


# -- output ----------------------------------------------------------------------------

HEADERS = [
    "corpus",
    "articles",
    "mean chars",
    "articles/s",
    "µs/article",
    "MB/s",
    "timexes/article",
    "peak RSS (MB)",
    "peak traced (MB)",
]


def cells(row: Row) -> list[str]:
    traced = "-" if row.peak_traced_mb is None else f"{row.peak_traced_mb:.2f}"
    return [
        row.corpus,
        f"{row.articles:,}",
        f"{row.mean_chars:,.0f}",
        f"{row.articles_per_s:,.0f}",
        f"{row.us_per_article:,.0f}",
        f"{row.mb_per_s:.2f}",
        f"{row.timexes_per_article:.2f}",
        f"{row.peak_rss_mb:.1f}",
        traced,
    ]


def table_lines(
    headers: list[str] | tuple[str, ...], rows: list[list[str]], *, markdown: bool
) -> list[str]:
    """A table as Markdown or as aligned text (first column left, the rest right)."""
    if markdown:
        return [
            "| " + " | ".join(headers) + " |",
            "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|",
            *("| " + " | ".join(r) + " |" for r in rows),
        ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = [str.ljust] + [str.rjust] * (len(headers) - 1)
    return [
        "  ".join(f(h, w) for f, h, w in zip(fmt, headers, widths, strict=True)),
        "  ".join("-" * w for w in widths),
        *("  ".join(f(c, w) for f, c, w in zip(fmt, r, widths, strict=True)) for r in rows),
    ]


def render_text(report: Report, markdown: bool) -> str:
    lines: list[str] = []
    m = report.machine
    s = report.startup
    machine = (
        f"{m['cpu']} ({m['logical_cpus']} logical CPUs, 1 used); {m['python']}; "
        f"load average at start {m['loadavg']}"
    )
    startup = (
        f"import timeline.temporal {s['import_s'] * 1e3:.0f} ms; first call (lexicon + rule "
        f"compilation) {s['first_call_s'] * 1e3:.0f} ms, of which one-off "
        f"{s['one_off_s'] * 1e3:.0f} ms (same text again: {s['steady_call_s'] * 1e3:.1f} ms)"
    )
    rows = [cells(r) for r in report.rows]
    if markdown:
        lines.append(f"Machine: {machine}.  ")
        lines.append(f"Start-up (once per process, not in the table): {startup}.")
        lines.append("")
        lines.extend(table_lines(HEADERS, rows, markdown=True))
        if report.notes:
            lines.append("")
            lines.extend(f"- {n}" for n in report.notes)
    else:
        lines.append(f"machine: {machine}")
        lines.append(f"start-up: {startup}")
        lines.append("")
        lines.extend(table_lines(HEADERS, rows, markdown=False))
        if report.notes:
            lines.append("")
            lines.extend(f"note: {n}" for n in report.notes)
    if report.profile:
        for key, title in (("cumulative", "cumulative time"), ("tottime", "total (own) time")):
            lines.append("")
            lines.append(f"cProfile, top functions by {title}:")
            body = report.profile[key].rstrip()
            lines.append(f"```\n{body}\n```" if markdown else body)
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------


def report_parser(description: str) -> argparse.ArgumentParser:
    """A bench script's parser with its output choice: a table, Markdown or JSON."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--markdown", action="store_true", help="print a Markdown table")
    out.add_argument("--json", action="store_true", help="print JSON")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = report_parser("Speed of the temporal layer (find_timexes) on one core.")
    parser.add_argument("--limit", type=int, default=5000, help="ANT articles (default 5000)")
    parser.add_argument("--ant", type=Path, default=ANT_DEFAULT, help="ANT jsonl.gz path")
    parser.add_argument("--raw", type=Path, default=RAW, help="seed corpus (data/raw)")
    parser.add_argument("--seeds", type=int, default=2000, help="seed articles (default 2000)")
    parser.add_argument("--news", type=int, default=2000, help="news-length docs (default 2000)")
    parser.add_argument(
        "--news-chars", type=int, default=2500, help="news-length size in chars (default 2500)"
    )
    parser.add_argument(
        "--trace-limit",
        type=int,
        default=500,
        help="articles per corpus in the tracemalloc pass (default 500; 0 = skip)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per row, best kept")
    parser.add_argument("--no-extract", action="store_true", help="skip the extract() row")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile top 25 (cumulative, own) on ANT"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = Report(machine=machine_info(), startup={})

    # Start-up: import, then the first call (lexicon build, rule compilation).
    start = time.perf_counter()
    from timeline.temporal import find_timexes

    report.startup["import_s"] = time.perf_counter() - start

    seeds = load_seeds(args.raw)
    if not seeds:
        log(f"[speed] no usable articles in {args.raw}")
        return 1
    probe = seeds[0]
    start = time.perf_counter()
    find_timexes(probe.text, probe.dct, probe.id)
    first = time.perf_counter() - start
    start = time.perf_counter()
    find_timexes(probe.text, probe.dct, probe.id)
    steady = time.perf_counter() - start
    report.startup.update(first_call_s=first, steady_call_s=steady, one_off_s=first - steady)

    ant_ok = args.ant.is_file()
    if ant_ok:
        report.notes.append(
            f"ANT corpus read by path from {args.ant} (outside the project; "
            "its text is not copied into it)."
        )
    else:
        report.notes.append(
            f"ANT corpus not found at {args.ant}: news-length built from {args.raw} instead; "
            "no ant row."
        )

    # (a) seeds
    report.rows.append(
        measure(
            "seeds",
            repeat_to(seeds, args.seeds),
            find_timexes,
            args.trace_limit,
            args.repeat,
            note=f"{len(seeds)} articles of {args.raw.name} repeated",
        )
    )

    # (b) news-length
    if ant_ok:
        news, used = news_length(iter_ant(args.ant), args.news, args.news_chars)
        origin = f"{used:,} ANT articles"
    else:
        news, used = news_length(iter(repeat_to(seeds, 4 * args.news)), args.news, args.news_chars)
        origin = f"{args.raw.name} articles (ANT absent)"
    report.rows.append(
        measure(
            "news-length",
            news,
            find_timexes,
            args.trace_limit,
            args.repeat,
            note=f"joined/cut to <= {args.news_chars:,} chars from {origin}",
        )
    )
    if len(news) < args.news:
        report.notes.append(f"only {len(news):,} news-length texts could be built.")
    del news

    # (c) ANT as it is
    ant: list[Doc] = []
    if ant_ok:
        ant = list(islice(iter_ant(args.ant), args.limit))
        report.rows.append(
            measure(
                "ant",
                ant,
                find_timexes,
                args.trace_limit,
                args.repeat,
                note=f"first {len(ant):,} ANT articles as they are",
            )
        )

    # (d) the whole job on data/raw
    if not args.no_extract:
        report.rows.append(measure_extract(args.raw))

    report.notes.append(
        "peak RSS is the process's high-water mark after each row (it includes the corpora "
        "in memory and never decreases); peak traced is tracemalloc's peak over the first "
        f"{args.trace_limit:,} articles of the row, in a separate untimed pass."
    )
    report.notes.append(
        "articles/s, µs/article and MB/s time find_timexes only (texts in memory, one "
        "process, one core); MB = 10^6 UTF-8 bytes."
    )

    if args.profile:
        sample = ant if ant else repeat_to(seeds, args.seeds)
        which = f"ANT sample ({len(sample):,} articles)" if ant else "seeds (ANT absent)"
        report.notes.append(f"cProfile over the {which}; cProfile slows the run down.")
        report.profile = profile(sample, find_timexes)

    if args.json:
        payload = asdict(report)
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render_text(report, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
