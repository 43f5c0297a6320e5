"""Property tests of the whole per-article path (hypothesis): any text, any DCT.

``tests/test_properties.py`` checks the temporal layer on supported expressions;
here the text is arbitrary Unicode, or "news-like" Arabic built from the
project's own lexicons (month names, numbers, weekdays, units, event triggers,
countries and titles) glued with proclitics, digits in three scripts,
punctuation, whitespace, HTML leftovers, diacritics, tatweel and bidi marks.
``process_article`` must never raise and every span it reports must be a slice
of the raw text (``tests/fuzz/invariants.py``, shared with the fuzzer).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz.invariants import check_article
from timeline.events.triggers import _lexicon as trigger_lexicon
from timeline.lexicon import load as load_lexicon
from timeline.lexicon import read_data

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CLITICS = ["و", "ف", "ب", "ل", "ك", "وب", "وال", "بال", "وبال", "فبال", "لل", "ولل", "س", "ال"]
DIGITS = "0123456789" "٠١٢٣٤٥٦٧٨٩" "۰۱۲۳۴۵۶۷۸۹"  # fmt: skip
PUNCT = [*list("،,.:;/-()[]«»\"'!؟?%+*_"), "...", "–", "—", "؛"]
SPACE = [" ", " ", " ", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u2009", "\u3000"]
TAGS = ["<p>", "</p>", "<br/>", "<div class='x'>", "&amp;", "&nbsp;", "&#1575;", "<", ">"]
MARKS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0640", "\u0670"]
INVISIBLE = list("\u200f\u200e\u200b\u202b\u202c\u2067\u2069\u061c\ufeff")
ODD = list("\ufefb\ufdf2\ufe8d\u00b2①\x00\x85\u2028ﷺ😀\U0001d7d9")


def _strings(item) -> list[str]:
    """Every string in a nested YAML item (capitals are names or [name, variants])."""
    if isinstance(item, str):
        return [item]
    if isinstance(item, dict):
        return [s for v in item.values() for s in _strings(v)]
    return [s for v in item for s in _strings(v)]


@cache
def _vocabulary() -> dict[str, list[str]]:
    lex = load_lexicon()
    by_class: dict[str, list[str]] = {}
    for form, readings in sorted(lex.single.items()):
        for r in readings:
            by_class.setdefault(r.cls, []).append(form)
    for _first, phrases in sorted(lex.multi.items()):
        for words, _ in phrases:
            by_class.setdefault("PHRASE", []).append(" ".join(words))
    countries = read_data("gazetteer/countries.yaml")["countries"]
    titles = read_data("gazetteer/titles.yaml")
    return {
        "time": sorted({w for cls, ws in by_class.items() for w in ws}),
        "trigger": sorted(trigger_lexicon().keys),
        "name": sorted(
            {c["name"] for c in countries}
            | set(_strings([c.get("capitals", ()) for c in countries]))
            | set(titles["titles"])
            | {"محمد", "بن", "عبد", "الله", "أبو", "مع", "بين", "في", "إلى", "الذي", "أن"}
        ),
    }


def _words(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(_vocabulary()[kind])


word = st.one_of(
    _words("time"),
    _words("time"),
    _words("trigger"),
    _words("name"),
    st.tuples(st.sampled_from(CLITICS), st.one_of(_words("time"), _words("trigger"))).map("".join),
    st.text(alphabet=DIGITS, min_size=1, max_size=6),
    st.integers(1, 31).map(str),
    st.integers(1900, 2100).map(str),
)
glue = st.one_of(
    st.sampled_from(SPACE),
    st.sampled_from(PUNCT),
    st.sampled_from(TAGS),
    st.sampled_from(MARKS + INVISIBLE + ODD),
    st.text(max_size=3),
    st.just(""),
)
news_like = st.lists(st.tuples(word, glue), max_size=40).map(
    lambda pairs: "".join(w + g for w, g in pairs)
)
dcts = st.dates()


@SETTINGS
@example("قبل " + "9" * 5_000 + " يوما", date(2021, 6, 24))  # once an int() ValueError
@example("اجتمع الوزير أمس", date(1, 1, 1))
@example("اجتمع الوزير غدا", date(9999, 12, 31))
@example("في 31/12/9999 التقى", date(9999, 12, 31))
@given(st.text(), dcts)
def test_any_text_any_dct(text, dct):
    check_article(text, dct)


@SETTINGS
@given(news_like, dcts)
def test_news_like_arabic(text, dct):
    check_article(text, dct)


@SETTINGS
@given(st.lists(news_like, min_size=1, max_size=4), st.sampled_from(SPACE + PUNCT), dcts)
def test_news_like_sentences_glued_without_spaces(parts, sep, dct):
    check_article(sep.join(parts).replace(" ", ""), dct)
    check_article(sep.join(parts), dct)
