"""The Atom feed: valid for a real feed parser, deterministic, linked with and without a repository.

Every feed is parsed back with feedparser, the parser most feed readers build on: `bozo == 0`
means it found the document well-formed and raised no complaint.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
from click.testing import CliRunner
from lxml import etree  # type: ignore[import-untyped]

from bot.cli import main
from bot.feed import FEED_ENTRIES, Site, feed_id, feed_xml
from bot.models import DayList, Entry, Hit, Paper, Rules
from bot.text import clean
from tests.arxiv_server import ArxivServer, FeedEntry

SLUG = "llm-papers"
NAME = "LLM Papers"
TITLE = "Awesome daily arXiv"
RULES = Rules(keywords=("LLM", ("agent*", "tool use")))
ATOM = "{http://www.w3.org/2005/Atom}"


def paper(number: int, *, title: str | None = None, abstract: str = "An abstract.") -> Paper:
    when = datetime(2026, 11, 1, 12, tzinfo=UTC) + timedelta(hours=number)
    return Paper(
        id=f"2611.{number:05d}",
        version=2,
        title=title if title is not None else f"LLM paper {number}",
        authors=("Ada Lovelace", "Alan Turing"),
        abstract=abstract,
        primary_category="cs.CL",
        categories=("cs.CL", "cs.LG"),
        published=when,
        updated=when + timedelta(days=1),
    )


def day(when: date, *papers: Paper) -> DayList:
    entries = tuple(Entry(p, (Hit("LLM", ("title",)),), 2000) for p in papers)
    return DayList(SLUG, NAME, when, RULES, entries)


def history(*days: DayList) -> dict[date, DayList]:
    return {d.date: d for d in days}


def two_days() -> dict[date, DayList]:
    return history(
        day(date(2026, 11, 19), paper(1), paper(2)),
        day(date(2026, 11, 20), paper(3), paper(4), paper(5)),
    )


def parse(text: str) -> Any:
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_feed_parses_as_atom_with_the_newest_list_first() -> None:
    """feedparser reads a valid Atom 1.0 feed: ids, titles, links and dates from the data."""
    parsed = parse(feed_xml(SLUG, NAME, two_days(), title=TITLE))
    assert parsed.feed.title == "LLM Papers · Awesome daily arXiv"
    assert parsed.feed.subtitle == "New arXiv papers on LLM, agent* + tool use, one list a day."
    assert parsed.feed.updated == "2026-11-20T00:00:00+00:00"
    assert [e.id for e in parsed.entries] == [
        f"https://arxiv.org/abs/2611.{n:05d}" for n in (3, 4, 5, 1, 2)
    ]
    first = parsed.entries[0]
    assert first.title == "LLM paper 3"
    assert first.link == "https://arxiv.org/abs/2611.00003"
    assert [(link.rel, link.href) for link in first.links] == [
        ("alternate", "https://arxiv.org/abs/2611.00003"),
        ("related", "https://arxiv.org/pdf/2611.00003"),
    ]
    assert first.updated == "2026-11-20T00:00:00+00:00"
    assert first.published == "2026-11-01T15:00:00+00:00"
    assert [a.name for a in first.authors] == ["Ada Lovelace", "Alan Turing"]
    assert [t.term for t in first.tags] == ["cs.CL", "cs.LG"]
    assert first.summary == "An abstract."
    assert parsed.entries[3].updated == "2026-11-19T00:00:00+00:00"


def test_without_a_repository_entries_link_only_to_arxiv() -> None:
    """No `repository`: no link anywhere points at GitHub, and the feed id is a stable URN."""
    text = feed_xml(SLUG, NAME, two_days(), title=TITLE)
    parsed = parse(text)
    assert "github" not in text
    assert parsed.feed.id == feed_id(SLUG, None)
    assert parsed.feed.id.startswith("urn:uuid:")
    assert feed_id(SLUG, None) == feed_id(SLUG, None) != feed_id("other-list", None)
    hrefs = {link.href for entry in parsed.entries for link in entry.links}
    assert all(href.startswith("https://arxiv.org/") for href in hrefs)


def test_with_a_repository_entries_also_link_their_day_page() -> None:
    """With `repository` and `branch`, absolute links to the day page, the archive and the feed."""
    site = Site("ada/papers", "daily")
    parsed = parse(feed_xml(SLUG, NAME, two_days(), title=TITLE, site=site))
    base = "https://github.com/ada/papers/blob/daily/lists/llm-papers"
    assert parsed.feed.id == f"{base}/README.md"
    assert {(link.rel, link.href) for link in parsed.feed.links} == {
        ("alternate", f"{base}/README.md"),
        ("self", "https://raw.githubusercontent.com/ada/papers/daily/lists/llm-papers/feed.xml"),
    }
    day_links = [
        (link.href, link.title)
        for link in parsed.entries[0].links
        if (link.rel, link.type) == ("related", "text/html")
    ]
    assert day_links == [(f"{base}/2026/2026-11-20.md", "LLM Papers · 2026-11-20")]
    assert [link.href for link in parsed.entries[-1].links][-1] == f"{base}/2026/2026-11-19.md"


def test_arxiv_text_with_markup_and_control_characters_keeps_the_feed_valid() -> None:
    """`<`, `&`, controls and characters XML 1.0 forbids: the feed parses, the text is arXiv's."""
    title = "A <b>bold</b> & $x<y$ \x00\x08 title\x0b\ufffe with\u0085 controls \U0001f600"
    abstract = "Line one\n\nline two\x1b[0m & </summary> <![CDATA[ x ]]>\uffff"
    days = history(day(date(2026, 11, 20), paper(1, title=title, abstract=abstract)))
    text = feed_xml(SLUG, NAME, days, title=TITLE)
    etree.fromstring(text.encode("utf-8"))  # well-formed XML 1.0 for a strict parser too
    entry = parse(text).entries[0]
    assert entry.title == "A <b>bold</b> & $x<y$ title with controls \U0001f600"
    assert entry.title == clean(title.replace("\ufffe", ""))
    assert entry.summary == "Line one line two[0m & </summary> <![CDATA[ x ]]>"


class CountingHistory(Mapping[date, DayList]):
    """A history that records which days were read, as the lazy one of a real run would load."""

    def __init__(self, days: Mapping[date, DayList]) -> None:
        self.days = dict(days)
        self.read: list[date] = []

    def __getitem__(self, key: date) -> DayList:
        self.read.append(key)
        return self.days[key]

    def __iter__(self) -> Iterator[date]:
        return iter(self.days)

    def __len__(self) -> int:
        return len(self.days)


def test_the_feed_holds_the_latest_papers_and_reads_only_the_days_it_needs() -> None:
    """At most FEED_ENTRIES papers, from the newest days back; older days are never read."""
    start = date(2026, 1, 5)
    days = history(
        *(
            day(start + timedelta(days=n), *(paper(n * 30 + k) for k in range(30)))
            for n in range(20)
        )
    )
    counting = CountingHistory(days)
    parsed = parse(feed_xml(SLUG, NAME, counting, title=TITLE))
    assert len(parsed.entries) == FEED_ENTRIES == 100
    assert parsed.entries[0].id == "https://arxiv.org/abs/2611.00570"
    assert parsed.entries[-1].id == "https://arxiv.org/abs/2611.00489"
    assert sorted(set(counting.read)) == [start + timedelta(days=n) for n in range(16, 20)]


def test_the_feed_is_the_same_bytes_in_a_new_process() -> None:
    """No clock, no randomness: the same days give the same bytes, here and in a new process."""
    text = feed_xml(SLUG, NAME, two_days(), title=TITLE, site=Site("ada/papers"))
    assert text == feed_xml(SLUG, NAME, two_days(), title=TITLE, site=Site("ada/papers"))
    script = (
        "import sys\n"
        "from tests.test_feed import two_days, TITLE, NAME, SLUG\n"
        "from bot.feed import Site, feed_xml\n"
        "sys.stdout.write(feed_xml(SLUG, NAME, two_days(), title=TITLE, site=Site('ada/papers')))\n"
    )
    root = Path(__file__).resolve().parent.parent
    fresh = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert fresh == text
    assert datetime.now(UTC).date().isoformat() not in text


CONFIG = """\
timezone: UTC
repository: ada/papers
arxiv: {timeout: 5, retries: 1, backoff: 0, delay: 0}
lists:
  - name: LLM Papers
    keywords: [LLM]
"""


def test_a_run_writes_the_feed_and_render_rebuilds_it(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """A run writes feed.xml (with repository links from the config); render reproduces it."""
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    arxiv_server.corpus = [
        FeedEntry(
            id="2611.00001",
            published=datetime(2026, 11, 19, 12, tzinfo=UTC),
            title="LLMs & <agents>",
        )
    ]
    runner = CliRunner()
    result = runner.invoke(main, ["run", "--config", str(config), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "lists" / "llm-papers" / "feed.xml"
    written = path.read_bytes()
    entry = parse(written.decode("utf-8")).entries[0]
    assert entry.title == "LLMs & <agents>"
    assert "https://github.com/ada/papers/blob/main/lists/llm-papers/2026/2026-11-20.md" in [
        link.href for link in entry.links
    ]
    path.unlink()
    result = runner.invoke(main, ["render", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == written
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "[📡 Feed](lists/llm-papers/feed.xml)" in readme
