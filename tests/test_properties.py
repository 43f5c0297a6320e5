"""Property tests of the temporal layer and the normaliser (hypothesis).

The invariants come from GOLD.md ("Invariants a resolver should keep"): shifting the
DCT by whole weeks shifts every day- and week-valued result by the same; nothing
marked الماضي/أمس/قبل ends after the DCT; nothing marked المقبل/القادم/غدا starts
before it; every span is a raw slice. Texts are built from supported expressions
(the rule files' examples) with random noise: diacritics, tatweel, bidi marks,
Arabic-Indic digits, presentation forms.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from timeline.normalize import MARKS, normalize
from timeline.temporal import analyse, find_timexes, recognise
from timeline.temporal import calendar as cal
from timeline.temporal.grammar import families

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DIACRITICS = [chr(c) for c in range(0x064B, 0x0653)]
TATWEEL = "\u0640"
BIDI = ["\u200f", "\u200e"]
_MARK = re.compile(f"[{MARKS}]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")

# Neutral words: none of them is temporal or joins a neighbouring expression.
FILLER = ["قال", "الوزير", "المسؤول", "الرئيس", "واشنطن", "الحكومة", "بيان", "مصادر", "وأكد"]
SEP = " وأكد المسؤول أن "  # keeps neighbouring expressions apart

# Expressions whose value is a day, a time of a day, or an ISO week.
DAY_OR_WEEK = [
    "أمس",
    "أول أمس",
    "اليوم",
    "غدا",
    "بعد غد",
    "الأحد الماضي",
    "الخميس الماضي",
    "الجمعة المقبلة",
    "الثلاثاء القادم",
    "الخميس",
    "السبت",
    "قبل 3 أيام",
    "قبل 10 أيام",
    "قبل يومين",
    "صباح الجمعة",
    "مساء يوم الثلاثاء",
    "مساء أمس",
    "الليلة الماضية",
    "هذا الأسبوع",
    "الأسبوع الماضي",
    "الأسبوع المقبل",
    "قبل ثلاثة أسابيع",
    "قبل أسبوع",
    "قبل أسبوعين",
    "مطلع الأسبوع المقبل",
]
PAST = [
    "أمس",
    "أول أمس",
    "أول من أمس",
    "بالأمس",
    "مساء أمس",
    "الليلة الماضية",
    "الأحد الماضي",
    "الخميس الماضي",
    "الجمعة الماضية",
    "قبل 3 أيام",
    "قبل يومين",
    "قبل ثلاثة عشر يوما",
    "قبل ثلاثة أسابيع",
    "قبل حوالي ثلاثة أسابيع",
    "قبل أسبوع",
    "قبل شهرين",
    "قبل خمسة وعشرين عاما",
    "قبل عدة أشهر",
    "قبل أيام",
    "الأسبوع الماضي",
    "الشهر الماضي",
    "العام الماضي",
    "السنة الماضية",
    "نهاية الشهر الماضي",
    "بداية العام الماضي",
    "مارس الماضي",
    "أكتوبر الماضي",
    "27 أبريل الماضي",
    "الأول من يناير الماضي",
    "العقد الماضي",
    "القرن الماضي",
    "شهر رمضان الماضي",
    "السنوات الماضية",
]
FUTURE = [
    "غدا",
    "غدًا",
    "بعد غد",
    "صباح غد",
    "الأحد المقبل",
    "الثلاثاء القادم",
    "الجمعة المقبلة",
    "الأسبوع المقبل",
    "الأسبوع القادم",
    "مطلع الأسبوع المقبل",
    "الشهر المقبل",
    "العام المقبل",
    "العام القادم",
    "10 يوليو المقبل",
    "مارس المقبل",
    "الأسابيع المقبلة",
    "الأيام المقبلة",
]
_PAST_MARK = re.compile(r"ماضي|امس|قبل")  # on normalised text
_FUTURE_MARK = re.compile(r"مقبل|قادم|غد")


def _examples() -> list[str]:
    out = []
    for fam in families():
        for case in fam.examples:
            out.append(case["in"])
    return out


EXAMPLES = _examples()

dcts = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


def _norm(s: str) -> str:
    return normalize(s).text


def _text(exprs: list[str], filler: list[str]) -> str:
    return SEP.join(f"{f} {e}" for e, f in zip(exprs, filler, strict=True))


exprs_with_filler = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(DAY_OR_WEEK), min_size=n, max_size=n),
        st.lists(st.sampled_from(FILLER), min_size=n, max_size=n),
    )
)


# --- DCT shifts ---------------------------------------------------------------


def _monday(week_value: str) -> date:
    start, _, gran = cal.value_interval(week_value)
    assert gran == "week"
    return start


@SETTINGS
@given(exprs_with_filler, dcts, st.integers(-300, 300))
def test_shifting_dct_by_weeks_shifts_day_and_week_values(ef, dct, weeks):
    text = _text(*ef)
    moved = dct + timedelta(weeks=weeks)
    a = find_timexes(text, dct)
    b = find_timexes(text, moved)
    assert [(t.start, t.end, t.type, t.granularity) for t in a] == [
        (t.start, t.end, t.type, t.granularity) for t in b
    ]
    assert len(a) == len(ef[0])
    for x, y in zip(a, b, strict=True):
        if x.granularity == "week":
            assert _monday(y.value) == _monday(x.value) + timedelta(weeks=weeks), x.text
        elif x.granularity in ("day", "time"):
            dx = date.fromisoformat(x.value[:10])
            dy = date.fromisoformat(y.value[:10])
            assert dy == dx + timedelta(weeks=weeks), x.text
            assert x.value[10:] == y.value[10:]  # the same part of the day
        else:  # pragma: no cover - every template is day- or week-valued
            pytest.fail(f"{x.text!r} gave granularity {x.granularity}")
        if x.date_start is not None:
            assert y.date_start == x.date_start + timedelta(weeks=weeks)
            assert y.date_end == x.date_end + timedelta(weeks=weeks)


@SETTINGS
@given(st.sampled_from(["الخميس", "الأحد", "صباح الجمعة", "السبت"]), dcts, st.integers(-300, 300))
def test_shifting_dct_shifts_bare_weekdays_in_future_clauses(expr, dct, weeks):
    text = f"سيزور الرئيس القاهرة {expr}"
    a = find_timexes(text, dct)
    b = find_timexes(text, dct + timedelta(weeks=weeks))
    assert len(a) == len(b) == 1
    dx = date.fromisoformat(a[0].value[:10])
    assert date.fromisoformat(b[0].value[:10]) == dx + timedelta(weeks=weeks)
    assert dct <= dx < dct + timedelta(days=7)


# --- direction of marked expressions -----------------------------------------


def _marked(pool: list[str]):
    return st.lists(
        st.tuples(st.sampled_from(pool), st.sampled_from(FILLER)), min_size=1, max_size=4
    )


@SETTINGS
@given(_marked(PAST), dcts, st.sampled_from(["past", "future"]))
def test_past_marked_expressions_end_on_or_before_dct(pairs, dct, clause):
    exprs, filler = zip(*pairs, strict=True)
    verb = "سيعقد" if clause == "future" else "عقد"
    text = f"{verb} " + _text(list(exprs), list(filler))
    found = find_timexes(text, dct)
    # شهر رمضان الماضي may name no date the Umm al-Qura table holds; all others resolve.
    hijri = sum(e == "شهر رمضان الماضي" for e in exprs)
    assert len(exprs) - hijri <= len(found) <= len(exprs), [(t.text, t.value) for t in found]
    for t in found:
        assert _PAST_MARK.search(_norm(t.text)), t.text
        assert t.date_end is None or t.date_end <= dct, (t.text, t.value, t.date_end)


@SETTINGS
@given(_marked(FUTURE), dcts, st.sampled_from(["past", "future"]))
def test_future_marked_expressions_start_on_or_after_dct(pairs, dct, clause):
    exprs, filler = zip(*pairs, strict=True)
    verb = "سيعقد" if clause == "future" else "عقد"
    text = f"{verb} " + _text(list(exprs), list(filler))
    found = find_timexes(text, dct)
    assert len(found) == len(exprs), [(t.text, t.value) for t in found]
    for t in found:
        assert _FUTURE_MARK.search(_norm(t.text)), t.text
        assert t.date_start is None or t.date_start >= dct, (t.text, t.value, t.date_start)


# --- spans on noisy text -------------------------------------------------------


def _presentation_forms() -> dict[str, list[str]]:
    """Letter → its presentation forms (isolated/initial/medial/final)."""
    forms: dict[str, list[str]] = {}
    for cp in range(0xFE80, 0xFEFD):
        ch = chr(cp)
        if not unicodedata.name(ch, "").startswith("ARABIC LETTER"):
            continue
        base = unicodedata.normalize("NFKC", ch)
        if len(base) == 1:
            forms.setdefault(base, []).append(ch)
    return forms


PRESENTATION = _presentation_forms()
LAM_ALEF = "\ufefb"  # ARABIC LIGATURE LAM WITH ALEF ISOLATED FORM


def _is_letter(ch: str) -> bool:
    return ch != TATWEEL and "\u0621" <= ch <= "\u064a"


@st.composite
def noisy(draw, expr: str, *, diacritics=True, tatweel=True, bidi=True, digits=True, forms=True):
    """``expr`` with random marks inserted after letters and letters swapped for look-alikes."""
    out: list[str] = []
    i = 0
    while i < len(expr):
        ch = expr[i]
        if forms and expr.startswith("لا", i) and draw(st.booleans()):
            out.append(LAM_ALEF)
            i += 2
        else:
            if digits and ch.isdigit() and ch.isascii() and draw(st.booleans()):
                out.append(chr(draw(st.sampled_from([0x0660, 0x06F0])) + int(ch)))
            elif forms and ch in PRESENTATION and draw(st.integers(0, 3)) == 0:
                out.append(draw(st.sampled_from(PRESENTATION[ch])))
            else:
                out.append(ch)
            i += 1
        if _is_letter(expr[i - 1]):
            if diacritics and draw(st.integers(0, 2)) == 0:
                out.append(draw(st.sampled_from(DIACRITICS)))
            if tatweel and i < len(expr) and _is_letter(expr[i]) and draw(st.integers(0, 4)) == 0:
                out.append(TATWEEL)
        if bidi and i < len(expr) and not _MARK.match(expr[i]) and draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(BIDI)))
    return "".join(out)


SPAN_EXPRS = [
    *sorted(set(DAY_OR_WEEK + PAST + FUTURE) - {"بالأمس"}),
    "27 أبريل 2021",
    "الثلاثاء 9 فبراير 2023",
    "عام 2018",
    "رمضان 1445هـ",
    "الثلاثاء",
]


@st.composite
def noisy_sentence(draw):
    expr = draw(st.sampled_from(SPAN_EXPRS))
    before = draw(st.lists(st.sampled_from(FILLER), min_size=0, max_size=3))
    after = draw(st.lists(st.sampled_from(FILLER), min_size=0, max_size=3))
    noisy_expr = draw(noisy(expr))
    lead = " ".join(before) + (" " if before else "") + draw(st.sampled_from(["", *BIDI]))
    trail = draw(st.sampled_from(["", *BIDI, "،", "."])) + (" " if after else "")
    return expr, lead + noisy_expr + trail + " ".join(after), len(lead), len(noisy_expr)


def _check_span(raw: str, t) -> None:
    assert 0 <= t.start < t.end <= len(raw)
    assert raw[t.start : t.end] == t.text
    # A span starts on a base character and never leaves a mark of its last letter behind.
    assert not _MARK.match(t.text[0]) and not _INVISIBLE.match(t.text[0])
    assert t.end == len(raw) or not _MARK.match(raw[t.end])


@SETTINGS
@given(noisy_sentence(), dcts)
def test_spans_are_raw_slices_on_noisy_text(case, dct):
    expr, raw, at, length = case
    clean = find_timexes(expr, dct)
    found = find_timexes(raw, dct)
    for t in found:
        _check_span(raw, t)
    assert [(_norm(t.text), t.type, t.value, t.mod) for t in found] == [
        (_norm(t.text), t.type, t.value, t.mod) for t in clean
    ]
    if len(clean) == 1 and clean[0].text == expr:
        # The whole noisy expression, with its inner and trailing marks, is the span.
        assert found[0].start == at
        trimmed = raw[at : at + length]
        assert found[0].end == at + len(trimmed.rstrip("".join(BIDI)))


@SETTINGS
@given(st.sampled_from(SPAN_EXPRS), dcts, st.data())
def test_diacritics_do_not_change_values(expr, dct, data):
    marked = data.draw(noisy(expr, tatweel=False, bidi=False, digits=False, forms=False))
    a = find_timexes(expr, dct)
    b = find_timexes(marked, dct)
    assert [(t.type, t.value, t.mod, t.date_start, t.date_end) for t in a] == [
        (t.type, t.value, t.mod, t.date_start, t.date_end) for t in b
    ]
    for t in b:
        _check_span(marked, t)


@SETTINGS
@given(st.sampled_from(EXAMPLES), dcts, st.data())
def test_rule_examples_survive_noise(text, dct, data):
    noisy_text = data.draw(noisy(text))
    a = find_timexes(text, dct)
    b = find_timexes(noisy_text, dct)
    assert [(_norm(t.text), t.value, t.mod) for t in a] == [
        (_norm(t.text), t.value, t.mod) for t in b
    ]
    for t in b:
        _check_span(noisy_text, t)


# --- intervals -------------------------------------------------------------------


def _hijri_starts(text: str) -> set[int]:
    return {f.start for f in recognise(*analyse(text)) if f.frame.hijri}


@SETTINGS
@given(st.lists(st.sampled_from(EXAMPLES), min_size=1, max_size=3), dcts)
def test_intervals_agree_with_values(texts, dct):
    text = " . ".join(texts)
    hijri = _hijri_starts(text)
    for t in find_timexes(text, dct):
        _check_span(text, t)
        if t.date_start is not None and t.date_end is not None:
            assert t.date_start <= t.date_end, t
        if t.type not in ("DATE", "TIME") or t.granularity == "ref":
            continue
        start, end, gran = cal.value_interval(t.value)
        assert gran == t.granularity, (t.text, t.value)
        if t.start in hijri:  # a Hijri month or year keeps its own exact span
            assert start <= t.date_end and t.date_start <= end
            continue
        assert (t.date_start, t.date_end) == cal.narrow(start, end, t.mod), (t.text, t.value)


@pytest.mark.parametrize(
    "unit",
    [
        "اليوم",
        "27 أبريل",
        "هذا الأسبوع",
        "الأسبوع الماضي",
        "الشهر المقبل",
        "مارس الماضي",
        "العام",
        "العام الماضي",
        "عام 2019",
    ],
)
@SETTINGS
@example(mod="منتصف", dct=date(2021, 6, 24))
@given(mod=st.sampled_from(["بداية", "مطلع", "منتصف", "نهاية", "أواخر"]), dct=dcts)
def test_narrowed_interval_stays_inside_its_unit(unit, mod, dct):
    found = find_timexes(f"{mod} {unit}", dct)
    assert len(found) == 1
    t = found[0]
    assert t.mod in ("START", "MID", "END")
    start, end, _ = cal.value_interval(t.value)
    assert start <= t.date_start <= t.date_end <= end, (t.text, t.value, t.date_start)


@SETTINGS
@given(dcts)
def test_refs_bound_by_dct(dct):
    found = find_timexes("مؤخرا قال الوزير حاليا إن السنوات القليلة المقبلة", dct)
    values = {t.value: (t.date_start, t.date_end) for t in found}
    assert values == {
        "PAST_REF": (None, dct),
        "PRESENT_REF": (dct, dct),
        "FUTURE_REF": (dct, None),
    }


# --- robustness ------------------------------------------------------------------

VOCAB = sorted({w for e in SPAN_EXPRS + FILLER for w in e.split()} | {"هـ", "م", "في", "منذ"})
junk = st.lists(
    st.one_of(
        st.sampled_from(VOCAB),
        st.text(max_size=8),
        st.integers(0, 99999).map(str),
        st.sampled_from(DIACRITICS + BIDI + [TATWEEL, LAM_ALEF, "\ufdf2", "\ufe70", "،", "/"]),
    ),
    max_size=12,
).map(" ".join)


@SETTINGS
@example("²", date(2000, 1, 1))  # a superscript digit once crashed the tokenizer
@example("① ٢٠٢١ ⁵", date(1, 1, 1))
@given(st.one_of(st.text(), junk), st.dates())
def test_find_timexes_never_raises(text, dct):
    for t in find_timexes(text, dct):
        assert text[t.start : t.end] == t.text
        assert t.start < t.end


@FEW
@given(st.sampled_from([*SPAN_EXPRS, "شهر رمضان الماضي", "في رمضان", "15 شعبان"]), st.dates())
def test_extreme_dcts_do_not_crash(expr, dct):
    for t in find_timexes(f"قال الوزير {expr}", dct):
        assert t.date_start is None or t.date_end is None or t.date_start <= t.date_end


@pytest.mark.parametrize(
    "dct", [date(1, 1, 1), date(1901, 1, 1), date(2090, 1, 1), date(9999, 12, 31)]
)
@pytest.mark.parametrize("text", ["رمضان 1445هـ", "شهر رمضان الماضي", "في رمضان", "عام 1445 هـ"])
def test_hijri_outside_table_does_not_crash(text, dct):
    found = find_timexes(text, dct)
    if text == "رمضان 1445هـ":  # an explicit year needs no conversion of the DCT
        assert [(t.value, t.date_start, t.date_end) for t in found] == [
            ("2024-03", date(2024, 3, 11), date(2024, 4, 9))
        ]


# --- the normaliser's offset map ---------------------------------------------------

ALPHABET = (
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةٱ "
    + "".join(DIACRITICS)
    + "\u0670\u06d6\u0640\u200f\u200e\u200b\u202a\u2066\u061c\ufeff"
    + "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
    + "\ufefb\ufef5\ufe8d\ufe8e\ufe91\ufee0\ufe70\ufdf2\ufdfa"
    + "\u00a0–—ک یabc.,،"
)


def _expand(n, i: int, j: int) -> tuple[int, int]:
    """Widen [i, j) to whole raw characters (a ligature expands to several)."""
    first, last = n.raw_index(i), n.raw_index(j - 1)
    while i > 0 and n.raw_index(i - 1) == first:
        i -= 1
    while j < len(n.text) and n.raw_index(j) == last:
        j += 1
    return i, j


@SETTINGS
@given(st.one_of(st.text(alphabet=ALPHABET, max_size=40), st.text(max_size=20)), st.data())
def test_raw_span_round_trips(raw, data):
    n = normalize(raw)
    assume(n.text)
    i = data.draw(st.integers(0, len(n.text) - 1))
    j = data.draw(st.integers(i + 1, len(n.text)))
    a, b = n.raw_span(i, j)
    assert 0 <= a < b <= len(raw)
    i2, j2 = _expand(n, i, j)
    assert normalize(raw[a:b]).text == n.text[i2:j2], (raw, i, j, a, b)
    # The slice neither starts on a deleted mark nor stops before a mark of its last letter.
    assert normalize(raw[a]).text
    assert b == len(raw) or not _MARK.match(raw[b])


@SETTINGS
@given(st.one_of(st.text(alphabet=ALPHABET, max_size=40), st.text(max_size=20)))
def test_raw_index_is_monotonic_and_in_range(raw):
    n = normalize(raw)
    idx = [n.raw_index(k) for k in range(len(n.text))]
    assert idx == sorted(idx)
    assert all(0 <= k < len(raw) for k in idx)
    # Characters that are not deleted and not expanded keep their identity.
    for k, r in enumerate(idx):
        assert n.text[k] in normalize(raw[r]).text
