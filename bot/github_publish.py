"""Publishing through GitHub's Git Data API: the run's files as one commit on the branch.

The `github` publish mode, for a workflow that has no push rights of its own to set up: with the
job's `GITHUB_TOKEN` it reads the branch head, builds one tree holding every file of the run
(deletions included) on the head's tree, commits it as github-actions[bot] and moves the branch
to it without force. When the head is no longer the commit the run started from, the files this
run writes are compared between the two and `bot.publish.resolve_race` decides what goes on the
new head (DESIGN: "Publishing after a 422", "Races, both publish modes"); a push that lands
meanwhile makes GitHub answer 422 "Update is not a fast forward", and the whole step is redone on
the new head, a bounded number of times.

Every call goes through one bounded retry loop (PyGithub's own retries and throttling are off):
5xx, 429, rate-limit 403s and network faults are retried with doubling waits, honouring
`Retry-After` and `x-ratelimit-reset`, never past the deadline, all measured and slept on the
injected clock. Every other refusal becomes a `PublishError` naming the cause and the fix; the
branch is left as it was. The token never appears in a message or a log line.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar
from urllib.parse import urlsplit

import github
import requests
from github.GitCommit import GitCommit
from github.GithubException import GithubException
from github.GitRef import GitRef
from github.GitTree import GitTree
from github.Repository import Repository

from bot.clock import Clock
from bot.errors import PublishError
from bot.publish import BOT_EMAIL, BOT_NAME, Publication, Published, resolve_race
from bot.source import parse_retry_after

__all__ = ["DEFAULT_API_URL", "GithubPublisher", "GithubSettings", "from_environment"]

DEFAULT_API_URL = "https://api.github.com"

SECONDARY_LIMIT_WAIT = 60.0
"""GitHub's advice for a secondary rate limit that names no time: wait at least a minute."""

PERMISSION_FIX = (
    "grant `contents: write` under `permissions:` in the workflow file, and set the repository's "
    'Settings → Actions → General → Workflow permissions to "Read and write permissions"'
)
RETRY_LATER_FIX = (
    "nothing was committed; GitHub may be having trouble (https://www.githubstatus.com): "
    "run the workflow again later"
)

_log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class GithubSettings:
    """Config `github:`: retries after the first try of each call, the first wait (doubling),
    the bound in seconds of the whole publishing step; and the pacing of writes."""

    retries: int = 4
    backoff: float = 5
    deadline: float = 300
    write_gap: float = 1.0
    """Seconds between two writes (GitHub asks for one between content-creating requests)."""
    timeout: float = 30
    """Seconds to wait for one response (whole seconds: PyGithub takes an int)."""


@dataclass
class _Progress:
    """What one publishing step carries from one attempt to the next."""

    at_base: dict[str, str] | None = None
    """The blob of each file the run writes, at the commit the run started from."""
    tried: str | None = None
    """The last commit the branch was asked to move to."""


class _NotFastForward(Exception):  # noqa: N818 - a signal to the commit loop, never shown
    """The branch moved between reading its head and moving it (HTTP 422)."""


@dataclass(frozen=True)
class _Fault:
    """A failed call worth retrying."""

    cause: str
    asked: float | None = None
    """Seconds the server asked to wait (Retry-After, rate-limit reset), if any."""
    rate_limited: bool = False


def _message(error: GithubException) -> str:
    data = error.data
    text = data.get("message") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        return ""
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


def _http(error: GithubException) -> str:
    """`HTTP 403: Resource not accessible by integration`."""
    message = _message(error)
    return f"HTTP {error.status}: {message}" if message else f"HTTP {error.status}"


def _headers(error: GithubException) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (error.headers or {}).items()}


def _is_rate_limit(error: GithubException, headers: Mapping[str, str]) -> bool:
    if error.status == 429:
        return True
    if error.status != 403:
        return False
    message = _message(error).lower()
    return (
        "rate limit" in message
        or "retry-after" in headers
        or headers.get("x-ratelimit-remaining") == "0"
    )


def _is_protected(message: str) -> bool:
    lowered = message.lower()
    return any(
        phrase in lowered
        for phrase in (
            "protected branch",
            "repository rule violation",
            "changes must be made through a pull request",
            "required status check",
        )
    )


class GithubPublisher:
    """Publishes a `Publication` as one commit on `branch` of `repository` (`owner/name`)."""

    def __init__(
        self,
        *,
        token: str,
        repository: str,
        branch: str,
        base_sha: str,
        api_url: str = DEFAULT_API_URL,
        clock: Clock,
        settings: GithubSettings = GithubSettings(),
    ) -> None:
        parts = urlsplit(api_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PublishError(
                f"GITHUB_API_URL {api_url!r} is not an http(s) URL",
                f"unset it to use {DEFAULT_API_URL}, or give the API root of your GitHub "
                "Enterprise server (https://HOST/api/v3)",
            )
        self._token = token
        self.repository = repository
        self.branch = branch
        self.base_sha = base_sha
        self.api_url = api_url.rstrip("/")
        self._clock = clock
        self.settings = settings
        self._deadline_at = 0.0
        self._last_write: float | None = None

    def __repr__(self) -> str:
        return (
            f"GithubPublisher(repository={self.repository!r}, branch={self.branch!r}, "
            f"base_sha={self.base_sha!r}, api_url={self.api_url!r})"
        )

    # -- the commit -------------------------------------------------------------------------

    def publish(self, publication: Publication) -> Published:
        """Commit every change of `publication` as one commit on the branch, or raise
        PublishError leaving the branch as it was."""
        if publication.empty:
            return Published(sha=None)
        self._deadline_at = self._clock.monotonic() + self.settings.deadline
        self._last_write = None
        client = github.Github(
            auth=github.Auth.Token(self._token),
            base_url=self.api_url,
            timeout=max(1, math.ceil(self.settings.timeout)),
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        try:
            return self._publish(client, publication)
        finally:
            client.close()

    def _publish(self, client: github.Github, publication: Publication) -> Published:
        repo = self._call(
            f"reading the repository {self.repository}",
            lambda: client.get_repo(self.repository),
            not_found=self._no_repository,
        )
        progress = _Progress()
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            ref = self._call(
                f"reading branch {self.branch!r}",
                lambda: repo.get_git_ref(f"heads/{self.branch}"),
                not_found=self._no_branch,
            )
            if progress.tried is not None and ref.object.sha == progress.tried:
                # the branch did move to our commit, though GitHub's answer said otherwise
                return Published(sha=progress.tried, attempts=attempt - 1)
            try:
                sha = self._attempt(repo, ref, publication, progress)
            except _NotFastForward:
                _log.info(
                    "branch %r moved while publishing (attempt %d of %d): re-reading its head",
                    self.branch,
                    attempt,
                    attempts,
                )
                continue
            return Published(sha=sha, attempts=attempt)
        raise PublishError(
            f"branch {self.branch!r} of {self.repository} moved {attempts} times while this run "
            "tried to commit onto it",
            "nothing was committed; run the workflow again once the other pushes are done",
        )

    def _attempt(
        self, repo: Repository, ref: GitRef, publication: Publication, progress: _Progress
    ) -> str | None:
        """One commit of the publication onto the head `ref` points at; its sha, or None when
        the head already holds every change. Raises _NotFastForward when the branch moved."""
        paths = [str(change.path) for change in publication.changes]
        head_sha = ref.object.sha
        head = self._commit_at(repo, head_sha)
        todo = publication
        at_head: dict[str, str] | None = None
        if head_sha != self.base_sha:
            if progress.at_base is None:
                base = self._commit_at(repo, self.base_sha, not_found=self._no_base)
                progress.at_base = self._blobs(repo, base, paths)
            at_base = progress.at_base
            at_head = self._blobs(repo, head, paths)
            upstream = {
                PurePosixPath(path): self._text(repo, at_head[path]) if path in at_head else None
                for path in paths
                if at_base.get(path) != at_head.get(path)
            }
            todo = resolve_race(publication, upstream)
        if at_head is None and any(change.text is None for change in todo.changes):
            at_head = self._blobs(repo, head, paths)
        elements = self._elements(todo, at_head)
        if not elements:
            return None
        tree = self._call(
            "creating the tree of the commit",
            lambda: repo.create_git_tree(elements, base_tree=head.tree),
            write=True,
        )
        if tree.sha == head.tree.sha:
            return None
        bot = github.InputGitAuthor(BOT_NAME, BOT_EMAIL)
        commit = self._call(
            "creating the commit",
            lambda: repo.create_git_commit(todo.message, tree, [head], bot, bot),
            write=True,
        )
        progress.tried = commit.sha
        self._call(
            f"moving branch {self.branch!r} to the new commit",
            lambda: ref.edit(commit.sha, force=False),
            write=True,
        )
        return commit.sha

    @staticmethod
    def _elements(
        publication: Publication, at_head: Mapping[str, str] | None
    ) -> list[github.InputGitTreeElement]:
        elements: list[github.InputGitTreeElement] = []
        for change in publication.changes:
            path = str(change.path)
            if change.text is not None:
                elements.append(
                    github.InputGitTreeElement(path, "100644", "blob", content=change.text)
                )
            elif at_head is not None and path in at_head:
                # GitHub refuses to delete a file the tree does not hold
                elements.append(github.InputGitTreeElement(path, "100644", "blob", sha=None))
        return elements

    def _commit_at(
        self,
        repo: Repository,
        sha: str,
        *,
        not_found: Callable[[GithubException], PublishError] | None = None,
    ) -> GitCommit:
        return self._call(
            f"reading commit {sha[:12]}", lambda: repo.get_git_commit(sha), not_found=not_found
        )

    def _blobs(self, repo: Repository, commit: GitCommit, paths: Collection[str]) -> dict[str, str]:
        """`{path: blob sha}` for those of `paths` the commit holds as files."""
        what = f"reading the files of commit {commit.sha[:12]}"
        root = commit.tree.sha
        tree = self._call(what, lambda: repo.get_git_tree(root, recursive=True))
        if not tree.truncated:
            wanted = set(paths)
            return {e.path: e.sha for e in tree.tree if e.type == "blob" and e.path in wanted}
        # too big to list at once: walk down to each path, one folder at a time
        folders: dict[str, GitTree] = {}

        def folder(sha: str) -> GitTree:
            if sha not in folders:
                folders[sha] = self._call(what, lambda: repo.get_git_tree(sha))
            return folders[sha]

        found: dict[str, str] = {}
        for path in paths:
            sha, *names = [root, *path.split("/")]
            for depth, name in enumerate(names, start=1):
                entry = next((e for e in folder(sha).tree if e.path == name), None)
                if entry is None:
                    break
                if depth == len(names):
                    if entry.type == "blob":
                        found[path] = entry.sha
                elif entry.type == "tree":
                    sha = entry.sha
                else:
                    break
        return found

    def _text(self, repo: Repository, sha: str) -> str:
        blob = self._call(f"reading blob {sha[:12]}", lambda: repo.get_git_blob(sha))
        try:
            data = base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content
            return data.decode("utf-8") if isinstance(data, bytes) else data
        except (binascii.Error, UnicodeDecodeError) as error:
            raise PublishError(
                f"a file this run writes changed on branch {self.branch!r} of "
                f"{self.repository} and is not UTF-8 text ({error})",
                "restore the file on the branch, then run the workflow again",
            ) from None

    # -- calls, retries, errors ----------------------------------------------------------------

    def _call(
        self,
        what: str,
        action: Callable[[], T],
        *,
        write: bool = False,
        not_found: Callable[[GithubException], PublishError] | None = None,
    ) -> T:
        """`action()`, retried while it fails in a way worth retrying."""
        failures = 0
        while True:
            if write:
                self._pace()
            try:
                return action()
            except GithubException as error:
                fault = self._fault(what, error, not_found)
            except requests.RequestException as error:
                fault = _Fault(f"no answer from {self._host} ({type(error).__name__})")
            finally:
                if write:
                    self._last_write = self._clock.monotonic()
            failures += 1
            self._wait(what, fault, failures)

    def _pace(self) -> None:
        if self._last_write is None:
            return
        gap = self.settings.write_gap - (self._clock.monotonic() - self._last_write)
        if gap > 0:
            self._clock.sleep(gap)

    def _wait(self, what: str, fault: _Fault, failures: int) -> None:
        tries = f"{failures} {'try' if failures == 1 else 'tries'}"
        if failures > self.settings.retries:
            raise PublishError(
                f"GitHub kept failing while {what} in {self.repository}: "
                f"{fault.cause} after {tries}",
                RETRY_LATER_FIX,
            )
        wait = self.settings.backoff * 2.0 ** (failures - 1)
        if fault.asked is not None:
            wait = max(wait, fault.asked)
        elif fault.rate_limited:
            wait = max(wait, SECONDARY_LIMIT_WAIT)
        if self._clock.monotonic() + wait > self._deadline_at:
            if fault.rate_limited:
                raise PublishError(
                    f"GitHub's rate limit holds back {what} in {self.repository} for "
                    f"{wait:g} s ({fault.cause}), past the publishing deadline of "
                    f"{self.settings.deadline:g} s",
                    "nothing was committed; run the workflow again once the limit resets "
                    "(the job's GITHUB_TOKEN may make 1,000 API requests per hour per repository)",
                )
            raise PublishError(
                f"GitHub kept failing while {what} in {self.repository}: {fault.cause} after "
                f"{tries}; waiting {wait:g} s more would pass the publishing deadline of "
                f"{self.settings.deadline:g} s",
                RETRY_LATER_FIX,
            )
        _log.warning(
            "GitHub: %s while %s; retry %d of %d in %g s",
            fault.cause,
            what,
            failures,
            self.settings.retries,
            wait,
        )
        self._clock.sleep(wait)

    @property
    def _host(self) -> str:
        return urlsplit(self.api_url).hostname or self.api_url

    def _fault(
        self,
        what: str,
        error: GithubException,
        not_found: Callable[[GithubException], PublishError] | None,
    ) -> _Fault:
        """The retryable fault `error` is, or raise the PublishError (or race) it means."""
        status = error.status
        headers = _headers(error)
        message = _message(error)
        if status >= 500:
            return _Fault(_http(error))
        if _is_rate_limit(error, headers):
            asked = parse_retry_after(headers.get("retry-after"), self._clock.now())
            reset = headers.get("x-ratelimit-reset", "")
            if asked is None and headers.get("x-ratelimit-remaining") == "0" and reset:
                try:
                    asked = max(0.0, math.ceil(float(reset) - self._clock.now().timestamp()))
                except ValueError:
                    asked = None
            return _Fault(_http(error), asked=asked, rate_limited=True)
        if status == 422 and "fast forward" in message.lower():
            raise _NotFastForward from None
        raise self._refusal(what, error, not_found) from None

    def _refusal(
        self,
        what: str,
        error: GithubException,
        not_found: Callable[[GithubException], PublishError] | None,
    ) -> PublishError:
        status, message, http = error.status, _message(error).lower(), _http(error)
        where = f"{what} in {self.repository} ({http})"
        if status == 404 and not_found is not None:
            return not_found(error)
        if status == 401:
            text = f"GitHub rejected the token while {what} ({http}): it is invalid or has expired"
            fix = (
                "in a workflow, give the step the job's own token "
                "(env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}); locally, set GITHUB_TOKEN "
                f"to a current personal access token that may write to {self.repository}"
            )
        elif status in {403, 422} and _is_protected(message):
            text = (
                f"branch {self.branch!r} of {self.repository} is protected: "
                f"GitHub refused {what} ({http})"
            )
            fix = (
                "allow GitHub Actions to push to it (a bypass for github-actions[bot] in the "
                "branch's protection rule or ruleset, under Settings → Branches or Settings → "
                "Rules), or use `--publish git` with a token or deploy key that may push to it"
            )
        elif status in {403, 404}:
            text = f"GitHub refused {where}: the token lacks permission to write to the repository"
            fix = PERMISSION_FIX
        elif status == 409 and "empty" in message:
            text = (
                f"the repository {self.repository} is empty ({http}): "
                f"there is no branch {self.branch!r} to commit onto"
            )
            fix = (
                f"push a first commit (a README will do) to branch {self.branch!r}, "
                "then run the workflow again"
            )
        elif status == 409:
            text = f"GitHub reported a conflict while {where}"
            fix = "nothing was committed; run the workflow again"
        else:
            text = f"GitHub refused {where}"
            fix = "nothing was committed; run the workflow again, and report a bug if it persists"
        return PublishError(text, fix)

    def _no_repository(self, error: GithubException) -> PublishError:
        return PublishError(
            f"GitHub found no repository {self.repository} ({_http(error)}): it does not exist "
            "or the token may not see it",
            f"check GITHUB_REPOSITORY ({self.repository}); if it is right, {PERMISSION_FIX}",
        )

    def _no_base(self, error: GithubException) -> PublishError:
        return PublishError(
            f"GitHub found no commit {self.base_sha} in {self.repository} ({_http(error)}): "
            "the commit this run started from (GITHUB_SHA) is not on GitHub",
            "run from a checkout of the branch as it is on GitHub: GITHUB_SHA must name a "
            "pushed commit",
        )

    def _no_branch(self, error: GithubException) -> PublishError:
        return PublishError(
            f"GitHub found no branch {self.branch!r} in {self.repository} ({_http(error)}): "
            "it does not exist or the token may not see it",
            f"run the workflow on a branch (GITHUB_REF_NAME is {self.branch!r}); "
            f"if it is one, {PERMISSION_FIX}",
        )


# --- from the Actions environment --------------------------------------------------------------

_HOW_TO_SET: Mapping[str, str] = {
    "GITHUB_TOKEN": (
        "in the workflow, give it to the step (env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}); "
        "locally, export GITHUB_TOKEN=<a personal access token with contents: write>"
    ),
    "GITHUB_REPOSITORY": (
        "GitHub Actions sets it in every job; locally, export GITHUB_REPOSITORY=owner/name"
    ),
    "GITHUB_REF_NAME": (
        "GitHub Actions sets it to the branch the workflow runs on; locally, "
        "export GITHUB_REF_NAME=<branch>, e.g. main"
    ),
    "GITHUB_SHA": (
        "GitHub Actions sets it to the commit the workflow checked out; locally, "
        "export GITHUB_SHA=$(git rev-parse HEAD)"
    ),
}


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise PublishError(
            f"{name} is not set: publishing to GitHub (--publish github) needs it",
            _HOW_TO_SET[name],
        )
    return value


def from_environment(
    environ: Mapping[str, str], *, clock: Clock, settings: GithubSettings | None = None
) -> GithubPublisher:
    """A publisher for the workflow's own repository and branch, from the Actions variables
    GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_REF_NAME, GITHUB_SHA and GITHUB_API_URL."""
    token = _required(environ, "GITHUB_TOKEN")
    repository = _required(environ, "GITHUB_REPOSITORY")
    owner, _, name = repository.partition("/")
    if not owner or not name or "/" in name:
        raise PublishError(
            f"GITHUB_REPOSITORY {repository!r} is not of the form owner/name",
            "GitHub Actions sets it in every job; locally, export GITHUB_REPOSITORY=owner/name",
        )
    return GithubPublisher(
        token=token,
        repository=repository,
        branch=_required(environ, "GITHUB_REF_NAME"),
        base_sha=_required(environ, "GITHUB_SHA"),
        api_url=environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL,
        clock=clock,
        settings=settings or GithubSettings(),
    )
