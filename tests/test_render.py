"""Rendering: the shipped templates (golden files), overrides, page size, links, the README.

Every page is also parsed with cmarkgfm, GitHub's own parser, to check what a reader sees.
Regenerate the golden files after an intended change with `UPDATE_GOLDEN=1 pytest`.
"""

from __future__ import annotations

import difflib
import gc
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tomllib
import weakref
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from gfm import Node, render, visible
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]

from bot import layout
from bot import render as rendering
from bot.errors import ConfigError, StoreError
from bot.match import Matcher, keyword_spans
from bot.models import DayList, Entry, Hit, Paper, Rules, Topic
from bot.rank import rank
from bot.render import (
    END_MARKER,
    MAX_PAGE_BYTES,
    MAX_PAGE_ENTRIES,
    START_MARKER,
    DaySummary,
    Renderer,
    RenderOptions,
    _largest_fitting,
    shipped_templates_dir,
    splice_readme,
)
from bot.text import clean, code_url

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURE = ROOT / "tests/fixtures/arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml"
SLUG = "testing-papers"
DAY = date(2025, 4, 27)
RENDERER = Renderer(RenderOptions())
ATOM = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


# --- data -----------------------------------------------------------------------------------


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def fixture_papers() -> list[Paper]:
    """The papers of a recorded arXiv response (search "testing", first 10)."""
    feed = etree.parse(str(FIXTURE))
    papers = []
    for entry in feed.getroot().iterfind("a:entry", ATOM):

        def field(path: str, node: etree._Element = entry) -> str | None:
            found = node.find(path, ATOM)
            return None if found is None else found.text

        raw_id = (field("a:id") or "").rsplit("/abs/", 1)[1]
        match = re.fullmatch(r"(.+)v(\d+)", raw_id)
        assert match is not None
        primary = entry.find("arxiv:primary_category", ATOM)
        assert primary is not None
        papers.append(
            Paper(
                id=match.group(1),
                version=int(match.group(2)),
                title=field("a:title") or "",
                authors=tuple(name.text or "" for name in entry.iterfind("a:author/a:name", ATOM)),
                abstract=field("a:summary") or "",
                primary_category=primary.get("term", ""),
                categories=tuple(c.get("term", "") for c in entry.iterfind("a:category", ATOM)),
                published=_time(field("a:published") or ""),
                updated=_time(field("a:updated") or ""),
                comment=field("arxiv:comment"),
                journal_ref=field("arxiv:journal_ref"),
                doi=field("arxiv:doi"),
            )
        )
    return papers


HOSTILE_PAPER = Paper(
    id="2504.17950",
    version=2,
    title="$\\mathcal{O}(n^2)$ *Testing* of __init__ <script>alert(1)</script> | [x](y) `code`",
    authors=("Ada *L*", "B_o_b", "@carol", "Dan <d@e.org>", "Eve", "Fay", "Gus", "Hal"),
    abstract=(
        "We test $x^2$ & &amp; things.\n\n</details> <!-- hi -->\n"
        "Code: https://github.com/owner/repo. Mail a@b.com, see www.x.com :smile:\n"
        "# not a heading\n> not a quote\n1. not a list"
    ),
    primary_category="cs.SE",
    categories=("cs.SE", "cs.LG"),
    published=_time("2025-04-24T17:59:59Z"),
    updated=_time("2025-04-25T10:00:00Z"),
    comment="12 pages; ~~draft~~ **v2**",
    journal_ref=None,
    doi=None,
)
RULES = Rules(
    keywords=("testing", ("deep learning", "test*")),
    authors=("A. Gotlieb",),
    categories=("cs.SE", "cs.LG"),
    exclude=("survey",),
)


def golden_day() -> DayList:
    papers = fixture_papers()
    entries = (
        Entry(papers[0], (Hit("A. Gotlieb", ("authors",)), Hit("testing", ("title",))), 10101),
        Entry(HOSTILE_PAPER, (Hit("testing", ("title", "abstract")),), 101),
        Entry(papers[1], (Hit("testing", ("abstract",)),), 1),
        Entry(papers[2], (Hit("deep learning + test*", ("title", "abstract")),), 101),
    )
    return DayList(SLUG, "Testing Papers", DAY, RULES, entries)


def paper(number: int, *, abstract: str = "An abstract.", title: str | None = None) -> Paper:
    return Paper(
        id=f"2504.{number:05d}",
        version=1,
        title=title if title is not None else f"Paper {number}",
        authors=("A. Author",),
        abstract=abstract,
        primary_category="cs.LG",
        categories=("cs.LG",),
        published=_time("2025-04-24T12:00:00Z"),
        updated=_time("2025-04-24T12:00:00Z"),
    )


def day_of(count: int, *, abstract: str = "An abstract.", when: date = DAY) -> DayList:
    entries = tuple(
        Entry(paper(n, abstract=abstract), (Hit("testing", ("title",)),), 100)
        for n in range(1, count + 1)
    )
    return DayList(SLUG, "Testing Papers", when, RULES, entries)


def items(text: str) -> list[Node]:
    """The list items of a day page's one ordered list."""
    lists = render(text).find_all("ol")
    assert len(lists) == 1
    return [child for child in lists[0].children if isinstance(child, Node)]


def numbers(text: str) -> list[int]:
    """The entry numbers of a page, read from its Markdown list items."""
    return [int(n) for n in re.findall(r"^(\d+)\. \*\*\[", text, flags=re.MULTILINE)]


def resolve(source: PurePosixPath, href: str) -> PurePosixPath:
    return PurePosixPath(posixpath.normpath(posixpath.join(str(source.parent), href)))


def links(text: str) -> dict[str, str]:
    """Link text → href of every link on a rendered page."""
    return {node.text(): node.attrs["href"] or "" for node in render(text).find_all("a")}


# --- golden files ---------------------------------------------------------------------------


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/<name>, or rewrite it when UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"tests/golden/{name} (expected)",
                f"{name} (rendered)",
            )
        )
        pytest.fail(
            f"{name} differs from its golden file; if the change is intended, run "
            f"UPDATE_GOLDEN=1 pytest tests/test_render.py\n{diff}"
        )


def archive_days() -> list[DaySummary]:
    days = [date(2024, 12, 30), date(2025, 1, 2), date(2025, 1, 28), date(2025, 1, 29)]
    days += [date(2025, 3, 3), date(2025, 4, 24), date(2025, 4, 27)]
    return [DaySummary(day, count=(day.day % 7) + 1) for day in days]


def readme_lists() -> list[tuple[str, str, DaySummary | None]]:
    day = golden_day()
    summary = DaySummary(day.date, count=14, top=day.entries)
    return [(SLUG, "Testing Papers", summary), ("quiet-list", "Quiet List", None)]


def test_golden_day_page() -> None:
    """A day page of real papers (and one hostile) matches its golden file."""
    pages = RENDERER.day_pages(golden_day(), previous=date(2025, 4, 24))
    assert list(pages) == [PurePosixPath("lists/testing-papers/2025/2025-04-27.md")]
    check_golden("day.md", pages[layout.day_page(SLUG, DAY)])


def test_golden_archive_and_year_pages() -> None:
    """A list archive and a year archive match their golden files."""
    pages = RENDERER.archives(SLUG, "Testing Papers", archive_days())
    assert list(pages) == [
        PurePosixPath("lists/testing-papers/README.md"),
        PurePosixPath("lists/testing-papers/2024/README.md"),
        PurePosixPath("lists/testing-papers/2025/README.md"),
    ]
    check_golden("archive.md", pages[layout.list_archive(SLUG)])
    check_golden("year.md", pages[layout.year_archive(SLUG, 2025)])


def test_golden_readme_section_and_spliced_readme() -> None:
    """The README section, and a README it was spliced into, match their golden files."""
    section = RENDERER.readme_section(readme_lists())
    check_golden("readme_section.md", section + "\n")
    existing = (
        "# My papers\n\nMy own words, kept.\n\n"
        f"{START_MARKER}\nold section\n{END_MARKER}\n\n## Footer\n\nAlso kept.\n"
    )
    check_golden("readme_spliced.md", splice_readme(existing, section))


# --- the day page as GitHub shows it ----------------------------------------------------------


def test_day_page_entries_show_exact_text() -> None:
    """Each entry's lines on GitHub read as arXiv's text exactly; all markup is the template's."""
    text = RENDERER.day_pages(golden_day(), previous=date(2025, 4, 24))[layout.day_page(SLUG, DAY)]
    hostile = items(text)[1]
    paragraph = hostile.find_all("p")[0]
    assert [visible(line) for line in paragraph.lines()] == [
        clean(HOSTILE_PAPER.title),
        "arXiv:2504.17950 · cs.SE cs.LG · PDF · Code",
        "Ada *L*, B_o_b, @carol, Dan <d@e.org>, Eve, Fay, et al.",
        "💬 12 pages; ~~draft~~ **v2**",
        "🔑 testing (title, abstract)",
    ]
    assert [a.attrs["href"] for a in paragraph.find_all("a")] == [
        "https://arxiv.org/abs/2504.17950",
        "https://arxiv.org/pdf/2504.17950",
        "https://github.com/owner/repo",
    ]
    assert paragraph.counts() == {"strong": 2, "a": 3, "br": 4, "code": 3, "em": 1}
    details = hostile.find_all("details")
    assert len(details) == 1
    assert visible(details[0].text()) == "Abstract" + clean(HOSTILE_PAPER.abstract)


def test_day_page_shows_rules_badges_and_followed_authors() -> None:
    """The page shows its badges (plain alt text), the rules in use and who was followed."""
    text = RENDERER.day_pages(golden_day())[layout.day_page(SLUG, DAY)]
    root = render(text)
    assert root.find_all("h1")[0].text() == "🔍 Testing Papers · 2025-04-27"
    assert [(img.attrs["alt"], img.attrs["src"]) for img in root.find_all("img")] == [
        ("papers: 4", "https://img.shields.io/badge/papers-4-2688EB"),
        ("date: 2025-04-27", "https://img.shields.io/badge/date-2025--04--27-blue"),
        (
            "categories: cs.SE, cs.LG",
            "https://img.shields.io/badge/categories-cs.SE%2C%20cs.LG-orange",
        ),
    ]
    rules = next(p for p in root.find_all("p") if p.text().startswith("Keywords:"))
    assert rules.lines() == [
        "Keywords: testing deep learning + test*",
        "Followed authors: A. Gotlieb",
        "Categories: cs.SE cs.LG",
        "Exclude: survey",
    ]
    first = items(text)[0].find_all("p")[0].lines()
    assert first[-1] == "🔑 testing (title) · 👤 A. Gotlieb (followed)"


def test_rules_say_none_when_empty() -> None:
    """Rules with nothing configured say "none" (or "any" for categories)."""
    day = replace(day_of(1), rules=Rules(keywords=("x",)))
    root = render(RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)])
    rules = next(p for p in root.find_all("p") if p.text().startswith("Keywords:"))
    assert rules.lines() == [
        "Keywords: x",
        "Followed authors: none",
        "Categories: any",
        "Exclude: none",
    ]


def test_authors_are_cut_after_max_authors() -> None:
    """Only the first `max_authors` authors show, then "et al."; fewer show without it."""
    renderer = Renderer(RenderOptions(max_authors=2))
    many = replace(paper(1), authors=("A", "B", "C"))
    few = replace(paper(2), authors=("A", "B"))
    day = replace(day_of(0), entries=(Entry(many, (), 0), Entry(few, (), 0)))
    entries = items(renderer.day_pages(day)[layout.day_page(SLUG, DAY)])
    assert entries[0].find_all("em")[0].text() == "A, B, et al."
    assert entries[1].find_all("em")[0].text() == "A, B"


def test_abstracts_open_when_configured() -> None:
    """`abstracts: open` renders every fold as <details open>; the default folds them."""
    day = day_of(3)
    opened = Renderer(RenderOptions(abstracts="open")).day_pages(day)[layout.day_page(SLUG, DAY)]
    folded = RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)]
    assert [d.attrs for d in render(opened).find_all("details")] == [{"open": None}] * 3
    assert [d.attrs for d in render(folded).find_all("details")] == [{}] * 3


def test_journal_ref_and_doi_show_when_present() -> None:
    """A journal reference gets its own line and a DOI a link; both are absent otherwise."""
    with_ref = replace(paper(1), journal_ref="J. *Test* 1 (2025)", doi="10.1/x(y)")
    day = replace(day_of(0), entries=(Entry(with_ref, (), 0), Entry(paper(2), (), 0)))
    entries = items(RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)])
    assert entries[0].find_all("p")[0].lines()[-1] == "📖 J. *Test* 1 (2025)"
    assert entries[0].find_all("a")[-1].attrs["href"] == "https://doi.org/10.1/x%28y%29"
    assert entries[1].find_all("p")[0].lines() == [
        "Paper 2",
        "arXiv:2504.00002 · cs.LG · PDF",
        "A. Author",
    ]


def test_pages_are_measured_in_utf8_bytes_without_being_joined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Measured chunk by chunk (an entry's size counted once), a day splits as it does when
    each page is joined and encoded to be measured; non-ASCII text counts in bytes."""
    monkeypatch.setattr(rendering, "MAX_PAGE_BYTES", 12_000)
    day = day_of(60, abstract="Ünïcödé 🚀 " * 40)
    pages = Renderer(RenderOptions()).day_pages(day)
    assert len(pages) > 3
    assert all(len(text.encode()) <= 12_000 for text in pages.values())

    def joined(self: Renderer, name: str, context: dict[str, object], *_: object) -> int:
        return len(self._render(name, context).encode("utf-8"))

    monkeypatch.setattr(Renderer, "_render_size", joined)
    assert Renderer(RenderOptions()).day_pages(day) == pages


def test_the_texts_made_for_a_days_entries_go_with_its_pages_without_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a page calls for its entries holds every entry's text: it is freed by reference
    counting as soon as the pages are made, since a reference cycle would keep the texts of a
    whole run alive until the collector's rare full pass."""
    made: list[weakref.ref[object]] = []
    each = Renderer._each

    def recorded(self: Renderer, *args: Any) -> Any:
        rendered = each(self, *args)
        made.append(weakref.ref(rendered))
        return rendered

    monkeypatch.setattr(Renderer, "_each", recorded)
    gc.disable()
    try:
        pages = Renderer(RenderOptions()).day_pages(day_of(3))
        assert len(pages) == 1 and made
        assert [ref() for ref in made] == [None] * len(made)
    finally:
        gc.enable()


def test_a_day_without_entries_still_renders() -> None:
    """A day with no entries renders one page that says so, with no list."""
    pages = RENDERER.day_pages(day_of(0))
    root = render(pages[layout.day_page(SLUG, DAY)])
    assert list(pages) == [layout.day_page(SLUG, DAY)]
    assert root.find_all("ol") == []
    assert "No papers on this day." in [p.text() for p in root.find_all("p")]


TROUBLE = ["*", "_", "`", "$", "<", "</details>", "\n\n", "@a", ":b:", "[", "\\", "|", "\x00"]
hostile = st.lists(st.sampled_from(TROUBLE) | st.text(), max_size=5).map("".join)


@st.composite
def hostile_papers(draw: st.DrawFn, number: int) -> Entry:
    title = draw(hostile)
    entry_paper = replace(
        paper(number, title=title, abstract=draw(hostile)),
        authors=tuple(draw(st.lists(hostile, max_size=8))),
        comment=draw(st.none() | hostile),
        journal_ref=draw(st.none() | hostile),
        categories=tuple(draw(st.lists(hostile, min_size=1, max_size=3))),
    )
    hits = tuple(Hit(keyword, ("title",)) for keyword in draw(st.lists(hostile, max_size=3)))
    followed = tuple(Hit(name, ("authors",)) for name in draw(st.lists(hostile, max_size=2)))
    return Entry(entry_paper, hits + followed, 0)


def benign(entry: Entry) -> Entry:
    """The same entry with every text replaced by a plain word (empty where it shows empty)."""

    def word(text: str | None, plain: str) -> str | None:
        return None if text is None else (plain if clean(text) else "")

    original = entry.paper
    url = " https://github.com/o/r" if code_url(original.abstract, original.comment) else ""
    twin = replace(
        original,
        title=word(original.title, "title") or "",
        abstract="abstract" + url,
        authors=tuple(word(name, "name") or "" for name in original.authors),
        comment=word(original.comment, "comment"),
        journal_ref=word(original.journal_ref, "journal"),
        categories=tuple(word(c, "cat") or "" for c in original.categories),
    )
    hits = tuple(Hit(word(h.keyword, "kw") or "", h.where) for h in entry.hits)
    return Entry(twin, hits, entry.score)


@given(st.lists(st.integers(min_value=1, max_value=99_999).flatmap(hostile_papers), max_size=4))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_hostile_day_page_keeps_its_structure(entries: list[Entry]) -> None:
    """Any arXiv text gives the same HTML elements as plain words would, and shows as itself."""
    day = replace(day_of(0), entries=tuple(entries))
    text = RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)]
    twin = RENDERER.day_pages(replace(day, entries=tuple(benign(e) for e in entries)))
    root = render(text)
    assert root.tags() == render(twin[layout.day_page(SLUG, DAY)]).tags()
    assert len(root.find_all("details")) == len(entries)
    assert root.find_all("script") == []
    if not entries:
        return
    for entry, item in zip(entries, items(text), strict=True):
        lines = [visible(line) for line in item.find_all("p")[0].lines()]
        assert lines[0] == visible(clean(entry.paper.title))
        authors = [visible(clean(a)) for a in entry.paper.authors if clean(a)]
        assert lines[2] == (", ".join(authors[:6]) + (", et al." if len(authors) > 6 else "")
                            if authors else "no authors listed")  # fmt: skip
        details = item.find_all("details")[0]
        assert visible(details.text()) == "Abstract" + visible(clean(entry.paper.abstract))


# --- templates: shipped, overridden, strict -----------------------------------------------------


def test_shipped_templates_come_from_the_source_tree_in_a_checkout() -> None:
    """From a source checkout the shipped templates are the top-level templates/ folder."""
    folder = shipped_templates_dir()
    assert folder == ROOT / "templates"
    names = {"day.md.j2", "archive.md.j2", "year.md.j2", "readme_section.md.j2"}
    assert names <= {item.name for item in folder.iterdir()}


def test_pyproject_ships_the_templates_as_package_data() -> None:
    """pyproject maps package bot.templates to templates/ and ships its *.j2 files."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert "bot.templates" in config["setuptools"]["packages"]
    assert config["setuptools"]["package-dir"]["bot.templates"] == "templates"
    assert "*.j2" in config["setuptools"]["package-data"]["bot.templates"]


def test_installed_layout_finds_templates_in_the_package(tmp_path: Path) -> None:
    """Laid out as `pip install .` lays it out (bot/templates/*.j2), the package's copy is used."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "bot", site / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "bot/templates").mkdir()
    for template in (ROOT / "templates").glob("*.j2"):
        shutil.copy(template, site / "bot/templates" / template.name)
    script = (
        "from bot.render import Renderer, RenderOptions, shipped_templates_dir\n"
        "print(shipped_templates_dir().joinpath('day.md.j2'))\n"
        "print(Renderer(RenderOptions()).readme_section([]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines() == [
        str(site / "bot/templates/day.md.j2"),
        START_MARKER,
        "## Awesome daily arXiv",
        "",
        END_MARKER,
    ]


def test_a_user_template_overrides_the_shipped_one(tmp_path: Path) -> None:
    """A day.md.j2 in the user's folder wins; templates it lacks still come from the package."""
    (tmp_path / "day.md.j2").write_text(
        "{{ name }} {{ date }}: {{ entries|length }} of {{ count }}\n", encoding="utf-8"
    )
    renderer = Renderer(RenderOptions(template_dir=tmp_path))
    assert renderer.day_pages(day_of(2)) == {
        layout.day_page(SLUG, DAY): "Testing Papers 2025-04-27: 2 of 2\n"
    }
    assert renderer.archives(SLUG, "X", []) == RENDERER.archives(SLUG, "X", [])


def test_a_user_entry_template_changes_each_entry_of_the_shipped_page(tmp_path: Path) -> None:
    """An entry.md.j2 in the user's folder renders every entry; the rest of the page is the
    shipped day.md.j2's."""
    (tmp_path / "entry.md.j2").write_text(
        "{% macro entry(e) %}{{ e.number }}. {{ e.id }}\n\n{% endmacro %}\n", encoding="utf-8"
    )
    renderer = Renderer(RenderOptions(template_dir=tmp_path))
    page = renderer.day_pages(day_of(3))[layout.day_page(SLUG, DAY)]
    shipped = RENDERER.day_pages(day_of(3))[layout.day_page(SLUG, DAY)]
    assert "1. 2504.00001\n\n2. 2504.00002\n\n3. 2504.00003\n\n" in page
    head = shipped[: shipped.index("1. **[")]
    assert page.startswith(head)
    assert page.endswith(shipped[shipped.rindex("</details>") + len("</details>\n\n") :])


def test_an_error_in_a_user_entry_template_names_its_file_and_line(tmp_path: Path) -> None:
    """A broken entry.md.j2 is reported as any template is: its path and line."""
    (tmp_path / "entry.md.j2").write_text(
        "{% macro entry(e) %}{{ e.id }}\n{{ e.nope }}\n{% endmacro %}\n", encoding="utf-8"
    )
    renderer = Renderer(RenderOptions(template_dir=tmp_path))
    with pytest.raises(ConfigError) as caught:
        renderer.day_pages(day_of(1))
    assert str(caught.value).startswith(f"{tmp_path / 'entry.md.j2'}:2: ")


def test_an_entry_template_without_its_macro_is_an_error(tmp_path: Path) -> None:
    """entry.md.j2 must define the macro entry(e); the message says so and how to fix it."""
    (tmp_path / "entry.md.j2").write_text("An entry.\n", encoding="utf-8")
    renderer = Renderer(RenderOptions(template_dir=tmp_path))
    with pytest.raises(ConfigError) as caught:
        renderer.day_pages(day_of(1))
    assert str(caught.value).splitlines()[0] == (
        f"{tmp_path / 'entry.md.j2'}: templates: no macro 'entry' in the template"
    )
    assert caught.value.fix is not None and "{% macro entry(e) %}" in caught.value.fix


def test_an_unknown_variable_in_a_template_is_an_error(tmp_path: Path) -> None:
    """StrictUndefined: a template using an unknown variable fails, naming the file and line."""
    (tmp_path / "day.md.j2").write_text("# {{ name }}\n{{ nope }}\n", encoding="utf-8")
    renderer = Renderer(RenderOptions(template_dir=tmp_path))
    with pytest.raises(ConfigError) as caught:
        renderer.day_pages(day_of(1))
    assert str(caught.value).splitlines()[0] == f"{tmp_path / 'day.md.j2'}:2: 'nope' is undefined"


def test_an_unknown_attribute_in_a_template_is_an_error(tmp_path: Path) -> None:
    """StrictUndefined also refuses an attribute the view model does not have."""
    (tmp_path / "year.md.j2").write_text("{{ months[0].nope }}\n", encoding="utf-8")
    renderer = Renderer(RenderOptions(template_dir=tmp_path))
    with pytest.raises(ConfigError, match="has no attribute 'nope'"):
        renderer.archives(SLUG, "X", [DaySummary(DAY, 1)])


def test_a_template_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    """A broken user template is reported with its path and line, and how to fix it."""
    (tmp_path / "readme_section.md.j2").write_text("ok\n{% if %}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Renderer(RenderOptions(template_dir=tmp_path)).readme_section([])
    assert str(caught.value).startswith(f"{tmp_path / 'readme_section.md.j2'}:2: ")
    assert caught.value.fix == "fix the template, or delete it to use the shipped one"


# --- size ---------------------------------------------------------------------------------------


def test_501_entries_make_two_pages_linked_both_ways() -> None:
    """500 entries fill page 1; the 501st goes to pages/<MM>/<date>-2.md, linked both ways."""
    pages = RENDERER.day_pages(day_of(MAX_PAGE_ENTRIES + 1))
    first, second = layout.day_page(SLUG, DAY), layout.day_page(SLUG, DAY, 2)
    assert list(pages) == [first, second]
    assert second == PurePosixPath("lists/testing-papers/2025/pages/04/2025-04-27-2.md")
    assert numbers(pages[first]) == list(range(1, 501))
    assert numbers(pages[second]) == [501]
    assert len(items(pages[second])) == 1
    assert resolve(first, links(pages[first])["page 2 →"]) == second
    assert resolve(second, links(pages[second])["← page 1"]) == first
    assert render(pages[second]).find_all("h1")[0].text() == (
        "🔍 Testing Papers · 2025-04-27 · page 2 of 2"
    )
    assert "Page 1 of 2 · page 2 →" in [p.text() for p in render(pages[first]).find_all("p")]


def test_a_day_over_400_kb_continues_on_further_pages() -> None:
    """Pages stay within 400 KB, each as full as it can be, holding every entry once in order."""
    abstract = "Long abstract words. " * 150  # about 3 KB per entry
    pages = RENDERER.day_pages(day_of(300, abstract=abstract))
    sizes = [len(text.encode("utf-8")) for text in pages.values()]
    assert len(pages) == 3
    assert all(size <= MAX_PAGE_BYTES for size in sizes)
    assert all(size > MAX_PAGE_BYTES - 4_000 for size in sizes[:-1])
    assert [n for text in pages.values() for n in numbers(text)] == list(range(1, 301))
    assert list(pages) == [layout.day_page(SLUG, DAY, n) for n in (1, 2, 3)]


def test_an_entry_too_large_alone_still_gets_a_page() -> None:
    """An entry bigger than a page on its own gets a page of its own; splitting always ends."""
    day = replace(day_of(2), entries=(day_of(1, abstract="x " * 250_000).entries[0],))
    day = replace(day, entries=day.entries + day_of(2).entries[1:])
    pages = RENDERER.day_pages(day)
    assert [numbers(text) for text in pages.values()] == [[1], [2]]


def test_max_papers_shows_the_first_entries_and_points_to_the_json() -> None:
    """With max_papers the one page shows that many entries and says how many more the JSON has."""
    pages = RENDERER.day_pages(day_of(30), max_papers=10)
    page = layout.day_page(SLUG, DAY)
    assert list(pages) == [page]
    assert numbers(pages[page]) == list(range(1, 11))
    note = [p for p in render(pages[page]).find_all("p") if "more of the day" in p.text()]
    assert [p.text() for p in note] == ["20 more of the day's 30 papers are in 2025-04-27.json."]
    assert note[0].find_all("a")[0].attrs["href"] == "2025-04-27.json"
    assert resolve(page, "2025-04-27.json") == layout.day_json(SLUG, DAY)


def test_max_papers_above_the_count_adds_no_note() -> None:
    """A day with no more entries than max_papers shows them all and no note."""
    page = RENDERER.day_pages(day_of(5), max_papers=5)[layout.day_page(SLUG, DAY)]
    assert numbers(page) == [1, 2, 3, 4, 5]
    assert "more of the day" not in page


def test_max_papers_still_keeps_the_page_limit() -> None:
    """max_papers above 500 still shows at most 500 entries, on one page, noting the rest."""
    pages = RENDERER.day_pages(day_of(520), max_papers=510)
    assert [len(numbers(text)) for text in pages.values()] == [500]
    assert "20 more of the day's 520 papers" in pages[layout.day_page(SLUG, DAY)]


# --- navigation -------------------------------------------------------------------------------


def test_day_navigation_links_resolve_to_the_right_files() -> None:
    """Previous day (another year), next day, archive, year and data links resolve correctly."""
    when = date(2025, 1, 2)
    pages = RENDERER.day_pages(
        day_of(MAX_PAGE_ENTRIES + 1, when=when),
        previous=date(2024, 12, 31),
        following=date(2025, 1, 3),
    )
    for number, source in enumerate(pages, 1):
        found = links(pages[source])
        assert resolve(source, found["← 2024-12-31"]) == layout.day_page(SLUG, date(2024, 12, 31))
        assert resolve(source, found["2025-01-03 →"]) == layout.day_page(SLUG, date(2025, 1, 3))
        assert resolve(source, found["📚 Archive"]) == layout.list_archive(SLUG)
        assert resolve(source, found["📅 2025"]) == layout.year_archive(SLUG, 2025)
        assert resolve(source, found["🗂️ Data"]) == layout.day_json(SLUG, when)
        assert source == layout.day_page(SLUG, when, number)
    assert links(pages[layout.day_page(SLUG, when, 2)])["← 2024-12-31"] == (
        "../../../2024/2024-12-31.md"
    )


def test_first_and_last_days_have_no_dangling_links() -> None:
    """Without a previous or next day the page links to neither."""
    found = links(RENDERER.day_pages(day_of(1))[layout.day_page(SLUG, DAY)])
    assert not [text for text in found if "←" in text or "→" in text]


# --- archives ---------------------------------------------------------------------------------


def test_list_archive_shows_the_last_90_days_and_every_year() -> None:
    """The list archive links the days within 90 days of its newest, and each year's page."""
    start = date(2023, 1, 1)
    days = [DaySummary(start + timedelta(days=n), count=n % 5) for n in range(0, 1000, 2)]
    pages = RENDERER.archives(SLUG, "Testing Papers", list(reversed(days)))
    archive = layout.list_archive(SLUG)
    targets = [resolve(archive, href) for href in links(pages[archive]).values()]
    newest = days[-1].date
    recent = [d.date for d in reversed(days) if newest - d.date < timedelta(days=90)]
    assert targets == [
        layout.README,
        *(layout.day_page(SLUG, d) for d in recent),
        *(layout.year_archive(SLUG, y) for y in (2025, 2024, 2023)),
    ]
    assert len(recent) == 45
    assert list(pages)[1:] == [layout.year_archive(SLUG, y) for y in (2023, 2024, 2025)]


def test_year_archive_lists_every_day_of_its_year_by_month() -> None:
    """A year page links each day of that year (newest first) under its month, with counts."""
    days = [DaySummary(date(2025, 1, 1) + timedelta(days=n), count=n) for n in range(0, 365, 3)]
    days.append(DaySummary(date(2024, 12, 31), count=9))
    pages = RENDERER.archives(SLUG, "Testing Papers", days)
    year = layout.year_archive(SLUG, 2025)
    root = render(pages[year])
    assert [h.text() for h in root.find_all("h2")][:3] == [
        "December 2025",
        "November 2025",
        "October 2025",
    ]
    day_links = [a for a in root.find_all("a") if re.fullmatch(r"\d{4}-\d\d-\d\d", a.text())]
    assert [resolve(year, a.attrs["href"] or "") for a in day_links] == [
        layout.day_page(SLUG, d.date) for d in sorted(days[:-1], key=lambda d: d.date, reverse=True)
    ]
    assert [li.text() for li in root.find_all("li")][-1] == "2025-01-01 · 0 papers"
    assert resolve(year, links(pages[year])["← 2024"]) == layout.year_archive(SLUG, 2024)
    assert resolve(year, links(pages[year])["📚 Archive"]) == layout.list_archive(SLUG)


def test_an_empty_archive_still_renders() -> None:
    """A list with no days yet gets an archive page saying so, and no year pages."""
    pages = RENDERER.archives(SLUG, "Testing Papers", [])
    assert list(pages) == [layout.list_archive(SLUG)]
    assert "No papers yet" in pages[layout.list_archive(SLUG)]


# --- README section -----------------------------------------------------------------------------


def test_readme_section_shows_at_most_10_entries_and_the_rest_as_a_link() -> None:
    """Per list: name → archive, latest date → its page, count, ≤ 10 entries, then "N more"."""
    entries = day_of(12).entries
    summary = DaySummary(DAY, count=40, top=entries)
    section = RENDERER.readme_section([(SLUG, "Testing *Papers*", summary)])
    assert section.startswith(START_MARKER + "\n")
    assert section.endswith("\n" + END_MARKER)
    root = render(section)
    assert root.find_all("h3")[0].text() == "Testing *Papers*"
    assert len(root.find_all("li")) == 10
    found = links(section)
    assert resolve(layout.README, found["Testing *Papers*"]) == layout.list_archive(SLUG)
    assert resolve(layout.README, found["2025-04-27"]) == layout.day_page(SLUG, DAY)
    assert resolve(layout.README, found["30 more →"]) == layout.day_page(SLUG, DAY)
    assert found["Paper 10"] == "https://arxiv.org/abs/2504.00010"
    assert "Paper 11" not in found


def test_readme_section_for_a_list_without_days() -> None:
    """A list with no day yet is named, linked, and says so."""
    section = RENDERER.readme_section([("quiet", "Quiet", None)])
    assert [p.text() for p in render(section).find_all("p")] == ["No papers yet."]


# --- splicing the README ------------------------------------------------------------------------

SECTION = f"{START_MARKER}\n## New\n{END_MARKER}"
no_markers = st.text().filter(lambda s: "arxiv-bot:" not in s)


@given(no_markers, no_markers, st.text().filter(lambda s: "arxiv-bot:" not in s))
def test_splice_keeps_the_outside_byte_for_byte(before: str, after: str, old: str) -> None:
    """Whatever surrounds the markers is kept exactly; only the section between them changes."""
    existing = f"{before}\n{START_MARKER}\n{old}\n{END_MARKER}\n{after}"
    assert splice_readme(existing, SECTION) == f"{before}\n{SECTION}\n{after}"


@given(no_markers)
def test_splice_appends_when_markers_are_missing(existing: str) -> None:
    """Without markers the section goes at the end after a blank line; splicing again is a no-op."""
    assume(existing)
    result = splice_readme(existing, SECTION)
    base = existing if existing.endswith("\n") else existing + "\n"
    assert result == base + ("" if base.endswith("\n\n") else "\n") + SECTION + "\n"
    assert splice_readme(result, SECTION) == result


def test_splice_appends_after_a_blank_line_keeping_the_final_newline() -> None:
    """A README without markers gets a blank line, the section and a final newline."""
    assert splice_readme("# Hi\n", SECTION) == f"# Hi\n\n{SECTION}\n"
    assert splice_readme("# Hi", SECTION) == f"# Hi\n\n{SECTION}\n"


@pytest.mark.parametrize("existing", [None, ""])
def test_splice_into_no_readme_gives_just_the_section(existing: str | None) -> None:
    """A missing or empty README becomes the section alone."""
    assert splice_readme(existing, SECTION) == SECTION + "\n"


def test_markers_quoted_in_prose_are_not_markers() -> None:
    """Markers inside a line of prose (as in docs about them) are left alone."""
    existing = f"Between `{START_MARKER}` and `{END_MARKER}`.\n\n{START_MARKER}\nx\n{END_MARKER}\n"
    assert splice_readme(existing, SECTION) == (
        f"Between `{START_MARKER}` and `{END_MARKER}`.\n\n{SECTION}\n"
    )


@pytest.mark.parametrize(
    ("existing", "problem"),
    [
        (f"{END_MARKER}\nx\n{START_MARKER}\n", "the end marker comes before the start marker"),
        (f"{START_MARKER}\n{SECTION}\n", "found 2 start markers and 1 end marker"),
        (f"{START_MARKER}\nx\n", "found 1 start marker and 0 end markers"),
        (f"x\n{END_MARKER}\n", "found 0 start markers and 1 end marker"),
        (f"{SECTION}\n{SECTION}\n", "found 2 start markers and 2 end markers"),
    ],
)  # fmt: skip
def test_malformed_markers_are_a_store_error(existing: str, problem: str) -> None:
    """Markers out of order or repeated stop the run with a message naming README.md and the fix."""
    with pytest.raises(StoreError) as caught:
        splice_readme(existing, SECTION)
    assert caught.value.message == f"README.md: the bot's section markers are malformed: {problem}"
    assert caught.value.fix == (
        f"keep exactly one line {START_MARKER} and, after it, one line {END_MARKER} "
        "(or delete both, and the section is appended at the end)"
    )


# --- topics: sections, contents, numbering --------------------------------------------------

TOPIC_RULES = Rules(
    keywords=("testing", "fuzz*", ("deep learning", "test*")),
    authors=("A. Gotlieb",),
    categories=("cs.SE", "cs.LG"),
    topics=(
        Topic("Fuzzing", ("fuzz*",)),
        Topic("Quantum", ("qubit*",)),
        Topic("Learning", ("deep learning", "machine learning")),
    ),
)
HOSTILE_FUZZER = replace(
    HOSTILE_PAPER,
    id="2504.17951",
    title="Fuzzing *LLMs* <script>x</script> | `code`",
    abstract="We fuzz <b>fuzzers</b> & `fuzz*` $fuzz$ @fuzz :fuzz: fuzz_ing\n\n</details> fuzzing.",
)


def sectioned_day(rules: Rules = TOPIC_RULES) -> DayList:
    """Real papers and a hostile one, matched and ranked by the real rules, with topics."""
    matcher = Matcher(rules)
    matches = [(p, hits) for p in [*fixture_papers(), HOSTILE_FUZZER] if (hits := matcher.match(p))]
    return DayList(SLUG, "Testing Papers", DAY, rules, rank(matches, rules))


def outline(text: str) -> list[tuple[str, list[int]]]:
    """Each section heading of a page with the entry numbers under it, in page order."""
    found: list[tuple[str, list[int]]] = []
    for node in render(text).children:
        if isinstance(node, Node) and node.tag == "h2":
            found.append((node.text(), []))
        elif isinstance(node, Node) and node.tag == "ol" and found:
            start = int(node.attrs.get("start") or 1)
            count = len([child for child in node.children if isinstance(child, Node)])
            found[-1][1].extend(range(start, start + count))
    return found


def contents(text: str) -> list[tuple[str, str | None]]:
    """The table of contents of a page: each line's text and its link (None when unlinked)."""
    lists = render(text).find_all("ul")
    assert len(lists) == 1
    lines = [child for child in lists[0].children if isinstance(child, Node)]
    return [
        (line.text(), (line.find_all("a") or [Node("a", {"href": None})])[0].attrs["href"])
        for line in lines
    ]


def anchors(text: str) -> dict[str, str]:
    """Each explicit anchor of a page (`<a name>`) and the heading it sits in."""
    found: dict[str, str] = {}
    for heading in render(text).find_all("h2"):
        for anchor in heading.find_all("a"):
            name = anchor.attrs.get("name")
            assert name is not None and name not in found
            found[name] = heading.text()
    return found


def test_golden_sectioned_day_page() -> None:
    """A day page with topics (contents, sections, highlighted keywords) matches its golden file."""
    pages = RENDERER.day_pages(sectioned_day(), previous=date(2025, 4, 24))
    assert list(pages) == [layout.day_page(SLUG, DAY)]
    check_golden("day_sections.md", pages[layout.day_page(SLUG, DAY)])


def test_sections_follow_the_topics_with_contents_linking_each_start() -> None:
    """Sections come in the configured order then Other, empty ones left out; the contents
    link each section's anchor, with its count; numbers run on across the sections."""
    day = sectioned_day()
    text = RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)]
    by_topic = {name: [e for e in day.entries if e.topic == topic] for name, topic in
                [("Fuzzing", "Fuzzing"), ("Learning", "Learning"), ("Other", None)]}  # fmt: skip
    assert [len(items) for items in by_topic.values()] == [2, 2, 6]
    assert contents(text) == [
        ("Fuzzing · 2 papers", "#topic-fuzzing"),
        ("Learning · 2 papers", "#topic-learning"),
        ("Other · 6 papers", "#topic-other"),
    ]
    assert anchors(text) == {
        "topic-fuzzing": "Fuzzing",
        "topic-learning": "Learning",
        "topic-other": "Other",
    }
    assert outline(text) == [
        ("Fuzzing", [1, 2]),
        ("Learning", [3, 4]),
        ("Other", [5, 6, 7, 8, 9, 10]),
    ]
    shown = [e.paper.id for items in by_topic.values() for e in items]
    assert re.findall(r"`arXiv:([^`]+)`", text) == shown
    assert "**Topics:** Fuzzing (`fuzz*`) · Quantum (`qubit*`) · Learning " in text


def test_each_section_keeps_the_day_order_by_relevance_or_time() -> None:
    """Within a section entries keep the list's order: relevance, or newest with `sort`."""
    for sort in ("relevance", "newest"):
        day = sectioned_day(replace(TOPIC_RULES, sort=sort))  # type: ignore[arg-type]
        text = RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)]
        ids = re.findall(r"`arXiv:([^`]+)`", text)
        for topic in ("Fuzzing", "Learning", None):
            in_day = [e.paper.id for e in day.entries if e.topic == topic]
            assert [i for i in ids if i in in_day] == in_day
        scores = [e.score for e in day.entries]
        times = [e.paper.published for e in day.entries]
        if sort == "newest":
            assert times == sorted(times, reverse=True)
        else:
            assert scores == sorted(scores, reverse=True)


def test_a_list_without_topics_has_no_contents_and_no_sections() -> None:
    """Without topics the page is one flat list, as before."""
    text = RENDERER.day_pages(golden_day())[layout.day_page(SLUG, DAY)]
    root = render(text)
    assert root.find_all("h2") == [] and root.find_all("ul") == []
    assert "Contents" not in text and len(root.find_all("ol")) == 1


def topic_day(sizes: dict[str, int], *, abstract: str = "An abstract.") -> DayList:
    """A day of `sizes[topic]` entries per topic (None: Other), listed in that order."""
    topics = tuple(Topic(name, (name.lower(),)) for name in sizes if name != "Other")
    entries: list[Entry] = []
    for name, size in sizes.items():
        topic = None if name == "Other" else name
        for _ in range(size):
            number = len(entries) + 1
            item = paper(number, abstract=abstract)
            entries.append(Entry(item, (Hit("testing", ("title",)),), 100, topic))
    return DayList(
        SLUG, "Testing Papers", DAY, Rules(keywords=("x",), topics=topics), tuple(entries)
    )


def test_a_section_continues_on_the_next_page_and_contents_link_across_pages() -> None:
    """Past 500 entries a section continues on page 2 under "(continued)"; every page's
    contents link the page where each section starts, and the numbers run on."""
    pages = RENDERER.day_pages(topic_day({"Alpha": 300, "Beta": 250, "Gamma": 50}))
    first, second = layout.day_page(SLUG, DAY), layout.day_page(SLUG, DAY, 2)
    assert list(pages) == [first, second]
    assert outline(pages[first]) == [
        ("Alpha", list(range(1, 301))),
        ("Beta", list(range(301, 501))),
    ]
    assert outline(pages[second]) == [
        ("Beta (continued)", list(range(501, 551))),
        ("Gamma", list(range(551, 601))),
    ]
    assert anchors(pages[first]) == {"topic-alpha": "Alpha", "topic-beta": "Beta"}
    assert anchors(pages[second]) == {"topic-gamma": "Gamma"}
    assert contents(pages[first]) == [
        ("Alpha · 300 papers", "#topic-alpha"),
        ("Beta · 250 papers", "#topic-beta"),
        ("Gamma · 50 papers", "pages/04/2025-04-27-2.md#topic-gamma"),
    ]
    assert contents(pages[second]) == [
        ("Alpha · 300 papers", "../../2025-04-27.md#topic-alpha"),
        ("Beta · 250 papers", "../../2025-04-27.md#topic-beta"),
        ("Gamma · 50 papers", "#topic-gamma"),
    ]
    for source, text in pages.items():
        for _, href in contents(text):
            assert href is not None
            target, name = href.split("#")
            page = resolve(source, target) if target else source
            assert name in anchors(pages[page])


def test_sectioned_pages_stay_within_400_kb() -> None:
    """With contents on every page and sections across pages, no page passes 400 KB."""
    abstract = "Long abstract words. " * 150
    pages = RENDERER.day_pages(
        topic_day({"Alpha": 100, "Beta": 150, "Other": 50}, abstract=abstract)
    )
    sizes = [len(text.encode("utf-8")) for text in pages.values()]
    assert len(pages) == 3
    assert all(size <= MAX_PAGE_BYTES for size in sizes)
    assert all(size > MAX_PAGE_BYTES - 4_000 for size in sizes[:-1])
    assert [n for text in pages.values() for n in numbers(text)] == list(range(1, 301))


def test_max_papers_shows_the_days_first_papers_in_their_sections() -> None:
    """max_papers picks the day's first entries (its order), then groups them; the contents
    say how many of each section are not shown, and link no section left out entirely."""
    day = topic_day({"Alpha": 4, "Beta": 3, "Other": 3})
    # The day's order mixes the topics: Alpha (4), Beta (5), Alpha (1), Other (8), ...
    order = [3, 4, 0, 7, 1, 5, 8, 2, 6, 9]
    day = replace(day, entries=tuple(day.entries[i] for i in order))
    text = RENDERER.day_pages(day, max_papers=3)[layout.day_page(SLUG, DAY)]
    assert outline(text) == [("Alpha", [1, 2]), ("Beta", [3])]
    assert re.findall(r"`arXiv:([^`]+)`", text) == ["2504.00004", "2504.00001", "2504.00005"]
    assert contents(text) == [
        ("Alpha · 4 papers (2 not shown)", "#topic-alpha"),
        ("Beta · 3 papers (2 not shown)", "#topic-beta"),
        ("Other · 3 papers (3 not shown)", None),
    ]
    assert "7 more of the day's 10 papers are in" in text


def test_section_anchors_are_unique_and_need_no_ascii_in_the_name() -> None:
    """Names with the same slug, or none, still get distinct anchors that the contents use."""
    day = topic_day({"C++": 1, "C": 1, "模糊测试": 1, "Other": 1})
    text = RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)]
    assert anchors(text) == {
        "topic-c": "C++",
        "topic-c-2": "C",
        "topic-3": "模糊测试",
        "topic-other": "Other",
    }
    assert [href for _, href in contents(text)] == [f"#{name}" for name in anchors(text)]


# --- keywords in bold in the abstract -------------------------------------------------------


def test_matched_keywords_are_bold_in_the_abstract_and_nothing_else_changes() -> None:
    """Each keyword that hit the abstract is in <b> there, on the original characters; the
    rest of the abstract reads exactly as before, and titles get no bold."""
    day = sectioned_day()
    text = RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)]
    [entry] = [item for item in items_of(text) if "2504.17951" in item.text()]
    details = entry.find_all("details")[0]
    assert [tag for tag in details.tags() if tag != "b"] == ["summary"]
    assert [visible(b.text()) for b in details.find_all("b")] == [
        "fuzz", "fuzzers", "fuzz", "fuzz", "fuzz", "fuzz", "fuzz", "fuzzing",
    ]  # fmt: skip
    assert visible(details.text()) == "Abstract" + clean(HOSTILE_FUZZER.abstract)
    assert entry.find_all("p")[0].find_all("b") == []


def items_of(text: str) -> list[Node]:
    """Every entry (list item) of a page, whatever section it is in."""
    return [
        child
        for ol in render(text).find_all("ol")
        for child in ol.children
        if isinstance(child, Node)
    ]


VOCABULARY = ["LLM", "fuzz*", "large language model", "C++", "<b>", "@a", "$x$", "e\u0301t\u00e9"]


@given(
    st.lists(st.sampled_from(VOCABULARY) | hostile, min_size=1, max_size=12).map(" ".join),
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4, unique=True),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_bold_is_the_only_markup_added_and_covers_exactly_the_keywords(
    abstract: str, keywords: list[str]
) -> None:
    """Over hostile abstracts, GitHub sees the template's own tags plus <b> inside the fold
    only, around exactly the matched keywords' characters, and the abstract reads verbatim."""
    rules = Rules(keywords=tuple(keywords))
    hits = Matcher(rules).match(replace(paper(1), title="", abstract=abstract))
    assume(hits is not None)
    assert hits is not None
    day = replace(day_of(0), rules=rules, entries=(Entry(paper(1, abstract=abstract), hits, 0),))
    text = RENDERER.day_pages(day)[layout.day_page(SLUG, DAY)]
    # The same page with the hits moved to the title: no bold in the abstract.
    moved = tuple(Hit(hit.keyword, ("title",)) for hit in hits)
    plain_day = replace(day, entries=(Entry(paper(1, abstract=abstract), moved, 0),))
    plain = RENDERER.day_pages(plain_day)[layout.day_page(SLUG, DAY)]
    root = render(text)
    details = root.find_all("details")[0]
    bold = [visible(b.text()) for b in details.find_all("b")]
    assert [tag for tag in root.tags() if tag != "b"] == render(plain).tags()
    assert len(root.find_all("b")) == len(bold)
    assert visible(details.text()) == "Abstract" + visible(clean(abstract))
    spans = keyword_spans([k for k in keywords if any(h.keyword == k for h in hits)], abstract)
    assert "".join(bold) == "".join(visible(clean(abstract[a:b])) for a, b in spans)
    assert all(bold) and len(bold) <= len(spans)


@given(
    start=st.integers(0, 5),
    length=st.integers(0, 600),
    steps=st.lists(st.integers(0, 6000), min_size=1, max_size=80),
    base=st.integers(0, 4000),
    limit=st.integers(0, 500_000),
)
def test_the_page_split_finds_the_largest_page_that_fits(
    start: int, length: int, steps: list[int], base: int, limit: int
) -> None:
    """Whatever the entries' sizes, the guided search ends where a scan of every end would:
    the largest end whose page fits, at least one entry, never past `high`."""
    high = start + length
    sizes = [base]
    for index in range(length + 1):
        sizes.append(sizes[-1] + steps[index % len(steps)])

    def size(end: int) -> int:
        assert start < end <= high
        return sizes[end - start]

    fitting = [end for end in range(start + 1, high + 1) if size(end) <= limit]
    expected = high if high <= start + 1 else max(fitting, default=start + 1)
    assert _largest_fitting(start, high, size, limit) == expected
