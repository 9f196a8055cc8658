"""Which views to (re)build, and their text: day pages, archives, the README section, weekly
digests, feeds and charts.

Views are always rebuilt from the day data, never edited in place, so any of them can be
deleted or torn and the next run (or `arxiv-bot render`) makes it whole again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import PurePosixPath

from bot import chart, feed, index, layout, weekly
from bot.config import Config, ListSettings
from bot.models import DayList
from bot.render import DaySummary, Renderer, splice_readme
from bot.store import Change, Store

README_TOP = 10
"""Entries per list shown in the README section (DESIGN: at most 10)."""

History = Mapping[date, DayList]
"""Every stored day of one list, with this run's new day laid over it."""


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


def touched_days(store: Store, slug: str, history: History, changed: Iterable[date]) -> set[date]:
    """The changed days, their neighbours (whose links move), and days whose page is missing."""
    ordered = sorted(history)
    position = {day: index for index, day in enumerate(ordered)}
    touched: set[date] = set()
    for day in changed:
        if day not in position:
            continue
        index = position[day]
        touched.update(ordered[max(0, index - 1) : index + 2])
    years = {day.year for day in ordered}
    present = {year: _names(store, layout.year_dir(slug, year)) for year in years}
    touched.update(day for day in ordered if f"{day.isoformat()}.md" not in present[day.year])
    return touched


def _names(store: Store, folder: PurePosixPath) -> frozenset[str]:
    """The names in a folder (none when it is missing): one listing instead of a stat a day."""
    try:
        return frozenset(entry.name for entry in store.path(folder).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return frozenset()


def list_views(renderer: Renderer, settings: ListSettings, history: History) -> list[Change]:
    """The list's archive page and its yearly archives."""
    # Dates and counts only: with the id index, no day file is read for them.
    counts = [DaySummary(date=day, count=index.day_count(history, day)) for day in history]
    weeks = weekly.summaries({day.date: day.count for day in counts})
    pages = renderer.archives(
        settings.slug, settings.name, counts, weeks=weeks, feed=True, charts=True
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


def all_views(
    store: Store,
    renderer: Renderer,
    config: Config,
    histories: Mapping[str, History],
    changed: Mapping[str, Sequence[date]],
    *,
    everything: bool = False,
) -> list[Change]:
    """Every view a run (changed days) or `render` (everything) must rebuild, in writing order."""
    changes: list[Change] = []
    touched: dict[str, set[date]] = {}
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        days = (
            set(history)
            if everything
            else touched_days(store, settings.slug, history, changed.get(settings.slug, ()))
        )
        touched[settings.slug] = days
        changes.extend(day_views(store, renderer, settings, history, days))
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        if history and (
            everything or changed.get(settings.slug) or _missing_archive(store, settings)
        ):
            changes.extend(list_views(renderer, settings, history))
    if any(histories.get(settings.slug) for settings in config.lists):
        changes.append(readme_view(store, renderer, config, histories))
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        days = touched[settings.slug]
        keys = touched_weeks(store, settings.slug, history, days, everything=everything)
        changes.extend(weekly_views(renderer, settings, history, keys))
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


def _missing_archive(store: Store, settings: ListSettings) -> bool:
    return not store.path(layout.list_archive(settings.slug)).exists()


# --- weekly digests, feeds, charts ----------------------------------------------------------


def touched_weeks(
    store: Store, slug: str, history: History, days: Iterable[date], *, everything: bool = False
) -> set[weekly.WeekKey]:
    """The weeks of the touched days and their neighbouring weeks (whose "so far" mark and
    links to other weeks may change), and weeks whose digest is missing; every week with
    `everything`."""
    known = weekly.weeks(history)
    if everything:
        return set(known)
    position = {key: index for index, key in enumerate(known)}
    touched: set[weekly.WeekKey] = set()
    for key in {weekly.week_of(day) for day in days}:
        if key in position:
            at = position[key]
            touched.update(known[max(0, at - 1) : at + 2])
    touched.update(key for key in known if not store.path(layout.weekly(slug, *key)).exists())
    return touched


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
    """The archive's two charts (the days of the last `chart.TREND_DAYS` days are read)."""
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
