"""shields.io static badge URLs (`https://img.shields.io/badge/<label>-<message>-<color>`).

In the label and the message a dash is written `--` and an underscore `__` (single ones
separate the parts, or stand for spaces); a space is `%20`; everything else is
percent-encoded. The colour is a name (`blue`) or a hex code without `#` (`2688EB`).
"""

from __future__ import annotations

import re
from urllib.parse import quote

BASE = "https://img.shields.io/badge/"
_COLOR = re.compile(r"^(?:[A-Za-z]+|[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")


def _part(text: str) -> str:
    return quote(text.replace("-", "--").replace("_", "__"), safe="")


def badge_url(label: str, message: str, color: str) -> str:
    """The URL of a static badge showing `label` and `message` on a `color` background."""
    if not _COLOR.match(color):
        raise ValueError(f"badge colour {color!r}: use a name (blue) or hex without '#' (2688EB)")
    return f"{BASE}{_part(label)}-{_part(message)}-{color}"
