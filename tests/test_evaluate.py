"""Tests of the scorer: predictions built by hand from the gold, then damaged on purpose."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from timeline.evaluate import (
    GoldDoc,
    GoldEvent,
    GoldFormatError,
    GoldTimex,
    error_rows,
    evaluate_folder,
    format_table,
    load_gold,
    match_mentions,
    match_timeline,
    match_timexes,
    score,
)

GOLD_DIR = Path(__file__).parent / "gold"

F1_KEYS = (
    "timex_relaxed_F1",
    "timex_strict_F1",
    "timex_value_F1",
    "mention_F1",
    "timeline_F1",
    "link_F1",
)


# ------------------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def gold() -> dict[str, GoldDoc]:
    return load_gold(GOLD_DIR)


def perfect_timexes(gold: Mapping[str, GoldDoc]) -> pd.DataFrame:
    rows = [
        {
            "timex_id": f"{doc.article_id}/t{i}",
            "article_id": doc.article_id,
            "text": t.text,
            "type": t.type,
            "value": t.value,
            "mod": t.mod,
            "char_start": t.start,
            "char_end": t.end,
        }
        for doc in gold.values()
        for i, t in enumerate(doc.timexes)
    ]
    return pd.DataFrame(rows)


def perfect_mentions(gold: Mapping[str, GoldDoc]) -> pd.DataFrame:
    rows = [
        {
            "mention_id": e.id,
            "article_id": doc.article_id,
            "event_id": e.cluster if e.occurred else None,
            "event_type": e.type,
            "status": e.status,
            "trigger": e.trigger,
            "char_start": e.start,
            "char_end": e.end,
            "date_value": e.date_value,
        }
        for doc in gold.values()
        for e in doc.events
    ]
    return pd.DataFrame(rows)


def events_from(mentions: pd.DataFrame) -> pd.DataFrame:
    """One timeline row per predicted event_id, as the dedup step would write it."""
    occurred = mentions[mentions["event_id"].notna()]
    rows = [
        {
            "event_id": eid,
            "event_type": group["event_type"].iloc[0],
            "article_ids": sorted(set(group["article_id"])),
            "n_mentions": len(group),
        }
        for eid, group in occurred.groupby("event_id", sort=True)
    ]
    return pd.DataFrame(rows, columns=["event_id", "event_type", "article_ids", "n_mentions"])


def perfect(gold: Mapping[str, GoldDoc]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    mentions = perfect_mentions(gold)
    return perfect_timexes(gold), mentions, events_from(mentions)


def required_timexes(gold: Mapping[str, GoldDoc]) -> int:
    return sum(not t.optional for d in gold.values() for t in d.timexes)


def mention(aid: str, start: int, end: int, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "mention_id": f"{aid}/m{start}",
        "article_id": aid,
        "event_id": None,
        "event_type": "MEET",
        "status": "occurred",
        "trigger": "x" * (end - start),
        "char_start": start,
        "char_end": end,
        "date_value": None,
    }
    row.update(kw)
    return row


def ev(aid: str, eid: str, start: int, end: int, cluster: str, **kw: object) -> GoldEvent:
    kw.setdefault("type", "MEET")
    return GoldEvent(
        id=eid,
        article_id=aid,
        trigger="x" * (end - start),
        start=start,
        end=end,
        cluster=cluster,
        **kw,  # type: ignore[arg-type]
    )


def tx(aid: str, start: int, end: int, value: str | None, **kw: object) -> GoldTimex:
    kw.setdefault("type", "DATE")
    return GoldTimex(
        article_id=aid,
        text="x" * (end - start),
        start=start,
        end=end,
        value=value,
        **kw,  # type: ignore[arg-type]
    )


def timex_row(aid: str, start: int, end: int, value: str | None, ttype: str = "DATE") -> dict:
    return {
        "article_id": aid,
        "text": "x" * (end - start),
        "type": ttype,
        "value": value,
        "char_start": start,
        "char_end": end,
    }


# ----------------------------------------------------------------------------- loading


def test_load_gold_reads_dev_files(gold: dict[str, GoldDoc]) -> None:
    assert sorted(gold) == [f"seed-00{i}" for i in range(5)]
    doc = gold["seed-000"]
    assert doc.published is not None and doc.published.isoformat() == "2021-06-24"
    assert doc.sentences and all(s < e for s, e in doc.sentences)
    assert not doc.draft
    e11 = next(e for e in doc.events if e.id == "seed-000/e11")
    assert e11.status == "planned" and not e11.occurred


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.pop("article_id"), "missing key 'article_id'"),
        (lambda d: d["timexes"][0].update(start="7"), "timexes[0].start"),
        (lambda d: d["timexes"][0].update(type="DAY"), "timexes[0].type"),
        (lambda d: d["timexes"][0].update(end=d["timexes"][0]["end"] + 1), "has length"),
        (lambda d: d["events"][0].pop("cluster"), "events[0]: missing key 'cluster'"),
        (lambda d: d["events"][0].update(status="done"), "events[0].status"),
        (lambda d: d["events"][0]["date"].update(alt=[3]), "events[0].date.alt[0]"),
        (lambda d: d.update(sentences=[[5, 1]]), "sentences[0]"),
        (lambda d: d.update(draft="yes"), "draft"),
        (lambda d: d["timexes"][0].update(optional=1), "timexes[0].optional"),
    ],
)
def test_load_gold_names_file_and_problem(tmp_path: Path, mutate, fragment: str) -> None:
    data = json.loads((GOLD_DIR / "seed-000.json").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "broken.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GoldFormatError) as info:
        load_gold(tmp_path)
    assert "broken.json" in str(info.value)
    assert fragment in str(info.value)


def test_load_gold_bad_json_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"bad\.json: not valid"):
        load_gold(tmp_path)
    (tmp_path / "bad.json").unlink()
    text = (GOLD_DIR / "seed-001.json").read_text(encoding="utf-8")
    (tmp_path / "a.json").write_text(text, encoding="utf-8")
    (tmp_path / "b.json").write_text(text, encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"b\.json: article_id 'seed-001' already given"):
        load_gold(tmp_path)


def test_load_gold_keeps_draft_flag(tmp_path: Path) -> None:
    data = json.loads((GOLD_DIR / "seed-003.json").read_text(encoding="utf-8"))
    data["draft"] = True
    (tmp_path / "seed-003.json").write_text(json.dumps(data), encoding="utf-8")
    gold = load_gold(tmp_path)
    assert gold["seed-003"].draft
    assert score(gold, pd.DataFrame())["n_draft_articles"] == 1


# ----------------------------------------------------------------------- whole-dev scores


def test_perfect_predictions_score_one(gold: dict[str, GoldDoc]) -> None:
    scores = score(gold, *perfect(gold))
    for key in F1_KEYS:
        assert scores[key] == 1.0, key
    for key in ("timex_relaxed_P", "timex_relaxed_R", "mention_P", "mention_R", "link_P"):
        assert scores[key] == 1.0, key
    for key in ("timex_type_acc", "timex_value_acc", "mention_date_acc", "status_acc"):
        assert scores[key] == 1.0, key
    assert scores["timeline_duplicate_rows"] == 0
    assert scores["timex_fn"] == 0 and scores["timex_fp"] == 0
    assert scores["timex_neutral"] == sum(t.optional for d in gold.values() for t in d.timexes)
    assert scores["n_articles"] == 5
    # the cross-article cluster is one row: recall counts clusters, not files
    clusters = {e.cluster for d in gold.values() for e in d.events if e.occurred and not e.optional}
    assert scores["timeline_tp"] == len(clusters)


def test_no_predictions_do_not_crash(gold: dict[str, GoldDoc]) -> None:
    empty = pd.DataFrame()
    scores = score(gold, empty, empty, empty)
    assert scores["timex_relaxed_P"] is None
    assert scores["timex_relaxed_R"] == 0.0 and scores["timex_relaxed_F1"] == 0.0
    assert scores["timex_value_acc"] is None
    assert scores["mention_date_acc"] is None and scores["status_acc"] is None
    assert scores["timeline_R"] == 0.0 and scores["link_F1"] is None
    assert "mention_F1" not in score(gold, None)
    assert "timeline_F1" not in score(gold, None, empty)
    assert score({}, empty, empty, empty)["n_articles"] == 0


def test_dropping_a_timex_lowers_recall_only(gold: dict[str, GoldDoc]) -> None:
    timexes = perfect_timexes(gold)
    n = required_timexes(gold)
    first_required = next(
        i for i, r in timexes.iterrows() if r["char_start"] == gold["seed-000"].timexes[1].start
    )
    scores = score(gold, timexes.drop(index=first_required))
    assert scores["timex_relaxed_P"] == 1.0
    assert scores["timex_relaxed_R"] == pytest.approx((n - 1) / n)
    assert scores["timex_fn"] == 1


def test_optional_timex_matched_or_missed_is_free(gold: dict[str, GoldDoc]) -> None:
    timexes = perfect_timexes(gold)
    optional_starts = {t.start for t in gold["seed-001"].timexes if t.optional}
    is_optional = (timexes["article_id"] == "seed-001") & timexes["char_start"].isin(
        optional_starts
    )
    assert is_optional.sum() == 1
    for frame in (timexes, timexes[~is_optional]):
        scores = score(gold, frame)
        assert scores["timex_relaxed_P"] == 1.0 and scores["timex_relaxed_R"] == 1.0
    # a wrong value on an optional item is not graded either
    wrong = timexes.copy()
    wrong.loc[is_optional, "value"] = "1999"
    assert score(gold, wrong)["timex_value_acc"] == 1.0


def test_wrong_value_and_type_are_graded_on_matches(gold: dict[str, GoldDoc]) -> None:
    timexes = perfect_timexes(gold)
    n = required_timexes(gold)
    row = timexes.index[(timexes["article_id"] == "seed-000") & (timexes["char_start"] == 261)]
    timexes.loc[row, "value"] = "2021-04-28"
    timexes.loc[row, "type"] = "TIME"
    scores = score(gold, timexes)
    assert scores["timex_relaxed_F1"] == 1.0
    assert scores["timex_value_acc"] == pytest.approx((n - 1) / n)
    assert scores["timex_type_acc"] == pytest.approx((n - 1) / n)
    assert scores["timex_value_F1"] == pytest.approx((n - 1) / n)


def test_prediction_for_article_without_gold_is_ignored(gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, events = perfect(gold)
    extra_t = pd.DataFrame([timex_row("not-in-gold", 0, 5, "2020")])
    extra_m = pd.DataFrame([mention("not-in-gold", 0, 5, event_id="stray")])
    extra_e = pd.DataFrame([{"event_id": "stray", "article_ids": ["not-in-gold"]}])
    scores = score(
        gold,
        pd.concat([timexes, extra_t], ignore_index=True),
        pd.concat([mentions, extra_m], ignore_index=True),
        pd.concat([events, extra_e], ignore_index=True),
    )
    for key in F1_KEYS:
        assert scores[key] == 1.0, key
    assert scores["n_ignored_rows"] == 2


def test_strict_needs_exact_span() -> None:
    doc = GoldDoc("a", None, timexes=(tx("a", 10, 20, "2020"), tx("a", 30, 40, "2021")))
    preds = pd.DataFrame([timex_row("a", 10, 20, "2020"), timex_row("a", 28, 38, "2021")])
    scores = score({"a": doc}, preds)
    assert scores["timex_relaxed_F1"] == 1.0
    assert scores["timex_strict_F1"] == 0.5


def test_one_to_one_most_overlap_then_earliest() -> None:
    doc = GoldDoc("a", None, timexes=(tx("a", 0, 10, "A"), tx("a", 8, 20, "B")))
    # overlaps A by 2 and B by 6: takes B; the second prediction then gets A
    matches = match_timexes(
        doc, [timex_row("a", 8, 16, "B"), timex_row("a", 5, 9, "A"), timex_row("a", 1, 3, "A")]
    )
    kinds = [(m.kind, m.gold.value if m.gold else None) for m in matches]
    assert sorted(kinds, key=str) == sorted([("tp", "B"), ("tp", "A"), ("fp", None)], key=str)
    # equal overlap with both: the earliest gold wins
    tie = match_timexes(doc, [timex_row("a", 6, 12, "A")])
    assert [m.gold.value for m in tie if m.kind == "tp"] == ["A"]


def test_value_alt_and_null() -> None:
    doc = GoldDoc(
        "a",
        None,
        timexes=(
            tx("a", 0, 5, "2021-W22", alt=("2021-06-03",)),
            tx("a", 10, 15, "PAST_REF", alt=(None,)),
            tx("a", 20, 25, None),
            tx("a", 30, 35, "2020"),
        ),
    )
    preds = pd.DataFrame(
        [
            timex_row("a", 0, 5, "2021-06-03"),
            timex_row("a", 10, 15, None),
            timex_row("a", 20, 25, float("nan")),
            timex_row("a", 30, 35, None),
        ]
    )
    matches = match_timexes(doc, preds)
    assert [m.value_ok for m in matches] == [True, True, True, False]
    errors = error_rows(matches)
    assert [(e["error"], e["gold_start"]) for e in errors] == [("wrong_value", 30)]


def test_error_rows_list_missing_and_extra() -> None:
    doc = GoldDoc("a", None, timexes=(tx("a", 0, 5, "2020"),))
    errors = error_rows(match_timexes(doc, [timex_row("a", 50, 55, "2020")]))
    assert sorted(e["error"] for e in errors) == ["extra", "missing"]


# ------------------------------------------------------------------------------ mentions


def test_dropping_a_mention_lowers_mention_recall(gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, events = perfect(gold)
    required = sum(e.occurred and not e.optional for d in gold.values() for e in d.events)
    keep = mentions["mention_id"] != "seed-000/e7"
    scores = score(gold, timexes, mentions[keep], events)
    assert scores["mention_P"] == 1.0
    assert scores["mention_R"] == pytest.approx((required - 1) / required)
    # e7 is the only mention of its cluster: its row no longer maps anywhere
    assert scores["timeline_fp"] == 1 and scores["timeline_fn"] == 1


def test_mention_needs_same_type(gold: dict[str, GoldDoc]) -> None:
    doc = GoldDoc("a", None, events=(ev("a", "a/e1", 10, 15, "c1"),))
    matches = match_mentions(doc, [mention("a", 10, 15, event_type="ATTACK")])
    assert sorted(m.kind for m in matches) == ["fn", "fp"]


def test_same_sentence_rule_is_neutral() -> None:
    doc = GoldDoc(
        "a",
        None,
        events=(ev("a", "a/e1", 10, 15, "c1"),),
        sentences=((0, 50), (50, 100)),
    )
    preds = pd.DataFrame(
        [
            mention("a", 10, 15, event_id="E1"),
            mention("a", 30, 35, event_id="E1"),  # second trigger, same sentence
            mention("a", 60, 65, event_id="E2"),  # other sentence
            mention("a", 40, 45, event_type="ATTACK", event_id="E3"),  # other type
        ]
    )
    matches = match_mentions(doc, preds)
    assert [(m.kind, m.reason) for m in matches] == [
        ("tp", None),
        ("neutral", "same_sentence"),
        ("fp", None),
        ("fp", None),
    ]
    scores = score({"a": doc}, pd.DataFrame(), preds, events_from(preds))
    assert scores["mention_P"] == pytest.approx(1 / 3)
    assert scores["mention_same_sentence"] == 1


def test_occurred_prediction_on_non_occurred_gold_is_fp() -> None:
    doc = GoldDoc(
        "a",
        None,
        events=(
            ev("a", "a/e1", 10, 15, "c1"),
            ev("a", "a/e2", 20, 25, "plan", status="planned"),
        ),
        sentences=((0, 50),),
    )
    preds = pd.DataFrame([mention("a", 10, 15), mention("a", 20, 25)])
    matches = match_mentions(doc, preds)
    assert [(m.kind, m.reason) for m in matches] == [("tp", None), ("fp", "status")]
    scores = score({"a": doc}, pd.DataFrame(), preds)
    assert scores["mention_status_fp"] == 1
    assert scores["status_acc"] == 0.5  # the planned one is paired and its status is wrong


def test_status_acc_counts_all_paired_predictions(gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, events = perfect(gold)
    n_gold = sum(len(d.events) for d in gold.values())
    flipped = mentions.copy()
    row = flipped["mention_id"] == "seed-004/e16"  # hypothetical in gold
    flipped.loc[row, "status"] = "occurred"
    flipped.loc[row, "event_id"] = "no-deals"
    scores = score(gold, timexes, flipped, events)
    assert scores["status_n"] == n_gold
    assert scores["status_acc"] == pytest.approx((n_gold - 1) / n_gold)
    assert scores["mention_fp"] == 1  # reported as occurred where the text says otherwise


def test_mention_date_accuracy(gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, events = perfect(gold)
    tp = sum(e.occurred and not e.optional for d in gold.values() for e in d.events)
    wrong = mentions.copy()
    wrong.loc[wrong["mention_id"] == "seed-000/e2", "date_value"] = "2021-04"
    # alt accepted: seed-001/e3 gold 2021-04 with alt 2021-04-27
    wrong.loc[wrong["mention_id"] == "seed-001/e3", "date_value"] = "2021-04-27"
    assert score(gold, timexes, wrong, events)["mention_date_acc"] == pytest.approx((tp - 1) / tp)


# ------------------------------------------------------------------------------ timeline


def test_duplicate_event_row(gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, _events = perfect(gold)
    split = mentions.copy()
    # the cross-article cluster reported twice: once per article
    row = (split["event_id"] == "wg-first-meeting-2021") & (split["article_id"] == "seed-001")
    split.loc[row, "event_id"] = "wg-first-meeting-2021/bis"
    scores = score(gold, timexes, split, events_from(split))
    assert scores["timeline_duplicate_rows"] == 1
    assert scores["timeline_R"] == 1.0
    tp = scores["timeline_tp"]
    assert scores["timeline_P"] == pytest.approx(tp / (tp + 1))
    assert scores["link_P"] == 1.0 and scores["link_R"] < 1.0  # split: missed links


def test_wrong_merge_lowers_link_precision(gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, _events = perfect(gold)
    merged = mentions.copy()
    merged.loc[merged["event_id"] == "gantz-milley-2020-12-18", "event_id"] = (
        "milley-israel-2020-12-18"
    )
    scores = score(gold, timexes, merged, events_from(merged))
    assert scores["link_P"] < 1.0 and scores["link_R"] == 1.0
    n_other = int((merged["event_id"] == "milley-israel-2020-12-18").sum()) - 1
    assert scores["link_fp"] == n_other  # the gantz mention against each of the others
    assert scores["timeline_fn"] == 1  # the merged-away cluster is missed


def test_links_by_hand() -> None:
    doc = GoldDoc(
        "a",
        None,
        events=(
            ev("a", "e1", 0, 5, "X"),
            ev("a", "e2", 10, 15, "X"),
            ev("a", "e3", 20, 25, "Y", optional=True),
        ),
    )
    preds = pd.DataFrame(
        [
            mention("a", 0, 5, event_id="P"),
            mention("a", 10, 15, event_id="Q"),
            mention("a", 20, 25, event_id="P"),
        ]
    )
    scores = score({"a": doc}, pd.DataFrame(), preds, events_from(preds))
    # pairs: (e1,e2) gold-same, predicted different -> FN; (e1,e3) predicted same -> FP
    assert (scores["link_tp"], scores["link_fp"], scores["link_fn"]) == (0, 1, 1)
    assert scores["link_P"] == 0.0 and scores["link_F1"] == 0.0


def test_cross_article_links_count(gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, _events = perfect(gold)
    per_article = mentions.copy()
    has_event = per_article["event_id"].notna()
    per_article.loc[has_event, "event_id"] = (
        per_article.loc[has_event, "article_id"] + ":" + per_article.loc[has_event, "event_id"]
    )
    scores = score(gold, timexes, per_article, events_from(per_article))
    assert scores["link_P"] == 1.0 and scores["link_R"] < 1.0
    # wg-first-meeting and sullivan-benshabbat span seed-000/001; the militia attacks
    # do too but are all optional (neutral rows), wg-future-meetings is not occurred
    assert scores["timeline_duplicate_rows"] == 2


def test_optional_cluster_rows_are_neutral() -> None:
    doc = GoldDoc(
        "a",
        None,
        events=(
            ev("a", "e1", 0, 5, "X"),
            ev("a", "e2", 10, 15, "OPT", optional=True),
        ),
    )
    mentions = pd.DataFrame([mention("a", 0, 5, event_id="P"), mention("a", 10, 15, event_id="Q")])
    rows = match_timeline({"a": doc}, mentions, events_from(mentions))
    assert [(r.kind, r.cluster, r.reason) for r in rows] == [
        ("tp", "X", None),
        ("neutral", "OPT", "optional_cluster"),
    ]
    scores = score({"a": doc}, pd.DataFrame(), mentions, events_from(mentions))
    assert scores["timeline_P"] == 1.0 and scores["timeline_R"] == 1.0


def test_unmatched_rows_same_sentence_neutral_else_fp() -> None:
    doc = GoldDoc(
        "a",
        None,
        events=(ev("a", "e1", 0, 5, "X"),),
        sentences=((0, 50), (50, 100)),
    )
    mentions = pd.DataFrame(
        [
            mention("a", 0, 5, event_id="P"),
            mention("a", 20, 25, event_id="S"),  # same sentence as e1: neutral row
            mention("a", 60, 65, event_id="F"),  # nowhere near gold: FP row
        ]
    )
    events = pd.concat(
        [events_from(mentions), pd.DataFrame([{"event_id": "EMPTY", "article_ids": ["a"]}])],
        ignore_index=True,
    )
    rows = {r.event_id: (r.kind, r.reason) for r in match_timeline({"a": doc}, mentions, events)}
    assert rows == {
        "P": ("tp", None),
        "S": ("neutral", "same_sentence"),
        "F": ("fp", "no_match"),
        "EMPTY": ("fp", "no_mentions"),
    }


def test_majority_cluster_wins() -> None:
    doc = GoldDoc(
        "a",
        None,
        events=(ev("a", "e1", 0, 5, "X"), ev("a", "e2", 10, 15, "Y"), ev("a", "e3", 20, 25, "Y")),
    )
    mentions = pd.DataFrame([mention("a", s, s + 5, event_id="P") for s in (0, 10, 20)])
    rows = match_timeline({"a": doc}, mentions, events_from(mentions))
    assert [(r.kind, r.cluster) for r in rows] == [("tp", "Y"), ("fn", "X")]


# --------------------------------------------------------------------- folders and tables


def test_evaluate_folder_reads_parquet(tmp_path: Path, gold: dict[str, GoldDoc]) -> None:
    timexes, mentions, events = perfect(gold)
    # dictionary columns, as the writer may produce them
    table = pa.Table.from_pandas(timexes, preserve_index=False)
    table = table.set_column(
        table.schema.get_field_index("type"), "type", table.column("type").dictionary_encode()
    )
    pq.write_table(table, tmp_path / "timexes.parquet")
    mentions.to_parquet(tmp_path / "mentions.parquet", index=False)
    events.to_parquet(tmp_path / "events.parquet", index=False)
    scores = evaluate_folder(tmp_path, GOLD_DIR)
    for key in F1_KEYS:
        assert scores[key] == 1.0, key


def test_evaluate_folder_missing_tables(tmp_path: Path) -> None:
    scores = evaluate_folder(tmp_path, GOLD_DIR)
    assert scores["timex_relaxed_R"] == 0.0 and "mention_F1" not in scores
    with pytest.raises(FileNotFoundError):
        evaluate_folder(tmp_path / "nope", GOLD_DIR)


def test_format_table(gold: dict[str, GoldDoc]) -> None:
    text = format_table(score(gold, *perfect(gold)))
    for group in ("Timexes", "Mentions", "Timeline", "Links"):
        assert group in text
    assert "1.000" in text
    partial = format_table(score(gold, pd.DataFrame()))
    assert "—" in partial and "Mentions" not in partial
