"""Crash safety: a run killed at any point leaves every file whole, and the next run repairs.

The run is a real `python -m bot run` process, killed with SIGKILL at chosen points:
- after the N-th file replacement, or half-way through writing the N-th file's temp file
  (the test hooks of bot/store.py, ARXIV_BOT_TEST_KILL_AFTER_WRITES / _DURING_WRITE);
- while publishing with git, between the local commit and the push (a `git` on PATH that
  kills its caller when asked to push);
- while publishing through the GitHub API, after the tree is made and before the commit.

After each kill every file is either as it was before the run or as an uninterrupted run
writes it (never torn), and the next ordinary run, with no repair by hand, ends with exactly
the files (and the branch) an uninterrupted run makes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import bot.cli
from bot import store
from bot.cli import main
from bot.clock import FakeClock
from bot.render import END_MARKER, START_MARKER
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.configs import LLM_LIST
from tests.files import snapshot
from tests.github_server import GithubServer

ROOT = Path(__file__).resolve().parent.parent

CONFIG = LLM_LIST + "  - name: Agents\n    keywords: [agent*]\n"

README = "# My reading list\n\nMy own words, kept byte for byte.\n"

DAY1, DAY2, DAY3 = "2026-11-18", "2026-11-19", "2026-11-20"


def _entry(number: int, day: int, title: str) -> FeedEntry:
    return FeedEntry(
        id=f"2611.{number:05d}",
        published=datetime(2026, 11, day, 9, number, tzinfo=UTC),
        title=title,
        summary="An abstract with *stars* and <tags>.",
    )


CORPUS = [
    _entry(1, 17, "LLMs at scale"),
    _entry(2, 17, "Agents that plan"),
    _entry(3, 18, "LLM agents in the wild"),
    _entry(4, 18, "Small LLMs"),
    _entry(5, 19, "Agentic search"),
    _entry(6, 19, "LLM judges"),
    _entry(7, 20, "LLMs on day three"),
    _entry(8, 20, "Agents on day three"),
]


def _fresh(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    return folder


def _run(folder: Path, day: str, *extra: str) -> str:
    """An ordinary, uninterrupted run in this process; its output."""
    result = CliRunner().invoke(
        main, ["run", "--config", str(folder / "config.yml"), "--date", day, *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _command(folder: Path, day: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "bot", "run", "--config", str(folder / "config.yml"),
            "--date", day, *extra]  # fmt: skip


def _killed_run(
    folder: Path, day: str, env: Mapping[str, str], *extra: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot run` in its own process, expected to die by SIGKILL."""
    result = subprocess.run(
        _command(folder, day, *extra), cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stdout, result.stderr)
    return result


def _written(output: str) -> list[str]:
    """The files a run's summary says it wrote, in writing order."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Wrote "))
    return [line.strip() for line in lines[start + 1 :] if line.startswith("  ")]


def _assert_whole(
    folder: Path,
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    *,
    debris: int = 0,
) -> None:
    """Every file is as before the run or as the uninterrupted run left it; JSON parses;
    the README keeps its own text and one pair of markers; `debris` temp files at most."""
    now = snapshot(folder)
    temps = [name for name in now if Path(name).name.endswith(".tmp")]
    assert len(temps) == debris, temps
    for name, data in now.items():
        if name in temps:
            continue
        assert data in {before.get(name), after.get(name)}, f"{name} is torn"
        if name.endswith(".json"):
            json.loads(data)
    for name in before:
        assert name in now, f"{name} disappeared"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(README)
    if START_MARKER in readme:
        assert readme.count(START_MARKER) == readme.count(END_MARKER) == 1
        assert readme.index(START_MARKER) < readme.index(END_MARKER)


@pytest.fixture(autouse=True)
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """In-process runs wait on this clock (GitHub's write pacing), never for real."""
    clock = FakeClock()
    monkeypatch.setattr(bot.cli, "CLOCK", clock)
    return clock


@pytest.fixture(scope="module")
def env() -> Iterator[dict[str, str]]:
    """A local arXiv for the whole module; what a run (here or in its own process) needs."""
    with ArxivServer() as server, pytest.MonkeyPatch.context() as patch:
        server.corpus = CORPUS
        values = {"ARXIV_API_URL": server.url, "NO_PROXY": "127.0.0.1"}
        for name, value in values.items():
            patch.setenv(name, value)
        yield values


@dataclass(frozen=True)
class Reference:
    """The folder after uninterrupted runs of each date, and the files DAY2 writes in order."""

    snapshots: dict[str, dict[str, bytes]]
    writes: list[str]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Reference:
    folder = _fresh(tmp_path_factory.mktemp("reference") / "lists")
    _run(folder, DAY1)
    snapshots = {DAY1: snapshot(folder)}
    written = _written(_run(folder, DAY2))
    snapshots[DAY2] = snapshot(folder)
    _run(folder, DAY3)
    snapshots[DAY3] = snapshot(folder)
    return Reference(snapshots, written)


def _day1(root: Path, name: str) -> Path:
    folder = _fresh(root / name)
    _run(folder, DAY1)
    return folder


def _kill_at_each(
    root: Path, env: Mapping[str, str], hook: str, points: Sequence[int]
) -> dict[int, Path]:
    """A DAY1 folder per point, each with a DAY2 run killed by `hook` at that point (the
    processes run a few at a time)."""
    folders = {point: _day1(root, f"{hook}-{point}") for point in points}
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = [
            pool.submit(_killed_run, folder, DAY2, {**env, hook: str(point)})
            for point, folder in folders.items()
        ]
        for future in done:
            future.result()
    return folders


@pytest.fixture(scope="module")
def killed_after(
    tmp_path_factory: pytest.TempPathFactory, env: dict[str, str], reference: Reference
) -> dict[int, Path]:
    """DAY2 runs killed right after their 1st, 2nd, … file (all but the last)."""
    root = tmp_path_factory.mktemp("killed-after")
    points = range(1, len(reference.writes))
    return _kill_at_each(root, env, store.KILL_AFTER_WRITES, points)


def test_the_kill_hooks_do_nothing_when_unset(
    tmp_path: Path, env: dict[str, str], reference: Reference
) -> None:
    """Without the hooks a separate process runs to the end and writes what a run writes."""
    folder = _day1(tmp_path, "plain")
    for hook in (store.KILL_AFTER_WRITES, store.KILL_DURING_WRITE):
        assert hook not in os.environ
    result = subprocess.run(
        _command(folder, DAY2), cwd=ROOT, env={**os.environ, **env}, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert snapshot(folder) == reference.snapshots[DAY2]


def test_a_run_killed_after_any_file_is_whole_and_the_next_run_finishes_it(
    tmp_path: Path, reference: Reference, killed_after: dict[int, Path]
) -> None:
    """Killed after the 1st, 2nd, … file: files are old or new, and a re-run of the date ends
    exactly as an uninterrupted run."""
    before, after = reference.snapshots[DAY1], reference.snapshots[DAY2]
    assert len(reference.writes) >= 7  # day JSON, pages, a neighbour, archives, README, state
    for point, killed in killed_after.items():
        folder = tmp_path / f"after-{point}"
        shutil.copytree(killed, folder)
        _assert_whole(folder, before, after)
        assert snapshot(folder) != before, f"nothing written before kill {point}"
        _run(folder, DAY2)
        assert snapshot(folder) == after, f"killed after write {point}"


def test_a_run_killed_while_writing_a_file_leaves_the_old_file_and_no_debris_after_the_next_run(
    tmp_path: Path, env: dict[str, str], reference: Reference
) -> None:
    """Killed half-way through a temp file — of a day JSON, a day page, an archive, the README
    and the run state: the target is untouched, and the next run removes the half-written temp
    file and ends as an uninterrupted run."""
    before, after = reference.snapshots[DAY1], reference.snapshots[DAY2]
    writes = reference.writes
    kinds = [
        next(i for i, w in enumerate(writes) if w.endswith(".json")),
        next(i for i, w in enumerate(writes) if w.endswith(".md") and w[-7].isdigit()),
        next(i for i, w in enumerate(writes) if w.endswith("/README.md")),
        writes.index("README.md"),
        writes.index("lists/.state.json"),
    ]
    points = [index + 1 for index in kinds]
    for point, folder in _kill_at_each(tmp_path, env, store.KILL_DURING_WRITE, points).items():
        _assert_whole(folder, before, after, debris=1)
        _run(folder, DAY2)
        assert snapshot(folder) == after, f"killed while writing file {point}"


def _listed(files: Mapping[str, bytes]) -> dict[tuple[str, str], list[str]]:
    """(list, paper id) → the dates of the day files holding it."""
    seen: dict[tuple[str, str], list[str]] = {}
    for name, data in files.items():
        if name.endswith(".json") and Path(name).name[:4].isdigit():
            day = json.loads(data)
            for paper in day["papers"]:
                seen.setdefault((day["list"], paper["id"]), []).append(day["date"])
    return seen


def test_after_a_kill_the_next_days_run_ends_as_if_nothing_had_happened(
    tmp_path: Path, reference: Reference, killed_after: dict[int, Path]
) -> None:
    """The next scheduled run (the following date) repairs what the kill left: every paper
    listed exactly once; once the day files were all written, every page and archive as after
    uninterrupted runs, only the run state remembering a wider window (the killed run never
    recorded its own)."""
    writes = reference.writes
    day_files = [w for w in writes if w.endswith(".json") and not w.endswith(".state.json")]
    assert writes[: len(day_files)] == day_files  # the day JSON files are written first
    expected = _listed(reference.snapshots[DAY3])
    for point, killed in killed_after.items():
        folder = tmp_path / f"next-day-{point}"
        shutil.copytree(killed, folder)
        _run(folder, DAY3)
        now = snapshot(folder)
        listed = _listed(now)
        assert listed.keys() == expected.keys(), f"killed after write {point}"
        assert all(len(dates) == 1 for dates in listed.values()), listed
        for key, dates in listed.items():
            # a list whose day file the kill prevented lists its papers on the next day
            assert dates[0] >= expected[key][0], (point, key)
        if point < len(day_files):
            continue
        state = "lists/.state.json"
        assert {k: v for k, v in now.items() if k != state} == {
            k: v for k, v in reference.snapshots[DAY3].items() if k != state
        }, f"killed after write {point}"
        ours, theirs = json.loads(now[state]), json.loads(reference.snapshots[DAY3][state])
        assert ours["date"] == theirs["date"] == DAY3
        assert ours["window_start"] <= theirs["window_start"]


# --- killed while publishing -------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def _tree(remote: Path) -> dict[str, str]:
    """Every file on the remote's main branch with its text."""
    names = _git(remote, "ls-tree", "-r", "--name-only", "main").splitlines()
    return {name: _git(remote, "show", f"main:{name}") for name in names}


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An isolated git setup, and a `git` wrapper that kills its caller on `push`."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("")
    wrapper = tmp_path / "killing-git"
    wrapper.mkdir()
    real = shutil.which("git")
    assert real is not None
    (wrapper / "git").write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$arg" = push ]; then kill -9 "$PPID"; exit 1; fi\n'
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    (wrapper / "git").chmod(0o755)
    yield wrapper


def _repository(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A bare remote holding the config, the README and DAY1's lists, and a clone of it."""
    remote = tmp_path / f"{name}.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    work = tmp_path / f"{name}-work"
    _git(tmp_path, "clone", "-q", str(remote), str(work))
    (work / "config.yml").write_text(CONFIG, encoding="utf-8")
    (work / "README.md").write_text(README, encoding="utf-8")
    _run(work, DAY1)
    ident = ["-c", "user.name=Someone", "-c", "user.email=someone@example.org"]
    _git(work, "add", "--all")
    _git(work, *ident, "commit", "-q", "-m", "lists so far")
    _git(work, "push", "-q", "origin", "HEAD:main")
    return remote, work


def test_a_git_publish_killed_before_the_push_is_published_by_the_next_run(
    tmp_path: Path, env: dict[str, str], git_home: Path
) -> None:
    """Killed between the commit and the push: the remote is as before; the next run, in a
    fresh checkout as in Actions or in the same working tree, pushes exactly the files and
    the one commit an uninterrupted run pushes."""
    remote, work = _repository(tmp_path, "reference")
    _run(work, DAY2, "--publish", "git")
    expected = _tree(remote)
    assert _git(remote, "log", "--format=%an|%s", "main").splitlines()[0] == (
        "github-actions[bot]|arXiv lists for 2026-11-19: 2 new papers"
    )

    for fresh_checkout in (True, False):
        name = "fresh" if fresh_checkout else "same"
        remote, work = _repository(tmp_path, name)
        before = _tree(remote)
        path = f"{git_home}{os.pathsep}{os.environ['PATH']}"
        _killed_run(work, DAY2, {**env, "PATH": path}, "--publish", "git")
        assert _tree(remote) == before
        if fresh_checkout:
            work = tmp_path / f"{name}-again"
            _git(tmp_path, "clone", "-q", str(remote), str(work))
        _run(work, DAY2, "--publish", "git")
        assert _tree(remote) == expected, name
        log = _git(remote, "log", "--format=%an|%s", "main").splitlines()
        assert log == [
            "github-actions[bot]|arXiv lists for 2026-11-19: 2 new papers",
            "Someone|lists so far",
        ], name
        assert _git(work, "status", "--porcelain") == ""


def test_a_github_publish_killed_mid_way_is_published_by_the_next_run(
    tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the tree is sent and before the commit: the branch is as before, and the
    next run (a fresh checkout of the branch) commits exactly the files once."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    day1 = _day1(tmp_path, "day1")
    files = {name: data.decode() for name, data in snapshot(day1).items()}
    with GithubServer(files=files) as reference_server:
        work = tmp_path / "reference"
        shutil.copytree(day1, work)
        for name, value in reference_server.environ().items():
            monkeypatch.setenv(name, value)
        _run(work, DAY2, "--publish", "github")
        expected = reference_server.files()

    with GithubServer(files=files) as server:
        work = tmp_path / "killed"
        shutil.copytree(day1, work)
        running: list[subprocess.Popen[str]] = []

        def kill() -> None:
            running[0].kill()

        server.before("POST", "/git/commits", kill)
        running.append(
            subprocess.Popen(
                _command(work, DAY2, "--publish", "github"),
                cwd=ROOT,
                env={**os.environ, **env, **server.environ()},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        running[0].communicate(timeout=120)
        assert running[0].returncode == -signal.SIGKILL
        assert server.head() == server.base_sha
        again = tmp_path / "checkout"
        shutil.copytree(day1, again)
        for name, value in server.environ().items():
            monkeypatch.setenv(name, value)
        _run(again, DAY2, "--publish", "github")
        assert server.files() == expected
        assert server.history() == [server.head(), server.base_sha]
