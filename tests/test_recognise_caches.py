"""The recogniser's shortcuts change nothing: caches, the two-token rule filter, memos.

``recognise`` skips rules that cannot match at a token (``rule_openings``),
remembers the best match per window and what a builder made of a match
(``_build``), and ``resolve`` remembers its results. Each is checked here against
the plain computation: every rule tried at every token, every builder run.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_pipeline_properties import news_like
from timeline.temporal import find_timexes, recognize
from timeline.temporal.build import BUILDERS, Groups
from timeline.temporal.grammar import families
from timeline.temporal.recognize import Found, _candidates, _opening, analyse, recognise
from timeline.temporal.resolve import _resolved

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _bench():
    if "adversarial" in sys.modules:
        return sys.modules["adversarial"]
    spec = importlib.util.spec_from_file_location("adversarial", ROOT / "bench" / "adversarial.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["adversarial"] = module
    spec.loader.exec_module(module)
    return module


def _plain_recognise(text: str) -> list[Found]:
    """What ``recognise`` computes, without its caches and filters."""
    norm, tokens = analyse(text)
    candidates = []
    for i, w in enumerate(tokens.info):
        best, best_len = None, 0
        pos = tokens.offsets[i]
        for rule in _candidates(w.classes):
            m = rule.regex.match(tokens.render, pos)
            if m is None or m.end() - pos <= best_len:
                continue
            groups = Groups(tokens, m)
            frame = BUILDERS[rule.kind](groups, rule.params)
            if frame is None:
                continue
            end = groups.span_end(m.end())
            ext = groups.span(str(rule.params.get("extent", "ext"))) or (i, end)
            best = (frame, rule, ext[0], ext[1], end, groups.span("body"))
            best_len = m.end() - pos
        if best is not None:
            candidates.append((i, best))

    def width(c):
        tok_start, tok_end = tokens.token_range(c[0], c[1][4] - 1)
        return -(tok_end - tok_start), c[0]

    taken = [False] * len(tokens.info)
    chosen = []
    for _, best in sorted(candidates, key=width):
        if any(taken[best[2] : best[3]]):
            continue
        taken[best[2] : best[3]] = [True] * (best[3] - best[2])
        chosen.append(best)
    found = []
    for frame, rule, first_item, end_item, _, body in sorted(chosen, key=lambda b: b[2]):
        tok_start, tok_end = tokens.token_range(first_item, end_item - 1)
        first = tokens.start(tok_start) + tokens.info[first_item].lead
        start, stop = norm.raw_span(first, tokens.end(tok_end - 1))
        body_start = None
        if body:
            k = tokens.items[body[0]]
            body_start = norm.raw_index(tokens.start(k) + tokens.info[body[0]].lead)
        found.append(Found(frame, rule, tok_start, tok_end, start, stop, body_start))
    return found


def _clear() -> None:
    recognize._best_by_window.clear()
    recognize._built.clear()
    _resolved.clear()


@cache
def _texts() -> list[str]:
    adversarial = _bench()
    texts = [adversarial.build(kind, 6_000) for kind in adversarial.ALL_KINDS]
    texts += [p.read_text("utf-8") for p in sorted((ROOT / "data" / "raw").glob("*.txt"))]
    for fam in families():
        lines = [ex["in"] for ex in fam.examples] + list(fam.negatives)
        texts += ["\n".join(lines), "".join(lines).replace(" ", "")]
    return texts


def _same(text: str) -> None:
    expected = _plain_recognise(text)
    norm, tokens = analyse(text)
    _clear()
    assert recognise(norm, tokens) == expected  # every cache empty
    assert recognise(norm, tokens) == expected  # every window and match known


@pytest.mark.parametrize("i", range(len(_texts())))
def test_recognise_as_without_caches(i):
    _same(_texts()[i])


@SETTINGS
@given(st.lists(news_like, min_size=1, max_size=3))
def test_recognise_as_without_caches_on_news_like_text(parts):
    # glued without spaces too: long windows, matched without the window cache
    _same("، ".join(parts))
    _same("".join(parts).replace(" ", ""))


@pytest.mark.parametrize("i", range(len(_texts())))
def test_no_rule_that_matches_is_filtered_out_nor_reads_past_its_reach(i):
    _, tokens = analyse(_texts()[i])
    info, offsets = tokens.info, tokens.offsets
    for k, w in enumerate(info):
        after = offsets[k] + len(w.piece)
        nxt = info[k + 1] if k + 1 < len(info) and offsets[k + 1] == after else None
        kept, reach = _opening(w, nxt)
        # what the rules can read: the window up to ``reach`` items or the next plain
        end = offsets[k + reach] if reach and k + reach < len(info) else len(tokens.render)
        plain = tokens.render.find("<>", offsets[k])
        window = tokens.render[: min(end, plain) if plain >= 0 else end]
        for rule in _candidates(w.classes):
            m = rule.regex.match(tokens.render, offsets[k])
            if m:
                assert rule in kept, (rule.id, w.classes, nxt and nxt.classes)
            if rule in kept:
                cut = rule.regex.match(window, offsets[k])
                assert (cut and cut.regs) == (m and m.regs), (rule.id, reach)


def test_memos_follow_the_dct():
    text = "التقى الوزيران أمس الجمعة، وفي 12/5/2021 وفي مارس الماضي وبعد يومين الأحد"
    days = [date(2021, 5, 6), date(2019, 1, 31), date(2021, 5, 6), date(2030, 12, 1)]
    values = []
    for day in days:
        got = [(t.value, t.date_start, t.date_end) for t in find_timexes(text, day)]
        _clear()
        assert got == [(t.value, t.date_start, t.date_end) for t in find_timexes(text, day)]
        values.append(got)
    assert values[0] == values[2] and values[0] != values[1] != values[3]
