"""The rules both publish modes share: re-rooting paths, commit messages, races."""

from __future__ import annotations

import json
from datetime import date
from pathlib import PurePosixPath

import pytest

from bot.errors import PublishError
from bot.publish import Publication, commit_message, resolve_race, under
from bot.store import Change

P = PurePosixPath
SECTION = "<!-- arxiv-bot:start -->\n## Ours\n<!-- arxiv-bot:end -->"


def _state(day: str) -> str:
    return json.dumps({"date": day, "window_start": "2026-11-13T00:00:00Z"})


def _publication(*changes: Change) -> Publication:
    return Publication(changes, "msg", readme=P("README.md"), section=SECTION)


def test_under_reroots_paths_at_the_repository() -> None:
    """Paths relative to the config folder gain the folder's prefix; '.' keeps them."""
    changes = (Change(P("lists/a.md"), "x"),)
    assert under(P("."), changes) == changes
    assert under(P("sub"), changes) == (Change(P("sub/lists/a.md"), "x"),)


def test_commit_message_counts_new_papers_per_list() -> None:
    """The message names the date and total, then one line per list."""
    assert commit_message(date(2026, 11, 20), {"LLM Papers": 12, "Agents": 1}) == (
        "arXiv lists for 2026-11-20: 13 new papers\n\n- LLM Papers: 12\n- Agents: 1\n"
    )
    assert commit_message(date(2026, 11, 20), {"A": 1}) == (
        "arXiv lists for 2026-11-20: 1 new paper\n\n- A: 1\n"
    )


def test_files_unchanged_upstream_are_committed_as_made() -> None:
    """With nothing of ours changed upstream, the publication is the same."""
    publication = _publication(Change(P("lists/a/2026/2026-11-20.md"), "page"))
    assert resolve_race(publication, {}) == publication


def test_a_day_json_changed_upstream_means_two_runs_raced() -> None:
    """Our day JSON changed on the branch: stop with a clear error."""
    path = P("lists/a/2026/2026-11-20.json")
    with pytest.raises(PublishError) as caught:
        resolve_race(_publication(Change(path, "{}")), {path: "{ }"})
    assert caught.value.message == (
        "lists/a/2026/2026-11-20.json changed on the branch while this run was working: "
        "two runs wrote the same day"
    )


def test_the_readme_section_is_reapplied_to_the_upstream_readme() -> None:
    """Someone edited the README meanwhile: their text stays, our section goes in."""
    upstream = "# Mine\n\nnew text\n\n<!-- arxiv-bot:start -->\nold\n<!-- arxiv-bot:end -->\n"
    publication = _publication(Change(P("README.md"), "stale"))
    resolved = resolve_race(publication, {P("README.md"): upstream})
    assert resolved.changes == (Change(P("README.md"), f"# Mine\n\nnew text\n\n{SECTION}\n"),)


def test_the_later_run_state_wins() -> None:
    """Upstream state from a later date is kept; an earlier or equal one is replaced."""
    ours = Change(P("lists/.state.json"), _state("2026-11-20"))
    later = {P("lists/.state.json"): _state("2026-11-21")}
    earlier = {P("lists/.state.json"): _state("2026-11-19")}
    assert resolve_race(_publication(ours), later).changes == ()
    assert resolve_race(_publication(ours), earlier).changes == (ours,)


def test_other_views_changed_upstream_are_rebuilt_as_ours() -> None:
    """Views are derived from the JSON: ours replace whatever the branch holds."""
    page = Change(P("lists/a/README.md"), "ours")
    assert resolve_race(_publication(page), {P("lists/a/README.md"): "theirs"}).changes == (page,)
