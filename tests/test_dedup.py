"""Deduplication on compact keys: what merges, what never does, and at what cost."""

from __future__ import annotations

import random
from datetime import date, timedelta

import timeline.dedup as dedup
from timeline.dedup import Key, deduplicate, event_id

D = date


def key(mid, article, order=0, *, day=None, gran=None, who=(), persons=(), **kw):
    start, end = kw.pop("start", None), kw.pop("end", None)
    if day is not None:
        start = end = day
        gran = gran or "day"
    return Key(
        mention_id=mid,
        article_id=article,
        order=order,
        event_type=kw.get("etype", "MEET"),
        start=start,
        end=end,
        granularity=gran,
        participants=frozenset(who) | frozenset(persons),
        persons=frozenset(persons),
        location=kw.get("where"),
        published=kw.get("published", D(2021, 6, 24)),
        sentence=kw.get("sentence", order),
        distinct=kw.get("distinct", False),
        link=kw.get("link"),
    )


def ids(groups):
    return sorted(sorted(k.mention_id for k in g) for g in groups)


def test_one_event_reported_by_two_articles_is_one_row():
    a = key("a/m1", "a", day=D(2021, 4, 27), persons={"sullivan", "benshabat"}, where="washington")
    b = key("b/m1", "b", start=D(2021, 4, 21), end=D(2021, 4, 30), gran="month",
            persons={"sullivan", "benshabat"}, where="washington")  # fmt: skip
    assert ids(deduplicate([a, b])) == [["a/m1", "b/m1"]]


def test_same_type_and_month_alone_never_merge():
    march = {"start": D(2022, 3, 1), "end": D(2022, 3, 31), "gran": "month"}
    a = key("a/m1", "a", **march, who={"israel"})
    b = key("b/m1", "b", **march, who={"iran"})
    c = key("c/m1", "c", **march)
    assert len(deduplicate([a, b, c])) == 3


def test_fine_dates_that_overlap_merge_when_a_party_matches():
    week = {"start": D(2021, 5, 31), "end": D(2021, 6, 6), "gran": "week"}
    a = key("a/m1", "a", **week, who={"israel"})
    b = key("b/m1", "b", **week, who={"israel", "usa"}, persons={"mcgurk"})
    assert ids(deduplicate([a, b])) == [["a/m1", "b/m1"]]


def test_the_same_day_alone_is_not_the_same_event():
    a = key("a/m1", "a", day=D(2018, 5, 5))
    b = key("b/m1", "b", day=D(2018, 5, 5), who={"philippines"})
    assert len(deduplicate([a, b])) == 2


def test_a_coarse_date_needs_a_person_or_parties_and_place():
    recently = {"end": D(2021, 6, 24), "gran": "ref"}
    a = key("a/m1", "a", **recently, who={"usa", "north korea"})
    b = key("b/m1", "b", day=D(2021, 6, 1), who={"usa", "china"}, where="beijing")
    c = key("c/m1", "c", **recently, who={"usa", "china"})
    d = key("d/m1", "d", **recently, who={"usa", "china"}, where="beijing")
    e = key("e/m1", "e", **recently, persons={"blinken"})
    f = key("f/m1", "f", day=D(2021, 6, 2), persons={"blinken"})
    assert ids(deduplicate([a, b, c, d, e, f])) == [
        ["a/m1"],
        ["b/m1", "d/m1"],
        ["c/m1"],
        ["e/m1", "f/m1"],
    ]


def test_different_people_on_the_same_day_are_different_events():
    a = key("a/m1", "a", day=D(2021, 6, 1), persons={"blinken"})
    b = key("b/m1", "b", day=D(2021, 6, 1), persons={"lavrov"})
    assert len(deduplicate([a, b])) == 2


def test_a_separate_occasion_stays_separate_in_its_article():
    talks = key("a/m1", "a", 0, day=D(2020, 12, 18), persons={"milley", "netanyahu"})
    earlier = key("a/m5", "a", 4, start=D(2020, 12, 18), end=D(2020, 12, 18), gran="time",
                  persons={"milley", "gantz"}, distinct=True)  # fmt: skip
    week = key("a/m9", "a", 8, start=D(2020, 12, 14), end=D(2020, 12, 20), gran="week")
    sunday = key("a/m10", "a", 9, day=D(2020, 12, 13), persons={"netanyahu", "obrien"})
    groups = ids(deduplicate([talks, earlier, week, sunday]))
    assert groups == [["a/m1", "a/m9"], ["a/m10"], ["a/m5"]]


def test_reference_and_sentence_join_mentions_without_dates():
    first = key("a/m1", "a", 0, day=D(2024, 6, 10))
    anaphor = key("a/m2", "a", 1, link=0)
    second_trigger = key("a/m3", "a", 2, sentence=0)
    other = key("a/m4", "a", 3)
    assert ids(deduplicate([first, anaphor, second_trigger, other])) == [
        ["a/m1", "a/m2", "a/m3"],
        ["a/m4"],
    ]


def test_undated_mentions_never_merge_across_articles():
    a = key("a/m1", "a", persons={"x"})
    b = key("b/m1", "b", persons={"x"})
    assert len(deduplicate([a, b])) == 2


def test_types_never_mix():
    a = key("a/m1", "a", day=D(2021, 1, 1), etype="MEET")
    b = key("b/m1", "b", day=D(2021, 1, 1), etype="AGREE")
    assert len(deduplicate([a, b])) == 2


def test_places_must_agree_unless_the_caller_knows_better():
    a = key("a/m1", "a", day=D(2024, 6, 10), where="manama")
    b = key("b/m1", "b", day=D(2024, 6, 10), where="bahrain")
    assert len(deduplicate([a, b])) == 2
    inside = {("manama", "bahrain"), ("bahrain", "manama")}
    assert len(deduplicate([a, b], lambda x, y: x == y or (x, y) in inside)) == 1


def test_result_and_ids_do_not_depend_on_input_order():
    keys = [
        key(f"{a}/m{i}", a, i, day=D(2021, 1, 1) + timedelta(days=i % 5), persons={f"p{i % 3}"})
        for a in "abcd"
        for i in range(6)
    ]
    first = deduplicate(keys)
    shuffled = keys[:]
    random.Random(1).shuffle(shuffled)
    second = deduplicate(shuffled)
    assert ids(first) == ids(second)
    assert sorted(event_id(g) for g in first) == sorted(event_id(g) for g in second)


def test_comparisons_grow_linearly_with_the_corpus(monkeypatch):
    calls = 0
    real = dedup._match

    def counting(*args):
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(dedup, "_match", counting)
    per_corpus = []
    for n in (500, 2000):
        calls = 0
        keys = [
            key(f"a{i}/m1", f"a{i}", day=D(2000, 1, 1) + timedelta(days=i), persons={f"p{i % 50}"})
            for i in range(n)
        ]
        deduplicate(keys)
        per_corpus.append(calls / n)
    assert per_corpus[1] <= per_corpus[0] * 1.5  # comparisons per mention stay flat
