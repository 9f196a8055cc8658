"""A local stand-in for arXiv's query API, on 127.0.0.1, for tests of everything that fetches.

Start it as a context manager (or through the `arxiv_server` fixture in conftest.py) and point
the real arxiv client at `server.url`. Each request is answered by the first of:

1. the script: `server.script(...)` queues responses consumed one per request: recorded files
   (`recorded(name)`), statuses (`status(503)`, `status(429, retry_after="7")`), arXiv's 400
   error feed (`error_feed(msg)`), redirects (`redirect(url)`), network faults (`reset()`,
   `hang()`), broken feeds (`truncated()`, `not_xml()`, `empty_page(total)`), or the answer
   the request would get anyway (`normal()`, to fail a later request only);
   `server.serve_file(name)` queues a recorded file;
2. arXiv's limit: a request for results past the first `server.query_limit` of a query
   (`start + max_results` above it; 30,000 as at arXiv, lower it to test paging past it
   cheaply) gets HTTP 400 with an error feed;
3. recorded pages by `start`: `server.serve_pages({0: name0, 10: name10}, total_results=20)`;
4. a recorded file for every request: `server.serve_file(name, times=None)`;
5. the corpus: `server.corpus = [FeedEntry, ...]` (e.g. from `entries_from_fixture(name)`),
   filtered by `id_list`, the query's `submittedDate` range and `cat:` terms (ignoring keyword
   and author terms, so always a superset), by `visible_after` against `server.now`, sorted
   newest first, paged by `start`/`max_results`, rendered in arXiv's current Atom format;
6. otherwise HTTP 404 "nothing to serve".

`server.requests` records every request (path and query parameters, parsed).
"""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Literal
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from lxml import etree  # type: ignore[import-untyped]

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv-api"
"""Recorded arXiv responses (see tests/fixtures/SOURCES.md)."""

_ATOM = "http://www.w3.org/2005/Atom"
_ARXIV = "http://arxiv.org/schemas/atom"
_OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
_NS = {"atom": _ATOM, "arxiv": _ARXIV, "opensearch": _OPENSEARCH}
_DATES = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")
_CATEGORY = re.compile(r"\bcat:([A-Za-z][\w.-]*)(\*?)")
_FIELD = re.compile(r"\b(?:ti|abs|au|co|jr|rn|all|id):")
_TOTAL = re.compile(rb"<opensearch:totalResults([^>]*)>\d+</opensearch:totalResults>")


# --- entries -----------------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


@dataclass
class FeedEntry:
    """One paper as arXiv's API shows it; edit freely, `render()` writes arXiv's format."""

    id: str
    """Without version: `2504.17950`, `hep-ex/0406020`."""
    published: datetime
    version: int = 1
    title: str = "Untitled"
    summary: str = ""
    authors: list[str] = field(default_factory=lambda: ["A. Author"])
    categories: list[str] = field(default_factory=lambda: ["cs.CL"])
    primary_category: str = ""
    """Empty: the first of `categories`."""
    updated: datetime | None = None
    """None: the same as `published`."""
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    affiliations: dict[str, list[str]] = field(default_factory=dict)
    """Per author name, as `<arxiv:affiliation>` elements."""
    visible_after: datetime | None = None
    """The corpus hides the entry while `server.now` is before this (None: always shown)."""

    @property
    def versioned_id(self) -> str:
        return f"{self.id}v{self.version}"

    def render(self) -> str:
        """The `<entry>` element, indented and ordered exactly as arXiv writes it (2026)."""
        vid = self.versioned_id
        primary = self.primary_category or (self.categories[0] if self.categories else "")
        lines = [
            "  <entry>",
            f"    <id>http://arxiv.org/abs/{vid}</id>",
            f"    <title>{escape(self.title)}</title>",
            f"    <updated>{_stamp(self.updated or self.published)}</updated>",
            f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
            f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" '
            'type="application/pdf" title="pdf"/>',
            f"    <summary>{escape(self.summary)}</summary>",
        ]
        lines += [
            f'    <category term="{_attr(c)}" scheme="http://arxiv.org/schemas/atom"/>'
            for c in self.categories
        ]
        lines.append(f"    <published>{_stamp(self.published)}</published>")
        if self.comment is not None:
            lines.append(f"    <arxiv:comment>{escape(self.comment)}</arxiv:comment>")
        lines.append(f'    <arxiv:primary_category term="{_attr(primary)}"/>')
        if self.journal_ref is not None:
            lines.append(f"    <arxiv:journal_ref>{escape(self.journal_ref)}</arxiv:journal_ref>")
        for name in self.authors:
            lines += ["    <author>", f"      <name>{escape(name)}</name>"]
            lines += [
                f"      <arxiv:affiliation>{escape(place)}</arxiv:affiliation>"
                for place in self.affiliations.get(name, [])
            ]
            lines.append("    </author>")
        if self.doi is not None:
            lines.append(f"    <arxiv:doi>{escape(self.doi)}</arxiv:doi>")
            lines.append(
                f'    <link rel="related" href="https://doi.org/{_attr(self.doi)}" title="doi"/>'
            )
        lines.append("  </entry>")
        return "\n".join(lines) + "\n"


@dataclass
class Feed:
    """A whole response: the opensearch header and the entries of one page."""

    entries: list[FeedEntry]
    total_results: int
    start_index: int = 0
    items_per_page: int = 10
    feed_id: str = "https://arxiv.org/api/"
    title: str = "arXiv Query: search_query=&id_list=&start=0&max_results=10"
    updated: str = "2026-01-05T12:00:00Z"
    link: str = "https://arxiv.org/api/query?search_query=&start=0&max_results=10&id_list="

    def render(self) -> bytes:
        """The response body, byte for byte as arXiv's current backend writes it."""
        head = (
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            f'<feed xmlns:opensearch="{_OPENSEARCH}" xmlns:arxiv="{_ARXIV}" xmlns="{_ATOM}">\n'
            f"  <id>{escape(self.feed_id)}</id>\n"
            f"  <title>{escape(self.title)}</title>\n"
            f"  <updated>{self.updated}</updated>\n"
            f'  <link href="{_attr(self.link)}" type="application/atom+xml"/>\n'
            f"  <opensearch:itemsPerPage>{self.items_per_page}</opensearch:itemsPerPage>\n"
            f"  <opensearch:totalResults>{self.total_results}</opensearch:totalResults>\n"
            f"  <opensearch:startIndex>{self.start_index}</opensearch:startIndex>\n"
        )
        body = "".join(entry.render() for entry in self.entries)
        return (head + body + "</feed>\n").encode("utf-8")


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(path, _NS)
    return None if found is None else (found.text or "")


def _when(text: str | None) -> datetime:
    return datetime.fromisoformat((text or "").replace("Z", "+00:00")).astimezone(UTC)


def _entry(element: etree._Element) -> FeedEntry:
    raw_id = (_text(element, "atom:id") or "").split("/abs/")[-1]
    found = re.search(r"v(\d+)$", raw_id)
    paper_id, version = (raw_id[: found.start()], int(found.group(1))) if found else (raw_id, 1)
    authors: list[str] = []
    affiliations: dict[str, list[str]] = {}
    for author in element.iterfind("atom:author", _NS):
        name = _text(author, "atom:name") or ""
        authors.append(name)
        places = [a.text or "" for a in author.iterfind("arxiv:affiliation", _NS)]
        if places:
            affiliations[name] = places
    primary = element.find("arxiv:primary_category", _NS)
    return FeedEntry(
        id=paper_id,
        version=version,
        published=_when(_text(element, "atom:published") or _text(element, "atom:updated")),
        updated=_when(_text(element, "atom:updated")),
        title=_text(element, "atom:title") or "",
        summary=_text(element, "atom:summary") or "",
        authors=authors,
        categories=[c.get("term") or "" for c in element.iterfind("atom:category", _NS)],
        primary_category="" if primary is None else primary.get("term") or "",
        comment=_text(element, "arxiv:comment"),
        journal_ref=_text(element, "arxiv:journal_ref"),
        doi=_text(element, "arxiv:doi"),
        affiliations=affiliations,
    )


def fixture_bytes(filename: str) -> bytes:
    """The recorded response, as arXiv sent it."""
    return (FIXTURES / filename).read_bytes()


def parse_feed(body: bytes) -> Feed:
    """A response body (current or legacy format) as an editable `Feed`."""
    root = etree.fromstring(body)

    def number(path: str) -> int:
        return int(_text(root, path) or "0")

    link = root.find("atom:link", _NS)
    return Feed(
        entries=[_entry(element) for element in root.iterfind("atom:entry", _NS)],
        total_results=number("opensearch:totalResults"),
        start_index=number("opensearch:startIndex"),
        items_per_page=number("opensearch:itemsPerPage"),
        feed_id=_text(root, "atom:id") or "",
        title=_text(root, "atom:title") or "",
        updated=_text(root, "atom:updated") or "",
        link="" if link is None else link.get("href") or "",
    )


def feed_from_fixture(filename: str) -> Feed:
    """A recorded response as an editable `Feed` (header and entries)."""
    return parse_feed(fixture_bytes(filename))


def entries_from_fixture(filename: str) -> list[FeedEntry]:
    """The entries of a recorded response, as editable `FeedEntry` objects."""
    return feed_from_fixture(filename).entries


def error_feed_body(message: str) -> bytes:
    """The Atom error feed arXiv sends with HTTP 400 (fixture id_abc_*), with this message."""
    slug = re.sub(r"\W+", "_", message.lower()).strip("_")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<feed xmlns:opensearch="{_OPENSEARCH}" xmlns:arxiv="{_ARXIV}" xmlns="{_ATOM}">\n'
        "  <id>https://arxiv.org/</id>\n"
        "  <title>arXiv Search Results</title>\n"
        "  <updated>2026-01-05T12:00:00Z</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        "  <entry>\n"
        f"    <id>https://arxiv.org/api/errors#{slug}</id>\n"
        "    <title>Error</title>\n"
        "    <updated>2026-01-05T12:00:00Z</updated>\n"
        f'    <link href="https://arxiv.org/api/errors#{slug}" rel="alternate" '
        'type="text/html"/>\n'
        f"    <summary>{escape(message)}</summary>\n"
        "    <author>\n"
        "      <name>arXiv api core</name>\n"
        "    </author>\n"
        "  </entry>\n"
        "</feed>\n"
    ).encode()


# --- requests and scripted responses -----------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request the server received."""

    path: str
    params: Mapping[str, str]
    """Query parameters, decoded (the first value of each)."""

    @property
    def search_query(self) -> str:
        return self.params.get("search_query", "")

    @property
    def start(self) -> int:
        return int(self.params.get("start", "0") or 0)

    @property
    def max_results(self) -> int:
        return int(self.params.get("max_results", "10") or 10)

    @cached_property
    def date_range(self) -> tuple[datetime, datetime] | None:
        """The `submittedDate` range asked for (inclusive, to the minute), if any."""
        found = _DATES.search(self.search_query)
        if found is None:
            return None
        low, high = (datetime.strptime(s, "%Y%m%d%H%M").replace(tzinfo=UTC) for s in found.groups())
        return low, high

    @cached_property
    def categories(self) -> tuple[tuple[str, bool], ...]:
        """The `cat:` terms, each with whether it is a prefix (`cat:astro-ph*`)."""
        return tuple((name, star == "*") for name, star in _CATEGORY.findall(self.search_query))

    @cached_property
    def has_terms(self) -> bool:
        """True when the query also names keywords or authors (the server ignores those)."""
        return _FIELD.search(self.search_query) is not None

    @cached_property
    def id_list(self) -> frozenset[str]:
        """The ids of `id_list`, without versions (empty when the request names none)."""
        ids = (part.strip() for part in self.params.get("id_list", "").split(","))
        return frozenset(re.sub(r"v\d+$", "", part) for part in ids if part)


Kind = Literal["body", "reset", "hang", "truncated", "empty_page", "normal"]


@dataclass(frozen=True)
class Scripted:
    """One scripted answer; build it with the functions below."""

    kind: Kind
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    total_results: int = 0
    honest_length: bool = True


def status(code: int, *, retry_after: str | None = None, body: bytes = b"") -> Scripted:
    """An HTTP status (429, 500, 503, …), optionally with `Retry-After` (seconds or a date)."""
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return Scripted("body", status=code, body=body or f"HTTP {code}\n".encode(), headers=headers)


def redirect(location: str, code: int = 302) -> Scripted:
    """A redirect (the client follows it, with another request)."""
    return Scripted("body", status=code, body=b"", headers=(("Location", location),))


def error_feed(message: str = "incorrect id format for abc") -> Scripted:
    """HTTP 400 with arXiv's Atom error feed carrying `message`."""
    return Scripted("body", status=400, body=error_feed_body(message))


def recorded(filename: str, *, total_results: int | None = None) -> Scripted:
    """HTTP 200 with a recorded file (its totalResults rewritten when given)."""
    return Scripted("body", body=_with_total(fixture_bytes(filename), total_results))


def reset() -> Scripted:
    """The connection is dropped (TCP reset) without an answer."""
    return Scripted("reset")


def hang(seconds: float = 0.5) -> Scripted:
    """No answer for `seconds` (longer than the client's timeout), then the connection closes."""
    return Scripted("hang", seconds=seconds)


def truncated(*, honest_length: bool = True) -> Scripted:
    """The normal answer cut in half: a malformed feed, or a short read when the length lies."""
    return Scripted("truncated", honest_length=honest_length)


def not_xml() -> Scripted:
    """HTTP 200 with an HTML page instead of a feed (as proxies and error pages send)."""
    page = b"<!DOCTYPE html>\n<html><body><h1>Service unavailable</h1></body></html>\n"
    return Scripted("body", body=page, headers=(("Content-Type", "text/html"),))


def normal() -> Scripted:
    """The answer the request would get without a script (to fail a later request only)."""
    return Scripted("normal")


def empty_page(total_results: int = 1000) -> Scripted:
    """HTTP 200 with a feed holding no entries while totalResults promises `total_results`."""
    return Scripted("empty_page", total_results=total_results)


def _with_total(body: bytes, total: int | None) -> bytes:
    if total is None:
        return body

    def rewrite(found: re.Match[bytes]) -> bytes:
        return b"<opensearch:totalResults%s>%d</opensearch:totalResults>" % (found.group(1), total)

    return _TOTAL.sub(rewrite, body, count=1)


# --- the server --------------------------------------------------------------------------------


class ArxivServer:
    """The local arXiv API; see the module docstring for what it answers."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.corpus: list[FeedEntry] | None = None
        self.now: datetime | None = None
        """Corpus entries with `visible_after` later than this are hidden (None: none hidden)."""
        self.fake_total: Callable[[Request, int], int] | None = None
        """Corpus: what totalResults to report, given the request and the true count."""
        self.query_limit = 30_000
        """Results served of one query at most (arXiv's limit): past it, HTTP 400."""
        self.pages: dict[int, bytes] = {}
        self.default: bytes | None = None
        self._script: deque[Scripted] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    # -- lifecycle

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint to give `ArxivSource` or `ARXIV_API_URL`."""
        return f"http://127.0.0.1:{self.port}/api/query"

    def start(self) -> ArxivServer:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, wake any hanging answer, release the port."""
        self._closing.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> ArxivServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- what to answer

    def script(self, *responses: Scripted) -> None:
        """Queue answers for the next requests, one each, before anything else is consulted."""
        with self._lock:
            self._script.extend(responses)

    def serve_file(
        self, filename: str, *, times: int | None = 1, total_results: int | None = None
    ) -> None:
        """Answer with a recorded file: the next `times` requests, or every request (None)."""
        if times is None:
            self.default = _with_total(fixture_bytes(filename), total_results)
        else:
            self.script(*[recorded(filename, total_results=total_results)] * times)

    def serve_pages(self, files: Mapping[int, str], *, total_results: int | None = None) -> None:
        """Answer a request with `start=N` with the recorded file `files[N]`."""
        self.pages = {
            start: _with_total(fixture_bytes(name), total_results) for start, name in files.items()
        }

    @property
    def pending(self) -> int:
        """Scripted answers not consumed yet."""
        with self._lock:
            return len(self._script)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def visible(self) -> list[FeedEntry]:
        """Corpus entries shown at `now`."""
        return [
            entry
            for entry in self.corpus or []
            if entry.visible_after is None or self.now is None or entry.visible_after <= self.now
        ]

    def corpus_feed(self, request: Request) -> Feed:
        """The corpus page a request gets."""
        matching = [entry for entry in self.visible() if _qualifies(entry, request)]
        matching.sort(key=lambda entry: entry.id, reverse=True)
        matching.sort(key=lambda entry: entry.published, reverse=True)
        total = len(matching)
        if self.fake_total is not None:
            total = self.fake_total(request, total)
        page = matching[request.start : request.start + request.max_results]
        query = request.search_query
        digest = hashlib.sha256(repr(sorted(request.params.items())).encode()).digest()
        return Feed(
            entries=page,
            total_results=total,
            start_index=request.start,
            items_per_page=request.max_results,
            feed_id="https://arxiv.org/api/" + base64.b64encode(digest[:20]).decode().rstrip("="),
            title=f"arXiv Query: search_query={query}&id_list=&start={request.start}"
            f"&max_results={request.max_results}",
            updated=_stamp(self.now or datetime(2026, 1, 5, 12, tzinfo=UTC)),
            link=f"https://arxiv.org/api/query?search_query={query}&start={request.start}"
            f"&max_results={request.max_results}&id_list=",
        )

    def _answer(self, request: Request) -> Scripted:
        with self._lock:
            self.requests.append(request)
            scripted = self._script.popleft() if self._script else None
        if scripted is not None and scripted.kind == "normal":
            scripted = None
        if scripted is not None and scripted.kind not in {"truncated", "empty_page"}:
            return scripted
        if request.start + request.max_results > self.query_limit:
            message = f"start plus max_results may not exceed {self.query_limit}"
            return Scripted("body", status=400, body=error_feed_body(message))
        body = self._normal_body(request)
        if scripted is None:
            if body is None:
                return Scripted("body", status=404, body=b"arxiv_server: nothing to serve\n")
            return Scripted("body", body=body)
        if scripted.kind == "empty_page":
            empty = Feed([], total_results=scripted.total_results, start_index=request.start)
            return Scripted("body", body=empty.render())
        whole = body or Feed([], total_results=0).render()
        return Scripted(
            "truncated", body=whole[: len(whole) // 2], honest_length=scripted.honest_length
        )

    def _normal_body(self, request: Request) -> bytes | None:
        if request.start in self.pages:
            return self.pages[request.start]
        if self.default is not None:
            return self.default
        if self.corpus is not None:
            return self.corpus_feed(request).render()
        return None


def _qualifies(entry: FeedEntry, request: Request) -> bool:
    if request.id_list and entry.id not in request.id_list:
        return False
    span = request.date_range
    if span is not None:
        minute = entry.published.astimezone(UTC).replace(second=0, microsecond=0)
        if not span[0] <= minute <= span[1]:
            return False
    wanted = request.categories
    if not wanted or request.has_terms:
        return True
    return any(
        category == name or (prefix and category.startswith(name))
        for category in entry.categories
        for name, prefix in wanted
    )


def _handler_for(server: ArxivServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {
                key: values[0]
                for key, values in parse_qs(parts.query, keep_blank_values=True).items()
            }
            answer = server._answer(Request(parts.path, params))
            if answer.kind == "reset":
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
                self.close_connection = True
                return
            if answer.kind == "hang":
                server._closing.wait(answer.seconds)
                self.close_connection = True
                return
            self.send_response(answer.status)
            if not any(name.lower() == "content-type" for name, _ in answer.headers):
                self.send_header("Content-Type", "application/atom+xml; charset=UTF-8")
            for name, value in answer.headers:
                self.send_header(name, value)
            length = len(answer.body) if answer.honest_length else 2 * len(answer.body) + 1
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests read `server.requests` instead."""

    return Handler
