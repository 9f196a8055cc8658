"""Publishing with git: a real bare repository as the remote and a second clone that competes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from bot.errors import PublishError
from bot.git_publish import GitPublisher, git_environment, redact
from bot.publish import BOT_EMAIL, BOT_NAME, Publication, Published
from bot.render import END_MARKER, START_MARKER, splice_readme
from bot.store import Change, Store, apply

BOT = f"{BOT_NAME} <{BOT_EMAIL}>"
README = PurePosixPath("README.md")
DAY_JSON = PurePosixPath("lists/llm/2026/2026-01-06.json")
DAY_PAGE = PurePosixPath("lists/llm/2026/2026-01-06.md")
ARCHIVE = PurePosixPath("lists/llm/README.md")
STATE = PurePosixPath("lists/.state.json")
STALE = PurePosixPath("lists/llm/2026/pages/01/2026-01-05-2.md")
NEVER = PurePosixPath("lists/llm/2026/pages/01/2026-01-06-2.md")
USER_README = (
    "# My papers\n\nNotes of my own.\n\n"
    f"{START_MARKER}\nyesterday's papers\n{END_MARKER}\n\nFooter of my own.\n"
)
SECTION = f"{START_MARKER}\ntoday's papers\n{END_MARKER}"
MESSAGE = "arXiv lists for 2026-01-06: 2 new papers\n\n- LLM Papers: 2\n"
INITIAL = {
    "README.md": USER_README,
    "lists/llm/2026/2026-01-05.json": '{"list": "llm", "date": "2026-01-05", "papers": []}\n',
    "lists/llm/2026/2026-01-05.md": "# 2026-01-05\n",
    str(STALE): "# 2026-01-05, page 2\n",
    str(ARCHIVE): "# LLM Papers\n\n- 2026-01-05\n",
    str(STATE): '{"date": "2026-01-05"}\n',
    "LICENSE": "MIT\n",
}
PUSH_FIX = (
    "check that the remote 'origin' exists and that this run may push to 'main' "
    "(in Actions: `permissions: contents: write`, and no branch protection that blocks "
    "the bot); nothing was pushed"
)


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` as the test's own person (never the bot) and return its output."""
    who = ("-c", "user.name=Ada", "-c", "user.email=ada@example.com")
    result = subprocess.run(
        ["git", *who, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def write(root: Path, files: dict[str, str | None]) -> None:
    apply(Store(root), [Change(PurePosixPath(p), text) for p, text in files.items()])


@dataclass(frozen=True)
class Repos:
    remote: Path
    work: Path
    other: Path

    def head(self) -> str:
        return git(self.remote, "rev-parse", "main").strip()

    def show(self, path: PurePosixPath | str) -> str:
        return git(self.remote, "show", f"main:{path}")

    def paths(self) -> set[str]:
        return set(git(self.remote, "ls-tree", "-r", "--name-only", "main").split())

    def compete(self, files: dict[str, str | None], message: str = "Edit on GitHub") -> str:
        """Another writer brings its clone up to date, changes files and pushes them."""
        git(self.other, "pull", "--quiet", "--ff-only", "origin", "main")
        write(self.other, files)
        git(self.other, "add", "--all")
        git(self.other, "commit", "--quiet", "-m", message)
        git(self.other, "push", "--quiet", "origin", "HEAD:refs/heads/main")
        return self.head()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No git identity anywhere: HOME and the global config are empty, system config is off."""
    home = tmp_path / "home"
    home.mkdir()
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def repos(tmp_path: Path, home: Path) -> Repos:
    """A bare remote with one commit on main, the bot's clone and a competitor's clone."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(remote), str(seed))
    write(seed, dict(INITIAL))
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "Start")
    git(seed, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    work, other = tmp_path / "work", tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), str(work))
    git(tmp_path, "clone", "--quiet", str(remote), str(other))
    return Repos(remote, work, other)


def run_day(work: Path) -> Publication:
    """Write the day's files into the working tree as a run does, and describe them."""
    readme = splice_readme((work / README).read_text(encoding="utf-8"), SECTION)
    changes = (
        Change(DAY_JSON, '{"list": "llm", "date": "2026-01-06", "papers": [1, 2]}\n'),
        Change(DAY_PAGE, "# 2026-01-06\n"),
        Change(NEVER, None),
        Change(STALE, None),
        Change(ARCHIVE, "# LLM Papers\n\n- 2026-01-06\n- 2026-01-05\n"),
        Change(README, readme),
        Change(STATE, '{"date": "2026-01-06"}\n'),
    )
    apply(Store(work), changes)
    return Publication(changes, MESSAGE, readme=README, section=SECTION)


def assert_on_remote(repos: Repos, publication: Publication) -> None:
    for change in publication.changes:
        if change.text is None:
            assert str(change.path) not in repos.paths()
        else:
            assert repos.show(change.path) == change.text


def assert_no_operation_in_progress(work: Path) -> None:
    for name in ("MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD"):
        assert not (work / ".git" / name).exists()


def test_publish_commits_exactly_the_runs_files_as_the_bot_without_any_git_identity(
    repos: Repos,
) -> None:
    """With no git identity configured anywhere, one commit by the bot lands with our files."""
    unset = subprocess.run(
        ["git", "config", "user.name"], cwd=repos.work, capture_output=True, check=False
    )
    assert unset.returncode == 1
    before = repos.head()
    publication = run_day(repos.work)

    published = GitPublisher(repos.work).publish(publication)

    assert published == Published(repos.head(), 1)
    assert git(repos.remote, "rev-parse", "main^").strip() == before
    assert git(repos.remote, "log", "-1", "--format=%an <%ae>%n%cn <%ce>", "main") == (
        f"{BOT}\n{BOT}\n"
    )
    assert git(repos.remote, "log", "-1", "--format=%B", "main") == MESSAGE + "\n"
    changed = git(repos.remote, "diff-tree", "-r", "--name-status", "--no-commit-id", "main")
    assert sorted(changed.splitlines()) == sorted(
        [
            f"A\t{DAY_JSON}",
            f"A\t{DAY_PAGE}",
            f"D\t{STALE}",
            f"M\t{STATE}",
            f"M\t{README}",
            f"M\t{ARCHIVE}",
        ]
    )
    assert_on_remote(repos, publication)
    assert git(repos.work, "rev-parse", "HEAD").strip() == published.sha
    assert git(repos.work, "status", "--porcelain") == ""


def test_a_second_publish_with_identical_files_adds_no_commit(repos: Repos) -> None:
    """Publishing the same files again finds nothing to commit and pushes nothing."""
    publication = run_day(repos.work)
    GitPublisher(repos.work).publish(publication)
    head = repos.head()

    again = GitPublisher(repos.work).publish(run_day(repos.work))

    assert again == Published(None)
    assert repos.head() == head
    assert git(repos.work, "rev-parse", "HEAD").strip() == head


def test_a_deletion_alone_is_committed(repos: Repos) -> None:
    """A stale continuation page the run removed is deleted on the branch by one commit."""
    (repos.work / STALE).unlink()
    publication = Publication((Change(STALE, None), Change(NEVER, None)), "Remove a page\n")

    published = GitPublisher(repos.work).publish(publication)

    assert published.sha == repos.head()
    assert str(STALE) not in repos.paths()
    changed = git(repos.remote, "diff-tree", "-r", "--name-status", "--no-commit-id", "main")
    assert changed == f"D\t{STALE}\n"


def test_a_competing_push_of_another_file_lands_below_our_commit(repos: Repos) -> None:
    """A push between our run and our push ends in a linear history holding both changes."""
    publication = run_day(repos.work)
    theirs = repos.compete({"notes.txt": "my notes\n"})

    published = GitPublisher(repos.work).publish(publication)

    assert published == Published(repos.head(), 2)
    assert git(repos.remote, "rev-parse", "main^").strip() == theirs
    assert git(repos.remote, "rev-list", "--merges", "main") == ""
    assert repos.show("notes.txt") == "my notes\n"
    assert_on_remote(repos, publication)
    assert git(repos.work, "rev-parse", "HEAD").strip() == published.sha
    assert git(repos.work, "status", "--porcelain") == ""
    assert_no_operation_in_progress(repos.work)


def test_uncommitted_edits_of_other_files_survive_a_race(repos: Repos) -> None:
    """Rebuilding on the new head keeps the user's own unfinished edits out of it and intact."""
    (repos.work / "LICENSE").write_text("MIT, being edited\n", encoding="utf-8")
    publication = run_day(repos.work)
    repos.compete({"notes.txt": "my notes\n"})

    published = GitPublisher(repos.work).publish(publication)

    assert published.attempts == 2
    assert repos.show("LICENSE") == "MIT\n"
    assert (repos.work / "LICENSE").read_text(encoding="utf-8") == "MIT, being edited\n"
    assert git(repos.work, "status", "--porcelain") == " M LICENSE\n"


def test_a_competing_readme_edit_is_kept_and_our_section_reapplied(repos: Repos) -> None:
    """Their README text outside the markers stays; our section goes into their README."""
    publication = run_day(repos.work)
    edited = USER_README.replace("Notes of my own.", "Notes edited on GitHub.")
    repos.compete({str(README): edited})

    GitPublisher(repos.work).publish(publication)

    assert repos.show(README) == (
        "# My papers\n\nNotes edited on GitHub.\n\n"
        f"{START_MARKER}\ntoday's papers\n{END_MARKER}\n\nFooter of my own.\n"
    )
    assert repos.show(DAY_JSON) == '{"list": "llm", "date": "2026-01-06", "papers": [1, 2]}\n'


def test_a_later_run_state_upstream_is_kept(repos: Repos) -> None:
    """When a later run's state landed meanwhile, it stays and the rest of our files land."""
    publication = run_day(repos.work)
    repos.compete({str(STATE): '{"date": "2026-01-07"}\n'})

    published = GitPublisher(repos.work).publish(publication)

    assert published.attempts == 2
    assert repos.show(STATE) == '{"date": "2026-01-07"}\n'
    assert repos.show(DAY_PAGE) == "# 2026-01-06\n"
    assert git(repos.work, "status", "--porcelain") == ""


def test_a_competing_run_for_the_same_day_stops_with_nothing_pushed(repos: Repos) -> None:
    """When the day JSON changed upstream, publishing fails and the branches stay as they were."""
    base = git(repos.work, "rev-parse", "HEAD").strip()
    publication = run_day(repos.work)
    theirs = repos.compete({str(DAY_JSON): '{"list": "llm", "date": "2026-01-06"}\n'})

    with pytest.raises(PublishError) as caught:
        GitPublisher(repos.work).publish(publication)

    assert str(caught.value) == (
        "lists/llm/2026/2026-01-06.json changed on the branch while this run was working: "
        "two runs wrote the same day\n"
        "  fix: nothing was committed; run the workflow again once the other run has finished"
    )
    assert repos.head() == theirs
    assert git(repos.work, "rev-parse", "HEAD").strip() == base
    assert git(repos.work, "diff", "--cached", "--name-only") == ""
    assert (repos.work / DAY_PAGE).read_text(encoding="utf-8") == "# 2026-01-06\n"
    assert_no_operation_in_progress(repos.work)


def test_pushes_are_bounded_when_the_branch_keeps_moving(repos: Repos) -> None:
    """A branch that moves before every push makes publishing give up after `attempts`."""
    publication = run_day(repos.work)
    pushes: list[str] = []

    def racing(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        if "push" in argv:
            pushes.append(repos.compete({"notes.txt": f"edit {len(pushes)}\n"}))
        return subprocess.run(argv, **kwargs)  # noqa: PLW1510 - the publisher passes check

    with pytest.raises(PublishError) as caught:
        GitPublisher(repos.work, attempts=2, runner=racing).publish(publication)

    assert str(caught.value) == (
        "the push to 'main' was refused 2 times because the branch kept moving\n"
        "  fix: nothing was pushed; run again once the other pushes to the branch have finished"
    )
    assert len(pushes) == 2
    assert repos.head() == pushes[-1]
    authors = git(repos.remote, "log", "--format=%an", "main").split("\n")
    assert BOT_NAME not in authors
    assert git(repos.work, "rev-parse", "HEAD").strip() == pushes[0]
    assert_no_operation_in_progress(repos.work)


def test_a_push_refused_for_another_reason_reports_gits_message(
    repos: Repos, tmp_path: Path
) -> None:
    """A remote that does not exist fails with git's own words and the branch left as it was."""
    missing = tmp_path / "missing.git"
    git(repos.work, "remote", "set-url", "origin", str(missing))
    base = git(repos.work, "rev-parse", "HEAD").strip()

    with pytest.raises(PublishError) as caught:
        GitPublisher(repos.work).publish(run_day(repos.work))

    assert str(caught.value) == (
        f"git push failed: fatal: '{missing}' does not appear to be a git repository\n"
        "fatal: Could not read from remote repository.\n\n"
        "Please make sure you have the correct access rights\n"
        "and the repository exists.\n"
        f"  fix: {PUSH_FIX}"
    )
    assert git(repos.work, "rev-parse", "HEAD").strip() == base
    assert (repos.work / DAY_PAGE).is_file()


def test_a_token_printed_by_the_remote_is_redacted(repos: Repos) -> None:
    """A remote that refuses the push and echoes a URL with a token shows it masked."""
    hook = repos.remote / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\necho 'denied for https://x-access-token:ghs_SECRET@github.com/o/r.git' >&2\n"
        "exit 1\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)

    with pytest.raises(PublishError) as caught:
        GitPublisher(repos.work).publish(run_day(repos.work))

    assert "ghs_SECRET" not in str(caught.value)
    assert caught.value.message == (
        "git push failed: remote: denied for https://***@github.com/o/r.git        \n"
        f"To {repos.remote}\n"
        " ! [remote rejected] HEAD -> main (pre-receive hook declined)\n"
        f"error: failed to push some refs to '{repos.remote}'"
    )


def test_redact_masks_the_user_and_token_of_every_url() -> None:
    """Credentials before `@` in a URL become `***`; other text is left alone."""
    assert redact(
        "fatal: unable to access 'https://x-access-token:ghs_abc@github.com/o/r.git/' "
        "and ssh://git@example.com:22/r, mail me@example.com"
    ) == (
        "fatal: unable to access 'https://***@github.com/o/r.git/' "
        "and ssh://***@example.com:22/r, mail me@example.com"
    )


def test_other_staged_changes_are_refused(repos: Repos) -> None:
    """A file the user staged is never swept into the bot's commit: publishing stops first."""
    write(repos.work, {"private.txt": "mine\n"})
    git(repos.work, "add", "private.txt")
    head = repos.head()

    with pytest.raises(PublishError) as caught:
        GitPublisher(repos.work).publish(run_day(repos.work))

    assert str(caught.value) == (
        f"other changes are staged in {repos.work}: private.txt\n"
        "  fix: commit them or unstage them (git restore --staged <file>), then run again"
    )
    assert repos.head() == head


def test_a_detached_head_without_a_branch_is_refused(repos: Repos) -> None:
    """With HEAD detached and no branch named, there is nothing to push to: say so."""
    git(repos.work, "checkout", "--quiet", "--detach")

    with pytest.raises(PublishError) as caught:
        GitPublisher(repos.work).publish(run_day(repos.work))

    assert str(caught.value) == (
        f"{repos.work}: HEAD is detached, so there is no branch to push to\n"
        "  fix: check out the branch to publish to (git switch <branch>), then run again"
    )


def test_a_named_branch_is_pushed_from_a_detached_head(repos: Repos) -> None:
    """Given `branch`, a detached checkout (as in some CI setups) still publishes to it."""
    git(repos.work, "checkout", "--quiet", "--detach")
    publication = run_day(repos.work)

    published = GitPublisher(repos.work, branch="main").publish(publication)

    assert published.sha == repos.head()
    assert_on_remote(repos, publication)


def test_every_git_command_is_isolated_and_runs_as_the_bot(
    repos: Repos, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each call is `git -C repo` with the bot's identity, no user config, no shell, a limit."""
    calls: list[tuple[list[str], dict[str, Any]]] = []

    def spy(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((argv, kwargs))
        return subprocess.run(argv, **kwargs)  # noqa: PLW1510 - the publisher passes check

    monkeypatch.setenv("GIT_DIR", str(repos.other / ".git"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'user.name'='Someone Else'")
    publisher = GitPublisher(repos.work, runner=spy)
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_CONFIG_PARAMETERS")
    publisher.publish(run_day(repos.work))

    assert calls
    for argv, kwargs in calls:
        assert argv[:8] == [
            "git",
            "-C",
            str(repos.work),
            "-c",
            f"user.name={BOT_NAME}",
            "-c",
            f"user.email={BOT_EMAIL}",
            "-c",
        ]
        assert "--force" not in argv
        assert not kwargs.get("shell")
        assert kwargs["timeout"] > 0
        env = kwargs["env"]
        assert env["GIT_CONFIG_GLOBAL"] == "/dev/null"
        assert env["GIT_CONFIG_NOSYSTEM"] == "1"
        assert env["GIT_TERMINAL_PROMPT"] == "0"
        assert env["LC_ALL"] == "C"
        assert env["GIT_AUTHOR_NAME"] == env["GIT_COMMITTER_NAME"] == BOT_NAME
        assert env["GIT_AUTHOR_EMAIL"] == env["GIT_COMMITTER_EMAIL"] == BOT_EMAIL
        assert "GIT_DIR" not in env
        assert "GIT_CONFIG_PARAMETERS" not in env
    assert git(repos.remote, "log", "-1", "--format=%an", "main") == f"{BOT_NAME}\n"


def test_the_environment_keeps_what_authentication_needs() -> None:
    """SSH and proxy settings pass through; repository pointers and config injection do not."""
    env = git_environment(
        {
            "PATH": "/usr/bin",
            "GIT_SSH_COMMAND": "ssh -i key",
            "HTTPS_PROXY": "http://proxy:3128",
            "GIT_WORK_TREE": "/elsewhere",
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "core.hooksPath",
            "GIT_CONFIG_VALUE_0": "/evil",
        }
    )
    assert env["GIT_SSH_COMMAND"] == "ssh -i key"
    assert env["HTTPS_PROXY"] == "http://proxy:3128"
    assert env["PATH"] == "/usr/bin"
    assert not {"GIT_WORK_TREE", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0"} & set(env)


ONE_PAGE = Publication((Change(DAY_PAGE, "# 2026-01-06\n"),), MESSAGE)


def failing(error: Exception) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise error

    return run


def test_a_hung_git_is_reported_with_its_time_limit(tmp_path: Path) -> None:
    """A git command that outlives its limit fails the publication with the limit named."""
    runner = failing(subprocess.TimeoutExpired(["git"], 60))
    with pytest.raises(PublishError) as caught:
        GitPublisher(tmp_path, runner=runner).publish(ONE_PAGE)
    assert str(caught.value) == (
        "git rev-parse did not finish within 60 seconds\n"
        "  fix: check the connection to the remote and run again; nothing was pushed"
    )


def test_a_missing_git_is_reported(tmp_path: Path) -> None:
    """Without git on PATH the message says to install it."""
    with pytest.raises(PublishError) as caught:
        GitPublisher(tmp_path, runner=failing(FileNotFoundError("git"))).publish(ONE_PAGE)
    assert str(caught.value) == (
        "git was not found on PATH\n  fix: install git (GitHub's runners have it)"
    )


def test_a_failing_git_command_names_the_fix(tmp_path: Path) -> None:
    """A folder that is not a repository fails with git's message and what to do about it."""
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(PublishError) as caught:
        GitPublisher(folder).publish(ONE_PAGE)
    assert str(caught.value) == (
        "git rev-parse failed: fatal: not a git repository "
        "(or any of the parent directories): .git\n"
        f"  fix: run `git status` in {folder} and resolve what it reports, then run again"
    )
