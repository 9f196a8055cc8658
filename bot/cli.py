"""The command line: `arxiv-bot run`, `arxiv-bot backfill` and `arxiv-bot render`.

The one place where errors become messages and exit statuses: 0 success (also "no new papers"),
1 the run failed (arXiv unreachable after retries, a broken stored file), 2 a usage or config
error. A person never sees a traceback for their own mistake.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot import __version__, delivery
from bot.actions import (
    append_summary,
    error_annotation,
    group,
    in_actions,
    outputs,
    step_summary,
    write_outputs,
)
from bot.backfill import backfill
from bot.clock import Clock, SystemClock
from bot.config import Config, load_config
from bot.delivery import PUBLISH_MODES, PublishMode
from bot.errors import EXIT_FAILED, BotError, ConfigError, UsageError
from bot.render import Renderer, RenderOptions
from bot.runner import RunReport, render_all, run
from bot.schedule import load_holidays, quiet_day_reason
from bot.source import ArxivSource, endpoint_from_env
from bot.store import Store
from bot.summary import backfill_summary, console, render_summary, run_summary

T = TypeVar("T")

CLOCK: Clock = SystemClock()
"""The clock a run uses; tests swap it for a FakeClock."""


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-20"
        ) from None


def _group(title: str, enabled: bool) -> AbstractContextManager[None]:
    """A collapsible log group in GitHub Actions; nothing elsewhere."""
    return group(title, sys.stdout) if enabled else nullcontext()


def _guard(action: Callable[[], T], *, actions: bool = False) -> T:
    """Run an action, turning the bot's errors into a message on stderr and an exit status.

    In GitHub Actions the error is also an annotation (on the config line for config errors).
    """
    try:
        return action()
    except BotError as error:
        console(stderr=True).print(f"error: {error}")
        if actions:
            workspace = os.environ.get("GITHUB_WORKSPACE")
            annotation = error_annotation(error, workspace=Path(workspace) if workspace else None)
            print(annotation, flush=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        console(stderr=True).print("interrupted: no file was left half-written")
        sys.exit(EXIT_FAILED)


def _load(config_path: Path) -> tuple[Config, Path, Renderer]:
    """The config, the folder it lives in (the repository's files are beside it), and the
    renderer its `templates` setting asks for."""
    config = load_config(config_path)
    root = config_path.resolve().parent
    return config, root, _renderer(config, root, config_path)


def _renderer(config: Config, root: Path, config_path: Path) -> Renderer:
    template_dir = None
    if config.templates is not None:
        template_dir = (root / config.templates).resolve()
        if not template_dir.is_dir():
            raise ConfigError(
                f"the templates folder {str(template_dir)!r} does not exist",
                file=str(config_path),
                key="templates",
                fix="create it, or remove the key to use the shipped templates",
            )
    return Renderer(
        RenderOptions(
            title=config.title,
            abstracts=config.abstracts,
            max_authors=config.max_authors,
            template_dir=template_dir,
        )
    )


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("config.yml"),
    show_default=True,
    help="The config file; lists/ and README.md are written beside it.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arxiv-bot")
@click.option("-v", "--verbose", is_flag=True, help="Log each request and retry.")
def main(verbose: bool) -> None:
    """A daily arXiv awesome-list: new papers on your keywords, as Markdown lists."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


publish_option = click.option(
    "--publish",
    type=click.Choice(PUBLISH_MODES),
    default="none",
    show_default=True,
    help="none: write files only; git: commit and push from the working tree; "
    "github: one commit through the GitHub API (GITHUB_TOKEN, GITHUB_REPOSITORY).",
)


@main.command("run")
@config_option
@click.option(
    "--date",
    "run_date",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="The day the run pretends to happen on (default: today in the config's timezone).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@publish_option
@click.option(
    "--notify",
    is_flag=True,
    help="Post a digest comment on the repository's arxiv-digest issue when lists got new papers.",
)
def run_command(
    config_path: Path, run_date: date | None, dry_run: bool, publish: PublishMode, notify: bool
) -> None:
    """Fetch today's papers, match them to every list, and write the new lists."""
    environ = os.environ
    actions = in_actions(environ)

    def action() -> None:
        config, root, renderer = _load(config_path)
        day = run_date or CLOCK.now().astimezone(config.zone).date()
        source = ArxivSource(config.arxiv, endpoint=endpoint_from_env(environ), clock=CLOCK)
        store = Store(root)
        with _group("Fetch from arXiv, match, write the lists", actions):
            report = run(config, store, renderer, source.fetch, day, dry_run=dry_run)
        reason = None
        if report.new_papers == 0:
            reason = quiet_day_reason(day, config.zone, load_holidays(config.holidays))
        out = console()
        out.print(run_summary(report, quiet_reason=reason))
        where = delivery.place(root, environ)
        with _group(f"Publish ({publish})", actions and publish != "none"):
            published = delivery.publish(
                publish, report, where, config=config, environ=environ, clock=CLOCK
            )
        if published.sha:
            out.print(f"Committed {published.sha} on the branch.")
        if notify and (publish == "none" or published.sha):
            with _group("Post the digest comment", actions):
                warning = delivery.notify(report, config, store, environ=environ, clock=CLOCK)
            if warning:
                print(warning, flush=True)
        if actions:
            _report_to_actions(report, config, where, published.sha, reason)

    _guard(action, actions=actions)


def _report_to_actions(
    report: RunReport,
    config: Config,
    where: delivery.Place,
    sha: str | None,
    reason: str | None,
) -> None:
    """Step outputs and the job summary, in the files GitHub Actions names."""
    environ = os.environ
    if environ.get("GITHUB_OUTPUT"):
        write_outputs(Path(environ["GITHUB_OUTPUT"]), outputs(report, sha, prefix=where.prefix))
    if environ.get("GITHUB_STEP_SUMMARY"):
        summary = step_summary(
            report,
            commit_sha=sha,
            repository=config.repository or environ.get("GITHUB_REPOSITORY"),
            server_url=environ.get("GITHUB_SERVER_URL", "https://github.com"),
            quiet_reason=reason,
            branch=environ.get("GITHUB_REF_NAME") or config.branch,
            prefix=where.prefix,
        )
        append_summary(Path(environ["GITHUB_STEP_SUMMARY"]), summary)


@main.command("render")
@config_option
def render_command(config_path: Path) -> None:
    """Rebuild every Markdown view from the stored JSON (after a template or config change)."""

    def action() -> None:
        config, root, renderer = _load(config_path)
        changes = render_all(config, Store(root), renderer)
        console().print(render_summary(changes, dry_run=False))

    _guard(action)


@main.command("backfill")
@config_option
@click.option(
    "--since",
    required=True,
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="The first list date to build.",
)
@click.option(
    "--until",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="The last list date to build (default: yesterday in the config's timezone).",
)
@publish_option
def backfill_command(
    config_path: Path, since: date, until: date | None, publish: PublishMode
) -> None:
    """Build the lists of past days, as if the bot had run on each of them."""
    environ = os.environ
    actions = in_actions(environ)

    def action() -> None:
        config, root, renderer = _load(config_path)
        today = CLOCK.now().astimezone(config.zone).date()
        last = until or today - timedelta(days=1)
        _check_span(since, last, today, config)
        # arxiv.deadline bounds the fetch of every 30 days of the span.
        months = math.ceil(((last - since).days + 1) / 30)
        settings = config.arxiv.model_copy(update={"deadline": config.arxiv.deadline * months})
        source = ArxivSource(settings, endpoint=endpoint_from_env(environ), clock=CLOCK)
        where = delivery.place(root, environ)
        batch_environ = dict(environ)

        def publish_batch(report: RunReport, message: str) -> str | None:
            published = delivery.publish(
                publish,
                report,
                where,
                config=config,
                environ=batch_environ,
                clock=CLOCK,
                message=message,
            )
            if published.sha:
                # The next batch builds on this commit, not on the one the run started from.
                batch_environ["GITHUB_SHA"] = published.sha
            return published.sha

        with (
            _group("Back-fill from arXiv, match, write and commit", actions),
            _progress(enabled=not actions and sys.stderr.isatty()) as progress,
        ):
            report = backfill(
                config,
                Store(root),
                renderer,
                source.fetch,
                since=since,
                until=last,
                publish=publish_batch,
                progress=progress,
            )
        console().print(backfill_summary(report))
        if actions and environ.get("GITHUB_OUTPUT"):
            sha = report.commits[-1] if report.commits else None
            values = outputs(report.as_run(), sha, prefix=where.prefix)
            write_outputs(Path(environ["GITHUB_OUTPUT"]), values)

    _guard(action, actions=actions)


def _check_span(since: date, until: date, today: date, config: Config) -> None:
    if until > today:
        raise UsageError(
            f"--until {until.isoformat()} is in the future (today is {today.isoformat()} in "
            f"{config.timezone})",
            "back-fill builds past days; `arxiv-bot run` builds today's list",
        )
    if since > until:
        raise UsageError(
            f"--since {since.isoformat()} is after --until {until.isoformat()}",
            "give a --since on or before --until (which defaults to yesterday)",
        )


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (list dates done, time left), or nothing when not enabled."""
    if not enabled:
        yield lambda _done, _total: None
        return
    columns = (
        TextColumn("back-fill"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("list dates ·"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("back-fill", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
