"""The command line: `arxiv-bot run` and `arxiv-bot render`.

The one place where errors become messages and exit statuses: 0 success (also "no new papers"),
1 the run failed (arXiv unreachable after retries, a broken stored file), 2 a usage or config
error. A person never sees a traceback for their own mistake.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click

from bot import __version__
from bot.clock import Clock, SystemClock
from bot.config import Config, load_config
from bot.errors import EXIT_FAILED, BotError, ConfigError
from bot.render import Renderer, RenderOptions
from bot.runner import render_all, run
from bot.schedule import load_holidays, quiet_day_reason
from bot.source import ArxivSource, endpoint_from_env
from bot.store import Store
from bot.summary import console, render_summary, run_summary

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


def _guard(action: Callable[[], T]) -> T:
    """Run an action, turning the bot's errors into a message on stderr and an exit status."""
    try:
        return action()
    except BotError as error:
        console(stderr=True).print(f"error: {error}")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        console(stderr=True).print("interrupted: no file was left half-written")
        sys.exit(EXIT_FAILED)


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
def run_command(config_path: Path, run_date: date | None, dry_run: bool) -> None:
    """Fetch today's papers, match them to every list, and write the new lists."""

    def action() -> None:
        config = load_config(config_path)
        root = config_path.resolve().parent
        renderer = _renderer(config, root, config_path)
        day = run_date or CLOCK.now().astimezone(config.zone).date()
        source = ArxivSource(config.arxiv, endpoint=endpoint_from_env(os.environ), clock=CLOCK)
        report = run(config, Store(root), renderer, source.fetch, day, dry_run=dry_run)
        reason = None
        if report.new_papers == 0:
            reason = quiet_day_reason(day, config.zone, load_holidays(config.holidays))
        console().print(run_summary(report, quiet_reason=reason))

    _guard(action)


@main.command("render")
@config_option
def render_command(config_path: Path) -> None:
    """Rebuild every Markdown view from the stored JSON (after a template or config change)."""

    def action() -> None:
        config = load_config(config_path)
        root = config_path.resolve().parent
        changes = render_all(config, Store(root), _renderer(config, root, config_path))
        console().print(render_summary(changes, dry_run=False))

    _guard(action)
