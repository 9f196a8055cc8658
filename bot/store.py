"""The stored lists: per-day JSON files (the source of truth) and the run state.

Everything the bot knows about earlier days is read from `lists/<slug>/<YYYY>/<date>.json`;
besides them it keeps only `lists/.state.json`. Files are replaced atomically, so a run
killed at any moment leaves every file whole; the temp file a kill may leave beside its target
(`.<name>.<random>.tmp`) is removed by the next `apply`.

Test hooks (crash-safety tests, tests/test_crash.py; they do nothing when unset):
`ARXIV_BOT_TEST_KILL_AFTER_WRITES=N` makes the process SIGKILL itself right after the N-th file
replacement of `apply`; `ARXIV_BOT_TEST_KILL_DURING_WRITE=N` makes it SIGKILL itself while
writing the N-th file, with half of the text in the temp file and the target not yet replaced.
"""

from __future__ import annotations

import json
import os
import re
import signal
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import cast

from bot import layout
from bot.errors import StoreError
from bot.models import DayList, Entry, Hit, Keyword, Paper, Rules, RunState, Sort, Topic, Where

_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
_YEAR_DIR = re.compile(r"^\d{4}$")
_TEMP_FILE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
"""A temp file of `write_atomic` (mkstemp: 8 random characters), left behind by a kill."""
_WHERE: frozenset[str] = frozenset({"title", "abstract", "authors"})
_SORTS: frozenset[str] = frozenset({"relevance", "newest"})


# --- JSON <-> values --------------------------------------------------------------------------


def _time(value: datetime) -> str:
    """`2026-11-18T17:59:59Z`: UTC, whole seconds (isoformat, many times faster than strftime)."""
    moment = value.astimezone(UTC)
    if moment.microsecond:
        moment = moment.replace(microsecond=0)
    return moment.replace(tzinfo=None).isoformat() + "Z"


def _keyword_json(keyword: Keyword) -> str | list[str]:
    return keyword if isinstance(keyword, str) else list(keyword)


def paper_text(entry: Entry, newline: str) -> str:
    """One paper of a day file, its fields in the documented order, as
    `json.dumps(…, ensure_ascii=False, indent=2)` writes it with `newline` (a line break and
    the indent of the paper's line) before each line. A day file is mostly papers: written
    field by field here, a paper takes a fifth of the time of a dict walked by `_indented`."""
    paper = entry.paper
    field = newline + "  "
    item = field + "  "
    links = [("abs", paper.abs_url), ("pdf", paper.pdf_url)]
    if paper.doi:
        links.append(("doi", f"https://doi.org/{paper.doi}"))
    inner = item + "  "
    matched = [
        f'{{{inner}"keyword": {_string(hit.keyword)},{inner}"where": '
        f"{_strings(hit.where, inner)}{item}}}"
        for hit in entry.hits
    ]
    return "".join(
        (
            f'{{{field}"id": {_string(paper.id)},',
            f'{field}"version": {paper.version!r},',
            f'{field}"title": {_string(paper.title)},',
            f'{field}"authors": {_strings(paper.authors, field)},',
            f'{field}"abstract": {_string(paper.abstract)},',
            f'{field}"primary_category": {_string(paper.primary_category)},',
            f'{field}"categories": {_strings(paper.categories, field)},',
            f'{field}"published": {_string(_time(paper.published))},',
            f'{field}"updated": {_string(_time(paper.updated))},',
            f'{field}"comment": {_optional(paper.comment)},',
            f'{field}"journal_ref": {_optional(paper.journal_ref)},',
            f'{field}"doi": {_optional(paper.doi)},',
            f'{field}"links": {{',
            ",".join(f"{item}{_string(key)}: {_string(url)}" for key, url in links),
            f'{field}}},{field}"matched": {_list(matched, field)},',
            f'{field}"score": {entry.score!r},',
            f'{field}"topic": {_optional(entry.topic)}{newline}}}',
        )
    )


def _list(items: Sequence[str], newline: str) -> str:
    """A list of items (each already JSON, written for the indent one deeper than `newline`)
    as `_indented` writes it on a line indented by `newline`."""
    if not items:
        return "[]"
    inner = newline + "  "
    return f"[{inner}{(',' + inner).join(items)}{newline}]"


def _strings(values: Sequence[str], newline: str) -> str:
    return _list([_string(value) for value in values], newline)


def _optional(value: str | None) -> str:
    return "null" if value is None else _string(value)


def day_json(day: DayList) -> str:
    """The text of a day file: stable key order, UTF-8, two-space indent, final newline (what
    `json.dumps(…, ensure_ascii=False, indent=2)` gives, plus the newline)."""
    head = {
        "list": day.slug,
        "name": day.name,
        "date": day.date.isoformat(),
        "rules": {
            "keywords": [_keyword_json(k) for k in day.rules.keywords],
            "authors": list(day.rules.authors),
            "categories": list(day.rules.categories),
            "exclude": [_keyword_json(k) for k in day.rules.exclude],
            "topics": [
                {"name": topic.name, "keywords": [_keyword_json(k) for k in topic.keywords]}
                for topic in day.rules.topics
            ],
            "sort": day.rules.sort,
        },
    }
    top = "\n  "  # the indent of the file's fields
    out: list[str] = ["{"]
    for key, value in head.items():
        out.append(f"{top}{_string(key)}: ")
        _indented(value, top, out)
        out.append(",")
    papers = [paper_text(entry, top + "  ") for entry in day.entries]
    out.append(f'{top}"papers": {_list(papers, top)}\n}}\n')
    return "".join(out)


_string = json.encoder.encode_basestring  # json's own (in C), as with ensure_ascii=False


def _indented(value: object, newline: str, out: list[str]) -> None:
    """Appends what `json.dumps(value, ensure_ascii=False, indent=2)` gives, piece by piece:
    the same text, without the generators json's indenting encoder (pure Python) goes
    through. `newline` is a line break and the indent of the value's line."""
    if isinstance(value, dict) and value:
        inner = newline + "  "
        opening = "{" + inner
        for key, item in value.items():
            head = f"{opening}{_string(key)}: "
            if type(item) is str:  # the most common values, written here to save a call
                out.append(head + _string(item))
            elif item is None:
                out.append(head + "null")
            elif (leaf := _leaf(item, inner)) is not None:
                out.append(head + leaf)
            else:
                out.append(head)
                _indented(item, inner, out)
            opening = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list | tuple) and value:
        inner = newline + "  "
        opening = "[" + inner
        for item in value:
            leaf = _leaf(item, inner)
            if leaf is None:
                out.append(opening)
                _indented(item, inner, out)
            else:
                out.append(opening + leaf)
            opening = "," + inner
        out.append(newline + "]")
    else:
        out.append(_leaf(value, newline) or json.dumps(value, ensure_ascii=False))


def _leaf(value: object, newline: str) -> str | None:
    """The text of a value that needs no recursion (most of a day file), or None."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if type(value) is int:
        return repr(value)
    if isinstance(value, list | tuple) and all(type(item) is str for item in value):
        return _strings(value, newline)
    if isinstance(value, bool | float) or value == {}:
        return json.dumps(value)
    return None


class _Reader:
    """Reads one JSON document, turning every shape error into a StoreError naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, what: str) -> StoreError:
        return StoreError(
            f"{self.path}: {what}",
            "restore the file from git history (git checkout -- <file>) or delete it; "
            "the bot never writes it in this shape",
        )

    def obj(self, value: object, what: str) -> Mapping[str, object]:
        if not isinstance(value, dict):
            raise self.fail(f"{what} is not an object")
        return cast(Mapping[str, object], value)

    def text(self, data: Mapping[str, object], key: str, *, optional: bool = False) -> str:
        value = data.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            raise self.fail(f"{key!r} is not text")
        return value

    def texts(self, data: Mapping[str, object], key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key!r} is not a list of text")
        return tuple(cast(list[str], value))

    def keywords(self, data: Mapping[str, object], key: str) -> tuple[Keyword, ...]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{key!r} is not a list")
        out: list[Keyword] = []
        for item in value:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, list) and all(isinstance(v, str) for v in item):
                out.append(tuple(cast(list[str], item)))
            else:
                raise self.fail(f"{key!r} holds {item!r}, not a keyword")
        return tuple(out)

    def topics(self, data: Mapping[str, object]) -> tuple[Topic, ...]:
        value = data.get("topics", [])
        if not isinstance(value, list):
            raise self.fail("'topics' is not a list")
        topics = []
        for item in value:
            topic = self.obj(item, "a topic")
            topics.append(Topic(self.text(topic, "name"), self.keywords(topic, "keywords")))
        return tuple(topics)

    def sort(self, data: Mapping[str, object]) -> Sort:
        value = data.get("sort", "relevance")
        if value not in _SORTS:
            raise self.fail(f"'sort' is {value!r}, not 'relevance' or 'newest'")
        return cast(Sort, value)

    def time(self, data: Mapping[str, object], key: str) -> datetime:
        raw = self.text(data, key)
        try:
            value = datetime.fromisoformat(raw)
        except ValueError as error:
            raise self.fail(f"{key!r} is not a time: {raw!r}") from error
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    def integer(self, data: Mapping[str, object], key: str, default: int) -> int:
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{key!r} is not a whole number")
        return value


def _entry(reader: _Reader, raw: object) -> Entry:
    data = reader.obj(raw, "a paper")
    hits: list[Hit] = []
    matched = data.get("matched", [])
    if not isinstance(matched, list):
        raise reader.fail("'matched' is not a list")
    for item in matched:
        hit = reader.obj(item, "a matched keyword")
        where = reader.texts(hit, "where")
        if not set(where) <= _WHERE:
            raise reader.fail(f"'where' holds {where!r}")
        hits.append(Hit(reader.text(hit, "keyword"), cast(tuple[Where, ...], where)))
    paper = Paper(
        id=reader.text(data, "id"),
        version=reader.integer(data, "version", 1),
        title=reader.text(data, "title"),
        authors=reader.texts(data, "authors"),
        abstract=reader.text(data, "abstract"),
        primary_category=reader.text(data, "primary_category"),
        categories=reader.texts(data, "categories"),
        published=reader.time(data, "published"),
        updated=reader.time(data, "updated"),
        comment=reader.text(data, "comment", optional=True) or None,
        journal_ref=reader.text(data, "journal_ref", optional=True) or None,
        doi=reader.text(data, "doi", optional=True) or None,
    )
    topic = data.get("topic")
    return Entry(
        paper=paper,
        hits=tuple(hits),
        score=reader.integer(data, "score", 0),
        topic=topic if isinstance(topic, str) else None,
    )


def parse_day(text: str, path: Path) -> DayList:
    """A day file's text back into a DayList; a StoreError names the file when it is broken."""
    reader = _Reader(path)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise reader.fail(f"not valid JSON (line {error.lineno}: {error.msg})") from error
    data = reader.obj(raw, "the file")
    rules = reader.obj(data.get("rules", {}), "'rules'")
    papers = data.get("papers")
    if not isinstance(papers, list):
        raise reader.fail("'papers' is not a list")
    try:
        day = date.fromisoformat(reader.text(data, "date"))
    except ValueError as error:
        raise reader.fail("'date' is not YYYY-MM-DD") from error
    return DayList(
        slug=reader.text(data, "list"),
        name=reader.text(data, "name", optional=True) or reader.text(data, "list"),
        date=day,
        rules=Rules(
            keywords=reader.keywords(rules, "keywords"),
            authors=reader.texts(rules, "authors"),
            categories=reader.texts(rules, "categories"),
            exclude=reader.keywords(rules, "exclude"),
            topics=reader.topics(rules),
            sort=reader.sort(rules),
        ),
        entries=tuple(_entry(reader, item) for item in papers),
    )


# --- the folder ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    """The stored lists under one root folder (the config file's folder)."""

    root: Path

    def path(self, relative: PurePosixPath) -> Path:
        return self.root.joinpath(*relative.parts)

    def read_text(self, relative: PurePosixPath) -> str | None:
        """A file's text, or None when it does not exist."""
        try:
            return self.path(relative).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise StoreError(
                f"cannot read {self.path(relative)}: {error}",
                "check the file's permissions and encoding (UTF-8)",
            ) from error

    def days(self, slug: str) -> list[date]:
        """Every date that has a day file for the list, oldest first."""
        found: list[date] = []
        folder = self.path(layout.list_dir(slug))
        if not folder.is_dir():
            return found
        for year in folder.iterdir():
            if not (year.is_dir() and _YEAR_DIR.match(year.name)):
                continue
            for file in year.iterdir():
                match = _DAY_FILE.match(file.name)
                if match:
                    try:
                        found.append(date.fromisoformat(match.group(1)))
                    except ValueError:
                        continue
        return sorted(found)

    def load_day(self, slug: str, day: date) -> DayList | None:
        relative = layout.day_json(slug, day)
        text = self.read_text(relative)
        return None if text is None else parse_day(text, self.path(relative))

    def load_days(self, slug: str) -> Iterator[DayList]:
        for day in self.days(slug):
            loaded = self.load_day(slug, day)
            if loaded is not None:
                yield loaded

    def listed_ids(self, slug: str, *, except_date: date | None = None) -> frozenset[str]:
        """Every paper id listed on any day of the list but `except_date`."""
        ids: set[str] = set()
        for day in self.load_days(slug):
            if day.date != except_date:
                ids.update(entry.paper.id for entry in day.entries)
        return frozenset(ids)

    def read_state(self) -> RunState | None:
        path = self.path(layout.STATE)
        text = self.read_text(layout.STATE)
        if text is None:
            return None
        reader = _Reader(path)
        try:
            data = reader.obj(json.loads(text), "the file")
            return RunState(
                date=date.fromisoformat(reader.text(data, "date")),
                window_start=reader.time(data, "window_start"),
            )
        except (json.JSONDecodeError, ValueError) as error:
            raise reader.fail(f"not a run state ({error})") from error


def state_json(state: RunState) -> str:
    data = {"date": state.date.isoformat(), "window_start": _time(state.window_start)}
    return json.dumps(data, indent=2) + "\n"


# --- writing ---------------------------------------------------------------------------------


KILL_AFTER_WRITES = "ARXIV_BOT_TEST_KILL_AFTER_WRITES"
KILL_DURING_WRITE = "ARXIV_BOT_TEST_KILL_DURING_WRITE"
_replaced = 0
"""Files this process has replaced through `apply` (counted for the test hooks only)."""


def _test_kill(hook: str, count: int) -> bool:
    """True when the test hook `hook` is set to `count` (never when it is unset)."""
    value = os.environ.get(hook)
    return value is not None and value.strip() == str(count)


def _die() -> None:  # pragma: no cover - the process ends here
    os.kill(os.getpid(), signal.SIGKILL)


def write_atomic(path: Path, text: str, *, torn: bool = False) -> None:
    """Replace `path` with `text` in one step: a temp file beside it, flushed, then renamed.

    `torn` is for the crash tests only: half the text is written, then the process is killed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if torn:
                handle.write(text[: len(text) // 2])
                handle.flush()
                os.fsync(handle.fileno())
                _die()
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Change:
    """One file a run writes (text) or removes (None)."""

    path: PurePosixPath
    text: str | None


def pending(store: Store, changes: Iterable[Change]) -> list[Change]:
    """The changes that would alter the folder (identical bytes and absent removals drop out)."""
    out: list[Change] = []
    for change in changes:
        current = store.read_text(change.path)
        if change.text != current:
            out.append(change)
    return out


def stale_temp_files(store: Store) -> list[Path]:
    """Temp files a killed run left beside the files it was replacing (lists/ and the root)."""
    found = [
        path
        for path in store.path(layout.LISTS).rglob(".*.tmp")
        if path.is_file() and _TEMP_FILE.match(path.name)
    ]
    found += [
        path
        for path in store.root.glob(f".{layout.README.name}.*.tmp")
        if path.is_file() and _TEMP_FILE.match(path.name)
    ]
    return sorted(found)


def apply(store: Store, changes: Sequence[Change]) -> None:
    """Carry out changes in the given order, each atomically; first remove what a killed run
    left half-written (temp files, never a real file)."""
    global _replaced  # noqa: PLW0603 - a per-process count for the test hooks only
    for stale in stale_temp_files(store):
        stale.unlink(missing_ok=True)
    for change in changes:
        target = store.path(change.path)
        try:
            if change.text is None:
                target.unlink(missing_ok=True)
            else:
                torn = _test_kill(KILL_DURING_WRITE, _replaced + 1)
                write_atomic(target, change.text, torn=torn)
        except OSError as error:
            raise StoreError(
                f"cannot write {target}: {error}",
                "check that the folder is writable and the disk is not full",
            ) from error
        _replaced += 1
        if _test_kill(KILL_AFTER_WRITES, _replaced):
            _die()
