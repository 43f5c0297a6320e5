"""Arabic normalisation that remembers where every character came from.

Matching runs on a normalised copy of the text (no diacritics, tatweel, bidi
marks or control characters; one form of alef, yaa and taa marbuta; ASCII
digits; presentation forms unfolded; ``\\r`` as a line break; HTML left over from
scraping read as a browser shows it), but every span is reported in raw-text
offsets: the raw text is never changed. Most articles only need one-to-one
replacements and a handful of deletions, so the offset map is stored as the few
points where the shift between normalised and raw positions changes, not as one
entry per character.

HTML (only looked for when the text holds a ``<`` or a ``&``): a known tag is
dropped (inline tags such as ``<b>``, ``<a href=..>``) or read as a line break
(block tags such as ``<p>``, ``<br/>``, ``<div>``); ``<script>``, ``<style>``,
``<noscript>`` and ``<template>`` are dropped with their content, comments too;
a character reference (``&amp;``, ``&nbsp;``, ``&#1575;``, ``&#x627;``) is
read as the character it stands for. Unknown tag names (``<Reuters>``) and
unknown entities are left as text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

# One-to-one replacements keep positions, so they can run through str.translate.
_ONE_TO_ONE = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه",
    "ک": "ك", "ی": "ي", "ي": "ي",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "–": "-", "—": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    # Line ends of other systems: a lone \r (old Mac), \r\n (Windows, read as two
    # breaks, which end one sentence), NEL and the Unicode line/paragraph separators.
    "\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n",
}  # fmt: skip
for _i in range(10):
    _ONE_TO_ONE[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _ONE_TO_ONE[chr(0x06F0 + _i)] = str(_i)  # Persian (extended Arabic-Indic) digits
_TRANSLATE = str.maketrans(_ONE_TO_ONE)
# str.translate looks every character up in a dict; a few C-level str.replace
# calls over the characters that occur are ~30x faster on Arabic text.
_REPLACEMENTS = tuple(_ONE_TO_ONE.items())


def _translate(text: str) -> str:
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return text


# Marks that carry no lexical identity for matching: harakat and tanween,
# Quranic annotation signs, tatweel, and invisible bidi/format characters.
MARKS = "\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff"
# C0/C1 control characters (NUL, backspace, escape, DEL, ...) are debris of bad
# conversions, never text; tab, line ends and the controls Python counts as
# whitespace (VT, FF, FS..US) stay, so they still separate words.
_CONTROLS = "\\x00-\\x08\\x0e-\\x1b\\x7f-\\x84\\x86-\\x9f"
_DELETE = re.compile(f"[{MARKS}{_INVISIBLE}{_CONTROLS}]+")
_TRAILING_MARKS = re.compile(f"[{MARKS}]*")
_CONTROL_CHARS = re.compile(f"[{_CONTROLS}]+")
# Presentation forms (and ligatures such as lam-alef) need NFKC, which may turn
# one character into several; such texts take the general path below.
_PRESENTATION_CLASS = "\ufb50-\ufdff\ufe70-\ufefe"
_PRESENTATION = re.compile(f"[{_PRESENTATION_CLASS}]")
_SPECIAL = re.compile(f"([{MARKS}{_INVISIBLE}{_CONTROLS}]+)|[{_PRESENTATION_CLASS}]")

# -- HTML left over from scraping ---------------------------------------------------------

# Tags read as a line break: they start a new block in a browser, so a sentence
# never runs across them.
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "iframe", "li", "link",
    "main", "meta", "nav", "ol", "option", "p", "pre", "section", "select", "summary",
    "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "title", "tr", "ul",
))  # fmt: skip
# Tags dropped without a trace: they sit inside running text (<b>أبريل</b>).
_INLINE_TAGS = frozenset((
    "a", "abbr", "audio", "b", "bdi", "bdo", "big", "button", "cite", "code", "data", "del",
    "dfn", "em", "font", "i", "img", "input", "ins", "kbd", "label", "mark", "o:p", "picture",
    "q", "s", "samp", "small", "source", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "video", "wbr",
))  # fmt: skip
# Elements dropped with everything up to their closing tag.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
_MAX_TAG = 2048  # a '<' this far from its '>' is a less-than sign, not a tag
_MARKUP = re.compile(
    rf"<(?:(/?)([A-Za-z][A-Za-z0-9:]{{0,15}})(?=[\s/>])[^<>]{{0,{_MAX_TAG}}}>|!--)"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)
_COMMENT_END = "-->"
_HIDDEN_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _HIDDEN_TAGS}

# (raw start, raw end, replacement in the normalised text, replacement when shown)
_Edit = tuple[int, int, str, str]


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and the map from its positions back to the raw text.

    ``_breaks[k]`` is a normalised position from which on the raw position is
    ``norm + _shifts[k]``; positions before the first break map to themselves.
    A normalised character made from more than one raw character (an entity, a
    tag read as a line break) or one of several made from one raw character (a
    ligature) is listed in ``_wide`` with the raw end of its source in
    ``_wide_ends``, so a span ending on it takes all of its source along.
    """

    raw: str
    text: str
    _breaks: tuple[int, ...] = ()
    _shifts: tuple[int, ...] = ()
    _wide: tuple[int, ...] = ()
    _wide_ends: tuple[int, ...] = ()
    _markup: tuple[_Edit, ...] = ()  # the HTML found, for display()

    def raw_index(self, i: int) -> int:
        """Raw position of the normalised character at ``i``."""
        k = bisect_right(self._breaks, i)
        return i + (self._shifts[k - 1] if k else 0)

    def raw_end(self, i: int) -> int:
        """Raw position just after the source of the normalised character at ``i``."""
        if self._wide:
            k = bisect_left(self._wide, i)
            if k < len(self._wide) and self._wide[k] == i:
                return self._wide_ends[k]
        return self.raw_index(i) + 1

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` of the normalised span ``[start, end)``.

        The end takes along the diacritics that followed the last character in
        the raw text (غدًا keeps its tanween), but not invisible format marks
        nor a tag that follows.
        """
        raw_start = self.raw_index(start)
        raw_end = self.raw_end(end - 1)
        raw_end = _TRAILING_MARKS.match(self.raw, raw_end).end()
        return raw_start, raw_end

    def display(self, start: int, end: int) -> str:
        """The raw text ``[start, end)`` as a reader would see it, for sentences and names.

        HTML tags are dropped (block tags become a space), character references
        decoded, control characters dropped; everything else, diacritics and
        bidi marks included, is kept as written. Not an offset-preserving view:
        spans always come from :meth:`raw_span`.
        """
        piece = self.raw[start:end]
        if self._markup:
            k = bisect_right(self._markup, (start, -1, "", ""))
            if k and self._markup[k - 1][1] > start:
                k -= 1  # an edit that starts before ``start`` and reaches into it
            out: list[str] = []
            pos = start
            for a, b, _, shown in self._markup[k:]:
                if a >= end:
                    break
                out.append(self.raw[pos:a] if a > pos else "")
                out.append(shown if a >= start and b <= end else "")
                pos = max(pos, b)
            out.append(self.raw[pos:end] if pos < end else "")
            piece = "".join(out)
        if not piece.isprintable():  # a C-level scan; most sentences skip the regex
            piece = _CONTROL_CHARS.sub("", piece)
        return piece


def normalize(raw: str) -> Normalized:
    """Normalise Arabic text for matching, keeping an offset map to ``raw``.

    >>> n = normalize("غدًا")
    >>> n.text, n.raw_span(0, len(n.text))
    ('غدا', (0, 4))
    >>> n = normalize("في 27 <b>أبريل</b>")
    >>> n.text, n.raw_span(3, len(n.text))
    ('في 27 ابريل', (3, 14))
    """
    markup = _markup_edits(raw) if "<" in raw or "&" in raw else ()
    if markup or _PRESENTATION.search(raw):
        return _normalize_edits(raw, markup)
    text = _translate(raw)
    breaks: list[int] = []
    shifts: list[int] = []
    pieces: list[str] = []
    kept = 0  # characters of the normalised text so far
    last = 0
    shift = 0
    for m in _DELETE.finditer(text):
        pieces.append(text[last : m.start()])
        kept += m.start() - last
        shift += m.end() - m.start()
        breaks.append(kept)
        shifts.append(shift)
        last = m.end()
    if not breaks:
        return Normalized(raw, text)
    pieces.append(text[last:])
    return Normalized(raw, "".join(pieces), tuple(breaks), tuple(shifts))


def _clean(text: str) -> str:
    """The normalised form of a few characters (an entity's, a ligature's)."""
    if _PRESENTATION.search(text):
        text = unicodedata.normalize("NFKC", text)
    return _DELETE.sub("", _translate(text))


def _markup_edits(raw: str) -> tuple[_Edit, ...]:
    """The HTML tags, comments and character references of ``raw``, in order.

    Runs in time linear in the text: every search starts where the last edit
    ended, and a closing tag (or ``-->``) that is not there is looked for once.
    """
    edits: list[_Edit] = []
    missing: set[str] = set()  # closers known to be absent from the rest of the text
    pos = 0
    while (m := _MARKUP.search(raw, pos)) is not None:
        start, end = m.span()
        token = m.group()
        pos = end
        if token[0] == "&":
            char = html.unescape(token)
            if char == token:
                continue  # not an entity HTML knows: plain text
            shown = " " if char.isspace() else _CONTROL_CHARS.sub("", char)
            edits.append((start, end, _clean(char), shown))
            continue
        if token == "<!--":
            close = raw.find(_COMMENT_END, end) if _COMMENT_END not in missing else -1
            if close < 0:
                missing.add(_COMMENT_END)
                continue  # an unclosed comment marker is left as text
            edits.append((start, close + len(_COMMENT_END), " ", " "))
            pos = close + len(_COMMENT_END)
            continue
        name = m.group(2).lower()
        if name in _HIDDEN_TAGS and not m.group(1) and not token.endswith("/>"):
            closer = _HIDDEN_END[name].search(raw, end) if name not in missing else None
            if closer is None:
                missing.add(name)  # drop the opening tag alone, keep what follows
                edits.append((start, end, " ", " "))
                continue
            edits.append((start, closer.end(), " ", " "))
            pos = closer.end()
        elif name in _BLOCK_TAGS or name in _HIDDEN_TAGS:
            edits.append((start, end, "\n", " "))
        elif name in _INLINE_TAGS:
            edits.append((start, end, "", ""))
    return tuple(edits)


def _normalize_edits(raw: str, markup: tuple[_Edit, ...]) -> Normalized:
    """The general path: HTML, presentation forms and deletions as one list of edits."""
    text = _translate(raw)  # one-to-one: raw positions stay valid
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for a, b, rep, _ in (*markup, (len(text), len(text), "", "")):
        for m in _SPECIAL.finditer(text, pos, a):
            if m.group(1) is not None:
                edits.append((m.start(), m.end(), ""))
            else:
                edits.append((m.start(), m.end(), _clean(m.group())))
        if a < len(text):
            edits.append((a, b, rep))
        pos = b
    pieces: list[str] = []
    breaks: list[int] = []
    shifts: list[int] = []
    wide: list[int] = []
    wide_ends: list[int] = []

    def shift_to(at: int, shift: int) -> None:
        if (shifts[-1] if shifts else 0) == shift:
            return
        if breaks and breaks[-1] == at:
            shifts[-1] = shift
        else:
            breaks.append(at)
            shifts.append(shift)

    kept = 0  # characters of the normalised text so far
    last = 0
    for a, b, rep in edits:
        pieces.append(text[last:a])
        kept += a - last
        if rep:
            pieces.append(rep)
            for j in range(1, len(rep)):
                shift_to(kept + j, a - kept - j)  # every piece maps back to the start
            if len(rep) != 1 or b - a != 1:
                for j in range(len(rep)):
                    wide.append(kept + j)
                    wide_ends.append(b)
            kept += len(rep)
        shift_to(kept, b - kept)
        last = b
    pieces.append(text[last:])
    return Normalized(
        raw,
        "".join(pieces),
        tuple(breaks),
        tuple(shifts),
        tuple(wide),
        tuple(wide_ends),
        markup,
    )
