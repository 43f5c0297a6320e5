"""Tests of reading a corpus and of the article report it yields."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from timeline.corpus import REASON_DESCRIPTIONS, REASONS, WARNINGS, read_corpus
from timeline.model import Article, ArticleStatus

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
TEXT = "قال مسؤول أمس إن الاجتماع عقد."
MANIFEST_NAME = "manifest.csv"
MANIFEST_HEADER = "id,file,published,source,url,title,published_note\n"


def write_jsonl(path: Path, *records: object) -> Path:
    """Write records as JSONL; a ``str`` record is written as the raw line."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rec(article_id: object = "a1", published: object = "2021-06-24", text: object = TEXT, **kw):
    return {"id": article_id, "published": published, "text": text, **kw}


def read(path: Path, **kw) -> list[tuple[Article | None, ArticleStatus]]:
    return list(read_corpus(path, **kw))


def statuses(path: Path, **kw) -> list[ArticleStatus]:
    return [status for _, status in read_corpus(path, **kw)]


def only_status(path: Path, **kw) -> ArticleStatus:
    (status,) = statuses(path, **kw)
    return status


def check_pairs(pairs: list[tuple[Article | None, ArticleStatus]]) -> None:
    """An ok status comes with its article, a skipped one with None and a known reason."""
    for article, status in pairs:
        if status.status == "ok":
            assert article is not None
            assert status.reason is None
            assert article.id == status.article_id
            assert article.published == status.published
        else:
            assert status.status == "skipped"
            assert article is None
            assert status.reason in REASONS


# -- the seeds -------------------------------------------------------------------------


def test_seeds_read_as_five_ok_articles() -> None:
    pairs = read(RAW)
    check_pairs(pairs)
    assert [s.article_id for _, s in pairs] == [f"seed-{i:03d}" for i in range(5)]
    assert all(s.status == "ok" and s.warnings == () for _, s in pairs)
    published = {s.article_id: s.published for _, s in pairs}
    assert published == {
        "seed-000": dt.date(2021, 6, 24),
        "seed-001": dt.date(2021, 6, 24),
        "seed-002": dt.date(2024, 6, 13),
        "seed-003": dt.date(2022, 6, 27),
        "seed-004": dt.date(2020, 12, 19),
    }
    for article, status in pairs:
        assert status.line is None
        assert (RAW / status.source_file).is_file()
        assert article is not None
        assert article.text == (RAW / status.source_file).read_bytes().decode("utf-8")
    first = pairs[0][0]
    assert first is not None
    assert first.source == "Shafaq News"
    assert first.url == "https://shafaq.com/ar"
    assert first.title == "Iran drones: US-Israel talks (Axios report)"
    assert pairs[1][0] is not None and pairs[1][0].url is None  # empty cell -> None


def test_seed_txt_single_file_and_manifest_path() -> None:
    (status,) = statuses(RAW / "002_aadb48324410c1ce.txt")
    assert status.article_id == "seed-002"
    assert status.status == "ok"
    assert len(statuses(RAW / "manifest.csv")) == 5


# -- every reason code -----------------------------------------------------------------


def make_kitchen_sink(folder: Path) -> int:
    """A folder giving every reason but bad_manifest; returns its number of records."""
    folder.mkdir()
    write_jsonl(
        folder / "a.jsonl",
        rec("ok-1"),
        "",  # blank lines are not records
        rec(None),  # missing_id
        rec("nodate", published=None),  # missing_date
        rec("baddate", published="yesterday"),  # bad_date
        rec("empty", text="  \n\t "),  # empty_text
        "{not json",  # bad_json
        "[1, 2]",  # bad_json: not an object
        rec("ok-1"),  # duplicate_id
    )
    with (folder / "a.jsonl").open("ab") as f:
        f.write(b'{"id": "bytes", "published": "2021-01-01", "text": "\xff\xfe"}\n')  # undecodable
    (folder / "m1.txt").write_text(TEXT, encoding="utf-8")
    (folder / "stray.txt").write_text(TEXT, encoding="utf-8")  # not_in_manifest
    (folder / MANIFEST_NAME).write_text(
        MANIFEST_HEADER + "ok-2,m1.txt,2021-06-24,,,,\nghost,absent.txt,2021-06-24,,,,\n",
        encoding="utf-8",
    )  # missing_file
    (folder / "z.parquet").write_bytes(b"PAR1 this is not parquet")  # unreadable_file
    return 8 + 1 + 2 + 1 + 1


def test_every_reason_code_and_records_in_equal_rows_out(tmp_path: Path) -> None:
    n_records = make_kitchen_sink(tmp_path / "sink")
    pairs = read(tmp_path / "sink")
    check_pairs(pairs)
    assert len(pairs) == n_records
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / MANIFEST_NAME).write_text("name,path\nx,y.txt\n", encoding="utf-8")
    (bad / "y.txt").write_text(TEXT, encoding="utf-8")
    bad_rows = statuses(bad)
    assert [(s.reason, s.source_file) for s in bad_rows] == [
        ("bad_manifest", MANIFEST_NAME),
        ("not_in_manifest", "y.txt"),
    ]
    reasons = Counter(s.reason for _, s in pairs) + Counter(s.reason for s in bad_rows)
    assert set(reasons) - {None} == set(REASONS)
    assert reasons[None] == 2
    assert reasons["bad_json"] == 2


def test_reason_vocabulary_is_documented() -> None:
    assert tuple(REASON_DESCRIPTIONS) == REASONS
    assert all(REASON_DESCRIPTIONS[r] for r in REASONS)
    assert {"published_dd_mm_yyyy", "published_after_now"} <= set(WARNINGS)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (rec(None), "missing_id"),
        (rec("   "), "missing_id"),
        (rec(["x"]), "missing_id"),
        (rec(published=None), "missing_date"),
        (rec(published="  "), "missing_date"),
        (rec(published="June 2021"), "bad_date"),
        (rec(published="yesterday"), "bad_date"),
        (rec(published="3 days ago"), "bad_date"),
        (rec(published="2021-02-30"), "bad_date"),
        (rec(published="31/02/2021"), "bad_date"),
        (rec(published=20210624), "bad_date"),
        (rec(text=""), "empty_text"),
        (rec(text=None), "empty_text"),
        ({"id": "a", "published": "2021-01-01"}, "empty_text"),
        (rec(text=42), "bad_json"),
        (rec(text=["a"]), "bad_json"),
        (rec(text="\ud800 lone surrogate"), "undecodable"),
        ("null", "bad_json"),
        ('"a string"', "bad_json"),
        ('{"id": "a", ', "bad_json"),
    ],
)
def test_jsonl_record_reasons(tmp_path: Path, record: object, reason: str) -> None:
    if isinstance(record, dict):
        # json.dumps escapes a lone surrogate, as a real producer's file would.
        record = json.dumps(record)
    status = only_status(write_jsonl(tmp_path / "c.jsonl", record))
    assert (status.status, status.reason, status.line) == ("skipped", reason, 1)


@pytest.mark.parametrize(
    ("published", "day"),
    [
        ("Tue, 27 Apr 2021 23:30:00 +0300", dt.date(2021, 4, 27)),
        ("Tue, 27 Apr 2021 23:30:00 GMT", dt.date(2021, 4, 27)),
        ("24 June 2021", dt.date(2021, 6, 24)),
        ("April 27, 2021", dt.date(2021, 4, 27)),
        ("27 أبريل 2021", dt.date(2021, 4, 27)),
    ],
)
def test_free_form_dates_are_read_with_a_warning(
    tmp_path: Path, published: str, day: dt.date
) -> None:
    ((article, status),) = read_corpus(write_jsonl(tmp_path / "c.jsonl", rec(published=published)))
    assert article is not None and article.published == day
    assert "published_free_form" in status.warnings


def test_skipped_record_keeps_id_date_and_source(tmp_path: Path) -> None:
    status = only_status(write_jsonl(tmp_path / "c.jsonl", rec("x", text=" ")))
    assert status == ArticleStatus("x", "c.jsonl", 1, dt.date(2021, 6, 24), "skipped", "empty_text")


def test_undecodable_line_still_names_its_id(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "x1", "published": "2021-01-01", "text": "ok \xc3\x28"}\n')
    status = only_status(path)
    assert (status.reason, status.article_id, status.line) == ("undecodable", "x1", 1)


def test_blank_lines_are_not_records_but_count_in_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        "\n" + json.dumps(rec("a")) + "\n  \r\n\n" + json.dumps(rec("b")) + "\n\n", "utf-8"
    )
    assert [(s.article_id, s.line) for s in statuses(path)] == [("a", 2), ("b", 5)]


def test_duplicate_first_usable_occurrence_wins(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl",
        rec("a", text=""),  # skipped, so it does not claim the id
        rec("a", text="first usable"),
        rec("a", text="second"),
    )
    pairs = read(path)
    assert [s.reason for _, s in pairs] == ["empty_text", None, "duplicate_id"]
    assert pairs[1][0] is not None and pairs[1][0].text == "first usable"


def test_duplicate_across_files_keeps_the_earlier_file(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "b.jsonl", rec("same", text="from b"))
    write_jsonl(tmp_path / "a.jsonl", rec("same", text="from a"))
    pairs = read(tmp_path)
    assert [(s.source_file, s.reason) for _, s in pairs] == [
        ("a.jsonl", None),
        ("b.jsonl", "duplicate_id"),
    ]


def test_integer_id_is_text_and_optional_fields(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl", rec(7, title="عنوان", source=3, url="  ", extra="ignored")
    )
    ((article, status),) = read(path)
    assert article == Article("7", dt.date(2021, 6, 24), TEXT, title="عنوان")
    assert status.warnings == ("source_not_string",)


# -- text is kept exactly ----------------------------------------------------------------


def test_text_kept_exactly_with_bom_stripped(tmp_path: Path) -> None:
    raw = "  سطر أول\r\nسطر ثان\u2028ثالث\n"
    (tmp_path / "t.txt").write_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    (tmp_path / MANIFEST_NAME).write_bytes(b"\xef\xbb\xbfid,file,published\nt1,t.txt,2021-06-24\n")
    jsonl = tmp_path / "j.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + json.dumps(rec("j1", text=raw)).encode() + b"\r\n")
    texts = {a.id: a.text for a, _ in read(tmp_path) if a is not None}
    assert texts == {"t1": raw, "j1": raw}


def test_undecodable_txt(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_bytes("نص".encode() + b"\xff")
    (tmp_path / MANIFEST_NAME).write_text("id,file,published\nt1,t.txt,2021-06-24\n")
    status = only_status(tmp_path)
    assert (status.article_id, status.reason, status.source_file) == ("t1", "undecodable", "t.txt")


# -- manifests and folders -------------------------------------------------------------------


def test_mixed_jsonl_and_txt_folder_in_sorted_order(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "b.jsonl", rec("j1"), rec("j2"))
    write_jsonl(tmp_path / "z.jsonl", rec("j3"))
    (tmp_path / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "w.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / MANIFEST_NAME).write_text(
        "file,id,published,extra\nx.txt,t-x,2021-06-24,note\nw.txt,t-w,2021-06-25,\n"
    )
    (tmp_path / "README.md").write_text("not a corpus file")
    (tmp_path / ".hidden.jsonl").write_text("{broken")
    pairs = read(tmp_path)
    check_pairs(pairs)
    assert [(s.article_id, s.source_file, s.line) for _, s in pairs] == [
        ("j1", "b.jsonl", 1),
        ("j2", "b.jsonl", 2),
        ("t-x", "x.txt", None),  # txt articles come at the manifest's place, in its order
        ("t-w", "w.txt", None),
        ("j3", "z.jsonl", 1),
    ]


def test_manifest_row_reasons(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "e.txt").write_text(" \n", encoding="utf-8")
    (tmp_path / MANIFEST_NAME).write_text(
        "id,file,published\n"
        ",a.txt,2021-06-24\n"
        "a2,a.txt,\n"
        "a3,a.txt,June\n"
        "a4,,2021-06-24\n"
        "a5,gone.txt,2021-06-24\n"
        "a6,e.txt,2021-06-24\n"
        "\n"
        "a7,a.txt,24/06/2021\n"
        "a7,a.txt,2021-06-24\n"
    )
    rows = statuses(tmp_path)
    assert [(s.article_id, s.source_file, s.reason) for s in rows] == [
        (None, "a.txt", "missing_id"),
        ("a2", "a.txt", "missing_date"),
        ("a3", "a.txt", "bad_date"),
        ("a4", MANIFEST_NAME, "missing_file"),
        ("a5", "gone.txt", "missing_file"),
        ("a6", "e.txt", "empty_text"),
        ("a7", "a.txt", None),
        ("a7", "a.txt", "duplicate_id"),
    ]
    assert rows[-2].warnings == ("published_dd_mm_yyyy",)


def test_txt_without_manifest_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert statuses(tmp_path) == [
        ArticleStatus(None, "a.txt", None, None, "skipped", "not_in_manifest")
    ]
    assert only_status(tmp_path / "a.txt").reason == "not_in_manifest"


def test_undecodable_manifest_is_bad_manifest(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_bytes(b"id,file,published\n\xff,a.txt,2021-01-01\n")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert [s.reason for s in statuses(tmp_path)] == ["bad_manifest", "not_in_manifest"]
    assert only_status(tmp_path / "a.txt").reason == "bad_manifest"


def test_empty_folder_yields_nothing(tmp_path: Path) -> None:
    assert read(tmp_path) == []


def test_bad_paths_raise_at_call_time(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_corpus(tmp_path / "nope")
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(ValueError, match="unsupported"):
        read_corpus(tmp_path / "x.csv")


def test_read_corpus_is_a_lazy_iterator(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", rec("a"), rec("b"))
    result = read_corpus(tmp_path)
    assert isinstance(result, Iterator)
    assert next(result)[1].article_id == "a"


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2021-06-24", dt.date(2021, 6, 24)),
        (" 2021-06-24 ", dt.date(2021, 6, 24)),
        ("2021-06-24T23:30:00-05:00", dt.date(2021, 6, 24)),  # not converted to UTC
        ("2021-06-25T01:30:00+03:00", dt.date(2021, 6, 25)),
        ("2021-06-24T23:30:00Z", dt.date(2021, 6, 24)),
        ("2021-06-24 08:00", dt.date(2021, 6, 24)),
    ],
)
def test_iso_dates_and_datetimes(tmp_path: Path, published: str, expected: dt.date) -> None:
    status = only_status(write_jsonl(tmp_path / "c.jsonl", rec(published=published)))
    assert (status.status, status.published, status.warnings) == ("ok", expected, ())


def test_dd_mm_yyyy_is_accepted_with_a_warning(tmp_path: Path) -> None:
    status = only_status(write_jsonl(tmp_path / "c.jsonl", rec(published="05/06/2021")))
    assert status.published == dt.date(2021, 6, 5)
    assert (status.status, status.warnings) == ("ok", ("published_dd_mm_yyyy",))


@pytest.mark.parametrize("now", [dt.date(2021, 6, 23), dt.datetime(2021, 6, 23, 12, 0)])
def test_date_after_now_is_accepted_with_a_warning(tmp_path: Path, now: dt.date) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", rec("late"), rec("same", published="2021-06-23"))
    late, same = statuses(path, now=now)
    assert (late.status, late.warnings) == ("ok", ("published_after_now",))
    assert (same.status, same.warnings) == ("ok", ())
    assert statuses(path)[0].warnings == ()  # no reference date, no check


# -- parquet -----------------------------------------------------------------------------------


def test_parquet_input_streams_with_zero_based_rows(tmp_path: Path) -> None:
    n = 2500  # more than one record batch
    table = pa.table(
        {
            "id": [f"p{i}" for i in range(n)],
            "published": ["2021-06-24"] * n,
            "text": [TEXT] * (n - 1) + [None],
            "title": ["t"] * n,
            "unrelated": list(range(n)),
        }
    )
    pq.write_table(table, tmp_path / "c.parquet", row_group_size=700)
    pairs = read(tmp_path / "c.parquet")
    check_pairs(pairs)
    assert len(pairs) == n
    assert [s.line for _, s in pairs] == list(range(n))
    assert pairs[0][0] == Article("p0", dt.date(2021, 6, 24), TEXT, title="t")
    assert pairs[-1][1].reason == "empty_text"
    assert all(s.source_file == "c.parquet" for _, s in pairs)


def test_parquet_typed_dates_and_missing_columns(tmp_path: Path) -> None:
    stamp = dt.datetime(2021, 6, 24, 23, 30)
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "published": pa.array([stamp, None, stamp], pa.timestamp("s", tz="America/Chicago")),
            "text": pa.array([TEXT.encode(), TEXT.encode(), b"\xff"], pa.binary()),
        }
    )
    pq.write_table(table, tmp_path / "typed.parquet")
    rows = statuses(tmp_path / "typed.parquet")
    assert [(s.article_id, s.reason) for s in rows] == [
        ("1", None),
        ("2", "missing_date"),
        ("3", "undecodable"),
    ]
    # 2021-06-24 23:30 UTC is still the 24th in Chicago (18:30).
    assert rows[0].published == dt.date(2021, 6, 24)
    pq.write_table(pa.table({"other": [1, 2]}), tmp_path / "none.parquet")
    assert [s.reason for s in statuses(tmp_path / "none.parquet")] == ["missing_id"] * 2


@pytest.mark.parametrize(
    ("published", "warnings"),
    [
        ("1899-12-31", ("published_before_1900",)),
        ("0001-01-01", ("published_before_1900",)),
        ("31/12/1021", ("published_dd_mm_yyyy", "published_before_1900")),
        ("1900-01-01", ()),
        ("2031-06-24T01:00:00+05:00", ("published_after_now",)),
    ],
)
def test_far_past_and_future_dates_are_accepted_and_flagged(
    tmp_path: Path, published: str, warnings: tuple[str, ...]
) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", rec(published=published))
    status = only_status(path, now=dt.date(2026, 1, 1))
    assert (status.status, status.warnings) == ("ok", warnings)
