"""Relevance order of a day's entries (DESIGN "Order").

Papers by a followed author come first; then papers with more distinct keywords in the title;
then more distinct keywords overall; then the newest (`Paper.published`, later first); then the
arXiv id, ascending, so that the order never depends on the order arXiv returned the papers in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.models import Entry, Hit, Paper

_CAP = 99
"""Counts above this are clamped so that each part of the score stays in its own digits."""


def score(hits: Sequence[Hit]) -> int:
    """The first three sort keys as one int: 10000·followed + 100·title keywords + keywords.

    A higher score is more relevant. Keywords are counted once per label (`Hit.keyword`);
    followed-author hits count only as "followed". Counts are clamped at 99, so two entries
    compare by score exactly as they compare by the three keys as long as no list has more
    than 99 keywords.
    """
    followed = any("authors" in hit.where for hit in hits)
    keywords = {hit.keyword for hit in hits if "authors" not in hit.where}
    in_title = {hit.keyword for hit in hits if "title" in hit.where and "authors" not in hit.where}
    return 10_000 * followed + 100 * min(len(in_title), _CAP) + min(len(keywords), _CAP)


def rank(matches: Iterable[tuple[Paper, tuple[Hit, ...]]]) -> tuple[Entry, ...]:
    """The matched papers as entries, most relevant first, in a fully deterministic order."""
    entries = [Entry(paper=paper, hits=hits, score=score(hits)) for paper, hits in matches]
    entries.sort(key=lambda entry: entry.paper.id)
    entries.sort(key=lambda entry: (entry.score, entry.paper.published), reverse=True)
    return tuple(entries)
