"""The local arXiv API itself: faithful recordings, a corpus that behaves, faults on cue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from tests.arxiv_server import (
    FIXTURES,
    ArxivServer,
    FeedEntry,
    empty_page,
    error_feed,
    error_feed_body,
    feed_from_fixture,
    fixture_bytes,
    hang,
    parse_feed,
    reset,
    status,
    truncated,
)

CURRENT_FORMAT = sorted(
    path.name
    for path in FIXTURES.glob("*.xml")
    if not path.name.startswith(("researchhub_", "id_abc_"))
)
RANGE = "submittedDate:[202601010000 TO 202601060000]"


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _get(
    http: requests.Session, server: ArxivServer, query: str, **params: str
) -> requests.Response:
    return http.get(server.url, params={"search_query": query, **params}, timeout=2)


@pytest.mark.parametrize("filename", CURRENT_FORMAT)
def test_recorded_feeds_render_back_byte_for_byte(filename: str) -> None:
    """Parsing a recording into entries and rendering it gives arXiv's exact bytes back."""
    assert feed_from_fixture(filename).render() == fixture_bytes(filename)


def test_the_error_feed_is_the_one_arxiv_sends() -> None:
    """The scripted 400 body is arXiv's recorded error feed, timestamps aside."""
    recorded = fixture_bytes("id_abc_s0_m100_b79c8dcf6bc3.xml")
    assert error_feed_body("incorrect id format for abc") == recorded.replace(
        b"2026-04-12T22:59:06Z", b"2026-01-05T12:00:00Z"
    )


def _corpus() -> list[FeedEntry]:
    return [
        FeedEntry("2601.00001", datetime(2026, 1, 2, 9, tzinfo=UTC), categories=["cs.CL"]),
        FeedEntry("2601.00002", datetime(2026, 1, 3, 9, tzinfo=UTC), categories=["astro-ph.GA"]),
        FeedEntry(
            "2601.00003",
            datetime(2026, 1, 4, 9, tzinfo=UTC),
            categories=["cs.AI", "cs.CL"],
            visible_after=datetime(2026, 1, 5, 1, tzinfo=UTC),
        ),
        FeedEntry("2512.00004", datetime(2025, 12, 1, 9, tzinfo=UTC), categories=["cs.CL"]),
    ]


def _ids(response: requests.Response) -> list[str]:
    assert response.status_code == 200
    return [entry.id for entry in parse_feed(response.content).entries]


def test_the_corpus_answers_by_date_category_and_announcement(
    arxiv_server: ArxivServer, http: requests.Session
) -> None:
    """Dates and `cat:` terms filter, keyword terms widen, hidden papers appear once announced."""
    arxiv_server.corpus = _corpus()
    arxiv_server.now = datetime(2026, 1, 5, tzinfo=UTC)
    assert _ids(_get(http, arxiv_server, f"cat:cs.CL AND {RANGE}")) == ["2601.00001"]
    assert _ids(_get(http, arxiv_server, f"cat:astro-ph* AND {RANGE}")) == ["2601.00002"]
    assert _ids(_get(http, arxiv_server, f"(cat:cs.CL OR ti:LLM) AND {RANGE}")) == [
        "2601.00002",
        "2601.00001",
    ]
    arxiv_server.now = datetime(2026, 1, 5, 1, tzinfo=UTC)
    assert _ids(_get(http, arxiv_server, f"cat:cs.CL AND {RANGE}")) == [
        "2601.00003",
        "2601.00001",
    ]
    assert _ids(_get(http, arxiv_server, "cat:cs.CL")) == ["2601.00003", "2601.00001", "2512.00004"]


def test_the_corpus_pages_and_reports_its_totals(
    arxiv_server: ArxivServer, http: requests.Session
) -> None:
    """start and max_results pick the page; the header says how many there are in all."""
    arxiv_server.corpus = _corpus()
    feed = parse_feed(_get(http, arxiv_server, "cat:cs.CL", start="1", max_results="1").content)
    assert [e.id for e in feed.entries] == ["2601.00001"]
    assert (feed.total_results, feed.start_index, feed.items_per_page) == (3, 1, 1)
    arxiv_server.fake_total = lambda request, real: real * 10_000
    assert parse_feed(_get(http, arxiv_server, "cat:cs.CL").content).total_results == 30_000


def test_results_past_what_arxiv_serves_of_one_query_are_refused(
    arxiv_server: ArxivServer, http: requests.Session
) -> None:
    """A page reaching past the first 30,000 results (or a lower `query_limit`) is HTTP 400."""
    arxiv_server.corpus = _corpus()
    assert _get(http, arxiv_server, "cat:cs.CL", start="28000", max_results="2000").ok
    refused = _get(http, arxiv_server, "cat:cs.CL", start="28001", max_results="2000")
    assert refused.status_code == 400
    assert parse_feed(refused.content).entries[0].summary == (
        "start plus max_results may not exceed 30000"
    )
    arxiv_server.query_limit = 2
    assert _ids(_get(http, arxiv_server, "cat:cs.CL", start="1", max_results="1")) == ["2601.00001"]
    assert _get(http, arxiv_server, "cat:cs.CL", start="2", max_results="1").status_code == 400


def test_scripted_answers_come_first_in_order_and_every_request_is_recorded(
    arxiv_server: ArxivServer, http: requests.Session
) -> None:
    """Statuses with headers, the error feed and broken feeds are served once each, in order."""
    arxiv_server.corpus = _corpus()
    arxiv_server.script(
        status(429, retry_after="7"), error_feed("bad query"), empty_page(40), truncated()
    )
    assert arxiv_server.pending == 4
    limited = _get(http, arxiv_server, "cat:cs.CL")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    rejected = _get(http, arxiv_server, "cat:cs.CL")
    assert rejected.status_code == 400
    assert parse_feed(rejected.content).entries[0].summary == "bad query"
    empty = parse_feed(_get(http, arxiv_server, "cat:cs.CL", start="20").content)
    assert (empty.entries, empty.total_results, empty.start_index) == ([], 40, 20)
    cut = _get(http, arxiv_server, "cat:cs.CL").content
    assert cut.startswith(b"<?xml") and not cut.rstrip().endswith(b"</feed>")
    assert _ids(_get(http, arxiv_server, "cat:cs.CL")) == ["2601.00003", "2601.00001", "2512.00004"]
    assert arxiv_server.request_count == 5
    assert arxiv_server.requests[2].path == "/api/query"
    assert arxiv_server.requests[2].params == {"search_query": "cat:cs.CL", "start": "20"}


def test_network_faults_reach_the_client_as_such(
    arxiv_server: ArxivServer, http: requests.Session
) -> None:
    """A reset is a connection error; a hang outlasts the client's timeout."""
    arxiv_server.script(reset(), hang(0.5))
    with pytest.raises(requests.ConnectionError):
        _get(http, arxiv_server, "cat:cs.CL")
    with pytest.raises(requests.ReadTimeout):
        http.get(arxiv_server.url, timeout=0.1)
    assert arxiv_server.request_count == 2


def test_nothing_to_serve_is_a_404(arxiv_server: ArxivServer, http: requests.Session) -> None:
    """Without script, files or corpus the server says so instead of inventing a feed."""
    response = _get(http, arxiv_server, "cat:cs.CL")
    assert (response.status_code, response.text) == (404, "arxiv_server: nothing to serve\n")


def test_the_server_shuts_down_and_frees_its_port(http: requests.Session) -> None:
    """After the block, nothing listens on the port any more."""
    with ArxivServer() as server:
        server.serve_file("id_0000.0000_s0_m100_8b51d9633a68.xml", times=None)
        assert _get(http, server, "x").status_code == 200
        assert _get(http, server, "x").status_code == 200
    with pytest.raises(requests.ConnectionError):
        _get(http, server, "x")
