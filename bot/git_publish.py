"""Publish a run with git (`--publish git`): commit in the working tree, push, retry on a race.

Every git command goes through `GitPublisher._git`: `git -C <repo> …` without a shell, with a
time limit, and with an environment that shuts out the user's own git setup (no global or
system config, no prompts, English messages) and gives commits the bot's identity. A failure
becomes a PublishError quoting git's message, with any credentials in URLs masked.

When the push is refused because the branch moved, the run's files are rebuilt on the new head
by `bot.publish.resolve_race` (DESIGN "Races, both publish modes") and pushed again, a bounded
number of times. The remote branch is never rewritten (no force push) and the local branch is
never left inside a merge or rebase: on failure it is put back where it was before the
unpushed commit, with the run's files still written in the working tree (DESIGN "Failure and
files"). In a working tree that persists between runs, `unpublished` finds what a failed or
killed run left there (files the remote branch does not have yet), so the next run publishes
it; a commit a killed run made but never pushed is pushed by the next publish.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from bot.errors import BotError, PublishError
from bot.publish import BOT_EMAIL, BOT_NAME, Publication, Published, resolve_race
from bot.store import Store, apply

Runner = Callable[..., subprocess.CompletedProcess[str]]
"""How a command is run: `subprocess.run`'s signature (tests may wrap it)."""

LOCAL_TIMEOUT = 60.0
"""Seconds a local git command (add, commit, reset, …) may take."""
NETWORK_TIMEOUT = 300.0
"""Seconds a fetch or push may take: a hung connection must not eat the job's time."""

_CREDENTIALS = re.compile(r"://[^/\s@]+@")
_MOVED = ("(fetch first)", "(non-fast-forward)", "cannot lock ref")
"""How git says a push was refused because the remote branch is not where we built on."""
_LOCATION = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
    }
)
"""Inherited variables that would point git at another repository than `-C <repo>`."""


def redact(text: str) -> str:
    """`text` with the user and password (or token) of every URL replaced by `***`."""
    return _CREDENTIALS.sub("://***@", text)


def git_environment(inherited: dict[str, str]) -> dict[str, str]:
    """The environment of every git command: the inherited one minus what could redirect git
    or inject configuration, plus isolation from the user's config and the bot's identity."""
    env = {
        key: value
        for key, value in inherited.items()
        if key not in _LOCATION and not key.startswith("GIT_CONFIG")
    }
    env.update(
        {
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_LITERAL_PATHSPECS": "1",
            "GIT_AUTHOR_NAME": BOT_NAME,
            "GIT_AUTHOR_EMAIL": BOT_EMAIL,
            "GIT_COMMITTER_NAME": BOT_NAME,
            "GIT_COMMITTER_EMAIL": BOT_EMAIL,
            "LC_ALL": "C",
        }
    )
    return env


def _detail(result: subprocess.CompletedProcess[str]) -> str:
    """git's own explanation of a failure, without its `hint:` lines (they suggest `git pull`)."""
    text = result.stderr.strip() or result.stdout.strip()
    lines = [line for line in text.splitlines() if not line.startswith("hint:")]
    return redact("\n".join(lines).strip()) or f"exit status {result.returncode}"


class GitPublisher:
    """Commits a publication in the working tree at `repo` and pushes it to `remote`."""

    def __init__(
        self,
        repo: Path,
        *,
        branch: str | None = None,
        remote: str = "origin",
        base_sha: str | None = None,
        attempts: int = 3,
        runner: Runner | None = None,
    ) -> None:
        """`branch` defaults to the checked-out one, `base_sha` (the commit the working tree
        came from) to HEAD; `attempts` bounds the pushes of one publication."""
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {attempts}")
        self.repo = Path(repo).resolve()
        self.branch = branch
        self.remote = remote
        self.base_sha = base_sha
        self.attempts = attempts
        self._runner: Runner = runner or subprocess.run
        self._env = git_environment(dict(os.environ))

    # --- the one way git is run -------------------------------------------------------------

    def _git(
        self, *args: str, check: bool = True, timeout: float = LOCAL_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        argv = [
            "git",
            "-C",
            str(self.repo),
            "-c",
            f"user.name={BOT_NAME}",
            "-c",
            f"user.email={BOT_EMAIL}",
            "-c",
            "commit.gpgsign=false",
            # Global config is shut out, so a container job's `safe.directory` entry is too;
            # trust exactly the repository the bot was pointed at, nothing above it.
            "-c",
            f"safe.directory={self.repo}",
            *args,
        ]
        try:
            result = self._runner(
                argv,
                env=self._env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError as error:
            raise PublishError(
                "git was not found on PATH", "install git (GitHub's runners have it)"
            ) from error
        except subprocess.TimeoutExpired as error:
            raise PublishError(
                f"git {args[0]} did not finish within {timeout:g} seconds",
                "check the connection to the remote and run again; nothing was pushed",
            ) from error
        if check and result.returncode != 0:
            raise self._failure(args[0], result)
        return result

    def _failure(self, command: str, result: subprocess.CompletedProcess[str]) -> PublishError:
        branch = self.branch or "the branch"
        fixes = {
            "push": (
                f"check that the remote '{self.remote}' exists and that this run may push to "
                f"'{branch}' (in Actions: `permissions: contents: write`, and no branch "
                "protection that blocks the bot); nothing was pushed"
            ),
            "fetch": f"check that the remote '{self.remote}' is reachable and has '{branch}'",
            "reset": (
                f"commit or stash your own uncommitted changes in {self.repo}, then run again"
            ),
        }
        fix = fixes.get(
            command,
            f"run `git status` in {self.repo} and resolve what it reports, then run again",
        )
        return PublishError(f"git {command} failed: {_detail(result)}", fix)

    def _out(self, *args: str) -> str:
        return self._git(*args).stdout.strip()

    # --- publishing -------------------------------------------------------------------------

    def publish(self, publication: Publication) -> Published:
        """Commit the publication's paths as one commit and push it to the branch.

        Nothing to commit gives `Published(None)` and no commit. A push refused because the
        branch moved is retried on the new head, `attempts` pushes in all.
        """
        if publication.empty:
            return Published(None)
        self.repo = Path(self._out("rev-parse", "--show-toplevel")).resolve()
        if self.branch is None:
            found = self._git("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
            if found.returncode != 0:
                raise PublishError(
                    f"{self.repo}: HEAD is detached, so there is no branch to push to",
                    "check out the branch to publish to (git switch <branch>), then run again",
                )
            self.branch = found.stdout.strip()
        parent = self._out("rev-parse", "--verify", "HEAD^{commit}")
        tracking = self._tracking(self.branch)
        # a commit an earlier run made here but never pushed (it was killed before the push)
        ahead = tracking is not None and tracking != parent and self._contains(parent, tracking)
        base = self.base_sha or (tracking if ahead and tracking else parent)
        sha = self._commit(publication)
        if sha is None:
            if not ahead:
                return Published(None)
            sha = parent
        try:
            for attempt in range(1, self.attempts + 1):
                if self._push(self.branch):
                    return Published(sha, attempt)
                if attempt == self.attempts:
                    break
                head = self._fetch(self.branch)
                publication = resolve_race(publication, self._upstream(publication, base, head))
                self._git("reset", "--quiet", "--keep", head)
                parent = base = head
                apply(Store(self.repo), publication.changes)
                sha = self._commit(publication)
                if sha is None:  # the new head already holds every file as this run made it
                    return Published(None, attempt)
        except BotError:
            self._undo(parent)
            raise
        self._undo(parent)
        raise PublishError(
            f"the push to '{self.branch}' was refused {self.attempts} times "
            "because the branch kept moving",
            "nothing was pushed; run again once the other pushes to the branch have finished",
        )

    def _commit(self, publication: Publication) -> str | None:
        """Stage exactly the publication's paths and commit them; None when nothing changed."""
        ours = {str(change.path) for change in publication.changes}
        others = sorted(set(self._staged()) - ours)
        if others:
            raise PublishError(
                f"other changes are staged in {self.repo}: {', '.join(others)}",
                "commit them or unstage them (git restore --staged <file>), then run again",
            )
        written = [str(c.path) for c in publication.changes if c.text is not None]
        removed = [str(c.path) for c in publication.changes if c.text is None]
        if written:
            self._git("add", "--all", "--", *written)
        if removed:
            self._git("rm", "--quiet", "--cached", "--ignore-unmatch", "--", *removed)
        if not self._staged():
            return None
        self._git(
            "commit", "--quiet", "--no-verify", "--cleanup=whitespace", "-m", publication.message
        )
        return self._out("rev-parse", "HEAD")

    def _tracking(self, branch: str) -> str | None:
        """The remote branch as last fetched (`refs/remotes/<remote>/<branch>`), if known."""
        ref = f"refs/remotes/{self.remote}/{branch}^{{commit}}"
        found = self._git("rev-parse", "--verify", "--quiet", ref, check=False)
        return found.stdout.strip() or None if found.returncode == 0 else None

    def _contains(self, commit: str, ancestor: str) -> bool:
        """True when `ancestor` is in the history of `commit`."""
        found = self._git("merge-base", "--is-ancestor", ancestor, commit, check=False)
        return found.returncode == 0

    def unpublished(
        self, owned: Sequence[PurePosixPath]
    ) -> dict[PurePosixPath, tuple[str | None, str | None]]:
        """The files under `owned` (paths from the repository root) that differ between the
        remote branch as last fetched and the working tree, as `{path: (text here, text on the
        remote)}` (None where there is no such file): what earlier runs left unpublished.
        Empty when there is no remote branch to compare with."""
        self.repo = Path(self._out("rev-parse", "--show-toplevel")).resolve()
        branch = self.branch
        if branch is None:
            found = self._git("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
            branch = found.stdout.strip() if found.returncode == 0 else ""
        tracking = self._tracking(branch) if branch else None
        if tracking is None or not owned:
            return {}
        paths = [str(path) for path in owned]
        changed = self._git("diff", "--no-renames", "--name-only", "-z", tracking, "--", *paths)
        new = self._git("ls-files", "--others", "--exclude-standard", "-z", "--", *paths)
        names = sorted(set(_names(changed.stdout)) | set(_names(new.stdout)))
        if not names:
            return {}
        listed = self._git("ls-tree", "-r", "-z", "--name-only", tracking, "--", *names)
        remote = set(_names(listed.stdout))
        out: dict[PurePosixPath, tuple[str | None, str | None]] = {}
        for name in names:
            file = self.repo / name
            here = file.read_text(encoding="utf-8") if file.is_file() else None
            there = None
            if name in remote:
                there = self._git("cat-file", "blob", f"{tracking}:{name}").stdout
            out[PurePosixPath(name)] = (here, there)
        return out

    def _staged(self) -> list[str]:
        return _names(self._git("diff", "--cached", "--name-only", "-z").stdout)

    def _push(self, branch: str) -> bool:
        """True when the push landed, False when it was refused because the branch moved."""
        result = self._git(
            "push",
            "--no-verify",
            self.remote,
            f"HEAD:refs/heads/{branch}",
            check=False,
            timeout=NETWORK_TIMEOUT,
        )
        if result.returncode == 0:
            return True
        if any(sign in result.stderr for sign in _MOVED):
            return False
        raise self._failure("push", result)

    def _fetch(self, branch: str) -> str:
        """The branch head on the remote now (fetched, so its trees can be read)."""
        refspec = f"refs/heads/{branch}"
        self._git("fetch", "--quiet", "--no-tags", self.remote, refspec, timeout=NETWORK_TIMEOUT)
        return self._out("rev-parse", "--verify", "FETCH_HEAD^{commit}")

    def _upstream(
        self, publication: Publication, base: str, head: str
    ) -> dict[PurePosixPath, str | None]:
        """The publication's files that changed between `base` and `head`, with their text at
        `head` (None where `head` has no such file)."""
        paths = {str(change.path): change.path for change in publication.changes}
        changed = _names(self._git("diff", "--name-only", "-z", base, head, "--", *paths).stdout)
        if not changed:
            return {}
        listed = self._git("ls-tree", "-r", "-z", "--name-only", head, "--", *changed).stdout
        present = set(_names(listed))
        upstream: dict[PurePosixPath, str | None] = {}
        for name in changed:
            blob = f"{head}:{name}"
            upstream[paths[name]] = (
                self._git("cat-file", "blob", blob).stdout if name in present else None
            )
        return upstream

    def _undo(self, parent: str) -> None:
        """Put the branch back on `parent`, dropping an unpushed commit but keeping its files
        in the working tree; best effort, as the original error is what the user must see."""
        try:
            if self._out("rev-parse", "HEAD") != parent:
                self._git("reset", "--quiet", parent)
        except BotError:
            pass


def _names(output: str) -> list[str]:
    """Paths from `-z` output (NUL-separated, so any character in a name is safe)."""
    return [name for name in output.split("\0") if name]
