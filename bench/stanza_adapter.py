"""The stanza backend's own overhead, measured offline on the CoNLL-U fixtures.

    python bench/stanza_adapter.py [--repeat 2000]

For each fixture sentence (tests/fixtures/conllu), times per sentence:

- ``from_document``: converting a stanza Document to a ``timeline.backends.Analysis``;
- ``hooks``: ``find_mentions`` with the analysis minus ``find_mentions`` without it
  (lemma triggers, NER entities, dependency time links);
- ``rules``: ``analyse_text`` + ``find_mentions`` without a backend, for scale.

Stanza's own models (tokenize … ner) are not run: they cannot be downloaded here.
With models installed, per-article speed of the whole stanza path is measured
with ``bench/stanza_adapter.py --corpus data/raw`` (see docs/stanza.md).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "conllu"
DCT = date(2024, 3, 12)


def _per_call(fn: Callable[[], object], repeat: int) -> float:
    """Median of 5 rounds of ``repeat`` calls, in microseconds per call."""
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            fn()
        rounds.append((time.perf_counter() - started) / repeat * 1e6)
    return statistics.median(rounds)


def _time_fixture(path: Path, repeat: int) -> tuple[float, float, float]:
    """(from_document, hooks, rules) in µs per sentence for one fixture."""
    from stanza.utils.conll import CoNLL

    from timeline.backends.stanza_backend import from_document
    from timeline.events.mentions import find_mentions
    from timeline.model import Article
    from timeline.temporal import analyse_text

    doc = CoNLL.conll2doc(input_file=str(path), reconstruct_text=True)
    raw = doc.text
    article = Article(path.stem, DCT, raw)
    analysis = analyse_text(raw, DCT, path.stem)
    parsed = from_document(doc, raw)
    convert = _per_call(lambda: from_document(doc, raw), repeat)
    with_hooks = _per_call(lambda: find_mentions(article, analysis, parsed), repeat)
    without = _per_call(lambda: find_mentions(article, analysis), repeat)
    rules = _per_call(lambda: find_mentions(article, analyse_text(raw, DCT, path.stem)), repeat)
    return convert, with_hooks - without, rules


def fixtures(repeat: int) -> None:
    print(f"{'fixture':14} {'from_document':>14} {'hooks':>8} {'rules':>8}   (µs per sentence)")
    totals = [0.0, 0.0, 0.0]
    paths = sorted(FIXTURES.glob("*.conllu"))
    for path in paths:
        row = _time_fixture(path, repeat)
        totals = [t + x for t, x in zip(totals, row, strict=True)]
        print(f"{path.stem:14} {row[0]:14.1f} {row[1]:8.1f} {row[2]:8.1f}")
    n = len(paths)
    print(f"{'mean':14} {totals[0] / n:14.1f} {totals[1] / n:8.1f} {totals[2] / n:8.1f}")


def corpus(source: Path, limit: int | None) -> None:
    """Per-article time of the rules and of the stanza path (needs the models)."""
    from timeline.backends import get_backend
    from timeline.corpus import read_corpus
    from timeline.pipeline import process_article

    articles = [a for a, _ in read_corpus(source) if a is not None][:limit]
    backend = get_backend("stanza")
    started = time.perf_counter()
    backend.pipeline()  # type: ignore[attr-defined]
    print(f"stanza pipeline loaded in {time.perf_counter() - started:.1f} s")
    for name, chosen in (("rules", None), ("stanza", backend)):
        process_article(articles[0], chosen)  # warm up
        started = time.perf_counter()
        for article in articles:
            process_article(article, chosen)
        seconds = time.perf_counter() - started
        print(f"{name:7} {len(articles)} articles: {seconds / len(articles) * 1e3:9.1f} ms/article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2000, help="calls per timing round")
    parser.add_argument("--corpus", type=Path, help="time whole articles (stanza models needed)")
    parser.add_argument("--limit", type=int, help="at most this many articles of --corpus")
    args = parser.parse_args()
    if args.corpus:
        corpus(args.corpus, args.limit)
    else:
        fixtures(args.repeat)


if __name__ == "__main__":
    main()
