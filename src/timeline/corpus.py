"""Reading a corpus of articles, with one report row per input record.

A corpus is a folder (or a single file) holding any mix of:

- ``*.jsonl``: one JSON object per line with ``id``, ``published``, ``text`` and
  optional ``title``, ``source``, ``url``;
- ``*.txt`` articles listed in a ``manifest.csv`` of the same folder, with columns
  ``id,file,published[,source,url,title]`` (further columns are ignored);
- ``*.parquet`` with the same columns as JSONL, read in record batches.

:func:`read_corpus` streams ``(article_or_None, ArticleStatus)`` pairs, exactly one
per input record, so the article report always has "records in = rows out". A
record that cannot be used is reported with a reason code from :data:`REASONS` and
the rest of the corpus is still read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from timeline.encoding import ENCODING_WARNINGS, UndecodableError, looks_cp1256, utf16_without_bom
from timeline.encoding import decode as decode_bytes
from timeline.idset import IdSet
from timeline.model import Article, ArticleStatus

__all__ = [
    "MANIFEST_NAME",
    "REASONS",
    "REASON_DESCRIPTIONS",
    "WARNINGS",
    "Record",
    "check_record",
    "read_corpus",
]

Record = tuple[Article | None, ArticleStatus]

MANIFEST_NAME = "manifest.csv"

REASON_DESCRIPTIONS: dict[str, str] = {
    "missing_id": "the record has no usable id (absent, null, blank, or not a string/integer)",
    "missing_date": "the record has no publication date (absent, null or blank)",
    "bad_date": "the publication date is neither ISO (date or datetime), DD/MM/YYYY nor an "
    "absolute date with day, month and year that dateparser reads",
    "empty_text": "the text is absent, null, empty or whitespace only",
    "undecodable": "the bytes are in no supported encoding (UTF-8, UTF-16, Windows-1256; see "
    "timeline.encoding), are binary, or a string holds lone surrogates",
    "duplicate_id": "an earlier usable record already has this id (the first one wins)",
    "bad_json": "a JSONL line (or Parquet row) is not JSON, not an object, or its text is "
    "not a string",
    "missing_file": "a manifest row names no file, or a file that does not exist",
    "not_in_manifest": "a .txt file that no usable manifest.csv in its folder lists",
    "bad_manifest": "manifest.csv cannot be read or lacks the id, file or published column",
    "unreadable_file": "a corpus file could not be opened or read (e.g. corrupt Parquet)",
}
REASONS: tuple[str, ...] = tuple(REASON_DESCRIPTIONS)

WARNINGS: dict[str, str] = {
    "published_dd_mm_yyyy": "the publication date was written DD/MM/YYYY, not ISO",
    "published_free_form": "the publication date was neither ISO nor DD/MM/YYYY and was read "
    "by dateparser (RFC 2822, month names in Arabic or English)",
    "published_after_now": "the publication date is after the run's reference date",
    "published_before_1900": "the publication date is before 1900-01-01 (likely a typo or a "
    "placeholder such as 0001-01-01)",
    "encoding_utf8_bom": "the text was UTF-8 with a byte order mark (dropped from the text)",
    "encoding_utf16le": "the text was UTF-16 little-endian (with or without a BOM)",
    "encoding_utf16be": "the text was UTF-16 big-endian (with or without a BOM)",
    "encoding_cp1256": "the text was Windows-1256 (the Arabic Windows code page)",
    "title_not_string": "the title was not a string and was dropped",
    "source_not_string": "the source was not a string and was dropped",
    "url_not_string": "the url was not a string and was dropped",
}

_REQUIRED_MANIFEST_COLUMNS = ("id", "file", "published")
_OPTIONAL_FIELDS = ("title", "source", "url")
_RECORD_FIELDS = ("id", "published", "text", *_OPTIONAL_FIELDS)
_BOM = codecs.BOM_UTF8
# Dates before this are accepted but flagged: no news archive reaches further back,
# so they are typos (1021 for 2021) or placeholders (0001-01-01, 1900-01-00).
FAR_PAST = dt.date(1900, 1, 1)
_UTF16_SNIFF = 65_536
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")
_PARQUET_BATCH_ROWS = 1024


class _Skip(Exception):
    """Raised while checking a record: the record is reported skipped with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_corpus(path: str | os.PathLike[str], *, now: dt.date | None = None) -> Iterator[Record]:
    """Stream ``(article_or_None, status)`` for every record of the corpus at ``path``.

    ``path`` is a folder or a single ``.jsonl``, ``.parquet``, ``.txt`` (looked up in
    the ``manifest.csv`` beside it) or ``manifest.csv`` file. A folder is read
    non-recursively; its files are taken in sorted name order, hidden files and
    other extensions are ignored. The ``.txt`` articles are emitted at the position
    of ``manifest.csv``: its rows in manifest order, then (sorted) every ``.txt``
    it does not list, as ``not_in_manifest``.

    Every record yields one pair: ``(Article, status "ok")`` or
    ``(None, status "skipped")`` with a code of :data:`REASONS`. Blank JSONL lines are
    not records. ``status.line`` is the 1-based JSONL line number, the **0-based** row
    index for Parquet, and ``None`` for ``.txt``. ``status.source_file`` is relative
    to the input folder (just the name for a single file; for a manifest row, the
    ``.txt`` it names). ``status.published`` is filled whenever the date parsed,
    even for a record skipped for another reason.

    Checks run in this order, the first failure giving the reason: bad_json,
    undecodable, missing_id, missing_date/bad_date, missing_file, undecodable text,
    bad_json (a JSON/Parquet text that is not a string; a null or absent text is
    empty_text), empty_text, duplicate_id. Only usable records claim an id, so a
    skipped record does not make a later one with the same id a duplicate. Ids are
    stripped of surrounding whitespace; an integer id becomes its decimal string.
    A file that cannot be read at all (e.g. a corrupt Parquet file) is one
    ``unreadable_file`` row; if it breaks part-way, the rows already read stand.

    ``published`` is an ISO date or datetime; with a time zone the date is the
    calendar date as written in that zone (never converted to UTC). ``DD/MM/YYYY``
    is accepted with warning ``published_dd_mm_yyyy``, and an absolute date with day,
    month and year in another form (RFC 2822, month names; read by dateparser) with
    ``published_free_form``; a date after ``now`` (when given) is accepted with
    warning ``published_after_now``. Text is decoded as
    strict UTF-8 with a leading BOM dropped and is otherwise kept exactly as given
    (no newline translation, no stripping) so offsets point into it.

    Raises ``FileNotFoundError`` when ``path`` does not exist and ``ValueError``
    for a single file of an unsupported kind; these are raised at call time, not
    on first iteration.
    """
    root = Path(path)
    if isinstance(now, dt.datetime):
        now = now.date()
    if not root.exists():
        raise FileNotFoundError(f"corpus not found: {root}")
    checker = _Checker(now)
    if root.is_dir():
        return _read_folder(root, checker)
    return _read_single_file(root, checker)


def check_record(
    record: Mapping[str, Any],
    where: str,
    line: int | None,
    seen: set[str] | IdSet,
    now: dt.date | None = None,
) -> Record:
    """Check one in-memory record (a dict) with the rules :func:`read_corpus` applies.

    ``record`` holds the JSONL fields (``id``, ``published``, ``text`` and optional
    ``title``, ``source``, ``url``); ``where`` and ``line`` go into the report row as
    ``source_file`` and ``line``. ``seen`` holds the ids already taken by usable
    records: a usable record's id is added to it, so passing the same set for every
    record of a corpus reports later repeats as ``duplicate_id``. A value that is
    not a mapping is ``bad_json``, like a JSONL line that is not an object.

    >>> seen: set[str] = set()
    >>> article, status = check_record(
    ...     {"id": "a1", "published": "2021-06-24", "text": "التقى الوزيران أمس"},
    ...     "<records>", 0, seen)
    >>> status.status, article.text
    ('ok', 'التقى الوزيران أمس')
    >>> check_record({"id": "a1", "published": "2021-06-24", "text": "مكرر"},
    ...              "<records>", 1, seen)[1].reason
    'duplicate_id'
    """
    if isinstance(now, dt.datetime):
        now = now.date()
    if not isinstance(record, Mapping):
        return _skipped(None, where, line, "bad_json")
    checker = _Checker(now)
    checker.seen = seen
    return checker.check(record, where, line, lambda w: _record_text(record.get("text"), w))


# -- sources ---------------------------------------------------------------------


def _read_folder(folder: Path, checker: _Checker) -> Iterator[Record]:
    files = _corpus_files(folder)
    has_manifest = any(p.name == MANIFEST_NAME for p in files)
    for file in files:
        kind = _kind(file)
        if kind == "jsonl":
            yield from _read_jsonl(file, file.name, checker)
        elif kind == "parquet":
            yield from _read_parquet(file, file.name, checker)
        elif kind == "manifest":
            yield from _read_txt_group(folder, folder / MANIFEST_NAME, checker)
        elif kind == "txt" and not has_manifest:
            yield _skipped(None, file.name, None, "not_in_manifest")


def _corpus_files(folder: Path) -> list[Path]:
    """The folder's visible files in sorted name order (not recursive)."""
    files = (p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return sorted(files, key=lambda p: p.name)


def _read_single_file(file: Path, checker: _Checker) -> Iterator[Record]:
    kind = _kind(file)
    if kind == "jsonl":
        return _read_jsonl(file, file.name, checker)
    if kind == "parquet":
        return _read_parquet(file, file.name, checker)
    if kind == "manifest":
        return _read_txt_group(file.parent, file, checker)
    if kind == "txt":
        return _read_single_txt(file, checker)
    raise ValueError(f"unsupported corpus file (want .jsonl, .parquet, .txt): {file}")


def _kind(file: Path) -> str | None:
    if file.name == MANIFEST_NAME:
        return "manifest"
    return {".jsonl": "jsonl", ".parquet": "parquet", ".txt": "txt"}.get(file.suffix.lower())


def _read_jsonl(file: Path, rel: str, checker: _Checker) -> Iterator[Record]:
    """One record per non-blank line.

    The encoding is decided per file for UTF-16 (a BOM or the byte pattern of
    the first 64 kB: its lines cannot be split as bytes) and per line otherwise:
    UTF-8, or Windows-1256 for a line that is not UTF-8 and passes
    :func:`timeline.encoding.looks_cp1256`, so a file concatenated from several
    archives is still read line by line.
    """
    try:
        handle = file.open("rb")
    except OSError:
        yield _skipped(None, rel, None, "unreadable_file")
        return
    with handle:
        try:
            head = handle.read(_UTF16_SNIFF)
            handle.seek(0)
        except OSError:
            yield _skipped(None, rel, None, "unreadable_file")
            return
        utf16 = _utf16_encoding(head)
        if utf16 is not None:
            yield from _read_jsonl_utf16(handle, utf16, rel, checker)
            return
        file_warnings: tuple[str, ...] = ()
        # Binary lines split on b"\n" only, so U+2028 and lone \r inside a line are safe.
        for lineno, raw in enumerate(handle, start=1):
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
                file_warnings = (ENCODING_WARNINGS["utf-8-sig"],)
            if not raw.strip():
                continue
            yield _jsonl_record(raw, rel, lineno, checker, file_warnings)


def _utf16_encoding(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None  # read as bytes: every line is then undecodable
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    return utf16_without_bom(head)


def _read_jsonl_utf16(
    handle: io.BufferedReader, encoding: str, rel: str, checker: _Checker
) -> Iterator[Record]:
    warnings = (ENCODING_WARNINGS[encoding],)
    if handle.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        handle.read(2)
    # newline="\n": split on \n only and translate nothing, like the byte path.
    # surrogatepass: a lone surrogate spoils its own line only (checked below), not
    # the whole buffered chunk of lines around it.
    stream = io.TextIOWrapper(handle, encoding=encoding, errors="surrogatepass", newline="\n")
    lineno = 0
    try:
        for line in stream:
            lineno += 1
            if not line.strip():
                continue
            if _SURROGATE.search(line):
                yield _skipped(None, rel, lineno, "undecodable", warnings=warnings)
            else:
                yield _json_record(line, rel, lineno, checker, warnings)
    except UnicodeDecodeError:
        # Only a cut code unit at the very end gets here: that last line is the row.
        yield _skipped(None, rel, lineno + 1, "undecodable", warnings=warnings)
    finally:
        stream.detach()  # the caller's ``with`` closes the file


def _jsonl_record(
    raw: bytes, rel: str, lineno: int, checker: _Checker, warnings: tuple[str, ...] = ()
) -> Record:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        if not looks_cp1256(raw.rstrip(b"\r\n")):
            # Still try to name the record in the report, from a lossy decode.
            return _skipped(_lossy_id(raw), rel, lineno, "undecodable", warnings=warnings)
        line = raw.decode("cp1256")
        warnings = (*warnings, ENCODING_WARNINGS["cp1256"])
    return _json_record(line, rel, lineno, checker, warnings)


def _json_record(
    line: str, rel: str, lineno: int, checker: _Checker, warnings: tuple[str, ...]
) -> Record:
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return _skipped(None, rel, lineno, "bad_json", warnings=warnings)
    if not isinstance(obj, dict):
        return _skipped(None, rel, lineno, "bad_json", warnings=warnings)
    return checker.check(
        obj, rel, lineno, lambda w: _record_text(obj.get("text"), w), warnings=warnings
    )


def _lossy_id(raw: bytes) -> str | None:
    try:
        obj = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return None
    if isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj["id"].strip():
        return obj["id"].strip()
    return None


def _read_parquet(file: Path, rel: str, checker: _Checker) -> Iterator[Record]:
    row = 0
    try:
        rows = _parquet_rows(file)
        for rec in rows:
            yield checker.check(rec, rel, row, lambda w, rec=rec: _record_text(rec.get("text"), w))
            row += 1
    except (OSError, pa.ArrowException):
        # Rows already yielded stand; the unread rest of the file is one report row.
        yield _skipped(None, rel, row, "unreadable_file")


def _parquet_rows(file: Path) -> Iterator[dict[str, Any]]:
    pf = pq.ParquetFile(file)
    columns = [c for c in _RECORD_FIELDS if c in pf.schema_arrow.names]
    if not columns:
        # A batch with no columns loses its row count, so count rows from metadata.
        for _ in range(pf.metadata.num_rows):
            yield {}
        return
    for batch in pf.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=columns):
        yield from batch.to_pylist()


def _read_txt_group(folder: Path, manifest: Path, checker: _Checker) -> Iterator[Record]:
    listed: set[Path] = set()
    yield from _read_manifest(folder, manifest, checker, listed)
    for txt in _corpus_files(folder):
        if _kind(txt) == "txt" and _resolve(txt) not in listed:
            yield _skipped(None, _relative(txt, folder), None, "not_in_manifest")


def _read_single_txt(file: Path, checker: _Checker) -> Iterator[Record]:
    folder = file.parent
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        yield _skipped(None, file.name, None, "not_in_manifest")
        return
    listed: set[Path] = set()
    target = file.resolve()
    found = False
    for record in _read_manifest(folder, manifest, checker, listed, only=target):
        if record[1].reason == "bad_manifest":
            yield _skipped(None, file.name, None, "bad_manifest")
            return
        found = True
        yield record
    if not found:
        yield _skipped(None, file.name, None, "not_in_manifest")


def _read_manifest(
    folder: Path,
    manifest: Path,
    checker: _Checker,
    listed: set[Path],
    only: Path | None = None,
) -> Iterator[Record]:
    """Yield one record per manifest row; add every named file's path to ``listed``.

    A manifest that cannot be read (or breaks part-way) yields one ``bad_manifest``
    row for itself; rows read before the break stand.
    """
    rel_manifest = _relative(manifest, folder)
    try:
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            if any(col not in header for col in _REQUIRED_MANIFEST_COLUMNS):
                yield _skipped(None, rel_manifest, None, "bad_manifest")
                return
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue  # blank rows are not records
                row = dict(zip(header, cells, strict=False))
                record = _manifest_record(row, folder, rel_manifest, checker, listed, only)
                if record is not None:
                    yield record
    except (OSError, UnicodeDecodeError, csv.Error):
        yield _skipped(None, rel_manifest, None, "bad_manifest")


def _manifest_record(
    row: Mapping[str, str],
    folder: Path,
    rel_manifest: str,
    checker: _Checker,
    listed: set[Path],
    only: Path | None,
) -> Record | None:
    name = (row.get("file") or "").strip()
    target = _resolve(folder / name) if name else None
    if target is not None:
        listed.add(target)
    if only is not None and target != only:
        return None
    rel = _relative(folder / name, folder) if name else rel_manifest
    return checker.check(row, rel, None, lambda w: _read_txt(target, w))


def _resolve(file: Path) -> Path | None:
    try:
        return file.resolve()
    except (OSError, ValueError):  # e.g. a NUL byte in a manifest's file name
        return None


def _read_txt(file: Path | None, warnings: list[str]) -> str:
    if file is None or not file.is_file():
        raise _Skip("missing_file")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _Skip("unreadable_file") from exc
    return _decode(data, warnings)


def _relative(file: Path, folder: Path) -> str:
    return Path(os.path.relpath(file, folder)).as_posix()


# -- checking one record -----------------------------------------------------------


class _Checker:
    """Turns raw field values into a record; remembers which ids are taken."""

    def __init__(self, now: dt.date | None) -> None:
        self.now = now
        self.seen: set[str] | IdSet = IdSet()

    def check(
        self,
        fields: Mapping[str, Any],
        source_file: str,
        line: int | None,
        load_text: Callable[[list[str]], str],
        warnings: tuple[str, ...] = (),
    ) -> Record:
        """Check one record; ``load_text(warnings)`` returns its text (or raises _Skip)."""
        warnings = list(warnings)
        article_id: str | None = None
        published: dt.date | None = None
        try:
            article_id = _clean_id(fields.get("id"))
            published = _parse_published(fields.get("published"), warnings, self.now)
            text = load_text(warnings)
            if not text.strip():
                raise _Skip("empty_text")
            extras = {
                name: _optional(name, fields.get(name), warnings) for name in _OPTIONAL_FIELDS
            }
            if article_id in self.seen:
                raise _Skip("duplicate_id")
        except _Skip as skip:
            return _skipped(article_id, source_file, line, skip.reason, published, warnings)
        self.seen.add(article_id)
        article = Article(id=article_id, published=published, text=text, **extras)
        status = ArticleStatus(
            article_id, source_file, line, published, "ok", None, tuple(warnings)
        )
        return article, status


def _skipped(
    article_id: str | None,
    source_file: str,
    line: int | None,
    reason: str,
    published: dt.date | None = None,
    warnings: list[str] | tuple[str, ...] = (),
) -> Record:
    status = ArticleStatus(
        article_id, source_file, line, published, "skipped", reason, tuple(warnings)
    )
    return None, status


def _is_missing(value: Any) -> bool:
    # pandas round trips turn absent values into NaN or NaT, so treat those as absent.
    if isinstance(value, float):
        return math.isnan(value)
    return value is None or (isinstance(value, dt.datetime) and value != value)


def _as_str(value: str | bytes, warnings: list[str] | None = None) -> str:
    """Return ``value`` as a str that will encode as UTF-8, else skip undecodable."""
    text = _decode(value, warnings) if isinstance(value, bytes) else value
    if _SURROGATE.search(text):
        raise _Skip("undecodable")
    return text


def _decode(data: bytes, warnings: list[str] | None = None) -> str:
    """Decode with :func:`timeline.encoding.decode`; note a non-default encoding."""
    try:
        text, encoding = decode_bytes(data)
    except UndecodableError as exc:
        raise _Skip("undecodable") from exc
    if warnings is not None and encoding in ENCODING_WARNINGS:
        warnings.append(ENCODING_WARNINGS[encoding])
    return text


def _clean_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str | bytes):
        raise _Skip("missing_id")
    article_id = _as_str(value).strip()
    if not article_id:
        raise _Skip("missing_id")
    return article_id


def _record_text(value: Any, warnings: list[str]) -> str:
    """The text field of a JSONL object or Parquet row."""
    if _is_missing(value):
        raise _Skip("empty_text")
    if not isinstance(value, str | bytes):
        raise _Skip("bad_json")
    return _as_str(value, warnings)


def _optional(name: str, value: Any, warnings: list[str]) -> str | None:
    if _is_missing(value):
        return None
    if not isinstance(value, str | bytes):
        warnings.append(f"{name}_not_string")
        return None
    text = _as_str(value)
    return text if text.strip() else None


def _parse_published(value: Any, warnings: list[str], now: dt.date | None) -> dt.date:
    if _is_missing(value):
        raise _Skip("missing_date")
    if isinstance(value, dt.datetime):
        day = value.date()  # the wall-clock date in the value's own zone
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str | bytes):
        day = _parse_date_text(_as_str(value), warnings)
    else:
        raise _Skip("bad_date")
    if now is not None and day > now:
        warnings.append("published_after_now")
    if day < FAR_PAST:
        warnings.append("published_before_1900")
    return day


def _parse_date_text(text: str, warnings: list[str]) -> dt.date:
    text = text.strip()
    if not text:
        raise _Skip("missing_date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        # .date() keeps the date as written in the value's zone; no UTC conversion.
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    match = _DMY.fullmatch(text)
    if match is None:
        return _parse_free_form_date(text, warnings)
    day, month, year = (int(g) for g in match.groups())
    try:
        parsed = dt.date(year, month, day)
    except ValueError as exc:
        raise _Skip("bad_date") from exc
    warnings.append("published_dd_mm_yyyy")
    return parsed


# Feeds and scrapers write dates as RFC 2822 or with month names ("Tue, 27 Apr 2021
# 10:00:00 +0300", "27 أبريل 2021", "April 27, 2021"); dateparser knows those forms in
# both languages. Only absolute readings with day, month and year are accepted: a
# relative one ("yesterday") would read the machine's clock.
_FREE_FORM_SETTINGS = {
    "PARSERS": ["absolute-time"],
    "STRICT_PARSING": True,
    "DATE_ORDER": "DMY",
    "PREFER_LOCALE_DATE_ORDER": False,
    "RETURN_AS_TIMEZONE_AWARE": True,
}


def _parse_free_form_date(text: str, warnings: list[str]) -> dt.date:
    if not any(c.isdigit() for c in text) or len(text) > 64:
        raise _Skip("bad_date")
    import dateparser  # imported on first use: most corpora never need it

    parsed = dateparser.parse(text, languages=["ar", "en"], settings=_FREE_FORM_SETTINGS)
    if parsed is None:
        raise _Skip("bad_date")
    warnings.append("published_free_form")
    return parsed.date()  # the date as written in the value's own zone
