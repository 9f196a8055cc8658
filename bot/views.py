"""Which Markdown views to (re)build, and their text: day pages, archives, the README section.

Views are always rebuilt from the day data, never edited in place, so any of them can be
deleted or torn and the next run (or `arxiv-bot render`) makes it whole again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import PurePosixPath

from bot import layout
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
    folder = store.path(layout.year_dir(slug, day.year) / "pages")
    if not folder.is_dir():
        return set()
    pattern = re.compile(rf"^{re.escape(day.isoformat())}-\d+\.md$")
    return {
        layout.year_dir(slug, day.year) / "pages" / file.name
        for file in folder.iterdir()
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
    touched.update(day for day in ordered if not store.path(layout.day_page(slug, day)).exists())
    return touched


def list_views(renderer: Renderer, settings: ListSettings, history: History) -> list[Change]:
    """The list's archive page and its yearly archives."""
    pages = renderer.archives(settings.slug, settings.name, [summary(d) for d in history.values()])
    return [Change(path, text) for path, text in pages.items()]


def readme_view(
    store: Store, renderer: Renderer, config: Config, histories: Mapping[str, History]
) -> Change:
    """The repository README with the bot's section rebuilt (the rest kept byte for byte)."""
    latest: list[tuple[str, str, DaySummary | None]] = []
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        last = summary(history[max(history)]) if history else None
        latest.append((settings.slug, settings.name, last))
    section = renderer.readme_section(latest)
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
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        days = (
            set(history)
            if everything
            else touched_days(store, settings.slug, history, changed.get(settings.slug, ()))
        )
        changes.extend(day_views(store, renderer, settings, history, days))
    for settings in config.lists:
        history = histories.get(settings.slug, {})
        if history and (
            everything or changed.get(settings.slug) or _missing_archive(store, settings)
        ):
            changes.extend(list_views(renderer, settings, history))
    if any(histories.get(settings.slug) for settings in config.lists):
        changes.append(readme_view(store, renderer, config, histories))
    return changes


def _missing_archive(store: Store, settings: ListSettings) -> bool:
    return not store.path(layout.list_archive(settings.slug)).exists()
