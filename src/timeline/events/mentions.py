"""One article's event mentions: triggers, status, arguments, dates, and dedup keys."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from timeline.backends import Analysis
from timeline.dedup import Key
from timeline.events import backend_hooks
from timeline.events.arguments import (
    _entity_tokens,
    canonical,
    find_entities,
    mention_arguments,
)
from timeline.events.clauses import clause_numbering
from timeline.events.dating import Dating, Site, date_mentions
from timeline.events.phrases import PhraseSet
from timeline.events.status import mention_status
from timeline.events.triggers import find_triggers, trigger_codes
from timeline.lexicon import clitic_forms, norm, read_data
from timeline.model import Article, Entity, Mention, Trigger
from timeline.temporal import TemporalAnalysis
from timeline.temporal.tokens import Tokens

_GENERIC = frozenset(clitic_forms("مثل"))
_WITH = frozenset({"مع", "ومع"})
_WITH_REACH = 8  # tokens
_PROCLITIC = re.compile(r"^(?:[وف]?(?:ب|ك|ل(?!ل))?)")


@dataclass(frozen=True, slots=True)
class ArticleEvents:
    """The mentions of one article and, for the occurred ones, their dedup keys."""

    mentions: list[Mention]
    keys: list[Key]
    codes: dict[str, tuple[str, str]]  # mention id → its trigger's (PLOVER, CAMEO) codes
    # timex id → (the mention it is counted from, the interval it then stands for)
    anchors: dict[str, tuple[str, date | None, date | None]]


@cache
def _distinct_cues() -> PhraseSet:
    return PhraseSet(read_data("distinct.yaml")["before_trigger"])


def _marked_distinct(tokens: Tokens, k: int) -> bool:
    """سبق أن التقى: the text sets this occasion apart from the one it reports."""
    return _distinct_cues().ends_before(tokens.words, k, gap=2)


@cache
def _reference_cues() -> tuple[frozenset[str], PhraseSet, frozenset[str]]:
    data = read_data("references.yaml")
    after = frozenset(norm(w) for w in data["after"])
    return frozenset(data["types"]), PhraseSet(data["before"]), after


def in_force(tokens: Tokens, trigger: Trigger) -> bool:
    """الانسحاب من الاتفاق النووي: the noun names an agreement in force, not its making."""
    types, before, after = _reference_cues()
    if trigger.event_type not in types or trigger.pos != "noun":
        return False
    k = trigger.token
    if k + 1 < len(tokens.words) and tokens.words[k + 1] in after:
        return True
    return before.ends_before(tokens.words, k)


@cache
def _topic_cues() -> PhraseSet:
    return PhraseSet(read_data("topics.yaml")["before"])


def is_topic(tokens: Tokens, trigger: Trigger) -> bool:
    """التعليق على الاجتماع: a definite noun naming the topic of a comment or source."""
    return _anaphoric(tokens, trigger) and _topic_cues().ends_before(tokens.words, trigger.token)


def _anaphoric(tokens: Tokens, trigger: Trigger) -> bool:
    """A definite noun refers back to an event already named: الاجتماع، والهجوم.

    A pronoun suffix does not: in اعتراضها or زيارته it points at a thing or a
    person, not at an earlier event.
    """
    if trigger.pos != "noun":
        return False
    word = tokens.words[trigger.token]
    bare = word[_PROCLITIC.match(word).end() :]
    return bare.startswith("ال") or word.startswith("لل")


def _generic(tokens: Tokens, trigger: Trigger) -> bool:
    """مثل هذه الهجمات: a kind of event, not one that happened."""
    before = tokens.words[max(0, trigger.token - 2) : trigger.token]
    return any(w in _GENERIC for w in before)


def _in_sentences(tokens: Tokens, triggers: list[Trigger]) -> Callable[[int], int]:
    """Whether token ``k`` is in a sentence with a trigger, as a C-level lookup.

    find_entities asks it for every gazetteer word; a byte per token answers
    without a Python call and a bisection each time.
    """
    starts = tokens.sentence_starts
    inside = bytearray(len(tokens))
    for s in {tokens.sentence(t.token) for t in triggers}:
        first = starts[s - 1] if s > 0 else 0
        stop = starts[s] if s < len(starts) else len(tokens)
        inside[first:stop] = b"\1" * (stop - first)
    return inside.__getitem__


def _sentence_text(analysis: TemporalAnalysis, raw: str, s: int) -> str:
    tokens = analysis.tokens
    ends = tokens.sentence_ends
    norm = analysis.norm
    start = norm.raw_end(ends[s - 1]) if s > 0 else 0
    stop = norm.raw_index(ends[s]) if s < len(ends) else len(raw)
    # display(): a sentence is shown without HTML left over from scraping
    return norm.display(start, stop).strip(" \n\t\r.")


def find_mentions(
    article: Article, analysis: TemporalAnalysis, parsed: Analysis | None = None
) -> ArticleEvents:
    """Every event mention of one article, dated, with keys for deduplication.

    ``parsed``, a backend's analysis of the article (``None`` with the rules),
    adds lemma triggers, NER entities and dependency time links
    (:mod:`timeline.events.backend_hooks`).
    """
    tokens = analysis.tokens
    found = find_triggers(analysis.norm, tokens)
    if parsed is not None:
        found = backend_hooks.add_triggers(analysis, parsed, found)
    triggers = [t for t in found if not _generic(tokens, t) and not is_topic(tokens, t)]
    if not triggers:
        return ArticleEvents([], [], {}, {})
    entities = find_entities(analysis.norm, tokens, _in_sentences(tokens, triggers))
    if parsed is not None:
        entities = backend_hooks.add_entities(analysis, parsed, entities)
    kinds = _kinds(entities)
    clause_of = clause_numbering(tokens)
    statuses = [mention_status(tokens, t) for t in triggers]
    arguments = [mention_arguments(entities, tokens, t.token) for t in triggers]
    sites = []
    for t, status, (people, place) in zip(triggers, statuses, arguments, strict=True):
        keys = tuple(canonical(p) for p in people)
        sites.append(
            Site(
                token=t.token,
                sentence=tokens.sentence(t.token),
                clause=clause_of(t.token),
                event_type=t.event_type,
                occurred=status == "occurred",
                noun=t.pos == "noun",
                anaphoric=_anaphoric(tokens, t),
                participants=keys,
                persons=frozenset(p for p in keys if kinds.get(p) == "person"),
                location=canonical(place) if place else None,
                distinct=_marked_distinct(tokens, t.token),
                lemma=t.lemma,
                counterpart=_counterpart(entities, tokens, t.token),
                in_force=in_force(tokens, t),
            )
        )
    links = backend_hooks.time_links(analysis, parsed, triggers) if parsed is not None else None
    datings = date_mentions(sites, analysis, clause_of, article.published, links)
    clause_of_timex = {
        t.timex_id: clause_of(f.tok_start)
        for f, t in zip(analysis.found, analysis.timexes, strict=True)
    }
    statuses = [
        _dated_status(status, dating, article.published)
        if dating.source == "timex" and clause_of_timex.get(dating.timex_id) == site.clause
        else status
        for status, dating, site in zip(statuses, datings, sites, strict=True)
    ]
    # one string per sentence, shared by its mentions: a page-long sentence with
    # thousands of triggers is cut out once, not once per trigger
    sentences = {s: _sentence_text(analysis, article.text, s) for s in {x.sentence for x in sites}}
    mentions: list[Mention] = []
    keys: list[Key] = []
    for i, (t, status, (people, place), site, dating) in enumerate(
        zip(triggers, statuses, arguments, sites, datings, strict=True)
    ):
        res = dating.resolution
        mention = Mention(
            mention_id=f"{article.id}/m{i + 1}",
            article_id=article.id,
            event_type=t.event_type,
            status=status,
            trigger=t.text,
            start=t.start,
            end=t.end,
            sentence=sentences[site.sentence],
            date_value=res.value if res else None,
            granularity=res.granularity if res else None,
            date_start=res.start if res else None,
            date_end=res.end if res else None,
            timex_id=dating.timex_id,
            participants=tuple(people),
            location=place,
            confidence=_confidence(dating.source),
            published=article.published,
            date_source=dating.source,
        )
        mentions.append(mention)
        if status == "occurred":
            keys.append(
                Key(
                    mention_id=mention.mention_id,
                    article_id=article.id,
                    order=i,
                    event_type=t.event_type,
                    start=mention.date_start,
                    end=mention.date_end,
                    granularity=mention.granularity,
                    participants=frozenset(site.participants),
                    persons=site.persons,
                    location=site.location,
                    published=article.published,
                    sentence=site.sentence,
                    token=t.token,
                    noun=site.noun,
                    distinct=site.distinct,
                    link=dating.origin if dating.source == "inherited" else None,
                )
            )
    codes = {m.mention_id: trigger_codes(t) for m, t in zip(mentions, triggers, strict=True)}
    anchors = {
        d.timex_id: (mentions[d.origin].mention_id, d.resolution.start, d.resolution.end)
        for d in datings
        if d.source == "anchored" and d.timex_id and d.origin is not None and d.resolution
    }
    return ArticleEvents(mentions, keys, codes, anchors)


def _dated_status(status: str, dating: Dating, published: date) -> str:
    """An event its own clause dates after the article has not happened yet, whatever
    its verb says: للإعداد لقمة للقادة في اسطنبول الشهر القادم is planned. (Dates
    inherited, counted from another event or taken from another clause are less
    sure than the tense, so they leave the status alone.)"""
    res = dating.resolution
    # a concrete date only: في وقت لاحق، قريبا (FUTURE_REF) also mean "later" in a past
    # story, or "near" (مقرا قريبا)
    if status == "occurred" and res is not None and res.start is not None:
        return "planned" if res.start > published else status
    return status


def _counterpart(entities: list[Entity], tokens: Tokens, k: int) -> str | None:
    """Whom the event is "with": the first person (else name) after مع near the trigger."""
    words = tokens.words
    sentence = tokens.sentence(k)
    starts = _entity_tokens(entities)
    for j in range(k + 1, min(len(words), k + _WITH_REACH)):
        if words[j] in _WITH and tokens.sentence(j) == sentence:
            near = entities[bisect_right(starts, j) : bisect_right(starts, j + _WITH_REACH)]
            people = [e for e in near if e.kind == "person"]
            if people:  # مع مستشار الأمن القومي الأميركي، روبيرت أوبريان: the person
                return canonical(people[0].name)
            return canonical(near[0].actor or near[0].name) if near else None
    return None


def _kinds(entities: list[Entity]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in entities:
        out.setdefault(canonical(e.actor or e.name), e.kind if not e.actor else "country")
    return out


def _confidence(source: str | None) -> float:
    """A rough belief in the mention's date: direct > counted from an event > inherited."""
    return {"timex": 0.9, "anchored": 0.7, "inherited": 0.6}.get(source or "", 0.5)
