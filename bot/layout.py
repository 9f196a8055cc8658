"""Where every file of the bot lives, relative to the folder of the config file.

    lists/<slug>/<YYYY>/<YYYY-MM-DD>.json        the day's papers (the source of truth)
    lists/<slug>/<YYYY>/<YYYY-MM-DD>.md          the day's list, first page
    lists/<slug>/<YYYY>/pages/<YYYY-MM-DD>-N.md  continuation pages of a very long day (N ≥ 2)
    lists/<slug>/<YYYY>/README.md                the year's archive
    lists/<slug>/README.md                       the list's archive (last 90 days, years)
    lists/.state.json                            the run state
    README.md                                    the repository's README (one section is ours)

Continuation pages live in `pages/` so a year folder never passes GitHub's 1,000-entry listing.
"""

from __future__ import annotations

import posixpath
from datetime import date
from pathlib import PurePosixPath

LISTS = PurePosixPath("lists")
STATE = LISTS / ".state.json"
README = PurePosixPath("README.md")


def list_dir(slug: str) -> PurePosixPath:
    return LISTS / slug


def year_dir(slug: str, year: int) -> PurePosixPath:
    return list_dir(slug) / f"{year:04d}"


def day_json(slug: str, day: date) -> PurePosixPath:
    return year_dir(slug, day.year) / f"{day.isoformat()}.json"


def day_page(slug: str, day: date, page: int = 1) -> PurePosixPath:
    """The Markdown page `page` (1-based) of a day's list."""
    if page == 1:
        return year_dir(slug, day.year) / f"{day.isoformat()}.md"
    return year_dir(slug, day.year) / "pages" / f"{day.isoformat()}-{page}.md"


def list_archive(slug: str) -> PurePosixPath:
    return list_dir(slug) / "README.md"


def year_archive(slug: str, year: int) -> PurePosixPath:
    return year_dir(slug, year) / "README.md"


def link(source: PurePosixPath, target: PurePosixPath) -> str:
    """The relative link from the page at `source` to the file at `target`."""
    return posixpath.relpath(str(target), str(source.parent))
