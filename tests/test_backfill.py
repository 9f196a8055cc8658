"""`arxiv-bot backfill`: a month of lists built offline against the local arXiv.

The corpus covers November 2026 and the days around it: weekends, and Thanksgiving (Thursday
26th, no announcement). Every paper must land on the list date of the announcement that carried
it, each once, never beside what the lists already hold; the requests must stay within 10% of
the fewest arXiv's limits allow; an interrupted back-fill must resume to exactly the files an
uninterrupted one writes; and with publishing, every batch of days is one commit.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

import bot.backfill
import bot.cli
from bot.backfill import BATCH_DAYS, DayStream, add_span, commit_message
from bot.cli import main
from bot.clock import FakeClock
from bot.models import Paper
from bot.schedule import list_date_of, load_holidays, submissions_listed
from bot.source import ArxivSource
from bot.store import Change, Store
from tests.arxiv_server import ArxivServer, FeedEntry, normal, status
from tests.files import snapshot
from tests.github_server import GithubServer

CONFIG = """\
timezone: UTC
arxiv: {timeout: 5, retries: 0, backoff: 0, delay: 0}
lists:
  - name: LLM Papers
    keywords: [LLM]
    categories: [cs.CL, cs.LG]
  - name: Agents
    keywords: [agent*]
    categories: [cs.AI]
"""

SINCE, UNTIL = "2026-11-02", "2026-11-30"
HOLIDAYS = load_holidays()
ZONE = ZoneInfo("UTC")
TITLES = ("LLM scaling laws", "Agentic tool use", "Protein folding", "LLM agents", "Graph cuts")
CATEGORIES = ("cs.CL", "cs.AI", "cs.LG", "q-bio.BM")


@pytest.fixture(autouse=True)
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Today is 2026-12-05 for every back-fill; nothing ever really waits."""
    clock = FakeClock(start=datetime(2026, 12, 5, 12, tzinfo=UTC))
    monkeypatch.setattr(bot.cli, "CLOCK", clock)
    return clock


def _corpus(every: timedelta = timedelta(minutes=47)) -> list[FeedEntry]:
    """Papers submitted every `every` from late October to early December."""
    entries: list[FeedEntry] = []
    moment = datetime(2026, 10, 26, 0, 3, tzinfo=UTC)
    number = 0
    while moment < datetime(2026, 12, 3, tzinfo=UTC):
        number += 1
        entries.append(
            FeedEntry(
                id=f"2611.{number:05d}",
                published=moment,
                title=f"{TITLES[number % len(TITLES)]} {number}",
                summary="An abstract.",
                categories=[CATEGORIES[number % len(CATEGORIES)]],
            )
        )
        moment += every
    return entries


DENSE = _corpus(timedelta(minutes=7))
"""A paper every 7 minutes: about 4,500 results in the span, three pages."""


def _on(entry: FeedEntry, slug: str) -> bool:
    """An independent reading of the config's rules for the corpus's titles and categories."""
    title, category = entry.title, entry.categories[0]
    if slug == "llm-papers":
        return title.startswith("LLM") and category in {"cs.CL", "cs.LG"}
    return "gent" in title and category == "cs.AI"


def _expected(corpus: Sequence[FeedEntry], slug: str) -> dict[str, date]:
    """Paper id → its list date, for the corpus papers on the list announced within the span."""
    first, last = date.fromisoformat(SINCE), date.fromisoformat(UNTIL)
    out: dict[str, date] = {}
    for entry in corpus:
        day = list_date_of(entry.published, ZONE, HOLIDAYS)
        if _on(entry, slug) and first <= day <= last:
            out[entry.id] = day
    return out


def _setup(folder: Path, server: ArxivServer, corpus: list[FeedEntry] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    server.corpus = corpus if corpus is not None else _corpus()
    return folder / "config.yml"


def _backfill(config: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["backfill", "--config", str(config), "--since", SINCE, "--until", UNTIL, *extra]
    )
    return result.exit_code, result.output


def _listed(root: Path, slug: str) -> dict[str, list[date]]:
    """Paper id → the dates of every day file of the list holding it."""
    seen: dict[str, list[date]] = {}
    for file in sorted((root / "lists" / slug).glob("*/????-??-??.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        for paper in data["papers"]:
            seen.setdefault(paper["id"], []).append(date.fromisoformat(data["date"]))
    return seen


# --- the calendar -------------------------------------------------------------------------------


def test_papers_are_dated_by_the_announcement_that_carries_them() -> None:
    """Hand-checked list dates in UTC: either side of the 14:00 ET deadline, weekend, holiday."""

    def on(*moment: int) -> date:
        return list_date_of(datetime(*moment, tzinfo=UTC), ZONE, HOLIDAYS)

    assert on(2026, 11, 25, 18, 0) == date(2026, 11, 26)  # Wed 13:00 ET: Wednesday evening
    assert on(2026, 11, 25, 20, 0) == date(2026, 11, 30)  # Wed 15:00 ET: Thanksgiving, so Sunday
    assert on(2026, 11, 20, 16, 0) == date(2026, 11, 23)  # Fri 11:00 ET: Sunday evening
    assert on(2026, 11, 21, 12, 0) == date(2026, 11, 24)  # Saturday: Monday evening


def test_the_submission_window_of_a_span_is_bounded_by_deadlines() -> None:
    """A span's submissions run from the deadline feeding its first list date to the one
    feeding the day after its last: here Thu 19 and Fri 27 November, 14:00 ET (19:00 UTC)."""
    start, end = submissions_listed(date(2026, 11, 23), date(2026, 11, 30), ZONE, HOLIDAYS)
    assert (start, end) == (
        datetime(2026, 11, 19, 19, tzinfo=UTC),
        datetime(2026, 11, 27, 19, tzinfo=UTC),
    )


def test_a_date_is_complete_once_the_stream_passes_below_it() -> None:
    """Papers newest first: each date comes out when an earlier one arrives, the rest at the end,
    the highest version of an id kept, papers outside the span ignored."""

    def paper(day: int, paper_id: str, version: int = 1) -> Paper:
        moment = datetime(2026, 11, day, 12, tzinfo=UTC)
        return Paper(paper_id, version, "t", (), "a", "cs.CL", ("cs.CL",), moment, moment)

    stream = DayStream(date(2026, 11, 2), date(2026, 11, 5), lambda p: p.published.date())
    assert stream.add(paper(9, "out")) == []
    assert stream.add(paper(5, "a")) == []
    assert stream.add(paper(5, "a", 2)) == []
    done = stream.add(paper(3, "b"))
    assert [(day, [(p.id, p.version) for p in papers]) for day, papers in done] == [
        (date(2026, 11, 5), [("a", 2)]),
        (date(2026, 11, 4), []),
    ]
    assert [day for day, _ in stream.finish()] == [date(2026, 11, 3), date(2026, 11, 2)]


def test_spans_of_built_dates_merge_when_they_touch() -> None:
    """Adjacent and overlapping spans become one; a gap keeps two."""
    d = lambda day: date(2026, 11, day)  # noqa: E731
    assert add_span([(d(10), d(15))], (d(16), d(20))) == [(d(10), d(20))]
    assert add_span([(d(10), d(15))], (d(12), d(13))) == [(d(10), d(15))]
    assert add_span([(d(10), d(15))], (d(1), d(3))) == [(d(1), d(3)), (d(10), d(15))]


def test_a_commit_message_names_the_span_and_counts_per_list() -> None:
    """The message says which dates the commit back-fills and how many papers each list got."""
    message = commit_message(date(2026, 11, 2), date(2026, 11, 8), {"LLM Papers": 3, "Agents": 0})
    assert (
        message
        == "Back-fill arXiv lists for 2026-11-02 to 2026-11-08: 3 papers\n\n- LLM Papers: 3\n"
    )


# --- a month --------------------------------------------------------------------------------------


def test_a_month_lists_each_paper_once_on_the_date_arxiv_announced_it(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """Every matching paper announced within the span is on its list, on its date, once;
    weekends and Thanksgiving get no file; the summary says what it cost."""
    corpus = _corpus()
    config = _setup(tmp_path, arxiv_server, corpus)
    code, output = _backfill(config)
    assert code == 0, output
    for slug in ("llm-papers", "agents"):
        listed = _listed(tmp_path, slug)
        assert {pid: dates for pid, dates in listed.items() if len(dates) != 1} == {}
        assert {pid: dates[0] for pid, dates in listed.items()} == _expected(corpus, slug)
    days = {p.stem for p in (tmp_path / "lists" / "llm-papers" / "2026").glob("????-??-??.json")}
    assert len(days) == 20  # the 21 weekdays of November 2 to 30 but Thanksgiving evening's
    for quiet in ("2026-11-07", "2026-11-08", "2026-11-27", "2026-11-28", "2026-11-29"):
        assert quiet not in days
    assert "arxiv-bot backfill for 2026-11-02 to 2026-11-30: 20 list dates built" in output
    assert "in 1 request (the fewest arXiv's limits allow: 1)" in output
    index = (tmp_path / "lists" / "llm-papers" / "2026" / "ids.txt").read_text(encoding="utf-8")
    assert index.count(".json ") == 20
    record = json.loads((tmp_path / "lists" / ".backfill.json").read_text(encoding="utf-8"))
    assert record == {
        "built": {"agents": ["2026-11-02/2026-11-30"], "llm-papers": ["2026-11-02/2026-11-30"]}
    }
    state = json.loads((tmp_path / "lists" / ".state.json").read_text(encoding="utf-8"))
    assert state == {"date": "2026-11-30", "window_start": "2026-11-24T00:00:00Z"}


def test_days_the_lists_hold_are_kept_and_their_papers_never_listed_again(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """A daily run's day stays byte for byte; what it lists (some of it announced on earlier
    dates) appears on no other day; the run state never moves back."""
    config = _setup(tmp_path, arxiv_server)
    run = CliRunner().invoke(main, ["run", "--config", str(config), "--date", "2026-12-04"])
    assert run.exit_code == 0, run.output
    daily = CliRunner().invoke(main, ["run", "--config", str(config), "--date", "2026-11-18"])
    assert daily.exit_code == 0, daily.output
    kept = (tmp_path / "lists" / "llm-papers" / "2026" / "2026-11-18.json").read_bytes()
    on_the_18th = set(_listed(tmp_path, "llm-papers"))
    state = (tmp_path / "lists" / ".state.json").read_bytes()
    code, output = _backfill(config)
    assert code == 0, output
    assert (tmp_path / "lists" / "llm-papers" / "2026" / "2026-11-18.json").read_bytes() == kept
    listed = _listed(tmp_path, "llm-papers")
    assert {pid: dates for pid, dates in listed.items() if len(dates) != 1} == {}
    assert on_the_18th <= set(listed)
    assert (tmp_path / "lists" / ".state.json").read_bytes() == state


def test_requests_stay_within_ten_percent_of_the_fewest_the_limits_allow(
    reference: Reference,
) -> None:
    """With several pages of results, the back-fill asks exactly one query chain of full pages:
    ceil(results / 2000) requests, counted by the server."""
    minimum = math.ceil(reference.results / 2000)
    assert minimum >= 3
    assert reference.requests <= minimum * 1.1
    assert reference.max_results == {2000}
    assert f"the fewest arXiv's limits allow: {minimum})" in reference.output


def test_a_query_past_what_arxiv_serves_is_continued_to_the_same_files_in_as_many_requests(
    arxiv_server: ArxivServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reference: Reference,
) -> None:
    """With arXiv serving 2,000 results of a query (30,000 at arXiv; lowered to stay fast), the
    dense month's query is continued twice, each time up to the oldest paper received: full
    pages, none past what is served, the reference's requests and exactly its files."""
    monkeypatch.setattr(bot.cli, "ArxivSource", functools.partial(ArxivSource, query_limit=2000))
    arxiv_server.query_limit = 2000
    folder = tmp_path / "limited"
    code, output = _backfill(_setup(folder, arxiv_server, DENSE))
    assert code == 0, output
    requests = arxiv_server.requests
    assert [(r.start, r.max_results) for r in requests] == [(0, 2000)] * 3
    ranges = [r.date_range for r in requests]
    assert ranges[0] is not None and ranges[1] is not None and ranges[2] is not None
    assert ranges[0][0] == ranges[1][0] == ranges[2][0]
    assert ranges[0][1] > ranges[1][1] > ranges[2][1]
    assert len(requests) == reference.requests == math.ceil(reference.results / 2000)
    assert "in 3 requests (the fewest arXiv's limits allow: 3)" in output
    assert snapshot(folder) == reference.files


def test_a_finished_backfill_asks_nothing_and_changes_nothing_when_run_again(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """The record of built dates covers the days without papers too: no request, no file."""
    config = _setup(tmp_path, arxiv_server)
    assert _backfill(config)[0] == 0
    before, count = snapshot(tmp_path), arxiv_server.request_count
    code, output = _backfill(config)
    assert code == 0, output
    assert arxiv_server.request_count == count
    assert snapshot(tmp_path) == before
    assert "Nothing to back-fill from 2026-11-02 to 2026-11-30" in output


# --- interrupted and resumed ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """An uninterrupted back-fill of the dense corpus: its files, requests and output."""

    files: dict[str, bytes]
    requests: int
    results: int
    max_results: frozenset[int]
    output: str


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    """Run once for the tests that compare with it (a back-fill of 4,500 results takes a while)."""
    folder = tmp_path_factory.mktemp("reference")
    saved = bot.cli.CLOCK, os.environ.get("ARXIV_API_URL"), os.environ.get("NO_PROXY")
    bot.cli.CLOCK = FakeClock(start=datetime(2026, 12, 5, 12, tzinfo=UTC))
    with ArxivServer() as server:
        os.environ.update(ARXIV_API_URL=server.url, NO_PROXY="127.0.0.1")
        try:
            code, output = _backfill(_setup(folder, server, DENSE))
            assert code == 0, output
            yield Reference(
                files=snapshot(folder),
                requests=server.request_count,
                results=server.corpus_feed(server.requests[0]).total_results,
                max_results=frozenset(r.max_results for r in server.requests),
                output=output,
            )
        finally:
            bot.cli.CLOCK = saved[0]
            for name, value in (("ARXIV_API_URL", saved[1]), ("NO_PROXY", saved[2])):
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def test_a_backfill_stopped_by_arxiv_resumes_without_losing_or_repeating_work(
    arxiv_server: ArxivServer, tmp_path: Path, reference: Reference
) -> None:
    """arXiv fails on the third page: the batches done stay, the error says to run again, and
    the next back-fill asks only for the dates still missing and ends with the same files."""
    folder = tmp_path / "resumed"
    config = _setup(folder, arxiv_server, DENSE)
    start = arxiv_server.request_count
    arxiv_server.script(normal(), normal(), status(503))
    code, output = _backfill(config)
    assert code == 1, output
    assert "could not read arXiv" in output
    assert "run the same backfill again to go on" in output
    days = sorted(p.stem for p in (folder / "lists" / "llm-papers" / "2026").glob("*.json"))
    assert days and days[-1] == "2026-11-30"  # newest first: the latest dates are done
    interrupted = arxiv_server.request_count - start
    code, output = _backfill(config)
    assert code == 0, output
    resumed = arxiv_server.request_count - start - interrupted
    assert snapshot(folder) == reference.files
    # Nothing asked twice: the two runs together cost the uninterrupted one plus the failure.
    assert interrupted + resumed <= reference.requests + 1
    # The resumed fetch asks for submissions before the first run's last complete date only.
    last_request = arxiv_server.requests[-1].date_range
    first_run = arxiv_server.requests[start].date_range
    assert last_request is not None and first_run is not None
    assert last_request[1] < first_run[1]


def test_a_backfill_killed_while_writing_a_batch_resumes_to_the_same_files(
    arxiv_server: ArxivServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reference: Reference,
) -> None:
    """Killed half-way through writing its second batch (some day files written, no views,
    no record): the next back-fill keeps those day files, builds the rest, and ends with the
    files of an uninterrupted back-fill."""
    folder = tmp_path / "killed"
    config = _setup(folder, arxiv_server, DENSE)
    real_apply = bot.backfill.apply
    calls = 0

    def dying_apply(store: Store, changes: Sequence[Change]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            real_apply(store, changes[:3])
            raise KeyboardInterrupt
        real_apply(store, changes)

    monkeypatch.setattr(bot.backfill, "apply", dying_apply)
    code, output = _backfill(config)
    assert code == 1
    assert "interrupted" in output
    monkeypatch.setattr(bot.backfill, "apply", real_apply)
    code, output = _backfill(config)
    assert code == 0, output
    assert snapshot(folder) == reference.files


# --- publishing -----------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    who = ("-c", "user.name=Ada", "-c", "user.email=ada@example.com")
    result = subprocess.run(
        ["git", *who, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """A bare remote with one commit, and a clone of it to back-fill in."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("", encoding="utf-8")
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    _git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    _git(tmp_path, "clone", "--quiet", str(remote), str(work))
    (work / "config.yml").write_text(CONFIG, encoding="utf-8")
    _git(work, "add", "config.yml")
    _git(work, "commit", "--quiet", "-m", "Start")
    _git(work, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    yield remote, work


def test_publish_git_commits_each_batch_of_days_and_pushes_them(
    arxiv_server: ArxivServer, clone: tuple[Path, Path]
) -> None:
    """One commit per batch of at most BATCH_DAYS dates, pushed to the remote, which ends
    with exactly the files written; nothing is left uncommitted."""
    remote, work = clone
    arxiv_server.corpus = _corpus()
    code, output = _backfill(work / "config.yml", "--publish", "git")
    assert code == 0, output
    log = _git(remote, "log", "--format=%s", "main").splitlines()
    batches = [line for line in log if line.startswith("Back-fill arXiv lists for ")]
    assert len(batches) == len(log) - 1 >= 4
    for line in batches:
        dates = line.removeprefix("Back-fill arXiv lists for ").split(":")[0].split(" to ")
        span = date.fromisoformat(dates[-1]) - date.fromisoformat(dates[0])
        assert timedelta(0) <= span < timedelta(days=BATCH_DAYS)
    assert _git(work, "status", "--porcelain") == ""
    names = set(_git(remote, "ls-tree", "-r", "--name-only", "main").split())
    assert names == set(snapshot(work))
    assert f"in {len(batches)} commits." in output


def test_publish_github_chains_the_batch_commits_and_reports_to_actions(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch is one commit on the previous one; the branch ends with the files written;
    the step outputs give the papers, the last commit and the day pages."""
    arxiv_server.corpus = _corpus()
    work = tmp_path / "work"
    config = _setup(work, arxiv_server, _corpus())
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with GithubServer() as github:
        for name, value in github.environ().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("GITHUB_WORKSPACE", str(work))
        monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output.txt"))
        code, output = _backfill(config, "--publish", "github")
        assert code == 0, output
        history = github.history()
        assert history[-1] == github.base_sha
        commits = [github.commit(sha) for sha in history[:-1]]
        assert len(commits) >= 4
        assert all(c.message.startswith("Back-fill arXiv lists for ") for c in commits)
        files = github.files()
        for name, data in snapshot(work).items():
            if name != "config.yml":
                assert files[name] == data.decode("utf-8"), name
    values = (tmp_path / "output.txt").read_text(encoding="utf-8")
    papers = sum(len(_listed(work, slug)) for slug in ("llm-papers", "agents"))
    assert f"papers={papers}\n" in values
    assert f"commit-sha={history[0]}\n" in values
    assert "lists/llm-papers/2026/2026-11-30.md" in values


# --- usage ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--since", "2026-11-10", "--until", "2026-11-01"],
            "error: --since 2026-11-10 is after --until 2026-11-01\n"
            "  fix: give a --since on or before --until (which defaults to yesterday)\n",
        ),
        (
            ["--since", "2026-11-10", "--until", "2026-12-06"],
            "error: --until 2026-12-06 is in the future (today is 2026-12-05 in UTC)\n"
            "  fix: back-fill builds past days; `arxiv-bot run` builds today's list\n",
        ),
        (
            ["--since", "2026-12-05"],
            "error: --since 2026-12-05 is after --until 2026-12-04\n"
            "  fix: give a --since on or before --until (which defaults to yesterday)\n",
        ),
    ],
)
def test_a_span_that_cannot_be_back_filled_is_a_usage_error(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """Exit 2 with one message naming the dates and the fix; nothing written."""
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["backfill", "--config", str(tmp_path / "config.yml"), *args])
    assert result.exit_code == 2
    assert result.output == message
    assert not (tmp_path / "lists").exists()


def test_since_is_required_and_must_be_a_date(tmp_path: Path) -> None:
    """Click's usage errors: a missing --since, a --since that is not YYYY-MM-DD (exit 2)."""
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    config = str(tmp_path / "config.yml")
    missing = CliRunner().invoke(main, ["backfill", "--config", config])
    assert missing.exit_code == 2
    assert "Missing option '--since'" in missing.output
    wrong = CliRunner().invoke(main, ["backfill", "--config", config, "--since", "1/11/2026"])
    assert wrong.exit_code == 2
    assert "'1/11/2026' is not a date: use YYYY-MM-DD" in wrong.output


def test_the_progress_bar_counts_list_dates_and_is_off_without_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a terminal a bar on stderr follows the dates done; off one, nothing is drawn."""
    with bot.cli._progress(enabled=False) as progress:
        progress(1, 2)
    assert capsys.readouterr() == ("", "")
    with bot.cli._progress(enabled=True) as progress:
        for done in range(1, 4):
            progress(done, 3)
    assert capsys.readouterr().out == ""
