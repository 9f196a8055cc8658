"""Markdown views from stored days: day pages, archives and the README section (pure).

Python turns values into a plain view model (frozen dataclasses of strings and numbers, links
already made relative with `layout.link`); the jinja2 templates in `templates/` decide the
look. Escaping is explicit, through filters: `md` (Markdown inline text), `html` (text in the
`<details>` block), `code` (a code span) and `href` (a link destination). A user's folder of
templates (config `templates:`) is searched first, file by file, then the shipped one.

Nothing here reads a clock or writes a file: the same days always give the same bytes.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import quote

import jinja2

from bot import layout
from bot.badges import badge_url
from bot.errors import ConfigError, StoreError
from bot.models import DayList, Entry, Rules, keyword_label
from bot.text import clean, code_span, code_url, html_text, md_inline

MAX_PAGE_ENTRIES = 500
"""Entries on one day page at most; more continue on `pages/<date>-2.md`, … (DESIGN "Size")."""
MAX_PAGE_BYTES = 400_000
"""UTF-8 bytes of one day page at most (400 KB, well under what GitHub shows of a file)."""
ARCHIVE_DAYS = 90
"""The list archive shows the days within this many days of its newest day."""
README_TOP = 10
"""Entries per list in the README section at most (DESIGN "Size")."""
START_MARKER = "<!-- arxiv-bot:start -->"
END_MARKER = "<!-- arxiv-bot:end -->"

DAY_TEMPLATE = "day.md.j2"
ARCHIVE_TEMPLATE = "archive.md.j2"
YEAR_TEMPLATE = "year.md.j2"
README_TEMPLATE = "readme_section.md.j2"

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


# --- options and inputs -----------------------------------------------------------------------


@dataclass(frozen=True)
class RenderOptions:
    """The config settings that change how pages look."""

    title: str = "Awesome daily arXiv"
    abstracts: Literal["folded", "open"] = "folded"
    max_authors: int = 6
    template_dir: Path | None = None
    """A folder whose templates replace the shipped ones of the same name (absolute path)."""


@dataclass(frozen=True)
class DaySummary:
    """What the archives and the README need about one stored day."""

    date: date
    count: int
    top: tuple[Entry, ...] = ()
    """The first entries of the day (up to `README_TOP`), in the day's order."""


# --- the view model: what templates see -------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Badge:
    alt: str
    url: str


@dataclass(frozen=True)
class MatchView:
    keyword: str
    where: tuple[str, ...]


@dataclass(frozen=True)
class EntryView:
    """One paper on a day page; text fields are raw (the template escapes them)."""

    number: int
    id: str
    version: int
    title: str
    abs_url: str
    pdf_url: str
    code_url: str | None
    doi_url: str | None
    primary_category: str
    categories: tuple[str, ...]
    authors: tuple[str, ...]
    more_authors: int
    comment: str | None
    journal_ref: str | None
    matched: tuple[MatchView, ...]
    followed: tuple[str, ...]
    abstract: str
    published: str
    updated: str
    topic: str | None


@dataclass(frozen=True)
class RulesView:
    keywords: tuple[str, ...]
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class DayNav:
    previous: Link | None
    following: Link | None
    archive: str
    year: Link
    data: Link
    home: str


@dataclass(frozen=True)
class PageNav:
    number: int
    count: int
    first: str | None
    previous: str | None
    following: str | None


@dataclass(frozen=True)
class More:
    """Entries the page leaves out because of `max_papers` (all of them are in the JSON)."""

    count: int
    total: int
    data: Link


@dataclass(frozen=True)
class DayLink:
    date: str
    href: str
    count: int


@dataclass(frozen=True)
class MonthView:
    label: str
    days: tuple[DayLink, ...]


@dataclass(frozen=True)
class YearLink:
    year: int
    href: str
    days: int
    papers: int


@dataclass(frozen=True)
class ReadmeEntry:
    title: str
    abs_url: str
    id: str


@dataclass(frozen=True)
class ReadmeLatest:
    date: str
    href: str
    count: int
    entries: tuple[ReadmeEntry, ...]
    more: int


@dataclass(frozen=True)
class ReadmeList:
    name: str
    archive: str
    latest: ReadmeLatest | None


# --- templates ----------------------------------------------------------------------------


def shipped_templates_dir() -> Traversable:
    """The shipped templates: package `bot.templates` when installed, else `templates/` here."""
    try:
        return importlib.resources.files("bot.templates")
    except ModuleNotFoundError:
        return _SOURCE_TEMPLATES


class _ResourceLoader(jinja2.BaseLoader):
    """Loads templates from a `Traversable` (a folder, or a package installed in any form)."""

    def __init__(self, root: Traversable) -> None:
        self.root = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        resource = self.root.joinpath(template)
        if "/" in template or "\\" in template or not resource.is_file():
            raise jinja2.TemplateNotFound(template)
        return resource.read_text(encoding="utf-8"), str(resource), lambda: True


def href(url: str) -> str:
    """`url` safe as a Markdown link destination: spaces, brackets, `<>` and `\\` encoded."""
    return quote(url, safe="/:?#@!$&'*+,;=%~")


def _environment(template_dir: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        loaders.append(jinja2.FileSystemLoader(template_dir, encoding="utf-8"))
    loaders.append(_ResourceLoader(shipped_templates_dir()))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - Markdown, not HTML: the filters escape explicitly
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(md=md_inline, html=html_text, code=code_span, href=href)
    return environment


def _template_location(error: BaseException) -> tuple[str, int | None]:
    """The template file and line an error arose in, from jinja's rewritten traceback."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return error.filename or error.name or "template", error.lineno
    found: tuple[str, int | None] = ("template", None)
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, trace.tb_lineno)
        trace = trace.tb_next
    return found


# --- pure helpers -------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _month_label(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


def _rules_view(rules: Rules) -> RulesView:
    return RulesView(
        keywords=tuple(keyword_label(keyword) for keyword in rules.keywords),
        authors=rules.authors,
        categories=rules.categories,
        exclude=tuple(keyword_label(keyword) for keyword in rules.exclude),
    )


def _months(days: Iterable[DaySummary], source: PurePosixPath, slug: str) -> tuple[MonthView, ...]:
    """Days grouped by month, newest month and newest day first, linked from `source`."""
    groups: dict[tuple[int, int], list[DayLink]] = {}
    for day in sorted(days, key=lambda summary: summary.date, reverse=True):
        link = DayLink(
            date=day.date.isoformat(),
            href=layout.link(source, layout.day_page(slug, day.date)),
            count=day.count,
        )
        groups.setdefault((day.date.year, day.date.month), []).append(link)
    return tuple(
        MonthView(label=_month_label(date(year, month, 1)), days=tuple(links))
        for (year, month), links in groups.items()
    )


# --- the renderer -------------------------------------------------------------------------


class Renderer:
    """Renders the views of stored days with the shipped (or the user's) templates."""

    def __init__(self, options: RenderOptions) -> None:
        self.options = options
        self.environment = _environment(options.template_dir)

    def _render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return self.environment.get_template(name).render(context)
        except jinja2.TemplateNotFound as error:
            raise ConfigError(
                f"no template named {error.name!r}",
                file=str(self.options.template_dir or shipped_templates_dir()),
                key="templates",
                fix="restore the shipped templates (reinstall the bot) or add the file",
            ) from error
        except jinja2.TemplateError as error:
            file, line = _template_location(error)
            raise ConfigError(
                error.message or type(error).__name__,
                file=file,
                line=line,
                fix="fix the template, or delete it to use the shipped one",
            ) from error

    # --- day pages ---

    def _entry_view(self, entry: Entry, number: int) -> EntryView:
        paper = entry.paper
        # Text that shows as nothing (blank, control characters) is left out, so that no
        # template wraps emphasis or a line around an empty string.
        authors = tuple(name for name in paper.authors if clean(name))
        shown = authors[: self.options.max_authors]
        hits = [hit for hit in entry.hits if clean(hit.keyword)]
        return EntryView(
            number=number,
            id=paper.id,
            version=paper.version,
            title=paper.title,
            abs_url=paper.abs_url,
            pdf_url=paper.pdf_url,
            code_url=code_url(paper.abstract, paper.comment),
            doi_url=f"https://doi.org/{paper.doi}" if paper.doi and clean(paper.doi) else None,
            primary_category=paper.primary_category,
            categories=paper.categories,
            authors=shown,
            more_authors=len(authors) - len(shown),
            comment=paper.comment if paper.comment and clean(paper.comment) else None,
            journal_ref=paper.journal_ref
            if paper.journal_ref and clean(paper.journal_ref)
            else None,
            matched=tuple(
                MatchView(keyword=hit.keyword, where=hit.where)
                for hit in hits
                if "authors" not in hit.where
            ),
            followed=tuple(hit.keyword for hit in hits if "authors" in hit.where),
            abstract=paper.abstract,
            published=paper.published.date().isoformat(),
            updated=paper.updated.date().isoformat(),
            topic=entry.topic,
        )

    def _day_context(
        self,
        day: DayList,
        entries: Sequence[EntryView],
        *,
        page: PageNav,
        more: More | None,
        previous: date | None,
        following: date | None,
    ) -> dict[str, Any]:
        source = layout.day_page(day.slug, day.date, page.number)
        categories = ", ".join(day.rules.categories) or "any"
        data = layout.day_json(day.slug, day.date)

        def day_link(other: date | None, text: str) -> Link | None:
            if other is None:
                return None
            return Link(text=text, href=layout.link(source, layout.day_page(day.slug, other)))

        return {
            "title": self.options.title,
            "name": day.name,
            "slug": day.slug,
            "date": day.date.isoformat(),
            "count": len(day.entries),
            "badges": (
                Badge(
                    alt=f"papers: {len(day.entries)}",
                    url=badge_url("papers", str(len(day.entries)), "2688EB"),
                ),
                Badge(
                    alt=f"date: {day.date.isoformat()}",
                    url=badge_url("date", day.date.isoformat(), "blue"),
                ),
                Badge(
                    alt=f"categories: {categories}",
                    url=badge_url("categories", categories, "orange"),
                ),
            ),
            "rules": _rules_view(day.rules),
            "nav": DayNav(
                previous=day_link(previous, previous.isoformat() if previous else ""),
                following=day_link(following, following.isoformat() if following else ""),
                archive=layout.link(source, layout.list_archive(day.slug)),
                year=Link(
                    text=str(day.date.year),
                    href=layout.link(source, layout.year_archive(day.slug, day.date.year)),
                ),
                data=Link(text=data.name, href=layout.link(source, data)),
                home=layout.link(source, layout.README),
            ),
            "page": page,
            "entries": tuple(entries),
            "more": more,
            "abstracts_open": self.options.abstracts == "open",
        }

    def day_pages(
        self,
        day: DayList,
        *,
        max_papers: int | None = None,
        previous: date | None = None,
        following: date | None = None,
    ) -> dict[PurePosixPath, str]:
        """The day's Markdown pages by path, page 1 first.

        A page holds at most `MAX_PAGE_ENTRIES` entries and `MAX_PAGE_BYTES` bytes; the rest
        continues on further pages. With `max_papers`, there is only the first page: it shows
        at most that many entries and says how many more the day's JSON holds.
        """
        views = [self._entry_view(entry, number) for number, entry in enumerate(day.entries, 1)]
        total = len(views)
        slug, when = day.slug, day.date

        def page_nav(number: int, count: int) -> PageNav:
            source = layout.day_page(slug, when, number)

            def to(other: int) -> str:
                return layout.link(source, layout.day_page(slug, when, other))

            return PageNav(
                number=number,
                count=count,
                first=to(1) if number > 1 else None,
                previous=to(number - 1) if number > 1 else None,
                following=to(number + 1) if number < count else None,
            )

        def more(shown: int) -> More | None:
            if max_papers is None or shown >= total:
                return None
            data = layout.day_json(slug, when)
            source = layout.day_page(slug, when)
            return More(
                count=total - shown,
                total=total,
                data=Link(text=data.name, href=layout.link(source, data)),
            )

        def text(start: int, end: int, page: PageNav, note: More | None) -> str:
            context = self._day_context(
                day, views[start:end], page=page, more=note, previous=previous, following=following
            )
            return self._render(DAY_TEMPLATE, context)

        # Measure with upper bounds (page count and hidden count as wide as `total`, a link to
        # a next page), so the final page, with its real numbers, is never larger.
        def fits(number: int, start: int, end: int) -> bool:
            probe = text(start, end, page_nav(number, max(total, 2)), more(0))
            return len(probe.encode("utf-8")) <= MAX_PAGE_BYTES

        cap = MAX_PAGE_ENTRIES if max_papers is None else min(max_papers, MAX_PAGE_ENTRIES)
        bounds: list[tuple[int, int]] = []
        start = 0
        while start < total or not bounds:
            number = len(bounds) + 1
            end = _largest_fitting(start, min(total, start + cap), partial(fits, number, start))
            bounds.append((start, end))
            start = end
            if max_papers is not None:
                break

        count = len(bounds)
        pages: dict[PurePosixPath, str] = {}
        for index, (first, end) in enumerate(bounds):
            number = index + 1
            note = more(end) if number == 1 else None
            pages[layout.day_page(slug, when, number)] = text(
                first, end, page_nav(number, count), note
            )
        return pages

    # --- archives ---

    def archives(
        self, slug: str, name: str, days: Sequence[DaySummary]
    ) -> dict[PurePosixPath, str]:
        """The list's archive (the last `ARCHIVE_DAYS` days, every year) and each year's page."""
        by_date = {day.date: day for day in days}
        ordered = [by_date[when] for when in sorted(by_date, reverse=True)]
        years: dict[int, list[DaySummary]] = {}
        for day in ordered:
            years.setdefault(day.date.year, []).append(day)

        archive = layout.list_archive(slug)
        recent: list[DaySummary] = []
        if ordered:
            newest = ordered[0].date
            recent = [day for day in ordered if newest - day.date < timedelta(days=ARCHIVE_DAYS)]
        year_links = tuple(
            YearLink(
                year=year,
                href=layout.link(archive, layout.year_archive(slug, year)),
                days=len(items),
                papers=sum(day.count for day in items),
            )
            for year, items in years.items()
        )
        pages = {
            archive: self._render(
                ARCHIVE_TEMPLATE,
                {
                    "title": self.options.title,
                    "name": name,
                    "slug": slug,
                    "window": ARCHIVE_DAYS,
                    "months": _months(recent, archive, slug),
                    "years": year_links,
                    "days": len(ordered),
                    "papers": sum(day.count for day in ordered),
                    "first": ordered[-1].date.isoformat() if ordered else None,
                    "last": ordered[0].date.isoformat() if ordered else None,
                    "home": layout.link(archive, layout.README),
                },
            )
        }
        listed = sorted(years)
        for index, year in enumerate(listed):
            path = layout.year_archive(slug, year)

            def year_link(other: int, source: PurePosixPath = path) -> Link:
                return Link(
                    text=str(other), href=layout.link(source, layout.year_archive(slug, other))
                )

            pages[path] = self._render(
                YEAR_TEMPLATE,
                {
                    "title": self.options.title,
                    "name": name,
                    "slug": slug,
                    "year": year,
                    "months": _months(years[year], path, slug),
                    "days": len(years[year]),
                    "papers": sum(day.count for day in years[year]),
                    "archive": layout.link(path, archive),
                    "previous": year_link(listed[index - 1]) if index > 0 else None,
                    "following": year_link(listed[index + 1]) if index + 1 < len(listed) else None,
                    "home": layout.link(path, layout.README),
                },
            )
        return pages

    # --- README section ---

    def readme_section(self, lists: Sequence[tuple[str, str, DaySummary | None]]) -> str:
        """The README section, markers included (a blank line before the end marker, none after)."""
        source = layout.README
        views: list[ReadmeList] = []
        for slug, name, latest in lists:
            latest_view = None
            if latest is not None:
                top = latest.top[:README_TOP]
                latest_view = ReadmeLatest(
                    date=latest.date.isoformat(),
                    href=layout.link(source, layout.day_page(slug, latest.date)),
                    count=latest.count,
                    entries=tuple(
                        ReadmeEntry(title=e.paper.title, abs_url=e.paper.abs_url, id=e.paper.id)
                        for e in top
                    ),
                    more=max(latest.count - len(top), 0),
                )
            views.append(
                ReadmeList(
                    name=name,
                    archive=layout.link(source, layout.list_archive(slug)),
                    latest=latest_view,
                )
            )
        context = {"title": self.options.title, "lists": tuple(views)}
        body = self._render(README_TEMPLATE, context).strip("\n")
        return f"{START_MARKER}\n{body}\n\n{END_MARKER}"


def _largest_fitting(start: int, high: int, fits: Callable[[int], bool]) -> int:
    """The largest `end` in (start, high] with `fits(end)`; at least one entry, at most `high`.

    A page always takes one entry, even one too large on its own, so splitting always ends.
    """
    if high <= start + 1 or fits(high):
        return high
    low, high = start + 1, high - 1  # fits(low) is assumed; fits(high + 1) is false
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


# --- the README -----------------------------------------------------------------------------


def _marker_lines(text: str, marker: str) -> list[tuple[int, int]]:
    pattern = re.compile(rf"^[ \t]*({re.escape(marker)})[ \t\r]*$", re.MULTILINE)
    return [match.span(1) for match in pattern.finditer(text)]


def splice_readme(existing: str | None, section: str) -> str:
    """`existing` with its bot section replaced by `section` (or appended); all else kept.

    The markers count only on lines of their own, so prose that quotes them is left alone.
    """
    if not existing:
        return section + "\n"
    starts = _marker_lines(existing, START_MARKER)
    ends = _marker_lines(existing, END_MARKER)
    if not starts and not ends:
        base = existing if existing.endswith("\n") else existing + "\n"
        gap = "" if base.endswith("\n\n") else "\n"
        return f"{base}{gap}{section}\n"
    if len(starts) == 1 and len(ends) == 1 and starts[0][1] <= ends[0][0]:
        return existing[: starts[0][0]] + section + existing[ends[0][1] :]
    if len(starts) == 1 and len(ends) == 1:
        problem = "the end marker comes before the start marker"
    else:
        problem = (
            f"found {_plural(len(starts), 'start marker')} and {_plural(len(ends), 'end marker')}"
        )
    raise StoreError(
        f"README.md: the bot's section markers are malformed: {problem}",
        fix=(
            f"keep exactly one line {START_MARKER} and, after it, one line {END_MARKER} "
            "(or delete both, and the section is appended at the end)"
        ),
    )


def extract_section(text: str) -> str | None:
    """The bot's section of a README (markers included), or None when it has none."""
    starts = _marker_lines(text, START_MARKER)
    ends = _marker_lines(text, END_MARKER)
    if len(starts) == 1 and len(ends) == 1 and starts[0][1] <= ends[0][0]:
        return text[starts[0][0] : ends[0][1]]
    return None
