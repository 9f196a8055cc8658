"""The digest comment (text, inert arXiv text, size bound) and its posting through the API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from gfm import render
from github import Auth, Github
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.clock import FakeClock
from bot.models import DayList, Entry, Paper, Rules
from bot.notify import (
    ISSUE_BODY,
    ISSUE_TITLE,
    LABEL,
    LABEL_COLOR,
    LABEL_DESCRIPTION,
    ZWJ,
    Notifier,
    NotifyError,
    defuse,
    digest_comment,
    notify_or_warn,
)
from bot.text import WORD_JOINER

DAY = date(2026, 1, 5)
WHEN = datetime(2026, 1, 4, 18, 0, tzinfo=UTC)
REPO = "ada/papers"


def paper(number: int, title: str | None = None) -> Paper:
    return Paper(
        id=f"2601.{number:05d}",
        version=1,
        title=title if title is not None else f"Paper number {number}",
        authors=("Ada Lovelace",),
        abstract="An abstract.",
        primary_category="cs.CL",
        categories=("cs.CL",),
        published=WHEN,
        updated=WHEN,
    )


def day_of(
    count: int, *, name: str = "LLM Papers", slug: str = "llm-papers", title: str = ""
) -> DayList:
    entries = tuple(
        Entry(paper(i, f"{title}{i}" if title else None), (), 0) for i in range(1, count + 1)
    )
    return DayList(slug, name, DAY, Rules(keywords=("LLM",)), entries)


def unseen(text: str) -> str:
    """Text as a reader sees it: the invisible joiners removed."""
    return text.replace(ZWJ, "").replace(WORD_JOINER, "")


# --- digest_comment ---------------------------------------------------------------------------


def test_no_lists_make_an_empty_comment() -> None:
    """With no list to announce the digest is empty, so the caller posts nothing."""
    assert digest_comment([], repository=REPO, branch="main") == ""


def test_lists_without_entries_make_an_empty_comment() -> None:
    """Lists that got no papers are left out, and only such lists give an empty digest."""
    assert digest_comment([day_of(0)], repository=REPO, branch="main") == ""


def test_the_comment_of_one_small_list_is_exact() -> None:
    """One list of two papers: header, heading with count, both entries, the day-page link."""
    text = digest_comment([day_of(2)], repository=REPO, branch="main")
    assert text == (
        "**arXiv digest for 2026-01-05**: 2 new papers in 1 list.\n"
        "\n"
        "### LLM Papers: 2 new papers\n"
        "\n"
        "- [Paper number 1](https://arxiv.org/abs/2601.00001) `arXiv:2601.00001`\n"
        "- [Paper number 2](https://arxiv.org/abs/2601.00002) `arXiv:2601.00002`\n"
        "\n"
        "[Full list of 2026-01-05]"
        "(https://github.com/ada/papers/blob/main/lists/llm-papers/2026/2026-01-05.md)\n"
    )


def test_only_the_top_entries_are_shown_with_a_count_of_the_rest() -> None:
    """Eight papers with top=5 show five entries and an "… and 3 more" line."""
    text = digest_comment([day_of(8)], repository=REPO, branch="main", top=5)
    assert text.count("\n- [") == 5
    assert "- … and 3 more\n" in text
    assert "### LLM Papers: 8 new papers\n" in text


def test_without_a_repository_there_is_no_link_back() -> None:
    """Without `repository` the entries still link to arXiv, and nothing links to GitHub."""
    text = digest_comment([day_of(1)], repository=None, branch="main")
    assert "github.com" not in text
    assert "Full list" not in text
    assert "](https://arxiv.org/abs/2601.00001)" in text


def test_branch_and_server_url_shape_the_day_page_link() -> None:
    """The day page link uses the branch (slashes kept) and a GitHub Enterprise server URL."""
    text = digest_comment(
        [day_of(1)], repository=REPO, branch="feat/lists", server_url="https://ghe.example.com/"
    )
    assert (
        "(https://ghe.example.com/ada/papers/blob/feat/lists/lists/llm-papers/2026/2026-01-05.md)"
        in text
    )


def test_several_lists_are_counted_in_the_header() -> None:
    """Two lists of 3 and 1 papers make a header of 4 papers in 2 lists and two headings."""
    days = [day_of(3), day_of(1, name="Agents", slug="agents")]
    text = digest_comment(days, repository=REPO, branch="main")
    assert text.startswith("**arXiv digest for 2026-01-05**: 4 new papers in 2 lists.\n")
    assert "### LLM Papers: 3 new papers\n" in text
    assert "### Agents: 1 new paper\n" in text


def test_mentions_and_issue_references_are_inert() -> None:
    """`@name`, `#123` and `GH-7` from arXiv carry a zero-width joiner, so none links anyone."""
    title = "Ask @alice about #123 and GH-7 (see owner/repo#45)"
    text = digest_comment([day_of(1, title=title)], repository=REPO, branch="main")
    assert "@alice" not in text
    assert "#123" not in text
    assert "#45" not in text
    assert "GH\\-7" not in text
    assert f"@{ZWJ}" in text
    assert f"#{ZWJ}123" in text
    assert f"#{ZWJ}45" in text
    assert f"GH{ZWJ}\\-7" in text


def test_a_list_name_is_inert_too() -> None:
    """A list name with `@` and `#` is shown but mentions and references nothing."""
    text = digest_comment(
        [day_of(1, name="C# by @bob", slug="c-by-bob")], repository=REPO, branch="main"
    )
    assert "### C\\#\u200d by \\@\u200d\u2060bob: 1 new paper\n" in text


def test_markdown_in_a_title_shows_as_text_on_github() -> None:
    """A title full of Markdown renders (cmarkgfm) as one link whose text is the title."""
    title = "*Bold* _it_ [x](http://evil) <b>hi</b> `code` $x^2$ | @you #9 www.example.com"
    text = digest_comment([day_of(1, title=title)], repository=REPO, branch="main")
    tree = render(text)
    links = tree.find_all("a")
    assert [link.attrs["href"] for link in links] == [
        "https://arxiv.org/abs/2601.00001",
        "https://github.com/ada/papers/blob/main/lists/llm-papers/2026/2026-01-05.md",
    ]
    assert unseen(links[0].text()) == f"{title}1"
    assert tree.find_all("b") == []
    assert tree.find_all("em") == []


def test_defuse_keeps_the_visible_text() -> None:
    """Defused text, rendered, reads exactly as the original once invisible joiners are gone."""
    text = "Mail a@b.org, ping @team, fix #1 :smile: & <tag>"
    paragraph = render(defuse(text)).find_all("p")[0]
    assert unseen(paragraph.text()) == text
    assert paragraph.find_all("a") == []


def test_very_long_titles_are_clipped() -> None:
    """A 20,000-character title is shown as its first 299 characters and an ellipsis."""
    text = digest_comment([day_of(1, title="x" * 20000)], repository=REPO, branch="main")
    assert f"[{'x' * 299}…](https://arxiv.org/abs/2601.00001)" in text


def _blocks(text: str) -> dict[str, tuple[int, int, int]]:
    """Per list heading: (count in heading, entries shown, count in the "more" line)."""
    found: dict[str, tuple[int, int, int]] = {}
    for block in text.split("\n### ")[1:]:
        heading, _, rest = block.partition("\n")
        name, _, count = heading.rpartition(": ")
        shown = rest.count("\n- [")
        more = re.search(r"\n- … and (\d+) more", rest)
        found[name] = (int(count.split()[0]), shown, int(more.group(1)) if more else 0)
    return found


def test_thousands_of_papers_with_long_titles_fit_a_comment() -> None:
    """Ten lists of 3,000 papers with 5,000-character titles fit 65,536 characters, counted."""
    days = [
        day_of(3000, name=f"List {n}", slug=f"list-{n}", title="A" * 5000 + " ") for n in range(10)
    ]
    text = digest_comment(days, repository=REPO, branch="main", top=3000)
    assert len(text) <= 65536
    blocks = _blocks(text)
    assert len(blocks) == 10
    for count, shown, more in blocks.values():
        assert count == 3000
        assert shown > 0
        assert shown + more == 3000


def test_entries_are_dropped_evenly_before_lists() -> None:
    """Under a tight limit every list keeps a similar number of entries (differing by one)."""
    days = [day_of(50, name=f"L{n}", slug=f"l{n}", title="T" * 200 + " ") for n in range(4)]
    text = digest_comment(days, repository=REPO, branch="main", top=50, limit=4000)
    assert len(text) <= 4000
    shown = [entry[1] for entry in _blocks(text).values()]
    assert len(shown) == 4
    assert max(shown) - min(shown) <= 1
    assert "more list" not in text


def test_lists_are_dropped_last_with_a_closing_count() -> None:
    """With 2,000 lists, whole lists go from the end, counted in an "… and N more lists" line."""
    days = [day_of(2, name=f"List {n}", slug=f"list-{n}") for n in range(2000)]
    text = digest_comment(days, repository=REPO, branch="main")
    assert len(text) <= 65536
    blocks = _blocks(text)
    kept = len(blocks)
    assert 0 < kept < 2000
    assert list(blocks)[-1] == f"List {kept - 1}"
    assert all(shown == 0 for _, shown, _ in blocks.values())
    assert text.endswith(f"… and {2000 - kept} more lists ({2 * (2000 - kept)} papers).\n")
    assert text.startswith("**arXiv digest for 2026-01-05**: 4000 new papers in 2000 lists.\n")


def test_the_limit_counts_characters_outside_the_basic_plane_twice() -> None:
    """Titles of emoji (two UTF-16 units each) are measured so GitHub's count stays in bounds."""
    days = [day_of(40, title="\U0001f600" * 250 + " ")]
    text = digest_comment(days, repository=REPO, branch="main", top=40, limit=5000)
    assert len(text.encode("utf-16-le")) // 2 <= 5000
    assert len(text) < 5000


def test_a_limit_too_small_for_the_header_is_refused() -> None:
    """A limit under 1,024 characters is a programming error (ValueError)."""
    with pytest.raises(ValueError, match="at least 1024"):
        digest_comment([day_of(1)], repository=REPO, branch="main", limit=100)


# --- notify_or_warn ---------------------------------------------------------------------------


class Recorder:
    """A stand-in poster that records bodies (or raises the given error)."""

    def __init__(self, error: NotifyError | None = None) -> None:
        self.bodies: list[str] = []
        self.error = error

    def post(self, body: str) -> str:
        self.bodies.append(body)
        if self.error:
            raise self.error
        return "https://github.com/ada/papers/issues/1#issuecomment-1"


def test_an_empty_digest_is_not_posted() -> None:
    """notify_or_warn with an empty body returns None and never calls the poster."""
    poster = Recorder()
    assert notify_or_warn(poster, digest_comment([], repository=REPO, branch="main")) is None
    assert poster.bodies == []


def test_a_posted_digest_gives_no_warning() -> None:
    """A digest that posts returns None and posts the body once."""
    poster = Recorder()
    assert notify_or_warn(poster, "body\n") is None
    assert poster.bodies == ["body\n"]


def test_a_failed_post_becomes_a_warning() -> None:
    """A NotifyError becomes one `::warning::` line with the fix on an escaped second line."""
    poster = Recorder(NotifyError("it broke: 50% gone", "try again"))
    assert notify_or_warn(poster, "body") == (
        "::warning title=arXiv digest not posted::it broke: 50%25 gone%0AFix: try again"
    )


# --- Notifier against a local GitHub API ------------------------------------------------------


@pytest.fixture
def api(httpserver: HTTPServer) -> Iterator[GitHubStub]:
    yield GitHubStub(httpserver)


class GitHubStub:
    """The few endpoints the Notifier calls, answered by pytest-httpserver on 127.0.0.1."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.base = server.url_for("/").rstrip("/")
        self.clock = FakeClock()

    def github(self) -> Github:
        return Github(
            auth=Auth.Token("test-token"),
            base_url=self.server.url_for("/"),
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )

    def notifier(self) -> Notifier:
        return Notifier(self.github(), REPO, clock=self.clock)

    def repo(self, *, has_issues: bool = True) -> None:
        self.server.expect_request(f"/repos/{REPO}", method="GET").respond_with_json(
            {"full_name": REPO, "url": f"{self.base}/repos/{REPO}", "has_issues": has_issues}
        )

    def issue(self, number: int, *, pull: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "number": number,
            "url": f"{self.base}/repos/{REPO}/issues/{number}",
            "html_url": f"https://github.com/{REPO}/issues/{number}",
            "state": "open",
        }
        if pull:
            data["html_url"] = f"https://github.com/{REPO}/pull/{number}"
            data["pull_request"] = {"url": f"{self.base}/repos/{REPO}/pulls/{number}"}
        return data

    def open_issues(self, issues: list[dict[str, Any]]) -> None:
        self.server.expect_request(f"/repos/{REPO}/issues", method="GET").respond_with_json(issues)

    def comments(self, number: int, *, status: int = 201, answer: Any = None) -> None:
        self.server.expect_request(
            f"/repos/{REPO}/issues/{number}/comments", method="POST"
        ).respond_with_json(
            answer
            if answer is not None
            else {
                "id": 77,
                "html_url": f"https://github.com/{REPO}/issues/{number}#issuecomment-77",
            },
            status=status,
        )

    def calls(self) -> list[tuple[str, str]]:
        return [(request.method, request.path) for request, _ in self.server.log]

    def sent(self, method: str, path: str) -> list[Any]:
        return [
            json.loads(request.get_data(as_text=True))
            for request, _ in self.server.log
            if request.method == method and request.path == path
        ]


def test_first_use_creates_the_label_and_the_issue_then_comments(api: GitHubStub) -> None:
    """With no digest issue, the label and the issue are created and one comment is added."""
    api.repo()
    api.open_issues([])
    api.server.expect_request(f"/repos/{REPO}/labels", method="POST").respond_with_json(
        {"name": LABEL}, status=201
    )
    api.server.expect_request(f"/repos/{REPO}/issues", method="POST").respond_with_json(
        api.issue(1), status=201
    )
    api.comments(1)
    url = api.notifier().post("digest body")
    assert url == f"https://github.com/{REPO}/issues/1#issuecomment-77"
    assert api.calls() == [
        ("GET", f"/repos/{REPO}"),
        ("GET", f"/repos/{REPO}/issues"),
        ("POST", f"/repos/{REPO}/labels"),
        ("POST", f"/repos/{REPO}/issues"),
        ("POST", f"/repos/{REPO}/issues/1/comments"),
    ]
    assert api.sent("POST", f"/repos/{REPO}/labels") == [
        {"name": LABEL, "color": LABEL_COLOR, "description": LABEL_DESCRIPTION}
    ]
    assert api.sent("POST", f"/repos/{REPO}/issues") == [
        {"title": ISSUE_TITLE, "body": ISSUE_BODY, "labels": [LABEL]}
    ]
    assert api.sent("POST", f"/repos/{REPO}/issues/1/comments") == [{"body": "digest body"}]
    assert api.clock.sleeps == [1.0, 1.0]


def test_the_issue_search_asks_for_open_issues_with_the_label(api: GitHubStub) -> None:
    """The digest issue is looked up by label among open issues, oldest first."""
    api.repo()
    api.open_issues([api.issue(4)])
    api.comments(4)
    api.notifier().post("body")
    request = api.server.log[1][0]
    assert dict(request.args) == {
        "state": "open",
        "labels": LABEL,
        "sort": "created",
        "direction": "asc",
    }


def test_an_existing_issue_gets_one_comment_and_nothing_else(api: GitHubStub) -> None:
    """With an open labelled issue, only one comment is posted: no label, no issue, no wait."""
    api.repo()
    api.open_issues([api.issue(9)])
    api.comments(9)
    url = api.notifier().post("today's digest")
    assert url == f"https://github.com/{REPO}/issues/9#issuecomment-77"
    assert api.calls() == [
        ("GET", f"/repos/{REPO}"),
        ("GET", f"/repos/{REPO}/issues"),
        ("POST", f"/repos/{REPO}/issues/9/comments"),
    ]
    assert api.sent("POST", f"/repos/{REPO}/issues/9/comments") == [{"body": "today's digest"}]
    assert api.clock.sleeps == []


def test_a_labelled_pull_request_is_not_the_digest_issue(api: GitHubStub) -> None:
    """A pull request carrying the label is skipped for the first real issue."""
    api.repo()
    api.open_issues([api.issue(2, pull=True), api.issue(3)])
    api.comments(3)
    api.notifier().post("body")
    assert api.calls()[-1] == ("POST", f"/repos/{REPO}/issues/3/comments")


def test_an_existing_label_does_not_stop_the_issue(api: GitHubStub) -> None:
    """When the label exists (422) but no issue is open, the issue is still created."""
    api.repo()
    api.open_issues([])
    api.server.expect_request(f"/repos/{REPO}/labels", method="POST").respond_with_json(
        {"message": "Validation Failed", "errors": [{"code": "already_exists"}]}, status=422
    )
    api.server.expect_request(f"/repos/{REPO}/issues", method="POST").respond_with_json(
        api.issue(12), status=201
    )
    api.comments(12)
    assert api.notifier().post("body") == f"https://github.com/{REPO}/issues/12#issuecomment-77"


ISSUES_OFF = (
    "::warning title=arXiv digest not posted::Issues are switched off in ada/papers, so the "
    "digest comment was not posted%0AFix: switch them on: Settings → General → Features → "
    "tick Issues (forks start with Issues off); the next run with new papers posts the digest"
)


def test_issues_switched_off_give_the_exact_warning(api: GitHubStub) -> None:
    """A repository with Issues off gets the warning saying where to switch them on, no post."""
    api.repo(has_issues=False)
    warning = notify_or_warn(api.notifier(), "body")
    assert warning == ISSUES_OFF
    assert api.calls() == [("GET", f"/repos/{REPO}")]


def test_a_410_from_the_issues_api_gives_the_same_warning(api: GitHubStub) -> None:
    """GitHub's 410 "Issues are disabled for this repo" is reported as Issues switched off."""
    api.repo()
    api.server.expect_request(f"/repos/{REPO}/issues", method="GET").respond_with_json(
        {"message": "Issues are disabled for this repo"}, status=410
    )
    assert notify_or_warn(api.notifier(), "body") == ISSUES_OFF


def test_a_403_on_the_comment_asks_for_issues_write(api: GitHubStub) -> None:
    """A token without `issues: write` gets a warning naming that permission."""
    api.repo()
    api.open_issues([api.issue(1)])
    api.comments(1, status=403, answer={"message": "Resource not accessible by integration"})
    assert notify_or_warn(api.notifier(), "body") == (
        "::warning title=arXiv digest not posted::the token may not write issues in ada/papers "
        "(Resource not accessible by integration), so the digest comment was not posted%0A"
        "Fix: give the job `issues: write` under `permissions:` in the workflow file"
    )


def test_a_missing_repository_is_named(api: GitHubStub) -> None:
    """A 404 for the repository itself names the repository, not Issues."""
    api.server.expect_request(f"/repos/{REPO}", method="GET").respond_with_json(
        {"message": "Not Found"}, status=404
    )
    with pytest.raises(NotifyError, match=r"^the repository ada/papers was not found"):
        api.notifier().post("body")


def test_a_server_error_on_a_read_is_retried_on_the_clock(api: GitHubStub) -> None:
    """A 502 reading the repository is retried after 5 s on the fake clock, then succeeds."""
    answers = iter(
        [
            Response(json.dumps({"message": "Bad Gateway"}), status=502),
            Response(
                json.dumps(
                    {"full_name": REPO, "url": f"{api.base}/repos/{REPO}", "has_issues": True}
                ),
                status=200,
                content_type="application/json",
            ),
        ]
    )

    def handler(_request: Request) -> Response:
        return next(answers)

    api.server.expect_request(f"/repos/{REPO}", method="GET").respond_with_handler(handler)
    api.open_issues([api.issue(1)])
    api.comments(1)
    assert api.notifier().post("body") == f"https://github.com/{REPO}/issues/1#issuecomment-77"
    assert api.clock.sleeps == [5.0]


def test_a_server_error_on_the_comment_is_not_retried(api: GitHubStub) -> None:
    """A 502 on the comment is not retried (it may have been posted): a warning, one POST."""
    api.repo()
    api.open_issues([api.issue(1)])
    api.comments(1, status=502, answer={"message": "Bad Gateway"})
    warning = notify_or_warn(api.notifier(), "body")
    assert warning == (
        "::warning title=arXiv digest not posted::GitHub answered 502 (Bad Gateway): the digest "
        "comment was not posted%0AFix: nothing to do if it was a passing fault: the next run "
        "posts its own digest"
    )
    assert api.calls().count(("POST", f"/repos/{REPO}/issues/1/comments")) == 1
    assert api.clock.sleeps == []


def test_an_unreachable_github_is_a_warning_after_bounded_retries() -> None:
    """A refused connection is retried twice (5 s, 10 s on the fake clock), then warned about."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    base = server.url_for("/")
    server.stop()
    clock = FakeClock()
    github = Github(
        auth=Auth.Token("t"),
        base_url=base,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        timeout=5,
    )
    warning = notify_or_warn(Notifier(github, REPO, clock=clock), "body")
    assert warning == (
        "::warning title=arXiv digest not posted::GitHub could not be reached to post the digest "
        "comment (ConnectionError)%0AFix: nothing to do: the lists are committed, and the next "
        "run posts its own digest"
    )
    assert clock.sleeps == [5.0, 10.0]


def test_nothing_new_means_no_request_at_all(api: GitHubStub) -> None:
    """A run with no new papers makes an empty digest, and the API is never called."""
    body = digest_comment([day_of(0)], repository=REPO, branch="main")
    assert notify_or_warn(api.notifier(), body) is None
    assert api.calls() == []


def test_posting_an_empty_body_directly_is_refused(api: GitHubStub) -> None:
    """Notifier.post("") is a programming error (ValueError) and calls nothing."""
    with pytest.raises(ValueError, match="empty digest"):
        api.notifier().post("")
    assert api.calls() == []


def test_the_size_bound_is_tight_for_any_limit() -> None:
    """For limits from 1,024 to 20,000 the comment fits, and never wastes more than 200 units."""
    days = [day_of(50, name=f"List {n}", slug=f"list-{n}") for n in range(20)]
    for limit in range(1024, 20000, 499):
        text = digest_comment(days, repository=REPO, branch="main", top=50, limit=limit)
        size = len(text.encode("utf-16-le")) // 2
        assert limit - 200 < size <= limit, limit
