"""Two weeks of daily runs against a local arXiv that shows papers only once announced.

The story covers a weekend, the Thanksgiving holiday, a paper held in moderation, a day of
API lag, a missed run, a run that fails on arXiv errors, a paper revised after it was listed
and an old paper revised: every paper that matches a list is listed exactly once, on the
first good run that could see it, and nothing else is ever listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.schedule import announced_at, load_holidays
from tests.arxiv_server import ArxivServer, FeedEntry, status
from tests.files import snapshot

CONFIG = """\
title: Week test
timezone: UTC
lookback_days: 7
arxiv: {timeout: 5, retries: 2, backoff: 0, delay: 0, deadline: 60}
lists:
  - name: LLM Papers
    keywords: [LLM, Large Language Model, GPT]
    categories: [cs.CL, cs.AI, cs.LG]
  - name: Agents
    keywords: [agent*]
    exclude: [survey]
"""

HOLIDAYS = load_holidays()
RUN_TIME = timedelta(hours=6, minutes=17)
"""Runs happen at 06:17 UTC on their date, like the shipped schedule."""


@dataclass
class Paper:
    """A paper of the story and the lists an independent reading says it belongs on."""

    entry: FeedEntry
    lists: set[str] = field(default_factory=set)


def _paper(
    number: int,
    submitted: datetime,
    title: str,
    lists: set[str],
    *,
    summary: str = "We study a problem.",
    categories: tuple[str, ...] = ("cs.CL",),
    lag: timedelta = timedelta(hours=4, minutes=5),
) -> Paper:
    """A paper submitted at `submitted`, visible in the API `lag` after its announcement."""
    visible = announced_at(submitted, HOLIDAYS) + lag
    entry = FeedEntry(
        id=f"2611.{number:05d}",
        published=submitted,
        title=title,
        summary=summary,
        categories=list(categories),
        visible_after=visible,
    )
    return Paper(entry, lists)


def _story() -> list[Paper]:
    t = lambda d, h: datetime(2026, 11, d, h, 0, tzinfo=UTC)  # noqa: E731
    llm, agents = "llm-papers", "agents"
    return [
        # Announced Sunday 22nd 20:00 ET, in the API from Monday 01:00 UTC.
        _paper(1, t(20, 12), "Scaling LLMs to a million tokens", {llm}),
        _paper(2, t(20, 13), "Agentic planning with tools", {agents}, categories=("cs.AI",)),
        _paper(3, t(20, 14), "PXR150 and r1 measurements", set(), categories=("hep-ex",)),
        _paper(4, t(21, 9), "GPT-4o as a judge", {llm, agents}, summary="An agent grades."),
        # Monday 23rd submissions, announced Monday 20:00 ET.
        _paper(5, t(23, 10), "A survey of agents", set(), categories=("cs.AI",)),
        _paper(6, t(23, 11), "Benchmarking retrieval", set()),
        # Held in moderation: submitted Monday, shown only on Wednesday evening.
        _paper(7, t(23, 12), "Large Language Models for proofs", {llm}, lag=timedelta(days=2)),
        # Tuesday 24th: one paper reaches the API a day late.
        _paper(8, t(24, 15), "LLM agents in the wild", {llm, agents}, lag=timedelta(hours=28)),
        _paper(9, t(24, 16), "Protein folding", set(), categories=("q-bio.BM",)),
        # Wednesday 25th 13:00 UTC, before the 14:00 ET cut-off: Wednesday's announcement.
        _paper(10, t(25, 13), "Multi-agent debate", {agents}, categories=("cs.MA",)),
        # Thursday 26th is Thanksgiving: no announcement; Thursday-to-Friday go out Sunday.
        _paper(11, t(26, 12), "GPT for chemistry", {llm}, categories=("physics.chem-ph", "cs.LG")),
        _paper(12, t(27, 12), "Learning to rank", set(), categories=("cs.IR",)),
        _paper(13, t(28, 12), "Weekend LLM paper", {llm}),
        _paper(14, t(30, 12), "Agents that plan", {agents}, categories=("cs.RO",)),
    ]


RUNS: list[tuple[date, str]] = [
    (date(2026, 11, 23), "ok"),
    (date(2026, 11, 24), "ok"),
    (date(2026, 11, 25), "missed"),
    (date(2026, 11, 26), "ok"),
    (date(2026, 11, 27), "arxiv down"),
    (date(2026, 11, 28), "ok"),
    (date(2026, 11, 29), "ok"),
    (date(2026, 11, 30), "ok"),
    (date(2026, 12, 1), "ok"),
    (date(2026, 12, 2), "ok"),
]


def _run_time(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + RUN_TIME


def _listed(root: Path, slug: str) -> dict[str, list[str]]:
    """Paper id → the dates of every day file of the list that holds it."""
    seen: dict[str, list[str]] = {}
    for file in sorted((root / "lists" / slug).glob("*/*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        for paper in data["papers"]:
            seen.setdefault(paper["id"], []).append(data["date"])
    return seen


def _run(root: Path, day: date) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["run", "--config", str(root / "config.yml"), "--date", day.isoformat()]
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("revise_listed", [True])
def test_every_matching_paper_is_listed_exactly_once_on_its_first_good_day(
    arxiv_server: ArxivServer, tmp_path: Path, revise_listed: bool
) -> None:
    """Over two weeks of runs, each list gets exactly its papers, each once, on time."""
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    story = _story()
    old = FeedEntry(
        id="2401.00001",
        published=datetime(2024, 1, 2, 12, tzinfo=UTC),
        version=3,
        updated=datetime(2026, 11, 24, 12, tzinfo=UTC),
        title="An old LLM paper, revised this week",
    )
    arxiv_server.corpus = [paper.entry for paper in story] + [old]
    expected_day: dict[str, date] = {}
    good_runs = [day for day, kind in RUNS if kind == "ok"]
    for paper in story:
        visible = paper.entry.visible_after
        assert visible is not None
        first = next(d for d in good_runs if _run_time(d) >= visible)
        expected_day[paper.entry.id] = first

    requests_per_run: list[int] = []
    for day, kind in RUNS:
        if kind == "missed":
            continue
        arxiv_server.now = _run_time(day)
        if revise_listed and day == date(2026, 11, 26):
            # Paper 1, listed on the 23rd, is revised: version 2 must not be listed again.
            story[0].entry.version = 2
            story[0].entry.updated = datetime(2026, 11, 25, 9, tzinfo=UTC)
        before = snapshot(tmp_path)
        count = arxiv_server.request_count
        if kind == "arxiv down":
            arxiv_server.script(status(503), status(503), status(503))
            code, output = _run(tmp_path, day)
            assert code == 1, output
            assert "could not read arXiv at 127.0.0.1" in output
            assert snapshot(tmp_path) == before
            continue
        code, output = _run(tmp_path, day)
        assert code == 0, output
        requests_per_run.append(arxiv_server.request_count - count)
        # A second run of the same date changes nothing at all.
        after = snapshot(tmp_path)
        code, output = _run(tmp_path, day)
        assert code == 0, output
        assert snapshot(tmp_path) == after

    assert requests_per_run == [1] * len(requests_per_run)
    for slug in ("llm-papers", "agents"):
        listed = _listed(tmp_path, slug)
        wanted = {p.entry.id for p in story if slug in p.lists}
        assert set(listed) == wanted, slug
        assert {pid: dates for pid, dates in listed.items() if len(dates) != 1} == {}
        assert {pid: date.fromisoformat(d[0]) for pid, d in listed.items()} == {
            pid: expected_day[pid] for pid in wanted
        }


def test_quiet_days_write_nothing_and_say_why(arxiv_server: ArxivServer, tmp_path: Path) -> None:
    """A Saturday run in UTC finds nothing new, writes no file and explains the weekend."""
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    arxiv_server.corpus = []
    code, output = _run(tmp_path, date(2026, 11, 28))
    assert code == 0, output
    assert "No new papers today." in output
    assert "Saturday and Sunday lists in UTC are empty" in output
    assert snapshot(tmp_path) == {"config.yml": CONFIG.encode()}
