"""A synthetic arXiv corpus, cloned from the recorded responses in tests/fixtures/.

The 108 real papers recorded there (titles, abstracts, authors, comments as arXiv sent them)
are cloned with new ids, submission times and categories, so a corpus of any size has the
text of real papers and the category mix of a busy part of arXiv. Everything is deterministic:
the same arguments give the same corpus.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from bot.models import Paper
from tests.arxiv_server import FIXTURES, Feed, FeedEntry, entries_from_fixture

CATEGORY_MIX: tuple[tuple[str, int], ...] = (
    ("cs.LG", 20),
    ("cs.CV", 15),
    ("cs.CL", 10),
    ("cs.AI", 10),
    ("cs.SE", 5),
    ("cs.RO", 5),
    ("eess.SY", 3),
    ("stat.ML", 4),
    ("math.OC", 4),
    ("quant-ph", 6),
    ("hep-th", 4),
    ("astro-ph.GA", 5),
    ("cond-mat.str-el", 4),
    ("q-bio.BM", 5),
)
"""Primary categories of the clones, in percent (roughly arXiv's busiest fields)."""

CONFIG = """\
title: Benchmark lists
timezone: UTC
lookback_days: 7
arxiv: {timeout: 30, retries: 0, backoff: 0, delay: 0, deadline: 3600}
lists:
  - name: LLM
    categories: [cs.CL, cs.AI, cs.LG]
    keywords: [LLM, Large Language Model, GPT, ChatGPT, transformer*, prompt*, fine-tuning,
               agent*, reasoning, benchmark*]
  - name: Software Testing
    categories: [cs.SE]
    keywords: [fuzz*, mutation testing, metamorphic testing, test generation, unit test*,
               flaky test*, regression testing, GUI testing, test case prioriti*, oracle*]
  - name: Robotics and Control
    categories: [cs.RO, eess.SY]
    keywords: [robot*, manipulation, reinforcement learning, control*, navigation,
               autonomous driving, SLAM, planning, safety, simulation]
"""
"""3 lists, 30 keywords: the config every measurement uses."""


@contextmanager
def config_folder(name: str) -> Iterator[Path]:
    """A temporary folder holding `CONFIG` as its config.yml, removed on the way out whatever
    happens inside (`arxiv-bench-NAME-*` in the temporary folder while it lasts)."""
    path = Path(tempfile.mkdtemp(prefix=f"arxiv-bench-{name}-"))
    try:
        (path / "config.yml").write_text(CONFIG, encoding="utf-8")
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


QUERY_CATEGORIES = frozenset({"cs.CL", "cs.AI", "cs.LG", "cs.SE", "cs.RO", "eess.SY"})
"""The categories the config's one query asks for."""


@cache
def originals() -> tuple[FeedEntry, ...]:
    """Every distinct recorded paper (with an abstract), in a fixed order."""
    seen: dict[str, FeedEntry] = {}
    for path in sorted(FIXTURES.glob("*.xml")):
        for entry in entries_from_fixture(path.name):
            if entry.summary and entry.id not in seen and "/api/" not in entry.id:
                seen[entry.id] = entry
    return tuple(seen[key] for key in sorted(seen))


def _categories(only: frozenset[str] | None) -> Iterator[str]:
    mix = [name for name, weight in CATEGORY_MIX for _ in range(weight)]
    if only is not None:
        mix = [name for name in mix if name in only]
    # A fixed shuffle (stride coprime to the length) spreads the categories evenly.
    stride = next(step for step in range(7, len(mix)) if _coprime(step, len(mix)))
    return (mix[(index * stride) % len(mix)] for index in itertools.count())


def _coprime(a: int, b: int) -> bool:
    while b:
        a, b = b, a % b
    return a == 1


def clone_corpus(
    count: int,
    start: datetime,
    end: datetime,
    *,
    only: frozenset[str] | None = None,
    prefix: str = "",
) -> list[FeedEntry]:
    """`count` papers submitted evenly from `start` to `end`, oldest first, each a clone of a
    recorded paper with a new id (`YYMM.NNNNN`, numbered within its month) and a primary
    category from the mix (`only`: from those categories alone).

    A clone's title and author names end in its number, so that no two papers share them, as
    on arXiv: nothing a run remembers (an escaped title, a name) comes back for free."""
    base = originals()
    categories = _categories(only)
    step = (end - start) / max(count, 1)
    numbers: dict[str, int] = {}
    out: list[FeedEntry] = []
    for index in range(count):
        moment = start + step * index
        month = f"{prefix}{moment:%y%m}"
        numbers[month] = numbers.get(month, 0) + 1
        original = base[index % len(base)]
        primary = next(categories)
        out.append(
            dataclasses.replace(
                original,
                id=f"{month}.{numbers[month]:05d}",
                version=1,
                title=f"{original.title} {index}",
                authors=[f"{name} {index}" for name in original.authors],
                published=moment,
                updated=moment,
                primary_category=primary,
                categories=[primary],
                affiliations={},
            )
        )
    return out


def feed_pages(entries: Sequence[FeedEntry], page_size: int = 2000) -> list[bytes]:
    """The entries as arXiv's API pages them (newest first), each page as arXiv's bytes."""
    ordered = sorted(entries, key=lambda entry: (entry.published, entry.id), reverse=True)
    return [
        Feed(
            ordered[offset : offset + page_size],
            total_results=len(ordered),
            start_index=offset,
            items_per_page=page_size,
        ).render()
        for offset in range(0, len(ordered), page_size)
    ] or [Feed([], total_results=0).render()]


def week(end: datetime) -> tuple[datetime, datetime]:
    """The seven days before `end`."""
    return end - timedelta(days=7), end


def paper_of(entry: FeedEntry) -> Paper:
    """A corpus entry as the bot's Paper (what parsing its feed gives), without the XML."""
    return Paper(
        id=entry.id,
        version=entry.version,
        title=" ".join(entry.title.split()),
        authors=tuple(entry.authors),
        abstract=" ".join(entry.summary.split()),
        primary_category=entry.primary_category or entry.categories[0],
        categories=tuple(entry.categories),
        published=entry.published,
        updated=entry.updated or entry.published,
        comment=entry.comment or None,
        journal_ref=entry.journal_ref or None,
        doi=entry.doi or None,
    )
