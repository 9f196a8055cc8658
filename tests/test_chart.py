"""The archive's charts: the numbers they show, their SVG parsed back, the same bytes always."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from gfm import render
from lxml import etree  # type: ignore[import-untyped]

from bot import layout
from bot.chart import TOP_KEYWORDS, TREND_DAYS, keywords_svg, trend, trend_svg
from bot.cli import main
from bot.models import DayList, Entry, Hit, Paper, Rules
from tests.arxiv_server import ArxivServer, FeedEntry

SVG = "{http://www.w3.org/2000/svg}"
NAME = "LLM Papers"


def paper(number: int) -> Paper:
    when = datetime(2026, 11, 1, tzinfo=UTC)
    return Paper(
        id=f"2611.{number:05d}",
        version=1,
        title=f"Paper {number}",
        authors=("A. Author",),
        abstract="An abstract.",
        primary_category="cs.CL",
        categories=("cs.CL",),
        published=when,
        updated=when,
    )


def day(when: date, *hits: tuple[Hit, ...]) -> DayList:
    start = when.toordinal() * 100
    entries = tuple(Entry(paper(start + n), h, 1000) for n, h in enumerate(hits))
    return DayList("llm-papers", NAME, when, Rules(keywords=("LLM",)), entries)


def kw(*labels: str) -> tuple[Hit, ...]:
    return tuple(Hit(label, ("title",)) for label in labels)


def weekdays(first: date, count: int) -> dict[date, DayList]:
    """`count` calendar days from `first`, a list on each weekday: (day of month % 5) + 1 papers."""
    days: dict[date, DayList] = {}
    for offset in range(count):
        when = first + timedelta(days=offset)
        if when.weekday() < 5:
            days[when] = day(when, *(kw("LLM") for _ in range(when.day % 5 + 1)))
    return days


def bars(svg: str) -> list[tuple[str, float]]:
    """(label, value) of each bar, in drawing order, read from the SVG's own descriptions."""
    root = etree.fromstring(svg.encode("utf-8"))
    found = []
    for bar in root.iter(f"{SVG}g"):
        if bar.get("class") != "bar":
            continue
        desc = {d.get("class"): d.text for d in bar.iter(f"{SVG}desc")}
        found.append((desc["x_label"], float(desc["value"])))
    return found


def texts(svg: str) -> list[str]:
    root = etree.fromstring(svg.encode("utf-8"))
    return [node.text for node in root.iter(f"{SVG}text") if node.text]


# --- the numbers ------------------------------------------------------------------------------


def test_the_trend_covers_90_days_up_to_the_newest_list_with_zeros_between() -> None:
    """Every calendar day of the window, oldest first; days without a list count 0."""
    days = weekdays(date(2026, 6, 1), 200)
    numbers = trend(NAME, days)
    newest = max(days)
    assert len(numbers.days) == TREND_DAYS
    assert numbers.days[0][0] == newest - timedelta(days=TREND_DAYS - 1)
    assert numbers.days[-1] == (newest, newest.day % 5 + 1)
    expected = {when: len(days[when].entries) if when in days else 0 for when, _ in numbers.days}
    assert dict(numbers.days) == expected
    assert numbers.papers == sum(expected.values())


def test_a_young_list_starts_at_its_first_day() -> None:
    """A list of 10 days shows 10 days, not 80 days of zeros before them."""
    numbers = trend(NAME, weekdays(date(2026, 11, 16), 10))
    assert numbers.days[0][0] == date(2026, 11, 16)
    assert len(numbers.days) == 10


def test_keywords_count_each_paper_once_followed_authors_excluded() -> None:
    """A keyword counts the papers it hit (once each); ties go by label; at most TOP_KEYWORDS."""
    when = date(2026, 11, 20)
    hits = [
        (Hit("LLM", ("title",)), Hit("LLM", ("abstract",)), Hit("GPT", ("abstract",))),
        kw("LLM", "agent* + tool use"),
        (Hit("Y. LeCun", ("authors",)), Hit("GPT", ("title",))),
        kw(*(f"k{n:02d}" for n in range(12))),
    ]
    numbers = trend(NAME, {when: day(when, *hits)})
    assert numbers.keywords[:3] == (("GPT", 2), ("LLM", 2), ("agent* + tool use", 1))
    assert len(numbers.keywords) == TOP_KEYWORDS
    assert "Y. LeCun" not in dict(numbers.keywords)
    old = when - timedelta(days=TREND_DAYS)
    older = trend(NAME, {old: day(old, kw("ancient")), when: day(when, kw("LLM"))})
    assert older.keywords == (("LLM", 1),)


# --- the pictures ------------------------------------------------------------------------------


def test_the_trend_chart_shows_one_bar_per_day_with_its_count() -> None:
    """Parsed back, the SVG holds each day's date and count, and says what it shows."""
    numbers = trend(NAME, weekdays(date(2026, 6, 1), 200))
    svg = trend_svg(numbers)
    assert bars(svg) == [(when.isoformat(), float(count)) for when, count in numbers.days]
    first, last = numbers.days[0][0], numbers.days[-1][0]
    assert f"{NAME}: {numbers.papers} new papers from {first} to {last}" in texts(svg)
    labels = [t for t in texts(svg) if len(t) == 10 and t[4] == "-"]
    assert labels == [when.isoformat() for when, _ in numbers.days[::14]]


def test_the_keyword_chart_shows_the_busiest_keywords_on_top() -> None:
    """Parsed back, the SVG holds each keyword with its count, the busiest drawn at the top."""
    when = date(2026, 11, 20)
    numbers = trend(NAME, {when: day(when, kw("LLM", "GPT"), kw("LLM"), kw("LLM", "a & <b>"))})
    svg = keywords_svg(numbers)
    assert bars(svg) == [("a & <b> (1)", 1.0), ("GPT (1)", 1.0), ("LLM (3)", 3.0)]
    assert f"{NAME}: busiest keywords (papers) from {when} to {when}" in texts(svg)


def test_hostile_names_and_labels_keep_the_svg_well_formed() -> None:
    """Markup and control characters in a list name or keyword leave valid XML, text intact."""
    when = date(2026, 11, 20)
    numbers = trend("A <list> & \x00co\ufffe", {when: day(when, kw("x\x07<y>"))})
    for svg in (trend_svg(numbers), keywords_svg(numbers)):
        assert any(t.startswith("A <list> & co: ") for t in texts(svg))
    assert bars(keywords_svg(numbers)) == [("x<y> (1)", 1.0)]


def check_static(svg: str, days: set[str]) -> None:
    """No script, no comment (pygal's carries the day it ran), no date but the data's."""
    assert "<script" not in svg
    assert "<!--" not in svg
    assert set(re.findall(r"\d{4}-\d\d-\d\d", svg)) <= days


def test_the_charts_are_the_same_bytes_twice_and_in_a_new_process() -> None:
    """No date, random id or script: the same numbers give the same bytes in any process."""
    numbers = trend(NAME, weekdays(date(2026, 6, 1), 200))
    first = (trend_svg(numbers), keywords_svg(numbers))
    assert first == (trend_svg(numbers), keywords_svg(numbers))
    for svg, chart_id in zip(first, ("chart-trend", "chart-keywords"), strict=True):
        check_static(svg, {when.isoformat() for when, _ in numbers.days})
        assert etree.fromstring(svg.encode("utf-8")).get("id") == chart_id
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from tests.test_chart import NAME, weekdays\n"
        "from bot.chart import keywords_svg, trend, trend_svg\n"
        "numbers = trend(NAME, weekdays(date(2026, 6, 1), 200))\n"
        "sys.stdout.write(trend_svg(numbers) + '\\0' + keywords_svg(numbers))\n"
    )
    root = Path(__file__).resolve().parent.parent
    fresh = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": f"{root}:{root / 'tests'}", "PYTHONHASHSEED": "1", "NO_LXML": "1"},
    ).stdout
    assert tuple(fresh.split("\0")) == first


CONFIG = """\
timezone: UTC
arxiv: {timeout: 5, retries: 1, backoff: 0, delay: 0}
lists:
  - name: LLM Papers
    keywords: [LLM, GPT]
"""


def test_the_archive_shows_the_charts_committed_beside_it(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """A run writes trend.svg and keywords.svg; the archive embeds both by relative links."""
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    arxiv_server.corpus = [
        FeedEntry(
            id=f"2611.0000{n}",
            published=datetime(2026, 11, 19, 12, n, tzinfo=UTC),
            title=title,
        )
        for n, title in enumerate(("LLM one", "LLM and GPT", "GPT only"), 1)
    ]
    result = CliRunner().invoke(main, ["run", "--config", str(config), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "lists" / "llm-papers"
    trend_file = (folder / "trend.svg").read_text(encoding="utf-8")
    assert bars(trend_file) == [("2026-11-20", 3.0)]
    assert bars((folder / "keywords.svg").read_text(encoding="utf-8")) == [
        ("LLM (2)", 2.0),
        ("GPT (2)", 2.0),
    ]
    archive = (folder / "README.md").read_text(encoding="utf-8")
    images: list[Any] = render(archive).find_all("img")
    assert [(img.attrs["src"], img.attrs["alt"]) for img in images] == [
        ("trend.svg", "New papers per day over the last 90 days"),
        ("keywords.svg", "The busiest keywords of the last 90 days"),
    ]
    assert layout.trend_chart("llm-papers") == layout.list_dir("llm-papers") / "trend.svg"
