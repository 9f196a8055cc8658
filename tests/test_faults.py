"""The fault matrix: every fault arXiv or GitHub can throw at a run, through the real CLI.

Each case runs `arxiv-bot run` against the local arXiv (tests/arxiv_server.py) and, when it
publishes, the local GitHub (tests/github_server.py) or a local bare git remote. A case either
is ridden out (exit 0, files exactly as a run without the fault writes them) or fails cleanly
(exit 1, one message naming the cause and the fix, every file exactly as before — or, when
publishing failed, the branch exactly as before, and the next run publishes). Time is proved,
not waited for: every wait is taken on a FakeClock, and the sum of the waits is checked
against the bound computed from the config's values. docs/faults.md is the table of these
cases; the last test checks that every test it names exists.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import bot.cli
from bot.cli import main
from bot.clock import FakeClock
from bot.config import load_config
from bot.source import GIVE_UP_FIX, MAX_RETRY_AFTER
from tests.arxiv_server import (
    ArxivServer,
    FeedEntry,
    Scripted,
    empty_page,
    error_feed,
    hang,
    not_xml,
    reset,
    status,
    truncated,
)
from tests.files import snapshot
from tests.github_server import GithubServer

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """\
timezone: UTC
arxiv: {timeout: 0.2, retries: 3, backoff: 10, delay: 3, deadline: 600}
github: {retries: 3, backoff: 5, deadline: 300}
lists:
  - name: LLM Papers
    keywords: [LLM]
"""

DAY1, DAY2 = "2026-11-19", "2026-11-20"
GITHUB_WRITE_GAP = 1.0
"""Seconds kept between two GitHub writes (bot.github_publish.GithubSettings.write_gap)."""


def _entry(number: int, day: int, title: str) -> FeedEntry:
    return FeedEntry(
        id=f"2611.{number:05d}",
        published=datetime(2026, 11, day, 12, number, tzinfo=UTC),
        title=title,
        summary="An abstract.",
    )


CORPUS = [
    _entry(1, 18, "LLMs at scale"),
    _entry(2, 18, "Protein folding"),
    _entry(3, 20, "LLM judges"),
    _entry(4, 20, "Small LLMs"),
    _entry(5, 20, "Large models of proteins"),
]
"""DAY1 lists paper 1; DAY2 (whose window DAY1's does not reach) adds papers 3 and 4."""


def _folder(path: Path, config: str = CONFIG) -> Path:
    path.mkdir(parents=True)
    (path / "config.yml").write_text(config, encoding="utf-8")
    return path


def _invoke(folder: Path, day: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["run", "--config", str(folder / "config.yml"), "--date", day, *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The run's clock: every wait is recorded, none is real."""
    fake = FakeClock()
    monkeypatch.setattr(bot.cli, "CLOCK", fake)
    return fake


def _fresh_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(bot.cli, "CLOCK", fake)
    return fake


# --- time bounds, computed from the config ----------------------------------------------------


def _wanted_waits(config_path: Path, retry_after: float) -> list[float]:
    """The wait before each retry: the doubling backoff, or a longer Retry-After (≤ 300 s)."""
    settings = load_config(config_path).arxiv
    return [
        max(settings.backoff * 2 ** (k - 1), min(retry_after, MAX_RETRY_AFTER))
        for k in range(1, settings.retries + 1)
    ]


def arxiv_bound(config_path: Path, *, retry_after: float = 0.0) -> float:
    """The most a fetch of one page may wait, from the config: the retry waits, plus the
    pacing `delay` before every try, and never past the deadline."""
    settings = load_config(config_path).arxiv
    paced = (settings.retries + 1) * settings.delay
    return min(settings.deadline, sum(_wanted_waits(config_path, retry_after)) + paced)


def github_bound(config_path: Path, writes: int) -> float:
    """The most publishing may wait: retry waits never pass the deadline; writes are paced."""
    return load_config(config_path).github.deadline + writes * GITHUB_WRITE_GAP


# --- arXiv ------------------------------------------------------------------------------------


@dataclass
class World:
    """A folder with DAY1's lists, and the folder an undisturbed DAY2 run leaves."""

    folder: Path
    expected: dict[str, bytes]
    before: dict[str, bytes]


@pytest.fixture
def world(arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    arxiv_server.corpus = CORPUS
    _fresh_clock(monkeypatch)
    reference = _folder(tmp_path / "reference")
    assert _invoke(reference, DAY1)[0] == 0
    assert _invoke(reference, DAY2)[0] == 0
    folder = _folder(tmp_path / "faulty")
    assert _invoke(folder, DAY1)[0] == 0
    return World(folder, snapshot(reference), snapshot(folder))


TRANSIENT: dict[str, tuple[Callable[[], Scripted], str, float]] = {
    # case: (the answer, the cause the message names, the Retry-After it asks for)
    "429": (lambda: status(429), "HTTP 429", 0),
    "429-retry-after": (lambda: status(429, retry_after="120"), "HTTP 429", 120),
    "429-retry-after-date": (
        lambda: status(429, retry_after="Mon, 05 Jan 2026 12:01:30 GMT"),
        "HTTP 429",
        90,
    ),
    "429-retry-after-huge": (lambda: status(429, retry_after="86400"), "HTTP 429", 86400),
    "500": (lambda: status(500), "HTTP 500", 0),
    "502": (lambda: status(502), "HTTP 502", 0),
    "503": (lambda: status(503), "HTTP 503", 0),
    "503-retry-after": (lambda: status(503, retry_after="30"), "HTTP 503", 30),
    "reset": (reset, "connection failed", 0),
    "hang": (lambda: hang(0.5), "timed out after 0.2 s", 0),
    "truncated-xml": (truncated, "malformed feed (not well-formed XML)", 0),
    "short-read": (lambda: truncated(honest_length=False), "connection failed", 0),
    "not-a-feed": (not_xml, "malformed feed (not an Atom feed: <html>)", 0),
    "empty-page": (
        lambda: empty_page(1000),
        "short page (0 of the 1000 entries totalResults 1000 promises from 0)",
        0,
    ),
}


@pytest.mark.parametrize("case", list(TRANSIENT))
def test_arxiv_fault_is_ridden_out(
    case: str, world: World, arxiv_server: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fault once: a retry rides it out; the files are exactly those of a run without
    the fault, and the waits stay within the bound from the config."""
    answer, _, asked = TRANSIENT[case]
    arxiv_server.script(answer())
    clock = _fresh_clock(monkeypatch)
    code, output = _invoke(world.folder, DAY2)
    assert code == 0, output
    assert snapshot(world.folder) == world.expected
    assert arxiv_server.pending == 0
    bound = arxiv_bound(world.folder / "config.yml", retry_after=asked)
    assert sum(clock.sleeps) <= bound
    first_wait = max(10.0, min(asked, MAX_RETRY_AFTER))
    assert clock.sleeps[:1] == [first_wait]


def _tries(config_path: Path, retry_after: float) -> int:
    """How many tries a fault on every try gets: one more after each retry wait, until the
    retries are used up or the next wait would leave no time before the deadline (it is not
    taken)."""
    settings = load_config(config_path).arxiv
    waited = 0.0
    for retry, wait in enumerate(_wanted_waits(config_path, retry_after), start=1):
        if waited + wait >= settings.deadline:
            return retry
        waited += wait
    return settings.retries + 1


@pytest.mark.parametrize("case", list(TRANSIENT))
def test_arxiv_fault_that_persists_fails_cleanly(
    case: str, world: World, arxiv_server: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fault on every try: exit 1 with the cause, the tries and the fix, every file as
    before, the waits within the bound; the next good run catches up exactly."""
    answer, cause, asked = TRANSIENT[case]
    config = world.folder / "config.yml"
    tries = _tries(config, asked)
    arxiv_server.script(*(answer() for _ in range(tries)))
    clock = _fresh_clock(monkeypatch)
    start = arxiv_server.request_count
    code, output = _invoke(world.folder, DAY2)
    assert code == 1
    within = "" if tries == 4 else " within the fetch deadline of 600 s"
    assert output == (
        f"error: could not read arXiv at 127.0.0.1{within}: {cause} after {tries} tries\n"
        f"  fix: {GIVE_UP_FIX}\n"
    )
    assert arxiv_server.request_count - start == tries
    assert arxiv_server.pending == 0
    assert snapshot(world.folder) == world.before
    assert sum(clock.sleeps) <= arxiv_bound(config, retry_after=asked)
    # the fault is gone: the next run lists exactly what an undisturbed run lists
    assert _invoke(world.folder, DAY2)[0] == 0
    assert snapshot(world.folder) == world.expected


def test_arxiv_retry_after_past_the_deadline_fails_at_once(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Retry-After that would end past the deadline is not waited for at all."""
    arxiv_server.corpus = CORPUS
    config = CONFIG.replace("deadline: 600", "deadline: 100")
    folder = _folder(tmp_path / "f", config)
    arxiv_server.script(status(429, retry_after="250"))
    clock = _fresh_clock(monkeypatch)
    code, output = _invoke(folder, DAY2)
    assert code == 1
    assert output == (
        "error: could not read arXiv at 127.0.0.1 within the fetch deadline of 100 s: "
        f"HTTP 429 after 1 try\n  fix: {GIVE_UP_FIX}\n"
    )
    assert clock.sleeps == []
    assert snapshot(folder) == {"config.yml": config.encode()}


def test_arxiv_deadline_bounds_a_fetch_that_keeps_failing(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With many retries allowed, the deadline still ends the fetch: no wait passes it."""
    arxiv_server.corpus = CORPUS
    config = CONFIG.replace("retries: 3, backoff: 10", "retries: 20, backoff: 10")
    folder = _folder(tmp_path / "f", config)
    arxiv_server.script(*(status(503) for _ in range(21)))
    clock = _fresh_clock(monkeypatch)
    code, output = _invoke(folder, DAY2)
    assert code == 1
    assert output.startswith(
        "error: could not read arXiv at 127.0.0.1 within the fetch deadline of 600 s: "
        "HTTP 503 after 6 tries\n"
    )
    assert clock.sleeps == [10, 20, 40, 80, 160]
    assert sum(clock.sleeps) <= arxiv_bound(folder / "config.yml") == 600


def test_arxiv_rejects_the_query_with_http_400_and_nothing_is_retried(
    world: World, arxiv_server: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """arXiv's 400 error feed: exit 1 at once with arXiv's own words and what to change."""
    arxiv_server.script(error_feed("unbalanced parentheses in query"))
    clock = _fresh_clock(monkeypatch)
    start = arxiv_server.request_count
    code, output = _invoke(world.folder, DAY2)
    assert code == 1
    assert output == (
        "error: arXiv at 127.0.0.1 rejected the query (HTTP 400): unbalanced parentheses in "
        "query\n  fix: retrying cannot help: change the keyword, author or category it names "
        "in the config file\n"
    )
    assert arxiv_server.request_count - start == 1
    assert clock.sleeps == []
    assert snapshot(world.folder) == world.before


def test_arxiv_answers_404_for_a_wrong_endpoint(
    world: World, arxiv_server: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An endpoint that is not the query API: exit 1 at once, pointing at ARXIV_API_URL."""
    arxiv_server.script(status(404))
    clock = _fresh_clock(monkeypatch)
    code, output = _invoke(world.folder, DAY2)
    assert code == 1
    assert output == (
        "error: arXiv at 127.0.0.1 answered HTTP 404 (Not Found)\n"
        f"  fix: check that ARXIV_API_URL ({arxiv_server.url}) is arXiv's query API or a "
        "mirror\n"
    )
    assert clock.sleeps == []
    assert snapshot(world.folder) == world.before


def test_arxiv_unreachable_fails_cleanly(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Nothing listens on the port: every try is refused; exit 1, files as before."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ARXIV_API_URL", f"http://127.0.0.1:{port}/api/query")
    clock = _fresh_clock(monkeypatch)
    code, output = _invoke(world.folder, DAY2)
    assert code == 1
    assert output == (
        f"error: could not read arXiv at 127.0.0.1: connection failed after 4 tries\n"
        f"  fix: {GIVE_UP_FIX}\n"
    )
    assert clock.sleeps == [10, 20, 40]
    assert sum(clock.sleeps) <= arxiv_bound(world.folder / "config.yml")
    assert snapshot(world.folder) == world.before


def test_a_multi_day_outage_is_caught_up_by_the_next_good_run(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two days with arXiv down, a missed day, then a run that finds nothing (the papers are
    not announced yet): the next good run lists every paper of those days exactly once, and
    the run after it lists nothing again."""
    entries = [_entry(n, day, f"LLM paper {n}") for n, day in enumerate(range(16, 23), start=1)]
    for entry in entries[2:]:
        entry.visible_after = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    arxiv_server.corpus = entries
    folder = _folder(tmp_path / "f")
    _fresh_clock(monkeypatch)

    def run(day: str) -> int:
        arxiv_server.now = datetime.fromisoformat(f"{day}T06:17:00+00:00")
        return _invoke(folder, day)[0]

    assert run("2026-11-17") == 0
    for day in ("2026-11-18", "2026-11-19"):  # arXiv down all day
        before = snapshot(folder)
        arxiv_server.script(*(status(503) for _ in range(4)))
        assert run(day) == 1
        assert snapshot(folder) == before
    # 2026-11-20: no run at all
    before = snapshot(folder)
    assert run("2026-11-21") == 0  # nothing announced yet: no file changes
    assert snapshot(folder) == before
    assert run("2026-11-23") == 0
    assert run("2026-11-24") == 0
    seen: dict[str, list[str]] = {}
    for file in sorted((folder / "lists" / "llm-papers").glob("*/*.json")):
        day_text = file.read_text(encoding="utf-8")
        for paper_id in re.findall(r'"id": "([^"]+)"', day_text):
            seen.setdefault(paper_id, []).append(file.stem)
    assert seen == {
        "2611.00001": ["2026-11-17"],
        "2611.00002": ["2026-11-17"],
        **{f"2611.{n:05d}": ["2026-11-23"] for n in range(3, 8)},
    }


# --- GitHub -----------------------------------------------------------------------------------


@dataclass
class Repo:
    """A local folder with DAY1's lists, the GitHub repository holding the same files, and
    what an undisturbed DAY2 run commits."""

    folder: Path
    server: GithubServer
    expected: dict[str, str]
    local: dict[str, bytes]

    def environ(self, **extra: str) -> dict[str, str]:
        return self.server.environ(**extra)


def _texts(files: Mapping[str, bytes]) -> dict[str, str]:
    return {name: data.decode() for name, data in files.items()}


def _github_env(monkeypatch: pytest.MonkeyPatch, environ: Mapping[str, str]) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def repo(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Repo]:
    arxiv_server.corpus = CORPUS
    _fresh_clock(monkeypatch)
    day1 = _folder(tmp_path / "day1")
    assert _invoke(day1, DAY1)[0] == 0
    files = _texts(snapshot(day1))
    with GithubServer(files=files) as reference:
        folder = tmp_path / "reference"
        subprocess.run(["cp", "-r", str(day1), str(folder)], check=True)
        _github_env(monkeypatch, reference.environ())
        code, output = _invoke(folder, DAY2, "--publish", "github")
        assert code == 0, output
        expected = reference.files()
        local = snapshot(folder)
    folder = tmp_path / "work"
    subprocess.run(["cp", "-r", str(day1), str(folder)], check=True)
    with GithubServer(files=files) as server:
        _github_env(monkeypatch, server.environ())
        yield Repo(folder, server, expected, local)


def _writes(server: GithubServer) -> int:
    return sum(1 for r in server.requests if r.method in {"POST", "PATCH"})


def _publish(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, FakeClock]:
    clock = _fresh_clock(monkeypatch)
    code, output = _invoke(repo.folder, DAY2, "--publish", "github")
    return code, output, clock


def _next_run_publishes(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next run starts from the branch (a fresh checkout, as in Actions) and publishes
    exactly what an undisturbed run publishes."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name, text in repo.server.files().items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text(text, encoding="utf-8")
    _github_env(monkeypatch, repo.environ(GITHUB_SHA=repo.server.head()))
    _fresh_clock(monkeypatch)
    code, output = _invoke(checkout, DAY2, "--publish", "github")
    assert code == 0, output
    assert repo.server.files() == repo.expected


RIDDEN: dict[str, tuple[str, int, Mapping[str, str], object, str | None, str]] = {
    # case: (method, status, headers, body, path, what is waited for first)
    "500": ("POST", 500, {}, None, "/git/trees", "backoff"),
    "502": ("POST", 502, {}, None, "/git/commits", "backoff"),
    "503": ("GET", 503, {}, None, "/git/ref", "backoff"),
    "429-retry-after": ("POST", 429, {"Retry-After": "30"}, None, "/git/trees", "30"),
    "403-rate-limit-reset": (
        "GET",
        403,
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1767614400 + 90)},
        {"message": "API rate limit exceeded for installation ID 1."},
        "/git/ref",
        "90",
    ),
    "403-secondary-rate-limit": (
        "POST",
        403,
        {},
        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
        "/git/trees",
        "60",
    ),
    "422-not-fast-forward": (
        "PATCH",
        422,
        {},
        {"message": "Update is not a fast forward"},
        "/git/refs",
        "none",
    ),
}


@pytest.mark.parametrize("case", list(RIDDEN))
def test_github_fault_is_ridden_out(case: str, repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 5xx, a rate limit or a lost race, once: retried after the right wait, one commit with
    exactly the files of an undisturbed run, all waits within the bound."""
    method, code_, headers, body, path, first = RIDDEN[case]
    repo.server.fail(code_, body, headers=headers, method=method, path=path or "")
    code, output, clock = _publish(repo, monkeypatch)
    assert code == 0, output
    assert repo.server.files() == repo.expected
    assert repo.server.history()[1:] == [repo.server.base_sha]
    assert snapshot(repo.folder) == repo.local
    retry_waits = [s for s in clock.sleeps if s != GITHUB_WRITE_GAP]
    if first == "backoff":
        assert retry_waits[:1] == [5]
    elif first != "none":
        assert retry_waits[:1] == [float(first)]
    assert sum(clock.sleeps) <= github_bound(repo.folder / "config.yml", _writes(repo.server))


def test_github_dropped_connection_is_ridden_out(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection dropped without an answer is retried like a 5xx."""
    repo.server.reset(method="POST", path="/git/trees")
    code, output, clock = _publish(repo, monkeypatch)
    assert code == 0, output
    assert repo.server.files() == repo.expected
    assert 5 in clock.sleeps


@dataclass(frozen=True)
class Refusal:
    """A GitHub answer that no retry can fix, and the message the run ends with."""

    setup: Callable[[GithubServer, pytest.MonkeyPatch], None]
    message: str
    fix: str


def _fail(
    status_: int, body: object = None, *, method: str | None = None, path: str = "",
    times: int | None = 1, headers: Mapping[str, str] | None = None,
) -> Callable[[GithubServer, pytest.MonkeyPatch], None]:  # fmt: skip
    def setup(server: GithubServer, _: pytest.MonkeyPatch) -> None:
        server.fail(status_, body, method=method, path=path, times=times, headers=headers)

    return setup


def _read_only(server: GithubServer, _: pytest.MonkeyPatch) -> None:
    server.read_only = True


def _bad_token(_: GithubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_expired")


def _other_repository(_: GithubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/elsewhere")


PERMISSION_FIX = (
    "grant `contents: write` under `permissions:` in the workflow file, and set the repository's "
    'Settings → Actions → General → Workflow permissions to "Read and write permissions"'
)
LATER_FIX = (
    "nothing was committed; GitHub may be having trouble (https://www.githubstatus.com): "
    "run the workflow again later"
)

REFUSED: dict[str, Refusal] = {
    "401-bad-token": Refusal(
        _bad_token,
        "GitHub rejected the token while reading the repository owner/repo (HTTP 401: Bad "
        "credentials): it is invalid or has expired",
        "in a workflow, give the step the job's own token (env: GITHUB_TOKEN: ${{ "
        "secrets.GITHUB_TOKEN }}); locally, set GITHUB_TOKEN to a current personal access "
        "token that may write to owner/repo",
    ),
    "403-read-only-token": Refusal(
        _read_only,
        "GitHub refused creating the tree of the commit in owner/repo (HTTP 403: Resource not "
        "accessible by integration): the token lacks permission to write to the repository",
        PERMISSION_FIX,
    ),
    "404-no-repository": Refusal(
        _other_repository,
        "GitHub found no repository owner/elsewhere (HTTP 404: Not Found): it does not exist "
        "or the token may not see it",
        f"check GITHUB_REPOSITORY (owner/elsewhere); if it is right, {PERMISSION_FIX}",
    ),
    "409-conflict": Refusal(
        _fail(409, method="POST", path="/git/commits"),
        "GitHub reported a conflict while creating the commit in owner/repo (HTTP 409: Conflict)",
        "nothing was committed; run the workflow again",
    ),
    "422-protected-branch": Refusal(
        _fail(
            422,
            {"message": "Protected branch update failed for refs/heads/main."},
            method="PATCH",
            path="/git/refs",
        ),
        "branch 'main' of owner/repo is protected: GitHub refused moving branch 'main' to the "
        "new commit (HTTP 422: Protected branch update failed for refs/heads/main.)",
        "allow GitHub Actions to push to it (a bypass for github-actions[bot] in the branch's "
        "protection rule or ruleset, under Settings → Branches or Settings → Rules), or use "
        "`--publish git` with a token or deploy key that may push to it",
    ),
    "422-validation-failed": Refusal(
        _fail(422, {"message": "Validation Failed"}, method="POST", path="/git/trees"),
        "GitHub refused creating the tree of the commit in owner/repo (HTTP 422: Validation "
        "Failed)",
        "nothing was committed; run the workflow again, and report a bug if it persists",
    ),
    "5xx-persisting": Refusal(
        _fail(502, method="POST", path="/git/trees", times=None),
        "GitHub kept failing while creating the tree of the commit in owner/repo: HTTP 502: "
        "Bad Gateway after 4 tries",
        LATER_FIX,
    ),
    "rate-limit-past-deadline": Refusal(
        _fail(
            403,
            {"message": "API rate limit exceeded for installation ID 1."},
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1767614400 + 3600)},
            method="GET",
            path="/git/ref",
            times=None,
        ),
        "GitHub's rate limit holds back reading branch 'main' in owner/repo for 3600 s (HTTP "
        "403: API rate limit exceeded for installation ID 1.), past the publishing deadline of "
        "300 s",
        "nothing was committed; run the workflow again once the limit resets (the job's "
        "GITHUB_TOKEN may make 1,000 API requests per hour per repository)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_github_refusal_fails_cleanly(
    case: str, repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused: exit 1 with the cause and the fix, the branch exactly as before, the waits
    within the bound; once the cause is gone, the next run publishes exactly once."""
    refusal = REFUSED[case]
    refusal.setup(repo.server, monkeypatch)
    head, files = repo.server.head(), repo.server.files()
    code, output, clock = _publish(repo, monkeypatch)
    assert code == 1
    assert output.endswith(f"error: {refusal.message}\n  fix: {refusal.fix}\n"), output
    assert repo.server.head() == head
    assert repo.server.files() == files
    assert sum(clock.sleeps) <= github_bound(repo.folder / "config.yml", _writes(repo.server))
    # the files of the run stay written locally; the next run starts from the branch
    assert snapshot(repo.folder) == repo.local
    repo.server._rules.clear()  # the cause is gone (the server has no public way to say so)
    repo.server.read_only = False
    _next_run_publishes(repo, tmp_path, monkeypatch)


def test_github_empty_repository_asks_for_a_first_commit(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repository without commits (409 "Git Repository is empty."): exit 1, say what to do."""
    arxiv_server.corpus = CORPUS
    folder = _folder(tmp_path / "f")
    with GithubServer(empty=True) as server:
        _github_env(monkeypatch, server.environ(GITHUB_SHA="0" * 40))
        clock = _fresh_clock(monkeypatch)
        code, output = _invoke(folder, DAY2, "--publish", "github")
        assert code == 1
        assert output.endswith(
            "error: the repository owner/repo is empty (HTTP 409: Git Repository is empty.): "
            "there is no branch 'main' to commit onto\n"
            "  fix: push a first commit (a README will do) to branch 'main', then run the "
            "workflow again\n"
        ), output
        assert server.refs == {}
        assert clock.sleeps == []


def test_a_failed_digest_comment_is_a_warning_and_the_commit_stays(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issues API failing after the commit landed: a ::warning::, exit 0, commit kept."""
    repo.server.fail(503, path="/issues", times=None)
    clock = _fresh_clock(monkeypatch)
    code, output = _invoke(repo.folder, DAY2, "--publish", "github", "--notify")
    assert code == 0, output
    assert repo.server.files() == repo.expected
    assert "::warning title=arXiv digest not posted::" in output
    assert sum(clock.sleeps) <= github_bound(repo.folder / "config.yml", _writes(repo.server))


# --- git --------------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_git_push_refused_by_the_remote_fails_cleanly_and_the_next_run_pushes(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote that refuses the push (a pre-receive hook): exit 1 with git's words, the remote
    as before, the local branch back where it was; the next run pushes once."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("")
    arxiv_server.corpus = CORPUS
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(remote), str(work))
    (work / "config.yml").write_text(CONFIG, encoding="utf-8")
    ident = ["-c", "user.name=Someone", "-c", "user.email=someone@example.org"]
    _git(work, "add", "config.yml")
    _git(work, *ident, "commit", "-q", "-m", "config")
    _git(work, "push", "-q", "origin", "HEAD:main")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'refusing: the repository is read-only today' >&2\nexit 1\n")
    hook.chmod(0o755)
    _fresh_clock(monkeypatch)
    head = _git(remote, "rev-parse", "main")
    code, output = _invoke(work, DAY2, "--publish", "git")
    assert code == 1
    assert "error: git push failed: " in output
    assert "refusing: the repository is read-only today" in output
    assert "fix: check that the remote 'origin' exists and that this run may push to 'main'" in (
        output
    )
    assert _git(remote, "rev-parse", "main") == head
    assert _git(work, "rev-parse", "HEAD") == head
    hook.unlink()
    code, output = _invoke(work, DAY2, "--publish", "git")
    assert code == 0, output
    log = _git(remote, "log", "--format=%an|%s", "main").splitlines()
    assert log == ["github-actions[bot]|arXiv lists for 2026-11-20: 3 new papers", "Someone|config"]


# --- the table in the docs --------------------------------------------------------------------

_NAMED = re.compile(r"`(tests/test_\w+\.py)::(test_\w+)(?:\[([^\]]+)\])?`")


def test_every_case_in_the_docs_table_has_its_test() -> None:
    """docs/faults.md names a test for each row; each named test (and case) exists."""
    text = (ROOT / "docs" / "faults.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`tests/" in line]
    assert len(rows) >= 30
    missing: list[str] = []
    for line in rows:
        named = _NAMED.findall(line)
        assert named, f"a row names no test: {line}"
        for module_path, function, case in named:
            module = module_path.removesuffix(".py").replace("/", ".")
            imported = __import__(module, fromlist=[function])
            test = getattr(imported, function, None)
            if test is None:
                missing.append(f"{module_path}::{function}")
                continue
            if case:
                ids = {
                    str(value)
                    for mark in getattr(test, "pytestmark", [])
                    if mark.name == "parametrize"
                    for value in mark.args[1]
                }
                if case not in ids:
                    missing.append(f"{module_path}::{function}[{case}]")
    assert missing == []
