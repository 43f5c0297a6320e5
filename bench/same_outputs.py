"""Check that a change left the pipeline's outputs exactly as they were.

Speed work must not change a single record. This runs ``process_article`` over
news-length and as-is ANT articles (built as ``bench/pipeline.py`` builds them),
deduplicates them with ``timeline_rows``, and pickles every field of every record
(timexes, mentions, dedup keys, trigger codes, anchors, events and event ids,
``compare=False`` fields included). Run it once per source tree, then compare::

    PYTHONPATH=/path/to/old/src python bench/same_outputs.py dump /tmp/old.pkl
    PYTHONPATH=src python bench/same_outputs.py dump /tmp/new.pkl
    python bench/same_outputs.py compare /tmp/old.pkl /tmp/new.pkl

``--news N`` (default 2,000) and ``--ant N`` (default 2,000, the last N ANT
articles as they are) choose the sample. The ANT corpus is read by path
(``--ant-path``, default ``../shared/corpora/ant/ant_corpus.jsonl.gz``); its text
stays in memory and in the pickle you write, never in the project. ``compare``
prints how many articles differ and the first differing record of the first
three, and exits 1 if anything differs.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from pipeline import ANT_SHIFT_DAYS, news_corpus
from speed import ANT_DEFAULT, iter_ant


def flat(obj: Any) -> Any:
    """A plain, comparable form of a record: every dataclass field, sets sorted."""
    if dataclasses.is_dataclass(obj):
        fields = dataclasses.fields(obj)
        return (type(obj).__name__, *(flat(getattr(obj, f.name)) for f in fields))
    if isinstance(obj, list | tuple):
        return tuple(flat(x) for x in obj)
    if isinstance(obj, frozenset | set):
        return ("set", *sorted(flat(x) for x in obj))
    if isinstance(obj, dict):
        return ("dict", *((k, flat(v)) for k, v in obj.items()))
    return obj


def dump(out: Path, n_news: int, n_ant: int, ant_path: Path) -> None:
    import timeline
    from timeline.model import Article
    from timeline.pipeline import process_article, timeline_rows

    print(f"timeline from {Path(timeline.__file__).parent}", file=sys.stderr)
    source = list(iter_ant(ant_path))
    news, _ = news_corpus(source, n_news, 2500, ANT_SHIFT_DAYS)
    ant = [Article(d.id, d.dct, d.text) for d in source[-n_ant:]] if n_ant else []
    rows = []
    mentions: list[Any] = []
    keys: list[Any] = []
    codes: dict[str, tuple[str, str]] = {}
    start = time.process_time()
    for article in news + ant:
        result = process_article(article)
        rows.append((article.id, flat(result.timexes), flat(result.events)))
        mentions.extend(result.events.mentions)
        keys.extend(result.events.keys)
        codes.update(result.events.codes)
    events, ids = timeline_rows(mentions, keys, codes)
    seconds = time.process_time() - start
    print(f"{len(rows):,} articles, {seconds:.1f} s of CPU", file=sys.stderr)
    with out.open("wb") as handle:
        pickle.dump({"rows": rows, "events": flat(events), "ids": ids}, handle)


def compare(old_path: Path, new_path: Path) -> bool:
    with old_path.open("rb") as handle:
        old = pickle.load(handle)
    with new_path.open("rb") as handle:
        new = pickle.load(handle)
    if [r[0] for r in old["rows"]] != [r[0] for r in new["rows"]]:
        print("the two dumps hold different articles")
        return False
    differing = 0
    for a, b in zip(old["rows"], new["rows"], strict=True):
        if a == b:
            continue
        differing += 1
        if differing <= 3:
            print(f"differs: {a[0]}")
            for part_a, part_b in zip(a[1:], b[1:], strict=True):
                for x, y in zip(part_a, part_b, strict=False):
                    if x != y:
                        print(f"  old {x}\n  new {y}")
                        break
    same_events = old["events"] == new["events"]
    same_ids = old["ids"] == new["ids"]
    print(f"articles differing: {differing:,} of {len(old['rows']):,}")
    print(f"events identical: {same_events}; event ids identical: {same_ids}")
    return differing == 0 and same_events and same_ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="run the pipeline and pickle every record")
    d.add_argument("out", type=Path)
    d.add_argument("--news", type=int, default=2000, help="news-length articles")
    d.add_argument("--ant", type=int, default=2000, help="ANT articles as they are")
    d.add_argument("--ant-path", type=Path, default=ANT_DEFAULT)
    c = sub.add_parser("compare", help="compare two dumps")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        if not args.ant_path.is_file():
            print(f"ANT corpus not found at {args.ant_path}", file=sys.stderr)
            return 2
        dump(args.out, args.news, args.ant, args.ant_path)
        return 0
    return 0 if compare(args.old, args.new) else 1


if __name__ == "__main__":
    sys.exit(main())
