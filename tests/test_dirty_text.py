"""Scraped, badly converted text through the whole article pipeline.

The raw text is kept as given; recognition works on the normalised view, so
dates and events are found through HTML leftovers, references, control
characters and line ends of any system, every span is a raw slice, and no
tag ever shows up in a sentence or a name.
"""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.model import Article
from timeline.pipeline import process_article

DCT = dt.date(2021, 6, 24)
CLEAN = (
    "التقى مستشار الأمن القومي الأمريكي جيك سوليفان نظيره الإسرائيلي مائير بن شبات "
    "في واشنطن في 27 أبريل 2021. وهاجمت طائرات الاحتلال غزة يوم الأحد."
)
DIRTY = {
    "html": (
        '<div class="article"><p>التقى مستشار الأمن القومي الأمريكي <b>جيك سوليفان</b> '
        'نظيره الإسرائيلي <a href="/p?id=1&amp;x=2">مائير بن شبات</a> في واشنطن في 27 '
        "<b>أبريل</b> 2021.</p><script>var ad = '<p>إعلان</p>';</script>"
        "<!-- related --><p>وهاجمت&nbsp;طائرات الاحتلال غزة يوم&#160;الأحد.</p></div>"
    ),
    "entities": CLEAN.replace(" أبريل", "&nbsp;&#1571;&#x628;ريل").replace("بن", "ب&#1606;"),
    "crlf": CLEAN.replace(". ", ".\r\n") + "\r\n",
    "controls": CLEAN.replace("أبريل", "أبر\x00يل").replace("سوليفان", "سولي\x1bفان"),
    "bidi": "\u200f" + CLEAN.replace(" 2021", " \u200e2021\u200e").replace("غزة", "غ\u200dزة"),
    "presentation": CLEAN.replace("الأحد", "\ufe8d\ufedf\ufe83\ufea3\ufeaa"),
    "mixed": CLEAN.replace("في واشنطن", "في واشنطن (Washington DC, USA) وفق Reuters"),
}


def _result(text: str):
    return process_article(Article("a", DCT, text))


@pytest.mark.parametrize("kind", sorted(DIRTY))
def test_dirty_text_gives_what_the_clean_text_gives(kind):
    clean, dirty = _result(CLEAN), _result(DIRTY[kind])
    text = DIRTY[kind]
    assert [t.value for t in dirty.timexes] == [t.value for t in clean.timexes]
    assert [(m.event_type, m.date_value) for m in dirty.events.mentions] == [
        (m.event_type, m.date_value) for m in clean.events.mentions
    ]
    assert [m.participants for m in dirty.events.mentions] == [
        m.participants for m in clean.events.mentions
    ]
    for t in dirty.timexes:
        assert text[t.start : t.end] == t.text
    for m in dirty.events.mentions:
        assert text[m.start : m.end] == m.trigger
        for junk in ("<", ">", "&nbsp;", "&#", "\x00", "\x1b", "\r"):
            assert junk not in m.sentence
            assert all(junk not in p for p in m.participants)


def test_the_two_examples_of_the_issue():
    for text, expected in (("في 27 <b>أبريل</b> 2021", "27 <b>أبريل</b> 2021"),
                           ("27&nbsp;أبريل", "27&nbsp;أبريل")):  # fmt: skip
        (timex,) = _result(text).timexes
        assert timex.text == expected
        assert timex.value.startswith("2021-04-27")


def test_a_sentence_after_a_block_tag_starts_at_its_first_word():
    text = "<p>التقى الوزيران أمس في الرياض</p><p>وهاجمت طائرات غزة يوم الأحد</p>"
    sentences = [m.sentence for m in _result(text).events.mentions]
    assert sentences == ["التقى الوزيران أمس في الرياض", "وهاجمت طائرات غزة يوم الأحد"]
