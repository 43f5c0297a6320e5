"""What must hold for any text and any DCT: shared by the property tests and the fuzzer.

``check_article`` runs the public per-article path (``process_article``) and the
entity search and asserts that nothing raises and that every reported span is a
slice of the raw text: ``raw[start:end] == text`` for time expressions, triggers
and entities; the sentence of a mention is a piece of the text as a reader sees
it (the raw text without scraping leftovers: ``Normalized.display``); ids are unique
and every reference (a mention's time expression, an anchored expression's
mention) points at something reported.
"""

from __future__ import annotations

from datetime import date

from timeline.events.arguments import find_entities
from timeline.model import Article
from timeline.pipeline import ArticleResult, process_article
from timeline.temporal.recognize import analyse


def _span(raw: str, start: int, end: int, text: str, what: str) -> None:
    assert 0 <= start < end <= len(raw), (what, start, end, len(raw))
    assert raw[start:end] == text, (what, start, end, text)


def check_article(raw: str, dct: date, article_id: str = "fuzz") -> ArticleResult:
    """Run the pipeline on ``raw`` anchored on ``dct`` and assert the invariants."""
    result = process_article(Article(article_id, dct, raw))
    timex_ids = [t.timex_id for t in result.timexes]
    assert len(set(timex_ids)) == len(timex_ids)
    for t in result.timexes:
        _span(raw, t.start, t.end, t.text, "timex")
        assert t.article_id == article_id
        if t.date_start is not None and t.date_end is not None:
            assert t.date_start <= t.date_end, t
    events = result.events
    norm, tokens = analyse(raw)
    shown = norm.display(0, len(raw))
    mention_ids = [m.mention_id for m in events.mentions]
    assert len(set(mention_ids)) == len(mention_ids)
    for m in events.mentions:
        _span(raw, m.start, m.end, m.trigger, "trigger")
        assert m.sentence in shown, m.sentence
        assert m.timex_id is None or m.timex_id in timex_ids, m
        if m.date_start is not None and m.date_end is not None:
            assert m.date_start <= m.date_end, m
        assert m.event_id is None
    assert {k.mention_id for k in events.keys} <= set(mention_ids)
    assert set(events.codes) == set(mention_ids)
    for timex_id, (mention_id, _, _) in events.anchors.items():
        assert timex_id in timex_ids and mention_id in mention_ids
    for t in result.timexes:
        assert t.anchor in ("dct", *mention_ids), t
    for e in find_entities(norm, tokens):
        _span(raw, e.start, e.end, e.text, "entity")
        assert 0 <= e.token < len(tokens.words)
    return result
