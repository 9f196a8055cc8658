"""shields.io static badge URLs follow shields.io's escaping rules."""

from __future__ import annotations

import pytest

from bot.badges import badge_url


def test_plain_badge() -> None:
    """Label, message and colour are joined by single dashes."""
    assert badge_url("papers", "64", "2688EB") == "https://img.shields.io/badge/papers-64-2688EB"


def test_dash_and_underscore_are_doubled() -> None:
    """A dash is written `--` and an underscore `__`, so they do not split or become spaces."""
    assert badge_url("snake_case", "2025-04-27", "blue") == (
        "https://img.shields.io/badge/snake__case-2025--04--27-blue"
    )


def test_space_is_percent_20() -> None:
    """A space is `%20`."""
    assert badge_url("last updated", "a b", "orange") == (
        "https://img.shields.io/badge/last%20updated-a%20b-orange"
    )


def test_everything_else_is_percent_encoded() -> None:
    """Slashes, `%`, `#`, `?`, `&`, commas and non-ASCII characters are percent-encoded."""
    assert badge_url("a/b", "50% #1? & ü,", "brightgreen") == (
        "https://img.shields.io/badge/a%2Fb-50%25%20%231%3F%20%26%20%C3%BC%2C-brightgreen"
    )


def test_dots_stay() -> None:
    """Unreserved characters (`.`, `~`) need no encoding."""
    assert badge_url("categories", "cs.CL~x", "red") == (
        "https://img.shields.io/badge/categories-cs.CL~x-red"
    )


@pytest.mark.parametrize("color", ["#2688EB", "blue green", "12345", "red/x", ""])
def test_bad_colour_is_refused(color: str) -> None:
    """A colour must be a name or a 3- or 6-digit hex code without `#`."""
    with pytest.raises(ValueError, match="badge colour"):
        badge_url("a", "b", color)
