"""A deliberately broken corpus: every kind of defect, mixed with good articles.

Every input record ends up either processed (``ok``) or in the article report with
a machine-readable reason; records in = rows out; the same report comes out of the
API, the CLI and the engine with two workers. The corpus is built here from code.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from timeline.api import extract
from timeline.cli import main
from timeline.corpus import REASONS, WARNINGS
from timeline.engine import run
from timeline.tables import read_table

GOOD = "التقى وزير الخارجية نظيره في الرياض يوم 27 أبريل 2021، وبحثا التعاون."
NOW = "2026-01-01"

# id -> (status or reason, warnings) for every record of the corpus below
EXPECTED: dict[str | None, tuple[str, tuple[str, ...]]] = {}


def _expect(article_id, outcome, *warnings):
    EXPECTED[article_id] = (outcome, tuple(warnings))


def _line(article_id=None, published="2021-06-24", text=GOOD, **extra) -> dict:
    record = {"id": article_id, "published": published, "text": text, **extra}
    return {k: v for k, v in record.items() if v is not ...}


def build(folder: Path) -> int:
    """Write the broken corpus into ``folder``; return its number of records."""
    folder.mkdir()
    EXPECTED.clear()
    # a.jsonl: UTF-8 with a BOM and CRLF line ends; one defect per line
    lines = [
        (_line("good-1"), ("ok", "encoding_utf8_bom")),
        (_line("html", text=f"<p>{GOOD.replace('أبريل', '<b>أبريل</b>')}</p><br/>&nbsp;"),
         ("ok", "encoding_utf8_bom")),
        (_line("nul", text=GOOD.replace("الرياض", "الر\x00ياض") + "\x07"),
         ("ok", "encoding_utf8_bom")),
        (_line("crlf", text=GOOD + "\r\n" + GOOD + "\r\n"), ("ok", "encoding_utf8_bom")),
        (_line("future", published="2031-01-01"),
         ("ok", "encoding_utf8_bom", "published_after_now")),
        (_line("far-past", published="0001-01-01"),
         ("ok", "encoding_utf8_bom", "published_before_1900")),
        (_line("dmy", published="24/06/2021"),
         ("ok", "encoding_utf8_bom", "published_dd_mm_yyyy")),
        (_line("tz", published="2021-06-24T23:30:00-05:00"), ("ok", "encoding_utf8_bom")),
        (_line("good-1", text="مكرر"), ("duplicate_id", "encoding_utf8_bom")),
        (_line("no-date", published=None), ("missing_date", "encoding_utf8_bom")),
        (_line("bad-date", published="yesterday"), ("bad_date", "encoding_utf8_bom")),
        (_line("empty", text=" \r\n\t "), ("empty_text", "encoding_utf8_bom")),
        (_line(None), ("missing_id", "encoding_utf8_bom")),
    ]  # fmt: skip
    body = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\r\n" for r, _ in lines)
    body += b'{"id": "bad-json", "published": \r\n'  # cut off
    body += b'{"id": "bad-bytes", "published": "2021-06-24", "text": "\xd8\xa7 \xd8"}\r\n'
    (folder / "a.jsonl").write_bytes(codecs.BOM_UTF8 + body)
    for record, (outcome, *warnings) in lines:
        if record["id"] != "good-1" or outcome == "ok":
            _expect(record["id"], outcome, *warnings)
    _expect("dup:good-1", "duplicate_id", "encoding_utf8_bom")
    _expect("line:bad-json", "bad_json", "encoding_utf8_bom")
    _expect("bad-bytes", "undecodable", "encoding_utf8_bom")

    # b.jsonl: a whole file in UTF-16 (Windows "Unicode"), with its BOM
    text16 = "".join(
        json.dumps(r, ensure_ascii=False) + "\n"
        for r in (_line("utf16-1"), _line("utf16-2", text="هاجمت طائرات غزة أمس"))
    )
    (folder / "b.jsonl").write_bytes(codecs.BOM_UTF16_LE + text16.encode("utf-16-le"))
    _expect("utf16-1", "ok", "encoding_utf16le")
    _expect("utf16-2", "ok", "encoding_utf16le")

    # c.parquet: good rows; d.parquet: corrupt
    table = pa.table({
        "id": ["pq-1", "pq-2"], "published": ["2021-06-24", "2021-06-25"],
        "text": [GOOD, None],
    })  # fmt: skip
    pq.write_table(table, folder / "c.parquet")
    _expect("pq-1", "ok")
    _expect("pq-2", "empty_text")
    data = (folder / "c.parquet").read_bytes()
    (folder / "d.parquet").write_bytes(data[:40] + b"\x00" * 64 + data[104:])
    _expect("file:d.parquet", "unreadable_file")

    # .txt articles with a manifest: encodings, a gigantic scraped page, missing files
    txt = {
        "t-utf8": GOOD.encode(),
        "t-utf16be": codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"),
        "t-utf16-nobom": GOOD.encode("utf-16-le"),
        "t-cp1256": GOOD.encode("cp1256"),
        "t-latin1": "Le ministre a rencontré son homologue à Riyad.".encode("latin-1"),
        "t-binary": bytes(range(256)) * 8,
        "t-empty": b"",
        "t-giant": (
            "<html><head><script>" + "var ad = '<p>' + 1;\n" * 100_000 + "</script></head>"
            "<body>" + "<div class=nav><span>إعلان</span></div>\n" * 10_000
            + f"<p>{GOOD}</p></body></html>"
        ).encode(),
    }  # fmt: skip
    outcomes = {
        "t-utf8": ("ok",), "t-utf16be": ("ok", "encoding_utf16be"),
        "t-utf16-nobom": ("ok", "encoding_utf16le"), "t-cp1256": ("ok", "encoding_cp1256"),
        "t-latin1": ("undecodable",), "t-binary": ("undecodable",), "t-empty": ("empty_text",),
        "t-giant": ("ok",),
    }  # fmt: skip
    rows = ["id,file,published"]
    for name, data in txt.items():
        (folder / f"{name}.txt").write_bytes(data)
        rows.append(f"{name},{name}.txt,2021-06-24")
        _expect(name, *outcomes[name])
    rows.append("t-missing,absent.txt,2021-06-24")
    _expect("t-missing", "missing_file")
    rows.append("t-dmy-tz,t-utf8.txt,24/06/2021")  # a second row for the same file
    _expect("t-dmy-tz", "ok", "published_dd_mm_yyyy")
    (folder / "manifest.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    (folder / "stray.txt").write_text(GOOD, encoding="utf-8")
    _expect("file:stray.txt", "not_in_manifest")
    (folder / "notes.md").write_text("not a corpus file: ignored")
    assert (folder / "t-giant.txt").stat().st_size > 2_000_000
    return len(EXPECTED)


def _key(row: pd.Series) -> str:
    if row["reason"] == "duplicate_id":
        return f"dup:{row['article_id']}"
    if row["reason"] == "bad_json":
        return "line:bad-json"
    if row["article_id"] is None:
        return "file:" + row["source_file"] if row["reason"] != "missing_id" else None
    return row["article_id"]


def check_report(report: pd.DataFrame, n_records: int) -> None:
    assert len(report) == n_records  # records in = rows out
    assert set(report["status"]) == {"ok", "skipped"}
    got = {}
    for _, row in report.iterrows():
        key = _key(row)
        assert key not in got, key
        if row["status"] == "ok":
            assert row["reason"] is None
            outcome = "ok"
        else:
            assert row["reason"] in REASONS
            outcome = row["reason"]
        warnings = tuple(row["warnings"])
        assert set(warnings) <= set(WARNINGS)
        got[key] = (outcome, warnings)
    assert got == EXPECTED


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("broken") / "corpus"
    return folder, build(folder)


@pytest.fixture(scope="module")
def api_result(corpus):
    import datetime as dt

    return extract(corpus[0], now=dt.date.fromisoformat(NOW))


def test_api_reports_every_record(corpus, api_result):
    check_report(api_result.articles, corpus[1])


def test_good_articles_are_processed_through_the_defects(api_result):
    timexes = api_result.timexes
    found = timexes[timexes["text"].str.contains("أبريل")].groupby("article_id")["value"].first()
    ok = api_result.articles.loc[api_result.articles["status"] == "ok", "article_id"]
    readable = set(ok) - {"utf16-2"}  # its text has no date
    assert set(found.index) == readable
    assert set(found) == {"2021-04-27"}
    mentions = api_result.mentions
    assert not mentions["sentence"].str.contains("<|&nbsp;|\x00", regex=True).any()


def test_cli_reports_the_same(corpus, api_result, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(corpus[0]), "--out", str(out), "--now", NOW]) == 0
    report = read_table(out, "articles")
    check_report(report, corpus[1])
    err = capsys.readouterr().err
    assert err.count("  skipped ") == (report["status"] == "skipped").sum()


def test_engine_with_two_workers_writes_the_same_tables(corpus, api_result, tmp_path):
    import datetime as dt

    out = tmp_path / "out"
    summary = run(corpus[0], out, workers=2, chunk_size=4, now=dt.date.fromisoformat(NOW))
    assert summary.records == corpus[1]
    for name in ("articles", "timexes", "mentions", "events"):
        written = read_table(out, name)
        expected = getattr(api_result, name).reset_index(drop=True)
        pd.testing.assert_frame_equal(written, expected, check_dtype=False)
