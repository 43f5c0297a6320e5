"""What an analysis backend adds to the event layer, where the rules said nothing.

Called by :func:`timeline.events.mentions.find_mentions` only when a backend
gave an :class:`~timeline.backends.Analysis` (``backend="stanza"``); with the
rules alone none of this runs and the results are exactly the rules'.

* Lemmas add triggers: a verb or noun whose lemma is a trigger lemma of
  ``events.yaml`` but whose spelling the lexicon missed (التقيتُ → التقى). Only
  entries without context conditions (``near``, ``not_next``, ``not_prev``,
  ``exclude``, phrases, suffixed-only) are used: those need the rules' checks.
* Named entities add participants and places: PER → person, ORG → org,
  LOC/GPE → place, for spans no gazetteer entity overlaps.
* Dependencies attach a time expression to its trigger: the first trigger met
  walking up the heads from the expression (within its sentence, not through
  another clause's verb) governs it, and is preferred to the rules'
  nearest-in-clause choice (see :func:`timeline.events.dating.date_mentions`).

Backend spans are raw-text offsets; the rule layers index tokens of the
normalised text, so every backend span is mapped onto the rule token holding
its first character.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from timeline.backends import Analysis, Word
from timeline.lexicon import norm, read_data
from timeline.model import Entity, Timex, Trigger
from timeline.temporal import TemporalAnalysis

__all__ = ["add_entities", "add_triggers", "lemma_triggers", "time_links"]

# NER types (stanza's Arabic model: PER, LOC, ORG, MISC) → Entity.kind
_KINDS = {
    "PER": "person",
    "PERSON": "person",
    "ORG": "org",
    "ORGANIZATION": "org",
    "LOC": "place",
    "LOCATION": "place",
    "GPE": "place",
}
_UPOS = {"verb": "VERB", "noun": "NOUN"}
# Words of a multi-word token that are not part of a name or a trigger's content.
_CLITIC_UPOS = frozenset({"ADP", "CCONJ", "SCONJ", "PART", "DET"})
_FUNCTION_UPOS = _CLITIC_UPOS | {"PRON", "PUNCT", "AUX"}
_CONTEXT_KEYS = ("near", "not_next", "not_prev", "exclude", "phrase", "suffixed_only")


@cache
def lemma_triggers() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(normalised lemma, UPOS) → (event type, lexicon lemma, pos) for context-free entries."""
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    for name, block in read_data("events.yaml")["types"].items():
        for item in block["triggers"]:
            if any(item.get(key) for key in _CONTEXT_KEYS):
                continue
            pos = item["pos"]
            out.setdefault((norm(item["lemma"]), _UPOS[pos]), (name, item["lemma"], pos))
    return out


@cache
def _lemma_key(lemma: str) -> str:
    """A backend lemma in the lexicon's matching form (اِلتَقَى → التقي)."""
    return norm(lemma)


@dataclass(frozen=True, eq=False)
class _RuleIndex:
    """Raw spans of the rule tokens, to find the rule token holding a raw offset."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, analysis: TemporalAnalysis) -> _RuleIndex:
        """The index of ``analysis`` (the last one built is kept: both hooks ask for it)."""
        last = _last_index[0] if _last_index else None
        if last is not None and last[0] is analysis:
            return last[1]
        tokens, nrm = analysis.tokens, analysis.norm
        spans = [nrm.raw_span(tokens.start(k), tokens.end(k)) for k in range(len(tokens))]
        index = cls([s for s, _ in spans], [e for _, e in spans])
        _last_index[:] = [(analysis, index)]
        return index

    def token_at(self, offset: int) -> int:
        """The rule token holding raw ``offset`` (or the last one starting before it)."""
        return max(0, bisect_right(self.starts, offset) - 1)


_last_index: list[tuple[TemporalAnalysis, _RuleIndex]] = []


def add_triggers(
    analysis: TemporalAnalysis, parsed: Analysis, triggers: list[Trigger]
) -> list[Trigger]:
    """``triggers`` plus those the backend's lemmas find on tokens no trigger covers."""
    table = lemma_triggers()
    if not parsed.words or not analysis.tokens.words:
        return triggers
    index = _RuleIndex.of(analysis)
    taken = {t.token for t in triggers}
    spans = [(t.start, t.end) for t in triggers]
    raw = analysis.norm.raw
    added: list[Trigger] = []
    for w in parsed.words:
        if not w.lemma or not w.upos:
            continue
        hit = table.get((_lemma_key(w.lemma), w.upos))
        if hit is None:
            continue
        k = index.token_at(w.start)
        start, end = index.starts[k], index.ends[k]
        if k in taken or any(s < end and start < e for s, e in spans):
            continue
        event_type, lemma, pos = hit
        added.append(Trigger(start, end, raw[start:end], event_type, lemma, pos, k))
        taken.add(k)
    if not added:
        return triggers
    return sorted([*triggers, *added], key=lambda t: t.start)


def _name(parsed: Analysis, first: int, stop: int) -> tuple[int, str]:
    """Where a name over tokens ``[first, stop)`` starts in the raw text, and its words.

    Leading clitic words of the first token (و، ب، ل) are left out of the name;
    they are cut from the span too when their letters are a literal prefix of
    the token (والهلال → الهلال), not when the split rewrote it (للعراق).
    """
    tokens, words = parsed.tokens, parsed.words
    start = tokens[first].start
    parts: list[str] = []
    for i in range(first, stop):
        tok = tokens[i]
        own = list(words[tok.words[0] : tok.words[1]])
        if i == first:
            lead = 0
            while len(own) > 1 and own[0].upos in _CLITIC_UPOS:
                lead += len(own[0].text)
                own = own[1:]
            if lead and tok.text[lead:].startswith(own[0].text):
                start = tok.start + lead
        if i == stop - 1:
            while len(own) > 1 and own[-1].upos == "PRON":
                own = own[:-1]
        parts.append("".join(w.text for w in own) if own else tok.text)
    return start, " ".join(parts)


def add_entities(
    analysis: TemporalAnalysis, parsed: Analysis, entities: list[Entity]
) -> list[Entity]:
    """``entities`` plus the backend's PER/ORG/LOC spans that overlap none of them."""
    index = None
    raw = analysis.norm.raw
    added: list[Entity] = []
    for ne in parsed.entities:
        kind = _KINDS.get(ne.type.upper())
        if kind is None or any(e.start < ne.end and ne.start < e.end for e in entities):
            continue
        start, name = _name(parsed, *ne.tokens)
        if index is None:
            index = _RuleIndex.of(analysis)
        k = index.token_at(start)
        added.append(Entity(start, ne.end, raw[start : ne.end], kind, name, None, k))
    if not added:
        return entities
    return sorted([*entities, *added], key=lambda e: (e.token, e.start))


def _content(words: list[Word]) -> list[Word]:
    """The content words of a span (its clitics and punctuation left out), else all."""
    return [w for w in words if w.upos not in _FUNCTION_UPOS] or words


def time_links(
    analysis: TemporalAnalysis, parsed: Analysis, triggers: list[Trigger]
) -> dict[int, int]:
    """Trigger index → index of the time expression its dependency subtree holds.

    From the head word of each expression (its word whose head lies outside
    it), the heads are followed up its sentence; the first trigger word met
    takes the expression. A verb that is no trigger ends the walk: the time
    belongs to that verb's own event (وصل أمس). When several expressions reach
    one trigger, the one with the shortest path wins, then the nearest.
    """
    owner: dict[int, int] = {}
    for i, t in enumerate(triggers):
        for w in _content(parsed.words_in(t.start, t.end)):
            owner.setdefault(w.index, i)
    if not owner:
        return {}
    best: dict[int, tuple[int, int, int]] = {}  # trigger → (path length, distance, timex)
    for j, timex in enumerate(analysis.timexes):
        link = _governing(parsed, timex, owner)
        if link is None:
            continue
        i, steps = link
        rank = (steps, abs(timex.start - triggers[i].start), j)
        if i not in best or rank < best[i]:
            best[i] = rank
    return {i: rank[2] for i, rank in best.items()}


def _governing(parsed: Analysis, timex: Timex, owner: dict[int, int]) -> tuple[int, int] | None:
    """(trigger index, path length) of the trigger governing ``timex``, if any."""
    inside = parsed.words_in(timex.start, timex.end)
    if not inside:
        return None
    members = {w.index for w in inside}
    if members & owner.keys():
        return None  # an expression inside a trigger (اجتماع الأمس) is the rules' business
    heads = [w for w in _content(inside) if w.head not in members]
    if not heads:
        return None
    for steps, above in enumerate(parsed.ancestors(heads[0]), start=1):
        if above.index in owner:
            return owner[above.index], steps
        if above.upos == "VERB":
            return None
    return None
