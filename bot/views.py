"""Which views to (re)build, and their text: day pages, archives, the README section, weekly
digests, feeds and charts.

Views are always rebuilt from the day data, never edited in place, so any of them can be
deleted or torn and the next run (or `arxiv-bot render`) makes it whole again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import TypeVar

from bot import chart, feed, index, layout, weekly
from bot.config import Config, ListSettings
from bot.models import DayList
from bot.render import DaySummary, Renderer, splice_readme
from bot.store import Change, Store

README_TOP = 10
"""Entries per list shown in the README section (DESIGN: at most 10)."""

History = Mapping[date, DayList]
"""Every stored day of one list, with this run's new day laid over it."""

_Period = TypeVar("_Period", int, weekly.WeekKey)
"""A span of days with a page of its own: a year (its archive) or an ISO week (its digest)."""


def summary(day: DayList) -> DaySummary:
    return DaySummary(date=day.date, count=len(day.entries), top=day.entries[:README_TOP])


def _continuation_pages(store: Store, slug: str, day: date) -> set[PurePosixPath]:
    pattern = re.compile(rf"^{re.escape(day.isoformat())}-\d+\.md$")
    return {
        folder / file.name
        for folder in layout.continuation_dirs(slug, day)
        if store.path(folder).is_dir()
        for file in store.path(folder).iterdir()
        if pattern.match(file.name)
    }


def day_views(
    store: Store,
    renderer: Renderer,
    settings: ListSettings,
    history: History,
    days: Iterable[date],
) -> list[Change]:
    """The pages of the given days (with their neighbours' links), dropping stale extra pages."""
    ordered = sorted(history)
    position = {day: index for index, day in enumerate(ordered)}
    changes: list[Change] = []
    for day in sorted(set(days)):
        if day not in history:
            continue
        index = position[day]
        pages = renderer.day_pages(
            history[day],
            max_papers=settings.max_papers,
            previous=ordered[index - 1] if index > 0 else None,
            following=ordered[index + 1] if index + 1 < len(ordered) else None,
        )
        changes.extend(Change(path, text) for path, text in pages.items())
        stale = _continuation_pages(store, settings.slug, day) - set(pages)
        changes.extend(Change(path, None) for path in sorted(stale))
    return changes


def year_folders(store: Store, slug: str, history: History) -> dict[int, frozenset[str]]:
    """The names in each year folder of the list (one listing a year instead of a stat a file):
    what tells which day pages and year archives are missing."""
    return {year: _names(store, layout.year_dir(slug, year)) for year in {d.year for d in history}}


def missing_pages(history: History, folders: Mapping[int, frozenset[str]]) -> set[date]:
    """The days whose (first) page is missing from their year folder (`year_folders`): a crash
    came between the JSON and the page, or someone deleted it."""
    return {day for day in history if f"{day.isoformat()}.md" not in folders.get(day.year, ())}


def touched_days(history: History, changed: Iterable[date], missing: Iterable[date]) -> set[date]:
    """The changed days, their neighbours (whose links move), and the `missing` days (whose
    page is missing)."""
    ordered = sorted(history)
    position = {day: index for index, day in enumerate(ordered)}
    touched: set[date] = set()
    for day in changed:
        if day not in position:
            continue
        index = position[day]
        touched.update(ordered[max(0, index - 1) : index + 2])
    touched.update(day for day in missing if day in position)
    return touched


def _names(store: Store, folder: PurePosixPath) -> frozenset[str]:
    """The names in a folder (none when it is missing): one listing instead of a stat a day."""
    try:
        with os.scandir(store.path(folder)) as entries:
            return frozenset(entry.name for entry in entries)
    except (FileNotFoundError, NotADirectoryError):
        return frozenset()


def settled_days(
    history: History, until: date | None, fresh: Collection[date]
) -> Callable[[date], bool]:
    """Whether a day is settled: it was there, its views written, when the last run known to
    have ended (on `until`) ended, so the weekly digests and year archives around it already
    link its week and year. That is a day stored before this run, no later than `until`, and
    either `until` itself or not among the `fresh` days (changed by this run, or with their page
    missing: a run killed on another date may have left them).
    """

    def settled(day: date) -> bool:
        return (
            until is not None
            and day <= until
            and (day == until or day not in fresh)
            and isinstance(history, index.ListHistory)
            and history.stored(day) is not None
        )

    return settled


def _touched_periods(
    history: History,
    period: Callable[[date], _Period],
    fresh: Iterable[date],
    missing: Callable[[_Period], bool],
    settled: Callable[[date], bool],
) -> set[_Period]:
    """The pages of periods (ISO weeks, years) to rebuild.

    A period's page shows its own days and links the nearest periods before and after it that
    have a day (a digest is also "so far" while none follows it). So: the periods of the `fresh`
    days and the periods whose page is `missing`; and next to each of those that may be new to
    its neighbours (none of its days is `settled`, or its page is missing) the neighbouring
    periods. A later day of a period already there, or a re-run, leaves its neighbours alone.
    """
    groups: dict[_Period, list[date]] = {}
    for day in sorted(history):
        groups.setdefault(period(day), []).append(day)
    known = list(groups)  # oldest first: a period's days are consecutive dates
    lost = {key for key in known if missing(key)}
    position = {key: at for at, key in enumerate(known)}
    touched: set[_Period] = set()
    for key in {period(day) for day in fresh if day in history} | lost:
        touched.add(key)
        if key in lost or not any(settled(day) for day in groups[key]):
            at = position[key]
            touched.update(known[max(0, at - 1) : at + 2])
    return touched


def touched_years(
    slug: str,
    history: History,
    fresh: Iterable[date],
    folders: Mapping[int, frozenset[str]],
    *,
    settled: Callable[[date], bool],
) -> set[int]:
    """The year archives to rebuild (`_touched_periods`): the years of the `fresh` days (changed
    or with their page missing), years whose archive is missing, and the years either side of a
    year that may be new to them."""

    def missing(year: int) -> bool:
        return layout.year_archive(slug, year).name not in folders.get(year, ())

    return _touched_periods(history, lambda day: day.year, fresh, missing, settled)


def list_views(
    renderer: Renderer,
    settings: ListSettings,
    history: History,
    years: Collection[int] | None = None,
) -> list[Change]:
    """The list's archive page and its yearly archives (those of `years`; None: every year)."""
    # Dates and counts only: with the id index, no day file is read for them.
    counts = [DaySummary(date=day, count=index.day_count(history, day)) for day in history]
    weeks = weekly.summaries({day.date: day.count for day in counts})
    pages = renderer.archives(
        settings.slug, settings.name, counts, weeks=weeks, feed=True, charts=True, year_pages=years
    )
    return [Change(path, text) for path, text in pages.items()]


def readme_view(
    store: Store, renderer: Renderer, config: Config, histories: Mapping[str, History]
) -> Change:
    """The repository README with the bot's section rebuilt (the rest kept byte for byte)."""
    latest: list[tuple[str, str, DaySummary | None]] = []
    weeks: dict[str, weekly.WeekSummary] = {}
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        last = summary(history[max(history)]) if history else None
        latest.append((settings.slug, settings.name, last))
        if history:
            newest = weekly.week_of(max(history))
            days = [day for day in history if weekly.week_of(day) == newest]
            weeks[settings.slug] = weekly.summaries(
                {day: index.day_count(history, day) for day in days}
            )[0]
    section = renderer.readme_section(latest, weeks=weeks, feeds=set(weeks))
    return Change(layout.README, splice_readme(store.read_text(layout.README), section))


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to rebuild of one list's views (besides its feed and charts)."""

    days: set[date]
    """The day pages."""
    archives: bool
    """The list's archive page."""
    years: set[int] | None
    """The year archives (None: every year)."""
    weeks: set[weekly.WeekKey]
    """The weekly digests."""


def _plan(
    store: Store,
    slug: str,
    history: History,
    changed: Sequence[date],
    *,
    settled: date | None,
    everything: bool,
) -> _Plan:
    """What a run (the `changed` days) or `render` (`everything`) rebuilds of one list."""
    if everything:
        return _Plan(set(history), bool(history), None, set(weekly.weeks(history)))
    folders = year_folders(store, slug, history)
    edited = {day for day in changed if day in history}
    missing = missing_pages(history, folders)
    fresh = edited | missing
    is_settled = settled_days(history, settled, fresh)
    years = touched_years(slug, history, fresh, folders, settled=is_settled)
    archives = bool(history) and bool(
        years or changed or not store.path(layout.list_archive(slug)).exists()
    )
    weeks = touched_weeks(store, slug, history, fresh, settled=is_settled)
    return _Plan(touched_days(history, edited, missing), archives, years, weeks)


def all_views(
    store: Store,
    renderer: Renderer,
    config: Config,
    histories: Mapping[str, History],
    changed: Mapping[str, Sequence[date]],
    *,
    everything: bool = False,
    settled: date | None = None,
) -> list[Change]:
    """Every view a run (changed days) or `render` (everything) must rebuild, in writing order.

    `settled` is the date of the last run known to have ended (the run state's): the days
    stored before this run up to it had all their views written then (`settled_days`), which
    spares the digests and year archives around them. None: no day is taken as settled.
    """
    plans = {
        s.slug: _plan(
            store,
            s.slug,
            histories.get(s.slug, {}),
            changed.get(s.slug, ()),
            settled=settled,
            everything=everything,
        )
        for s in config.lists
    }
    changes: list[Change] = []
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        changes.extend(day_views(store, renderer, settings, history, plans[settings.slug].days))
    for settings in config.lists:
        plan = plans[settings.slug]
        if plan.archives:
            history = histories.get(settings.slug, {})
            changes.extend(list_views(renderer, settings, history, plan.years))
    if any(histories.get(settings.slug) for settings in config.lists):
        changes.append(readme_view(store, renderer, config, histories))
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        changes.extend(weekly_views(renderer, settings, history, plans[settings.slug].weeks))
    site = feed.Site(config.repository, config.branch) if config.repository else None
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        if history and (everything or changed.get(settings.slug) or _missing_feed(store, settings)):
            changes.append(feed_view(config, settings, history, site))
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        if history and (
            everything or changed.get(settings.slug) or _missing_charts(store, settings)
        ):
            changes.extend(chart_views(settings, history))
    return changes


# --- weekly digests, feeds, charts ----------------------------------------------------------


def touched_weeks(
    store: Store,
    slug: str,
    history: History,
    fresh: Iterable[date],
    *,
    settled: Callable[[date], bool],
) -> set[weekly.WeekKey]:
    """The weekly digests to rebuild (`_touched_periods`): the weeks of the `fresh` days
    (changed or with their page missing), weeks whose digest is missing, and the weeks either
    side of a week that may be new to them (their links, and the earlier one's "so far" mark)."""
    present = _names(store, layout.weekly_dir(slug))

    def missing(key: weekly.WeekKey) -> bool:
        return layout.weekly(slug, *key).name not in present

    return _touched_periods(history, weekly.week_of, fresh, missing, settled)


def weekly_views(
    renderer: Renderer, settings: ListSettings, history: History, keys: Iterable[weekly.WeekKey]
) -> list[Change]:
    """The digests of the given weeks, oldest first (only those weeks' days are read)."""
    return [
        Change(layout.weekly(settings.slug, *key), renderer.weekly(weekly.build(history, key)))
        for key in sorted(keys)
    ]


def feed_view(
    config: Config, settings: ListSettings, history: History, site: feed.Site | None
) -> Change:
    """The list's Atom feed (its newest days are read, up to `feed.FEED_ENTRIES` papers)."""
    text = feed.feed_xml(settings.slug, settings.name, history, title=config.title, site=site)
    return Change(layout.feed(settings.slug), text)


def chart_views(settings: ListSettings, history: History) -> list[Change]:
    """The archive's two charts (the last `chart.TREND_DAYS` days' counts, from the index)."""
    numbers = chart.trend(settings.name, history)
    return [
        Change(layout.trend_chart(settings.slug), chart.trend_svg(numbers)),
        Change(layout.keywords_chart(settings.slug), chart.keywords_svg(numbers)),
    ]


def _missing_feed(store: Store, settings: ListSettings) -> bool:
    return not store.path(layout.feed(settings.slug)).exists()


def _missing_charts(store: Store, settings: ListSettings) -> bool:
    paths = (layout.trend_chart(settings.slug), layout.keywords_chart(settings.slug))
    return not all(store.path(path).exists() for path in paths)
