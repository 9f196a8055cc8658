"""Markdown views from stored days: day pages, archives, weekly digests and the README section
(pure).

Python turns values into a plain view model (frozen dataclasses of strings and numbers, links
already made relative with `layout.link`); the jinja2 templates in `templates/` decide the
look. Escaping is explicit, through filters: `md` (Markdown inline text), `html` (text in the
`<details>` block), `code` (a code span) and `href` (a link destination). A user's folder of
templates (config `templates:`) is searched first, file by file, then the shipped one.

A page's entries are made by macros of their own templates (`entry.md.j2`, `weekly_entry.md.j2`)
that the page template calls through `entry(e)` and `paper(e)`: each entry is rendered once,
however often its page is laid out while a day or a digest is split to stay under 400 KB.

Nothing here reads a clock or writes a file: the same days always give the same bytes.
"""

from __future__ import annotations

import importlib.resources
import itertools
import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache, partial
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any, Literal, cast
from urllib.parse import quote

import jinja2

from bot import layout
from bot.badges import badge_url
from bot.errors import ConfigError, StoreError
from bot.match import keyword_spans
from bot.models import DayList, Entry, Hit, Keyword, Rules, keyword_label
from bot.rank import Section, sections
from bot.slug import slugify
from bot.text import clean, code_span, code_url, html_marked, html_text, md_inline
from bot.weekly import Listed, Week, WeekKey, WeekSummary, week_label

MAX_PAGE_ENTRIES = 500
"""Entries on one day page at most; more continue on `pages/<MM>/<date>-2.md`, … (DESIGN "Size")."""
MAX_PAGE_BYTES = 400_000
"""UTF-8 bytes of one day page at most (400 KB, well under what GitHub shows of a file)."""
ARCHIVE_DAYS = 90
"""The list archive shows the days within this many days of its newest day."""
README_TOP = 10
"""Entries per list in the README section at most (DESIGN "Size")."""
_KEPT_VIEWS = 10_000
"""Entry views a renderer keeps for the next page that shows the same entries (a digest
after the day pages), at most: some 25 MB with their abstracts escaped."""
_KEPT_MATCH_VIEWS = 1_000
"""Views of keyword hits a renderer keeps, at most (a list has a few keywords, each in one of
three places)."""
_FILTER_CACHE = 1 << 15
"""Texts each filter of a renderer remembers (the most recently used)."""
START_MARKER = "<!-- arxiv-bot:start -->"
END_MARKER = "<!-- arxiv-bot:end -->"

DAY_TEMPLATE = "day.md.j2"
ENTRY_TEMPLATE = "entry.md.j2"
ARCHIVE_TEMPLATE = "archive.md.j2"
YEAR_TEMPLATE = "year.md.j2"
README_TEMPLATE = "readme_section.md.j2"
WEEKLY_TEMPLATE = "weekly.md.j2"
WEEKLY_ENTRY_TEMPLATE = "weekly_entry.md.j2"

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
    marked: tuple[Keyword, ...] = ()
    """The keywords shown in bold in `abstract_html`: the day's keywords that hit the abstract."""

    @cached_property
    def abstract_html(self) -> str:
        """The abstract escaped as `html_text` does, the matched keywords in <b>…</b>.

        Made when a template first asks for it (a weekly digest too long for abstracts never
        does), then kept.
        """
        return html_marked(self.abstract, keyword_spans(self.marked, self.abstract))

    def renumbered(self, number: int) -> EntryView:
        """The same entry under another number (and its abstract, if made, not made again)."""
        view = replace(self, number=number)
        if "abstract_html" in self.__dict__:  # where cached_property keeps what it made
            view.__dict__["abstract_html"] = self.__dict__["abstract_html"]
        return view


@dataclass(frozen=True)
class SectionView:
    """The part of one topic's section on a page (a section may continue on the next page)."""

    name: str
    anchor: str | None
    """The id of the section's start (None on the pages it continues on)."""
    continued: bool
    entries: tuple[EntryView, ...]


@dataclass(frozen=True)
class ContentsItem:
    """One line of a day page's table of contents."""

    name: str
    href: str | None
    """Where the section starts (None when `max_papers` leaves all of it out)."""
    count: int
    hidden: int
    """The section's entries that `max_papers` leaves off the page."""


@dataclass(frozen=True)
class TopicView:
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class RulesView:
    keywords: tuple[str, ...]
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    exclude: tuple[str, ...]
    topics: tuple[TopicView, ...] = ()
    sort: str = "relevance"


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
    week: WeekLink | None = None
    """The list's newest weekly digest."""
    feed: str | None = None
    """The list's Atom feed (None while the list has no day)."""


@dataclass(frozen=True)
class WeekLink:
    """A weekly digest as an archive page or the README links it."""

    label: str
    href: str
    dates: str
    count: int
    so_far: bool


@dataclass(frozen=True)
class Image:
    alt: str
    href: str


@dataclass(frozen=True)
class WeekNav:
    previous: Link | None
    following: Link | None
    archive: str
    feed: str
    home: str


@dataclass(frozen=True)
class WeeklyPaper:
    """A paper of a weekly digest: its entry as a day page shows it, and that day's page."""

    number: int
    view: EntryView
    day: Link


@dataclass(frozen=True)
class WeeklyGroup:
    """One topic of a weekly digest (the whole week for a list without topics)."""

    number: int
    name: str
    anchor: str
    count: int
    more: int
    """Papers of the group the page leaves out to stay small (they are on the day pages)."""
    entries: tuple[WeeklyPaper, ...]


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
    if _HREF_SAFE.fullmatch(url):
        return url  # what quote() gives back unchanged, found in one scan
    return quote(url, safe=_HREF_SAFE_PUNCTUATION)


_HREF_SAFE_PUNCTUATION = "/:?#@!$&'*+,;=%~"
_HREF_SAFE = re.compile(f"[A-Za-z0-9_.~{re.escape(_HREF_SAFE_PUNCTUATION)}-]*")


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
    # A page repeats much of its text (keywords, categories, the same names and titles on the
    # day page and again in the weekly digest): each filter remembers what it made.
    environment.filters.update(
        {
            name: lru_cache(maxsize=_FILTER_CACHE)(escaper)
            for name, escaper in (
                ("md", md_inline),
                ("html", html_text),
                ("code", code_span),
                ("href", href),
            )
        }
    )
    return environment


class _Rendered:
    """What `entry(e)` and `paper(e)` call in a page: macro `macro` of template `name` (its
    module made with `context`), called once per item (by id(), the items kept alive here)."""

    def __init__(
        self, renderer: Renderer, name: str, macro: str, context: Mapping[str, Any]
    ) -> None:
        self._renderer = renderer
        self._name = name
        self._macro_name = macro
        self._context = context
        self._macro: Callable[[object], str] | None = None
        self._made: dict[int, tuple[object, str]] = {}
        """The item and its text, by id() of the item."""
        self._sizes: dict[int, tuple[str, int | None]] = {}
        """Each text made and (once measured) its UTF-8 size, by id() of the text: a page
        yields an item's text as one chunk, the same object each time it is laid out."""

    @property
    def text(self) -> Callable[[object], str]:
        """What a page calls for an item's text: a plain function, which Jinja calls at half
        the cost of a callable object (on which it looks up a marker through `__call__`).

        Made anew for each page's context, so that the function holds this object and never
        the other way round: kept on the object, it would make a reference cycle, which keeps
        every text made alive until the collector's rare full pass (after a run, with the
        collector set for batch work): 120 MB more at the peak of a run of 100,000 papers."""

        def text(item: object) -> str:
            return self._entry(item)[1]

        return text

    @property
    def used(self) -> bool:
        """True once a page called it: then a page grows by the size of each entry's text."""
        return bool(self._made)

    def size(self, item: object) -> int:
        """The UTF-8 bytes of the item's text."""
        return self.chunk_size(self._entry(item)[1])

    def chunk_size(self, chunk: str) -> int:
        """The UTF-8 bytes of a chunk of a page: an item's text is measured once, however
        often the page is laid out; any other chunk each time."""
        found = self._sizes.get(id(chunk))
        if found is not None and found[0] is chunk and found[1] is not None:
            return found[1]
        size = len(chunk) if chunk.isascii() else len(chunk.encode("utf-8"))
        if found is not None and found[0] is chunk:
            self._sizes[id(chunk)] = (chunk, size)
        return size

    def _entry(self, item: object) -> tuple[object, str]:
        found = self._made.get(id(item))
        if found is None:
            environment = self._renderer.environment
            with self._renderer._reported():
                macro = self._macro or self._load()
                try:
                    text = macro(item)
                except Exception:  # as render() does: re-raised, its traceback at the template
                    environment.handle_exception()
            found = self._made[id(item)] = (item, text)
            self._sizes[id(text)] = (text, None)
        return found

    def _load(self) -> Callable[[object], str]:
        """The macro (a macro's call is cheaper than a template's render: no new context, and
        its text collected in a list, where a template yields it piece by piece)."""
        environment = self._renderer.environment
        template = environment.get_template(self._name)
        try:
            module = template.make_module(dict(self._context))
        except Exception:
            environment.handle_exception()
        macro = getattr(module, self._macro_name, None)
        if not isinstance(macro, jinja2.runtime.Macro):
            raise ConfigError(
                f"no macro {self._macro_name!r} in the template",
                file=template.filename or self._name,
                key="templates",
                fix=(
                    f"define it: {{% macro {self._macro_name}(e) %}}…{{% endmacro %}}, "
                    "or delete the file to use the shipped one"
                ),
            )
        self._macro = cast(Callable[[object], str], macro)
        return self._macro


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


_DASH = "\N{EN DASH}"


def _date_range(start: date, end: date) -> str:
    """A week's dates as people write them, with an en dash: `16-22 November 2026`,
    `27 April - 3 May 2026`, `28 December 2026 - 3 January 2027`."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{_DASH}{end.day} {_month_label(end)}"
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} {_DASH} {end.day} {_month_label(end)}"
    return f"{start.day} {_month_label(start)} {_DASH} {end.day} {_month_label(end)}"


def _week_link(source: PurePosixPath, slug: str, week: WeekSummary) -> WeekLink:
    return WeekLink(
        label=week.label,
        href=layout.link(source, layout.weekly(slug, *week.key)),
        dates=_date_range(week.start, week.end),
        count=week.count,
        so_far=week.so_far,
    )


def _rules_view(rules: Rules) -> RulesView:
    return RulesView(
        keywords=tuple(keyword_label(keyword) for keyword in rules.keywords),
        authors=rules.authors,
        categories=rules.categories,
        exclude=tuple(keyword_label(keyword) for keyword in rules.exclude),
        topics=tuple(
            TopicView(topic.name, tuple(keyword_label(keyword) for keyword in topic.keywords))
            for topic in rules.topics
        ),
        sort=rules.sort,
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
        self._views: OrderedDict[int, tuple[Entry, EntryView]] = OrderedDict()
        """The views made last, by id() of their entry (kept alive here): a weekly digest shows
        the entries of the day pages rendered just before it."""
        self._match_views: dict[tuple[str, tuple[str, ...]], MatchView] = {}

    def _render(self, name: str, context: Mapping[str, Any]) -> str:
        with self._reported():
            return self.environment.get_template(name).render(context)

    def _render_within(
        self, name: str, context: Mapping[str, Any], limit: int, items: _Rendered
    ) -> str | None:
        """What `_render` gives when it is at most `limit` UTF-8 bytes; None as soon as the text
        made so far is longer (the rest of the page, and the entries on it, are never made).
        `items` is what the page calls for its entries (it knows their sizes)."""
        size = 0
        chunks: list[str] = []
        with self._reported():
            for chunk in self.environment.get_template(name).generate(context):
                size += items.chunk_size(chunk)
                if size > limit:
                    return None
                chunks.append(chunk)
        return "".join(chunks)

    def _render_size(self, name: str, context: Mapping[str, Any], items: _Rendered) -> int:
        """The UTF-8 bytes of what `_render` gives, the page itself never joined (a page is
        measured a few times while it is split; `items` knows its entries' sizes)."""
        with self._reported():
            chunks = self.environment.get_template(name).generate(context)
            return sum(map(items.chunk_size, chunks))

    def _each(self, name: str, macro: str, context: Mapping[str, Any]) -> _Rendered:
        """Macro `macro` of template `name` (made with `context`) for one item at a time, each
        item once: a page template calls it for each of its entries, and a page laid out
        several times while it is split into pages reuses what it made."""
        return _Rendered(self, name, macro, context)

    @contextmanager
    def _reported(self) -> Iterator[None]:
        """A missing or broken template as a ConfigError naming the file and line."""
        try:
            yield
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

    def _entry_view(
        self, entry: Entry, number: int, keywords: Mapping[str, Keyword] | None = None
    ) -> EntryView:
        # The day's keywords (by label) that hit the abstract are the ones shown in bold there.
        known = keywords or {}
        marked = tuple(
            known[hit.keyword]
            for hit in entry.hits
            if "abstract" in hit.where and hit.keyword in known
        )
        kept = self._views.get(id(entry))
        if kept is not None and kept[0] is entry and kept[1].marked == marked:
            return kept[1] if kept[1].number == number else kept[1].renumbered(number)
        view = self._new_view(entry, number, marked)
        if len(self._views) >= _KEPT_VIEWS:
            self._views.popitem(last=False)  # the oldest
        self._views[id(entry)] = (entry, view)
        return view

    def _match_view(self, hit: Hit) -> MatchView:
        """The view of a keyword hit: one object per keyword and places (a day has a few)."""
        found = self._match_views.get((hit.keyword, hit.where))
        if found is None:
            if len(self._match_views) >= _KEPT_MATCH_VIEWS:
                self._match_views.clear()
            found = MatchView(keyword=hit.keyword, where=hit.where)
            self._match_views[hit.keyword, hit.where] = found
        return found

    def _new_view(self, entry: Entry, number: int, marked: tuple[Keyword, ...]) -> EntryView:
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
            matched=tuple(self._match_view(hit) for hit in hits if "authors" not in hit.where),
            followed=tuple(hit.keyword for hit in hits if "authors" in hit.where),
            abstract=paper.abstract,
            published=paper.published.date().isoformat(),
            updated=paper.updated.date().isoformat(),
            topic=entry.topic,
            marked=marked,
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
        parts: Sequence[SectionView] = (),
        contents: Sequence[ContentsItem] = (),
        entry: _Rendered,
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
            "sections": tuple(parts),
            "contents": tuple(contents),
            "more": more,
            "abstracts_open": self.options.abstracts == "open",
            "entry": entry.text,
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
        at most the day's first that many entries (in the day's order) and says how many more
        the day's JSON holds.

        With topics (`Rules.topics`), the entries show section by section (`bot.rank.sections`),
        each page starts with a table of contents linking where each section starts, and the
        numbers run on across sections and pages; a section may continue on the next page.
        """
        total = len(day.entries)
        slug, when = day.slug, day.date
        arranged = _Arrangement.of(day, max_papers)
        keywords = {keyword_label(keyword): keyword for keyword in day.rules.keywords}
        views = [
            self._entry_view(entry, n, keywords) for n, entry in enumerate(arranged.entries, 1)
        ]
        count = len(views)
        entry = self._each(
            ENTRY_TEMPLATE, "entry", {"abstracts_open": self.options.abstracts == "open"}
        )

        def page_nav(number: int, pages: int) -> PageNav:
            source = layout.day_page(slug, when, number)

            def to(other: int) -> str:
                return layout.link(source, layout.day_page(slug, when, other))

            return PageNav(
                number=number,
                count=pages,
                first=to(1) if number > 1 else None,
                previous=to(number - 1) if number > 1 else None,
                following=to(number + 1) if number < pages else None,
            )

        def more(on_pages: int) -> More | None:
            if max_papers is None or on_pages >= total:
                return None
            data = layout.day_json(slug, when)
            source = layout.day_page(slug, when)
            return More(
                count=total - on_pages,
                total=total,
                data=Link(text=data.name, href=layout.link(source, data)),
            )

        def context(
            start: int,
            end: int,
            page: PageNav,
            note: More | None,
            bounds: Sequence[tuple[int, int]] | None,
        ) -> dict[str, Any]:
            return self._day_context(
                day,
                views[start:end],
                page=page,
                more=note,
                previous=previous,
                following=following,
                parts=arranged.parts(views, start, end),
                contents=arranged.contents(day, page.number, bounds),
                entry=entry,
            )

        # Measure with upper bounds (page count and hidden count as wide as `total`, links to
        # the farthest page), so the final page, with its real numbers, is never larger.
        def size(number: int, start: int, end: int) -> int:
            probe = context(start, end, page_nav(number, max(total, 2)), more(0), None)
            return self._render_size(DAY_TEMPLATE, probe, entry)

        def estimate(start: int, high: int, first_size: int) -> int | None:
            """Where the page reaches the limit if it grows by each entry's text (as the
            shipped template's does); None for a template that does not show them by `entry`."""
            if not entry.used:
                return None
            room, end = MAX_PAGE_BYTES - first_size, start + 1
            while end < high and (grows := entry.size(views[end])) <= room:
                room, end = room - grows, end + 1
            return end

        bounds: list[tuple[int, int]] = []
        start = 0
        while start < count or not bounds:
            number = len(bounds) + 1
            high = min(count, start + MAX_PAGE_ENTRIES)
            end = _largest_fitting(
                start,
                high,
                partial(size, number, start),
                MAX_PAGE_BYTES,
                partial(estimate, start, high),
            )
            bounds.append((start, end))
            start = end
            if max_papers is not None:
                break

        pages: dict[PurePosixPath, str] = {}
        for number, (first, end) in enumerate(bounds, 1):
            note = more(end) if number == 1 else None
            page = context(first, end, page_nav(number, len(bounds)), note, bounds)
            pages[layout.day_page(slug, when, number)] = self._render(DAY_TEMPLATE, page)
        return pages

    # --- archives ---

    def archives(
        self,
        slug: str,
        name: str,
        days: Sequence[DaySummary],
        *,
        weeks: Sequence[WeekSummary] = (),
        feed: bool = False,
        charts: bool = False,
        year_pages: Collection[int] | None = None,
    ) -> dict[PurePosixPath, str]:
        """The list's archive (the last `ARCHIVE_DAYS` days, every year) and each year's page
        (only those of `year_pages`, when given: a year's page changes only with its days and
        its neighbouring years).

        The archive also links the weekly digests of `weeks` that reach into the last
        `ARCHIVE_DAYS` days (newest first), the Atom feed (`feed`), and shows the charts
        beside it (`charts`: `trend.svg`, `keywords.svg`).
        """
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
                    "weeks": tuple(
                        _week_link(archive, slug, week)
                        for week in sorted(weeks, key=lambda week: week.key, reverse=True)
                        if recent and newest - week.end < timedelta(days=ARCHIVE_DAYS)
                    ),
                    "feed": layout.link(archive, layout.feed(slug)) if feed else None,
                    "charts": (
                        Image(
                            f"New papers per day over the last {ARCHIVE_DAYS} days",
                            layout.link(archive, layout.trend_chart(slug)),
                        ),
                        Image(
                            f"The busiest keywords of the last {ARCHIVE_DAYS} days",
                            layout.link(archive, layout.keywords_chart(slug)),
                        ),
                    )
                    if charts and recent
                    else (),
                },
            )
        }
        listed = sorted(years)
        for index, year in enumerate(listed):
            if year_pages is not None and year not in year_pages:
                continue
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

    # --- weekly digests ---

    def weekly(self, week: Week) -> str:
        """The week's digest page (`layout.weekly`).

        A page stays under `MAX_PAGE_BYTES`: when the full page would not (or the papers'
        abstracts, titles and authors alone pass that size), the abstracts are left out, and
        when that is still too much, each topic shows only its first papers (as many as fit)
        and says how many more are on the day pages.
        """
        key = week.summary.key
        source = layout.weekly(week.slug, *key)
        keywords = {keyword_label(keyword): keyword for keyword in week.keywords}

        day_links: dict[date, Link] = {}  # a week has a few days and many papers

        def paper(number: int, listed: Listed) -> WeeklyPaper:
            day = day_links.get(listed.day)
            if day is None:
                day = day_links[listed.day] = Link(
                    text=listed.day.isoformat(),
                    href=layout.link(source, layout.day_page(week.slug, listed.day)),
                )
            return WeeklyPaper(
                number=number, view=self._entry_view(listed.entry, number, keywords), day=day
            )

        def week_link(other: WeekKey | None) -> Link | None:
            if other is None:
                return None
            return Link(week_label(other), layout.link(source, layout.weekly(week.slug, *other)))

        anchors = ["papers"] if week.flat else _anchors([group.name for group in week.groups])
        top = tuple(paper(number, listed) for number, listed in enumerate(week.top, 1))
        views = [
            tuple(paper(number, listed) for number, listed in enumerate(group.papers, 1))
            for group in week.groups
        ]

        opened = self.options.abstracts == "open"
        entries = {
            shown: self._each(
                WEEKLY_ENTRY_TEMPLATE, "paper", {"abstracts": shown, "abstracts_open": opened}
            )
            for shown in (True, False)
        }

        def context(abstracts: bool, cap: int | None) -> dict[str, Any]:
            groups = tuple(
                WeeklyGroup(
                    number=index,
                    name=group.name,
                    anchor=anchors[index - 1],
                    count=len(group.papers),
                    more=len(shown) - len(shown[:cap]),
                    entries=shown[:cap],
                )
                for index, (group, shown) in enumerate(zip(week.groups, views, strict=True), 1)
            )
            summary = week.summary
            return {
                "title": self.options.title,
                "name": week.name,
                "slug": week.slug,
                "label": summary.label,
                "year": key[0],
                "week": key[1],
                "dates": _date_range(summary.start, summary.end),
                "so_far": summary.so_far,
                "count": summary.count,
                "days": tuple(
                    DayLink(
                        date=day.isoformat(),
                        href=layout.link(source, layout.day_page(week.slug, day)),
                        count=count,
                    )
                    for day, count in summary.days
                ),
                "nav": WeekNav(
                    previous=week_link(week.previous),
                    following=week_link(week.following),
                    archive=layout.link(source, layout.list_archive(week.slug)),
                    feed=layout.link(source, layout.feed(week.slug)),
                    home=layout.link(source, layout.README),
                ),
                "contents": () if week.flat else groups,
                "top": top,
                "groups": groups,
                "abstracts": abstracts,
                "abstracts_open": opened,
                "paper": entries[abstracts].text,
            }

        # When the abstracts, titles and authors alone pass the limit, no page with the
        # abstracts fits: it is not tried.
        tries = (False,) if _abstracts_exceed(views, MAX_PAGE_BYTES) else (True, False)
        for abstracts in tries:
            page = self._render_within(
                WEEKLY_TEMPLATE, context(abstracts, None), MAX_PAGE_BYTES, entries[abstracts]
            )
            if page is not None:
                return page

        def size(cap: int) -> int:
            return self._render_size(WEEKLY_TEMPLATE, context(False, cap), entries[False])

        longest = max(len(group.papers) for group in week.groups)

        def estimate(first_size: int) -> int | None:
            """Where the page reaches the limit if it grows by each paper's text, group by
            group (as the shipped template's does); None for a template not using `paper`."""
            shown = entries[False]
            if not shown.used:
                return None
            room, cap = MAX_PAGE_BYTES - first_size, 1
            while cap < longest:
                grows = sum(shown.size(papers[cap]) for papers in views if cap < len(papers))
                if grows > room:
                    break
                room, cap = room - grows, cap + 1
            return cap

        cap = _largest_fitting(0, longest, size, MAX_PAGE_BYTES, estimate)
        return self._render(WEEKLY_TEMPLATE, context(False, cap))

    # --- README section ---

    def readme_section(
        self,
        lists: Sequence[tuple[str, str, DaySummary | None]],
        *,
        weeks: Mapping[str, WeekSummary] | None = None,
        feeds: Collection[str] = (),
    ) -> str:
        """The README section, markers included (a blank line before the end marker, none after).

        `weeks` gives a list's newest weekly digest by slug; a slug in `feeds` has an Atom feed.
        """
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
                    week=_week_link(source, slug, weeks[slug]) if weeks and slug in weeks else None,
                    feed=layout.link(source, layout.feed(slug)) if slug in feeds else None,
                )
            )
        context = {"title": self.options.title, "lists": tuple(views)}
        body = self._render(README_TEMPLATE, context).strip("\n")
        return f"{START_MARKER}\n{body}\n\n{END_MARKER}"


@dataclass(frozen=True)
class _Arrangement:
    """A day's entries in the order its pages show them, with the section of each."""

    entries: tuple[Entry, ...]
    groups: tuple[Section, ...]
    """Every section of the day (with all its entries), in order; none for a flat list."""
    anchors: tuple[str, ...]
    part_of: tuple[int, ...]
    """For each of `entries`, the index of its section in `groups`."""
    first_of: Mapping[int, int]
    """For each section with entries shown, the index in `entries` of its first."""

    @classmethod
    def of(cls, day: DayList, max_papers: int | None) -> _Arrangement:
        """The day's first `max_papers` entries (all without it), grouped into sections."""
        chosen = day.entries if max_papers is None else day.entries[:max_papers]
        groups = sections(day.entries, day.rules.topics)
        if not groups:
            return cls(tuple(chosen), (), (), (), {})
        shown = {group.topic: group.entries for group in sections(chosen, day.rules.topics)}
        ordered: list[Entry] = []
        part_of: list[int] = []
        first_of: dict[int, int] = {}
        for index, group in enumerate(groups):
            entries = shown.get(group.topic, ())
            if entries:
                first_of[index] = len(ordered)
            ordered.extend(entries)
            part_of.extend([index] * len(entries))
        anchors = tuple(_anchors([group.name for group in groups]))
        return cls(tuple(ordered), groups, anchors, tuple(part_of), first_of)

    def parts(self, views: Sequence[EntryView], start: int, end: int) -> list[SectionView]:
        """The sections' parts on the page holding entries [start, end)."""
        out: list[SectionView] = []
        at = start
        while at < end and self.groups:
            index, stop = self.part_of[at], at
            while stop < end and self.part_of[stop] == index:
                stop += 1
            continued = self.first_of[index] < at
            out.append(
                SectionView(
                    name=self.groups[index].name,
                    anchor=None if continued else self.anchors[index],
                    continued=continued,
                    entries=tuple(views[at:stop]),
                )
            )
            at = stop
        return out

    def contents(
        self, day: DayList, number: int, bounds: Sequence[tuple[int, int]] | None
    ) -> list[ContentsItem]:
        """The table of contents of page `number` of the pages with these `bounds`.

        Without `bounds` (while measuring a page) it is the longest it can be: every link to
        the farthest page, every entry counted as hidden.
        """
        source = layout.day_page(day.slug, day.date, number)
        on_pages = bounds[-1][1] if bounds else len(self.entries)
        farthest = max(len(day.entries), 2)
        items: list[ContentsItem] = []
        for index, group in enumerate(self.groups):
            first = self.first_of.get(index)
            href = None
            if first is not None and first < on_pages:
                if bounds is None:
                    pages = (layout.day_page(day.slug, day.date, n) for n in (1, farthest))
                    target = max((layout.link(source, page) for page in pages), key=len)
                else:
                    page = next(n for n, (_, end) in enumerate(bounds, 1) if first < end)
                    target = (
                        ""
                        if page == number
                        else layout.link(source, layout.day_page(day.slug, day.date, page))
                    )
                href = f"{target}#{self.anchors[index]}"
            listed = sum(1 for at in range(on_pages) if self.part_of[at] == index)
            hidden = len(group.entries) - (0 if bounds is None else listed)
            items.append(ContentsItem(group.name, href, len(group.entries), hidden))
        return items


def _abstracts_exceed(groups: Sequence[Sequence[WeeklyPaper]], limit: int) -> bool:
    """True when the papers' abstracts, titles and authors shown, as `clean` gives them (one
    line, nothing dropped that shows; escaping only lengthens them), hold more than `limit`
    characters, so more UTF-8 bytes: no digest showing them with the abstracts fits. Counted
    until the limit is passed (a few hundred papers)."""
    total = 0
    for papers in groups:
        for paper in papers:
            view = paper.view
            total += len(clean(view.abstract)) + len(clean(view.title))
            total += sum(len(clean(author)) for author in view.authors)
            if total > limit:
                return True
    return False


def _anchors(names: Sequence[str]) -> list[str]:
    """Ids for where the sections start: `topic-` and the name's slug (`topic-3` for a name
    without ASCII letters or digits), made unique with `-2`, `-3`, … when two would meet.

    Explicit anchors (`<a name>`, as GitHub documents for custom anchors) do not depend on
    how GitHub turns headings into ids, and stay apart from every heading's own id.
    """
    used: set[str] = set()
    anchors: list[str] = []
    for index, name in enumerate(names, 1):
        base = f"topic-{slugify(name) or index}"
        anchor, suffix = base, 2
        while anchor in used:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        used.add(anchor)
        anchors.append(anchor)
    return anchors


def _largest_fitting(
    start: int,
    high: int,
    size: Callable[[int], int],
    limit: int,
    estimate: Callable[[int], int | None] | None = None,
) -> int:
    """The largest `end` in (start, high] whose page, `size(end)` bytes, is at most `limit`;
    at least `start + 1`, since a page always takes one entry, even one too large on its own.

    A page grows with its entries, nearly in proportion, so each guess is where the growth
    measured last (a secant step) reaches `limit`, and when that is the end already known to
    fit, the next end, to confirm it. The first guess is `estimate(size(start + 1))` when it
    gives one (from the sizes of the entries themselves: then the page is usually rendered
    twice at full size), else a second point seven entries on. After eight steps it bisects,
    so that no shape of sizes takes more than a few more.
    """
    first = start + 1
    if high <= first:
        return high
    good, good_size = first, size(first)
    if good_size > limit:
        return good
    bad: int | None = None  # the smallest end known not to fit
    last, last_size = good, good_size  # the previous measurement
    guess = estimate(good_size) if estimate else None
    probe = min(high, first + 7) if guess is None else guess
    for step in itertools.count():
        upper = high if bad is None else bad - 1  # the largest end that may still fit
        if step >= 8 or not good < probe <= upper:
            probe = (good + upper + 1) // 2
        measured = size(probe)
        if measured <= limit:
            good, good_size = probe, measured
        else:
            bad = probe
        upper = high if bad is None else bad - 1
        if good >= upper:
            return good
        slope = (measured - last_size) / (probe - last)
        last, last_size = probe, measured
        if slope > 0:
            probe = min(max(good + int((limit - good_size) / slope), good + 1), upper)
        else:
            probe = (good + upper + 1) // 2
    raise AssertionError("unreachable")  # pragma: no cover


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
