"""The run as GitHub Actions drives it: publish modes, step outputs, summary, annotations."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import bot.cli
from bot.cli import main
from bot.clock import FakeClock
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.configs import LLM_LIST
from tests.github_server import FAKE_TOKEN, GithubServer

CONFIG = LLM_LIST


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[GithubServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with GithubServer() as server:
        yield server


@pytest.fixture(autouse=True)
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """GitHub writes are paced on this clock, so the tests never wait."""
    clock = FakeClock()
    monkeypatch.setattr(bot.cli, "CLOCK", clock)
    return clock


def _corpus(server: ArxivServer) -> None:
    server.corpus = [
        FeedEntry(
            id="2611.00001",
            published=datetime(2026, 11, 19, 12, tzinfo=UTC),
            title="LLMs at scale",
            summary="An abstract.",
        )
    ]


def _actions_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, extra: dict[str, str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path.parent / "output.txt"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path.parent / "summary.md"))
    for name, value in extra.items():
        monkeypatch.setenv(name, value)


def test_publish_github_makes_one_commit_and_writes_outputs_and_summary(
    arxiv_server: ArxivServer,
    github: GithubServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In Actions, one commit holds every file of the run; outputs and summary name it."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "config.yml").write_text(CONFIG, encoding="utf-8")
    _corpus(arxiv_server)
    _actions_env(monkeypatch, work, github.environ())
    result = CliRunner().invoke(
        main, ["run", "--config", str(work / "config.yml"), "--date", "2026-11-20",
               "--publish", "github"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    head = github.head()
    assert head != github.base_sha
    assert list(github.commit(head).parents) == [github.base_sha]
    files = github.files()
    for name in [
        "lists/llm-papers/2026/2026-11-20.json",
        "lists/llm-papers/2026/2026-11-20.md",
        "lists/llm-papers/README.md",
        "lists/llm-papers/2026/README.md",
        "lists/.state.json",
    ]:
        assert files[name] == (work / name).read_text(encoding="utf-8")
    assert "lists/x/2026/2026-11-19.json" in files
    output = (tmp_path / "output.txt").read_text(encoding="utf-8")
    assert "papers=1\n" in output
    assert "changed=true\n" in output
    assert f"commit-sha={head}\n" in output
    assert "lists=lists/llm-papers/2026/2026-11-20.md\n" in output
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "LLM Papers" in summary
    assert FAKE_TOKEN not in result.output + output + summary


def test_a_second_run_of_the_same_day_makes_no_commit(
    arxiv_server: ArxivServer,
    github: GithubServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing changed, nothing committed: the branch head stays where it was."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "config.yml").write_text(CONFIG, encoding="utf-8")
    _corpus(arxiv_server)
    _actions_env(monkeypatch, work, github.environ())
    args = ["run", "--config", str(work / "config.yml"), "--date", "2026-11-20"]
    assert CliRunner().invoke(main, [*args, "--publish", "github"]).exit_code == 0
    head = github.head()
    monkeypatch.setenv("GITHUB_SHA", head)
    result = CliRunner().invoke(main, [*args, "--publish", "github"])
    assert result.exit_code == 0, result.output
    assert github.head() == head
    assert "changed=false\n" in (tmp_path / "output.txt").read_text(encoding="utf-8")


def test_a_config_error_in_actions_is_an_annotation_on_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub marks the config file's line: `::error file=config.yml,line=5,…::`."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "config.yml").write_text(CONFIG.replace("keywords", "keywrods"), encoding="utf-8")
    _actions_env(monkeypatch, work, {})
    result = CliRunner().invoke(main, ["run", "--config", str(work / "config.yml")])
    assert result.exit_code == 2
    assert (
        "::error file=config.yml,line=5,title=Config error::"
        "lists[0].keywrods: unknown key 'keywrods'. Did you mean 'keywords'?"
    ) in result.output


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_publish_git_pushes_one_commit_and_nothing_on_a_quiet_rerun(
    arxiv_server: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --publish git the run's files land on the remote in one commit by the bot."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "empty-gitconfig"))
    (tmp_path / "empty-gitconfig").write_text("")
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(remote), str(work))
    (work / "config.yml").write_text(CONFIG, encoding="utf-8")
    ident = ["-c", "user.name=Someone", "-c", "user.email=someone@example.org"]
    _git(work, "add", "config.yml")
    _git(work, *ident, "commit", "-q", "-m", "config")
    _git(work, "push", "-q", "origin", "HEAD:main")
    _corpus(arxiv_server)
    args = ["run", "--config", str(work / "config.yml"), "--date", "2026-11-20"]
    result = CliRunner().invoke(main, [*args, "--publish", "git"])
    assert result.exit_code == 0, result.output
    log = _git(remote, "log", "--format=%an|%s", "main")
    assert log.splitlines() == [
        "github-actions[bot]|arXiv lists for 2026-11-20: 1 new paper",
        "Someone|config",
    ]
    files = _git(remote, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert "lists/llm-papers/2026/2026-11-20.json" in files
    result = CliRunner().invoke(main, [*args, "--publish", "git"])
    assert result.exit_code == 0, result.output
    assert len(_git(remote, "log", "--format=%H", "main").splitlines()) == 2
