"""Find event triggers (اجتماع، شنته، وأسقط، توقيع …) with one dict lookup per token.

The taxonomy and the trigger lexicon live in ``data/ar/events.yaml``. At first use
every trigger spelling is expanded into the inflected forms news text uses (the
article ال, pronoun suffixes, the future سـ, the proclitics و ف ب ل ك) and put in
one dict from normalised token to the entries it may start, so recognition is a
set intersection plus a lookup per candidate token, like the temporal layer's.
Context conditions from the data (``near``, ``not_next``, ``not_prev``,
``exclude``) are checked only for tokens that hit the dict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import compress
from typing import Any

from timeline.lexicon import clitic_forms, read_data
from timeline.lexicon import norm as norm_form
from timeline.model import Trigger
from timeline.normalize import Normalized
from timeline.temporal.tokens import Tokens


@dataclass(frozen=True, slots=True)
class EventType:
    """One event type of the taxonomy and the codes it maps to."""

    name: str  # MEET, ATTACK, AGREE
    plover: str  # PLOVER event category (CONSULT, ASSAULT, AGREE)
    cameo: str  # CAMEO root code, as a string: "04" is not 4
    description: str


@dataclass(frozen=True, slots=True)
class _Window:
    """Words looked for around a trigger, within ``before``/``after`` words of it
    (punctuation does not count) in its sentence: ``near`` and ``not_near``."""

    words: frozenset[str]
    before: int = 0
    after: int = 0

    def holds(self, tokens: Tokens, k: int, end: int) -> bool:
        """Whether one of the words lies in the window of the trigger at tokens
        ``[k, end)``."""
        words = tokens.words
        sentence = tokens.sentence(k)
        for step, first, reach in ((-1, k - 1, self.before), (1, end, self.after)):
            j, seen = first, 0
            while seen < reach and 0 <= j < len(words):
                word = words[j]
                if word[0].isalnum():  # punctuation does not use up the window
                    if tokens.sentence(j) != sentence:
                        break
                    if word in self.words:
                        return True
                    seen += 1
                j += step
        return False


@dataclass(frozen=True, slots=True)
class _Entry:
    """One way a token can start a trigger, with the context it needs."""

    event_type: str
    lemma: str
    pos: str
    tail: tuple[str, ...] = ()  # the following tokens of a multi-word trigger
    near: _Window | None = None  # one of its words must be around the trigger
    not_near: _Window | None = None  # none of its words may be
    not_next: frozenset[str] = frozenset()
    not_next_within: int = 1  # how many words after the trigger not_next covers
    not_prev: frozenset[str] = frozenset()
    exclude: tuple[tuple[str, ...], ...] = ()  # idioms starting at this token


@dataclass(frozen=True, eq=False)
class _Lexicon:
    entries: dict[str, tuple[_Entry, ...]]  # token form → entries, phrases first
    keys: frozenset[str]
    types: dict[str, EventType]
    codes: dict[tuple[str, str], tuple[str, str]]  # (type, lemma) → (plover, cameo)


def event_types() -> dict[str, EventType]:
    """The taxonomy: event type name → its PLOVER category, CAMEO root and description."""
    return dict(_lexicon().types)


def trigger_codes(trigger: Trigger) -> tuple[str, str]:
    """(PLOVER, CAMEO) for one trigger: its entry's override, else its type's codes.

    Signing is coded apart from agreeing (توقيع، وقع → CAMEO 057, PLOVER SUPPORT),
    as are visits (042), calls (041), assassinations (186) and the like.
    """
    lex = _lexicon()
    hit = lex.codes.get((trigger.event_type, trigger.lemma))
    if hit is not None:
        return hit
    etype = lex.types[trigger.event_type]
    return etype.plover, etype.cameo


# Normalisation folds ة into ه, so a noun in ة can look like a verb with the
# pronoun ه; the raw spelling tells them apart.
_TAA_MARBUTA = re.compile("[\u0629\ufe93\ufe94][\u064b-\u065f]*$")


def find_triggers(norm: Normalized, tokens: Tokens) -> list[Trigger]:
    """Every event trigger of one text, in text order, at most one per token.

    ``norm``/``tokens`` come from :func:`timeline.temporal.recognize.analyse`.
    Spans are raw-text offsets and keep the token's proclitics and diacritics
    (وأسقط، شنّته), as the gold annotates them.
    """
    lex = _lexicon()
    words = tokens.words
    hits = lex.keys & tokens.unique
    if not hits:
        return []
    out: list[Trigger] = []
    next_free = 0  # first token not yet inside a trigger
    for k in compress(range(len(words)), map(hits.__contains__, words)):
        if k < next_free:
            continue
        for entry in lex.entries[words[k]]:
            end = _match(entry, tokens, k)
            if end:
                start, stop = norm.raw_span(tokens.start(k), tokens.end(end - 1))
                text = norm.raw[start:stop]
                if entry.pos == "verb" and _TAA_MARBUTA.search(text):
                    continue  # وزارة is no وزاره ("and visited him"): verbs never end in ة
                out.append(Trigger(start, stop, text, entry.event_type, entry.lemma, entry.pos, k))
                next_free = end
                break
    return out


def _match(entry: _Entry, tokens: Tokens, k: int) -> int:
    """The token after the trigger if ``entry`` matches at token ``k``, else 0."""
    words = tokens.words
    end = k + 1 + len(entry.tail)
    if entry.tail and tuple(words[k + 1 : end]) != entry.tail:
        return 0
    for idiom in entry.exclude:
        if tuple(words[k : k + len(idiom)]) == idiom:
            return 0
    if entry.not_prev and k > 0 and words[k - 1] in entry.not_prev:
        return 0
    if entry.not_next and any(w in entry.not_next for w in _following(words, end, entry)):
        return 0
    if entry.near is not None and not entry.near.holds(tokens, k, end):
        return 0
    if entry.not_near is not None and entry.not_near.holds(tokens, k, end):
        return 0
    return end


def _following(words: list[str], end: int, entry: _Entry) -> list[str]:
    """The ``not_next_within`` words after a trigger, skipping punctuation."""
    out: list[str] = []
    for word in words[end : end + 2 * entry.not_next_within + 2]:
        if word[0].isalnum():
            out.append(word)
            if len(out) == entry.not_next_within:
                break
    return out


# -- building the lexicon from data/ar/events.yaml ----------------------------------


def _window(spec: dict[str, Any] | None, free_forms: dict[str, set[str]]) -> _Window | None:
    """A ``near``/``not_near`` spec: its words with their proclitics, and the
    context-free forms of the trigger types it names."""
    if spec is None:
        return None
    words = set(_words(spec.get("words")))
    for other in spec.get("types", ()):
        words.update(f for w in free_forms.get(other, ()) for f in clitic_forms(w))
    return _Window(frozenset(words), spec.get("before", 0), spec.get("after", 0))


def _words(items: list[str] | None) -> frozenset[str]:
    """Normalised spellings with every proclitic combination (مع → ومع، فمع …)."""
    return frozenset(f for w in items or () for f in clitic_forms(norm_form(w)))


def _with_suffixes(form: str, suffixes: list[str]) -> list[str]:
    """A word with each pronoun suffix: زيارة → زيارته; شنوا → شنوه; اجتماع → اجتماعهما."""
    if form.endswith("ة"):
        stem = form[:-1] + "ت"
    elif form.endswith("وا"):
        stem = form[:-1]  # the silent alef of the plural drops before a suffix
    else:
        stem = form
    return [stem + s for s in suffixes]


def _spellings(item: dict[str, Any], suffixes: dict[str, list[str]]) -> list[str]:
    """Every single-word spelling of one trigger entry, before normalisation."""
    pos = item["pos"]
    forms = list(item.get("forms", ()))
    present = list(item.get("present", ()))
    future = ["س" + f for f in present]
    plain = forms + present + future
    suffixed: list[str] = []
    if item.get("suffixes", pos == "noun"):
        if pos == "noun":
            # Accusative (اجتماعا) and dual (اجتماعين) forms take no suffix in news text.
            bases = [f for f in forms if not f.endswith(("ا", "ين", "ان"))]
            sfx = suffixes["noun"]
        else:
            bases = [f for f in plain if not f.endswith("ى")]
            sfx = suffixes["verb"]
        suffixed = [s for f in bases for s in _with_suffixes(f, sfx)]
    if item.get("suffixed_only"):
        return suffixed
    if pos == "noun":
        plain += ["ال" + f for f in forms if not f.startswith("ال")]
    return plain + suffixed


@cache
def _lexicon() -> _Lexicon:
    data = read_data("events.yaml")
    suffixes = {pos: [norm_form(s) for s in sfx] for pos, sfx in data["suffixes"].items()}
    types: dict[str, EventType] = {}
    codes: dict[tuple[str, str], tuple[str, str]] = {}
    # (type, item, [(first word, tail)]) for every entry; the near-sets of entries
    # that need a trigger of some type nearby are built once all forms are known.
    specs: list[tuple[str, dict[str, Any], list[tuple[str, tuple[str, ...]]]]] = []
    free_forms: dict[str, set[str]] = {}  # type → forms that need no context
    for name, block in data["types"].items():
        etype = EventType(name, block["plover"], str(block["cameo"]), block["description"])
        types[name] = etype
        for item in block["triggers"]:
            if "plover" in item or "cameo" in item:
                codes[(name, item["lemma"])] = (
                    item.get("plover", etype.plover),
                    str(item.get("cameo", etype.cameo)),
                )
            if item.get("phrase"):
                parts = [tuple(norm_form(f).split()) for f in item["forms"]]
                shapes = [(p[0], p[1:]) for p in parts]
            else:
                shapes = [(norm_form(f), ()) for f in _spellings(item, suffixes)]
            specs.append((name, item, shapes))
            if "near" not in item:
                free_forms.setdefault(name, set()).update(f for f, tail in shapes if not tail)
    table: dict[str, list[_Entry]] = {}
    for name, item, shapes in specs:
        near = _window(item.get("near"), free_forms)
        not_near = _window(item.get("not_near"), free_forms)
        exclude = tuple(tuple(norm_form(p).split()) for p in item.get("exclude", ()))
        for first, tail in shapes:
            entry = _Entry(
                event_type=name,
                lemma=item["lemma"],
                pos=item["pos"],
                tail=tail,
                near=near,
                not_near=not_near,
                not_next=_words(item.get("not_next")),
                not_next_within=int(item.get("not_next_within", 1)),
                not_prev=_words(item.get("not_prev")),
                exclude=exclude,
            )
            for form in clitic_forms(first):
                bucket = table.setdefault(form, [])
                if entry not in bucket:
                    bucket.append(entry)
    # Multi-word triggers are tried first (longest first), so اتصالا هاتفيا wins
    # over اتصالا; among single words the order of the data file decides.
    entries = {
        form: tuple(sorted(bucket, key=lambda e: -len(e.tail))) for form, bucket in table.items()
    }
    return _Lexicon(entries, frozenset(entries), types, codes)
