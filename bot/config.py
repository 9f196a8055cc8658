"""The config file: its model (the source of `config.schema.json`) and its loader.

The model is strict: unknown keys, wrong types, an empty keyword list, a list with neither
keywords nor authors, an unknown timezone and two lists with one slug are errors.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.models import Keyword, Rules
from bot.slug import slugify

NonEmptyText = Annotated[str, Field(min_length=1, pattern=r"\S")]
KeywordItem = Annotated[
    NonEmptyText | Annotated[list[NonEmptyText], Field(min_length=1)],
    Field(
        description=(
            "A word or phrase matched as whole words in the title or abstract, ignoring case; "
            "the last word may take a plural s/es; a trailing * makes a prefix. "
            "A list of such items matches when all of them do."
        )
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArxivSettings(_Strict):
    """How the bot talks to arXiv: per-response timeout, retries, pacing, overall bound."""

    timeout: float = Field(30, gt=0, description="Seconds to wait for each response.")
    retries: int = Field(4, ge=0, le=20, description="Tries after the first one.")
    backoff: float = Field(10, ge=0, description="First wait before a retry, doubling after.")
    delay: float = Field(
        3,
        ge=0,
        description="Seconds between requests (never below 3 against export.arxiv.org).",
    )
    deadline: float = Field(600, gt=0, description="Bound on the whole fetch, in seconds.")


class ListSettings(_Strict):
    """One list: its name and the rules that pick its papers."""

    name: NonEmptyText = Field(description="Shown as the list's title; its slug names its folder.")
    keywords: list[KeywordItem] | None = Field(
        None, description="Any of them matches (title or abstract)."
    )
    authors: list[NonEmptyText] | None = Field(
        None,
        description=(
            "People to follow: their papers are listed whatever the keywords (and despite "
            "`exclude`), as long as `categories` allow."
        ),
    )
    categories: list[NonEmptyText] = Field(
        default_factory=list, description="If set, a paper must be in any of them."
    )
    exclude: list[KeywordItem] = Field(
        default_factory=list, description="Any match drops the paper."
    )
    max_papers: int | None = Field(
        None, gt=0, description="Entries shown on the day's page (the JSON keeps all)."
    )

    @field_validator("keywords", "authors")
    @classmethod
    def _not_empty(cls, value: list[object] | None) -> list[object] | None:
        if value is not None and not value:
            raise ValueError("must not be empty: give at least one entry, or remove the key")
        return value

    @model_validator(mode="after")
    def _has_rules(self) -> ListSettings:
        if not self.keywords and not self.authors:
            raise ValueError("a list needs `keywords` or `authors` (or both)")
        if not slugify(self.name):
            raise ValueError(
                f"the name {self.name!r} has no letters or digits to name its folder with"
            )
        return self

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def rules(self) -> Rules:
        return Rules(
            keywords=tuple(_keyword(k) for k in self.keywords or ()),
            authors=tuple(self.authors or ()),
            categories=tuple(self.categories),
            exclude=tuple(_keyword(k) for k in self.exclude),
        )


def _keyword(item: str | list[str]) -> Keyword:
    return item if isinstance(item, str) else tuple(item)


class Config(_Strict):
    """The whole `config.yml`."""

    title: NonEmptyText = Field("Awesome daily arXiv", description="Heading of the README section.")
    timezone: str = Field("UTC", description="IANA timezone name; decides the list date.")
    lookback_days: float = Field(
        7,
        gt=0,
        description=(
            "The window starts this long before the end of the last run that wrote papers."
        ),
    )
    max_lookback_days: float = Field(
        30, gt=0, description="The window never reaches further back than this."
    )
    repository: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] | None = (
        Field(None, description="owner/name, for absolute links (defaults to GITHUB_REPOSITORY).")
    )
    branch: NonEmptyText = Field("main", description="Branch for absolute links.")
    abstracts: Literal["folded", "open"] = Field("folded", description="Fold abstracts or not.")
    max_authors: int = Field(6, gt=0, description="Authors shown before 'et al.'.")
    templates: NonEmptyText | None = Field(
        None, description="Folder (relative to this file) whose templates override the shipped ones."
    )
    holidays: list[date] = Field(
        default_factory=list, description="Extra days on which arXiv announces nothing."
    )
    arxiv: ArxivSettings = Field(default_factory=ArxivSettings)
    lists: Annotated[list[ListSettings], Field(min_length=1)] = Field(
        description="The lists to build."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"unknown timezone {value!r}: use an IANA name such as UTC or Europe/Berlin"
            ) from error
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.max_lookback_days < self.lookback_days:
            raise ValueError("max_lookback_days must be at least lookback_days")
        seen: dict[str, str] = {}
        for item in self.lists:
            if item.slug in seen:
                raise ValueError(
                    f"lists {seen[item.slug]!r} and {item.name!r} share the folder "
                    f"{item.slug!r}: rename one"
                )
            seen[item.slug] = item.name
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
