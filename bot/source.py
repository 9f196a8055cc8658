"""The one module that talks to arXiv: the arxiv package, made patient and strict.

arxiv 4.0.2 pages through results for us, but sets no timeout, retries at once and without
`Retry-After`, retries a 400, hides totalResults and takes an empty or garbled page for the end
of the results. So its own retries and delay are switched off and it is wrapped:

- a requests adapter mounted on its session paces the requests (`delay`, never below 3 s against
  arXiv itself, as its terms of use ask), bounds each response by `timeout`, and checks every
  response before the package sees it: a 200 must be an Atom feed holding as many entries as
  its totalResults promises; 429, 5xx, dropped connections and timeouts are transient; a 400 is
  a query arXiv rejects (its message is passed on, nothing is retried);
- our loop retries a failing page with doubling waits (a longer `Retry-After` wins, up to 300 s)
  and resumes with `offset=` where the results stopped, all within the fetch's `deadline`, with
  every wait taken on the injected clock;
- a query arXiv reports more than 30,000 results for is paged up to the 30,000 it serves, then
  asked again from the start of its date range up to the oldest submission received (the
  boundary minute's papers come twice and are handed over once), as often as it takes: a
  split by date at the point reached, so every page but the last is full. More than 30,000
  results within one minute cannot be asked for and fail clearly.

`arxiv.Result` (mutable, compared by version) never leaves this module: papers come out as
`bot.models.Paper`, one per version-less id, the highest version seen. Their title, author
names, abstract, comment, journal_ref and doi may be as arXiv sent them (hard line breaks and
all): matching reads text blind to whitespace, and most fetched papers are on no list, so only
the papers a list keeps are made `one_line` (by `bot.runner.build_day`), as the bot stores and
shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import arxiv  # type: ignore[import-untyped]
import arxiv._feed as arxiv_feed  # type: ignore[import-untyped]
import requests
import urllib3
from lxml import etree  # type: ignore[import-untyped]
from requests.adapters import HTTPAdapter

from bot.clock import Clock
from bot.config import ArxivSettings
from bot.errors import FetchError, QueryError, UsageError
from bot.models import Paper, Window
from bot.query import DEFAULT_ENDPOINT, date_range, with_date_range

__all__ = [
    "DEFAULT_ENDPOINT",
    "ArxivSource",
    "FetchReport",
    "endpoint_from_env",
    "one_line",
    "pacing_delay",
    "papers_of",
    "parse_feed",
    "parse_retry_after",
    "retry_wait",
    "strip_version",
    "to_paper",
]

ARXIV_MIN_DELAY = 3.0
"""arXiv's terms of use: "no more than one request every three seconds" (api_tou)."""

MAX_RETRY_AFTER = 300.0
"""The longest `Retry-After` honoured; a server asking for more gets this much."""

MAX_RESULTS_PER_QUERY = 30_000
"""arXiv serves at most this many results of one query; past it, the query's date range ends
at the oldest submission received and the query is asked again."""

_FEWER_FIX = "add `categories` to the lists that have none, so the query asks for less"
_MINUTE = timedelta(minutes=1)

GIVE_UP_FIX = (
    "arXiv may be down or rate-limiting: the next scheduled run will catch up, or re-run later"
)

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_FEED_TAG = "{http://www.w3.org/2005/Atom}feed"


# --- small pure helpers ------------------------------------------------------------------------


def _check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UsageError(
            f"ARXIV_API_URL {endpoint!r} is not an http(s) URL",
            fix=f"unset it to use {DEFAULT_ENDPOINT}, or give a full URL such as that one",
        )
    return endpoint


def endpoint_from_env(environ: Mapping[str, str]) -> str:
    """The API endpoint: `ARXIV_API_URL` when set and not blank, else arXiv's own."""
    value = environ.get("ARXIV_API_URL", "").strip()
    return _check_endpoint(value) if value else DEFAULT_ENDPOINT


def strip_version(entry_id_or_id: str) -> tuple[str, int]:
    """`http://arxiv.org/abs/2504.17950v2` → (`2504.17950`, 2); `hep-ex/0406020v1` → (…, 1).

    Only a trailing `v<digits>` is a version (archive names such as `solv-int` contain a "v").
    An id without one counts as version 1.
    """
    text = entry_id_or_id.strip()
    cut = text.find("/abs/")
    if cut >= 0 and "\n" not in text[:cut]:  # what `^.*?/abs/` removes
        text = text[cut + 5 :]
    head, v, number = text.rpartition("v")  # a trailing `v\d+`, found without a regex
    if v and number.isdecimal():
        return head, int(number)
    return text, 1


def pacing_delay(delay: float, endpoint: str, log: logging.Logger) -> float:
    """The gap between requests: `delay`, raised to 3 s (with a warning) against arXiv itself."""
    host = (urlsplit(endpoint).hostname or "").lower()
    if (host == "arxiv.org" or host.endswith(".arxiv.org")) and delay < ARXIV_MIN_DELAY:
        log.warning(
            "arxiv.delay %g s is below the %g s arXiv's terms of use ask for: using %g s",
            delay,
            ARXIV_MIN_DELAY,
            ARXIV_MIN_DELAY,
        )
        return ARXIV_MIN_DELAY
    return delay


def retry_wait(retry: int, backoff: float, retry_after: float | None = None) -> float:
    """The wait before retry number `retry` (1, 2, …): backoff doubling, or a longer Retry-After.

    A `Retry-After` longer than the backoff wins, capped at 300 s.
    """
    wait = backoff * 2.0 ** (retry - 1)
    if retry_after is not None and retry_after > wait:
        wait = min(retry_after, MAX_RETRY_AFTER)
    return wait


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a `Retry-After` header (seconds or an HTTP-date); None if unusable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _text(value: str | None) -> str:
    """Surrounding whitespace stripped, inner runs (hard newlines included) made one space."""
    if not value:
        return ""
    if _on_one_line(value):  # already so (arXiv's text mostly is): kept without a split and join
        return value
    return " ".join(value.split())


_BREAKS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
"""The ASCII characters besides the space that `str.split()` splits on."""


def _on_one_line(value: str) -> bool:
    """True when `" ".join(value.split())` is `value`, found by scans in C. Every break but
    the space is unprintable; a long ASCII text (an abstract) is searched for each kind of
    break instead, which is faster than looking up each of its characters."""
    if "  " in value or value.startswith(" ") or value.endswith(" "):
        return False
    if len(value) > _LONG and value.isascii():
        return not any(char in value for char in _BREAKS)
    return value.isprintable()


_LONG = 200


def _optional(value: str | None) -> str | None:
    """`_text` of the value, None for none or a blank one (the value itself when on one line)."""
    text = _text(value)
    return text or None


def one_line(paper: Paper) -> Paper:
    """The paper with its text as the bot keeps it: title, author names, abstract, comment,
    journal_ref and doi each on one line (whitespace runs one space, trimmed; a blank optional
    field None). The paper itself when it is so already, as arXiv's text mostly is."""
    title, authors, abstract = _text(paper.title), _names(paper.authors), _text(paper.abstract)
    comment, journal_ref = _optional(paper.comment), _optional(paper.journal_ref)
    doi = _optional(paper.doi)
    if (
        title is paper.title
        and authors is paper.authors
        and abstract is paper.abstract
        and comment is paper.comment
        and journal_ref is paper.journal_ref
        and doi is paper.doi
    ):
        return paper
    return replace(
        paper,
        title=title,
        authors=authors,
        abstract=abstract,
        comment=comment,
        journal_ref=journal_ref,
        doi=doi,
    )


def to_paper(result: Any) -> Paper:
    """An `arxiv.Result` as a `Paper`: version-less id, text on one line (`one_line`), UTC
    datetimes."""
    paper_id, version = strip_version(str(result.entry_id))
    categories = tuple(str(category) for category in result.categories)
    primary = str(result.primary_category or "") or (categories[0] if categories else "")
    paper = Paper(
        id=paper_id,
        version=version,
        title=result.title or "",
        authors=tuple(author.name or "" for author in result.authors),
        abstract=result.summary or "",
        primary_category=primary,
        categories=categories,
        published=_utc(result.published),
        updated=_utc(result.updated),
        comment=result.comment,
        journal_ref=result.journal_ref,
        doi=result.doi,
    )
    return one_line(paper)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _minute(moment: datetime) -> datetime:
    """The UTC minute a moment falls in (arXiv's date ranges count whole minutes)."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _count_of(count: int, one: str, many: str = "") -> str:
    return f"{count} {one}" if count == 1 else f"{count} {many or one + 's'}"


# --- faults ------------------------------------------------------------------------------------


class _Transient(Exception):  # noqa: N818 - a fault to retry, not an error to report
    """A response worth retrying: rate limit, server error, network fault, broken feed."""

    def __init__(self, cause: str, *, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after


class _OutOfTime(Exception):  # noqa: N818 - a signal to the retry loop, never shown
    """The next request would start (or its pacing end) past the fetch's deadline."""


# --- the fetch ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchReport:
    """What one fetch brought back, and what it cost."""

    papers: tuple[Paper, ...]
    """Papers published inside the window, one per version-less id, newest first."""
    requests: int
    """HTTP requests sent, failed ones included."""
    total_results: int
    """What arXiv's first page reported for each query asked, summed (a query continued past the
    30,000 results arXiv serves counts once, with the total of its first page)."""
    retries: int
    """Requests repeated after a transient fault."""


@dataclass
class _Run:
    """The state of one `fetch` call, shared by the retry loop and the adapter."""

    window: Window
    deadline_at: float
    requests: int = 0
    retries: int = 0
    successes: int = 0
    total_results: int = 0
    last_total: int = 0
    papers: dict[str, Paper] = field(default_factory=dict)
    on_paper: Callable[[Paper], None] | None = None
    page: list[Paper] = field(default_factory=list)
    """The papers of the last page the adapter checked (read once, in the same lxml pass)."""


@dataclass
class _Part:
    """One query paged up to what arXiv serves: what it reported, and where it stopped."""

    total: int = 0
    """totalResults of its first page."""
    received: int = 0
    """Results arXiv sent, passed-over ones included: where a retry resumes (`offset=`)."""
    cut: bool = False
    """True when arXiv has more than it serves: the rest of the range is still to be asked."""
    oldest: datetime | None = None
    """The earliest submission received."""
    recent: list[tuple[datetime, str]] = field(default_factory=list)
    """(submitted, id) of the papers received, now and then pruned to the two minutes from
    the one `oldest` falls in (papers come newest first, so this stays short)."""
    prune_at: int = 4096
    """The length of `recent` at which papers submitted after those two minutes are dropped."""

    def note(self, paper: Paper) -> None:
        """Track the oldest submission, and the ids a continuation could bring again."""
        published = paper.published
        if self.oldest is None or published < self.oldest:
            self.oldest = published
        self.recent.append((published, paper.id))
        if len(self.recent) >= self.prune_at:
            edge = self._edge()  # papers submitted later cannot come again
            self.recent = [seen for seen in self.recent if seen[0] < edge]
            self.prune_at = max(self.prune_at, 2 * len(self.recent))

    @property
    def last_minute(self) -> datetime | None:
        """The minute after the one `oldest` falls in: where a continuation ends."""
        return None if self.oldest is None else _minute(self.oldest) + _MINUTE

    @property
    def boundary(self) -> frozenset[str]:
        """The ids received in the minute of `oldest` or the one after it: those a continuation
        ending in that next minute brings again."""
        edge = self._edge()
        return frozenset(paper_id for published, paper_id in self.recent if published < edge)

    def _edge(self) -> datetime:
        """The end of the minute after the one `oldest` falls in."""
        assert self.oldest is not None  # set by the paper just noted
        return _minute(self.oldest) + 2 * _MINUTE


class _CheckingAdapter(HTTPAdapter):
    """Paces, times out and checks every request the arxiv client sends."""

    def __init__(self, source: ArxivSource) -> None:
        super().__init__(max_retries=0)
        self._source = source

    def send(  # noqa: PLR0917 - requests' own signature, called positionally by it
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        source = self._source
        limit = source._before_request()
        try:
            response = super().send(
                request, stream=False, timeout=limit, verify=verify, cert=cert, proxies=proxies
            )
            body = response.content
        except requests.Timeout as error:
            raise _Transient(f"timed out after {limit:g} s") from error
        except requests.RequestException as error:
            if _timed_out(error):
                raise _Transient(f"timed out after {limit:g} s") from error
            source._log.debug("connection failed: %r", error)
            raise _Transient("connection failed") from error
        finally:
            source._after_request()
        source._check(request.url or "", response, body)
        return response


def _timed_out(error: BaseException) -> bool:
    """True when a requests error wraps a timeout (one raised while reading the body)."""
    seen: BaseException | None = error
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, urllib3.exceptions.NewConnectionError):
            return False  # refused or unresolvable: urllib3 files it under timeouts, it is not one
        if isinstance(seen, TimeoutError | urllib3.exceptions.TimeoutError):
            return True
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = inner or seen.__cause__ or seen.__context__
    return False


class ArxivSource:
    """Fetches the papers of a set of queries over a window from arXiv's API."""

    def __init__(
        self,
        settings: ArxivSettings,
        *,
        endpoint: str,
        clock: Clock,
        page_size: int = 2000,
        query_limit: int = MAX_RESULTS_PER_QUERY,
        log: logging.Logger | None = None,
    ) -> None:
        """`page_size` results are asked per request (arXiv's most: 2,000); `query_limit` is the
        most arXiv serves of one query (30,000; a multiple of `page_size`, smaller in tests)."""
        self._settings = settings
        self._endpoint = _check_endpoint(endpoint)
        self._clock = clock
        self._log = log or logging.getLogger(__name__)
        self._delay = pacing_delay(settings.delay, endpoint, self._log)
        self._page_size = page_size
        self._query_limit = query_limit
        self._client = arxiv.Client(page_size=page_size, delay_seconds=0, num_retries=0)
        separator = "&" if "?" in endpoint else "?"
        escaped = endpoint.replace("{", "{{").replace("}", "}}")
        self._client.query_url_format = escaped + separator + "{}"
        adapter = _CheckingAdapter(self)
        self._client._session.mount("http://", adapter)
        self._client._session.mount("https://", adapter)
        # The package would parse each page a second time, into Results, at three times the
        # cost of the pass that checks it: the papers that pass makes are handed over instead.
        self._client._parse_feed = self._parsed_page
        self._last_request_end: float | None = None
        self._run: _Run | None = None

    def close(self) -> None:
        """Close the HTTP connections (the source can still be used; it reconnects)."""
        self._client._session.close()

    def __enter__(self) -> ArxivSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def delay(self) -> float:
        """The gap kept between requests, in seconds (after the 3-second floor)."""
        return self._delay

    def fetch(
        self,
        queries: Sequence[str],
        window: Window,
        *,
        on_paper: Callable[[Paper], None] | None = None,
    ) -> FetchReport:
        """Every paper the queries find that was published inside the window.

        With `on_paper`, each paper is handed over as it arrives (newest submission first within
        a query, as arXiv sorts them) instead of being collected: the report then holds none,
        and a long fetch (`backfill`) keeps no more than one page in memory.
        """
        deadline_at = self._clock.monotonic() + self._settings.deadline
        run = _Run(window=window, deadline_at=deadline_at, on_paper=on_paper)
        self._run = run
        try:
            for query in queries:
                self._fetch_query(query, run)
        finally:
            self._run = None
        papers = sorted(run.papers.values(), key=lambda paper: paper.id)
        papers.sort(key=lambda paper: paper.published, reverse=True)
        return FetchReport(tuple(papers), run.requests, run.total_results, run.retries)

    # -- one query, continued past what arXiv serves, resumed after faults ----------------------

    def _fetch_query(self, query: str, run: _Run) -> None:
        """Every result of one query, newest submission first, however many there are.

        arXiv serves at most `query_limit` results of one query. When the first page reports
        more, the query is paged up to that many, then asked again over the rest of its date
        range: from the range's start to the minute after the one in which the oldest paper
        received was submitted. arXiv's range is minute-granular and undocumented at its end
        (a whole minute, or its first instant), so ending a minute later loses nothing either
        way; the papers of those two boundary minutes that were received already come again and
        are passed over by id, so none is handed over twice. A continuation that again reports
        more than arXiv serves is continued the same way, each time ending earlier; one that
        could not end earlier (more than arXiv serves within a minute or two) fails.
        """
        span = date_range(query)
        start = span[0] if span is not None else _minute(run.window.start)
        end = span[1] if span is not None else None
        within = (end or run.window.end) - start <= _MINUTE
        part = self._fetch_part(query, run, frozenset(), single_minute=within)
        run.total_results += part.total
        while part.cut:
            oldest, until = part.oldest, part.last_minute
            if oldest is None or until is None or oldest < start:
                return  # older than the range: everything in it has come
            if end is not None and until >= end:
                raise FetchError(
                    f"arXiv holds more than {self._query_limit} results submitted from "
                    f"{_minute(oldest):%Y-%m-%d %H:%M} to {end:%H:%M} UTC, more than it serves "
                    "for one query",
                    fix=_FEWER_FIX,
                )
            self._log.info(
                "arXiv reports %d results (more than the %d it serves): asking again for "
                "submissions from %s to %s",
                part.total,
                self._query_limit,
                start.isoformat(),
                until.isoformat(),
            )
            query, end = with_date_range(query, start, until), until
            part = self._fetch_part(query, run, part.boundary, single_minute=end - start <= _MINUTE)

    def _fetch_part(
        self, query: str, run: _Run, skip: frozenset[str], *, single_minute: bool
    ) -> _Part:
        """One query paged up to what arXiv serves, resumed with `offset=` after a fault.

        Papers whose id is in `skip` (received before, in the boundary minutes) are passed
        over. A single minute reported above what arXiv serves fails at its first page.
        """
        search = arxiv.Search(
            query=query,
            max_results=None,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Descending,
        )
        part = _Part()
        total: int | None = None
        failures = 0
        successes = run.successes
        last_cause = ""
        while True:
            try:
                for result in self._client.results(search, offset=part.received):
                    if total is None:
                        total = run.last_total
                        if single_minute and total > self._query_limit:
                            raise FetchError(
                                f"arXiv reports {total} results for one minute of submissions, "
                                f"more than the {self._query_limit} it serves for one query",
                                fix=_FEWER_FIX,
                            )
                    paper = result if isinstance(result, Paper) else to_paper(result)
                    part.received += 1
                    part.note(paper)
                    if paper.id not in skip:
                        self._keep(paper, run)
                    if part.received >= self._query_limit:
                        part.cut = total > self._query_limit
                        break  # asking for more would be refused (HTTP 400)
                part.total = run.last_total if total is None else total
                return part
            except (_Transient, arxiv.UnexpectedEmptyPageError) as error:
                # The package's own empty-page error: entries it could not read, a short page.
                fault = (
                    error
                    if isinstance(error, _Transient)
                    else _Transient("malformed feed (no readable entries)")
                )
                if run.successes != successes:
                    failures, successes = 0, run.successes
                failures += 1
                last_cause = fault.cause
                self._wait_or_give_up(fault, failures, run)
            except (requests.RequestException, arxiv.ArxivError) as error:
                # Raised around the adapter (too many redirects, a URL requests refuses).
                raise FetchError(
                    f"could not read arXiv at {self._host}: {error}",
                    fix=f"check ARXIV_API_URL ({self._endpoint})",
                ) from error
            except _OutOfTime:
                if failures:
                    raise self._give_up(last_cause, failures, deadline=True) from None
                raise self._give_up(
                    "no time left for the next page", deadline=True, requests=run.requests
                ) from None

    def _keep(self, paper: Paper, run: _Run) -> None:
        if not run.window.start <= paper.published < run.window.end:
            return
        if run.on_paper is not None:
            run.on_paper(paper)
            return
        kept = run.papers.get(paper.id)
        if kept is None or paper.version > kept.version:
            run.papers[paper.id] = paper

    def _wait_or_give_up(self, fault: _Transient, failures: int, run: _Run) -> None:
        if failures > self._settings.retries:
            raise self._give_up(fault.cause, failures)
        wait = retry_wait(failures, self._settings.backoff, fault.retry_after)
        if self._clock.monotonic() + wait >= run.deadline_at:
            # a wait ending at the deadline would leave no time for the try it waits for
            raise self._give_up(fault.cause, failures, deadline=True)
        self._log.warning(
            "arXiv at %s: %s; retry %d of %d in %g s",
            self._host,
            fault.cause,
            failures,
            self._settings.retries,
            wait,
        )
        run.retries += 1
        self._clock.sleep(wait)

    @property
    def _host(self) -> str:
        return urlsplit(self._endpoint).hostname or self._endpoint

    def _give_up(
        self, cause: str, tries: int = 0, *, deadline: bool = False, requests: int = 0
    ) -> FetchError:
        within = f" within the fetch deadline of {self._settings.deadline:g} s" if deadline else ""
        made = _count_of(tries, "try", "tries") if tries else _count_of(requests, "request")
        return FetchError(
            f"could not read arXiv at {self._host}{within}: {cause} after {made}",
            fix=GIVE_UP_FIX,
        )

    # -- called by the adapter around each request ---------------------------------------------

    def _before_request(self) -> float:
        """Pace, check the deadline, count; the timeout for this request."""
        run = self._run
        now = self._clock.monotonic()
        if self._last_request_end is not None:
            wait = self._delay - (now - self._last_request_end)
            if wait > 0:
                if run is not None and now + wait > run.deadline_at:
                    raise _OutOfTime
                self._log.debug("pacing: waiting %g s", wait)
                self._clock.sleep(wait)
                now = self._clock.monotonic()
        limit = self._settings.timeout
        if run is not None:
            remaining = run.deadline_at - now
            if remaining <= 0:
                raise _OutOfTime
            limit = min(limit, remaining)
            run.requests += 1
        return limit

    def _after_request(self) -> None:
        self._last_request_end = self._clock.monotonic()

    def _check(self, url: str, response: requests.Response, body: bytes) -> None:
        """Raise unless the response is a complete page of an Atom feed."""
        status = response.status_code
        self._log.debug("HTTP %d, %d bytes: %s", status, len(body), url)
        if status == 200:
            self._check_feed(url, body)
            if self._run is not None:
                self._run.successes += 1
            return
        if 300 <= status < 400 and "location" in response.headers:
            return  # requests follows it, through this adapter again
        if status == 400:
            raise QueryError(
                f"arXiv at {self._host} rejected the query (HTTP 400): {_error_summary(body)}",
                fix=(
                    "retrying cannot help: change the keyword, author or category it names in "
                    "the config file"
                ),
            )
        if status == 429 or 500 <= status < 600:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock.now())
            raise _Transient(f"HTTP {status}", retry_after=retry_after)
        raise FetchError(
            f"arXiv at {self._host} answered HTTP {status} ({response.reason})",
            fix=f"check that ARXIV_API_URL ({self._endpoint}) is arXiv's query API or a mirror",
        )

    def _check_feed(self, url: str, body: bytes) -> None:
        try:
            root = parse_feed(body)
        except etree.XMLSyntaxError as error:
            self._log.debug("not XML: %s", error)
            raise _Transient("malformed feed (not well-formed XML)") from error
        if root is None or root.tag != _FEED_TAG:
            tag = "nothing" if root is None else f"<{etree.QName(root).localname}>"
            raise _Transient(f"malformed feed (not an Atom feed: {tag})")
        total = _count(root, "opensearch:totalResults")
        if total is None:
            raise _Transient("malformed feed (no opensearch:totalResults)")
        entries = len(root.findall("atom:entry", _NS))
        params = parse_qs(urlsplit(url).query)
        start = _int(params.get("start", ["0"])[0]) or 0
        asked = _int(params.get("max_results", [""])[0]) or self._page_size
        promised = min(asked, total - start) if start < total else 0
        if entries < promised:
            raise _Transient(
                f"short page ({entries} of the {promised} entries totalResults {total} "
                f"promises from {start})"
            )
        if self._run is not None:
            self._run.last_total = total
            self._run.page = papers_of(root, self._log)

    def _parsed_page(self, url: str, first_page: bool = True, _try_index: int = 0) -> Any:
        """Stands in for `arxiv.Client._parse_feed` (what its paging calls for each page): one
        request through the checking adapter, whose lxml pass also read the page's papers."""
        run = self._run
        if run is None:  # pragma: no cover - the client is only driven by `fetch`
            raise FetchError("arXiv was asked outside a fetch", fix="report this as a bug")
        run.page = []
        self._client._session.get(url, headers={"user-agent": _USER_AGENT})
        header = arxiv_feed.FeedHeader(total_results=run.last_total)
        feed = arxiv_feed.ParsedFeed(header=header, results=run.page)  # Papers, not Results
        if not run.page and not first_page:
            raise arxiv.UnexpectedEmptyPageError(url, _try_index, feed)
        return feed


_USER_AGENT = f"arxiv.py/{arxiv.__version__}"
"""What the package sends (its `_USER_AGENT`): the requests look the same to arXiv."""

_ENTRY = "{http://www.w3.org/2005/Atom}entry"
_ATOM_ID = "{http://www.w3.org/2005/Atom}id"
_AUTHOR = "{http://www.w3.org/2005/Atom}author"
_NAME = "{http://www.w3.org/2005/Atom}name"
_CATEGORY = "{http://www.w3.org/2005/Atom}category"
_PRIMARY = "{http://arxiv.org/schemas/atom}primary_category"
_FIELDS = {
    "{http://www.w3.org/2005/Atom}title": "title",
    "{http://www.w3.org/2005/Atom}summary": "summary",
    "{http://www.w3.org/2005/Atom}published": "published",
    "{http://www.w3.org/2005/Atom}updated": "updated",
    "{http://arxiv.org/schemas/atom}comment": "comment",
    "{http://arxiv.org/schemas/atom}journal_ref": "journal_ref",
    "{http://arxiv.org/schemas/atom}doi": "doi",
}
_KINDS = {
    _AUTHOR: "author",
    _CATEGORY: "category",
    _PRIMARY: "primary",
    _ATOM_ID: "id",
    **dict.fromkeys(_FIELDS, "field"),
}
"""What `papers_of` reads from an entry's children, by tag (links and the rest it skips)."""


def _when(text: str | None) -> datetime | None:
    """arXiv's ISO time (`2026-11-18T17:59:59Z`: Python 3.11 reads the Z) in UTC, or None."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return _utc(moment)


def parse_feed(body: bytes) -> Any:
    """A page of arXiv's feed as an lxml tree (XMLSyntaxError when it is not XML): no entity
    resolved, nothing fetched, no huge tree; the whitespace between elements (arXiv's
    indentation, half the nodes of a page) left out, which `papers_of` never reads."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True
    )
    return etree.fromstring(body, parser=parser)


def papers_of(root: Any, log: logging.Logger) -> list[Paper]:
    """The papers of a checked feed, one pass over its entries: what `to_paper` makes of the
    package's Results (bar `one_line`: their text is as arXiv sent it), entries without an id
    or dates left out as the package leaves them."""
    papers: list[Paper] = []
    kinds = _KINDS.get
    for entry in root.iterchildren(_ENTRY):
        found: dict[str, str | None] = {}
        names: list[str] = []
        categories: list[str] = []
        entry_id, primary = "", ""
        for child in entry:
            tag = child.tag
            kind = kinds(tag)
            if kind is None:
                continue
            if kind == "author":
                name = child[0] if len(child) else None  # the name comes first, in practice
                if name is None or name.tag != _NAME:
                    name = child.find(_NAME)
                names.append("" if name is None else name.text or "")
            elif kind == "category":
                term = child.get("term")
                if term is not None:
                    categories.append(term)
            elif kind == "field":
                found.setdefault(_FIELDS[tag], child.text)
            elif kind == "primary":
                primary = child.get("term") or ""
            else:
                entry_id = child.text or ""
        published_text, updated_text = found.get("published"), found.get("updated")
        published = _when(published_text)
        # A new paper's two dates are one (kept as one value, read once).
        updated = published if updated_text == published_text else _when(updated_text)
        if not entry_id or published is None or updated is None:
            log.warning("arXiv sent an entry without its id or dates: %r left out", entry_id)
            continue
        paper_id, version = strip_version(entry_id)
        # The fields by position, in Paper's order: twelve keywords would double the call's
        # cost, paid for every entry of every page.
        papers.append(
            Paper(
                paper_id,
                version,
                found.get("title") or "",  # title
                tuple(names),  # authors
                found.get("summary") or "",  # abstract
                primary or (categories[0] if categories else ""),  # primary_category
                tuple(categories),
                published,
                updated,
                found.get("comment"),
                found.get("journal_ref"),
                found.get("doi"),
            )
        )
    return papers


def _names(names: tuple[str, ...]) -> tuple[str, ...]:
    """`_text` of each name, checked all at once (the names themselves when so already):
    joined by spaces, names on one line make one line with single spaces only (a name's own
    leading or trailing space, or an empty name among others, would make two)."""
    if _on_one_line(" ".join(names)):
        return names
    return tuple(_text(name) for name in names)


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def _count(root: Any, path: str) -> int | None:
    found = root.find(path, _NS)
    return None if found is None else _int(found.text)


def _error_summary(body: bytes) -> str:
    """arXiv's message from the error feed it sends with HTTP 400."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        return "no message"
    found = None if root is None else root.find("atom:entry/atom:summary", _NS)
    message = _text(None if found is None else found.text)
    return message or "no message"
