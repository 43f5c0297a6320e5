"""Dating event mentions: which time expression governs a mention, and what it gives."""

from __future__ import annotations

from datetime import date

import pytest

from timeline.model import Article
from timeline.pipeline import process_article

DCT = date(2021, 6, 24)  # a Thursday


def dated(text: str, trigger: str, dct: date = DCT) -> tuple[str | None, str | None]:
    """(date value, date source) of the mention whose trigger is ``trigger``."""
    mentions = process_article(Article("doc", dct, text)).events.mentions
    (mention,) = [m for m in mentions if m.trigger == trigger]
    return mention.date_value, mention.date_source


@pytest.mark.parametrize(
    ("text", "trigger", "value", "source"),
    [
        ("التقى وزير الخارجية نظيره الأردني أمس في عمان", "التقى", "2021-06-23", "timex"),
        # the clause's own expression before another one of the sentence
        ("قال الوزير اليوم إن الهجوم وقع الأحد الماضي", "الهجوم", "2021-06-20", "timex"),
        # an anaphoric mention takes the date of the mention it refers back to
        ("التقى الوزيران أمس في الرياض. وتناول الاجتماع التعاون الأمني", "الاجتماع",
         "2021-06-23", "inherited"),
        # a day after منذ dates what goes on since then
        ("تتعرض المدينة لقصف مكثف منذ يوم الأحد الماضي", "لقصف", "2021-06-20", "timex"),
        ("يشارك الطرفان منذ الاثنين في جولة جديدة من المحادثات", "المحادثات", "2021-06-21",
         "timex"),
        # a year after منذ that holds the article date bounds the events: this year
        ("واستهدف 43 هجوما المصالح الأميركية في العراق منذ بداية العام", "هجوما", "2021",
         "timex"),
    ],
)  # fmt: skip
def test_dated(text, trigger, value, source):
    assert dated(text, trigger) == (value, source)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        # nothing dates it: unknown, never the article's date
        ("وقع الهجوم على المدينة", "الهجوم"),
        # a year or a month after منذ opens a stretch of history, not the event's date
        ("وسبق أن رعت الأمم المتحدة منذ منتصف العام 2015 ثلاث جولات مفاوضات", "مفاوضات"),
        ("التقى الزعيمان للمرة الأولى منذ عام 2016", "التقى"),
        ("ونفذت الطائرات أكثر من عشر غارات منذ العام الماضي", "غارات"),
    ],
)
def test_undated(text, trigger):
    assert dated(text, trigger) == (None, None)


def status_of(text: str, trigger: str) -> str:
    mentions = process_article(Article("doc", DCT, text)).events.mentions
    (mention,) = [m for m in mentions if m.trigger == trigger]
    return mention.status


@pytest.mark.parametrize(
    ("text", "trigger", "status"),
    [
        # a date after the article's: not yet happened, though no cue says so
        ("وأوفدت الدول وزراءها إلى أستانا للإعداد لقمة للقادة في اسطنبول الشهر القادم",
         "لقمة", "planned"),
        ("عقدت القمة في اسطنبول الشهر الماضي", "القمة", "occurred"),
        ("يستقبل الرئيس اليوم وزير الخارجية", "يستقبل", "occurred"),
    ],
)  # fmt: skip
def test_status_from_date(text, trigger, status):
    assert status_of(text, trigger) == status
