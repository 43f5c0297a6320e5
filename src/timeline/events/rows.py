"""From deduplicated groups of mentions to the rows of the event table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from timeline.dedup import Key, canonical_key, event_id
from timeline.events.arguments import canonical
from timeline.model import Event, Mention


def build_events(
    groups: list[list[Key]],
    mentions: Mapping[str, Mention],
    codes: Mapping[str, tuple[str, str]],
) -> tuple[list[Event], dict[str, str]]:
    """One Event per group, and the event id of every grouped mention.

    ``codes`` maps a mention id to its (PLOVER, CAMEO) codes; a row takes those
    of the mention that gives it its date. Rows come sorted
    by date (undated last), then type and id, so the table reads as a timeline.
    """
    events: list[Event] = []
    assigned: dict[str, str] = {}
    for keys in groups:
        eid = event_id(keys)
        members = [mentions[k.mention_id] for k in keys]
        best = mentions[canonical_key(keys).mention_id]
        articles = sorted(
            {(m.published, m.article_id) for m in members}, key=lambda p: (p[0] is None, p)
        )
        plover, cameo = codes.get(best.mention_id, ("", ""))
        events.append(
            Event(
                event_id=eid,
                event_type=best.event_type,
                plover=plover,
                cameo=cameo,
                date_value=best.date_value,
                date_start=best.date_start,
                date_end=best.date_end,
                granularity=best.granularity,
                location=_most_common([m.location for m in members], best.location),
                participants=_participants(members),
                n_mentions=len(members),
                n_articles=len(articles),
                article_ids=tuple(a for _, a in articles),
                first_published=articles[0][0],
                summary=best.sentence,
            )
        )
        for k in keys:
            assigned[k.mention_id] = eid
    events.sort(key=lambda e: (e.date_start is None, e.date_start, e.event_type, e.event_id))
    return events, assigned


def _most_common(values: list[str | None], fallback: str | None) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return fallback
    top = max(counts.values())
    if fallback in counts and counts[fallback] == top:
        return fallback
    return next(v for v in values if v and counts[v] == top)


def _participants(members: list[Mention]) -> tuple[str, ...]:
    """Every participant once (مائير and مئير are one), most often named first."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}  # matching key → the first spelling seen
    for m in members:
        for p in m.participants:
            key = canonical(p)
            counts[key] += 1
            shown.setdefault(key, p)
    order = list(shown)
    return tuple(shown[k] for k in sorted(order, key=lambda k: (-counts[k], order.index(k))))
