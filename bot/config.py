"""The config file: its model (the source of `config.schema.json`) and its loader.

The model is strict: unknown keys, wrong types, an empty keyword list, a list with neither
keywords nor authors, an unknown timezone and two lists with one slug are errors.

`load_config` reads the YAML file, validates it with the model, and turns the first problem
into one `ConfigError` naming the file, the key path (`lists[0].keywords[2]`) and the line.
pydantic alone knows no lines, so the loader keeps the YAML node tree and walks it along the
path of each error. `python -m bot.config` prints the JSON Schema of the model.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.errors import ConfigError
from bot.models import Keyword, Rules, Sort, Topic
from bot.rank import OTHER
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

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_TITLE = "arxiv-bot config.yml"

_PROBLEM = "config_problem"
"""The pydantic error type of the model's own checks; its context holds `message` and `at`."""


def _problem(message: str, *at: str | int) -> PydanticCustomError:
    """A failed check of the model: `at` is the key path, relative to the model, it is about."""
    return PydanticCustomError(_PROBLEM, "{message}", {"message": message, "at": at})


def _no_bool(value: object, *, whole: bool) -> object:
    """YAML reads yes/no/on/off as booleans, and pydantic would take them as 1 and 0."""
    if isinstance(value, bool):
        if whole:
            raise PydanticCustomError("int_type", "Input should be a valid integer")
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


def _number(value: float) -> str:
    return f"{value:g}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArxivSettings(_Strict):
    """How the bot talks to arXiv: per-response timeout, retries, pacing, overall bound."""

    timeout: float = Field(default=30, gt=0, description="Seconds to wait for each response.")
    retries: int = Field(default=4, ge=0, le=20, description="Tries after the first one.")
    backoff: float = Field(
        default=10, ge=0, description="First wait before a retry, doubling after."
    )
    delay: float = Field(
        default=3,
        ge=0,
        description="Seconds between requests (never below 3 against export.arxiv.org).",
    )
    deadline: float = Field(default=600, gt=0, description="Bound on the whole fetch, in seconds.")

    @field_validator("timeout", "backoff", "delay", "deadline", mode="before")
    @classmethod
    def _numbers(cls, value: object) -> object:
        return _no_bool(value, whole=False)

    @field_validator("retries", mode="before")
    @classmethod
    def _whole_numbers(cls, value: object) -> object:
        return _no_bool(value, whole=True)


class GithubSettings(_Strict):
    """How the bot talks to GitHub when it publishes or posts the digest."""

    retries: int = Field(default=4, ge=0, le=20, description="Tries after the first one.")
    backoff: float = Field(
        default=5, ge=0, description="First wait before a retry, in seconds, doubling after."
    )
    deadline: float = Field(
        default=300, gt=0, description="Bound on all GitHub calls of a run, in seconds."
    )

    @field_validator("backoff", "deadline", mode="before")
    @classmethod
    def _numbers(cls, value: object) -> object:
        return _no_bool(value, whole=False)

    @field_validator("retries", mode="before")
    @classmethod
    def _whole_numbers(cls, value: object) -> object:
        return _no_bool(value, whole=True)


class TopicSettings(_Strict):
    """One section of a list: its heading and the keywords that put a paper under it."""

    name: NonEmptyText = Field(description="The section's heading (unique within the list).")
    keywords: Annotated[list[KeywordItem], Field(min_length=1)] = Field(
        description=(
            "A paper goes under the topic whose keywords hit it best (same matching rules as "
            "the list's keywords)."
        )
    )

    @field_validator("keywords", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        if value is None or (isinstance(value, list) and not value):
            raise _problem("the list is empty: give at least one keyword")
        return value


def _topic_key(name: str) -> str:
    """Topic names compare ignoring case and runs of whitespace."""
    return " ".join(name.casefold().split())


class ListSettings(_Strict):
    """One list: its name and the rules that pick its papers."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["keywords"], "properties": {"keywords": {"type": "array"}}},
                {"required": ["authors"], "properties": {"authors": {"type": "array"}}},
            ]
        }
    )

    name: NonEmptyText = Field(description="Shown as the list's title; its slug names its folder.")
    keywords: list[KeywordItem] | None = Field(
        default=None, description="Any of them matches (title or abstract)."
    )
    authors: list[NonEmptyText] | None = Field(
        default=None,
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
        default=None, gt=0, description="Entries shown on the day's page (the JSON keeps all)."
    )
    topics: list[TopicSettings] | None = Field(
        default=None,
        description=(
            "Sections of the day's page, in this order; each paper goes under its best topic, "
            "the rest under 'Other'."
        ),
    )
    sort: Sort | None = Field(
        default=None,
        description="relevance or newest (within each section); defaults to the top-level sort.",
    )

    @field_validator("max_papers", mode="before")
    @classmethod
    def _whole_numbers(cls, value: object) -> object:
        return _no_bool(value, whole=True)

    @field_validator("keywords", "authors", "topics")
    @classmethod
    def _not_empty(cls, value: list[object] | None, info: ValidationInfo) -> list[object] | None:
        if value is not None and not value:
            what = {"keywords": "keyword", "authors": "author"}.get(info.field_name or "", "topic")
            raise _problem(f"the list is empty: give at least one {what}, or remove the key")
        return value

    @field_validator("topics")
    @classmethod
    def _topics_apart(cls, value: list[TopicSettings] | None) -> list[TopicSettings] | None:
        seen: dict[str, int] = {}
        for index, topic in enumerate(value or ()):
            key = _topic_key(topic.name)
            if key == _topic_key(OTHER):  # the section of the papers no topic takes
                raise _problem(
                    f"{topic.name!r} is the section of the papers no topic takes: "
                    "give this topic another name",
                    index,
                    "name",
                )
            if key in seen:
                raise _problem(
                    f"the topic name {topic.name!r} is already used by topics[{seen[key]}]: "
                    "give each topic its own name",
                    index,
                    "name",
                )
            seen[key] = index
        return value

    @model_validator(mode="after")
    def _has_rules(self) -> ListSettings:
        if not self.keywords and not self.authors:
            if "keywords" in self.model_fields_set:  # written `keywords:` with nothing after it
                raise _problem("the list is empty: give at least one keyword", "keywords")
            raise _problem("this list has neither keywords nor authors: give at least one of them")
        if not slugify(self.name):
            raise _problem(
                f"the name {self.name!r} has no letters or digits to name its folder with",
                "name",
            )
        return self

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def rules(self) -> Rules:
        """The list's rules; `sort` as the list sets it (`Config.rules_for` adds the default)."""
        return Rules(
            keywords=tuple(_keyword(k) for k in self.keywords or ()),
            authors=tuple(self.authors or ()),
            categories=tuple(self.categories),
            exclude=tuple(_keyword(k) for k in self.exclude),
            topics=tuple(
                Topic(topic.name, tuple(_keyword(k) for k in topic.keywords))
                for topic in self.topics or ()
            ),
            sort=self.sort or "relevance",
        )


def _keyword(item: str | list[str]) -> Keyword:
    return item if isinstance(item, str) else tuple(item)


def _timezone_problem(name: str) -> PydanticCustomError:
    message = f"unknown timezone {name!r}: use an IANA name such as UTC or Europe/Berlin"
    names = sorted(available_timezones() | {"UTC"})
    same_case = [zone for zone in names if zone.lower() == name.lower()]
    close = same_case or difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    if close:
        message = f"unknown timezone {name!r}. Did you mean {close[0]!r}?"
    return _problem(message)


class Config(_Strict):
    """The whole `config.yml`."""

    title: NonEmptyText = Field(
        default="Awesome daily arXiv", description="Heading of the README section."
    )
    timezone: str = Field(default="UTC", description="IANA timezone name; decides the list date.")
    lookback_days: float = Field(
        default=7,
        gt=0,
        description=(
            "The window starts this long before the end of the last run that wrote papers."
        ),
    )
    max_lookback_days: float = Field(
        default=30, gt=0, description="The window never reaches further back than this."
    )
    repository: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] | None = Field(
        default=None, description="owner/name, for absolute links (defaults to GITHUB_REPOSITORY)."
    )
    branch: NonEmptyText = Field(default="main", description="Branch for absolute links.")
    abstracts: Literal["folded", "open"] = Field(
        default="folded", description="Fold abstracts or not."
    )
    max_authors: int = Field(default=6, gt=0, description="Authors shown before 'et al.'.")
    sort: Sort = Field(
        default="relevance",
        description="How lists order their papers unless they say otherwise: relevance or newest.",
    )
    templates: NonEmptyText | None = Field(
        default=None,
        description="Folder (relative to this file) whose templates override the shipped ones.",
    )
    holidays: list[date] = Field(
        default_factory=list, description="Extra days on which arXiv announces nothing."
    )
    arxiv: ArxivSettings = Field(
        default_factory=ArxivSettings,
        description="How the bot talks to arXiv; every key is optional.",
    )
    github: GithubSettings = Field(
        default_factory=GithubSettings,
        description="How the bot talks to GitHub (publishing, digest); every key is optional.",
    )
    lists: Annotated[list[ListSettings], Field(min_length=1)] = Field(
        description="The lists to build."
    )

    @field_validator("lookback_days", "max_lookback_days", mode="before")
    @classmethod
    def _numbers(cls, value: object) -> object:
        return _no_bool(value, whole=False)

    @field_validator("max_authors", mode="before")
    @classmethod
    def _whole_numbers(cls, value: object) -> object:
        return _no_bool(value, whole=True)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise _timezone_problem(value) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.max_lookback_days < self.lookback_days:
            at = (
                "max_lookback_days"
                if "max_lookback_days" in self.model_fields_set
                else "lookback_days"
            )
            raise _problem(
                f"max_lookback_days ({_number(self.max_lookback_days)}) must be at least "
                f"lookback_days ({_number(self.lookback_days)})",
                at,
            )
        seen: dict[str, int] = {}
        for index, item in enumerate(self.lists):
            if item.slug in seen:
                first = seen[item.slug]
                raise _problem(
                    f"the name {item.name!r} gives the same folder {item.slug!r} as "
                    f"{self.lists[first].name!r} (lists[{first}]): rename one of them",
                    "lists",
                    index,
                    "name",
                )
            seen[item.slug] = index
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def rules_for(self, settings: ListSettings) -> Rules:
        """A list's rules in force, its `sort` defaulting to the top-level one."""
        return replace(settings.rules, sort=settings.sort or self.sort)


# --- The loader ---------------------------------------------------------------------------

MAX_VALUES = 100_000
"""Bound on the values of a file once its aliases are expanded (a "billion laughs" guard)."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_FIX_YAML = "check the indentation (spaces, not tabs) and the quotes on this line and the one above"

PathPart = str | int


class _BadScalarError(Exception):
    """A scalar YAML resolves to a type it then cannot build (such as the date 2026-02-30)."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


class _Loader(yaml.SafeLoader):
    """yaml's SafeLoader, except that an impossible date is reported with its node."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise _BadScalarError(node, f"{node.value!r} is not a real date ({error})") from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load_config(path: Path) -> Config:
    """Read, parse and validate the config file; any problem is one `ConfigError`."""
    file = str(path)
    root, data = _parse(_read(path, file), file)
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise _explain(error, root, file) from None
    except RecursionError:
        raise ConfigError("the file nests values too deeply", file=file) from None


def _read(path: Path, file: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            "config file not found",
            file=file,
            fix="create it (start from the example config.yml) or pass --config PATH",
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            "this is a folder, not a config file", file=file, fix="pass the file with --config PATH"
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot read the config file: {error.strerror or error}", file=file
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read)",
            file=file,
            line=data.count(b"\n", 0, error.start) + 1,
            fix="save the file with the UTF-8 encoding",
        ) from None


def _parse(text: str, file: str) -> tuple[yaml.MappingNode, object]:
    """Compose the node tree, check it, build the data: YAML's problems become ConfigErrors."""
    loader: _Loader | None = None
    root: yaml.Node | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        if root is None or root.tag == "tag:yaml.org,2002:null":
            raise ConfigError(
                "the config file is empty: it needs at least `lists:` with one list",
                file=file,
                fix="start from the example config.yml",
            )
        if not isinstance(root, yaml.MappingNode):
            raise ConfigError(
                f"the file must be a mapping of keys such as title: and lists:, "
                f"got {_describe(root, kind=True)}",
                file=file,
                line=_line(root),
            )
        _check_size(root, file)
        _check_duplicates(root, file)
        data = loader.construct_document(root)
    except ConfigError:
        raise
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, file) from None
    except yaml.reader.ReaderError as error:
        code = error.character if isinstance(error.character, int) else ord("?")
        raise ConfigError(
            f"the file holds the character U+{code:04X}, which YAML does not allow",
            file=file,
            line=text.count("\n", 0, error.position) + 1,
            fix="delete it, or write it as an escape inside double quotes",
        ) from None
    except _BadScalarError as error:
        found = None if root is None else _path_of(root, error.node)
        raise ConfigError(
            error.message,
            file=file,
            key=_format_path(found or ()),
            line=_line(error.node),
            fix="write a real date as YYYY-MM-DD, or quote the value to make it text",
        ) from None
    except RecursionError:
        raise ConfigError("the file nests values too deeply", file=file) from None
    except Exception as error:
        raise ConfigError(
            f"the file cannot be read as YAML ({type(error).__name__}: {error})", file=file
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return root, data


_YAML_TOKENS = {
    "<stream end>": "the end of the file",
    "<block end>": "the end of the indented block",
    "<block mapping start>": "a key indented differently",
    "<block sequence start>": "a list indented differently",
    "<block entry>": "a '- ' entry",
}
"""PyYAML's names of the tokens it expected or found, in plainer words."""


def _syntax_error(error: yaml.MarkedYAMLError, file: str) -> ConfigError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "not valid YAML"
    context, context_mark = error.context, error.context_mark
    if context:
        if context_mark is not None and (mark is None or _at(context_mark) != _at(mark)):
            context += f" on line {_at(context_mark)[0]}"
        problem = (
            f"{context}, {problem}" if problem.startswith("but ") else f"{problem} ({context})"
        )
    for token, words in _YAML_TOKENS.items():
        problem = problem.replace(f"'{token}'", words).replace(token, words)
    if mark is not None:
        problem = f"column {_at(mark)[1]}: {problem}"
    raw = error.problem or ""
    if "\\t" in raw or "\t" in raw:
        fix = "YAML does not allow tabs for indentation: use spaces"
    elif isinstance(error, yaml.constructor.ConstructorError):
        fix = "the bot reads plain YAML: remove the tag (the word starting with '!')"
    elif "alias" in raw:
        fix = (
            "define the anchor (&name) before its alias (*name), or quote a value starting with '*'"
        )
    elif "another document" in raw:
        fix = "keep one document: remove the '---' line and what follows, or merge it"
    else:
        fix = _FIX_YAML
    return ConfigError(
        f"invalid YAML: {problem}",
        file=file,
        line=None if mark is None else _at(mark)[0],
        fix=fix,
    )


def _at(mark: yaml.Mark) -> tuple[int, int]:
    """(line, column), 1-based, as editors and GitHub count them: YAML also breaks lines at
    U+0085, U+2028 and U+2029, which they show inside a line; only newlines count here."""
    text = mark.buffer
    if not isinstance(text, str) or not 0 <= mark.index <= len(text):
        return mark.line + 1, mark.column + 1
    start = text.rfind("\n", 0, mark.index) + 1
    return text.count("\n", 0, mark.index) + 1, mark.index - start + 1


def _line(node: yaml.Node) -> int | None:
    mark = node.start_mark
    return None if mark is None else _at(mark)[0]


def _children(node: yaml.Node) -> Iterator[tuple[PathPart | None, yaml.Node]]:
    """A node's children with their path part (None for keys and merge keys' values)."""
    if isinstance(node, yaml.SequenceNode):
        yield from enumerate(node.value)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield None, key
            part = key.value if isinstance(key, yaml.ScalarNode) else None
            yield (None if key.tag == _MERGE_TAG else part), value


def _walk(root: yaml.Node) -> Iterator[tuple[tuple[PathPart, ...], yaml.Node]]:
    """Every node once, in document order, with the first key path that reaches it."""
    seen: set[int] = set()
    stack: list[tuple[tuple[PathPart, ...], yaml.Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield path, node
        children = [
            (path if part is None else (*path, part), child) for part, child in _children(node)
        ]
        stack.extend(reversed(children))


def _path_of(root: yaml.Node, target: yaml.Node) -> tuple[PathPart, ...] | None:
    return next((path for path, node in _walk(root) if node is target), None)


def _check_size(root: yaml.Node, file: str) -> None:
    """Refuse aliases that make the data endless (a cycle) or huge once expanded."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            active.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for _, child in _children(node))
            if sizes[key] > MAX_VALUES:
                raise ConfigError(
                    f"aliases (*name) expand the file to more than {MAX_VALUES} values",
                    file=file,
                    line=_line(node),
                    fix="write the values out instead of repeating aliases",
                )
            continue
        if key in sizes:
            continue
        if key in active:
            raise ConfigError(
                "an alias (*name) refers to a value that contains it, so it never ends",
                file=file,
                line=_line(node),
                fix="remove the alias from inside its own anchor (&name)",
            )
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for _, child in _children(node))


def _check_duplicates(root: yaml.Node, file: str) -> None:
    """YAML keeps the last of two equal keys silently; the bot refuses them."""
    for path, node in _walk(root):
        if not isinstance(node, yaml.MappingNode):
            continue
        first_lines: dict[tuple[str, str], int | None] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
                continue
            ident = (key.tag, key.value)
            if ident in first_lines:
                first = first_lines[ident]
                where = "" if first is None else f" (first given on line {first})"
                raise ConfigError(
                    f"duplicate key {key.value!r}{where}: keep only one",
                    file=file,
                    key=_format_path((*path, key.value)),
                    line=_line(key),
                    fix="YAML would silently keep only the last one; merge them into one",
                )
            first_lines[ident] = _line(key)


def _format_path(path: Sequence[PathPart]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# --- From pydantic's errors to one message -------------------------------------------------

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD) without a time",
    "none_required": "nothing",
}
"""Type errors: what was expected. Errors of one value from several union members merge."""

_CONTAINERS = {"a list", "a mapping"}
_YAML_KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:timestamp": "a date",
}


@dataclass(frozen=True)
class _Found:
    """Where one pydantic error points in the file."""

    path: tuple[PathPart, ...]
    node: yaml.Node
    line: int | None
    key_node: yaml.Node | None


@dataclass(frozen=True)
class _Candidate:
    rank: tuple[int, int, int]
    error: ConfigError


def _explain(error: ValidationError, root: yaml.MappingNode, file: str) -> ConfigError:
    """The most useful of pydantic's errors, as a ConfigError (an unknown key before a
    missing one, since a misspelt key causes both; otherwise the first in the file)."""
    loader = _Loader("")  # builds key values, to match them with pydantic's
    groups: dict[tuple[PathPart, ...], list[tuple[ErrorDetails, _Found]]] = {}
    for details in error.errors(include_url=False):
        loc = tuple(details["loc"])
        if details["type"] == _PROBLEM:
            loc += tuple(_context(details).get("at", ()))
        found = _locate(root, loc, details["type"], loader)
        groups.setdefault(found.path, []).append((details, found))
    candidates = []
    for order, (path, group) in enumerate(groups.items()):
        if any(other[: len(path)] == path and other != path for other in groups):
            continue  # a union member that got further into the value says more
        details, found = group[0]
        message = _message(group)
        missing = details["type"] == "missing"
        line = found.line if found.line is not None else 0
        candidates.append(
            _Candidate(
                rank=(int(missing), line, order),
                error=ConfigError(
                    message, file=file, key=_format_path(found.path), line=found.line
                ),
            )
        )
    if not candidates:  # pragma: no cover - pydantic never raises an empty ValidationError
        return ConfigError("the config is not valid", file=file)
    return min(candidates, key=lambda candidate: candidate.rank).error


def _context(details: ErrorDetails) -> Mapping[str, Any]:
    return details.get("ctx") or {}


def _key_value(loader: _Loader, node: yaml.Node) -> object:
    try:
        return loader.construct_object(node)
    except Exception:
        return node.value


def _find_key(
    node: yaml.MappingNode, part: PathPart, loader: _Loader
) -> tuple[yaml.Node, yaml.Node] | None:
    found = None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG:
            candidate = _key_value(loader, key)
            if candidate == part:
                found = (key, value)  # the last one wins, as in the data
    return found


def _locate(root: yaml.Node, loc: Sequence[PathPart], kind: str, loader: _Loader) -> _Found:
    """Walk the nodes along pydantic's `loc`, skipping its union-member labels."""
    node = root
    path: list[PathPart] = []
    key_node: yaml.Node | None = None
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            pair = _find_key(node, part, loader)
            if pair is not None:
                key_node, node = pair
                path.append(part if isinstance(part, str) else str(key_node.value))
            elif kind == "missing" and last:
                path.append(part)
                return _Found(tuple(path), node, _line(node), None)
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            key_node, node = None, node.value[part]
            path.append(part)
    on_key = kind in {"extra_forbidden", "invalid_key"} and key_node is not None
    line = _line(key_node) if on_key and key_node is not None else _line(node)
    return _Found(tuple(path), node, line, key_node)


def _message(group: list[tuple[ErrorDetails, _Found]]) -> str:
    """One message for the errors of one value (several when it fails each union member)."""
    value_errors = [(d, f) for d, f in group if d["type"] not in _EXPECTED]
    if value_errors:
        details, found = value_errors[0]
        return _value_message(details, found)
    expected: list[str] = []
    for details, _ in group:
        if _EXPECTED[details["type"]] not in expected:
            expected.append(_EXPECTED[details["type"]])
    node = group[0][1].node
    kind = bool(_CONTAINERS & set(expected))
    message = f"expected {' or '.join(expected)}, got {_describe(node, kind=kind)}"
    if "text" in expected and isinstance(node, yaml.ScalarNode) and node.tag in _YAML_KINDS:
        message += ": put it in quotes to make it text"
    elif (
        "a list" in expected
        and isinstance(node, yaml.ScalarNode)
        and node.tag == "tag:yaml.org,2002:str"
    ):
        message += f": write it as [{node.value}] or as lines starting with '- '"
    return message


def _value_message(details: ErrorDetails, found: _Found) -> str:
    handler = _VALUE_MESSAGES.get(details["type"])
    if handler is not None:
        return handler(details, found)
    context = _context(details)
    if details["type"] == "value_error" and "error" in context:
        return str(context["error"])
    text = details["msg"]
    return f"{text[:1].lower()}{text[1:]}, got {_describe(found.node, kind=False)}"


def _missing(details: ErrorDetails, found: _Found) -> str:
    return f"missing required key {found.path[-1]!r}"


def _invalid_key(details: ErrorDetails, found: _Found) -> str:
    shown = repr(details["input"]) if found.key_node is None else _describe(found.key_node)
    return f"keys must be text, got {shown}: put it in quotes"


def _empty(details: ErrorDetails, found: _Found) -> str:
    return "must not be empty" + (
        ": give at least one entry" if details["type"] == "too_short" else ""
    )


def _pattern(details: ErrorDetails, found: _Found) -> str:
    if _context(details).get("pattern") == r"\S":
        return "must not be blank"
    got = _describe(found.node, kind=False)
    if found.path == ("repository",):
        return f"expected owner/name (such as octocat/arxiv-daily), got {got}"
    return f"does not have the expected form, got {got}"


def _bound(details: ErrorDetails, found: _Found) -> str:
    words, name = {
        "greater_than": ("more than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than": ("less than", "lt"),
        "less_than_equal": ("at most", "le"),
    }[details["type"]]
    limit = _number(_context(details)[name])
    return f"must be {words} {limit}, got {_describe(found.node, kind=False)}"


def _literal(details: ErrorDetails, found: _Found) -> str:
    expected = str(_context(details)["expected"])
    message = f"expected {expected}, got {_describe(found.node, kind=False)}"
    options = [option.strip("'") for option in expected.split(" or ")]
    close = difflib.get_close_matches(str(details["input"]), options, n=1, cutoff=0.5)
    return message + (f". Did you mean {close[0]!r}?" if close else "")


_VALUE_MESSAGES: dict[str, Callable[[ErrorDetails, _Found], str]] = {
    _PROBLEM: lambda details, _found: str(_context(details)["message"]),
    "extra_forbidden": lambda _details, found: _unknown_key(found),
    "missing": _missing,
    "invalid_key": _invalid_key,
    "string_too_short": _empty,
    "too_short": _empty,
    "string_pattern_mismatch": _pattern,
    "greater_than": _bound,
    "greater_than_equal": _bound,
    "less_than": _bound,
    "less_than_equal": _bound,
    "literal_error": _literal,
}
"""Messages of the errors about a value of the right type (and of unknown and missing keys)."""


def _unknown_key(found: _Found) -> str:
    name = str(found.path[-1])
    message = f"unknown key {name!r}"
    here = _model_at(found.path[:-1])
    if here is None:
        return message
    places = (
        ("the top level", Config),
        ("arxiv", ArxivSettings),
        ("each entry of lists", ListSettings),
    )
    homes = [where for where, model in places if model is not here and name in model.model_fields]
    if homes:
        return f"{message} here: it belongs in {' or '.join(homes)}"
    allowed = list(here.model_fields)
    same_case = [field for field in allowed if field.lower() == name.lower()]
    close = same_case or difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if close:
        return f"{message}. Did you mean {close[0]!r}?"
    return f"{message}. Allowed here: {', '.join(allowed)}"


def _model_at(path: Sequence[PathPart]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Config
    for part in path:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _inner_model(model.model_fields[part].annotation)
    return model


def _inner_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        model = _inner_model(argument)
        if model is not None:
            return model
    return None


def _describe(node: yaml.Node, *, kind: bool = False) -> str:
    """The value as written in the file; with `kind`, what sort of value it is first."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    text = str(node.value)
    shown = text if len(text) <= 60 else text[:57] + "..."
    if node.tag == "tag:yaml.org,2002:null":
        described = "nothing" if text in {"", "~"} else text
    elif node.tag == "tag:yaml.org,2002:bool" and text.lower() not in {"true", "false"}:
        reading = "true" if text.lower() in {"yes", "on"} else "false"
        described = f"{text!r}, which YAML reads as {reading}"
    elif node.tag == "tag:yaml.org,2002:str":
        described = f"a string ({shown!r})" if kind else repr(shown)
    elif kind and node.tag in _YAML_KINDS:
        described = f"{_YAML_KINDS[node.tag]} ({shown})"
    else:
        described = shown
    return described


# --- The JSON Schema ------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `config.yml`, as `config.schema.json` holds it."""
    generated = Config.model_json_schema()
    generated.pop("title", None)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": SCHEMA_TITLE,
        **generated,
        "description": "The config file of the daily arXiv awesome-list bot (arxiv-bot).",
    }


def schema_text() -> str:
    """The schema as the committed file holds it: sorted keys, indent 2, a final newline."""
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    """`python -m bot.config`: print the schema (`make schema` writes it to the file)."""
    sys.stdout.write(schema_text())


if __name__ == "__main__":
    main()
