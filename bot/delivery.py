"""After a run has written its files: publish them, tell the watchers, report to Actions.

`publish` turns the run's changes into one commit (`none` | `git` | `github`), `notify` posts
the digest comment, and both failures are typed: a refused publish is a PublishError (exit 1,
the branch as it was); a failed notification is only a warning, since the lists are in.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from github import Auth, Github

from bot import layout
from bot.actions import warning_annotation
from bot.clock import Clock
from bot.config import Config
from bot.git_publish import GitPublisher
from bot.github_publish import DEFAULT_API_URL, GithubSettings, from_environment
from bot.models import DayList
from bot.notify import Notifier, digest_comment, notify_or_warn
from bot.publish import Publication, Published, commit_message, under
from bot.render import extract_section
from bot.runner import RunReport
from bot.store import Change, Store

PublishMode = Literal["none", "git", "github"]
PUBLISH_MODES: tuple[PublishMode, ...] = ("none", "git", "github")


@dataclass(frozen=True, slots=True)
class Place:
    """Where the run's files sit: the config folder inside the repository."""

    repo_root: Path
    prefix: PurePosixPath
    """The config folder relative to the repository root (`.` when they are the same)."""


def place(config_root: Path, environ: Mapping[str, str]) -> Place:
    """The repository around the config folder: $GITHUB_WORKSPACE, git's top level, or itself."""
    candidates: list[Path] = []
    if environ.get("GITHUB_WORKSPACE"):
        candidates.append(Path(environ["GITHUB_WORKSPACE"]).resolve())
    try:
        top = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            ["git", "-C", str(config_root), "rev-parse", "--show-toplevel"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        candidates.append(Path(top).resolve())
    except (OSError, subprocess.SubprocessError):
        pass
    for root in candidates:
        if config_root == root or root in config_root.parents:
            return Place(root, PurePosixPath(config_root.relative_to(root).as_posix()))
    return Place(config_root, PurePosixPath("."))


def publication(report: RunReport, where: Place, *, message: str | None = None) -> Publication:
    """The run's changes as one commit, paths from the repository root (`message`: the commit
    message, when not the daily one)."""
    counts = {outcome.name: outcome.new for outcome in report.lists if outcome.new}
    readme = next((c for c in report.changes if c.path == layout.README), None)
    section = extract_section(readme.text) if readme is not None and readme.text else None
    return Publication(
        changes=under(where.prefix, report.changes),
        message=message or commit_message(report.run_date, counts),
        readme=under(where.prefix, (readme,))[0].path if readme is not None else None,
        section=section,
    )


def with_unpublished(
    work: Publication,
    report: RunReport,
    left: Mapping[PurePosixPath, tuple[str | None, str | None]],
    *,
    readme: PurePosixPath,
) -> Publication:
    """`work` plus the files an earlier run left unpublished (`{path: (text here, text on the
    branch)}`): the repository's `readme` only when its bot section differs (the rest is the
    user's); the commit message counts the papers of those day files the branch lacks."""
    ours = {change.path for change in work.changes}
    counts = {outcome.name: outcome.new for outcome in report.lists if outcome.new}
    extra: list[Change] = []
    section = work.section
    for path, (here, there) in sorted(left.items()):
        if path in ours or (path == readme and _sections_equal(here, there)):
            continue
        extra.append(Change(path, here))
        if path == readme and here is not None:
            section = extract_section(here)
        name, fresh = _new_papers(here, there)
        if fresh:
            counts[name] = counts.get(name, 0) + fresh
    if not extra:
        return work
    return replace(
        work,
        changes=work.changes + tuple(extra),
        message=work.message if report.new_papers else commit_message(report.run_date, counts),
        readme=readme if section is not None else work.readme,
        section=section,
    )


def _sections_equal(here: str | None, there: str | None) -> bool:
    if here is None or there is None:
        return here == there
    return extract_section(here) == extract_section(there)


def _new_papers(here: str | None, there: str | None) -> tuple[str, int]:
    """The list name of a day file and how many of its papers the other version lacks."""

    def ids(text: str | None) -> tuple[str, set[str]]:
        try:
            data = json.loads(text or "")
        except ValueError:
            return "", set()
        if not isinstance(data, dict) or not isinstance(data.get("papers"), list):
            return "", set()
        name = data.get("name") or data.get("list") or ""
        found = {p.get("id") for p in data["papers"] if isinstance(p, dict)}
        return str(name), {i for i in found if isinstance(i, str)}

    name, ours = ids(here)
    return name, len(ours - ids(there)[1])


def publish(
    mode: PublishMode,
    report: RunReport,
    where: Place,
    *,
    config: Config,
    environ: Mapping[str, str],
    clock: Clock,
    message: str | None = None,
) -> Published:
    """Commit the run's files as `mode` says; nothing to commit → Published(None).

    With git, files a failed or killed earlier run left unpublished in the working tree go
    into the commit too (a fresh checkout, as in Actions, has none).
    """
    if mode == "none" or report.dry_run:
        return Published(None, 0)
    if mode == "git":
        publisher = GitPublisher(where.repo_root)
        owned = (Change(layout.LISTS, None), Change(layout.README, None))
        lists, readme = under(where.prefix, owned)
        left = publisher.unpublished([lists.path, readme.path])
        work = publication(report, where, message=message)
        work = with_unpublished(work, report, left, readme=readme.path)
        return publisher.publish(work)
    if not report.changes:
        return Published(None, 0)
    work = publication(report, where, message=message)
    settings = GithubSettings(
        retries=config.github.retries,
        backoff=config.github.backoff,
        deadline=config.github.deadline,
    )
    return from_environment(environ, clock=clock, settings=settings).publish(work)


def notify(
    report: RunReport,
    config: Config,
    store: Store,
    *,
    environ: Mapping[str, str],
    clock: Clock,
) -> str | None:
    """Post the digest comment when lists got new papers; a warning line when it failed."""
    if report.dry_run or report.new_papers == 0:
        return None
    days: list[DayList] = []
    for outcome in report.lists:
        day = store.load_day(outcome.slug, report.run_date) if outcome.new else None
        if day is not None:
            days.append(day)
    repository = config.repository or environ.get("GITHUB_REPOSITORY") or None
    body = digest_comment(days, repository=repository, branch=config.branch)
    token = environ.get("GITHUB_TOKEN", "")
    if not (token and repository):
        return warning_annotation(
            "--notify needs GITHUB_TOKEN and GITHUB_REPOSITORY (set by GitHub Actions); "
            "no digest was posted.",
            "arXiv digest not posted",
        )
    client = Github(
        auth=Auth.Token(token),
        base_url=environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    notifier = Notifier(
        client,
        repository,
        clock=clock,
        retries=config.github.retries,
        backoff=config.github.backoff,
    )
    try:
        return notify_or_warn(notifier, body)
    finally:
        client.close()
