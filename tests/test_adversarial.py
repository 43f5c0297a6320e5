"""Adversarial input: no layer grows faster than the text, and the fixes keep outputs.

The growth check runs ``bench/adversarial.py``'s builders at small sizes and
prints the seconds (``pytest -s``); it asserts how time grows with the length,
never an absolute time. The other tests pin what the speed fixes changed: digit
dates read without dateparser, and the dating searches done by index, against
the plain scans they replaced.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.events.dating import UNKNOWN, Dating, Site, date_sites, shift
from timeline.model import Article, Resolution, Timex
from timeline.pipeline import process_article
from timeline.temporal import find_timexes
from timeline.temporal.build import digit_date

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench():
    if "adversarial" in sys.modules:
        return sys.modules["adversarial"]
    spec = importlib.util.spec_from_file_location("adversarial", BENCH / "adversarial.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["adversarial"] = module
    spec.loader.exec_module(module)
    return module


# --- growth -----------------------------------------------------------------------

# The kinds that were quadratic or slow before (one sentence holding thousands of
# triggers and dates, thousands of sentences, 1/1/1/…), and all kinds mixed.
GROWTH_KINDS = ["mixed", "one-sentence", "tiny-sentences", "clitics", "slashes"]
SMALL, LARGE = 32_000, 128_000  # bytes: 4x


def _cpu(run, text: str, repeat: int = 2) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        run(text)
        best = min(best, time.process_time() - t0)
    return best


@pytest.mark.parametrize("kind", GROWTH_KINDS)
def test_pipeline_time_grows_linearly_on_adversarial_text(kind):
    adv = _bench()
    adv.pipeline(adv.build("mixed", 2_000))  # lexicons and rules loaded before timing
    small, large = adv.build(kind, SMALL), adv.build(kind, LARGE)
    t_small, t_large = _cpu(adv.pipeline, small), _cpu(adv.pipeline, large)
    ratio = t_large / max(t_small, 0.005)
    sizes = f"{SMALL // 1000} KB {t_small:.3f} s, {LARGE // 1000} KB {t_large:.3f} s"
    print(f"\n{kind}: {sizes}, ×{ratio:.1f}")
    # 4x the text: linear is ×4, quadratic ×16; the bound leaves room for a noisy machine
    assert ratio < 8, f"{kind}: ×{ratio:.1f} for 4x the text"


@pytest.mark.parametrize("kind", ["tiny-sentences"])
def test_dedup_within_an_article_grows_linearly(kind):
    """Thousands of mentions in one article: once every pair of them was tried.

    (Mentions of one type dated to the same day are still compared pairwise:
    triggers-names grows about ×6.6 here; see docs/robustness.md.)
    """
    from timeline.pipeline import collector_paused, timeline_rows

    adv = _bench()
    times = []
    for size in (SMALL, LARGE):
        ev = process_article(Article("a", adv.DCT, adv.build(kind, size))).events
        with collector_paused():  # as extract runs it
            times.append(_cpu(lambda e: timeline_rows(e.mentions, e.keys, e.codes), ev, 3))
    ratio = times[1] / max(times[0], 0.005)
    print(f"\ndedup {kind}: {times[0]:.3f} s, {times[1]:.3f} s, ×{ratio:.1f}")
    assert ratio < 8, f"{kind}: ×{ratio:.1f} for 4x the text"


def test_every_kind_builds_and_runs():
    adv = _bench()
    for kind in adv.ALL_KINDS:
        text = adv.build(kind, 3_000)
        assert 2_500 <= len(text.encode("utf-8")) <= 3_000
        adv.temporal(text)
        adv.pipeline(text)


# --- digit dates --------------------------------------------------------------------


def test_digit_dates_read_as_dateparser_did():
    """Same dates as dateparser's strict day-first reading for D/M/Y with sane parts.

    dateparser guessed day-year-month for 05/15/04 (2015-04-05); those readings
    are gone, everything else is kept.
    """
    dateparser = pytest.importorskip("dateparser")
    settings_ = {"DATE_ORDER": "DMY", "STRICT_PARSING": True, "PREFER_LOCALE_DATE_ORDER": False}
    rng = random.Random(8)
    days = [str(i) for i in range(1, 32)] + [f"0{i}" for i in range(1, 10)]
    years = [f"{y:02d}" for y in range(100)] + [str(y) for y in range(1895, 2106)]
    cases = [("29", "2", "2020"), ("29", "2", "2021"), ("31", "4", "2021"), ("1", "13", "2021")]
    for _ in range(250):
        sep = rng.choice("/-.")
        if rng.random() < 0.3:
            parts = (str(rng.randint(1895, 2105)), rng.choice(days), rng.choice(days))
        else:
            parts = (rng.choice(days), rng.choice(days), rng.choice(years))
        if len(parts[2]) == 2 and int(parts[1]) > 12:
            continue  # dateparser's day-year-month guesses
        cases.append((*parts, sep))
    for case in cases:
        parts, sep = list(case[:3]), case[3] if len(case) > 3 else "/"
        opts = dict(settings_, DATE_ORDER="YMD" if len(parts[0]) == 4 else "DMY")
        parsed = dateparser.parse(sep.join(parts), languages=["en"], settings=opts)
        assert digit_date(parts) == (parsed.date() if parsed else None), sep.join(parts)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("في 27/4/2021", "2021-04-27"),
        ("في 1/13/2021", "2021-01-13"),
        ("في 31/4/2021", None),
        ("في 5/5/68", "2068-05-05"),
        ("في 5/5/69", "1969-05-05"),
        ("في 2021-13-1", "2021-01-13"),
        ("في 1/1/1899", None),
    ],
)
def test_digit_date_values(text, value):
    found = find_timexes(text, date(2021, 6, 24))
    assert [t.value for t in found] == ([value] if value else [])


# --- numbers no date can hold --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1" * 5_000,  # more digits than Python reads as an int: once a ValueError
        "قبل " + "9" * 5_000 + " يوما",
        "في " + "٢" * 4_500 + "/1/2021",
    ],
)
def test_giant_digit_runs_do_not_crash(text):
    assert find_timexes(text, date(2021, 6, 24)) == []
    process_article(Article("a", date(2021, 6, 24), text))


@pytest.mark.parametrize("text", ["قبل 8000 سنة", "قبل 99999 شهر", "قبل 2021 عاما"])
def test_no_value_outside_years_1_to_9999(text):
    """Once valued -5980 and the like: no TIMEX3 date, so no expression."""
    assert find_timexes(text, date(2020, 1, 1)) == []


# --- dating by index = dating by scan ----------------------------------------------------
# The scans below are the dating code as it was before it was indexed (quadratic in
# the mentions of a sentence); the index must choose exactly as they did.

_ANCHORED_RULES = frozenset({"relative.after", "relative.after_event", "relative.before_event"})


def _usable(t: Timex) -> bool:
    if t.type in ("DATE", "TIME"):
        return True
    return t.type == "DURATION" and t.rule_id in _ANCHORED_RULES


def _scan_sentence(i, sites, spans, timexes):
    site = sites[i]
    best, best_rank = None, None
    for (start, end, sentence, clause), timex in zip(spans, timexes, strict=True):
        if sentence != site.sentence or not _usable(timex):
            continue
        same_clause = clause == site.clause
        if not same_clause and timex.granularity == "ref":
            continue
        distance = start - site.token if start > site.token else site.token - end + 1
        rank = (not same_clause, distance)
        if best_rank is not None and rank >= best_rank:
            continue
        lo, hi = sorted((site.token, start if start > site.token else end - 1))
        if any(lo < o.token < hi and (o.noun or o.event_type != site.event_type) for o in sites):
            continue
        best, best_rank = timex, rank
    return best


def _scan_anchored(i, sites, direct, timex):
    site = sites[i]
    anchor, anchor_at = None, None
    for j, other in enumerate(sites):
        t = direct[j]
        if (
            j == i
            or t is None
            or t.granularity not in ("day", "time")
            or not 0 <= site.sentence - other.sentence <= 3
            or other.token > site.token
        ):
            continue
        if anchor is None or t.date_start > anchor:
            anchor, anchor_at = t.date_start, j
    if anchor is None:
        return UNKNOWN
    res = shift(anchor, timex.value, timex.mod, before=timex.rule_id == "relative.before_event")
    return Dating(res, timex.timex_id, "anchored", anchor_at) if res else UNKNOWN


def _copy(d, origin):
    if d is None or d.resolution is None:
        return UNKNOWN
    return Dating(d.resolution, None, "inherited", origin)


def _scan_inherit(i, sites, out):
    site = sites[i]
    dated = [
        j
        for j, d in enumerate(out)
        if d is not None
        and d.resolution is not None
        and d.resolution.granularity != "ref"
        and sites[j].occurred
    ]
    same = [j for j in dated if sites[j].event_type == site.event_type and not sites[j].distinct]
    before = [j for j in same if j < i]
    if site.anaphoric and before:

        def fit(j):
            other = sites[j]
            shared = len(site.persons & other.persons)
            if site.counterpart and site.counterpart == other.counterpart:
                shared += 2
            return shared, site.lemma == other.lemma, j

        j = max(before, key=fit)
        return _copy(out[j], j)
    if site.sentence <= 1 or site.anaphoric:
        after = [j for j in same if j > i]
        if after:
            return _copy(out[after[0]], after[0])
    if site.location:
        placed = [j for j in same if sites[j].location == site.location]
        if placed:
            return _copy(out[placed[0]], placed[0])
    if site.event_type == "AGREE" and not site.participants:
        meets = [j for j in dated if j < i and sites[j].event_type == "MEET"]
        if meets:
            return _copy(out[meets[-1]], meets[-1])
    return UNKNOWN


def _scan_dating(sites, spans, timexes):
    direct = [
        None if s.in_force else _scan_sentence(i, sites, spans, timexes)
        for i, s in enumerate(sites)
    ]
    out = []
    for i, timex in enumerate(direct):
        if timex is None:
            out.append(None)
        elif timex.type == "DURATION":
            out.append(_scan_anchored(i, sites, direct, timex))
        else:
            t = timex
            res = Resolution(t.type, t.value, t.granularity, t.date_start, t.date_end, t.mod)
            out.append(Dating(res, t.timex_id, "timex"))
    for i, site in enumerate(sites):
        if out[i] is None:
            out[i] = (
                _scan_inherit(i, sites, out) if site.occurred and not site.in_force else UNKNOWN
            )
    return [d or UNKNOWN for d in out]


_KINDS = [
    ("DATE", "day", ""),
    ("DATE", "day", ""),
    ("TIME", "time", ""),
    ("DATE", "month", ""),
    ("DATE", "ref", ""),
    ("DURATION", None, "relative.after_event"),
    ("DURATION", None, "relative.before_event"),
    ("DURATION", None, "duration.plain"),
    ("SET", None, "sets.each"),
]


@st.composite
def articles(draw):
    """Mentions and time expressions on a line of tokens, with sentences and clauses."""
    n = draw(st.integers(1, 80))
    sentence_starts = sorted(draw(st.sets(st.integers(1, n), max_size=6)))
    clause_starts = sorted(set(sentence_starts) | draw(st.sets(st.integers(1, n), max_size=8)))

    def sentence(k):
        return sum(s <= k for s in sentence_starts)

    def clause(k):
        return sum(s <= k for s in clause_starts)

    # time expressions: non-overlapping token spans
    cuts = sorted(draw(st.sets(st.integers(0, n), max_size=24)))
    spans, timexes = [], []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a == b:
            continue
        type_, gran, rule = draw(st.sampled_from(_KINDS))
        day = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 9)))
        value = {"DURATION": draw(st.sampled_from(["P1W", "P3D", "PXD"]))}.get(type_, "v")
        timexes.append(
            Timex(
                f"t{len(timexes)}", "a", "x", a, b, type_, value,
                draw(st.sampled_from([None, "LESS_THAN"])), gran,
                day if gran in ("day", "time", "month") else None,
                day if gran in ("day", "time", "month") else None,
                rule_id=rule,
            )
        )  # fmt: skip
        spans.append((a, b, sentence(a), clause(a)))
    people = ["p1", "p2", "p3"]
    tokens = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=20)))
    sites = []
    for k in tokens:
        persons = frozenset(draw(st.sets(st.sampled_from(people), max_size=2)))
        sites.append(
            Site(
                token=k,
                sentence=sentence(k),
                clause=clause(k),
                event_type=draw(st.sampled_from(["MEET", "MEET", "ATTACK", "AGREE"])),
                occurred=draw(st.booleans()) or draw(st.booleans()),
                noun=draw(st.booleans()),
                anaphoric=draw(st.booleans()),
                participants=tuple(sorted(persons)),
                persons=persons,
                location=draw(st.sampled_from([None, None, "L1", "L2"])),
                distinct=draw(st.integers(0, 5)) == 0,
                lemma=draw(st.sampled_from(["اجتماع", "لقاء"])),
                counterpart=draw(st.sampled_from([None, None, "p1", "p2"])),
                in_force=draw(st.integers(0, 7)) == 0,
            )
        )
    return sites, spans, timexes


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_indexed_dating_chooses_as_the_scans_did(article):
    sites, spans, timexes = article
    assert date_sites(sites, spans, timexes) == _scan_dating(sites, spans, timexes)


# --- rule patterns stay bounded ----------------------------------------------------------


def test_no_rule_repeats_tokens():
    """No rule can backtrack catastrophically: no ``*`` or ``+`` over tokens.

    The only repetition left in a compiled rule is ``[^>]*`` inside one token's
    rendering, bounded by the classes a token has.
    """
    from timeline.temporal.grammar import families

    for fam in families():
        for rule in fam.rules:
            rest = rule.regex.pattern.replace("[^>]*", "")
            assert "*" not in rest and "+" not in rest, rule.id
