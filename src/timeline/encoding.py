"""Which encoding an article's bytes are in: UTF-8, UTF-16 or Windows-1256.

Arabic news archives come in three encodings: UTF-8 (with or without a byte
order mark), UTF-16 (what Windows calls "Unicode": little-endian, usually with a
BOM) and Windows-1256 (the Arabic code page of older Windows tools and sites).
:func:`decode` tells them apart with explicit checks rather than a statistical
detector (charset-normalizer and the like): the candidates are known, the checks
are exact where they can be, cost one pass of C-level byte counting, and never
change their mind between library versions. Anything else is rejected.

The checks, in order:

1. a BOM decides: UTF-8, UTF-16 LE or BE (UTF-32 BOMs are rejected);
2. UTF-16 without a BOM: in one byte parity at least 90% of the bytes of the
   first 64 kB are the high bytes of Arabic (``0x06``), ASCII (``0x00``),
   punctuation (``0x20``) or presentation forms (``0xFB``/``0xFE``). UTF-8 news
   never has such a pattern (its Arabic letters are ``0xD8``-``0xDB`` plus a byte
   of ``0x80``-``0xBF``), so a strict decode that fails (an odd length, a lone
   surrogate) rejects the file; one that does not look like text (see
   :func:`looks_like_text`; ``b"a a a "`` has the pattern) falls through;
3. strict UTF-8, unless more than 1% of the characters are control characters
   (binary data, or UTF-16 cut in the middle of a code unit);
4. Windows-1256: not UTF-8, no control bytes, at least 80% of the bytes above
   ``0x7F`` are Arabic letters or Arabic punctuation in that code page, and at
   least 80% of them stand next to another such byte (letters form words; a
   stray byte in ASCII text is damage).
   Broken UTF-8 read as Windows-1256 fails this (about half its high bytes are
   continuation bytes, mostly symbols such as ``§ „ † ‡`` there), and so do
   Latin-1 texts (``é à ç`` are not Arabic) and binary files (control bytes).
"""

from __future__ import annotations

import codecs
import re

__all__ = [
    "CP1256",
    "ENCODING_WARNINGS",
    "UTF8",
    "UTF8_BOM",
    "UTF16BE",
    "UTF16LE",
    "UndecodableError",
    "decode",
    "looks_cp1256",
    "looks_like_text",
    "utf16_without_bom",
]

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16LE = "utf-16-le"
UTF16BE = "utf-16-be"
CP1256 = "cp1256"

# The warning code each non-default encoding adds to an article's report row.
ENCODING_WARNINGS: dict[str, str] = {
    UTF8_BOM: "encoding_utf8_bom",
    UTF16LE: "encoding_utf16le",
    UTF16BE: "encoding_utf16be",
    CP1256: "encoding_cp1256",
}

_SAMPLE = 65_536
_UTF16_HIGH = (0x00, 0x06, 0x20, 0xFB, 0xFE)  # high bytes of the code units news text uses
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CP1256_ARABIC = bytes(
    b for b in range(0x80, 0x100) if "\u0600" <= bytes([b]).decode(CP1256) <= "\u06ff"
)
_HIGH_RUNS = re.compile(b"[\x80-\xff]{2,}")
_NOT_ARABIC_HIGH = bytes(b for b in _HIGH_BYTES if b not in _CP1256_ARABIC)
# In decoded text: control characters, and characters news text does not use
# (private use, unassigned surrogate halves, specials, rare blocks).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_USUAL = re.compile(
    "[\t-\r\x20-\x7e\xa0-\xff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\u2000-\u205f\u2066-\u206f\u20ac\ufb50-\ufdff\ufe70-\ufeff]+"
)


class UndecodableError(ValueError):
    """The bytes are in none of the supported encodings."""


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in (one of this module's names).

    Raises :class:`UndecodableError` when the bytes are in none of them. A BOM is
    not part of the returned text.

    >>> decode("نص".encode("utf-16"))[1]
    'utf-16-le'
    >>> decode("نص".encode("cp1256"))
    ('نص', 'cp1256')
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], UTF8), UTF8_BOM
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise UndecodableError("UTF-32 is not supported")
    if data.startswith(codecs.BOM_UTF16_LE):
        return _strict(data[2:], UTF16LE), UTF16LE
    if data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data[2:], UTF16BE), UTF16BE
    guess = utf16_without_bom(data)
    if guess is not None:
        # The byte pattern alone rules UTF-8 out, so a failed decode is a broken file.
        text = _strict(data, guess)
        if looks_like_text(text):
            return text, guess
    try:
        text = data.decode(UTF8)
    except UnicodeDecodeError:
        pass
    else:
        if _CONTROL_CHARS.search(text) and _controls(text) > 0.01 * len(text):
            raise UndecodableError("binary data: too many control characters")
        return text, UTF8
    if looks_cp1256(data):
        return data.decode(CP1256), CP1256
    raise UndecodableError("not UTF-8, UTF-16 or Windows-1256")


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the byte pattern says so, else ``None``."""
    sample = data[:_SAMPLE]
    if len(sample) < 2:
        return None
    for name, high in ((UTF16LE, sample[1::2]), (UTF16BE, sample[0::2])):
        if sum(high.count(b) for b in _UTF16_HIGH) >= 0.9 * len(high):
            return name
    return None


def looks_like_text(text: str) -> bool:
    """Whether decoded text is plausibly news: no control characters, few unusual ones."""
    if not text:
        return True
    if _CONTROL_CHARS.search(text):
        return False  # UTF-16 has no reason to hold any; NUL pairs mean the wrong parity
    unusual = len(_USUAL.sub("", text))
    return unusual <= 0.05 * len(text)


def looks_cp1256(data: bytes) -> bool:
    """Whether ``data`` (not valid UTF-8) reads as Arabic in Windows-1256."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if not high or len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return False
    other = len(data) - len(data.translate(None, _NOT_ARABIC_HIGH))
    if other > 0.2 * high:
        return False
    # Arabic letters come in words; a stray byte in ASCII text is damage, not a word.
    in_words = sum(len(m) for m in _HIGH_RUNS.findall(data))
    return in_words >= 0.8 * high


def _controls(text: str) -> int:
    return len(text) - len(_CONTROL_CHARS.sub("", text))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableError(f"not valid {encoding}") from exc
