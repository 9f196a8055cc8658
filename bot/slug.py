"""List names turned into folder names ("LLM Papers" → "llm-papers")."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Fold to ASCII (NFKD, dropping what is not ASCII), lower-case, runs of others → "-"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", ascii_name.lower()).strip("-")
