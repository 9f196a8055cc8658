"""The `github` publish mode against a local, stateful GitHub (tests/github_server.py)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import PurePosixPath

import pytest

from bot.clock import FakeClock
from bot.errors import PublishError
from bot.github_publish import (
    PERMISSION_FIX,
    GithubPublisher,
    GithubSettings,
    from_environment,
)
from bot.publish import BOT_EMAIL, BOT_NAME, Publication, Published, commit_message
from bot.render import splice_readme
from bot.store import Change
from tests.github_server import FAKE_TOKEN, INITIAL_FILES, GithubServer

DAY_JSON = "lists/x/2026/2026-11-20.json"
DAY_MD = "lists/x/2026/2026-11-20.md"
ARCHIVE = "lists/x/README.md"
STATE = "lists/.state.json"
OLD_DAY = "lists/x/2026/2026-11-19.json"
SECTION = (
    "<!-- arxiv-bot:start -->\n## Awesome daily arXiv\n\n- x: 2 papers\n<!-- arxiv-bot:end -->"
)
MESSAGE = commit_message(date(2026, 11, 20), {"x": 2})
RETRY_LATER = (
    "nothing was committed; GitHub may be having trouble (https://www.githubstatus.com): "
    "run the workflow again later"
)

OURS: Mapping[str, str] = {
    DAY_JSON: '{"list": "x", "date": "2026-11-20", "papers": [1, 2]}\n',
    DAY_MD: "# x, 2026-11-20\n\n2 papers\n",
    ARCHIVE: "# x\n\n- 2026-11-20: 2\n- 2026-11-19: 0\n",
    "README.md": splice_readme(INITIAL_FILES["README.md"], SECTION),
    STATE: '{"date": "2026-11-20", "window_start": "2026-11-13T00:00:00Z"}\n',
}


def change(path: str, text: str | None) -> Change:
    return Change(PurePosixPath(path), text)


def run_publication(files: Mapping[str, str | None] = OURS) -> Publication:
    """A run's publication: its files, the README section it rebuilt, the commit message."""
    return Publication(
        changes=tuple(change(path, text) for path, text in files.items()),
        message=MESSAGE,
        readme=PurePosixPath("README.md"),
        section=SECTION,
    )


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[GithubServer]:
    """A local GitHub holding owner/repo, reached without any proxy."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with GithubServer() as github_server:
        yield github_server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def publisher(
    server: GithubServer,
    clock: FakeClock,
    *,
    token: str = FAKE_TOKEN,
    repository: str = "owner/repo",
    branch: str = "main",
    base_sha: str | None = None,
    **settings: float,
) -> GithubPublisher:
    """A publisher for the server's repository; writes unpaced unless `write_gap` is given."""
    return GithubPublisher(
        token=token,
        repository=repository,
        branch=branch,
        base_sha=server.base_sha if base_sha is None else base_sha,
        api_url=server.url,
        clock=clock,
        settings=GithubSettings(**{"write_gap": 0.0, **settings}),  # type: ignore[arg-type]
    )


def with_ours(base: Mapping[str, str], ours: Mapping[str, str | None] = OURS) -> dict[str, str]:
    files = dict(base)
    for path, text in ours.items():
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text
    return dict(sorted(files.items()))


# --- one commit --------------------------------------------------------------------------------


def test_every_file_of_the_run_lands_in_one_commit_by_the_actions_bot(
    server: GithubServer, clock: FakeClock
) -> None:
    """All files of a run land in one commit on the base, authored by github-actions[bot]."""
    result = publisher(server, clock).publish(run_publication())

    assert result == Published(sha=server.head(), attempts=1)
    assert server.files() == with_ours(INITIAL_FILES)
    commit = server.commit(server.head())
    assert commit.parents == (server.base_sha,)
    assert commit.message == MESSAGE
    assert (commit.author["name"], commit.author["email"]) == (BOT_NAME, BOT_EMAIL)
    assert (commit.committer["name"], commit.committer["email"]) == (BOT_NAME, BOT_EMAIL)
    assert len(server.calls("POST", "/git/commits")) == 1
    assert len(server.calls("PATCH")) == 1
    assert server.calls("PATCH")[0].body == {"sha": server.head(), "force": False}
    assert all(request.authorized for request in server.requests)
    assert clock.sleeps == []


def test_deletions_remove_files_and_absent_ones_are_skipped(
    server: GithubServer, clock: FakeClock
) -> None:
    """A None change deletes the file in the same commit; deleting a missing file is skipped."""
    files: dict[str, str | None] = {
        DAY_JSON: OURS[DAY_JSON],
        OLD_DAY: None,
        "lists/x/2026/never-there.md": None,
    }

    result = publisher(server, clock).publish(run_publication(files))

    assert result.sha == server.head()
    assert server.files() == {"README.md": INITIAL_FILES["README.md"], DAY_JSON: OURS[DAY_JSON]}
    assert server.commit(server.head()).parents == (server.base_sha,)


def test_nothing_changed_makes_no_commit(server: GithubServer, clock: FakeClock) -> None:
    """Files identical to the branch's give no commit and leave the branch alone."""
    same = run_publication(
        {"README.md": INITIAL_FILES["README.md"], OLD_DAY: INITIAL_FILES[OLD_DAY]}
    )

    result = publisher(server, clock).publish(same)

    assert result == Published(sha=None, attempts=1)
    assert server.head() == server.base_sha
    assert server.calls("POST", "/git/commits") == []
    assert server.calls("PATCH") == []


def test_only_absent_deletions_make_no_write_at_all(server: GithubServer, clock: FakeClock) -> None:
    """Deleting only files the branch does not hold sends no write request."""
    result = publisher(server, clock).publish(run_publication({"lists/x/gone.md": None}))

    assert result == Published(sha=None, attempts=1)
    assert [r.method for r in server.requests] == ["GET", "GET", "GET", "GET"]


def test_an_empty_publication_calls_nothing(server: GithubServer, clock: FakeClock) -> None:
    """An empty publication returns at once without any request."""
    result = publisher(server, clock).publish(Publication(changes=(), message=MESSAGE))

    assert result == Published(sha=None)
    assert server.requests == []


def test_writes_are_paced_on_the_injected_clock(server: GithubServer, clock: FakeClock) -> None:
    """The tree, commit and branch writes are spaced by `write_gap`, slept on the clock."""
    publisher(server, clock, write_gap=1.0).publish(run_publication())

    assert clock.sleeps == [1.0, 1.0]


# --- races -------------------------------------------------------------------------------------


def test_a_422_once_is_retried_on_the_reread_head(server: GithubServer, clock: FakeClock) -> None:
    """One 422 "not a fast forward" re-reads the head and commits again, without waiting."""
    server.fail(422, {"message": "Update is not a fast forward"}, method="PATCH")

    result = publisher(server, clock).publish(run_publication())

    assert result == Published(sha=server.head(), attempts=2)
    assert server.files() == with_ours(INITIAL_FILES)
    assert server.history() == [server.head(), server.base_sha]
    assert len(server.calls("PATCH")) == 2
    assert clock.sleeps == []


def test_a_competing_push_of_another_file_keeps_theirs_and_adds_ours(
    server: GithubServer, clock: FakeClock
) -> None:
    """A push landing before our branch move: our files go onto their commit, theirs kept."""
    theirs: list[str] = []
    server.before("PATCH", "/git/refs/", lambda: theirs.append(server.push({"notes.txt": "t\n"})))

    result = publisher(server, clock).publish(run_publication())

    assert result == Published(sha=server.head(), attempts=2)
    assert server.commit(server.head()).parents == (theirs[0],)
    assert server.files() == with_ours({**INITIAL_FILES, "notes.txt": "t\n"})
    assert server.history() == [server.head(), theirs[0], server.base_sha]


def test_a_head_that_moved_before_the_run_published(server: GithubServer, clock: FakeClock) -> None:
    """A branch already ahead of the run's base gets our files on its head at the first try."""
    theirs = server.push({"notes.txt": "t\n"})

    result = publisher(server, clock).publish(run_publication())

    assert result == Published(sha=server.head(), attempts=1)
    assert server.commit(server.head()).parents == (theirs,)
    assert server.files() == with_ours({**INITIAL_FILES, "notes.txt": "t\n"})


def test_a_readme_changed_upstream_gets_our_section_reapplied(
    server: GithubServer, clock: FakeClock
) -> None:
    """Their README edit is kept and the bot's section is spliced into it."""
    their_readme = "# My arXiv lists\n\nPapers I follow, über alles.\n\nSee also my blog.\n"
    server.before("PATCH", "/git/refs/", lambda: server.push({"README.md": their_readme}), times=1)

    result = publisher(server, clock).publish(run_publication())

    assert result.attempts == 2
    assert server.files()["README.md"] == (
        "# My arXiv lists\n\nPapers I follow, über alles.\n\nSee also my blog.\n\n"
        "<!-- arxiv-bot:start -->\n## Awesome daily arXiv\n\n- x: 2 papers\n"
        "<!-- arxiv-bot:end -->\n"
    )
    assert server.files()[DAY_JSON] == OURS[DAY_JSON]


def test_a_later_run_state_upstream_wins(server: GithubServer, clock: FakeClock) -> None:
    """A run state upstream with a later date is kept instead of ours."""
    later = '{"date": "2026-11-21", "window_start": "2026-11-14T00:00:00Z"}\n'
    server.push({STATE: later})

    publisher(server, clock).publish(run_publication())

    assert server.files()[STATE] == later
    assert server.files()[DAY_MD] == OURS[DAY_MD]


def test_a_day_json_changed_upstream_stops_with_the_branch_unchanged(
    server: GithubServer, clock: FakeClock
) -> None:
    """Two runs writing the same day: PublishError, and the branch stays at their commit."""
    theirs: list[str] = []
    server.before(
        "PATCH",
        "/git/refs/",
        lambda: theirs.append(server.push({DAY_JSON: '{"list": "x", "papers": [3]}\n'})),
    )

    with pytest.raises(PublishError) as raised:
        publisher(server, clock).publish(run_publication())

    assert str(raised.value) == (
        "lists/x/2026/2026-11-20.json changed on the branch while this run was working: "
        "two runs wrote the same day\n"
        "  fix: nothing was committed; run the workflow again once the other run has finished"
    )
    assert server.head() == theirs[0]
    assert len(server.calls("PATCH")) == 1


def test_a_branch_that_keeps_moving_gives_up_after_the_retries(
    server: GithubServer, clock: FakeClock
) -> None:
    """A push before every branch move: retries + 1 attempts, then a PublishError."""
    counter = itertools.count()
    server.before(
        "PATCH",
        "/git/refs/",
        lambda: server.push({"notes.txt": f"{next(counter)}\n"}),
        times=None,
    )

    with pytest.raises(PublishError) as raised:
        publisher(server, clock, retries=2).publish(run_publication())

    assert str(raised.value) == (
        "branch 'main' of owner/repo moved 3 times while this run tried to commit onto it\n"
        "  fix: nothing was committed; run the workflow again once the other pushes are done"
    )
    assert len(server.calls("PATCH")) == 3
    assert server.files()["notes.txt"] == "2\n"
    assert DAY_JSON not in server.files()


def test_huge_trees_are_walked_folder_by_folder(server: GithubServer, clock: FakeClock) -> None:
    """A truncated recursive listing falls back to reading one folder at a time."""
    server.truncate_trees = True
    server.push({"README.md": "# Theirs\n"})

    result = publisher(server, clock).publish(run_publication())

    assert result.attempts == 1
    assert server.files()["README.md"] == "# Theirs\n\n" + SECTION + "\n"
    assert any("/git/trees/" in r.path and "recursive" not in r.query for r in server.calls("GET"))


# --- transient faults --------------------------------------------------------------------------


def test_server_errors_are_retried_with_doubling_waits(
    server: GithubServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Two 502s on reading the branch: waits of 5 s then 10 s on the clock, then success."""
    server.fail(502, method="GET", path="/git/ref/", times=2)

    with caplog.at_level(logging.WARNING, logger="bot.github_publish"):
        result = publisher(server, clock).publish(run_publication())

    assert result == Published(sha=server.head(), attempts=1)
    assert clock.sleeps == [5.0, 10.0]
    assert [r.getMessage() for r in caplog.records if r.name == "bot.github_publish"] == [
        "GitHub: HTTP 502: Bad Gateway while reading branch 'main'; retry 1 of 4 in 5 s",
        "GitHub: HTTP 502: Bad Gateway while reading branch 'main'; retry 2 of 4 in 10 s",
    ]


def test_a_dropped_connection_on_a_write_is_retried(server: GithubServer, clock: FakeClock) -> None:
    """A connection reset while creating the tree is retried after the first backoff."""
    server.reset(method="POST", path="/git/trees")

    result = publisher(server, clock).publish(run_publication())

    assert result.sha == server.head()
    assert clock.sleeps == [5.0]
    assert server.files() == with_ours(INITIAL_FILES)


def test_a_lost_answer_to_the_branch_move_still_publishes_once(
    server: GithubServer, clock: FakeClock
) -> None:
    """The branch moved but the answer was a 502: the retried move succeeds, one commit."""
    server.fail(502, method="PATCH", apply=True)

    result = publisher(server, clock).publish(run_publication())

    assert result == Published(sha=server.head(), attempts=1)
    assert server.history() == [server.head(), server.base_sha]
    assert clock.sleeps == [5.0]


def test_giving_up_after_the_retries(server: GithubServer, clock: FakeClock) -> None:
    """A 500 on every try: `retries` waits, then a PublishError; the branch is unchanged."""
    server.fail(500, method="POST", path="/git/commits", times=None)

    with pytest.raises(PublishError) as raised:
        publisher(server, clock, retries=2).publish(run_publication())

    assert str(raised.value) == (
        "GitHub kept failing while creating the commit in owner/repo: "
        "HTTP 500: Internal Server Error after 3 tries\n  fix: " + RETRY_LATER
    )
    assert clock.sleeps == [5.0, 10.0]
    assert server.head() == server.base_sha


def test_the_deadline_bounds_every_wait(server: GithubServer, clock: FakeClock) -> None:
    """Waits stop before they would pass the deadline, which the sleeps never exceed."""
    server.fail(503, method="GET", path="/git/ref/", times=None)

    with pytest.raises(PublishError) as raised:
        publisher(server, clock, retries=10, backoff=60, deadline=300).publish(run_publication())

    assert str(raised.value) == (
        "GitHub kept failing while reading branch 'main' in owner/repo: "
        "HTTP 503: Service Unavailable after 3 tries; waiting 240 s more would pass the "
        "publishing deadline of 300 s\n  fix: " + RETRY_LATER
    )
    assert clock.sleeps == [60.0, 120.0]
    assert sum(clock.sleeps) <= 300


# --- rate limits -------------------------------------------------------------------------------


def test_a_rate_limit_403_waits_as_long_as_retry_after_asks(
    server: GithubServer, clock: FakeClock
) -> None:
    """A secondary rate limit with `Retry-After: 42` waits 42 s, then succeeds."""
    server.fail(
        403,
        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
        headers={"Retry-After": "42"},
        method="POST",
        path="/git/trees",
    )

    result = publisher(server, clock).publish(run_publication())

    assert result.sha == server.head()
    assert clock.sleeps == [42.0]


def test_a_secondary_rate_limit_without_a_time_waits_a_minute(
    server: GithubServer, clock: FakeClock
) -> None:
    """A secondary rate limit naming no time waits GitHub's advised minute."""
    server.fail(
        403,
        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
        method="GET",
        path="/git/commits/",
    )

    publisher(server, clock).publish(run_publication())

    assert clock.sleeps == [60.0]


def test_a_429_with_retry_after_is_honoured(server: GithubServer, clock: FakeClock) -> None:
    """HTTP 429 with `Retry-After: 7` waits 7 s (longer than the first backoff)."""
    server.fail(429, headers={"Retry-After": "7"}, method="GET", path="/git/ref/")

    publisher(server, clock).publish(run_publication())

    assert clock.sleeps == [7.0]


def test_a_used_up_rate_limit_waits_until_its_reset(server: GithubServer, clock: FakeClock) -> None:
    """`x-ratelimit-remaining: 0` waits until `x-ratelimit-reset`, measured on the clock."""
    reset = int(clock.now().timestamp()) + 120
    server.fail(
        403,
        {"message": "API rate limit exceeded for installation ID 1."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        path="^/repos/owner/repo$",
    )

    publisher(server, clock).publish(run_publication())

    assert clock.sleeps == [120.0]


def test_a_rate_limit_past_the_deadline_fails_at_once(
    server: GithubServer, clock: FakeClock
) -> None:
    """A reset half an hour away is not waited for: PublishError without sleeping."""
    reset = int(clock.now().timestamp()) + 1800
    server.fail(
        403,
        {"message": "API rate limit exceeded for installation ID 1."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        method="GET",
        path="/git/ref/",
    )

    with pytest.raises(PublishError) as raised:
        publisher(server, clock).publish(run_publication())

    assert str(raised.value) == (
        "GitHub's rate limit holds back reading branch 'main' in owner/repo for 1800 s "
        "(HTTP 403: API rate limit exceeded for installation ID 1.), past the publishing "
        "deadline of 300 s\n"
        "  fix: nothing was committed; run the workflow again once the limit resets "
        "(the job's GITHUB_TOKEN may make 1,000 API requests per hour per repository)"
    )
    assert clock.sleeps == []


# --- refusals ----------------------------------------------------------------------------------


def test_a_bad_token_says_it_is_invalid_or_expired(clock: FakeClock) -> None:
    """HTTP 401: the message says the token is invalid or expired and how to pass one."""
    with GithubServer(token="ghs_theRealOne") as server:  # noqa: S106 - a test value
        with pytest.raises(PublishError) as raised:
            publisher(server, clock).publish(run_publication())
        assert [r.authorized for r in server.requests] == [False]

    assert str(raised.value) == (
        "GitHub rejected the token while reading the repository owner/repo "
        "(HTTP 401: Bad credentials): it is invalid or has expired\n"
        "  fix: in a workflow, give the step the job's own token "
        "(env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}); locally, set GITHUB_TOKEN to a "
        "current personal access token that may write to owner/repo"
    )


def test_a_read_only_token_says_how_to_grant_contents_write(
    server: GithubServer, clock: FakeClock
) -> None:
    """HTTP 403 on a write: the fix names `contents: write` and the workflow-permission setting."""
    server.read_only = True

    with pytest.raises(PublishError) as raised:
        publisher(server, clock).publish(run_publication())

    assert str(raised.value) == (
        "GitHub refused creating the tree of the commit in owner/repo "
        "(HTTP 403: Resource not accessible by integration): the token lacks permission to "
        "write to the repository\n"
        "  fix: grant `contents: write` under `permissions:` in the workflow file, and set the "
        "repository's Settings → Actions → General → Workflow permissions to "
        '"Read and write permissions"'
    )
    assert server.head() == server.base_sha
    assert clock.sleeps == []


def test_an_unknown_repository_says_it_may_be_hidden_from_the_token(
    server: GithubServer, clock: FakeClock
) -> None:
    """HTTP 404 on the repository: not there, or the token may not see it."""
    with pytest.raises(PublishError) as raised:
        publisher(server, clock, repository="owner/missing").publish(run_publication())

    assert str(raised.value) == (
        "GitHub found no repository owner/missing (HTTP 404: Not Found): it does not exist or "
        "the token may not see it\n"
        f"  fix: check GITHUB_REPOSITORY (owner/missing); if it is right, {PERMISSION_FIX}"
    )


def test_an_unknown_branch_says_so(server: GithubServer, clock: FakeClock) -> None:
    """HTTP 404 on the branch ref: names the branch and GITHUB_REF_NAME."""
    with pytest.raises(PublishError) as raised:
        publisher(server, clock, branch="gh-pages").publish(run_publication())

    assert str(raised.value) == (
        "GitHub found no branch 'gh-pages' in owner/repo (HTTP 404: Not Found): it does not "
        "exist or the token may not see it\n"
        "  fix: run the workflow on a branch (GITHUB_REF_NAME is 'gh-pages'); if it is one, "
        + PERMISSION_FIX
    )


def test_a_base_commit_unknown_to_github_says_so(server: GithubServer, clock: FakeClock) -> None:
    """A moved head and a GITHUB_SHA GitHub does not know: the message names GITHUB_SHA."""
    server.push({"notes.txt": "t\n"})

    with pytest.raises(PublishError) as raised:
        publisher(server, clock, base_sha="b" * 40).publish(run_publication())

    assert str(raised.value) == (
        f"GitHub found no commit {'b' * 40} in owner/repo (HTTP 404: Not Found): the commit "
        "this run started from (GITHUB_SHA) is not on GitHub\n"
        "  fix: run from a checkout of the branch as it is on GitHub: GITHUB_SHA must name a "
        "pushed commit"
    )


def test_an_empty_repository_asks_for_a_first_commit(clock: FakeClock) -> None:
    """HTTP 409 "Git Repository is empty.": says so and asks for a first commit."""
    with GithubServer(empty=True) as server, pytest.raises(PublishError) as raised:
        publisher(server, clock, base_sha="0" * 40).publish(run_publication())

    assert str(raised.value) == (
        "the repository owner/repo is empty (HTTP 409: Git Repository is empty.): there is no "
        "branch 'main' to commit onto\n"
        "  fix: push a first commit (a README will do) to branch 'main', then run the "
        "workflow again"
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (422, "Protected branch update failed for refs/heads/main."),
        (403, "Cannot force-push to this protected branch"),
    ],
)
def test_a_protected_branch_suggests_an_exception_or_the_git_mode(
    server: GithubServer, clock: FakeClock, status: int, message: str
) -> None:
    """A protected branch refusing the move: says so, suggests a bypass or `--publish git`."""
    server.fail(status, {"message": message}, method="PATCH")

    with pytest.raises(PublishError) as raised:
        publisher(server, clock).publish(run_publication())

    assert str(raised.value) == (
        "branch 'main' of owner/repo is protected: GitHub refused moving branch 'main' to the "
        f"new commit (HTTP {status}: {message})\n"
        "  fix: allow GitHub Actions to push to it (a bypass for github-actions[bot] in the "
        "branch's protection rule or ruleset, under Settings → Branches or Settings → Rules), "
        "or use `--publish git` with a token or deploy key that may push to it"
    )
    assert server.head() == server.base_sha


def test_any_other_refusal_is_reported_with_githubs_message(
    server: GithubServer, clock: FakeClock
) -> None:
    """An unexpected 422 is not retried and carries GitHub's own message."""
    server.fail(422, {"message": "Validation Failed"}, method="POST", path="/git/trees")

    with pytest.raises(PublishError) as raised:
        publisher(server, clock).publish(run_publication())

    assert str(raised.value) == (
        "GitHub refused creating the tree of the commit in owner/repo "
        "(HTTP 422: Validation Failed)\n"
        "  fix: nothing was committed; run the workflow again, and report a bug if it persists"
    )
    assert clock.sleeps == []


# --- the token stays secret --------------------------------------------------------------------


def _reject_token(server: GithubServer) -> bool:
    server.token = "ghs_someOtherToken"  # noqa: S105 - a test value
    return True


def _read_only(server: GithubServer) -> bool:
    server.read_only = True
    return True


def _always_failing(server: GithubServer) -> bool:
    server.fail(503, times=None)
    return True


def _always_reset(server: GithubServer) -> bool:
    server.reset(times=None)
    return False


def _day_race(server: GithubServer) -> bool:
    server.push({DAY_JSON: "{}\n"})
    return True


@pytest.mark.parametrize(
    "breakage", [_reject_token, _read_only, _always_failing, _always_reset, _day_race]
)
def test_the_token_never_appears_in_errors_logs_or_output(
    server: GithubServer,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    breakage: Callable[[GithubServer], bool],
) -> None:
    """Whatever fails, the token is in no exception text, log line (PyGithub's debug log
    included) or output, although every request carried it."""
    answered = breakage(server)  # whether GitHub answers at all
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="github")
    chosen = publisher(server, clock, retries=1)

    with pytest.raises(PublishError) as raised:
        chosen.publish(run_publication())

    out, err = capsys.readouterr()
    assert server.requests
    assert all(r.authorization == f"token {FAKE_TOKEN}" for r in server.requests)
    for text in (str(raised.value), repr(raised.value), repr(chosen), caplog.text, out, err):
        assert FAKE_TOKEN not in text
    # PyGithub's own request log was on (it masks the header) whenever GitHub answered
    assert any(r.name == "github.Requester" for r in caplog.records) == answered


# --- from the environment ----------------------------------------------------------------------


def test_from_environment_publishes_to_the_workflows_branch(
    server: GithubServer, clock: FakeClock
) -> None:
    """The Actions variables name the API, repository, branch, base commit and token."""
    chosen = from_environment(server.environ(), clock=clock)

    result = chosen.publish(run_publication())

    assert result.sha == server.head()
    assert server.files() == with_ours(INITIAL_FILES)


def test_from_environment_defaults_to_github_com(clock: FakeClock) -> None:
    """Without GITHUB_API_URL the publisher talks to api.github.com."""
    environ = {
        "GITHUB_TOKEN": FAKE_TOKEN,
        "GITHUB_REPOSITORY": "owner/repo",
        "GITHUB_REF_NAME": "main",
        "GITHUB_SHA": "a" * 40,
    }

    chosen = from_environment(environ, clock=clock)

    assert (chosen.api_url, chosen.repository, chosen.branch, chosen.base_sha) == (
        "https://api.github.com",
        "owner/repo",
        "main",
        "a" * 40,
    )


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        (
            "GITHUB_TOKEN",
            "in the workflow, give it to the step "
            "(env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}); "
            "locally, export GITHUB_TOKEN=<a personal access token with contents: write>",
        ),
        (
            "GITHUB_REPOSITORY",
            "GitHub Actions sets it in every job; locally, export GITHUB_REPOSITORY=owner/name",
        ),
        (
            "GITHUB_REF_NAME",
            "GitHub Actions sets it to the branch the workflow runs on; locally, "
            "export GITHUB_REF_NAME=<branch>, e.g. main",
        ),
        (
            "GITHUB_SHA",
            "GitHub Actions sets it to the commit the workflow checked out; locally, "
            "export GITHUB_SHA=$(git rev-parse HEAD)",
        ),
    ],
)
def test_a_missing_variable_is_named_with_how_to_set_it(
    server: GithubServer, clock: FakeClock, name: str, fix: str
) -> None:
    """Each missing (or blank) variable is named, with where it comes from."""
    environ = server.environ(**{name: "  "})

    with pytest.raises(PublishError) as raised:
        from_environment(environ, clock=clock)

    assert str(raised.value) == (
        f"{name} is not set: publishing to GitHub (--publish github) needs it\n  fix: {fix}"
    )


def test_a_malformed_repository_or_api_url_is_refused(
    server: GithubServer, clock: FakeClock
) -> None:
    """GITHUB_REPOSITORY must be owner/name and GITHUB_API_URL an http(s) URL."""
    with pytest.raises(PublishError) as bad_repository:
        from_environment(server.environ(GITHUB_REPOSITORY="repo"), clock=clock)
    with pytest.raises(PublishError) as bad_url:
        from_environment(server.environ(GITHUB_API_URL="ftp://example.com"), clock=clock)

    assert str(bad_repository.value) == (
        "GITHUB_REPOSITORY 'repo' is not of the form owner/name\n"
        "  fix: GitHub Actions sets it in every job; locally, export GITHUB_REPOSITORY=owner/name"
    )
    assert str(bad_url.value) == (
        "GITHUB_API_URL 'ftp://example.com' is not an http(s) URL\n"
        "  fix: unset it to use https://api.github.com, or give the API root of your GitHub "
        "Enterprise server (https://HOST/api/v3)"
    )
