"""The compact id set behind ``duplicate_id``: a set for ``in``, and small."""

from __future__ import annotations

import functools
import json
import tracemalloc
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import timeline.corpus
from timeline.corpus import read_corpus
from timeline.idset import IdSet

# short ids from a small alphabet repeat often; lone surrogates come from JSON escapes
ids = st.text(alphabet=st.sampled_from("ab1\u0627\ud800 "), max_size=4)


@given(st.lists(ids, max_size=60), st.integers(min_value=1, max_value=5))
def test_membership_equals_a_set_across_folds(added: list[str], buffer: int) -> None:
    compact, plain = IdSet(buffer=buffer), set()
    for article_id in added:
        assert (article_id in compact) == (article_id in plain)
        if article_id not in plain:
            compact.add(article_id)
            plain.add(article_id)
    for probe in [*added, "never", "b" * 5]:
        assert (probe in compact) == (probe in plain)


def test_adding_an_id_twice_changes_nothing() -> None:
    compact = IdSet(buffer=2)
    for article_id in ["x", "y", "x", "z", "y", "w"]:
        compact.add(article_id)
    assert all(i in compact for i in "xyzw")
    assert "v" not in compact
    assert 1 not in compact  # not a string: never an id


def test_many_ids_take_about_sixteen_bytes_each() -> None:
    n = 300_000
    tracemalloc.start()
    try:
        compact = IdSet()
        for i in range(n):
            compact.add(f"news-{i:07d}")
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 16 bytes a folded digest, plus at most one buffer of strings (~90 bytes each);
    # a set of the same strings holds ~95 bytes an id (28 MB here)
    assert held < 16 * n + 100 * 65_536
    assert "news-0000000" in compact and f"news-{n - 1:07d}" in compact
    assert f"news-{n:07d}" not in compact


def test_reader_finds_repeats_after_its_ids_were_folded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(timeline.corpus, "IdSet", functools.partial(IdSet, buffer=2))
    names = ["a", "b", "c", "d", "e", "a", "f", "c", "e"]
    corpus = tmp_path / "c.jsonl"
    lines = [json.dumps({"id": n, "published": "2021-06-24", "text": "نص"}) for n in names]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reasons = [s.reason for _, s in read_corpus(corpus)]
    assert reasons == [None] * 5 + ["duplicate_id", None, "duplicate_id", "duplicate_id"]
