"""The derived id index: what each stored day holds, known without parsing the day files.

`lists/<slug>/<YYYY>/ids.txt` names every day file of its year folder with the file's size in
bytes, the ids of its papers and, after a `|`, how many of them each keyword hit (what the
keyword chart adds up), one line per day, oldest first:

    # arxiv-bot id index v2: ...
    2026-11-20.json 48213 2611.00001 2611.00002 | LLM=2 agent*%20+%20tool%20use=1

It is a view, like the Markdown pages: written after the day JSON, never the source of truth.
A run trusts a year's index only while it agrees with the folder (the same day files with the
same byte sizes: names and sizes, not times, since a checkout resets mtimes); otherwise it reads
that year's day files and writes the index again (DESIGN "De-duplication"). An index in an
older format (no `v2` header, no `|` on a line) is not trusted either, so it is rebuilt the same
way. So de-duplication, the archives and the charts of years of lists cost a directory listing
and a few small reads, while a day's full data is parsed only when a view of that day is rebuilt.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from itertools import chain
from urllib.parse import quote, unquote

from bot import layout
from bot.models import DayList, Entry
from bot.store import Change, Store

HEADER = (
    "# arxiv-bot id index v2: each day file of this folder, its size in bytes, its papers' ids\n"
    "# and, after |, how many of them each keyword hit (label=papers).\n"
    "# Derived from the day files and rebuilt whenever they change; editing it changes nothing.\n"
)
_VERSION = HEADER.split(":", 1)[0] + ":"
"""The first line of an index in this format begins so; an older index is rebuilt."""

_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
_YEAR_DIR = re.compile(r"^\d{4}$")
_SAFE = "/:+-._~"
"""Characters an id keeps as they are in the index; others (a space…) are percent-encoded."""
_UNSAFE = re.compile(r"[^A-Za-z0-9/:+\-._~ ]")
"""Anything in a line of ids (separating spaces allowed) that calls for percent-encoding."""
_LABEL_SAFE = "*+-._~"
"""Characters a keyword label keeps as they are; others (a space, `=`, `|`…) are encoded."""


@dataclass(frozen=True, slots=True)
class DayRecord:
    """One day file as the index knows it."""

    size: int
    """The file's size in bytes (with its name, the fingerprint of the file)."""
    ids: tuple[str, ...]
    """Its papers' ids, in the file's order."""
    keyword_hits: str = ""
    """How many of its papers each keyword hit, as the index writes it (`LLM=2 agent*=1`,
    labels percent-encoded): kept as text, and read (`keywords`) only for the days a chart
    shows, so loading years of days does not pay for it."""

    @property
    def keywords(self) -> tuple[tuple[str, int], ...]:
        """Each keyword label that hit the day's papers and how many it hit, by label."""
        found: list[tuple[str, int]] = []
        for item in self.keyword_hits.split():
            label, _, count = item.rpartition("=")
            if label and count.isdigit():  # anything else is not the bot's: left out
                found.append((unquote(label) if "%" in label else label, int(count)))
        return tuple(found)


def keyword_counts(entries: Iterable[Entry]) -> tuple[tuple[str, int], ...]:
    """How many of the entries each keyword hit, by label: a paper counts once per keyword,
    and followed authors are not keywords (what the keyword chart shows, `bot.chart`)."""
    counts: Counter[str] = Counter()
    for entry in entries:
        counts.update(
            {hit.keyword for hit in entry.hits if "authors" not in hit.where and hit.keyword}
        )
    return tuple(sorted(counts.items()))


def record_of(day: DayList, size: int) -> DayRecord:
    """The index record of a day file of `size` bytes holding `day`."""
    ids = tuple(entry.paper.id for entry in day.entries)
    return DayRecord(size, ids, keyword_hits_text(keyword_counts(day.entries)))


def keyword_hits_text(counts: Iterable[tuple[str, int]]) -> str:
    """Keyword counts as a line of the index writes them: `LLM=2 agent*%20+%20tool%20use=1`."""
    return " ".join(f"{quote(label, safe=_LABEL_SAFE)}={count}" for label, count in counts)


# --- the file format --------------------------------------------------------------------------


def index_text(records: Mapping[date, DayRecord]) -> str:
    """The text of a year's index: the header, then one line per day, oldest first."""
    lines = [HEADER]
    for day in sorted(records):
        record = records[day]
        ids = " ".join(record.ids)
        if _UNSAFE.search(ids) or ids.count(" ") != max(len(record.ids) - 1, 0):
            ids = " ".join(quote(paper_id, safe=_SAFE) for paper_id in record.ids)
        hits = f" {record.keyword_hits}" if record.keyword_hits else ""
        lines.append(
            f"{day.isoformat()}.json {record.size}{' ' if record.ids else ''}{ids} |{hits}\n"
        )
    return "".join(lines)


def parse_index(text: str) -> dict[date, DayRecord] | None:
    """The records an index holds, or None when it is not an index this version of the bot
    wrote (an older format is rebuilt from the day files, like a stale index)."""
    if not text.startswith(_VERSION):
        return None
    records: dict[date, DayRecord] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, bar, hit_text = line.rpartition(" |")  # labels never hold " |": from the end
        if not bar:
            return None
        name, _, rest = head.partition(" ")
        size_text, _, id_text = rest.partition(" ")
        found = _DAY_FILE.match(name)
        if found is None or not size_text.isdigit():
            return None
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            return None
        ids = id_text.split(" ") if id_text else []
        if "%" in id_text:
            ids = [unquote(paper_id) for paper_id in ids]
        records[day] = DayRecord(int(size_text), tuple(ids), hit_text.strip(" "))
    return records


def scan_year(folder: os.PathLike[str] | str) -> dict[date, int]:
    """The day files of a year folder and their sizes in bytes."""
    found: dict[date, int] = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return found
    for entry in entries:
        match = _DAY_FILE.match(entry.name)
        if match is None or not entry.is_file():
            continue
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            continue
        found[day] = entry.stat().st_size
    return found


# --- a list's days, read lazily ---------------------------------------------------------------


class ListHistory(Mapping[date, DayList]):
    """Every stored day of one list: dates, counts and ids from the index, each day's full data
    read on first use. Days a run builds are laid over the stored ones (`history[day] = …`)."""

    def __init__(
        self,
        store: Store,
        slug: str,
        records: dict[date, DayRecord],
        *,
        loaded: dict[date, DayList] | None = None,
        years: frozenset[int] = frozenset(),
        stale: frozenset[int] = frozenset(),
    ) -> None:
        self.store = store
        self.slug = slug
        self._records = records
        self._days: dict[date, DayList] = dict(loaded or {})
        self._built: dict[date, DayList] = {}
        self._order: list[date] | None = None
        self._listed: set[str] | None = None
        """Every paper id on a day of the list (built on first use)."""
        self._counts: dict[str, int] | None = None
        """Per paper id, the number of days listing it: built instead of `_listed` once a day
        holding papers is left out or replaced (a re-run, not the daily case)."""
        self.years = years
        """The year folders the list has (with or without day files)."""
        self.stale = stale
        """Years whose index was missing or disagreed with the day files."""

    # -- Mapping

    def __getitem__(self, day: date) -> DayList:
        found = self._built.get(day) or self._days.get(day)
        if found is not None:
            return found
        if day not in self._records:
            raise KeyError(day)
        loaded = self.store.load_day(self.slug, day)
        if loaded is None:
            raise KeyError(day)
        self._days[day] = loaded
        return loaded

    def __iter__(self) -> Iterator[date]:
        if self._order is None:
            self._order = sorted(self._records.keys() | self._built.keys())
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._records.keys() | self._built.keys())

    def __contains__(self, day: object) -> bool:
        return day in self._records or day in self._built

    # -- what the index knows

    def __setitem__(self, day: date, value: DayList) -> None:
        """Lay a day this run built over the stored one (not written yet)."""
        if self._counts is not None:
            self._count(self.ids(day), -1)
            self._count((entry.paper.id for entry in value.entries), +1)
        elif self._listed is not None:
            if self.ids(day):  # its papers may be on other days too: only counts can tell
                self._listed = None
            else:
                self._listed.update(entry.paper.id for entry in value.entries)
        self._built[day] = value
        self._order = None

    def written(self, day: date, size: int) -> None:
        """A built day is now on disk (`size` bytes): keep only its record, read it again on use."""
        built = self._built.pop(day, None)
        self._days.pop(day, None)
        if built is not None:
            self._records[day] = record_of(built, size)
        self._order = None

    @property
    def built(self) -> Mapping[date, DayList]:
        """The days laid over by this run."""
        return self._built

    def ids(self, day: date) -> Sequence[str]:
        """The ids of a day's papers (empty for a day the list does not have)."""
        built = self._built.get(day)
        if built is not None:
            return [entry.paper.id for entry in built.entries]
        record = self._records.get(day)
        return record.ids if record is not None else ()

    def count(self, day: date) -> int:
        """How many papers a day holds."""
        return len(self.ids(day))

    def keywords(self, day: date) -> tuple[tuple[str, int], ...]:
        """How many of a day's papers each keyword hit (`keyword_counts`; none for a day the
        list does not have)."""
        built = self._built.get(day)
        if built is not None:
            return keyword_counts(built.entries)
        record = self._records.get(day)
        return record.keywords if record is not None else ()

    def elsewhere(self, day: date | None = None) -> AbstractSet[str]:
        """Every paper id on a day of the list other than `day` (a live view, no copy, while
        `day` holds none: what de-duplicating a new day against years of days needs)."""
        own = set(self.ids(day)) if day is not None else set()
        if not own and self._counts is None:
            if self._listed is None:
                self._listed = set(chain.from_iterable(self.ids(other) for other in self))
            return self._listed
        if self._counts is None:
            self._counts = Counter(chain.from_iterable(self.ids(other) for other in self))
            self._listed = None
        if not own:
            return self._counts.keys()
        return {paper_id for paper_id, days in self._counts.items() if days > (paper_id in own)}

    def _count(self, ids: Iterable[str], step: int) -> None:
        assert self._counts is not None
        for paper_id in ids:
            days = self._counts.get(paper_id, 0) + step
            if days > 0:
                self._counts[paper_id] = days
            else:
                self._counts.pop(paper_id, None)

    def stored(self, day: date) -> DayRecord | None:
        """The index record of a stored day file."""
        return self._records.get(day)


def load_history(store: Store, slug: str) -> ListHistory:
    """A list's days from its indexes, re-reading the day files of any year they disagree with."""
    folder = store.path(layout.list_dir(slug))
    records: dict[date, DayRecord] = {}
    loaded: dict[date, DayList] = {}
    years: set[int] = set()
    stale: set[int] = set()
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        entries = []
    for entry in entries:
        if not (_YEAR_DIR.match(entry.name) and entry.is_dir()):
            continue
        year = int(entry.name)
        years.add(year)
        sizes = scan_year(entry.path)
        text = store.read_text(layout.id_index(slug, year))
        indexed = parse_index(text) if text is not None else None
        if indexed is not None and {d: r.size for d, r in indexed.items()} == sizes:
            records.update(indexed)
            continue
        if sizes or text is not None:
            stale.add(year)
        for day in sorted(sizes):
            found = store.load_day(slug, day)
            if found is None:  # removed since the listing
                continue
            loaded[day] = found
            records[day] = record_of(found, sizes[day])
    return ListHistory(
        store, slug, records, loaded=loaded, years=frozenset(years), stale=frozenset(stale)
    )


# --- helpers that work on any history ---------------------------------------------------------


def listed_ids(
    history: Mapping[date, DayList], *, except_day: date | None = None
) -> AbstractSet[str]:
    """Every paper id on any day of the list but `except_day`."""
    if isinstance(history, ListHistory):
        return history.elsewhere(except_day)
    return {
        entry.paper.id
        for day, listed in history.items()
        if day != except_day
        for entry in listed.entries
    }


def day_count(history: Mapping[date, DayList], day: date) -> int:
    """How many papers a day of the list holds, without reading it when the index knows."""
    if isinstance(history, ListHistory):
        return history.count(day)
    return len(history[day].entries)


def day_keywords(history: Mapping[date, DayList], day: date) -> tuple[tuple[str, int], ...]:
    """How many of a day's papers each keyword hit (`keyword_counts`), without reading the day
    when the index knows; none for a day the list does not have."""
    if isinstance(history, ListHistory):
        return history.keywords(day)
    return keyword_counts(history[day].entries) if day in history else ()


# --- the index files a run writes -------------------------------------------------------------


def index_changes(
    histories: Mapping[str, Mapping[date, DayList]],
    data: Sequence[Change],
    *,
    everything: bool = False,
) -> list[Change]:
    """The indexes to write after the day JSON `data`: the years that data touches, the years
    whose index was missing or stale, and with `everything` (`render`) every year there is."""
    texts = {change.path: change.text for change in data}
    changes: list[Change] = []
    for slug, history in histories.items():
        if not isinstance(history, ListHistory):
            continue
        written: dict[date, DayRecord] = {}
        for day, built in history.built.items():
            text = texts.get(layout.day_json(slug, day))
            if text is not None:
                written[day] = record_of(built, len(text.encode("utf-8")))
        years = set(history.stale) | {day.year for day in written}
        if everything:
            years |= set(history.years) | {day.year for day in history}
        for year in sorted(years):
            records = {
                day: record
                for day in history
                if day.year == year
                and (record := written.get(day) or history.stored(day)) is not None
            }
            text = index_text(records) if records else None
            changes.append(Change(layout.id_index(slug, year), text))
    return changes
