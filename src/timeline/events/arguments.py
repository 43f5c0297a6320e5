"""Who took part in an event and where: entities from gazetteers and title patterns.

Countries, their demonym adjectives and capitals, places, organisations and
person titles are data (``data/ar/gazetteer/*.yaml``). Every spelling is
normalised like article text and expanded with its proclitics (و ف ب ل ك), and
multi-word entries are keyed by their first token, so recognition costs one
dictionary lookup per distinct token: only tokens that start some entry are
visited at all.

People have no gazetteer. A person is a title phrase (رئيس هيئة الأركان
المشتركة الأميركية، الجنرال …) followed by one to four name tokens, and later
bare mentions of the surname (نتنياهو، بميلي) are the same person within the
article. Name tokens are open-class, so the scan stops at anything a name is
unlikely to contain: punctuation, a stop word, a gazetteer word, a definite noun
that is not a family name.

``Entity.name`` is a readable name (the gazetteer's canonical name, or a person's
full name as first found in the article); :func:`canonical` is the key two
spellings of the same name share, for comparing names across articles.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import compress

from timeline.lexicon import load as load_lexicon
from timeline.lexicon import norm, read_data
from timeline.model import Entity
from timeline.normalize import MARKS, Normalized
from timeline.temporal.tokens import Tokens

_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
_QUOTES = frozenset("\"'«»“”„‘’`")
_COMMAS = frozenset({"،", ","})
_FILES = ("countries.yaml", "places.yaml", "organisations.yaml", "titles.yaml")
# Roles of gazetteer entries that name something (the rest steer the patterns).
_TITLE_ROLES = frozenset({"title", "weak_title"})
# Participant windows in tokens (punctuation counts): Arabic news puts the
# participants after the trigger, often behind a long apposition (مستشار الأمن
# القومي الأميركي، جيك سوليفان، ونظيره الإسرائيلي، مائير بن شبات).
_BEFORE = 15
_AFTER = 40
# Locations sit close to their trigger (اجتماع في واشنطن); a في-place farther
# away usually belongs to another clause (… خلال تصاعد العنف في غزة).
_LOC_BEFORE = 10
_LOC_AFTER = 12
_REGION_PENALTY = 8  # prefer a city or country to a region (الشرق الأوسط)
_MAX_NAME = 5  # name tokens, counting the links of بن/عبد chains
_MAX_TITLE = 12  # tokens of a title phrase after its head
_MARKS = re.compile(f"[{MARKS}]+")
_NON_LETTERS = re.compile(r"[^\w\s]|[\d_]")
_SPACES = re.compile(r"\s+")
# Consonant skeleton: long vowels and hamza seats carry most spelling variation
# of transliterated names (مائير/مئير، جيك/جايك، روبيرت/روبرت); G is written غ or ج
# (غانتس/جانتس); Persian letters stand for their nearest Arabic ones.
_SKELETON = str.maketrans(
    {"ا": None, "و": None, "ي": None, "ء": None, " ": None, "غ": "ج", "ڤ": "ف", "پ": "ب"}
    | {"گ": "ك", "چ": "ج"}
)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One gazetteer entry as a matcher sees it."""

    name: str  # canonical, readable name
    kind: str  # entity kind: country, place, org, group; title for title words
    role: str  # country, adj, capital, place, region, org, title, weak_title
    actor: str | None  # who it stands for as an actor
    country: str | None  # the country it belongs to (places, adjectives, titles' actor)


@dataclass(frozen=True, eq=False)
class _Gazetteer:
    """All lookups the matchers need, built once per process."""

    # first token (with proclitics) → (rest of the words, entry, proclitic length),
    # longest first
    first: dict[str, tuple[tuple[tuple[str, ...], _Entry, int], ...]]
    keys: frozenset[str]
    prep: dict[str, str]  # first-token form → its preposition proclitic (ب, ل, ك or "")
    full: dict[str, _Entry]  # whole normalised spelling (no proclitic) → entry
    stop: frozenset[str]
    complements: frozenset[str]
    actor_heads: frozenset[str]
    title_words: frozenset[str]
    name_links: frozenset[str]
    loc_preps: frozenset[str]
    place_nouns: frozenset[str]
    to_preps: frozenset[str]
    regions: frozenset[str]  # canonical names of regions


@cache
def _proclitics(word: str) -> list[tuple[str, int, str]]:
    """(form, proclitic length, preposition) for every proclitic combination."""
    out = []
    for conj in _CONJ:
        for prep in _PREP:
            if prep == "ل" and word.startswith("ال"):
                out.append((conj + "لل" + word[2:], len(conj), "ل"))  # ل + ال is لل
            else:
                out.append((conj + prep + word, len(conj) + len(prep), prep))
    return out


def _with_clitics(words: list[str]) -> frozenset[str]:
    return frozenset(form for w in words for form, _, _ in _proclitics(norm(w)))


def _adjective_forms(base: str) -> list[str]:
    """Every inflection of a nisba adjective (أميركي): gender, number, article."""
    stem = norm(base)
    forms = [stem + end for end in ("", "ه", "ون", "ين", "ان", "ات", "تان", "تين")]
    return forms + ["ال" + f for f in forms]


def _items(entries: list) -> list[tuple[str, list[str]]]:
    """(canonical, variants) from a list of strings or [canonical, variant, ...] lists."""
    out = []
    for item in entries or ():
        if isinstance(item, str):
            out.append((item, [item]))
        else:
            out.append((item[0], list(item)))
    return out


def _entries(data: dict[str, dict]) -> list[tuple[str, _Entry]]:
    """(spelling, entry) for every gazetteer spelling, strongest readings first."""
    out: list[tuple[str, _Entry]] = []
    countries = data["countries.yaml"]
    for c in countries["countries"]:
        name = c["name"]
        entry = _Entry(name, "country", "country", name, name)
        out.extend((v, entry) for v in [name, *c.get("variants", ())])
    for c in countries["countries"]:
        name = c["name"]
        for cap in _items(c.get("capitals")):
            entry = _Entry(cap[0], "place", "capital", name, name)
            out.extend((v, entry) for v in cap[1])
    places = data["places.yaml"]
    for country, items in places["places"].items():
        for canon, variants in _items(items):
            entry = _Entry(canon, "place", "place", None, country)
            out.extend((v, entry) for v in variants)
    for canon, variants in _items(places["regions"]):
        entry = _Entry(canon, "place", "region", None, None)
        out.extend((v, entry) for v in variants)
    orgs = data["organisations.yaml"]
    for section in ("organisations", "groups", "blocs"):
        for o in orgs[section]:
            kind = o.get("kind", "org" if section == "organisations" else "group")
            entry = _Entry(o["name"], kind, "org", o.get("actor"), o.get("actor"))
            out.extend((v, entry) for v in [o["name"], *o.get("variants", ())])
    # Adjectives last: السعودية is the country before it is the feminine adjective.
    for c in countries["countries"]:
        name = c["name"]
        entry = _Entry(name, "country", "adj", name, name)
        for base in c.get("adjectives", ()):
            out.extend((f, entry) for f in _adjective_forms(base))
    titles = data["titles.yaml"]
    for role in ("titles", "weak_titles"):
        entry = _Entry("", "title", role[:-1], None, None)
        for t in titles[role]:
            words = norm(t).split()
            out.append((t, entry))
            # titles come with and without the article: رئيس / الرئيس
            if words[0].startswith("ال"):
                out.append((" ".join([words[0][2:], *words[1:]]), entry))
            else:
                out.append((" ".join(["ال" + words[0], *words[1:]]), entry))
    return out


@cache
def _gazetteer() -> _Gazetteer:
    data = {name: read_data(f"gazetteer/{name}") for name in _FILES}
    first: dict[str, dict[tuple[str, ...], tuple[_Entry, int]]] = {}
    prep: dict[str, str] = {}
    full: dict[str, _Entry] = {}
    entries = [(tuple(norm(s).split()), e) for s, e in _entries(data)]
    for words, entry in entries:
        full.setdefault(" ".join(words), entry)
    # Bare forms first so that a word that is an entry itself (بغداد) is never
    # read as a proclitic plus another entry.
    for bare in (True, False):
        for words, entry in entries:
            for form, lead, p in _proclitics(words[0]):
                if (lead == 0) != bare:
                    continue
                slot = first.setdefault(form, {})
                if words[1:] not in slot:
                    slot[words[1:]] = (entry, lead)
                    prep.setdefault(form, p)
    titles = data["titles.yaml"]
    title_words = frozenset(
        f for words, e in entries if e.role in _TITLE_ROLES for f, _, _ in _proclitics(words[0])
    )
    return _Gazetteer(
        first={
            form: tuple(
                sorted(
                    ((rest, e, lead) for rest, (e, lead) in slot.items()), key=lambda x: -len(x[0])
                )
            )
            for form, slot in first.items()
        },
        keys=frozenset(first),
        prep=prep,
        full=full,
        stop=frozenset(norm(w) for w in titles["stop"])
        | frozenset("و" + norm(w) for w in titles["stop"]),
        complements=_with_clitics(titles["complements"]),
        actor_heads=_with_clitics(titles["actor_heads"]),
        title_words=title_words,
        name_links=frozenset(norm(w) for w in titles["name_links"]),
        loc_preps=frozenset(norm(w) for w in titles["location_prepositions"]),
        place_nouns=_with_clitics(places_nouns := data["places.yaml"]["place_nouns"])
        | frozenset(norm(w) for w in places_nouns),
        to_preps=frozenset(norm(w) for w in titles["destination_prepositions"]),
        regions=frozenset(e.name for _, e in entries if e.role == "region"),
    )


def _next(words: list[str], k: int) -> int:
    """The first token at or after ``k`` that is not a quotation mark."""
    n = len(words)
    while k < n and words[k] in _QUOTES:
        k += 1
    return k


def _prev(words: list[str], k: int) -> int:
    """The last token before ``k`` that is not a quotation mark (-1 if none)."""
    k -= 1
    while k >= 0 and words[k] in _QUOTES:
        k -= 1
    return k


def _match(gaz: _Gazetteer, words: list[str], k: int) -> tuple[_Entry, int, int, int] | None:
    """Longest entry starting at token ``k``: (entry, last token, proclitic length, end).

    Quotation marks inside a multi-word name are skipped (الكيان "الإسرائيلي").
    """
    cands = gaz.first.get(words[k])
    if not cands:
        return None
    for rest, entry, lead in cands:
        j = k
        for w in rest:
            j = _next(words, j + 1)
            if j >= len(words) or words[j] != w:
                break
        else:
            return entry, j, lead, j + 1
    return None


def _span(norm_: Normalized, tokens: Tokens, first: int, lead: int, last: int) -> tuple[int, int]:
    bounds = tokens.bounds  # token k spans bounds[2k+1]:bounds[2k+2]
    return norm_.raw_span(bounds[2 * first + 1] + lead, bounds[2 * last + 2])


def _display(text: str) -> str:
    """A person's name as written, without diacritics or quotation marks."""
    text = _MARKS.sub("", text)
    text = "".join(ch for ch in text if ch not in _QUOTES)
    return _SPACES.sub(" ", text).strip()


def _attached(gaz: _Gazetteer, words: list[str], k: int) -> bool:
    """Whether the adjective at ``k`` qualifies a title or an actor noun.

    الحكومة الإسرائيلية and رئيس هيئة الأركان المشتركة الأميركية name the state as
    an actor; الطائرات المسيرة الإيرانية does not. The walk back crosses the
    definite nouns of a genitive chain, title complements and other adjectives
    (مسؤولون أمريكيون وإسرائيليون).
    """
    j = k
    for _ in range(5):
        j = _prev(words, j)
        if j < 0:
            return False
        w = words[j]
        if w in gaz.title_words or w in gaz.actor_heads:
            return True
        if w in gaz.stop:
            return False
        if w in gaz.complements or w.startswith("ال") or w in gaz.keys:
            continue
        return False
    return False


def _title_phrase(gaz: _Gazetteer, words: list[str], j: int) -> tuple[int, str | None]:
    """Where the title phrase continuing at ``j`` ends, and the state it names.

    A title phrase is a genitive chain of definite nouns, title complements,
    gazetteer names and demonyms, possibly through في/ل (مستشار الأمن القومي في
    البيت الأبيض) and a comma before a second title (رئيس القيادة …، الجنرال).
    """
    n = len(words)
    actor = None
    steps = 0
    while steps < _MAX_TITLE:
        steps += 1
        j = _next(words, j)
        if j >= n:
            break
        w = words[j]
        m = _match(gaz, words, j)
        if m is not None:
            entry = m[0]
            if entry.role not in _TITLE_ROLES and actor is None:
                actor = entry.actor or (entry.country if entry.role == "adj" else None)
            j = m[3]
            continue
        if w in gaz.stop:
            if w in gaz.loc_preps and j + 1 < n:
                nxt = words[_next(words, j + 1)]
                # في البيت الأبيض continues the title; في 27 أبريل does not
                if (nxt.startswith("ال") and nxt not in gaz.stop) or nxt in gaz.keys:
                    j += 1
                    continue
            break
        if w in gaz.complements or (w.startswith("ال") and len(w) > 3):
            j += 1
            continue
        if w in _COMMAS and j + 1 < n and words[_next(words, j + 1)] in gaz.title_words:
            j += 1
            continue
        break
    return j, actor


def _name(gaz: _Gazetteer, tokens: Tokens, j: int) -> tuple[list[int], bool]:
    """Name tokens from ``j`` and whether something clearly closed the name."""
    words = tokens.words
    text = tokens.text
    temporal = load_lexicon().single
    n = len(words)
    comma = j < n and words[j] in _COMMAS
    if comma:
        j += 1
    names: list[int] = []
    closed = False
    k = j
    while k < n and len(names) < _MAX_NAME:
        w = words[k]
        if w in _QUOTES:
            k += 1
            continue
        if k > 0 and "\n" in text[tokens.end(k - 1) : tokens.start(k)]:
            closed = True
            break
        if not w[0].isalpha() or w in gaz.stop or w in gaz.keys:
            closed = True
            break
        if (w[0] == "و" and len(w) > 3) or w in temporal:
            # a coordinated word ends a name and cannot start one (بمساعدة الولايات
            # المتحدة وحلفاء آخرين); so does a time word (هذ الأسبوع)
            closed = bool(names)
            break
        if w.startswith("ال") and w != "الله":
            nk = _next(words, k + 1)
            ends = nk >= n or not words[nk][0].isalpha() or words[nk] in gaz.stop
            prev = words[names[-1]] if names else None
            # family names with the article: عبد الفتاح السيسي، بن حامد الرويلي، and
            # after a lone given name just before a punctuation mark: بشار الأسد،
            if not names or not (
                prev in gaz.name_links or w.endswith("ي") or (ends and len(names) == 1)
            ):
                break
        names.append(k)
        k += 1
    if k >= n:
        closed = True
    while names and words[names[-1]] in gaz.name_links:
        names.pop()
        closed = False
    unclosed_long = names and not closed and len(names) > 2
    if unclosed_long and not any(words[i] in gaz.name_links for i in names):
        names = names[:2]  # unclosed: a third token is more likely a verb or noun
    if len(names) == 1 and not (comma and closed):
        return [], False  # a single token needs both commas; or the surname index
    return names, closed


@cache
def _title_firsts() -> frozenset[str]:
    """First tokens of title entries: people are looked for in every sentence."""
    gaz = _gazetteer()
    return frozenset(
        first
        for first, cands in gaz.first.items()
        if any(entry.role in _TITLE_ROLES for _, entry, _ in cands)
    )


def find_entities(
    norm: Normalized, tokens: Tokens, focus: Callable[[int], bool] | None = None
) -> list[Entity]:
    """Countries, capitals, places, organisations and people named in one article.

    Capitals carry their state as ``actor``; a demonym adjective qualifying a
    title or an actor noun (الحكومة الإسرائيلية، هجوم إسرائيلي) is an entity of
    kind country with the state as actor; one qualifying anything else (طائرة
    مسيرة إيرانية) is no entity. Persons come from title phrases and, once their
    full name is known, from bare mentions of their surname anywhere in the
    article. The list is in text order and entities do not overlap.

    ``focus(k)``, when given, says whether token ``k`` is where arguments are
    wanted (the sentences with a trigger); elsewhere only people are looked for,
    since their full names let later surnames be recognised.
    """
    gaz = _gazetteer()
    titles = _title_firsts()
    words = tokens.words
    raw = norm.raw
    hits = gaz.keys & tokens.unique
    out: list[Entity] = []
    covered = bytearray(len(words))
    persons: list[tuple[list[int], str, str | None]] = []
    names_by_key: dict[str, str] = {}
    next_free = 0
    # compress/map keep the scan for candidate tokens in C
    for k in compress(range(len(words)), map(hits.__contains__, words)):
        if k < next_free or (focus is not None and words[k] not in titles and not focus(k)):
            continue
        m = _match(gaz, words, k)
        if m is None:
            continue
        entry, last, lead, end = m
        if entry.role in _TITLE_ROLES:
            j, actor = _title_phrase(gaz, words, end)
            names, closed = _name(gaz, tokens, j)
            if names and (entry.role == "title" or (closed and words[j] in _COMMAS)):
                start, stop = _span(norm, tokens, names[0], 0, names[-1])
                display = _display(norm.display(start, stop))  # no tags in names
                display = names_by_key.setdefault(canonical(display), display)
                out.append(Entity(start, stop, raw[start:stop], "person", display, actor, names[0]))
                persons.append((names, display, actor))
                covered[names[0] : names[-1] + 1] = b"\1" * (names[-1] + 1 - names[0])
                next_free = names[-1] + 1
            else:
                next_free = end
            continue
        if entry.role == "adj" and not _attached(gaz, words, k):
            continue  # طائرة مسيرة إيرانية: a property of a thing, not an actor
        start, stop = _span(norm, tokens, k, lead, last)
        out.append(Entity(start, stop, raw[start:stop], entry.kind, entry.name, entry.actor, k))
        covered[k:end] = b"\1" * (end - k)
        next_free = end
    if persons:
        out.extend(_surname_mentions(norm, tokens, persons, covered))
        out.sort(key=lambda e: e.start)
    return out


def _surname_mentions(
    norm_: Normalized,
    tokens: Tokens,
    persons: list[tuple[list[int], str, str | None]],
    covered: bytearray,
) -> list[Entity]:
    """Bare surnames (نتنياهو، بميلي، وسوليفان) of the people found with a title."""
    gaz = _gazetteer()
    words = tokens.words
    index: dict[str, tuple[int, str, str | None, str | None]] = {}
    for names, display, actor in persons:
        surname = words[names[-1]]
        if len(surname) < 3 or surname in gaz.stop or surname in gaz.keys:
            continue
        given = words[names[0]] if len(names) > 1 else None
        for form, lead, _ in _proclitics(surname):
            index.setdefault(form, (lead, display, actor, given))
    out = []
    hits = index.keys() & tokens.unique
    for k in compress(range(len(words)), map(hits.__contains__, words)):
        if covered[k]:
            continue
        lead, display, actor, given = index[words[k]]
        first = k
        # the full name without a title (بنيامين نتنياهو) starts at the given name
        if given is not None and k > 0 and words[k - 1] == given and not covered[k - 1]:
            first, lead = k - 1, 0
        start, stop = _span(norm_, tokens, first, lead, k)
        out.append(Entity(start, stop, norm_.raw[start:stop], "person", display, actor, first))
    return out


@cache
def canonical(name: str) -> str:
    """The key under which two spellings of the same name compare equal.

    The name is normalised like article text, stripped of punctuation and
    quotation marks; a gazetteer spelling is replaced by its entry's canonical
    name (أمريكا, الأميركية → الولايات المتحدة; a capital keeps its own name, it is
    a place). What remains is reduced to a consonant skeleton: without ا و ي ء
    and spaces, G folded to ج. So مائير بن شبات == مئير بن شبات, جيك سوليفان ==
    جايك سوليفان, روبيرت أوبريان == روبرت أوبريان.
    """
    text = _SPACES.sub(" ", _NON_LETTERS.sub(" ", norm(name))).strip()
    entry = _gazetteer().full.get(text)
    if entry is not None and entry.name:
        text = norm(entry.name)
    return text.translate(_SKELETON) or text


_last_entities: list[tuple[list[Entity], int, list[int]]] = []


def _entity_tokens(entities: list[Entity]) -> list[int]:
    """First tokens of ``entities`` (in text order), kept for the list last asked about.

    A caller asks for every trigger of an article with the same list, so one slot
    saves rebuilding the index per trigger.
    """
    last = _last_entities[0] if _last_entities else None
    if last is not None and last[0] is entities and last[1] == len(entities):
        return last[2]
    starts = [e.token for e in entities]
    _last_entities[:] = [(entities, len(entities), starts)]
    return starts


def _sentence_bounds(tokens: Tokens, k: int) -> tuple[int, int]:
    """Normalised offsets ``[lo, hi)`` of the sentence holding token ``k``."""
    ends = tokens.sentence_ends
    s = tokens.sentence(k)
    lo = ends[s - 1] if s > 0 else 0
    hi = ends[s] if s < len(ends) else len(tokens.text)
    return lo, hi


def _location_score(gaz: _Gazetteer, e: Entity, tokens: Tokens, t: int) -> int | None:
    """How near the place ``e`` is as the location of trigger ``t`` (None: it is not).

    A place is a location when a preposition introduces it (في، بـ، لدى; with a
    place noun between: في محافظة أصفهان), as the destination right after a visit
    (زيارته للعراق، زيارة إلى طهران), or as the genitive of the trigger (تفجير
    مفاعل نطنز، محادثات شرم الشيخ) unless it is a state, which is then the actor.
    """
    words = tokens.words
    k = e.token
    dist = k - t
    if not -_LOC_BEFORE <= dist <= _LOC_AFTER or k == t:
        return None
    p = _prev(words, k)
    if p >= 0 and words[p] in gaz.place_nouns:
        p = _prev(words, p)
    proclitic = gaz.prep.get(words[k], "")
    introduced = proclitic == "ب" or (p >= 0 and words[p] in gaz.loc_preps)
    if not introduced and dist > 0 and p == t:
        # right after the trigger: destination (ل / إلى) or genitive
        introduced = proclitic == "ل" or (e.kind == "place" and e.actor is None)
    if not introduced and dist > 0 and p >= 0 and words[p] in gaz.to_preps and _prev(words, p) == t:
        introduced = True
    if not introduced:
        return None
    score = abs(dist) * 2 + (dist < 0)  # ties go to the place after the trigger
    if e.kind == "place" and e.name in gaz.regions:
        score += _REGION_PENALTY * 2
    return score


def mention_arguments(
    entities: list[Entity],
    tokens: Tokens,
    trigger_token: int,
    sentence: tuple[int, int] | None = None,
) -> tuple[tuple[str, ...], str | None]:
    """Participants and location of the event whose trigger is token ``trigger_token``.

    Only entities of the trigger's sentence count (``sentence``: its token range
    ``[first, end)`` if the caller has it), within a window of 15 tokens before
    and 40 after. Participants are names in order of appearance: people,
    organisations and groups by their name, states by their canonical name,
    capitals and demonyms as the state they stand for; a place used as the
    location is not a participant. The location is the nearest place introduced
    as one (see ``_location_score``); ``None`` when there is none.
    """
    gaz = _gazetteer()
    t = trigger_token
    lo_tok, hi_tok = t - _BEFORE, t + _AFTER
    if sentence is not None:
        lo_tok, hi_tok = max(lo_tok, sentence[0]), min(hi_tok, sentence[1] - 1)
        in_sentence = None
    else:
        in_sentence = _sentence_bounds(tokens, t)
    starts = _entity_tokens(entities)
    cands = []
    for i in range(bisect_left(starts, lo_tok), bisect_right(starts, hi_tok)):
        e = entities[i]
        if in_sentence is not None and not in_sentence[0] <= tokens.start(e.token) < in_sentence[1]:
            continue
        cands.append(e)
    best: tuple[int, Entity] | None = None
    located: set[int] = set()
    for e in cands:
        if e.kind not in ("place", "country"):
            continue
        score = _location_score(gaz, e, tokens, t)
        if score is None:
            continue
        located.add(id(e))
        if best is None or score < best[0]:
            best = (score, e)
    participants: list[str] = []
    seen: set[str] = set()
    for e in cands:
        if id(e) in located:
            continue  # a place used as a location is not an actor (اجتماع في واشنطن)
        name = e.actor if e.kind == "place" else e.name
        if not name:
            continue
        key = canonical(name)
        if key not in seen:
            seen.add(key)
            participants.append(name)
    return tuple(participants), (best[1].name if best else None)


@cache
def _place_keys() -> tuple[dict[str, str], frozenset[str]]:
    """Location key → its country's key, and the keys of regions."""
    gaz = _gazetteer()
    country: dict[str, str] = {}
    regions = set()
    for entry in gaz.full.values():
        if entry.role == "region":
            regions.add(canonical(entry.name))
        elif entry.role in ("place", "capital") and entry.country:
            country.setdefault(canonical(entry.name), canonical(entry.country))
    return country, frozenset(regions)


def same_place(a: str, b: str) -> bool:
    """Whether two location keys (from :func:`canonical`) can name the same place.

    Equal keys do, and so do a city and its own country (أصفهان and إيران, واشنطن
    and الولايات المتحدة): one report names the city, another only the state.
    A region (الشرق الأوسط) is too vague to contradict anything. Two cities, or a
    city and another country, are different places.
    """
    if a == b:
        return True
    country, regions = _place_keys()
    return a in regions or b in regions or country.get(a) == b or country.get(b) == a
