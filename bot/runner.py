"""One run, start to end: plan → fetch → match → de-duplicate → rank → render → write.

This is the only place that orchestrates; every stage it calls is a pure function of its
inputs except the fetch (handed in) and the final write. Nothing is written until everything
was fetched and rendered, and then in DESIGN's order: day JSON, views, run state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from bot import index, layout, views
from bot.config import Config, ListSettings
from bot.heap import batch_collection
from bot.match import Matcher
from bot.models import DayList, Hit, Paper, Rules, RunState, Window
from bot.query import build_queries
from bot.rank import rank
from bot.render import Renderer
from bot.source import FetchReport, one_line
from bot.store import Change, Store, apply, day_json, pending, state_json
from bot.window import plan

Fetch = Callable[[Sequence[str], Window], FetchReport]
"""Asks arXiv the queries over the window (bot.source.ArxivSource.fetch, or a stand-in)."""


@dataclass(frozen=True, slots=True)
class ListOutcome:
    """What one list got from the run."""

    slug: str
    name: str
    matched: int
    """Papers in the window that the list's rules keep."""
    new: int
    """Of those, papers not listed on any other day and not already on this day's list."""
    listed: int
    """Papers on the day's list after the run."""


@dataclass(frozen=True, slots=True)
class RunReport:
    """Everything a person (or the Actions glue) needs to know about a run."""

    run_date: date
    window: Window
    capped: bool
    fetched: int
    requests: int
    lists: tuple[ListOutcome, ...]
    changes: tuple[Change, ...]
    dry_run: bool

    @property
    def new_papers(self) -> int:
        return sum(outcome.new for outcome in self.lists)

    @property
    def written(self) -> tuple[PurePosixPath, ...]:
        return tuple(change.path for change in self.changes)


def build_day(
    settings: ListSettings,
    rules: Rules,
    run_date: date,
    papers: Sequence[Paper],
    history: views.History,
) -> tuple[DayList | None, ListOutcome]:
    """The list's day after this run: today's earlier entries kept, new matches added, and
    every paper listed on another day of the list left out (`run` and `backfill` share it)."""
    matcher = Matcher(rules)
    elsewhere = index.listed_ids(history, except_day=run_date)
    found: dict[str, tuple[Paper, tuple[Hit, ...]]] = {}
    for paper in papers:
        hits = matcher.match(paper)
        if hits is not None:
            found[paper.id] = (paper, hits)
    matched = len(found)
    earlier = history.get(run_date)
    already = {entry.paper.id for entry in earlier.entries} if earlier else set()
    for entry in earlier.entries if earlier else ():
        if entry.paper.id not in found:
            hits = matcher.match(entry.paper)
            if hits is not None:
                found[entry.paper.id] = (entry.paper, hits)
    # Matching reads arXiv's text as sent; the papers kept get it on one line, as stored.
    kept = [
        (one_line(paper), hits)
        for paper_id, (paper, hits) in found.items()
        if paper_id not in elsewhere
    ]
    new = sum(1 for paper, _ in kept if paper.id not in already)
    outcome = ListOutcome(settings.slug, settings.name, matched, new, len(kept))
    if not kept:
        return None, outcome
    day = DayList(settings.slug, settings.name, run_date, rules, rank(kept, rules))
    return day, outcome


@batch_collection()
def run(
    config: Config,
    store: Store,
    renderer: Renderer,
    fetch: Fetch,
    run_date: date,
    *,
    dry_run: bool = False,
) -> RunReport:
    """Build the lists of `run_date` and write what changed (nothing when `dry_run`)."""
    state = store.read_state()
    planned = plan(
        run_date,
        state,
        zone=config.zone,
        lookback_days=config.lookback_days,
        max_lookback_days=config.max_lookback_days,
    )
    histories = {s.slug: index.load_history(store, s.slug) for s in config.lists}
    report = fetch(build_queries([s.rules for s in config.lists], planned.window), planned.window)

    data: list[Change] = []
    changed: dict[str, list[date]] = {}
    outcomes: list[ListOutcome] = []
    for settings in config.lists:
        history = histories[settings.slug]
        rules = config.rules_for(settings)
        day, outcome = build_day(settings, rules, run_date, report.papers, history)
        outcomes.append(outcome)
        if day is not None:
            change = Change(layout.day_json(settings.slug, run_date), day_json(day))
            if pending(store, [change]):
                data.append(change)
            history[run_date] = day
        # The run's own day, and any day a killed run wrote after the last run state, have their
        # views rebuilt (identical bytes drop out), so a run repairs whatever a kill left.
        redo = [d for d in history if d == run_date or state is None or d > state.date]
        if redo:
            changed[settings.slug] = sorted(redo)

    changes = data + index.index_changes(histories, data)
    # The run state's date is the last run known to have ended: its days' views are complete.
    settled = state.date if state is not None else None
    changes += views.all_views(store, renderer, config, histories, changed, settled=settled)
    listed = any(run_date in histories[settings.slug] for settings in config.lists)
    if listed and (state is None or run_date >= state.date):
        start = state.window_start if state and state.date == run_date else planned.window.start
        changes.append(Change(layout.STATE, state_json(RunState(run_date, start))))
    todo = pending(store, changes)
    if not dry_run:
        apply(store, todo)
    return RunReport(
        run_date=run_date,
        window=planned.window,
        capped=planned.capped,
        fetched=len(report.papers),
        requests=report.requests,
        lists=tuple(outcomes),
        changes=tuple(todo),
        dry_run=dry_run,
    )


@batch_collection()
def render_all(
    config: Config, store: Store, renderer: Renderer, *, dry_run: bool = False
) -> tuple[Change, ...]:
    """Rebuild every view from the stored JSON (after a template or config change)."""
    histories = {s.slug: index.load_history(store, s.slug) for s in config.lists}
    changes = index.index_changes(histories, [], everything=True)
    changes += views.all_views(store, renderer, config, histories, {}, everything=True)
    todo = pending(store, changes)
    if not dry_run:
        apply(store, todo)
    return tuple(todo)
