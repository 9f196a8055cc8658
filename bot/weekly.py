"""The weekly digest of a list: the days of one ISO week gathered like a newsletter (pure).

A week is an ISO week (Monday to Sunday, numbered within its ISO year: 2026-12-28 to
2027-01-03 is 2026-W53, 2027-01-04 starts 2027-W01). Its digest holds every paper listed on a
day of that week: first the week's top papers by relevance (`Entry.score`, then newest, then
arXiv id), then one group per topic, in the configured order (the topics of the week's newest
day first, then any other topic the week's days name), "Other" last; without topics, one flat
group. Within a group papers keep the list's order (`Rules.sort` of the week's newest day).
Each paper remembers the day it was listed on, so the digest can link the daily file.

A digest is "so far" until the list has a day in a later week: until then, the next daily
list of the same week adds to it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.models import DayList, Entry, Keyword, Sort, keyword_label
from bot.rank import OTHER

TOP_PAPERS = 10
"""Papers in the week's "top papers" at most."""

WeekKey = tuple[int, int]
"""An ISO week: (ISO year, week number from 1 to 53)."""


def week_of(day: date) -> WeekKey:
    """The ISO week a date falls in (its ISO year may differ from the date's year)."""
    iso = day.isocalendar()
    return iso.year, iso.week


def week_start(key: WeekKey) -> date:
    """The Monday of an ISO week."""
    return date.fromisocalendar(key[0], key[1], 1)


def week_end(key: WeekKey) -> date:
    """The Sunday of an ISO week."""
    return date.fromisocalendar(key[0], key[1], 7)


def week_label(key: WeekKey) -> str:
    """`2026-W47`: the ISO 8601 week notation, also the digest's file name."""
    return f"{key[0]:04d}-W{key[1]:02d}"


@dataclass(frozen=True, slots=True)
class Listed:
    """A paper of the week and the date of the daily list it is on."""

    entry: Entry
    day: date


@dataclass(frozen=True, slots=True)
class Group:
    """The papers of one topic (`topic` None: "Other", or the whole week of a flat list)."""

    name: str
    topic: str | None
    papers: tuple[Listed, ...]


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """What an archive page or the README says about a week: its dates and counts."""

    key: WeekKey
    days: tuple[tuple[date, int], ...]
    """The week's daily lists, oldest first, with their paper counts."""
    so_far: bool

    @property
    def label(self) -> str:
        return week_label(self.key)

    @property
    def start(self) -> date:
        return week_start(self.key)

    @property
    def end(self) -> date:
        return week_end(self.key)

    @property
    def count(self) -> int:
        return sum(count for _, count in self.days)


@dataclass(frozen=True, slots=True)
class Week:
    """The digest of one week of one list."""

    slug: str
    name: str
    summary: WeekSummary
    top: tuple[Listed, ...]
    groups: tuple[Group, ...]
    """The topic groups in order; one group (topic None, name "") when the list is flat."""
    flat: bool
    previous: WeekKey | None
    """The nearest earlier week with a daily list, if any (for the digest's navigation)."""
    following: WeekKey | None
    keywords: tuple[Keyword, ...] = ()
    """The keywords of the week's days (each label once, the newest day's first): the ones
    that hit an abstract show in bold there, as on the day pages."""


def weeks(days: Iterable[date]) -> list[WeekKey]:
    """The weeks the dates fall in, oldest first, each once."""
    return sorted({week_of(day) for day in days})


def summaries(counts: Mapping[date, int]) -> tuple[WeekSummary, ...]:
    """Every week of a list, newest first, from its days' paper counts (no day file is read)."""
    by_week: dict[WeekKey, list[tuple[date, int]]] = {}
    for day in sorted(counts):
        by_week.setdefault(week_of(day), []).append((day, counts[day]))
    newest = max(by_week, default=None)
    return tuple(
        WeekSummary(key=key, days=tuple(by_week[key]), so_far=key == newest)
        for key in sorted(by_week, reverse=True)
    )


def _by_relevance(papers: Iterable[Listed]) -> list[Listed]:
    """Higher score first, then newest (`published`), then arXiv id (as `bot.rank` orders)."""
    ordered = sorted(papers, key=lambda listed: listed.entry.paper.id)
    ordered.sort(key=lambda li: (li.entry.score, li.entry.paper.published), reverse=True)
    return ordered


def _in_order(papers: Iterable[Listed], sort: Sort) -> list[Listed]:
    if sort == "newest":
        ordered = sorted(papers, key=lambda listed: listed.entry.paper.id)
        ordered.sort(key=lambda listed: listed.entry.paper.published, reverse=True)
        return ordered
    return _by_relevance(papers)


def _topic_order(days: Sequence[DayList], papers: Sequence[Listed]) -> list[str]:
    """Topic names: the newest day's configured order, then other days', then unconfigured."""
    names: list[str] = []
    for day in reversed(days):
        names.extend(topic.name for topic in day.rules.topics)
    names.extend(li.entry.topic for li in papers if li.entry.topic is not None)
    return list(dict.fromkeys(names))


def build(history: Mapping[date, DayList], key: WeekKey, *, top: int = TOP_PAPERS) -> Week:
    """The digest of week `key` from the list's days (`history`: every stored day; only the
    days of that week are read, the other dates only tell the neighbouring weeks).

    Raises KeyError when the list has no day in that week.
    """
    ordered = sorted(history)
    first = bisect_left(ordered, week_start(key))
    after = bisect_right(ordered, week_end(key), lo=first)
    days = [history[day] for day in ordered[first:after]]
    if not days:
        raise KeyError(week_label(key))
    previous = week_of(ordered[first - 1]) if first > 0 else None
    following = week_of(ordered[after]) if after < len(ordered) else None
    newest = days[-1]
    papers = [Listed(entry, day.date) for day in days for entry in day.entries]
    summary = WeekSummary(
        key=key,
        days=tuple((day.date, len(day.entries)) for day in days),
        so_far=following is None,
    )
    names = _topic_order(days, papers)
    sort = newest.rules.sort
    if not names:
        groups: tuple[Group, ...] = (Group("", None, tuple(_in_order(papers, sort))),)
    else:
        grouped: dict[str | None, list[Listed]] = {name: [] for name in names}
        grouped[None] = []
        for listed in papers:
            grouped[listed.entry.topic].append(listed)
        groups = tuple(
            Group(OTHER if topic is None else topic, topic, tuple(_in_order(items, sort)))
            for topic, items in grouped.items()
            if items
        )
    return Week(
        slug=newest.slug,
        name=newest.name,
        summary=summary,
        top=tuple(_by_relevance(papers)[:top]),
        groups=groups,
        flat=not names,
        previous=previous,
        following=following,
        keywords=tuple(
            {
                keyword_label(keyword): keyword
                for day in reversed(days)
                for keyword in day.rules.keywords
            }.values()
        ),
    )
