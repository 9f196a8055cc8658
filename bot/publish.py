"""What a run hands to a publisher, and the rules for a branch that moved meanwhile.

Both publish modes (`git`: commit and push from the working tree; `github`: one commit made
through the Git Data API) publish a `Publication`: the run's changes, with paths relative to
the repository root. When the branch head is no longer the commit the working tree came from,
`resolve_race` decides what to commit on the new head (DESIGN: "Races, both publish modes").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePosixPath
from typing import Protocol

from bot.errors import PublishError
from bot.render import splice_readme
from bot.store import Change

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
"""The identity of commits the bot makes (GitHub's own Actions bot account)."""

_DAY_JSON = re.compile(r"(^|/)lists/[^/]+/\d{4}/\d{4}-\d{2}-\d{2}\.json$")
_STATE = re.compile(r"(^|/)lists/\.state\.json$")


@dataclass(frozen=True, slots=True)
class Publication:
    """The files of one run (paths from the repository root) and the commit message."""

    changes: tuple[Change, ...]
    message: str
    readme: PurePosixPath | None = None
    """The repository README whose bot section this run rebuilt, if any."""
    section: str | None = None
    """That section (markers included), to re-apply onto a README that changed upstream."""

    @property
    def empty(self) -> bool:
        return not self.changes


@dataclass(frozen=True, slots=True)
class Published:
    """The outcome: the new commit (None when there was nothing to commit)."""

    sha: str | None
    attempts: int = 1


class Publisher(Protocol):
    def publish(self, publication: Publication) -> Published:
        """Commit (and push) the publication as one commit on the branch, or raise."""
        ...


def under(prefix: PurePosixPath, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """Changes whose paths are relative to the config folder, re-rooted at the repository."""
    if str(prefix) in {"", "."}:
        return changes
    return tuple(replace(change, path=prefix / change.path) for change in changes)


def commit_message(run_date: date, counts: Mapping[str, int]) -> str:
    """`arXiv lists for 2026-11-20: 12 new papers` with one line per list below."""
    total = sum(counts.values())
    head = f"arXiv lists for {run_date.isoformat()}: {total} new paper{'s' if total != 1 else ''}"
    body = "\n".join(f"- {name}: {count}" for name, count in counts.items())
    return f"{head}\n\n{body}\n" if body else f"{head}\n"


def _state_date(text: str | None) -> str:
    if text is None:
        return ""
    try:
        value = json.loads(text).get("date", "")
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def resolve_race(
    publication: Publication, upstream: Mapping[PurePosixPath, str | None]
) -> Publication:
    """What to commit on a head that moved; `upstream` holds the files this run writes that
    changed upstream since the run's base commit, with their text at the new head.

    - a day JSON changed upstream: two runs raced for one day → PublishError (exit 1);
    - the README changed upstream: the bot's section is re-applied to the upstream text;
    - the run state: the later date wins (ours on a tie);
    - every other file (views rebuilt from the JSON) is committed as this run made it.
    """
    out: list[Change] = []
    for change in publication.changes:
        path = str(change.path)
        if change.path not in upstream:
            out.append(change)
        elif _DAY_JSON.search(path):
            raise PublishError(
                f"{path} changed on the branch while this run was working: "
                "two runs wrote the same day",
                "nothing was committed; run the workflow again once the other run has finished",
            )
        elif _STATE.search(path):
            theirs = upstream[change.path]
            if _state_date(change.text) >= _state_date(theirs):
                out.append(change)
        elif publication.section is not None and change.path == publication.readme:
            out.append(
                replace(change, text=splice_readme(upstream[change.path], publication.section))
            )
        else:
            out.append(change)
    return replace(publication, changes=tuple(out))
