"""The order of a day's entries, each paper's topic, and the sections a day's page shows.

Relevance (`sort: relevance`, the default) is one integer per paper, `score`, made of three
parts, each in its own digits so that they compare one after the other:

1. a followed author wrote it (1 or 0);
2. keyword points: each distinct keyword that hit counts `TITLE_POINTS` (2) when it is in the
   title and `ABSTRACT_POINTS` (1) when it is in the abstract, so 3 when in both;
3. how often the keywords occur in title and abstract together (repeats count, but less than
   any distinct keyword does).

Higher scores come first; equal scores go newest first (`Paper.published`), then by arXiv id,
ascending, so that the order never depends on the order arXiv returned the papers in.
`sort: newest` orders by `published` alone (newest first), then by id; the score is still
computed and stored. The keywords and where they hit show on each entry, which explains
parts 1 and 2.

Topics: a paper goes under the topic whose keywords hit it hardest, by the same points (title
2, abstract 1 per distinct keyword), then by occurrences; a tie goes to the topic listed first.
A paper no topic's keyword hits goes under "Other" (`Entry.topic` is None). `sections` groups
a day's entries for its page in the configured order, keeping the day's order within each.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.match import normalize_text, occurrences, occurrences_normal
from bot.models import Entry, Hit, Keyword, Paper, Rules, Sort, Topic, Where, keyword_label

TITLE_POINTS = 2
"""Points of a keyword that hits the title."""
ABSTRACT_POINTS = 1
"""Points of a keyword that hits the abstract."""
OTHER = "Other"
"""The heading of the section of papers that no topic takes."""

_FOLLOWED = 1_000_000
_POINTS = 1_000
_CAP = 999
"""Each part is clamped to this so that it never spills into the digits of the part above."""


def points(where: Collection[Where]) -> int:
    """The points of one keyword that hit in these places."""
    return TITLE_POINTS * ("title" in where) + ABSTRACT_POINTS * ("abstract" in where)


def score(hits: Sequence[Hit], repeats: int = 0) -> int:
    """1,000,000 · followed + 1,000 · keyword points + occurrences (each part at most 999).

    Hits of one keyword label count once, in every place any of them names; followed-author
    hits count only as "followed". `repeats` is how often the keywords occur in title and
    abstract together (`occurrence_count`).
    """
    followed = any("authors" in hit.where for hit in hits)
    places: dict[str, set[Where]] = {}
    for hit in hits:
        if "authors" not in hit.where:
            places.setdefault(hit.keyword, set()).update(hit.where)
    total = sum(points(where) for where in places.values())
    return _FOLLOWED * followed + _POINTS * min(total, _CAP) + min(max(repeats, 0), _CAP)


def occurrence_count(paper: Paper, hits: Sequence[Hit], keywords: Sequence[Keyword]) -> int:
    """How often the hit keywords (found among `keywords` by label) occur in the paper."""
    by_label = _by_label(tuple(keywords))
    found = [
        keyword
        for label in dict.fromkeys(hit.keyword for hit in hits if "authors" not in hit.where)
        if (keyword := by_label.get(label)) is not None
    ]
    if not found:
        return 0
    title, abstract = normalize_text(paper.title), normalize_text(paper.abstract)  # once
    return sum(sum(occurrences_normal(keyword, title, abstract)) for keyword in found)


@lru_cache(maxsize=64)
def _by_label(keywords: tuple[Keyword, ...]) -> Mapping[str, Keyword]:
    """The keywords by label (a list's keywords, looked up for each of its papers)."""
    return {keyword_label(keyword): keyword for keyword in keywords}


def topic_strength(paper: Paper, topic: Topic) -> tuple[int, int]:
    """How hard a topic's keywords hit a paper: (points, occurrences); (0, 0) for not at all."""
    total_points = total = 0
    unique = {keyword_label(keyword): keyword for keyword in topic.keywords}
    for keyword in unique.values():
        in_title, in_abstract = occurrences(keyword, paper.title, paper.abstract)
        where: list[Where] = []
        if in_title:
            where.append("title")
        if in_abstract:
            where.append("abstract")
        total_points += points(where)
        total += in_title + in_abstract
    return total_points, total


def best_topic(paper: Paper, topics: Sequence[Topic]) -> str | None:
    """The name of the topic that hits the paper hardest (the first of equals), or None."""
    best: str | None = None
    best_strength = (0, 0)
    for topic in topics:
        strength = topic_strength(paper, topic)
        if strength > best_strength:
            best, best_strength = topic.name, strength
    return best


def order(entries: Iterable[Entry], sort: Sort) -> tuple[Entry, ...]:
    """The entries in the list's order: by score (`relevance`) or by time (`newest`)."""
    ordered = sorted(entries, key=lambda entry: entry.paper.id)
    if sort == "newest":
        ordered.sort(key=lambda entry: entry.paper.published, reverse=True)
    else:
        ordered.sort(key=lambda entry: (entry.score, entry.paper.published), reverse=True)
    return tuple(ordered)


def rank(matches: Iterable[tuple[Paper, tuple[Hit, ...]]], rules: Rules) -> tuple[Entry, ...]:
    """The matched papers as entries, scored, with their topics, in a deterministic order."""
    entries = [
        Entry(
            paper=paper,
            hits=hits,
            score=score(hits, occurrence_count(paper, hits, rules.keywords)),
            topic=best_topic(paper, rules.topics) if rules.topics else None,
        )
        for paper, hits in matches
    ]
    return order(entries, rules.sort)


# --- sections -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    """The entries of one topic on a day, in the day's order; `topic` None is "Other"."""

    name: str
    topic: str | None
    entries: tuple[Entry, ...]


def sections(entries: Sequence[Entry], topics: Sequence[Topic]) -> tuple[Section, ...]:
    """The day's entries grouped by topic: the topics in their order, then "Other".

    Topics without entries are left out. An entry whose topic is not among `topics` (a day
    file edited by hand) gets a section after the configured ones. A list without topics
    (none configured, none on an entry) is flat: no sections at all.
    """
    if not topics and all(entry.topic is None for entry in entries):
        return ()
    names = [topic.name for topic in topics]
    names += [e.topic for e in entries if e.topic is not None and e.topic not in names]
    groups: dict[str | None, list[Entry]] = {name: [] for name in dict.fromkeys(names)}
    groups[None] = []
    for entry in entries:
        groups[entry.topic].append(entry)
    return tuple(
        Section(name=OTHER if topic is None else topic, topic=topic, entries=tuple(items))
        for topic, items in groups.items()
        if items
    )
