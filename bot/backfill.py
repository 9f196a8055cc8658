"""`arxiv-bot backfill`: the lists of past days, built as if the bot had run on each of them.

1. **Plan.** The (list, date) pairs still to build in `[since, until]`: dates with an arXiv
   announcement (bot.schedule, holidays from the config) on which the list has no day file and
   that no earlier back-fill recorded as built. Days already written are kept as they are; a
   day without matching papers leaves no file, so `lists/.backfill.json` records the dates each
   list was back-filled for, and a repeated or resumed back-fill asks arXiv for nothing twice.
2. **Fetch.** One query chain for all lists with work left (bot.query.build_queries) over the
   submission times those dates' announcements carry (bot.schedule.submissions_listed): pages of
   2,000, paced, retried and continued past 30,000 results by bot.source, arriving newest first.
3. **Date.** Each paper goes to the list date, in the configured timezone, of the announcement
   that carried it (moderation holds cannot be known). A date is complete once the stream has
   passed below it; it is then built like a daily run's day (bot.runner.build_day: matched,
   de-duplicated against every other day of the list, ranked).
4. **Write.** Every `BATCH_DAYS` dates, in DESIGN's order: the day JSON, the id index, the views,
   the record of built dates, the run state (only ever forward); then, when publishing, one
   commit. A kill loses at most the batch in progress.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePosixPath
from typing import Protocol

from bot import index, layout, views
from bot.config import Config
from bot.errors import BotError, StoreError
from bot.heap import batch_collection
from bot.models import DayList, Paper, RunState, Window
from bot.query import build_queries
from bot.render import Renderer
from bot.runner import ListOutcome, RunReport, build_day
from bot.schedule import announcements_on, list_date_of, load_holidays, submissions_listed
from bot.source import FetchReport
from bot.store import Change, Store, apply, day_json, pending, state_json
from bot.window import end_of

BATCH_DAYS = 7
"""List dates per batch: the unit of writing, of committing, and of what a kill can lose."""

PAGE_SIZE = 2000
"""Results per request (arXiv's maximum), for the minimum number of requests."""

_DAY = timedelta(days=1)
_log = logging.getLogger(__name__)

Span = tuple[date, date]
"""Consecutive list dates, first and last included."""


class StreamingFetch(Protocol):
    """Asks arXiv the queries over the window, handing over each paper as it arrives."""

    def __call__(
        self, queries: Sequence[str], window: Window, *, on_paper: Callable[[Paper], None]
    ) -> FetchReport: ...


Publish = Callable[[RunReport, str], str | None]
"""Commits a batch (its report and commit message); the commit's sha, or None."""


# --- the record of built dates ----------------------------------------------------------------


def read_built(store: Store) -> dict[str, list[Span]]:
    """`lists/.backfill.json`: per list, the spans of list dates back-filled so far."""
    text = store.read_text(layout.BACKFILL)
    if text is None:
        return {}
    try:
        data = json.loads(text)
        built: dict[str, list[Span]] = {}
        for slug, spans in data["built"].items():
            pairs = (span.split("/") for span in spans)
            built[str(slug)] = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in pairs]
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise StoreError(
            f"{store.path(layout.BACKFILL)}: not a back-fill record ({error})",
            "delete it: the next back-fill then checks every date again (days that have a day "
            "file are kept as they are)",
        ) from error
    return built


def built_json(built: Mapping[str, Sequence[Span]]) -> str:
    """The text of `lists/.backfill.json`: per list, its spans as ISO 8601 intervals."""
    data = {
        "built": {
            slug: [f"{first.isoformat()}/{last.isoformat()}" for first, last in spans]
            for slug, spans in sorted(built.items())
        }
    }
    return json.dumps(data, indent=2) + "\n"


def add_span(spans: Iterable[Span], new: Span) -> list[Span]:
    """The spans with `new` added, overlapping or adjacent ones merged, oldest first."""
    merged: list[Span] = []
    for first, last in sorted([*spans, new]):
        if merged and first <= merged[-1][1] + _DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _covered(spans: Sequence[Span], day: date) -> bool:
    return any(first <= day <= last for first, last in spans)


# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """What a back-fill has left to do."""

    since: date
    until: date
    todo: Mapping[str, frozenset[date]]
    """Per list slug, the dates to build."""
    dates: frozenset[date]
    """The dates any list needs."""
    window: Window | None
    """The submission times to ask arXiv about (None: nothing to do)."""

    @property
    def first(self) -> date | None:
        return min(self.dates, default=None)

    @property
    def last(self) -> date | None:
        return max(self.dates, default=None)


def plan(
    config: Config,
    since: date,
    until: date,
    histories: Mapping[str, Mapping[date, DayList]],
    built: Mapping[str, Sequence[Span]],
) -> Plan:
    """The dates each list still needs in `[since, until]`, and the window that covers them."""
    holidays = load_holidays(config.holidays)
    zone = config.zone
    announced = [
        since + offset * _DAY
        for offset in range((until - since).days + 1)
        if announcements_on(since + offset * _DAY, zone, holidays)
    ]
    todo = {
        settings.slug: frozenset(
            day
            for day in announced
            if day not in histories[settings.slug]
            and not _covered(built.get(settings.slug, ()), day)
        )
        for settings in config.lists
    }
    dates = frozenset().union(*todo.values())
    window = None
    if dates:
        start, end = submissions_listed(min(dates), max(dates), zone, holidays)
        window = Window(start, end)
    return Plan(since, until, todo, dates, window)


# --- papers by list date ----------------------------------------------------------------------


class DayStream:
    """Papers arriving newest first, gathered by list date; a date is complete once a paper of
    an earlier date arrives (or the stream ends). Papers outside `[first, last]` are ignored."""

    def __init__(self, first: date, last: date, date_of: Callable[[Paper], date]) -> None:
        self.first = first
        self.last = last
        self.next = last
        """The newest date not complete yet."""
        self.late = 0
        """Papers that arrived for a date already complete (arXiv out of order): not listed."""
        self._date_of = date_of
        self._papers: dict[date, dict[str, Paper]] = {}

    def put(self, paper: Paper) -> None:
        """Keep a paper (the highest version of each id) without completing any date."""
        self._keep(paper, self._date_of(paper))

    def add(self, paper: Paper) -> list[tuple[date, tuple[Paper, ...]]]:
        """Keep a paper of the stream; the dates it completes, newest first, with their papers."""
        day = self._date_of(paper)
        done = self._complete_after(day) if self.first <= day < self.next else []
        self._keep(paper, day)
        return done

    def _keep(self, paper: Paper, day: date) -> None:
        if not self.first <= day <= self.last:
            return
        if day > self.next:
            self.late += 1
            _log.warning("arXiv sent %s after later dates were written: not listed", paper.id)
            return
        bucket = self._papers.setdefault(day, {})
        kept = bucket.get(paper.id)
        if kept is None or paper.version > kept.version:
            bucket[paper.id] = paper

    def finish(self) -> list[tuple[date, tuple[Paper, ...]]]:
        """The stream ended: every remaining date is complete."""
        return self._complete_after(self.first - _DAY)

    def _complete_after(self, day: date) -> list[tuple[date, tuple[Paper, ...]]]:
        done: list[tuple[date, tuple[Paper, ...]]] = []
        while self.next > day:
            papers = self._papers.pop(self.next, {})
            done.append((self.next, tuple(papers[key] for key in sorted(papers))))
            self.next -= _DAY
        return done


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListTotal:
    """What one list got from the back-fill."""

    slug: str
    name: str
    days: int
    """Day files written."""
    papers: int
    """Papers on them."""


@dataclass(frozen=True, slots=True)
class Batch:
    """List dates written together, and the commit that published them (None: none made)."""

    first: date
    last: date
    report: RunReport
    sha: str | None


@dataclass(frozen=True, slots=True)
class BackfillReport:
    """Everything a person (or the Actions glue) needs to know about a back-fill."""

    since: date
    until: date
    window: Window | None
    dates: int
    """List dates built (the others of the span were built before, or had no announcement)."""
    requests: int
    minimum: int
    """The fewest requests arXiv's limits allow: ceil(results / 2,000) per query, 1 at least."""
    results: int
    lists: tuple[ListTotal, ...]
    batches: tuple[Batch, ...]

    @property
    def papers(self) -> int:
        return sum(total.papers for total in self.lists)

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(change for batch in self.batches for change in batch.report.changes)

    @property
    def commits(self) -> tuple[str, ...]:
        return tuple(batch.sha for batch in self.batches if batch.sha)

    def as_run(self) -> RunReport:
        """The whole back-fill as one run's report (what the step outputs are made from)."""
        moment = datetime.combine(self.until, time(0), tzinfo=UTC)
        return RunReport(
            run_date=self.until,
            window=self.window or Window(moment, moment),
            capped=False,
            fetched=self.results,
            requests=self.requests,
            lists=tuple(
                ListOutcome(t.slug, t.name, t.papers, t.papers, t.papers) for t in self.lists
            ),
            changes=self.changes,
            dry_run=False,
        )


def commit_message(first: date, last: date, counts: Mapping[str, int]) -> str:
    """`Back-fill arXiv lists for 2026-10-05 to 2026-10-11: 42 papers`, one line per list."""
    total = sum(counts.values())
    span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    head = f"Back-fill arXiv lists for {span}: {total} paper{'s' if total != 1 else ''}"
    body = "\n".join(f"- {name}: {count}" for name, count in counts.items() if count)
    return f"{head}\n\n{body}\n" if body else f"{head}\n"


# --- writing batches --------------------------------------------------------------------------


class _Halt(Exception):  # noqa: N818 - carries an error out of the fetch's paper callback
    """Wraps an error raised while writing a batch inside the fetch, so that the fetch's own
    handlers (which turn network errors into FetchError) let it through unchanged."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class _Writer:
    """Builds complete dates, writes them a batch at a time, and commits the batches."""

    config: Config
    store: Store
    renderer: Renderer
    plan: Plan
    histories: Mapping[str, index.ListHistory]
    built: dict[str, list[Span]]
    publish: Publish
    progress: Callable[[int, int], None]
    state: RunState | None
    window: Window
    total_dates: int
    done_dates: int = 0
    dates: list[date] = field(default_factory=list)
    """Complete dates not written yet."""
    days: list[DayList] = field(default_factory=list)
    """Their days that have papers."""
    uncommitted: dict[PurePosixPath, Change] = field(default_factory=dict)
    """Written, not committed yet: a batch without papers waits for the next one with papers."""
    span: tuple[date, date] | None = None
    """The dates those uncommitted changes cover."""
    counts: dict[str, int] = field(default_factory=dict)
    """Papers per list slug in the uncommitted changes."""
    batches: list[Batch] = field(default_factory=list)
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)

    def complete(self, day: date, papers: Sequence[Paper]) -> None:
        """A date is complete: build its day for each list that needs it."""
        for settings in self.config.lists:
            if day in self.plan.todo[settings.slug]:
                history = self.histories[settings.slug]
                listed, _ = build_day(
                    settings, self.config.rules_for(settings), day, papers, history
                )
                if listed is not None:
                    history[day] = listed
                    self.days.append(listed)
        self.dates.append(day)
        if day in self.plan.dates:
            self.done_dates += 1
            self.progress(self.done_dates, self.total_dates)
        if len(self.dates) >= BATCH_DAYS:
            self.flush()

    def flush(self, *, final: bool = False) -> None:
        """Write the complete dates, then commit unless they had no papers (and it is not the
        end): the record of built dates alone waits for the next commit."""
        if self.dates:
            self._write()
        if self.uncommitted and (final or self.counts):
            self._commit()

    def _write(self) -> None:
        first, last = min(self.dates), max(self.dates)
        days = sorted(self.days, key=lambda day: (day.date, day.slug))
        self.dates.clear()
        self.days.clear()
        data = [Change(layout.day_json(day.slug, day.date), day_json(day)) for day in days]
        changed: dict[str, list[date]] = {}
        for day in days:
            changed.setdefault(day.slug, []).append(day.date)
            self.counts[day.slug] = self.counts.get(day.slug, 0) + len(day.entries)
            written, papers = self.totals.get(day.slug, (0, 0))
            self.totals[day.slug] = (written + 1, papers + len(day.entries))
        for settings in self.config.lists:
            done = (first, self.plan.until)
            self.built[settings.slug] = add_span(self.built.get(settings.slug, ()), done)
        changes = data + index.index_changes(self.histories, data)
        changes += views.all_views(self.store, self.renderer, self.config, self.histories, changed)
        changes.append(Change(layout.BACKFILL, built_json(self.built)))
        newest = days[-1].date if days else None
        if newest is not None and (self.state is None or newest > self.state.date):
            start = end_of(newest, self.config.zone) - timedelta(days=self.config.lookback_days)
            self.state = RunState(newest, start.astimezone(UTC))
            changes.append(Change(layout.STATE, state_json(self.state)))
        todo = pending(self.store, changes)
        apply(self.store, todo)
        for day, change in zip(days, data, strict=True):
            self.histories[day.slug].written(day.date, len((change.text or "").encode("utf-8")))
        for change in todo:
            self.uncommitted.pop(change.path, None)
            self.uncommitted[change.path] = change
        self.span = (first, self.span[1] if self.span else last)

    def _commit(self) -> None:
        assert self.span is not None  # set by every write
        first, last = self.span
        counts = self.counts
        report = RunReport(
            run_date=last,
            window=self.window,
            capped=False,
            fetched=0,
            requests=0,
            lists=tuple(
                ListOutcome(s.slug, s.name, counts.get(s.slug, 0), counts.get(s.slug, 0), 0)
                for s in self.config.lists
            ),
            changes=tuple(self.uncommitted.values()),
            dry_run=False,
        )
        named = {s.name: counts[s.slug] for s in self.config.lists if counts.get(s.slug)}
        sha = self.publish(report, commit_message(first, last, named))
        self.batches.append(Batch(first, last, report, sha))
        self.uncommitted, self.span, self.counts = {}, None, {}


@batch_collection()
def backfill(
    config: Config,
    store: Store,
    renderer: Renderer,
    fetch: StreamingFetch,
    *,
    since: date,
    until: date,
    publish: Publish | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BackfillReport:
    """Build every list's days from `since` to `until` that are not built yet, writing (and,
    through `publish`, committing) them in batches as the papers arrive."""
    histories = {s.slug: index.load_history(store, s.slug) for s in config.lists}
    built = read_built(store)
    planned = plan(config, since, until, histories, built)
    first, last, window = planned.first, planned.last, planned.window
    if first is None or last is None or window is None:
        return BackfillReport(since, until, None, 0, 0, 0, 0, _totals(config, {}), ())
    writer = _Writer(
        config=config,
        store=store,
        renderer=renderer,
        plan=planned,
        histories=histories,
        built=built,
        publish=publish or (lambda _report, _message: None),
        progress=progress or (lambda _done, _total: None),
        state=store.read_state(),
        window=window,
        total_dates=len(planned.dates),
    )
    holidays = load_holidays(config.holidays)
    zone = config.zone
    stream = DayStream(first, last, lambda paper: list_date_of(paper.published, zone, holidays))
    active = [s for s in config.lists if planned.todo[s.slug]]
    queries = build_queries([s.rules for s in active], window)

    def streamed(paper: Paper) -> None:
        try:
            for day, papers in stream.add(paper):
                writer.complete(day, papers)
        except Exception as error:
            raise _Halt(error) from error

    requests = minimum = results = 0
    try:
        try:
            for number, query in enumerate(queries, 1):
                # Only the last query's papers complete dates; earlier ones wait until then.
                last_query = number == len(queries)
                report = fetch([query], window, on_paper=streamed if last_query else stream.put)
                requests += report.requests
                results += report.total_results
                minimum += max(1, math.ceil(report.total_results / PAGE_SIZE))
            for day, papers in stream.finish():
                writer.complete(day, papers)
        except _Halt as halt:
            raise halt.error from None
    except BotError as error:
        if writer.batches or writer.uncommitted:
            again = "the dates written so far are kept: run the same backfill again to go on"
            error.fix = f"{error.fix}; {again}" if error.fix else again
        raise
    writer.flush(final=True)
    return BackfillReport(
        since=since,
        until=until,
        window=window,
        dates=writer.done_dates,
        requests=requests,
        minimum=minimum,
        results=results,
        lists=_totals(config, writer.totals),
        batches=tuple(writer.batches),
    )


def _totals(config: Config, totals: Mapping[str, tuple[int, int]]) -> tuple[ListTotal, ...]:
    return tuple(ListTotal(s.slug, s.name, *totals.get(s.slug, (0, 0))) for s in config.lists)
