"""The status of an event mention: occurred, planned, proposed, hypothetical or negated.

Arabic marks a mention that did not (or not yet) happen with a cue before the
trigger in its clause (لم يعقد، من المقرر أن يلتقي، دعا إلى عقد، يمكن أن تنفذ), with the
future prefix on the trigger itself (سيجتمع) or with a modifier right after it
(الاجتماع المقبل). The cue lists live in ``data/ar/status.yaml``; each cue says how
far it reaches. Reading back from the trigger stops at the clause's edge
(punctuation, a relative pronoun, a complementiser, a temporal preposition such
as خلال/قبل/بعد), so a cue of another clause does not leak onto the trigger. With
no cue the mention occurred: news narrates the past.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from timeline.lexicon import norm as norm_form
from timeline.lexicon import read_data
from timeline.model import Trigger
from timeline.temporal.tense import is_future_word
from timeline.temporal.tokens import Tokens

STATUSES = ("occurred", "planned", "proposed", "hypothetical", "negated")
_RELATIVE = frozenset(
    norm_form(w) for w in ("الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان")
)
# Imperfect-looking words that are past verbs: قد تم "has been", قد توصل "has reached".
_PAST_LOOKALIKES = frozenset(
    norm_form(w) for w in ("تم", "توصل", "تعرض", "تسبب", "تحول", "تقدم", "تراجع", "تصاعد", "تزايد")
)


@dataclass(frozen=True, slots=True)
class _Cue:
    family: str  # the status it gives
    reach: int  # the most words from the cue to the trigger
    light: int = 0  # the reach when a light verb stands between
    through_that: bool = False  # governs the clause a complementiser after it opens
    next_imperfect: bool = False  # only before an imperfect verb (قد تستهدف)
    verb_only: bool = False  # only before a verb trigger (ما اجتمع)


@dataclass(frozen=True, eq=False)
class _Cues:
    single: dict[str, _Cue]
    phrases: dict[str, tuple[tuple[tuple[str, ...], _Cue], ...]]  # keyed by their last word
    after: dict[str, str]  # a modifier after the trigger → the status it gives
    after_reach: int
    future_reach: int
    stops: frozenset[str]  # punctuation and clause-closing words
    openers: frozenset[str]
    light: frozenset[str]
    farthest: int = 0  # no cue decides from farther than this many words


def mention_status(tokens: Tokens, trigger: Trigger) -> str:
    """One of :data:`STATUSES` for ``trigger``, from the cues of its clause.

    The nearest cue before the trigger whose reach covers it decides; then the
    trigger's own future prefix (سيجتمع); then a modifier after it (المقبل،
    المرتقب، الذي سيعقد); else "occurred".
    """
    cues = _cues()
    found = _before(tokens, trigger, cues)
    if found is not None:
        return found
    if is_future_word(tokens.words[trigger.token]):
        return "planned"
    return _after(tokens, trigger, cues) or "occurred"


def _before(tokens: Tokens, trigger: Trigger, cues: _Cues) -> str | None:
    words = tokens.words
    k = trigger.token
    first, _ = _sentence_span(tokens, k)
    d = 0  # words from the current one to the trigger
    light_between = False
    j = k - 1
    while j >= first:
        word = words[j]
        if word in cues.stops:
            return None
        if not word[0].isalnum():  # brackets and quotes: (تعقد)
            j -= 1
            continue
        d += 1
        if d > cues.farthest:
            return None  # a long sentence: nothing farther back can decide
        cue, size = _cue_ending_at(words, j, cues)
        if cue is not None:
            if _applies(cue, d, light_between, words, j, trigger.pos):
                return cue.family
            j -= size
            continue
        if word in cues.openers:
            # من المقرر أن / يمكن أن / نفى أن: the cue before governs this clause too
            before, _ = _cue_ending_at(words, j - 1, cues) if j else (None, 0)
            if before is None or not before.through_that:
                return None
        elif d <= cues.future_reach and is_future_word(word):
            return "planned"
        if word in cues.light:
            light_between = True
        j -= 1
    return None


def _sentence_span(tokens: Tokens, k: int) -> tuple[int, int]:
    """Tokens ``[first, last)`` of the sentence of token ``k`` (a newline ends one too).

    ``bounds`` alternates token starts (odd indices) and ends (even ones), so the
    index of a bisection halved is a token index.
    """
    s = tokens.sentence(k)
    ends = tokens.sentence_ends
    lo = ends[s - 1] if s else -1  # offset of the previous sentence's end mark
    hi = ends[s] if s < len(ends) else len(tokens.text)
    first = bisect_right(tokens.bounds, lo) // 2  # first token starting after lo
    last = bisect_left(tokens.bounds, hi) // 2  # first token starting at or after hi
    return first, min(last, len(tokens.words))


def _cue_ending_at(words: list[str], j: int, cues: _Cues) -> tuple[_Cue | None, int]:
    """The cue whose last word is ``words[j]`` (phrases first), and its length."""
    word = words[j]
    for phrase, cue in cues.phrases.get(word, ()):
        size = len(phrase)
        if j + 1 >= size and tuple(words[j + 1 - size : j + 1]) == phrase:
            return cue, size
    cue = cues.single.get(word)
    return (cue, 1) if cue is not None else (None, 0)


def _applies(cue: _Cue, d: int, light_between: bool, words: list[str], j: int, pos: str) -> bool:
    if cue.verb_only and pos != "verb":
        return False
    if cue.next_imperfect and (j + 1 >= len(words) or not _imperfect(words[j + 1])):
        return False
    return d <= cue.reach or (light_between and d <= cue.light)


def _imperfect(word: str) -> bool:
    """Whether a word looks like an imperfect verb (تستهدف، يكون), not a past one (زادت)."""
    bare = word[1:] if word[:1] in ("و", "ف") else word
    if len(bare) < 3 or bare in _PAST_LOOKALIKES:
        return False
    if bare[0] == "ي":
        return True
    return bare[0] in ("ت", "ن") and not bare.endswith("ت")


def _after(tokens: Tokens, trigger: Trigger, cues: _Cues) -> str | None:
    """The status a modifier after the trigger gives (الاجتماع المقبل، الذي سيعقد:
    planned; ضربات محتملة: hypothetical), if any."""
    words = tokens.words
    j = trigger.token + len(trigger.text.split())  # a phrase trigger spans several tokens
    _, last = _sentence_span(tokens, trigger.token)
    d = 0
    while j < last and d < cues.after_reach:
        word = words[j]
        if word in cues.stops and word not in _RELATIVE:
            return None
        if word[0].isalnum():
            d += 1
            if word in cues.after:
                return cues.after[word]
            if word in _RELATIVE:
                future = j + 1 < len(words) and is_future_word(words[j + 1])
                return "planned" if future else None
            if word in cues.openers:
                return None
        j += 1
    return None


def _conj(word: str) -> list[str]:
    """A cue word as written and with the conjunctions و/ف glued on."""
    w = norm_form(word)
    return [w, "و" + w, "ف" + w]


@cache
def _cues() -> _Cues:
    data = read_data("status.yaml")
    single: dict[str, _Cue] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], _Cue]]] = {}
    for family, block in data["families"].items():
        for spec in block["cues"]:
            cue = _Cue(
                family,
                int(spec["reach"]),
                int(spec.get("light", 0)),
                bool(spec.get("through_that")),
                bool(spec.get("next_imperfect")),
                bool(spec.get("verb_only")),
            )
            for text in spec["words"]:
                parts = norm_form(text).split()
                if len(parts) == 1:
                    for form in _conj(parts[0]):
                        single.setdefault(form, cue)  # the first family listed wins
                else:
                    for first in _conj(parts[0]):
                        phrase = (first, *parts[1:])
                        phrases.setdefault(phrase[-1], []).append((phrase, cue))
    after = {
        form: family
        for family, block in data["families"].items()
        for w in block.get("after", ())
        for form in _conj(w)
    }
    stops = {norm_form(p) for p in data["punctuation"]}
    stops.update(f for w in data["boundaries"] for f in _conj(w))
    every = [*single.values(), *(cue for v in phrases.values() for _, cue in v)]
    return _Cues(
        single=single,
        phrases={w: tuple(sorted(v, key=lambda x: -len(x[0]))) for w, v in phrases.items()},
        after=after,
        after_reach=int(data["after_reach"]),
        future_reach=int(data["future_reach"]),
        stops=frozenset(stops),
        openers=frozenset(f for w in data["openers"] for f in _conj(w)),
        light=frozenset(f for w in data["light_verbs"] for f in _conj(w)),
        farthest=max([int(data["future_reach"]), *(max(c.reach, c.light) for c in every)]),
    )
