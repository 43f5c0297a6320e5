"""Encodings of Arabic archives: UTF-8 (BOM or not), UTF-16 (LE/BE, BOM or not), Windows-1256.

Each is read into the same text, with a warning naming the encoding; anything else
(broken UTF-8, Latin-1, binary, truncated UTF-16, UTF-32) is ``undecodable``.
Offsets point into the decoded text, so the pipeline's spans are raw slices of it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from timeline.corpus import WARNINGS, read_corpus
from timeline.encoding import ENCODING_WARNINGS, UndecodableError, decode, looks_cp1256
from timeline.model import Article
from timeline.pipeline import process_article

TEXT = "التقى وزير الخارجية نظيره في الرياض يوم 27 أبريل 2021، وأكد البيان «التعاون».\n"
ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8-sig": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-16-le": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "cp1256": TEXT.encode("cp1256"),
}
NO_BOM = {"utf-16-le": TEXT.encode("utf-16-le"), "utf-16-be": TEXT.encode("utf-16-be")}
REJECTED = {
    "broken utf-8": TEXT.encode("utf-8")[:-3] + b"\xd8 \n",
    "utf-8 with one bad byte": TEXT.encode("utf-8") + b"\xff",
    "latin-1": "Le café est fermé à cause de la grève.".encode("latin-1"),
    "binary": random.Random(8).randbytes(4000),
    "nul bytes": b"\x00" * 64,
    "utf-16 cut mid code unit": TEXT.encode("utf-16-le")[:-1],
    "utf-16 lone surrogate": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le") + b"\x00\xd8",
    "utf-32": TEXT.encode("utf-32"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_supported_encodings_decode_to_the_same_text(encoding):
    assert decode(ENCODED[encoding]) == (TEXT, encoding)


@pytest.mark.parametrize("encoding", sorted(NO_BOM))
def test_utf16_without_bom_is_recognised_by_its_byte_pattern(encoding):
    assert decode(NO_BOM[encoding]) == (TEXT, encoding)
    latin = "Talks in Riyadh, 27 April 2021.".encode(encoding)
    assert decode(latin)[1] == encoding


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_other_bytes_are_rejected(name):
    with pytest.raises(UndecodableError):
        decode(REJECTED[name])


def test_ascii_that_looks_like_utf16_is_still_utf8():
    # every other byte is a space: the UTF-16 pattern, but the decode is not text
    assert decode(b"a a a a a a ") == ("a a a a a a ", "utf-8")


def test_cp1256_check_needs_arabic_words():
    assert looks_cp1256("نص".encode("cp1256"))
    assert not looks_cp1256(b"ok \xc3 ok")  # one stray byte is damage, not a word
    assert not looks_cp1256("نص عربي".encode()[:-1])  # broken UTF-8
    assert not looks_cp1256("نص\x01".encode("cp1256"))  # control bytes


def test_every_encoding_warning_is_documented():
    assert set(ENCODING_WARNINGS.values()) <= set(WARNINGS)


# -- through the corpus reader ---------------------------------------------------------------

MANIFEST = "id,file,published\n"


def _txt_corpus(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir()
    rows = []
    for name, data in files.items():
        (folder / f"{name}.txt").write_bytes(data)
        rows.append(f"{name},{name}.txt,2021-06-24\n")
    (folder / "manifest.csv").write_text(MANIFEST + "".join(rows), encoding="utf-8")
    return folder


def test_txt_files_in_every_encoding(tmp_path):
    files = {k.replace("-", "_"): v for k, v in {**ENCODED}.items()}
    files |= {f"{k.replace('-', '_')}_nobom": v for k, v in NO_BOM.items()}
    files |= {k.replace(" ", "_"): v for k, v in REJECTED.items()}
    pairs = list(read_corpus(_txt_corpus(tmp_path / "c", files)))
    assert len(pairs) == len(files)
    for article, status in pairs:
        name = status.article_id
        if name.replace("_nobom", "").replace("_", "-") in ENCODED:
            encoding = name.replace("_nobom", "").replace("_", "-")
            assert status.status == "ok", name
            assert article.text == TEXT
            assert status.warnings == tuple(
                [ENCODING_WARNINGS[encoding]] if encoding in ENCODING_WARNINGS else []
            )
        else:
            assert (status.status, status.reason) == ("skipped", "undecodable"), name


def _jsonl_bytes(records: list[dict], encoding: str) -> bytes:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in records)
    return text.encode(encoding)


RECORDS = [
    {"id": "j1", "published": "2021-06-24", "text": TEXT},
    {"id": "j2", "published": "2021-06-25", "text": "قال الوزير أمس\u200fسطر"},
]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
     ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("utf-16-be", b""),
     ("cp1256", b"")],
)  # fmt: skip
def test_a_whole_jsonl_file_in_each_encoding(tmp_path, encoding, bom):
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        bom + _jsonl_bytes([*RECORDS, {"id": "j3", "published": "2021-06-24"}], encoding)
    )
    pairs = list(read_corpus(path))
    assert [(s.article_id, s.line, s.reason) for _, s in pairs] == [
        ("j1", 1, None), ("j2", 2, None), ("j3", 3, "empty_text"),
    ]  # fmt: skip
    assert [a.text for a, _ in pairs[:2]] == [r["text"] for r in RECORDS]
    name = "utf-8-sig" if bom == codecs.BOM_UTF8 else encoding
    expected = (ENCODING_WARNINGS[name],) if name in ENCODING_WARNINGS else ()
    assert [s.warnings for _, s in pairs[:2]] == [expected, expected]
    # cp1256 is decided per line: j3 is ASCII, so valid UTF-8
    assert pairs[2][1].warnings == (() if encoding == "cp1256" else expected)


def test_jsonl_encoding_is_per_line_for_utf8_and_cp1256(tmp_path):
    path = tmp_path / "c.jsonl"
    good = _jsonl_bytes(RECORDS[:1], "utf-8")
    arabic_page = _jsonl_bytes([{"id": "w", "published": "2021-06-24", "text": TEXT}], "cp1256")
    broken = b'{"id": "b", "published": "2021-06-24", "text": "ok \xd8"}\n'
    path.write_bytes(good + arabic_page + broken)
    got = [(s.article_id, s.reason, s.warnings) for _, s in read_corpus(path)]
    assert got == [
        ("j1", None, ()),
        ("w", None, ("encoding_cp1256",)),
        ("b", "undecodable", ()),
    ]


def test_utf16_jsonl_damage_spoils_only_its_own_line(tmp_path):
    path = tmp_path / "c.jsonl"
    lone = json.dumps(RECORDS[0]).replace("27", "\ud800").encode("utf-16-le", "surrogatepass")
    cut = "\n".encode("utf-16-le") + json.dumps(RECORDS[0]).encode("utf-16-le")[:-1]
    data = codecs.BOM_UTF16_LE + _jsonl_bytes(RECORDS, "utf-16-le") + lone + cut
    path.write_bytes(data)
    got = [(s.article_id, s.line, s.reason) for _, s in read_corpus(path)]
    assert got == [
        ("j1", 1, None), ("j2", 2, None), (None, 3, "undecodable"), (None, 4, "undecodable"),
    ]  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-16-le", "cp1256"])
def test_offsets_point_into_the_decoded_text(tmp_path, encoding):
    folder = _txt_corpus(tmp_path / "c", {"a": ENCODED[encoding]})
    ((article, _status),) = list(read_corpus(folder))
    result = process_article(Article(article.id, dt.date(2021, 6, 24), article.text))
    assert [t.value for t in result.timexes] == ["2021-04-27"]
    for t in result.timexes:
        assert article.text[t.start : t.end] == t.text
    for m in result.events.mentions:
        assert article.text[m.start : m.end] == m.trigger


def test_decoding_a_few_mb_is_quick_enough_to_run_per_article():
    # not a timing test: a sanity check that the sniffing reads a bounded sample
    big = TEXT.encode("utf-16-le") * 40_000  # ~6 MB
    text, encoding = decode(big)
    assert encoding == "utf-16-le" and len(text) == len(TEXT) * 40_000
