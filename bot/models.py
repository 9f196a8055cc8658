"""Frozen value objects passed between the stages of a run.

The arxiv package's `Result` (mutable, compared by version) never leaves `bot.source`; from
there on a paper is a `Paper`, and what a list made of it on one day is a `DayList`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Where = Literal["title", "abstract", "authors"]
"""Where a rule hit a paper: a keyword in the title or abstract, a followed author."""

Keyword = str | tuple[str, ...]
"""A keyword as configured: one word or phrase, or a tuple of them that must all match."""

Sort = Literal["relevance", "newest"]
"""How a list orders its entries: by `bot.rank.score` (the default) or by submission time."""


def keyword_label(keyword: Keyword) -> str:
    """How a keyword is shown to people: `LLM`, or `agent* + tool use` for an all-of group."""
    return keyword if isinstance(keyword, str) else " + ".join(keyword)


@dataclass(frozen=True, slots=True)
class Paper:
    """One arXiv paper as the bot keeps it; `id` carries no version (`2504.17950`)."""

    id: str
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    primary_category: str
    categories: tuple[str, ...]
    published: datetime
    updated: datetime
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.id}"


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule that matched a paper: a keyword (by its label) or a followed author."""

    keyword: str
    where: tuple[Where, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    """A section of a list: a paper goes under the topic whose keywords hit it best."""

    name: str
    keywords: tuple[Keyword, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    """A list's rules in force on a day (kept in that day's JSON so old days keep theirs).

    `topics` (in their configured order) and `sort` decide how the day's page reads, not which
    papers are on the list.
    """

    keywords: tuple[Keyword, ...] = ()
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    exclude: tuple[Keyword, ...] = ()
    topics: tuple[Topic, ...] = ()
    sort: Sort = "relevance"


@dataclass(frozen=True, slots=True)
class Entry:
    """A paper on a list: the paper, what matched, its relevance score (higher first), and
    its topic: the name of one of the day's `Rules.topics`, or None ("Other", or no topics)."""

    paper: Paper
    hits: tuple[Hit, ...]
    score: int
    topic: str | None = None

    @property
    def followed(self) -> bool:
        """True when the paper is on the list because of a followed author."""
        return any("authors" in hit.where for hit in self.hits)


@dataclass(frozen=True, slots=True)
class Window:
    """The span of submission times one run asks arXiv about (timezone-aware, UTC)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class DayList:
    """What one list holds for one date: the content of `lists/<slug>/<YYYY>/<date>.json`."""

    slug: str
    name: str
    date: date
    rules: Rules
    entries: tuple[Entry, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class RunState:
    """`lists/.state.json`: the date and window start of the last run that wrote papers."""

    date: date
    window_start: datetime
