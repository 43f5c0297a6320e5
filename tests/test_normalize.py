"""Unit tests of timeline.normalize: what the normalised text looks like, and the offset map."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.normalize import normalize


def _spans(raw: str, needle: str) -> tuple[int, int]:
    """Raw span of the first occurrence of ``needle`` in the normalised text."""
    n = normalize(raw)
    i = n.text.index(needle)
    return n.raw_span(i, i + len(needle))


# --- the normalised text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("غدًا", "غدا"),  # tanween
        ("عُقِدَ الاجتماعُ", "عقد الاجتماع"),  # harakat
        ("مُحَمَّدٌ", "محمد"),  # shadda, dammatan
        ("سُكْون", "سكون"),  # sukun
        ("هٰذا", "هذا"),  # superscript alef
        ("الـــيـــوم", "اليوم"),  # tatweel
        ("1445هـ", "1445ه"),
        ("أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله"),  # alef forms
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("رئيس", "رييس"),  # yaa with hamza
        ("مؤتمر", "موتمر"),  # waw with hamza
        ("القمة الثانية", "القمه الثانيه"),  # taa marbuta
        ("کتاب ی", "كتاب ي"),  # Persian kaf and yaa
        ("٢٧ أبريل ٢٠٢١", "27 ابريل 2021"),  # Arabic-Indic digits
        ("۱۴۴۵", "1445"),  # Persian digits
        ("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "0123456789 0123456789"),
        ("13–14 أبريل", "13-14 ابريل"),  # en dash
        ("13—14", "13-14"),
        ("\u200fأمس\u200e", "امس"),  # RLM, LRM
        ("\u202bأمس\u202c", "امس"),  # embedding controls
        ("\u2067أمس\u2069", "امس"),  # isolates
        ("أ\u200bمس\ufeff", "امس"),  # zero-width space, BOM
        ("أمس\u061c", "امس"),  # Arabic letter mark
        ("27\u00a0أبريل", "27 ابريل"),  # no-break space
        ("\ufefb", "لا"),  # lam-alef ligature
        ("\ufef7", "لا"),  # lam-alef with hamza above: NFKC then alef folding
        ("\ufe8d\ufedf\ufef4\ufeee\ufee1", "اليوم"),  # isolated/initial/medial/final forms
        ("\ufe93", "ه"),  # taa marbuta isolated form
        ("", ""),
        ("abc 123", "abc 123"),
    ],
)
def test_normalised_text(raw, text):
    assert normalize(raw).text == text


def test_one_to_one_replacements_keep_length():
    raw = "أإآٱىئؤةکی٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹–—\u00a0"
    n = normalize(raw)
    assert len(n.text) == len(raw)
    assert [n.raw_index(i) for i in range(len(n.text))] == list(range(len(raw)))


def test_unmarked_text_is_unchanged():
    raw = "التقي الوزيران امس الجمعه في واشنطن"
    n = normalize(raw)
    assert n.text == raw
    assert n.raw_span(0, len(raw)) == (0, len(raw))


# --- offsets back to the raw text -----------------------------------------------------


def test_span_end_takes_trailing_tanween():
    raw = "ستحصل غدًا على صواريخ"
    start, end = _spans(raw, "غدا")
    assert raw[start:end] == "غدًا"


def test_span_end_takes_several_trailing_marks():
    raw = "قال الأمسُّ هو"  # shadda + damma after the last letter
    start, end = _spans(raw, "الامس")
    assert raw[start:end] == "الأمسُّ"


def test_span_end_takes_trailing_tatweel():
    raw = "رمضان 1445هـ في"
    start, end = _spans(raw, "1445ه")
    assert raw[start:end] == "1445هـ"


def test_span_leaves_bidi_marks_outside():
    raw = "\u200fأمس\u200f الجمعة"
    start, end = _spans(raw, "امس")
    assert raw[start:end] == "أمس"
    assert (start, end) == (1, 4)


def test_span_keeps_inner_marks():
    raw = "قال: الـيَـوْمَ\u200f هو"
    start, end = _spans(raw, "اليوم")
    assert raw[start:end] == "الـيَـوْمَ"


def test_span_starts_at_the_letter_not_at_preceding_marks():
    raw = "و\u200fَأمس"
    start, end = _spans(raw, "امس")
    assert raw[start:end] == "أمس"


def test_offsets_after_many_deletions():
    raw = "ق\u064eا\u064eل\u064e \u200f\u200fغ\u064eد\u064bا\u200e و\u0640\u0640صل"
    n = normalize(raw)
    assert n.text == "قال غدا وصل"
    for word in n.text.split():
        start, end = _spans(raw, word)
        assert normalize(raw[start:end]).text == word
    assert raw[slice(*_spans(raw, "غدا"))] == "غ\u064eد\u064bا"


def test_arabic_indic_digits_map_back():
    raw = "في ٢٧ أبريل ٢٠٢١"
    start, end = _spans(raw, "27 ابريل 2021")
    assert raw[start:end] == "٢٧ أبريل ٢٠٢١"


def test_ligature_maps_back_to_one_raw_character():
    raw = "الث\ufefbثاء القادم"  # الثلاثاء with a lam-alef ligature
    n = normalize(raw)
    assert n.text == "الثلاثاء القادم"
    assert n.raw_span(0, len("الثلاثاء")) == (0, len("الث\ufefbثاء"))
    # both halves of the ligature come from the same raw character
    assert n.raw_index(3) == n.raw_index(4) == 3
    assert n.raw_span(len("الثلاثاء") + 1, len(n.text)) == (raw.index(" ") + 1, len(raw))


def test_ligature_path_with_diacritics_and_bidi():
    raw = "\u200fال\ufefbَثاءُ"
    n = normalize(raw)
    assert n.text == "اللاثاء"
    start, end = n.raw_span(0, len(n.text))
    assert (start, end) == (1, len(raw))  # the trailing damma is taken along


def test_span_of_a_ligature_half_covers_the_whole_ligature():
    raw = "\ufefb"
    n = normalize(raw)
    assert n.raw_span(0, 1) == (0, 1)
    assert n.raw_span(1, 2) == (0, 1)


def test_raw_index_of_every_position_matches_character_by_character():
    raw = "\u200fغدًا، الـخميس\u200e ٢٧"
    n = normalize(raw)
    for i, ch in enumerate(n.text):
        assert normalize(raw[n.raw_index(i)]).text == ch


# --- line ends, control characters ------------------------------------------------------


def test_carriage_returns_and_separators_are_line_breaks_in_place():
    raw = "سطر\r\nثان\rثالث\u2028رابع\x85خامس"
    n = normalize(raw)
    assert n.text == "سطر\n\nثان\nثالث\nرابع\nخامس"
    assert [n.raw_index(i) for i in range(len(n.text))] == list(range(len(raw)))


@pytest.mark.parametrize("junk", ["\x00", "\x01\x02", "\x1b", "\x7f", "\x80\x9f", "\x08"])
def test_control_characters_are_dropped(junk):
    raw = f"أبر{junk}يل 20{junk}21"
    n = normalize(raw)
    assert n.text == "ابريل 2021"
    assert raw[slice(*_spans(raw, "ابريل"))] == f"أبر{junk}يل"
    assert raw[slice(*_spans(raw, "2021"))] == f"20{junk}21"


def test_whitespace_controls_still_separate_words():
    assert normalize("امس\tاليوم\x0bغدا\x0cالان\x1fهنا").text.split() == [
        "امس", "اليوم", "غدا", "الان", "هنا",
    ]  # fmt: skip


# --- HTML left over from scraping -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("في 27 <b>أبريل</b> 2021", "في 27 ابريل 2021"),  # inline tags vanish
        ("<a href=\"https://x.com/?a=1&amp;b=2\" class='l'>واشنطن</a>", "واشنطن"),
        ("<SPAN style=color:red>أمس</SPAN>", "امس"),  # any case
        ("سطر<br>سطر<br/>سطر<br />سطر", "سطر\nسطر\nسطر\nسطر"),  # block tags break lines
        ("<p>جملة</p><div>جملة</div>", "\nجمله\n\nجمله\n"),
        ("قبل<script>var s = '<p>أمس</p>';</script>بعد", "قبل بعد"),  # dropped with content
        ("قبل<style type=text/css>p {}</style>بعد", "قبل بعد"),
        ("قبل<!-- <p>تعليق</p> -->بعد", "قبل بعد"),
        ("27&nbsp;أبريل", "27 ابريل"),
        ("&#1575;&#x627;&#X0627;", "ااا"),  # numeric references, then folded like letters
        ("&#1571;مس", "امس"),  # أ via a reference is folded to ا
        ("غد&#1611;ا", "غدا"),  # a referenced tanween is dropped like a typed one
        ("AT&amp;T &lt;ok&gt; &quot;x&quot;", 'AT&T <ok> "x"'),
        ("&amp;nbsp;", "&nbsp;"),  # decoded once, as a browser does
        ("&foo; & &#; &#xZZ;", "&foo; & &#; &#xZZ;"),  # not references: plain text
        ("x < y و y > z", "x < y و y > z"),  # comparisons are not tags
        ("<رويترز> و<Reuters>", "<رويترز> و<Reuters>"),  # unknown names are text
        ("<script>بلا إغلاق", " بلا اغلاق"),  # an unclosed script drops only its tag
        ("<!-- بلا إغلاق", "<!-- بلا اغلاق"),
        ("&#65275;", "لا"),  # a referenced ligature is unfolded too
    ],
)
def test_html_is_read_as_a_browser_shows_it(raw, text):
    assert normalize(raw).text == text


def test_spans_across_tags_and_references_are_raw_slices():
    raw = "في 27 <b>أبريل</b> 2021 و27&nbsp;أبري&#1604; <i>2022</i>"
    n = normalize(raw)
    assert raw[slice(*_spans(raw, "27 ابريل 2021"))] == "27 <b>أبريل</b> 2021"
    # a span ending on a reference takes all of it, and stops before a closing tag
    assert raw[slice(*_spans(raw, "27 ابريل 2022"))] == "27&nbsp;أبري&#1604; <i>2022"
    assert raw[slice(*_spans(raw, "ابريل"))] == "أبريل"
    for i in range(len(n.text)):
        start, end = n.raw_span(i, i + 1)
        assert 0 <= start < end <= len(raw)
        assert start >= (n.raw_index(i - 1) if i else 0)


def test_block_tag_line_break_maps_back_to_the_whole_tag():
    raw = "جملة<br/>ثانية"
    n = normalize(raw)
    i = n.text.index("\n")
    assert (n.raw_index(i), n.raw_end(i)) == (4, 9)
    assert raw[n.raw_end(i) :] == "ثانية"


def test_display_drops_tags_and_decodes_references():
    raw = "<p>التقى <b>جيك</b> سوليفان&nbsp;في 27 <i>أبريل</i>\x00.</p><script>x</script>"
    n = normalize(raw)
    assert n.display(0, len(raw)) == " التقى جيك سوليفان في 27 أبريل.  "
    start = raw.index("جيك")
    end = raw.index("&nbsp;")
    assert n.display(start, end) == "جيك سوليفان"
    # a window starting inside a tag shows none of it
    assert n.display(raw.index("b>جيك"), end) == "جيك سوليفان"
    assert normalize("نص عادي").display(0, 3) == "نص "


def test_html_work_is_linear_in_unclosed_openers():
    # every "<script>" and "<!--" lacks its closer: each is looked for once, not once per opener
    raw = "<script>أ <!-- " * 20_000
    n = normalize(raw)
    assert n.text.count("ا") == 20_000


# --- property: any mix of debris keeps every word a raw slice -----------------------------

_PIECES = [
    "أبريل", "2021", "الأمسُّ", "ال\ufefbثاء", " ", "\n", "\r\n", "<b>", "</b>", "<p>", "<br/>",
    "<script>x<p></script>", "<!-- c -->", "&nbsp;", "&amp;", "&#1604;", "&#65275;", "&foo;",
    "\x00", "\x1b", "\u200f", "\u0640", "<", "&", "Latin", "٢٧",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_every_normalised_word_maps_to_a_raw_slice_that_normalises_to_it(pieces):
    raw = "".join(pieces)
    n = normalize(raw)
    previous = 0
    for i in range(len(n.text)):
        start, end = n.raw_span(i, i + 1)
        assert previous <= start < end <= len(raw)  # monotone, never outside the text
        previous = start
    for m in re.finditer(r"[^\s<>&;]+", n.text):
        start, end = n.raw_span(m.start(), m.end())
        assert m.group() in normalize(raw[start:end]).text
