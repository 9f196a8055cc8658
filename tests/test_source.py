"""Fetching from arXiv: the real arxiv client against the local server, time on a FakeClock."""

from __future__ import annotations

import importlib.metadata
import inspect
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import arxiv
import pytest
import requests
from lxml import etree

from bot.clock import FakeClock
from bot.config import ArxivSettings
from bot.errors import FetchError, QueryError, UsageError
from bot.models import Paper, Window
from bot.query import date_clause
from bot.source import (
    DEFAULT_ENDPOINT,
    GIVE_UP_FIX,
    MAX_RESULTS_PER_QUERY,
    ArxivSource,
    FetchReport,
    endpoint_from_env,
    one_line,
    pacing_delay,
    papers_of,
    parse_retry_after,
    retry_wait,
    strip_version,
    to_paper,
)
from tests.arxiv_server import (
    FIXTURES,
    ArxivServer,
    FeedEntry,
    empty_page,
    entries_from_fixture,
    error_feed,
    fixture_bytes,
    hang,
    normal,
    not_xml,
    recorded,
    redirect,
    reset,
    status,
    truncated,
)

EVERYTHING = Window(datetime(1990, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
S0 = "q_testing_s0_m10_bc5a6c384fe9.xml"
S5 = "q_testing_s5_m10_c0e94a259d4a.xml"
S10 = "q_testing_s10_m10_34e56e15aaac.xml"
S20 = "q_testing_s20_m10_348a237fecab.xml"
S0_M100 = "q_testing_s0_m100_cfe7536492ca.xml"
LEGACY = "researchhub_legacy-format_cat-cs.AI_2025-09-11_trimmed.xml"


class Harness:
    """A source pointed at the server, with its FakeClock and settings."""

    def __init__(self, server: ArxivServer, **settings: float) -> None:
        self.server = server
        self.clock = FakeClock()
        options: dict[str, float] = {"timeout": 0.2, "retries": 4, "backoff": 10, "delay": 0}
        options.update(settings)
        self.settings = ArxivSettings.model_validate(options)
        self.page_size = 10
        self.query_limit = MAX_RESULTS_PER_QUERY
        """What arXiv serves of one query, for the source and the server alike."""

    def fetch(
        self,
        queries: list[str] | None = None,
        window: Window = EVERYTHING,
        *,
        on_paper: Callable[[Paper], None] | None = None,
    ) -> FetchReport:
        self.server.query_limit = self.query_limit
        with ArxivSource(
            self.settings,
            endpoint=self.server.url,
            clock=self.clock,
            page_size=self.page_size,
            query_limit=self.query_limit,
        ) as source:
            return source.fetch(queries or ["all:testing"], window, on_paper=on_paper)

    def fails(self, queries: list[str] | None = None) -> FetchError:
        with pytest.raises(FetchError) as caught:
            self.fetch(queries)
        return caught.value

    @property
    def starts(self) -> list[int]:
        return [request.start for request in self.server.requests]


@pytest.fixture
def harness(arxiv_server: ArxivServer) -> Iterator[Harness]:
    yield Harness(arxiv_server)


# --- the arxiv package ------------------------------------------------------------------------


def test_the_arxiv_internals_this_module_relies_on_are_still_there() -> None:
    """A new arxiv release that moves what bot.source reaches into fails here, loudly."""
    assert importlib.metadata.version("arxiv") == "4.0.2", "bot.source was written for 4.0.2"
    assert arxiv.__version__ == "4.0.2"
    client = arxiv.Client(page_size=7, delay_seconds=0, num_retries=0)
    assert isinstance(client._session, requests.Session)
    assert client.query_url_format == "https://export.arxiv.org/api/query?{}"
    assert (client.page_size, client.delay_seconds, client.num_retries) == (7, 0, 0)
    assert "offset" in inspect.signature(client.results).parameters
    assert arxiv.SortCriterion.SubmittedDate.value == "submittedDate"
    assert arxiv.SortOrder.Descending.value == "descending"
    assert issubclass(arxiv.UnexpectedEmptyPageError, arxiv.ArxivError)
    search = arxiv.Search(query="cat:cs.CL", max_results=None)
    assert search.max_results is None
    assert client._format_url(search, 20, 7).endswith("&start=20&max_results=7")
    # Each page is read through `_parse_feed`, which bot.source stands in for (see
    # test_our_single_pass_reads_every_recorded_feed_as_the_package_does).
    assert list(inspect.signature(client._parse_feed).parameters) == [
        "url",
        "first_page",
        "_try_index",
    ]
    assert "self._parse_feed(" in inspect.getsource(arxiv.Client._results)
    feed = arxiv._feed.ParsedFeed(header=arxiv._feed.FeedHeader(total_results=3), results=[])
    assert (feed.header.total_results, feed.results) == (3, [])
    assert arxiv.UnexpectedEmptyPageError("u", 1, feed).retry == 1


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.xml")))
def test_our_single_pass_reads_every_recorded_feed_as_the_package_does(name: str) -> None:
    """`papers_of` (the adapter's one lxml pass) gives exactly the papers `to_paper` makes of
    the package's own Results, for every recorded response."""
    body = (FIXTURES / name).read_bytes()
    root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False))
    expected = [to_paper(result) for result in arxiv._feed.parse(body).results]
    assert [one_line(paper) for paper in papers_of(root, logging.getLogger("test"))] == expected


# --- pure helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://arxiv.org/abs/2504.17950v2", ("2504.17950", 2)),
        ("https://arxiv.org/abs/hep-ex/0406020v1", ("hep-ex/0406020", 1)),
        ("hep-ex/0406020v1", ("hep-ex/0406020", 1)),
        ("solv-int/9901001v3", ("solv-int/9901001", 3)),
        ("http://arxiv.org/abs/math.GT/0309136v12", ("math.GT/0309136", 12)),
        ("2504.17950", ("2504.17950", 1)),
        ("http://arxiv.org/abs/2504.17950v", ("2504.17950v", 1)),
        ("a/abs/b/abs/2504.1v3", ("b/abs/2504.1", 3)),
        ("id\n/abs/1v2", ("id\n/abs/1", 2)),
    ],
)
def test_the_version_is_only_a_trailing_v_and_digits(given: str, expected: tuple[str, int]) -> None:
    """Archive names containing a "v" (solv-int) keep it; an id without a version is v1; what
    comes before the first `/abs/` of the line is the address, not the id."""
    assert strip_version(given) == expected


def test_the_endpoint_comes_from_arxiv_api_url_or_defaults_to_arxiv() -> None:
    """ARXIV_API_URL wins when set; blank or unset means export.arxiv.org."""
    assert endpoint_from_env({}) == DEFAULT_ENDPOINT == "https://export.arxiv.org/api/query"
    assert endpoint_from_env({"ARXIV_API_URL": "  "}) == DEFAULT_ENDPOINT
    mirror = "http://127.0.0.1:8080/api/query"
    assert endpoint_from_env({"ARXIV_API_URL": mirror}) == mirror


def test_an_endpoint_that_is_not_an_http_url_is_a_usage_error() -> None:
    """A typo in ARXIV_API_URL is named with the fix, not left to fail as a network error."""
    with pytest.raises(UsageError) as caught:
        endpoint_from_env({"ARXIV_API_URL": "export.arxiv.org/api/query"})
    assert caught.value.message == (
        "ARXIV_API_URL 'export.arxiv.org/api/query' is not an http(s) URL"
    )
    assert caught.value.fix == (
        "unset it to use https://export.arxiv.org/api/query, or give a full URL such as that one"
    )


def test_retry_waits_double_and_a_longer_retry_after_wins_up_to_300_seconds() -> None:
    """Backoff 10 waits 10, 20, 40; Retry-After replaces a shorter wait, capped at 300 s."""
    assert [retry_wait(n, 10) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert retry_wait(1, 10, retry_after=45) == 45
    assert retry_wait(3, 10, retry_after=5) == 40
    assert retry_wait(1, 10, retry_after=1000) == 300


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    """Both forms of the header are understood; a date in the past means now; junk is ignored."""
    now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Mon, 05 Jan 2026 12:01:30 GMT", now) == 90
    assert parse_retry_after("Mon, 05 Jan 2026 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_the_delay_against_export_arxiv_org_is_never_below_three_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """arXiv's terms of use ask for 3 s between requests: a lower delay is raised with a warning."""
    log = logging.getLogger("test.pacing")
    with caplog.at_level(logging.WARNING, logger="test.pacing"):
        assert pacing_delay(1, DEFAULT_ENDPOINT, log) == 3
    assert caplog.messages == [
        "arxiv.delay 1 s is below the 3 s arXiv's terms of use ask for: using 3 s"
    ]
    assert pacing_delay(5, DEFAULT_ENDPOINT, log) == 5
    source = ArxivSource(
        ArxivSettings(delay=0), endpoint="http://export.arxiv.org/api/query", clock=FakeClock()
    )
    assert source.delay == 3


def test_any_other_host_may_be_asked_without_delay(caplog: pytest.LogCaptureFixture) -> None:
    """Mirrors and local servers are free of arXiv's rule."""
    with caplog.at_level(logging.WARNING):
        assert pacing_delay(0, "http://127.0.0.1:8080/api/query", logging.getLogger()) == 0
        assert pacing_delay(0.5, "https://arxiv.example.org/api/query", logging.getLogger()) == 0.5
    assert caplog.messages == []


# --- paging, conversion, de-duplication --------------------------------------------------------


def test_recorded_pages_are_fetched_in_order_and_paced(harness: Harness) -> None:
    """Three recorded pages: start 0, 10, 20, three seconds apart, all 30 papers kept."""
    harness.server.serve_pages({0: S0, 10: S10, 20: S20}, total_results=30)
    harness.settings = ArxivSettings(timeout=0.2, delay=3)
    report = harness.fetch(["all:testing"])
    assert harness.starts == [0, 10, 20]
    assert harness.clock.sleeps == [3, 3]
    assert (len(report.papers), report.requests, report.total_results, report.retries) == (
        30,
        3,
        30,
        0,
    )
    first = harness.server.requests[0].params
    assert first == {
        "search_query": "all:testing",
        "id_list": "",
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "start": "0",
        "max_results": "10",
    }


def test_papers_come_out_newest_first_with_utc_times_and_their_text_made_one_line_on_demand(
    harness: Harness,
) -> None:
    """The 100 recorded entries become 100 papers; absent fields are None, as SOURCES.md counts;
    the text comes as arXiv sent it, line breaks and all, until `one_line` tidies it."""
    harness.server.serve_file(S0_M100, total_results=100)
    harness.page_size = 100
    papers = harness.fetch().papers
    assert len(papers) == 100
    assert sum(p.doi is not None for p in papers) == 32
    assert sum(p.journal_ref is not None for p in papers) == 18
    assert sum(p.comment is not None for p in papers) == 97
    assert [p.published for p in papers] == sorted((p.published for p in papers), reverse=True)
    assert sum("\n" in p.abstract for p in papers) == 11
    for paper in map(one_line, papers):
        assert paper.published.tzinfo == UTC
        assert paper.updated.tzinfo == UTC
        for text in (paper.title, paper.abstract, *paper.authors):
            assert text == " ".join(text.split())
    first = next(p for p in papers if p.id == "2202.12139")
    assert first.version == 1
    assert first.title == (
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )
    assert first.authors == ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker")
    assert (first.primary_category, first.categories) == ("cs.SE", ("cs.SE", "cs.LG"))
    assert first.doi == "10.1109/ICSTW55395.2022.00035"
    assert first.published == datetime(2022, 2, 24, 15, 5, 19, tzinfo=UTC)


def test_a_legacy_hard_wrapped_abstract_becomes_one_line(harness: Harness) -> None:
    """Hard newlines and the leading indent of old-format abstracts are made single spaces."""
    harness.server.serve_file(LEGACY, total_results=2)
    harness.page_size = 2
    survey, quantum = map(one_line, harness.fetch().papers)
    assert survey.abstract == (
        "In this paper, we survey recent advances in Reinforcement Learning (RL) for reasoning "
        "with Large Language Models (LLMs). RL has achieved remarkable success in advancing the "
        "frontier of LLM capabilities, particularly in addressing complex logical tasks such as "
        "mathematics and coding."
    )
    assert (survey.id, survey.version, survey.primary_category) == ("2509.08827", 1, "cs.CL")
    assert survey.comment is None
    assert quantum.comment == "7 pages"
    assert quantum.title == "QCardEst/QCardCorr: Quantum Cardinality Estimation and Correction"


def test_an_old_style_id_keeps_its_archive(harness: Harness) -> None:
    """`hep-ex/0406020v1` is paper `hep-ex/0406020`, version 1."""
    harness.server.serve_file("id_hep-ex_0406020v1_s0_m100_84b15d66c0ce.xml")
    (paper,) = harness.fetch().papers
    assert (paper.id, paper.version, paper.authors) == ("hep-ex/0406020", 1, ("Alessia Tricomi",))
    assert paper.published == datetime(2004, 6, 7, 11, 8, 22, tzinfo=UTC)
    assert paper.journal_ref is None


def test_an_empty_feed_is_no_papers_after_one_request(harness: Harness) -> None:
    """totalResults 0 with no entries is a real empty answer, not a fault."""
    harness.server.serve_file("id_0000.0000_s0_m100_8b51d9633a68.xml")
    report = harness.fetch()
    assert (report.papers, report.requests, report.total_results, report.retries) == ((), 1, 0, 0)


def test_papers_are_de_duplicated_across_queries_by_version_less_id(harness: Harness) -> None:
    """Overlapping answers to two queries give each paper once."""
    harness.server.serve_file(S0, total_results=10)
    harness.server.serve_file(S5, total_results=10)
    report = harness.fetch(["all:testing", "all:testing AND cat:cs.SE"])
    assert len(report.papers) == 15
    assert report.total_results == 20
    assert [r.search_query for r in harness.server.requests] == [
        "all:testing",
        "all:testing AND cat:cs.SE",
    ]


def test_the_highest_version_of_a_paper_is_kept(harness: Harness) -> None:
    """When two answers hold v1 and v3 of one paper, v3 is kept whichever comes first."""
    published = datetime(2026, 1, 2, 10, tzinfo=UTC)
    harness.server.corpus = [
        FeedEntry("2601.00001", published, version=3, categories=["cs.AI"], title="Third"),
        FeedEntry("2601.00001", published, version=1, categories=["cs.CL"], title="First"),
    ]
    window = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC))
    dates = date_clause(window)
    report = harness.fetch([f"cat:cs.AI AND {dates}", f"cat:cs.CL AND {dates}"], window)
    assert [(p.id, p.version, p.title) for p in report.papers] == [("2601.00001", 3, "Third")]


def test_only_papers_published_inside_the_window_are_kept(harness: Harness) -> None:
    """Even when the server ignores the date range, the window decides (start in, end out)."""
    harness.server.serve_file(S0, total_results=10)
    window = Window(
        datetime(2022, 2, 24, 15, 5, 19, tzinfo=UTC), datetime(2024, 5, 22, 16, 11, 45, tzinfo=UTC)
    )
    everything = entries_from_fixture(S0)
    inside = sorted(e.id for e in everything if window.start <= e.published < window.end)
    papers = harness.fetch(window=window).papers
    assert sorted(p.id for p in papers) == inside
    assert "2202.12139" in inside  # published exactly at the start
    assert "2405.13786" not in inside  # published exactly at the end


def test_empty_comments_become_none(harness: Harness) -> None:
    """A blank comment, journal reference or DOI is absent (in the paper made one line, as the
    bot keeps it), not an empty string."""
    published = datetime(2026, 1, 2, 10, tzinfo=UTC)
    harness.server.corpus = [
        FeedEntry("2601.00002", published, comment="  ", journal_ref="", doi=" \n")
    ]
    (paper,) = map(one_line, harness.fetch(["cat:cs.CL"]).papers)
    assert (paper.comment, paper.journal_ref, paper.doi) == (None, None, None)


def test_one_line_keeps_a_paper_whose_text_is_on_one_line_already_as_it_is() -> None:
    """A paper with nothing to tidy is handed back itself; otherwise only its text changes."""
    when = datetime(2026, 1, 2, 10, tzinfo=UTC)
    tidy = Paper(
        id="2601.00001",
        version=2,
        title="A title",
        authors=("A. Author",),
        abstract="An abstract.",
        primary_category="cs.CL",
        categories=("cs.CL",),
        published=when,
        updated=when,
        comment="5 pages",
        doi="10.1/x",
    )
    assert one_line(tidy) is tidy
    wrapped = replace(
        tidy,
        title=" A\n title",
        authors=("A.\n Author",),
        abstract="An\tabstract. ",
        comment="\n",
    )
    assert one_line(wrapped) == replace(tidy, comment=None)


def test_a_corpus_is_paged_through_to_the_end(harness: Harness) -> None:
    """100 entries at 30 a page take 4 requests and arrive whole."""
    harness.server.corpus = entries_from_fixture(S0_M100)
    harness.page_size = 30
    report = harness.fetch(["all:testing"])
    assert harness.starts == [0, 30, 60, 90]
    assert sorted(p.id for p in report.papers) == sorted(
        e.id for e in entries_from_fixture(S0_M100)
    )


# --- faults ------------------------------------------------------------------------------------

FAULTS = {
    "429": (status(429), "HTTP 429"),
    "500": (status(500), "HTTP 500"),
    "503": (status(503), "HTTP 503"),
    "reset": (reset(), "connection failed"),
    "hang": (hang(0.5), "timed out after 0.2 s"),
    "truncated": (truncated(), "malformed feed (not well-formed XML)"),
    "short read": (truncated(honest_length=False), "connection failed"),
    "not xml": (not_xml(), "malformed feed (not an Atom feed: <html>)"),
    "empty page": (
        empty_page(50),
        "short page (0 of the 10 entries totalResults 50 promises from 0)",
    ),
}


@pytest.mark.parametrize("name", FAULTS)
def test_each_transient_fault_is_ridden_out_by_one_retry(harness: Harness, name: str) -> None:
    """One fault, one wait of `backoff`, then the same page again and every paper."""
    fault, _ = FAULTS[name]
    harness.server.script(fault)
    harness.server.serve_pages({0: S0, 10: S10}, total_results=20)
    report = harness.fetch()
    assert harness.starts == [0, 0, 10]
    assert harness.clock.sleeps == [10]
    assert (len(report.papers), report.requests, report.retries) == (20, 3, 1)


@pytest.mark.parametrize("name", FAULTS)
def test_a_fault_that_persists_fails_with_its_cause_host_tries_and_fix(
    harness: Harness, name: str
) -> None:
    """After the last retry, one FetchError names what went wrong, where, how often, and the fix."""
    fault, cause = FAULTS[name]
    harness.settings = ArxivSettings(timeout=0.2, retries=1, backoff=10, delay=0)
    harness.server.script(fault, fault)
    harness.server.serve_pages({0: S0}, total_results=10)
    error = harness.fails()
    assert error.message == f"could not read arXiv at 127.0.0.1: {cause} after 2 tries"
    assert error.fix == GIVE_UP_FIX
    assert str(error).endswith(
        "fix: arXiv may be down or rate-limiting: the next scheduled run will catch up, "
        "or re-run later"
    )
    assert not isinstance(error, QueryError)
    assert harness.server.request_count == 2
    assert harness.clock.sleeps == [10]


def test_waits_double_between_retries(harness: Harness) -> None:
    """Backoff 10 and three failures wait 10, 20 and 40 seconds before the fourth try succeeds."""
    harness.server.script(status(503), status(503), status(503))
    harness.server.serve_pages({0: S0}, total_results=10)
    report = harness.fetch()
    assert harness.clock.sleeps == [10, 20, 40]
    assert (report.requests, report.retries) == (4, 3)


def test_retries_are_counted_per_page(harness: Harness) -> None:
    """A page that succeeds after a retry gives the next page its own retries."""
    harness.settings = ArxivSettings(timeout=0.2, retries=1, backoff=10, delay=0)
    harness.server.script(status(503), recorded(S0, total_results=20), status(503))
    harness.server.serve_pages({10: S10}, total_results=20)
    report = harness.fetch()
    assert harness.starts == [0, 0, 10, 10]
    assert harness.clock.sleeps == [10, 10]
    assert (len(report.papers), report.retries) == (20, 2)


def test_a_retry_resumes_where_the_results_stopped(harness: Harness) -> None:
    """A fault on the third page asks again from `start=20`, not from the beginning."""
    harness.server.serve_pages({0: S0, 10: S10, 20: S20}, total_results=30)
    harness.server.script(recorded(S0, total_results=30), recorded(S10, total_results=30), reset())
    report = harness.fetch()
    assert harness.starts == [0, 10, 20, 20]
    assert len(report.papers) == 30


@pytest.mark.parametrize(
    ("header", "waits"),
    [
        ("45", [45]),
        ("2", [10]),
        ("1000", [300]),
        ("Mon, 05 Jan 2026 12:02:00 GMT", [120]),
        ("later", [10]),
    ],
)
def test_retry_after_is_honoured_when_longer_and_capped(
    harness: Harness, header: str, waits: list[float]
) -> None:
    """A 429's Retry-After (seconds or date, on the FakeClock) replaces a shorter backoff."""
    harness.server.script(status(429, retry_after=header))
    harness.server.serve_pages({0: S0}, total_results=10)
    harness.fetch()
    assert harness.clock.sleeps == waits


def test_a_retry_after_past_the_deadline_gives_up_at_once(harness: Harness) -> None:
    """Waiting 250 s with a 100 s deadline cannot help: fail now, without sleeping."""
    harness.settings = ArxivSettings(timeout=0.2, retries=4, backoff=10, delay=0, deadline=100)
    harness.server.script(status(429, retry_after="250"))
    error = harness.fails()
    assert error.message == (
        "could not read arXiv at 127.0.0.1 within the fetch deadline of 100 s: HTTP 429 after 1 try"
    )
    assert harness.clock.sleeps == []
    assert harness.server.request_count == 1


def test_the_deadline_bounds_the_whole_fetch(harness: Harness) -> None:
    """With a 100 s deadline, waits of 10, 20, 40 fit; the next (80) would not: give up."""
    harness.settings = ArxivSettings(timeout=0.2, retries=10, backoff=10, delay=0, deadline=100)
    harness.server.script(*[status(503)] * 10)
    error = harness.fails()
    assert error.message == (
        "could not read arXiv at 127.0.0.1 within the fetch deadline of 100 s: "
        "HTTP 503 after 4 tries"
    )
    assert harness.clock.sleeps == [10, 20, 40]
    assert harness.clock.elapsed <= 100


def test_pacing_that_would_pass_the_deadline_stops_the_fetch(harness: Harness) -> None:
    """With 3 s between pages and a 5 s deadline, the third page is never asked for."""
    harness.settings = ArxivSettings(timeout=0.2, delay=3, deadline=5)
    harness.server.serve_pages({0: S0, 10: S10, 20: S20}, total_results=30)
    error = harness.fails()
    assert error.message == (
        "could not read arXiv at 127.0.0.1 within the fetch deadline of 5 s: "
        "no time left for the next page after 2 requests"
    )
    assert harness.starts == [0, 10]
    assert harness.clock.sleeps == [3]


def test_requests_are_kept_delay_apart_also_after_a_short_retry_wait(harness: Harness) -> None:
    """A 1 s retry wait is topped up to the 3 s gap; pages then come 3 s apart."""
    harness.settings = ArxivSettings(timeout=0.2, backoff=1, delay=3)
    harness.server.script(status(503))
    harness.server.serve_pages({0: S0, 10: S10}, total_results=20)
    harness.fetch()
    assert harness.clock.sleeps == [1, 2, 3]


def test_a_rejected_query_fails_at_once_with_arxivs_message(harness: Harness) -> None:
    """HTTP 400 (the recorded error feed) is never retried; arXiv's own words are passed on."""
    harness.server.script(
        status(400, body=fixture_bytes("id_abc_s0_m100_b79c8dcf6bc3.xml")), status(503)
    )
    with pytest.raises(QueryError) as caught:
        harness.fetch()
    assert caught.value.message == (
        "arXiv at 127.0.0.1 rejected the query (HTTP 400): incorrect id format for abc"
    )
    assert caught.value.fix == (
        "retrying cannot help: change the keyword, author or category it names in the config file"
    )
    assert harness.server.request_count == 1
    assert harness.clock.sleeps == []


def test_a_400_without_an_error_feed_still_fails_at_once(harness: Harness) -> None:
    """Without arXiv's message, the error says so rather than guessing."""
    harness.server.script(error_feed("syntax error near ')'"))
    with pytest.raises(QueryError) as caught:
        harness.fetch()
    assert caught.value.message.endswith("(HTTP 400): syntax error near ')'")
    harness.server.script(status(400))
    with pytest.raises(QueryError) as caught:
        harness.fetch()
    assert caught.value.message.endswith("(HTTP 400): no message")
    assert harness.server.request_count == 2


def test_other_client_errors_fail_at_once(harness: Harness) -> None:
    """A 404 (a wrong ARXIV_API_URL) is not retried and points at the setting."""
    harness.server.script(status(404))
    error = harness.fails()
    assert error.message == "arXiv at 127.0.0.1 answered HTTP 404 (Not Found)"
    assert error.fix == (
        f"check that ARXIV_API_URL ({harness.server.url}) is arXiv's query API or a mirror"
    )
    assert harness.server.request_count == 1


def test_a_redirect_is_followed_through_the_same_checks(harness: Harness) -> None:
    """A mirror that redirects once is followed; the page it leads to is checked and kept."""
    harness.server.script(redirect(harness.server.url + "?search_query=all:testing&start=0"))
    harness.server.serve_pages({0: S0}, total_results=10)
    report = harness.fetch()
    assert (len(report.papers), report.requests, report.retries) == (10, 2, 0)


def test_a_redirect_loop_fails_without_retries(harness: Harness) -> None:
    """Endless redirects are a wrong endpoint, reported as such."""
    harness.server.script(*[redirect(harness.server.url)] * 31)
    error = harness.fails()
    assert error.message == "could not read arXiv at 127.0.0.1: Exceeded 30 redirects."
    assert error.fix == f"check ARXIV_API_URL ({harness.server.url})"
    assert harness.server.request_count == 31
    assert harness.clock.sleeps == []


# --- more than arXiv serves of one query --------------------------------------------------------

WEEK = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 8, tzinfo=UTC))
FEWER_FIX = "add `categories` to the lists that have none, so the query asks for less"


def _at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, second, tzinfo=UTC)


def _spread() -> list[FeedEntry]:
    """13 papers, one every 13 hours from 1 January 03:17."""
    return [
        FeedEntry(f"2601.{n:05d}", _at(1, 3, 17) + timedelta(hours=13 * n), categories=["cs.CL"])
        for n in range(13)
    ]


def test_past_what_arxiv_serves_the_query_goes_on_below_the_oldest_paper_received(
    harness: Harness,
) -> None:
    """13 results where arXiv serves 10 of a query: two full pages, then the same query from the
    window's start to the minute after the oldest paper's, its first page kept, each paper once."""
    harness.server.corpus = _spread()
    harness.page_size, harness.query_limit = 5, 10
    report = harness.fetch([f"cat:cs.CL AND {date_clause(WEEK)}"], WEEK)
    assert [(r.date_range, r.start) for r in harness.server.requests] == [
        ((_at(1), _at(8)), 0),
        ((_at(1), _at(8)), 5),
        ((_at(1), _at(2, 18, 18)), 0),  # paper 3, the oldest received, came at 18:17
    ]
    assert harness.server.requests[2].search_query == (
        "cat:cs.CL AND submittedDate:[202601010000 TO 202601021818]"
    )
    assert sorted(p.id for p in report.papers) == [e.id for e in _spread()]
    assert (report.requests, report.total_results, report.retries) == (3, 13, 0)


def test_a_continuation_past_what_arxiv_serves_goes_on_again_handing_each_paper_once(
    harness: Harness,
) -> None:
    """4 served a query, pages of 2: three continuations, each ending earlier, one resumed after
    a fault; streamed (as backfill reads them), the 13 papers come once each, newest first."""
    harness.server.corpus = _spread()
    harness.page_size, harness.query_limit = 2, 4
    harness.server.script(normal(), normal(), normal(), status(503))
    handed: list[Paper] = []
    report = harness.fetch([f"cat:cs.CL AND {date_clause(WEEK)}"], WEEK, on_paper=handed.append)
    assert [p.id for p in handed] == [e.id for e in reversed(_spread())]
    assert report.papers == ()
    assert harness.starts == [0, 2, 0, 2, 2, 0, 2, 0, 2]
    ends = [r.date_range[1] for r in harness.server.requests if r.date_range and r.start == 0]
    assert ends == [_at(8), _at(6, 0, 18), _at(4, 9, 18), _at(2, 18, 18)]
    assert (report.requests, report.total_results, report.retries) == (9, 13, 1)


def test_papers_of_the_boundary_minutes_are_neither_lost_nor_handed_over_twice(
    harness: Harness,
) -> None:
    """Cut inside 10:05: its papers and 10:06's come again, and only those not received yet
    (10:05:10, then 10:04) are handed over."""
    times = [(10, 9, 0), (10, 8, 0), (10, 7, 0), (10, 6, 30), (10, 5, 40), (10, 5, 20)]
    times += [(10, 5, 10), (10, 4, 0)]
    harness.server.corpus = [
        FeedEntry(f"2601.{n:05d}", _at(2, *when), categories=["cs.CL"])
        for n, when in enumerate(reversed(times), start=1)
    ]
    hour = Window(_at(2, 10), _at(2, 11))
    harness.page_size, harness.query_limit = 3, 6
    handed: list[Paper] = []
    report = harness.fetch([f"cat:cs.CL AND {date_clause(hour)}"], hour, on_paper=handed.append)
    assert [p.id for p in handed] == [f"2601.{n:05d}" for n in range(8, 0, -1)]
    assert [(r.date_range, r.start) for r in harness.server.requests] == [
        ((_at(2, 10), _at(2, 11)), 0),
        ((_at(2, 10), _at(2, 11)), 3),
        ((_at(2, 10), _at(2, 10, 6)), 0),
        ((_at(2, 10), _at(2, 10, 6)), 3),
    ]
    assert report.total_results == 8


def test_after_thousands_of_papers_the_boundary_minutes_are_still_known(harness: Harness) -> None:
    """4,300 papers two seconds apart, 4,100 served a query: what the source keeps of the papers
    received is trimmed as they come, yet the 40 of the boundary minutes are passed over."""
    first = _at(2, 8, 0, 1)
    harness.server.corpus = [
        FeedEntry(f"2601.{n:05d}", first + timedelta(seconds=2 * n), categories=["cs.CL"])
        for n in range(4300)
    ]
    harness.page_size, harness.query_limit = 820, 4100
    handed: list[str] = []
    day = Window(_at(2), _at(3))
    report = harness.fetch(
        [f"cat:cs.CL AND {date_clause(day)}"], day, on_paper=lambda p: handed.append(p.id)
    )
    assert handed == [f"2601.{n:05d}" for n in range(4299, -1, -1)]
    assert harness.starts == [0, 820, 1640, 2460, 3280, 0]
    continued = harness.server.corpus_feed(harness.server.requests[-1])
    assert continued.total_results == 200 + 40  # 200 new, 40 received at 08:06 or 08:07
    assert report.total_results == 4300


def test_more_than_30000_results_in_one_minute_is_an_error(harness: Harness) -> None:
    """A range of one minute reported above what arXiv serves fails at its first page."""
    minute = Window(_at(2, 10), _at(2, 10, 1))
    harness.server.corpus = [FeedEntry("2601.00009", _at(2, 10, 0, 30))]
    harness.server.fake_total = lambda request, real: 40_000
    harness.page_size = 1
    error = harness.fails([f"cat:cs.CL AND {date_clause(minute)}"])
    assert error.message == (
        "arXiv reports 40000 results for one minute of submissions, more than the 30000 it "
        "serves for one query"
    )
    assert error.fix == FEWER_FIX
    assert harness.server.request_count == 1


def test_more_than_arxiv_serves_within_the_last_minutes_of_a_range_is_an_error(
    harness: Harness,
) -> None:
    """When every result arXiv serves came in the range's last minute, no continuation could
    end earlier: the fetch fails instead of asking the same again."""
    harness.server.corpus = [
        FeedEntry(f"2601.{n:05d}", _at(2, 10, 9, 10 * n), categories=["cs.CL"]) for n in range(1, 6)
    ] + [FeedEntry("2601.00009", _at(2, 10, 2), categories=["cs.CL"])]
    harness.page_size, harness.query_limit = 2, 4
    window = Window(_at(2, 10), _at(2, 10, 10))
    error = harness.fails([f"cat:cs.CL AND {date_clause(window)}"])
    assert error.message == (
        "arXiv holds more than 4 results submitted from 2026-01-02 10:09 to 10:10 UTC, more "
        "than it serves for one query"
    )
    assert error.fix == FEWER_FIX
    assert harness.starts == [0, 2]


def test_the_fixture_sets_arxiv_api_url_to_the_server(arxiv_server: ArxivServer) -> None:
    """Code that reads the environment (the CLI) reaches the local server."""
    assert endpoint_from_env(os.environ) == arxiv_server.url
    assert arxiv_server.url.startswith("http://127.0.0.1:")
