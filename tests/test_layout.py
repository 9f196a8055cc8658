"""Where files live, and the relative links between them."""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath

import pytest

from bot import layout

PATHS = [
    ("lists/a/2026/README.md", "lists/a/2026/2026-01-02.md"),
    ("README.md", "lists/a/README.md"),
    ("lists/a/README.md", "lists/a/2026/2026-01-02.md"),
    ("lists/a/2026/pages/2026-01-02-2.md", "lists/a/2026/2026-01-02.md"),
    ("lists/a/2026/2026-01-02.md", "lists/a/2026x/2026-01-02.md"),
    ("lists/a/weekly/2026-W01.md", "lists/a/2026/2026-01-02.md"),
    ("lists/a/2026/2026-01-02.md", "README.md"),
]


@pytest.mark.parametrize(("source", "target"), PATHS)
def test_a_link_is_the_relative_path_from_the_pages_folder(source: str, target: str) -> None:
    """The shortcut for a target beside the page gives what posixpath.relpath gives."""
    expected = posixpath.relpath(target, posixpath.dirname(source) or ".")
    assert layout.link(PurePosixPath(source), PurePosixPath(target)) == expected
