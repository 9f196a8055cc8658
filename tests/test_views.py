"""Which views a run rebuilds: only what its days change, and always the files `render` makes.

A weekly digest and a year archive show their own days and link the nearest week (year) before
and after them; a digest is "so far" while no later week has a day. So the first day of a new
week (year) rewrites the previous one's page too, while a later day of the same week (year), or
a re-run, leaves the other pages alone. Each run here ends with exactly the files
`arxiv-bot render` would write from the same JSON.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import views, weekly
from bot.cli import main
from bot.config import ListSettings
from bot.render import Renderer
from bot.store import Change
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.configs import LLM_LIST
from tests.files import snapshot

CONFIG = LLM_LIST

LISTS = Path("lists") / "llm-papers"


class Spy:
    """The digests and year archives each run rendered (a record, not a stand-in: the real
    functions run)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.weeks: list[str] = []
        self.years: list[int] = []
        real_weekly, real_lists = views.weekly_views, views.list_views

        def weekly_views(
            renderer: Renderer,
            settings: ListSettings,
            history: views.History,
            keys: Iterable[weekly.WeekKey],
        ) -> list[Change]:
            ordered = sorted(keys)
            self.weeks += [weekly.week_label(key) for key in ordered]
            return real_weekly(renderer, settings, history, ordered)

        def list_views(
            renderer: Renderer,
            settings: ListSettings,
            history: views.History,
            years: Collection[int] | None = None,
        ) -> list[Change]:
            changes = real_lists(renderer, settings, history, years)
            self.years += sorted(int(change.path.parent.name) for change in changes[1:])
            return changes

        monkeypatch.setattr(views, "weekly_views", weekly_views)
        monkeypatch.setattr(views, "list_views", list_views)

    def clear(self) -> None:
        self.weeks.clear()
        self.years.clear()


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    """Records the digests and year archives rendered while the test runs."""
    yield Spy(monkeypatch)


@pytest.fixture
def root(tmp_path: Path, arxiv_server: ArxivServer) -> Path:
    """A repository folder with the config and no lists yet."""
    folder = tmp_path / "repository"
    folder.mkdir()
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    arxiv_server.corpus = []
    return folder


def _paper(number: int, listed: date) -> FeedEntry:
    """A paper submitted the day before the list date it is meant for."""
    when = datetime.combine(listed - timedelta(days=1), time(12), UTC)
    return FeedEntry(id=f"2611.{number:05d}", published=when, title=f"LLM paper {number}")


def _run(root: Path, server: ArxivServer, day: date, number: int | None = None) -> str:
    """A run on `day` (a new paper for it when `number` is given); its output."""
    if number is not None:
        server.corpus = [*(server.corpus or ()), _paper(number, day)]
    args = ["run", "--config", str(root / "config.yml"), "--date", day.isoformat()]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def _assert_as_render_makes(root: Path, tmp_path: Path) -> None:
    """`render` from the same JSON writes exactly the files the runs left (none changes)."""
    copy = tmp_path / "rendered"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy)
    result = CliRunner().invoke(main, ["render", "--config", str(copy / "config.yml")])
    assert result.exit_code == 0, result.output
    assert snapshot(copy) == snapshot(root)


def test_a_new_week_rewrites_the_previous_digest_a_later_day_and_a_re_run_do_not(
    root: Path, arxiv_server: ArxivServer, spy: Spy, tmp_path: Path
) -> None:
    """Monday's run (the first day of week 48) ends week 47's "so far" and links it to week 48;
    Tuesday's run and a re-run of Tuesday render week 48 alone; render agrees after each."""
    _run(root, arxiv_server, date(2026, 11, 19), 1)
    _run(root, arxiv_server, date(2026, 11, 20), 2)
    assert spy.weeks == ["2026-W47", "2026-W47"]
    _assert_as_render_makes(root, tmp_path)

    spy.clear()
    output = _run(root, arxiv_server, date(2026, 11, 23), 3)
    assert spy.weeks == ["2026-W47", "2026-W48"]
    assert str(LISTS / "weekly" / "2026-W47.md") in output
    w47 = (root / LISTS / "weekly" / "2026-W47.md").read_text(encoding="utf-8")
    assert "so far" not in w47
    assert "[2026-W48 →](2026-W48.md)" in w47
    _assert_as_render_makes(root, tmp_path)

    spy.clear()
    before = snapshot(root)
    output = _run(root, arxiv_server, date(2026, 11, 24), 4)
    assert spy.weeks == ["2026-W48"]
    assert "2026-W47" not in output
    assert {name for name, data in snapshot(root).items() if before.get(name) != data} >= {
        str(LISTS / "weekly" / "2026-W48.md")
    }
    _assert_as_render_makes(root, tmp_path)

    spy.clear()
    before = snapshot(root)
    _run(root, arxiv_server, date(2026, 11, 24))
    assert spy.weeks == ["2026-W48"]
    assert snapshot(root) == before


def test_a_new_year_rewrites_the_previous_years_archive_a_later_day_does_not(
    root: Path, arxiv_server: ArxivServer, spy: Spy, tmp_path: Path
) -> None:
    """The first list of 2027 links the 2026 archive forward; the next day renders only 2027's;
    the last week of 2026 (2026-W53) gets its "next week" link once 2027-W01 starts."""
    _run(root, arxiv_server, date(2026, 12, 30), 1)
    assert spy.years == [2026]
    spy.clear()
    _run(root, arxiv_server, date(2027, 1, 4), 2)
    assert spy.years == [2026, 2027]
    assert spy.weeks == ["2026-W53", "2027-W01"]
    archive = (root / LISTS / "2026" / "README.md").read_text(encoding="utf-8")
    assert "[2027 →](../2027/README.md)" in archive
    _assert_as_render_makes(root, tmp_path)
    spy.clear()
    _run(root, arxiv_server, date(2027, 1, 5), 3)
    assert spy.years == [2027]
    assert spy.weeks == ["2027-W01"]
    _assert_as_render_makes(root, tmp_path)


def test_a_past_date_that_starts_a_week_between_two_rewrites_both_neighbours(
    root: Path, arxiv_server: ArxivServer, spy: Spy, tmp_path: Path
) -> None:
    """`run --date` of a week between two listed weeks links them to it, as render does."""
    _run(root, arxiv_server, date(2026, 11, 12), 1)
    _run(root, arxiv_server, date(2026, 11, 26), 2)
    spy.clear()
    _run(root, arxiv_server, date(2026, 11, 19), 3)
    assert spy.weeks == ["2026-W46", "2026-W47", "2026-W48"]
    _assert_as_render_makes(root, tmp_path)


def _kill_after(root: Path, before: dict[str, bytes], output: str, last: Path) -> None:
    """Leave the files as the run that printed `output` would have, killed right after it wrote
    `last`: every file it wrote after that one as it was `before` the run."""
    written = [line.strip() for line in output.splitlines() if line.startswith("  lists/")]
    written += ["README.md"] if "  README.md" in output.splitlines() else []
    for name in written[written.index(str(last)) + 1 :]:
        if name in before:
            (root / name).write_bytes(before[name])
        else:
            (root / name).unlink()


@pytest.mark.parametrize("next_run", ["the same date again", "the next date"])
def test_a_run_killed_before_the_previous_digest_is_repaired_by_the_next_run(
    root: Path, arxiv_server: ArxivServer, tmp_path: Path, next_run: str
) -> None:
    """Monday's run killed right after its day file (week 47 still says "so far", the run state
    is Friday's): the next run, of Monday or of Tuesday, rewrites week 47's digest."""
    _run(root, arxiv_server, date(2026, 11, 20), 1)
    friday = snapshot(root)
    output = _run(root, arxiv_server, date(2026, 11, 23), 2)
    _kill_after(root, friday, output, LISTS / "2026" / "ids.txt")
    assert "· so far" in (root / LISTS / "weekly" / "2026-W47.md").read_text(encoding="utf-8")
    state = json.loads((root / "lists/.state.json").read_text(encoding="utf-8"))
    assert state["date"] == "2026-11-20"
    if next_run == "the same date again":
        _run(root, arxiv_server, date(2026, 11, 23))
    else:
        _run(root, arxiv_server, date(2026, 11, 24), 3)
    w47 = (root / LISTS / "weekly" / "2026-W47.md").read_text(encoding="utf-8")
    assert "so far" not in w47
    _assert_as_render_makes(root, tmp_path)


def test_a_past_date_killed_between_two_digests_is_repaired_by_running_it_again(
    root: Path, arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """A past date's run, its day page and week 47's digest written but killed before week
    48's (which does not link week 47 yet): running that date again rewrites week 48's digest,
    though its day was there before and is older than the run state's."""
    _run(root, arxiv_server, date(2026, 11, 12), 1)
    _run(root, arxiv_server, date(2026, 11, 26), 2)
    before = snapshot(root)
    output = _run(root, arxiv_server, date(2026, 11, 19), 3)
    _kill_after(root, before, output, LISTS / "weekly" / "2026-W47.md")
    w48 = root / LISTS / "weekly" / "2026-W48.md"
    assert "2026-W47.md" not in w48.read_text(encoding="utf-8")
    _run(root, arxiv_server, date(2026, 11, 19))
    assert "2026-W47.md" in w48.read_text(encoding="utf-8")
    _assert_as_render_makes(root, tmp_path)
