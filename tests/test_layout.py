"""Where files live, and the relative links between them."""

from __future__ import annotations

import posixpath
from datetime import date
from pathlib import PurePosixPath

import pytest

from bot import layout

P = PurePosixPath

PATHS = [
    ("lists/a/2026/README.md", "lists/a/2026/2026-01-02.md"),
    ("README.md", "lists/a/README.md"),
    ("lists/a/README.md", "lists/a/2026/2026-01-02.md"),
    ("lists/a/2026/pages/01/2026-01-02-2.md", "lists/a/2026/2026-01-02.md"),
    ("lists/a/2026/2026-01-02.md", "lists/a/2026/pages/01/2026-01-02-2.md"),
    ("lists/a/2026/pages/01/2026-01-02-2.md", "lists/a/2026/pages/01/2026-01-02-3.md"),
    ("lists/a/2026/pages/01/2026-01-02-2.md", "lists/a/2025/2025-12-31.md"),
    ("lists/a/2026/pages/01/2026-01-02-2.md", "lists/a/2026/README.md"),
    ("lists/a/2026/2026-01-02.md", "lists/a/2026x/2026-01-02.md"),
    ("lists/a/weekly/2026-W01.md", "lists/a/2026/2026-01-02.md"),
    ("lists/a/weekly/2026-W01.md", "lists/a/2026/pages/01/2026-01-02-2.md"),
    ("lists/a/2026/2026-01-02.md", "README.md"),
]


@pytest.mark.parametrize(("source", "target"), PATHS)
def test_a_link_is_the_relative_path_from_the_pages_folder(source: str, target: str) -> None:
    """The shortcut for a target beside the page gives what posixpath.relpath gives."""
    expected = posixpath.relpath(target, posixpath.dirname(source) or ".")
    assert layout.link(P(source), P(target)) == expected


def test_continuation_pages_go_to_a_folder_per_month() -> None:
    """Page 1 of a day sits in its year folder; pages 2, 3, … in `pages/<MM>/` under it."""
    assert layout.day_page("a", date(2026, 1, 2)) == P("lists/a/2026/2026-01-02.md")
    assert layout.day_page("a", date(2026, 1, 2), 1) == P("lists/a/2026/2026-01-02.md")
    assert layout.day_page("a", date(2026, 1, 2), 2) == P("lists/a/2026/pages/01/2026-01-02-2.md")
    assert layout.day_page("a", date(2026, 12, 31), 12) == P(
        "lists/a/2026/pages/12/2026-12-31-12.md"
    )
    assert layout.pages_dir("a", date(2026, 12, 31)) == P("lists/a/2026/pages/12")


def test_stale_continuation_pages_are_looked_for_in_the_old_folder_too() -> None:
    """Releases before month folders wrote `pages/<date>-N.md`: both folders are searched."""
    assert layout.continuation_dirs("a", date(2026, 3, 4)) == (
        P("lists/a/2026/pages/03"),
        P("lists/a/2026/pages"),
    )
