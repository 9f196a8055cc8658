"""A list's Atom feed, `lists/<slug>/feed.xml`: its latest papers for feed readers (pure).

Built with feedgen from the stored days alone, so `arxiv-bot render` rebuilds it byte for byte:
no time is read from a clock. The feed's `updated` is the newest list's date; an entry's
`updated` is the date of the list it is on (midnight UTC), its `published` the paper's first
version on arXiv. Entries link to the arXiv abstract page; with config `repository` (and
`branch`) they also link the day's page in the repository, and the feed links itself and the
list's archive there (absolute URLs, as a feed reader needs). Paths are taken as relative to
the repository root, which is where the shipped config sits.

arXiv's text goes in through `xml_text`: on one line, without the control characters XML 1.0
forbids (lxml refuses them, and a reader would refuse the feed).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension  # type: ignore[import-untyped]
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from bot import layout
from bot.models import DayList, Entry, keyword_label
from bot.text import xml_text

FEED_ENTRIES = 100
"""Papers in a feed at most: the newest lists' papers, each list in its own order."""
ARXIV_SCHEME = "http://arxiv.org/schemas/atom"
"""The category scheme arXiv's own Atom feeds use for its subject classes."""
GENERATOR = "arxiv-daily-list"
FEED_NAMESPACE = uuid.UUID("5a1d6c1e-3f0b-4f4e-9a57-2f1c0f3c2e21")
"""Namespace of the feed ids made (uuid5) from a slug when no repository is configured."""


class _Links(BaseEntryExtension):  # type: ignore[misc]
    """An entry's further links, with their rel, type and title.

    feedgen 1.0.0 writes an entry's links without these attributes (it reads them back from
    the element it has just made), so only the arXiv page, whose rel is Atom's default
    ("alternate"), goes through `FeedEntry.link`; the rest are added here.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        for attributes in self.links:
            entry.append(entry.makeelement("link", attributes))
        return entry


@dataclass(frozen=True, slots=True)
class Site:
    """Where the repository shows its files: `https://github.com/<repository>/blob/<branch>/…`."""

    repository: str
    branch: str = "main"

    def page(self, path: PurePosixPath) -> str:
        """The URL of a file as GitHub shows it (Markdown rendered)."""
        return (
            f"https://github.com/{quote(self.repository, safe='/')}/blob/"
            f"{quote(self.branch, safe='/')}/{quote(str(path), safe='/')}"
        )

    def raw(self, path: PurePosixPath) -> str:
        """The URL of a file's bytes (what a feed reader subscribes to)."""
        return (
            f"https://raw.githubusercontent.com/{quote(self.repository, safe='/')}/"
            f"{quote(self.branch, safe='/')}/{quote(str(path), safe='/')}"
        )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def feed_id(slug: str, site: Site | None) -> str:
    """The archive page's URL with a repository; else a UUID URN made from the slug."""
    if site is not None:
        return site.page(layout.list_archive(slug))
    return uuid.uuid5(FEED_NAMESPACE, slug).urn


def _latest(history: Mapping[date, DayList], limit: int) -> list[tuple[DayList, Entry]]:
    """The first `limit` entries of the newest days, reading no day beyond them."""
    latest: list[tuple[DayList, Entry]] = []
    for when in sorted(history, reverse=True):
        if len(latest) >= limit:
            break
        day = history[when]
        latest.extend((day, entry) for entry in day.entries[: limit - len(latest)])
    return latest


def feed_xml(
    slug: str,
    name: str,
    history: Mapping[date, DayList],
    *,
    title: str,
    site: Site | None = None,
    limit: int = FEED_ENTRIES,
) -> str:
    """The Atom feed of a list (with a day at least): its `limit` latest papers, newest first."""
    if not history:
        raise ValueError(f"the list {slug!r} has no day to make a feed of")
    newest = history[max(history)]
    generator = FeedGenerator()
    generator.id(feed_id(slug, site))
    generator.title(xml_text(f"{name} · {title}"))
    keywords = [keyword_label(keyword) for keyword in newest.rules.keywords]
    about = ", ".join(keywords) if keywords else "followed authors"
    generator.subtitle(xml_text(f"New arXiv papers on {about}, one list a day."))
    generator.author({"name": xml_text(title)})
    generator.updated(_midnight(newest.date))
    generator.generator(GENERATOR)
    if site is not None:
        generator.link(href=site.page(layout.list_archive(slug)), rel="alternate")
        generator.link(href=site.raw(layout.feed(slug)), rel="self")
    for day, entry in _latest(history, limit):
        paper = entry.paper
        item = generator.add_entry(order="append")
        item.id(paper.abs_url)
        item.title(xml_text(paper.title) or paper.id)
        item.link(href=paper.abs_url, rel="alternate")
        item.register_extension("further", _Links, atom=True, rss=False)
        further: list[dict[str, str]] = item.further.links
        further.append(
            {"rel": "related", "type": "application/pdf", "href": paper.pdf_url, "title": "PDF"}
        )
        if site is not None:
            further.append(
                {
                    "rel": "related",
                    "type": "text/html",
                    "href": site.page(layout.day_page(slug, day.date)),
                    "title": xml_text(f"{name} · {day.date.isoformat()}"),
                }
            )
        authors = [text for text in (xml_text(author) for author in paper.authors) if text]
        if authors:  # else the feed's author stands for the entry's, as Atom allows
            item.author([{"name": author} for author in authors])
        terms = [term for term in dict.fromkeys(xml_text(c) for c in paper.categories) if term]
        if terms:
            item.category([{"term": term, "scheme": ARXIV_SCHEME} for term in terms])
        item.summary(xml_text(paper.abstract))
        item.published(paper.published)
        item.updated(_midnight(day.date))
    text: bytes = generator.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return text.decode("utf-8")
