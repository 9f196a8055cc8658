"""Weekly digests: ISO weeks, grouping by topic, top papers, "so far", the page and its wiring.

The digest page is compared with tests/golden/weekly.md (regenerate after an intended change with
`UPDATE_GOLDEN=1 pytest tests/test_weekly.py`) and parsed with cmarkgfm, GitHub's own parser.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner
from gfm import render, to_html, visible
from test_render import HOSTILE_PAPER, fixture_papers

from bot import layout
from bot import render as rendering
from bot.cli import main
from bot.models import DayList, Entry, Hit, Paper, Rules, Topic
from bot.render import MAX_PAGE_BYTES, Renderer, RenderOptions
from bot.text import clean
from bot.weekly import (
    TOP_PAPERS,
    Week,
    build,
    summaries,
    week_end,
    week_label,
    week_of,
    week_start,
)
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.configs import LLM_LIST

GOLDEN = Path(__file__).resolve().parent / "golden"
SLUG = "testing-papers"
RENDERER = Renderer(RenderOptions())
DASH = "\N{EN DASH}"
TOPICS = (Topic("Testing", ("testing",)), Topic("Learning", ("deep learning", "learn*")))
RULES = Rules(keywords=("testing", "deep learning", "learn*"), topics=TOPICS)


def paper(number: int, *, hours: int = 0, abstract: str = "An abstract.") -> Paper:
    when = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=hours)
    return Paper(
        id=f"2611.{number:05d}",
        version=1,
        title=f"Paper {number}",
        authors=("A. Author",),
        abstract=abstract,
        primary_category="cs.LG",
        categories=("cs.LG",),
        published=when,
        updated=when,
    )


def entry(number: int, *, score: int = 1000, topic: str | None = None, hours: int = 0) -> Entry:
    return Entry(paper(number, hours=hours), (Hit("testing", ("title",)),), score, topic)


def day(when: date, *entries: Entry, rules: Rules = RULES) -> DayList:
    return DayList(SLUG, "Testing Papers", when, rules, tuple(entries))


def history(*days: DayList) -> dict[date, DayList]:
    return {d.date: d for d in days}


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/<name>, or rewrite it when UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), text.splitlines(keepends=True), name, "now"
            )
        )
        pytest.fail(
            f"{name} differs from its golden file; if the change is intended, run "
            f"UPDATE_GOLDEN=1 pytest tests/test_weekly.py\n{diff}"
        )


def resolve(source: PurePosixPath, href: str) -> PurePosixPath:
    return PurePosixPath(posixpath.normpath(posixpath.join(str(source.parent), href)))


# --- ISO weeks --------------------------------------------------------------------------------


def test_iso_week_53_and_week_1_across_a_year_boundary() -> None:
    """2026-12-28 to 2027-01-03 is 2026-W53; 2027-01-04 starts 2027-W01; 2025-12-29 is 2026-W01."""
    assert {week_of(date(2026, 12, 28) + timedelta(days=n)) for n in range(7)} == {(2026, 53)}
    assert week_of(date(2027, 1, 4)) == (2027, 1)
    assert week_of(date(2025, 12, 29)) == (2026, 1)
    assert (week_start((2026, 53)), week_end((2026, 53))) == (date(2026, 12, 28), date(2027, 1, 3))
    assert week_label((2026, 53)) == "2026-W53"
    assert layout.weekly(SLUG, 2027, 1) == PurePosixPath(f"lists/{SLUG}/weekly/2027-W01.md")


def test_days_either_side_of_new_year_share_one_digest() -> None:
    """Days of 2026 and 2027 in ISO week 2026-W53 make one digest; the next week is 2027-W01."""
    days = history(
        day(date(2026, 12, 31), entry(1)),
        day(date(2027, 1, 1), entry(2)),
        day(date(2027, 1, 4), entry(3)),
    )
    week = build(days, (2026, 53))
    assert week.summary.days == ((date(2026, 12, 31), 1), (date(2027, 1, 1), 1))
    assert [(listed.entry.paper.id, listed.day) for listed in week.top] == [
        ("2611.00001", date(2026, 12, 31)),
        ("2611.00002", date(2027, 1, 1)),
    ]
    assert (week.previous, week.following, week.summary.so_far) == (None, (2027, 1), False)
    nxt = build(days, (2027, 1))
    assert (nxt.previous, nxt.following, nxt.summary.so_far) == ((2026, 53), None, True)
    page = RENDERER.weekly(week)
    assert page.startswith("# 📰 Testing Papers · week 53 of 2026\n")
    assert f"**28 December 2026 {DASH} 3 January 2027** · 2 papers from 2 daily lists." in page
    with pytest.raises(KeyError):
        build(days, (2026, 52))


# --- grouping and order -----------------------------------------------------------------------


def test_papers_group_by_topic_in_the_configured_order_other_last() -> None:
    """Groups follow the newest day's topic order, then topics only older days name, then Other."""
    older_rules = replace(RULES, topics=(Topic("Old topic", ("x",)), *TOPICS))
    newer_rules = replace(RULES, topics=(TOPICS[1], TOPICS[0]))
    days = history(
        day(date(2026, 11, 16), entry(1, topic="Old topic"), entry(2), rules=older_rules),
        day(date(2026, 11, 17), entry(3, topic="Testing"), entry(4, topic="Learning")),
        day(
            date(2026, 11, 18),
            entry(5, topic="Learning"),
            entry(6, topic="Hand-made"),
            rules=newer_rules,
        ),
    )
    week = build(days, (2026, 47))
    assert not week.flat
    assert [(g.name, g.topic, len(g.papers)) for g in week.groups] == [
        ("Learning", "Learning", 2),
        ("Testing", "Testing", 1),
        ("Old topic", "Old topic", 1),
        ("Hand-made", "Hand-made", 1),
        ("Other", None, 1),
    ]


def test_a_list_without_topics_is_one_flat_group() -> None:
    """No topics configured and none on an entry: one group holding every paper of the week."""
    plain = Rules(keywords=("testing",))
    days = history(day(date(2026, 11, 16), entry(1), entry(2), rules=plain))
    week = build(days, (2026, 47))
    assert week.flat
    assert [(g.name, g.topic, len(g.papers)) for g in week.groups] == [("", None, 2)]
    page = RENDERER.weekly(week)
    assert "**Contents**" not in page
    assert '## <a name="papers"></a>📄 All papers of the week · 2 papers\n' in page


def test_top_papers_are_the_weeks_most_relevant_across_days_and_topics() -> None:
    """Top papers: score first, then newest, then id; at most TOP_PAPERS of them."""
    first = [entry(n, score=1000 + n, topic="Testing", hours=n) for n in range(1, 8)]
    second = [
        entry(n, score=2000 if n == 20 else 500, topic="Learning", hours=n) for n in range(20, 27)
    ]
    tied = [entry(30, score=1003, hours=100), entry(31, score=1003, hours=100)]
    days = history(day(date(2026, 11, 16), *first, *tied), day(date(2026, 11, 19), *second))
    week = build(days, (2026, 47))
    top = [listed.entry.paper.id for listed in week.top]
    assert len(top) == TOP_PAPERS
    assert top[:6] == [
        "2611.00020",
        "2611.00007",
        "2611.00006",
        "2611.00005",
        "2611.00004",
        "2611.00030",
    ]
    assert top[6:8] == ["2611.00031", "2611.00003"]
    assert week.top[0].day == date(2026, 11, 19)


def test_within_a_group_papers_follow_the_lists_sort() -> None:
    """`sort: relevance` orders a group by score; `sort: newest` by submission time."""
    entries = [
        entry(1, score=9000, hours=1),
        entry(2, score=1000, hours=5),
        entry(3, score=5000, hours=3),
    ]
    for sort, expected in (("relevance", [1, 3, 2]), ("newest", [2, 3, 1])):
        rules = Rules(keywords=("testing",), sort=sort)  # type: ignore[arg-type]
        week = build(history(day(date(2026, 11, 16), *entries, rules=rules)), (2026, 47))
        assert [int(li.entry.paper.id[-5:]) for li in week.groups[0].papers] == expected


def test_summaries_count_each_week_and_mark_only_the_newest_so_far() -> None:
    """Week summaries come from day counts alone, newest week first, only the newest "so far"."""
    counts = {date(2026, 11, 16): 3, date(2026, 11, 20): 2, date(2026, 11, 23): 4}
    weeks = summaries(counts)
    assert [(w.label, w.count, w.so_far) for w in weeks] == [
        ("2026-W48", 4, True),
        ("2026-W47", 5, False),
    ]


# --- the page ---------------------------------------------------------------------------------


def golden_week() -> Week:
    """Three days of one week of real papers (and one hostile), under two topics and Other."""
    papers = fixture_papers()
    testing, learning = "Testing", "Learning"
    days = history(
        day(
            date(2025, 4, 21),
            Entry(papers[0], (Hit("testing", ("title",)),), 2001, testing),
            Entry(papers[1], (Hit("deep learning", ("abstract",)),), 1001, learning),
        ),
        day(
            date(2025, 4, 23),
            Entry(HOSTILE_PAPER, (Hit("testing", ("title", "abstract")),), 3002, testing),
            Entry(papers[2], (Hit("learn*", ("abstract",)),), 1000, learning),
            Entry(papers[3], (Hit("A. Gotlieb", ("authors",)),), 1000000, None),
        ),
        day(
            date(2025, 4, 24),
            Entry(papers[4], (Hit("testing", ("abstract",)),), 1003, testing),
        ),
    )
    return build(history(*days.values(), day(date(2025, 4, 14), entry(99))), (2025, 17))


def test_golden_weekly_digest() -> None:
    """A week of real papers with topics matches its golden file."""
    check_golden("weekly.md", RENDERER.weekly(golden_week()))


def test_the_digest_reads_on_github_as_a_newsletter() -> None:
    """Contents link each section's anchor; arXiv text shows verbatim; every day link resolves."""
    week = golden_week()
    page = RENDERER.weekly(week)
    source = layout.weekly(SLUG, 2025, 17)
    root = render(page)
    headings = [visible(h.text()) for h in root.find_all("h2")]
    assert headings == [
        "⭐ Top papers of the week",
        "1. Testing · 3 papers",
        "2. Learning · 2 papers",
        "3. Other · 1 paper",
    ]
    anchors = {a.attrs["name"] for a in root.find_all("a") if "name" in a.attrs}
    contents = root.find_all("ul")[0]
    targets = [a.attrs["href"] or "" for a in contents.find_all("a")]
    assert targets == ["#top-papers", "#topic-testing", "#topic-learning", "#topic-other"]
    assert {t.removeprefix("#") for t in targets} <= anchors
    assert [visible(li.text()) for li in contents.find_all("li")][1:] == [
        "1. Testing · 3 papers",
        "2. Learning · 2 papers",
        "3. Other · 1 paper",
    ]
    titles = [visible(strong.text()) for strong in root.find_all("strong")]
    assert visible(clean(HOSTILE_PAPER.title)) in titles
    assert page.count("<details>") == 6
    assert "<script>" not in to_html(page)
    day_links = [a for a in root.find_all("a") if re.fullmatch(r"\d{4}-\d\d-\d\d", a.text())]
    assert {resolve(source, a.attrs["href"] or "") for a in day_links} == {
        layout.day_page(SLUG, date(2025, 4, d)) for d in (21, 23, 24)
    }
    nav = {a.text(): a.attrs["href"] or "" for a in root.find_all("a") if "href" in a.attrs}
    assert resolve(source, nav["← 2025-W16"]) == layout.weekly(SLUG, 2025, 16)
    assert resolve(source, nav["📚 Archive"]) == layout.list_archive(SLUG)
    assert resolve(source, nav["📡 Feed"]) == layout.feed(SLUG)


def test_so_far_is_marked_until_a_day_of_a_later_week_exists() -> None:
    """The newest week's digest says "so far"; once a later week has a day, it no longer does."""
    days = history(day(date(2026, 11, 20), entry(1)))
    page = RENDERER.weekly(build(days, (2026, 47)))
    assert page.startswith("# 📰 Testing Papers · week 47 of 2026 · so far\n")
    assert "1 paper from 1 daily list so far: the week's next daily list adds" in page
    days[date(2026, 11, 23)] = day(date(2026, 11, 23), entry(2))
    page = RENDERER.weekly(build(days, (2026, 47)))
    assert page.startswith("# 📰 Testing Papers · week 47 of 2026\n")
    assert "so far" not in page


def test_a_huge_week_drops_abstracts_then_shortens_sections_to_fit() -> None:
    """Past MAX_PAGE_BYTES the abstracts go; past it still, sections show their first papers."""
    big = "word " * 2000
    entries = [
        Entry(paper(n, abstract=big), (Hit("testing", ("title",)),), 1000, None) for n in range(60)
    ]
    page = RENDERER.weekly(build(history(day(date(2026, 11, 16), *entries)), (2026, 47)))
    assert len(page.encode()) <= MAX_PAGE_BYTES
    assert "<details>" not in page
    assert "Paper 59" in page
    long = "A long title " * 40
    many = [replace(e, paper=replace(e.paper, title=long)) for e in map(entry, range(1000))]
    page = RENDERER.weekly(build(history(day(date(2026, 11, 16), *many)), (2026, 47)))
    assert len(page.encode()) <= MAX_PAGE_BYTES
    shown = len(re.findall(r"^\d+\. \*\*\[", page, flags=re.MULTILINE))
    assert 100 < shown < 1000
    assert f"*{1000 - shown} more of this section are in the daily lists above.*" in page


def test_abstracts_too_long_for_a_page_on_their_own_are_not_tried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Abstracts whose text alone passes MAX_PAGE_BYTES: the digest is laid out without them
    at once, and reads exactly as it does when the page with them is tried and found too big."""
    big = "word " * 2000
    entries = [
        Entry(paper(n, abstract=big), (Hit("testing", ("title",)),), 1000, None) for n in range(60)
    ]
    week = build(history(day(date(2026, 11, 16), *entries)), (2026, 47))
    tried: list[bool] = []
    original = Renderer._render_within

    def recording(self: Renderer, name: str, context: dict[str, object], *rest: Any) -> str | None:
        tried.append(bool(context["abstracts"]))
        return original(self, name, context, *rest)

    monkeypatch.setattr(Renderer, "_render_within", recording)
    page = Renderer(RenderOptions()).weekly(week)
    assert tried == [False]
    monkeypatch.setattr(rendering, "_abstracts_exceed", lambda *_: False)
    tried.clear()
    assert Renderer(RenderOptions()).weekly(week) == page
    assert tried == [True, False]


# --- wiring: runs write and rewrite digests ---------------------------------------------------

CONFIG = LLM_LIST


def _paper(number: int, when: datetime) -> FeedEntry:
    return FeedEntry(id=f"2611.{number:05d}", published=when, title=f"LLM paper {number}")


def test_runs_build_each_weeks_digest_and_render_rebuilds_them_identically(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """A Friday run starts week 47's digest; Monday's starts week 48 and ends week 47's "so far"."""
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    folder = tmp_path / "lists" / "llm-papers"
    arxiv_server.corpus = [_paper(1, datetime(2026, 11, 19, 12, tzinfo=UTC))]
    runner = CliRunner()
    assert (
        runner.invoke(main, ["run", "--config", str(config), "--date", "2026-11-20"]).exit_code == 0
    )
    w47 = folder / "weekly" / "2026-W47.md"
    assert "· so far\n" in w47.read_text(encoding="utf-8")
    arxiv_server.corpus.append(_paper(2, datetime(2026, 11, 22, 12, tzinfo=UTC)))
    result = runner.invoke(main, ["run", "--config", str(config), "--date", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "lists/llm-papers/weekly/2026-W47.md" in result.output
    assert "so far" not in w47.read_text(encoding="utf-8")
    assert "[2026-W48 →](2026-W48.md)" in w47.read_text(encoding="utf-8")
    assert "· so far\n" in (folder / "weekly" / "2026-W48.md").read_text(encoding="utf-8")
    archive = (folder / "README.md").read_text(encoding="utf-8")
    assert (
        f"- [2026-W48](weekly/2026-W48.md) · 23{DASH}29 November 2026 · 1 paper so far\n" in archive
    )
    assert f"- [2026-W47](weekly/2026-W47.md) · 16{DASH}22 November 2026 · 1 paper\n" in archive
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "Weekly: [2026-W48](lists/llm-papers/weekly/2026-W48.md), 1 paper so far" in readme
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    w47.unlink()
    result = runner.invoke(main, ["render", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_quiet_run_rebuilds_only_the_digest_feed_and_charts_a_crash_left_missing(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """Deleted weekly, feed and chart files come back, the same bytes, and nothing else changes."""
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    arxiv_server.corpus = [_paper(1, datetime(2026, 11, 19, 12, tzinfo=UTC))]
    args = ["run", "--config", str(config), "--date", "2026-11-20"]
    assert CliRunner().invoke(main, args).exit_code == 0
    folder = tmp_path / "lists" / "llm-papers"
    lost = [folder / "weekly" / "2026-W47.md", folder / "feed.xml", folder / "keywords.svg"]
    before = {path: path.read_bytes() for path in lost}
    for path in lost:
        path.unlink()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Wrote 3 files:\n" in result.output
    assert {path: path.read_bytes() for path in lost} == before


def test_hostile_topic_names_show_verbatim_in_headings_and_contents() -> None:
    """A topic named with Markdown and HTML is text in its heading and in the contents."""
    name = "*LLMs* | <b>x</b> [y](z) $a$ _b_"
    rules = replace(RULES, topics=(Topic(name, ("testing",)),))
    days = history(day(date(2026, 11, 16), entry(1, topic=name), entry(2), rules=rules))
    root = render(RENDERER.weekly(build(days, (2026, 47))))
    assert [visible(h.text()) for h in root.find_all("h2")][1:] == [
        f"1. {name} · 1 paper",
        "2. Other · 1 paper",
    ]
    assert visible(root.find_all("ul")[0].find_all("li")[1].text()) == f"1. {name} · 1 paper"
    assert not [h for h in root.find_all("h2") if h.find_all("b") or h.find_all("em")]
