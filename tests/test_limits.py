"""Limits: a huge day, years of days, and GitHub's 1,000-entry folder listing.

- A day with 3,000 matching papers with long abstracts, fetched from the local arXiv through
  the real run: its pages keep under 400 KB and 500 entries each, link to each other, list
  every paper exactly once, sit in `<YYYY>/pages/<MM>/`; the day JSON holds all 3,000.
- Three years of stored days (written directly as day JSON, as runs would have left them),
  then `arxiv-bot render`: the README section and the list archive stay the same small size
  however many days there are, a year archive holds at most its year's days, and no folder
  holds more than 1,000 entries — also in a leap year with a day in every one of its 366 days;
  a month folder of continuation pages could reach 1,000 only with days of over 40 pages.
- A long day rendered again with fewer papers loses the pages it no longer needs, also those
  left in `<YYYY>/pages/` by releases before month folders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bot import layout
from bot.cli import main
from bot.models import DayList, Entry, Hit, Paper, Rules
from bot.render import END_MARKER, MAX_PAGE_BYTES, MAX_PAGE_ENTRIES, START_MARKER
from bot.schedule import announcements_on
from bot.store import Change, Store, apply, day_json
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.gfm import render

GITHUB_FOLDER_LIMIT = 1_000
"""GitHub lists at most this many entries of a folder in its web view."""

CONFIG = """\
timezone: UTC
arxiv: {timeout: 30, retries: 0, backoff: 0, delay: 0}
lists:
  - name: Everything
    keywords: [model*]
  - name: Small
    keywords: [rare]
"""

WORDS = "model sampling $x_i$ *emphasis* <tag> [link](x) | pipe `code` \\ backslash résumé "


def _abstract(number: int) -> str:
    return (f"Paper {number}: " + WORDS * 24)[:1800].strip()


@pytest.fixture(scope="module")
def huge_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder after one run that found 3,000 matching papers (all on one date)."""
    folder = tmp_path_factory.mktemp("huge")
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    start = datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    with ArxivServer() as server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARXIV_API_URL", server.url)
        patch.setenv("NO_PROXY", "127.0.0.1")
        server.corpus = [
            FeedEntry(
                id=f"2611.{number:05d}",
                published=start + timedelta(seconds=20 * number),
                title=f"Models number {number} *with* `marks` and <tags>",
                summary=_abstract(number),
                authors=[f"Author {number}-{k}" for k in range(12)],
                comment=f"{number} pages, https://github.com/owner/repo{number}",
                categories=["cs.LG", "stat.ML"],
            )
            for number in range(1, 3001)
        ]
        result = CliRunner().invoke(
            main, ["run", "--config", str(folder / "config.yml"), "--date", "2026-11-20"]
        )
        assert result.exit_code == 0, result.output
        assert len(server.requests) == 2  # two pages of 2,000 results
    yield folder


def test_a_day_of_3000_papers_keeps_every_page_within_githubs_limits(huge_day: Path) -> None:
    """Each page ≤ 400 KB and ≤ 500 entries; continuation pages in pages/11/, linked both ways;
    every paper on exactly one page, in order, as GitHub renders it."""
    year = huge_day / "lists" / "everything" / "2026"
    first = year / "2026-11-20.md"
    rest = sorted(
        (year / "pages" / "11").glob("2026-11-20-*.md"),
        key=lambda p: int(p.stem.rsplit("-", 1)[1]),
    )
    assert sorted(p.name for p in (year / "pages").iterdir()) == ["11"]
    pages = [first, *rest]
    assert len(pages) >= 7  # 3,000 entries of ~3 KB: well over 400 KB a page
    assert [p.name for p in rest] == [f"2026-11-20-{n}.md" for n in range(2, len(pages) + 1)]
    numbers: list[int] = []
    for index, page in enumerate(pages, start=1):
        text = page.read_text(encoding="utf-8")
        assert len(text.encode("utf-8")) <= MAX_PAGE_BYTES
        root = render(text)
        items = [li for ol in root.find_all("ol") for li in ol.find_all("li")]
        assert 0 < len(items) <= MAX_PAGE_ENTRIES
        assert len(root.find_all("details")) == len(items)
        numbers += [int(m) for m in re.findall(r"arXiv:2611\.(\d{5})", text)]
        hrefs = {a.attrs.get("href") for a in root.find_all("a")}
        here = PurePosixPath("lists/everything/2026") / page.relative_to(year).as_posix()
        if index > 1:
            previous = layout.day_page("everything", date(2026, 11, 20), index - 1)
            assert layout.link(here, previous) in hrefs
        if index < len(pages):
            following = layout.day_page("everything", date(2026, 11, 20), index + 1)
            assert layout.link(here, following) in hrefs
    assert sorted(numbers) == list(range(1, 3001))
    assert numbers == sorted(numbers, reverse=True)  # newest first, no paper twice


def test_the_json_of_a_huge_day_is_complete(huge_day: Path) -> None:
    """The day JSON stays one file holding all 3,000 papers with their full text."""
    data = json.loads(
        (huge_day / "lists/everything/2026/2026-11-20.json").read_text(encoding="utf-8")
    )
    assert len(data["papers"]) == 3000
    assert {p["id"] for p in data["papers"]} == {f"2611.{n:05d}" for n in range(1, 3001)}
    assert all(p["abstract"] == _abstract(int(p["id"][5:])) for p in data["papers"])
    assert all(len(p["authors"]) == 12 for p in data["papers"])


def test_a_huge_day_keeps_the_readme_section_small(huge_day: Path) -> None:
    """The README shows the day's first 10 entries and a link to the rest."""
    readme = (huge_day / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(START_MARKER) : readme.index(END_MARKER)]
    everything = section[section.index("Everything") :]
    assert len(render(everything).find_all("li")) == 10
    assert len(section.encode("utf-8")) < 10_000


# --- years of days ----------------------------------------------------------------------------

RULES = Rules(keywords=("model*",))


def _paper(day: date, number: int, abstract: str = "We model things. " * 40) -> Paper:
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return Paper(
        id=f"{day:%y%m}.{day.day:02d}{number:03d}",
        version=1,
        title=f"A model of day {day} number {number}",
        authors=("A. Author", "B. Author"),
        abstract=abstract,
        primary_category="cs.LG",
        categories=("cs.LG",),
        published=moment,
        updated=moment,
        comment=None,
        journal_ref=None,
        doi=None,
    )


def _day(slug: str, name: str, day: date, count: int, **paper: str) -> DayList:
    entries = tuple(
        Entry(_paper(day, n, **paper), (Hit("model*", ("title",)),), 1) for n in range(1, count + 1)
    )
    return DayList(slug, name, day, RULES, entries)


def _folder_sizes(root: Path) -> dict[str, int]:
    """Entries (files and folders) of every folder under `root`."""
    return {
        str(folder.relative_to(root)): len(list(folder.iterdir()))
        for folder in [root, *root.rglob("*")]
        if folder.is_dir()
    }


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three years of daily runs (2026 to 2028, 2028 a leap year with a list every day), plus a
    few long days, written as the runs would have left the day JSON, then rendered."""
    folder = tmp_path_factory.mktemp("years")
    config = CONFIG.replace("name: Small\n    keywords: [rare]", "name: Daily\n    keywords: [x]")
    (folder / "config.yml").write_text(config, encoding="utf-8")
    (folder / "README.md").write_text("# Mine\n\nMy text.\n", encoding="utf-8")
    changes: list[Change] = []
    day = date(2026, 1, 1)
    while day <= date(2028, 12, 31):
        every = _day("daily", "Daily", day, 1)
        changes.append(Change(layout.day_json("daily", day), day_json(every)))
        if day.year == 2028 and day.weekday() < 5:  # a second list: weekdays, 2-12 papers
            weekday = _day("everything", "Everything", day, 2 + day.toordinal() % 11)
            changes.append(Change(layout.day_json("everything", day), day_json(weekday)))
        day += timedelta(days=1)
    for long_day in (date(2028, 2, 29), date(2028, 12, 31)):
        changes.append(
            Change(
                layout.day_json("daily", long_day), day_json(_day("daily", "Daily", long_day, 1201))
            )
        )
    apply(Store(folder), changes)
    result = CliRunner().invoke(main, ["render", "--config", str(folder / "config.yml")])
    assert result.exit_code == 0, result.output
    return folder


def test_no_folder_holds_more_than_github_lists(years: Path) -> None:
    """After three years (a leap year with a day file every day, long days continuing on
    further pages), every folder holds at most 1,000 entries."""
    sizes = _folder_sizes(years)
    leap = years / "lists" / "daily" / "2028"
    assert len(list(leap.glob("2028-*.json"))) == 366
    assert len(list(leap.glob("2028-*.md"))) == 366
    assert sorted(p.name for p in (leap / "pages").iterdir()) == ["02", "12"]
    assert sorted(p.relative_to(leap / "pages").as_posix() for p in leap.glob("pages/*/*")) == [
        f"{d[5:7]}/{d}-{n}.md" for d in ("2028-02-29", "2028-12-31") for n in (2, 3)
    ]
    assert {k: v for k, v in sizes.items() if v > GITHUB_FOLDER_LIMIT} == {}
    assert max(sizes.values()) < 800  # a year: two files a day, and a few more


def test_a_month_folder_of_continuation_pages_stays_far_below_githubs_listing(
    huge_day: Path,
) -> None:
    """No month has more than 23 announcement days (a list every day: 31), so a month folder
    passes 1,000 entries only with days of more than 43 continuation pages (32): even a list
    every day of a month of days as long as the 3,000 papers fetched here stays under it."""
    most = 0
    for year in range(2026, 2036):
        for month in range(1, 13):
            days = [date(year, month, 1) + timedelta(days=n) for n in range(31)]
            announced = [
                day
                for day in days
                if day.month == month and announcements_on(day, ZoneInfo("UTC"), frozenset())
            ]
            most = max(most, len(announced))
    assert most == 23
    assert most * 43 < GITHUB_FOLDER_LIMIT <= most * 44
    assert 31 * 32 < GITHUB_FOLDER_LIMIT <= 31 * 33
    month = huge_day / "lists" / "everything" / "2026" / "pages" / "11"
    continuation = len(list(month.iterdir()))
    assert continuation >= 6  # 21 in 2026: in one pages/ folder, 48 such days pass 1,000
    assert 31 * continuation < GITHUB_FOLDER_LIMIT


def test_a_day_that_gets_shorter_loses_the_pages_it_no_longer_needs(tmp_path: Path) -> None:
    """Re-rendered with fewer papers, a day's extra continuation pages are removed, from its
    month folder and from `pages/` itself (where releases before month folders put them);
    the pages it still needs and other days' pages stay."""
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    long, other = date(2026, 3, 4), date(2026, 3, 5)

    def store(day: date, count: int) -> None:
        listed = _day("everything", "Everything", day, count, abstract=_abstract(0) * 2)
        apply(Store(tmp_path), [Change(layout.day_json("everything", day), day_json(listed))])

    def render_all() -> list[str]:
        result = CliRunner().invoke(main, ["render", "--config", str(tmp_path / "config.yml")])
        assert result.exit_code == 0, result.output
        pages = tmp_path / "lists" / "everything" / "2026" / "pages"
        return sorted(p.relative_to(pages).as_posix() for p in pages.rglob("*.md"))

    def of(day: date, pages: list[str]) -> list[str]:
        return [page for page in pages if page.startswith(f"03/{day}-")]

    store(long, 300)  # about 4 KB an entry: four pages of 400 KB
    store(other, 150)
    before = render_all()
    assert of(long, before)[:2] == ["03/2026-03-04-2.md", "03/2026-03-04-3.md"]
    assert of(other, before) == ["03/2026-03-05-2.md"]
    legacy = tmp_path / "lists" / "everything" / "2026" / "pages" / "2026-03-04-2.md"
    legacy.write_text("# a page where releases before month folders put it\n", encoding="utf-8")
    store(long, 150)
    after = render_all()
    assert of(long, after) == ["03/2026-03-04-2.md"]  # the pages after it are gone
    assert of(other, after) == of(other, before)
    assert after == [*of(long, after), *of(other, after)]
    assert not legacy.exists()


def test_the_readme_section_stays_bounded_after_years(years: Path) -> None:
    """The README keeps the user's text and one section: the latest day of each list, at
    most 10 entries each, whatever the number of days stored."""
    readme = (years / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Mine\n\nMy text.\n")
    assert readme.count(START_MARKER) == readme.count(END_MARKER) == 1
    section = readme[readme.index(START_MARKER) :]
    assert len(render(section).find_all("li")) <= 20
    assert len(section.encode("utf-8")) < 10_000
    assert "2028-12-31" in section


def test_the_list_archive_shows_the_last_90_days_and_the_years(years: Path) -> None:
    """The list's archive links the last 90 days and each year: the same size in year three
    as in month four."""
    text = (years / "lists" / "daily" / "README.md").read_text(encoding="utf-8")
    days = set(re.findall(r"\((\d{4})/(\d{4}-\d{2}-\d{2})\.md\)", text))
    assert len(days) == 90
    assert min(d for _, d in days) == (date(2028, 12, 31) - timedelta(days=89)).isoformat()
    for year in ("2026", "2027", "2028"):
        assert f"({year}/README.md)" in text
    assert len(text.encode("utf-8")) < 20_000


def test_a_year_archive_holds_only_its_year(years: Path) -> None:
    """A year's archive links each of its days once (366 in a leap year), and nothing else."""
    text = (years / "lists" / "daily" / "2028" / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\((2028-\d{2}-\d{2})\.md\)", text)
    assert len(linked) == len(set(linked)) == 366
    assert len(text.encode("utf-8")) < 60_000
