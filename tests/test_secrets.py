"""The token never leaks: not in output, logs, files, exceptions or commits, whatever happens.

Whole runs through the CLI, in GitHub Actions mode (step outputs, job summary, annotations)
with verbose logging, publishing through the GitHub API or with git, and posting the digest:
the token that every request carried is found nowhere a person or the repository can read.
(That the composite action masks the token in the job log is checked in test_workflows.py.)
"""

from __future__ import annotations

import logging
import socket
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

import bot.cli
from bot.cli import main
from bot.clock import FakeClock
from bot.errors import PublishError
from bot.github_publish import from_environment
from bot.publish import Publication
from bot.store import Change
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.github_server import FAKE_TOKEN, GithubServer

CONFIG = """\
timezone: UTC
arxiv: {timeout: 5, retries: 0, backoff: 0, delay: 0}
github: {retries: 1, backoff: 1, deadline: 60}
lists:
  - name: LLM Papers
    keywords: [LLM]
"""
DAY = "2026-11-20"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(bot.cli, "CLOCK", fake)
    return fake


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log line of the run, PyGithub's request log included."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="github")
    return caplog


@pytest.fixture
def work(arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config folder, in GitHub Actions mode, with a paper to list."""
    arxiv_server.corpus = [
        FeedEntry(
            id="2611.00001",
            published=datetime(2026, 11, 19, 12, tzinfo=UTC),
            title="LLMs at scale",
            summary="An abstract.",
        )
    ]
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(folder))
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output.txt"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    return folder


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[GithubServer]:
    with GithubServer() as server:
        for name, value in server.environ().items():
            monkeypatch.setenv(name, value)
        yield server


def _everything_written(root: Path) -> str:
    """The text of every file under `root` (the folder, outputs and summary)."""
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace")
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    )


def _everything_committed(server: GithubServer) -> str:
    """Every blob, tree path and commit (message, author, committer) the server holds."""
    parts = [data.decode("utf-8", "replace") for data in server.blobs.values()]
    for commit in server.commits.values():
        parts += [commit.message, repr(commit.author), repr(commit.committer)]
    parts += [path for sha in server.commits for path in server.files(sha)]
    return "\n".join(parts)


def _run(work: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["-v", "run", "--config", str(work / "config.yml"), "--date", DAY, *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_a_published_run_with_a_digest_leaks_the_token_nowhere(
    work: Path, github: GithubServer, tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    """Success in Actions with --publish github --notify -v: the token is in no output, log
    line, file, step output, job summary, blob or commit — though every request sent it."""
    code, output = _run(work, "--publish", "github", "--notify")
    assert code == 0, output
    assert github.head() != github.base_sha
    assert github.requests and all(r.authorized for r in github.requests)
    for text in (output, logs.text, _everything_written(tmp_path), _everything_committed(github)):
        assert FAKE_TOKEN not in text


def _wrong_token(server: GithubServer, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_WRONGtoken0123456789SECRET")
    return "ghp_WRONGtoken0123456789SECRET"


def _read_only(server: GithubServer, _: pytest.MonkeyPatch) -> str:
    server.read_only = True
    return FAKE_TOKEN


def _down(server: GithubServer, _: pytest.MonkeyPatch) -> str:
    server.fail(503, method="POST", times=None)
    return FAKE_TOKEN


def _dropped(server: GithubServer, _: pytest.MonkeyPatch) -> str:
    server.reset(method="POST", times=None)
    return FAKE_TOKEN


def _race(server: GithubServer, _: pytest.MonkeyPatch) -> str:
    server.push({"lists/llm-papers/2026/2026-11-20.json": "{}\n"})
    return FAKE_TOKEN


BREAKAGES: dict[str, Callable[[GithubServer, pytest.MonkeyPatch], str]] = {
    "401": _wrong_token,
    "403": _read_only,
    "503": _down,
    "reset": _dropped,
    "race": _race,
}


@pytest.mark.parametrize("case", list(BREAKAGES))
def test_a_failed_publish_leaks_the_token_nowhere(
    case: str,
    work: Path,
    github: GithubServer,
    logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Refused, failing, unreachable or raced: exit 1, and the error annotation, the logs and
    the files hold no token."""
    token = BREAKAGES[case](github, monkeypatch)
    code, output = _run(work, "--publish", "github", "--notify")
    assert code == 1, output
    assert "::error title=" in output
    written = _everything_written(work.parent)
    for text in (output, logs.text, written, _everything_committed(github)):
        assert token not in text


def test_a_failed_digest_leaks_the_token_nowhere(
    work: Path, github: GithubServer, tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    """The issues API refusing the digest: a warning without the token."""
    github.fail(403, {"message": "Resource not accessible by integration"}, path="/issues",
                times=None)  # fmt: skip
    code, output = _run(work, "--notify")
    assert code == 0, output
    assert "::warning title=arXiv digest not posted::" in output
    for text in (output, logs.text, _everything_written(tmp_path)):
        assert FAKE_TOKEN not in text


def test_an_exception_chain_holds_no_token(github: GithubServer, clock: FakeClock) -> None:
    """A PublishError, its cause and its context, as text and repr, hold no token."""
    github.read_only = True
    publisher = from_environment(github.environ(), clock=clock)
    change = Change(PurePosixPath("lists/x/2026/2026-11-20.json"), "{}\n")
    with pytest.raises(PublishError) as raised:
        publisher.publish(Publication((change,), "a message\n"))
    seen: BaseException | None = raised.value
    chain = []
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    assert chain
    for error in chain:
        assert FAKE_TOKEN not in str(error)
        assert FAKE_TOKEN not in repr(error)
        assert FAKE_TOKEN not in repr(error.args)
    assert FAKE_TOKEN not in repr(publisher)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_git_mode_masks_a_token_in_the_remote_url(
    work: Path, tmp_path: Path, logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout whose remote URL carries the token (persist-credentials): a failed push
    reports git's message without the credentials, and no commit keeps the token."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("")
    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", "config.yml")
    _git(work, "-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-q", "-m", "c")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://x-access-token:{FAKE_TOKEN}@127.0.0.1:{port}/owner/repo.git"
    _git(work, "remote", "add", "origin", url)
    code, output = _run(work, "--publish", "git")
    assert code == 1, output
    assert "error: git push failed: " in output
    assert f"unable to access 'http://127.0.0.1:{port}/owner/repo.git/'" in output
    log = _git(work, "log", "--all", "--format=%an %ae %s %b")
    for text in (output, logs.text, log, _everything_written(tmp_path)):
        assert FAKE_TOKEN not in text
