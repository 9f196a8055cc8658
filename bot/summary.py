"""The one-screen summary of a run, for people (terminal) — built from a RunReport."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.backfill import BackfillReport
from bot.runner import RunReport
from bot.store import Change

_TIME = "%Y-%m-%d %H:%M UTC"


def _files(changes: Sequence[Change], dry_run: bool) -> list[Text]:
    if not changes:
        return [Text("No file changed.")]
    verb = "Would write" if dry_run else "Wrote"
    lines = [Text(f"{verb} {len(changes)} file{'s' if len(changes) != 1 else ''}:")]
    for change in changes:
        action = "remove" if change.text is None else "write"
        prefix = "  - " if action == "remove" else "  "
        lines.append(Text(f"{prefix}{change.path}"))
    return lines


def run_summary(report: RunReport, *, quiet_reason: str | None) -> RenderableType:
    """Papers fetched, matched and new per list, files written — or why nothing was."""
    window = report.window
    head = Text(
        f"arxiv-bot run for {report.run_date.isoformat()}: "
        f"{report.fetched} paper{'s' if report.fetched != 1 else ''} fetched in {report.requests} "
        f"request{'s' if report.requests != 1 else ''}, "
        f"window {window.start.strftime(_TIME)} → {window.end.strftime(_TIME)}"
    )
    parts: list[RenderableType] = [head]
    if report.capped:
        parts.append(
            Text(
                "The window was cut to max_lookback_days: papers older than that were not "
                "asked for; use `arxiv-bot backfill` to fill the gap."
            )
        )
    table = Table(box=None, pad_edge=False)
    table.add_column("list")
    table.add_column("matched", justify="right")
    table.add_column("new", justify="right")
    table.add_column("on the day's list", justify="right")
    for outcome in report.lists:
        table.add_row(
            Text(outcome.name), str(outcome.matched), str(outcome.new), str(outcome.listed)
        )
    parts.append(table)
    if report.new_papers == 0:
        reason = "No new papers today."
        if quiet_reason:
            reason += f" {quiet_reason}"
        parts.append(Text(reason))
    parts.extend(_files(report.changes, report.dry_run))
    return Group(*parts)


def backfill_summary(report: BackfillReport) -> RenderableType:
    """The dates built, what it cost at arXiv (against the fewest requests its limits allow),
    papers and day files per list, and the files and commits written."""
    span = f"{report.since.isoformat()} to {report.until.isoformat()}"
    if report.window is None:
        return Text(
            f"Nothing to back-fill from {span}: every list date was built before, or arXiv "
            "announced nothing on it."
        )
    window = report.window
    parts: list[RenderableType] = [
        Text(
            f"arxiv-bot backfill for {span}: {_plural(report.dates, 'list date')} built from "
            f"{_plural(report.results, 'result')} in {_plural(report.requests, 'request')} "
            f"(the fewest arXiv's limits allow: {report.minimum}), submissions "
            f"{window.start.strftime(_TIME)} → {window.end.strftime(_TIME)}"
        )
    ]
    table = Table(box=None, pad_edge=False)
    table.add_column("list")
    table.add_column("days written", justify="right")
    table.add_column("papers", justify="right")
    for total in report.lists:
        table.add_row(Text(total.name), str(total.days), str(total.papers))
    parts.append(table)
    files = len({change.path for change in report.changes})
    commits = len(report.commits)
    line = f"Wrote {_plural(files, 'file')}" if files else "No file changed"
    if commits:
        line += f" in {_plural(commits, 'commit')}"
    parts.append(Text(line + "."))
    return Group(*parts)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def render_summary(changes: Sequence[Change], *, dry_run: bool) -> RenderableType:
    """What `arxiv-bot render` rebuilt."""
    return Group(*_files(changes, dry_run))


def console(*, stderr: bool = False) -> Console:
    """A console that never reads markup from data and fits one screen."""
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=True)
