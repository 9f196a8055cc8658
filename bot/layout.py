"""Where every file of the bot lives, relative to the folder of the config file.

    lists/<slug>/<YYYY>/<YYYY-MM-DD>.json             the day's papers (the source of truth)
    lists/<slug>/<YYYY>/<YYYY-MM-DD>.md               the day's list, first page
    lists/<slug>/<YYYY>/pages/<MM>/<YYYY-MM-DD>-N.md  continuation pages of a long day (N ≥ 2)
    lists/<slug>/<YYYY>/README.md                     the year's archive
    lists/<slug>/<YYYY>/ids.txt                       the id index of the year's day files
    lists/<slug>/README.md                            the list's archive (last 90 days, years)
    lists/<slug>/weekly/<YYYY>-W<ww>.md               the digest of an ISO week (ISO year, week)
    lists/<slug>/feed.xml                             the list's Atom feed (the latest papers)
    lists/<slug>/trend.svg, keywords.svg              the archive's charts (last 90 days)
    lists/.state.json                                 the run state
    lists/.backfill.json                              the list dates `backfill` has built
    README.md                                         the repository's README (one section is ours)

GitHub lists at most 1,000 entries of a folder. A year folder holds two files a day (at most
732), its archive and its id index. Continuation pages sit in a folder per month, `pages/<MM>/`
(`pages/` itself holds at most 12): a month has at most 23 announcement days, so a month folder
stays under 1,000 entries while days have at most 43 continuation pages (44 pages, over 8,000
entries even at 200 a page of 400 KB); with a list every day of a 31-day month, at most 32. A
list of the whole of arXiv (~1,500 papers a day) needs about 7. Releases before month folders
put continuation pages in `pages/` itself: re-rendering a day removes its pages from there too
(`continuation_dirs`).
"""

from __future__ import annotations

import posixpath
from datetime import date
from pathlib import PurePosixPath

LISTS = PurePosixPath("lists")
STATE = LISTS / ".state.json"
BACKFILL = LISTS / ".backfill.json"
README = PurePosixPath("README.md")


def list_dir(slug: str) -> PurePosixPath:
    return LISTS / slug


def year_dir(slug: str, year: int) -> PurePosixPath:
    return list_dir(slug) / f"{year:04d}"


def day_json(slug: str, day: date) -> PurePosixPath:
    return year_dir(slug, day.year) / f"{day.isoformat()}.json"


def day_page(slug: str, day: date, page: int = 1) -> PurePosixPath:
    """The Markdown page `page` (1-based) of a day's list: page 1 in the year folder, the
    others in the month's folder of continuation pages."""
    if page == 1:
        return year_dir(slug, day.year) / f"{day.isoformat()}.md"
    return pages_dir(slug, day) / f"{day.isoformat()}-{page}.md"


def pages_dir(slug: str, day: date) -> PurePosixPath:
    """The folder of the continuation pages of the days of `day`'s month."""
    return year_dir(slug, day.year) / "pages" / f"{day.month:02d}"


def continuation_dirs(slug: str, day: date) -> tuple[PurePosixPath, ...]:
    """Every folder a day's continuation pages may be found in: its month's, and the one
    releases before month folders used (`<YYYY>/pages/`), so stale pages are found in both."""
    return pages_dir(slug, day), year_dir(slug, day.year) / "pages"


def list_archive(slug: str) -> PurePosixPath:
    return list_dir(slug) / "README.md"


def year_archive(slug: str, year: int) -> PurePosixPath:
    return year_dir(slug, year) / "README.md"


def id_index(slug: str, year: int) -> PurePosixPath:
    """The derived id index of a year's day files (`bot.index`)."""
    return year_dir(slug, year) / "ids.txt"


def weekly(slug: str, year: int, week: int) -> PurePosixPath:
    """The digest of ISO week `week` of ISO year `year` (2026-12-28 is in 2026-W53)."""
    return weekly_dir(slug) / f"{year:04d}-W{week:02d}.md"


def weekly_dir(slug: str) -> PurePosixPath:
    """The folder of the list's weekly digests."""
    return list_dir(slug) / "weekly"


def feed(slug: str) -> PurePosixPath:
    return list_dir(slug) / "feed.xml"


def trend_chart(slug: str) -> PurePosixPath:
    return list_dir(slug) / "trend.svg"


def keywords_chart(slug: str) -> PurePosixPath:
    return list_dir(slug) / "keywords.svg"


def link(source: PurePosixPath, target: PurePosixPath) -> str:
    """The relative link from the page at `source` to the file at `target`."""
    folder, path = str(source.parent), str(target)
    # The common case (a year's archive to its days) without relpath's normalising work.
    if path.startswith(folder + "/") and "/" not in path[len(folder) + 1 :]:
        return path[len(folder) + 1 :]
    return posixpath.relpath(path, folder)
