"""Watchers hear of new lists: one comment per run on the repository's digest issue.

GitHub e-mails a new issue comment to everyone watching the repository (and to the issue's
subscribers), so one comment per run that found papers is the notification. The digest issue
is the open issue labelled `arxiv-digest`; the first run that needs it creates the label and
the issue. Editing a body notifies nobody, so every digest is a new comment.

The caller posts only when there is something new: `digest_comment` of no papers is "" and
`notify_or_warn` then returns without calling GitHub. A failure to post never fails the run
(the lists are already committed): `notify_or_warn` turns it into a `::warning::` naming the
fix, and the run still exits 0 (DESIGN: "Failure and files").

Comment text from arXiv can neither notify strangers nor link issues: every `@` and `#` is
followed by a ZERO WIDTH JOINER, so `@name` and `#123` show as written but are no mention and
no reference, and titles are Markdown-escaped by `bot.text.md_inline`.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol, TypeVar

import github
import requests
from github.GithubException import GithubException
from github.Issue import Issue
from github.Repository import Repository

from bot import layout
from bot.actions import blob_url, warning_annotation
from bot.clock import Clock
from bot.errors import BotError
from bot.models import DayList
from bot.text import code_span, md_inline

LABEL = "arxiv-digest"
LABEL_COLOR = "b31b1b"
"""arXiv's red."""
LABEL_DESCRIPTION = "Daily digest of new arXiv papers (one comment per run)"
ISSUE_TITLE = "arXiv digest"
WARNING_TITLE = "arXiv digest not posted"

COMMENT_LIMIT = 65536
"""GitHub's cap on an issue comment body, in characters."""
TITLE_CHARS = 300
"""Characters of a paper title shown in a digest (the rest becomes "…")."""
NAME_CHARS = 200
"""Characters of a list name shown in a digest."""
GITHUB = "https://github.com"
"""Where links to the repository point unless a server URL (GitHub Enterprise) is given."""
MIN_LIMIT = 1024
"""The smallest `limit` digest_comment accepts: room for the header and a closing line."""

ENTRY_MIN = 56
"""The shortest entry line: `- [t](https://arxiv.org/abs/1234.5678) `arXiv:1234.5678``."""

ZWJ = "\u200d"
"""ZERO WIDTH JOINER: invisible; after `@` or `#` it breaks GitHub's mention and issue links."""

_TRIGGER = re.compile(r"\\[@#]")
"""An `@` or `#` as md_inline escapes every one from the text (`\\@`, `\\#`); the `#` of the
entity `&#36;` that md_inline writes for `$` is not preceded by a backslash, so it stays whole."""
_GH_REFERENCE = re.compile(r"\b(GH)(?=\\-\d)", re.IGNORECASE)
"""`GH-123`, which GitHub also links to issue 123, as md_inline escapes it (`GH\\-123`)."""

log = logging.getLogger(__name__)
T = TypeVar("T")


class NotifyError(BotError):
    """The digest comment could not be posted (a warning, never a failed run)."""


def defuse(text: str) -> str:
    """`text` as Markdown inline content that links, mentions and references nothing.

    md_inline shows the text verbatim (no emphasis, links, HTML, autolinks); a ZERO WIDTH
    JOINER after every `@` and `#` (and inside `GH-123`) stops GitHub's mentions and issue
    references, which GitHub finds in the rendered text, after Markdown escapes are gone.
    """
    escaped = md_inline(text)
    return _GH_REFERENCE.sub(r"\1" + ZWJ, _TRIGGER.sub(lambda m: m.group(0) + ZWJ, escaped))


def _units(text: str) -> int:
    """The length as GitHub may count it: UTF-16 code units (never fewer than characters)."""
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def day_url(repository: str, branch: str, day: DayList, server_url: str = GITHUB) -> str:
    """The absolute URL of the day's page on GitHub."""
    return blob_url(server_url, repository, branch, layout.day_page(day.slug, day.date))


class _Block:
    """One list's part of a digest, sized for any number of entries shown."""

    def __init__(
        self, day: DayList, repository: str | None, branch: str, top: int, server_url: str
    ) -> None:
        self.day = day
        self.count = len(day.entries)
        self.heading = (
            f"### {defuse(_clip(day.name, NAME_CHARS))}: {_plural(self.count, 'new paper')}"
        )
        self.entries = [self._entry(i) for i in range(min(top, self.count))]
        self.prefix = [0]
        for line in self.entries:
            self.prefix.append(self.prefix[-1] + _units(line))
        self.link = (
            f"[Full list of {day.date.isoformat()}]({day_url(repository, branch, day, server_url)})"
            if repository
            else None
        )
        self.shown = len(self.entries)

    def _entry(self, index: int) -> str:
        paper = self.day.entries[index].paper
        title = defuse(_clip(paper.title, TITLE_CHARS)) or code_span(paper.id)
        return f"- [{title}]({paper.abs_url}) {code_span('arXiv:' + paper.id)}"

    def _more(self, shown: int) -> str | None:
        return f"- … and {self.count - shown} more" if 0 < shown < self.count else None

    def lines(self, shown: int) -> list[str]:
        more = self._more(shown)
        return (
            [self.heading, ""]
            + self.entries[:shown]
            + ([more] if more else [])
            + (["", self.link] if self.link else [])
        )

    def size(self, shown: int) -> int:
        """`_units("\\n".join(self.lines(shown)))`, computed without building the text."""
        more = self._more(shown)
        parts = 2 + shown + (1 if more else 0) + (2 if self.link else 0)
        chars = _units(self.heading) + self.prefix[shown]
        chars += _units(more) if more else 0
        chars += _units(self.link) if self.link else 0
        return chars + parts - 1

    def text(self, shown: int) -> str:
        return "\n".join(self.lines(shown))


def _header(days: Sequence[DayList]) -> str:
    dates: list[date] = sorted({day.date for day in days})
    total = sum(len(day.entries) for day in days)
    when = ", ".join(d.isoformat() for d in dates)
    return (
        f"**arXiv digest for {when}**: {_plural(total, 'new paper')} "
        f"in {_plural(len(days), 'list')}."
    )


def _tail(lists: int, papers: int) -> str | None:
    if not lists:
        return None
    return f"… and {_plural(lists, 'more list')} ({_plural(papers, 'paper')})."


def digest_comment(
    days: Sequence[DayList],
    *,
    repository: str | None,
    branch: str,
    top: int = 5,
    limit: int = COMMENT_LIMIT,
    server_url: str = GITHUB,
) -> str:
    """The digest comment for the lists that got new papers ("" when none did).

    `days` are the lists to announce, each holding the entries to show (best first); lists
    without entries are left out. Each list gets its name and count, its first `top` entries
    (title linked to the abstract page, arXiv id) and, when `repository` is set, a link to its
    full day page on `branch` (at `server_url`). The comment stays within `limit` characters
    (counted as UTF-16 code units): entries are dropped first (from the list showing the most,
    later lists first), then whole lists from the end, each with an "… and N more" line.
    """
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT} characters, not {limit}")
    if top < 0:
        raise ValueError(f"top must not be negative, not {top}")
    announced = [day for day in days if day.entries]
    if not announced:
        return ""
    header = _header(announced)
    # No entry line is shorter than ENTRY_MIN, so no list can show more than this many: the
    # rest need not be rendered (`top` may be in the thousands).
    most = min(top, limit // ENTRY_MIN + 1)
    blocks = [_Block(day, repository, branch, most, server_url) for day in announced]
    sizes = [block.size(block.shown) for block in blocks]
    kept = len(blocks)
    body = sum(sizes)
    dropped_papers = 0
    # Largest number of entries shown first, later lists first among equals; stale items
    # (a block whose `shown` moved on, or a dropped list) are skipped when popped.
    queue = [(-block.shown, -index) for index, block in enumerate(blocks) if block.shown]
    heapq.heapify(queue)

    def total() -> int:
        tail = _tail(len(blocks) - kept, dropped_papers)
        parts = 1 + kept + (1 if tail else 0)
        return _units(header) + body + (_units(tail) if tail else 0) + 2 * (parts - 1) + 1

    while total() > limit:
        while queue and (-queue[0][1] >= kept or blocks[-queue[0][1]].shown != -queue[0][0]):
            heapq.heappop(queue)
        if queue:
            index = -heapq.heappop(queue)[1]
            block = blocks[index]
            block.shown -= 1
            body += block.size(block.shown) - sizes[index]
            sizes[index] = block.size(block.shown)
            if block.shown:
                heapq.heappush(queue, (-block.shown, -index))
        elif kept > 0:
            kept -= 1
            body -= sizes[kept]
            dropped_papers += blocks[kept].count
        else:
            break
    tail = _tail(len(blocks) - kept, dropped_papers)
    parts = [header] + [block.text(block.shown) for block in blocks[:kept]]
    if tail:
        parts.append(tail)
    return "\n\n".join(parts) + "\n"


ISSUE_BODY = f"""\
This issue is where the arXiv bot of this repository announces new papers: every run that \
adds papers to a list posts **one comment** here, with the top papers of each list and a link \
to the full day's list.

To get them by e-mail, click **Subscribe** on this issue (or watch the repository).

The bot posts in the open issue labelled `{LABEL}`. Closing this issue is fine: the next run \
with new papers opens a new one. To stop the comments altogether, set `notify: false` in the \
workflow.
"""


class Poster(Protocol):
    """What `notify_or_warn` needs: something that posts a comment and returns its URL."""

    def post(self, body: str) -> str: ...


class Notifier:
    """Posts digest comments on the repository's digest issue through the GitHub API.

    Reads are retried (`retries` times, waits of `backoff` seconds doubling, on the injected
    clock) after a server error, a rate limit or a lost connection; writes are never retried,
    so a comment is never posted twice. Writes are `write_gap` seconds apart. Build the
    `github.Github` with `retry=None` and `seconds_between_writes=None`: this class keeps time.
    """

    def __init__(
        self,
        github: github.Github,
        repository: str,
        *,
        clock: Clock,
        retries: int = 2,
        backoff: float = 5.0,
        write_gap: float = 1.0,
    ) -> None:
        self._github = github
        self._repository = repository
        self._clock = clock
        self._retries = retries
        self._backoff = backoff
        self._write_gap = write_gap
        self._writes = 0

    def post(self, body: str) -> str:
        """Add one comment with `body` to the digest issue (made on first use); its URL.

        Raises NotifyError, with the fix, for anything GitHub refuses or cannot be reached for.
        """
        if not body:
            raise ValueError("an empty digest is not posted: check for new papers first")
        try:
            repo, has_issues = self._read(self._repo)
        except GithubException as error:
            raise self._error(error, repository_call=True) from error
        except requests.RequestException as error:
            raise self._unreachable(error) from error
        if not has_issues:
            raise self._issues_off()
        try:
            issue = self._find_issue(repo) or self._open_issue(repo)
            comment = self._write(lambda: issue.create_comment(body))
        except GithubException as error:
            raise self._error(error, repository_call=False) from error
        except requests.RequestException as error:
            raise self._unreachable(error) from error
        log.info("digest posted: %s", comment.html_url)
        return comment.html_url

    # --- the issue --------------------------------------------------------------------------

    def _repo(self) -> tuple[Repository, bool]:
        """The repository, read now (PyGithub may defer the GET to the first attribute)."""
        repo = self._github.get_repo(self._repository)
        return repo, repo.has_issues

    def _find_issue(self, repo: Repository) -> Issue | None:
        """The oldest open issue with the label (pull requests carry labels too: skipped)."""
        page = self._read(
            lambda: repo.get_issues(
                state="open", labels=[LABEL], sort="created", direction="asc"
            ).get_page(0)
        )
        for issue in page:
            if "/pull/" not in issue.html_url:
                return issue
        return None

    def _open_issue(self, repo: Repository) -> Issue:
        try:
            self._write(lambda: repo.create_label(LABEL, LABEL_COLOR, LABEL_DESCRIPTION))
        except GithubException as error:
            if error.status != 422:  # 422: the label exists already (only the issue was gone)
                raise
        return self._write(
            lambda: repo.create_issue(title=ISSUE_TITLE, body=ISSUE_BODY, labels=[LABEL])
        )

    # --- calls ------------------------------------------------------------------------------

    def _read(self, call: Callable[[], T]) -> T:
        attempt = 0
        while True:
            try:
                return call()
            except GithubException as error:
                if attempt >= self._retries or not _transient(error):
                    raise
            except (requests.ConnectionError, requests.Timeout):
                if attempt >= self._retries:
                    raise
            self._clock.sleep(self._backoff * 2**attempt)
            attempt += 1

    def _write(self, call: Callable[[], T]) -> T:
        if self._writes:
            self._clock.sleep(self._write_gap)
        self._writes += 1
        return call()

    # --- errors -----------------------------------------------------------------------------

    def _issues_off(self) -> NotifyError:
        return NotifyError(
            f"Issues are switched off in {self._repository}, so the digest comment was not posted",
            "switch them on: Settings → General → Features → tick Issues (forks start with "
            "Issues off); the next run with new papers posts the digest",
        )

    def _unreachable(self, error: requests.RequestException) -> NotifyError:
        return NotifyError(
            f"GitHub could not be reached to post the digest comment ({type(error).__name__})",
            "nothing to do: the lists are committed, and the next run posts its own digest",
        )

    def _error(self, error: GithubException, *, repository_call: bool) -> NotifyError:
        status = error.status
        said = _message(error)
        if status == 410 or (status == 404 and not repository_call):
            return self._issues_off()
        if status == 404:
            return NotifyError(
                f"the repository {self._repository} was not found, so the digest comment was "
                "not posted",
                "check `repository` in config.yml (owner/name) and that the token can read it",
            )
        if status == 401:
            return NotifyError(
                "GitHub refused the token, so the digest comment was not posted",
                "use the workflow's GITHUB_TOKEN (or a valid token) for the bot",
            )
        if status == 403 and "rate limit" in said.lower():
            return NotifyError(
                f"GitHub's rate limit stopped the digest comment ({said})",
                "nothing to do: the next run posts its own digest",
            )
        if status == 403:
            return NotifyError(
                f"the token may not write issues in {self._repository} ({said}), so the "
                "digest comment was not posted",
                "give the job `issues: write` under `permissions:` in the workflow file",
            )
        return NotifyError(
            f"GitHub answered {status} ({said or 'no message'}): the digest comment was not posted",
            "nothing to do if it was a passing fault: the next run posts its own digest",
        )


def _transient(error: GithubException) -> bool:
    return error.status >= 500 or error.status == 429


def _message(error: GithubException) -> str:
    data = error.data
    if isinstance(data, dict):
        text = data.get("message")
        if isinstance(text, str):
            return text
    return error.message or ""


def notify_or_warn(notifier: Poster, body: str) -> str | None:
    """Post the digest; None when posted or when `body` is empty (nothing is posted then).

    When posting fails, the `::warning::` line to print instead (the run still exits 0).
    """
    if not body:
        return None
    try:
        notifier.post(body)
    except NotifyError as error:
        message = f"{error.message}\nFix: {error.fix}" if error.fix else error.message
        return warning_annotation(message, WARNING_TITLE)
    return None
