"""Relevance order: followed authors, title keywords, keywords, newest, then id."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from bot.models import Hit, Paper
from bot.rank import rank, score

AUTHOR = Hit("Y. LeCun", ("authors",))


def paper(paper_id: str, published: datetime = datetime(2026, 1, 5, tzinfo=UTC)) -> Paper:
    """A paper identified by its id and submission time, the rest irrelevant here."""
    return Paper(
        id=paper_id,
        version=1,
        title="t",
        authors=("A B",),
        abstract="a",
        primary_category="cs.CL",
        categories=("cs.CL",),
        published=published,
        updated=published,
    )


def test_score_weighs_followed_then_title_keywords_then_keywords() -> None:
    """The score is 10000 per followed flag, 100 per title keyword, 1 per keyword."""
    assert score([]) == 0
    assert score([Hit("LLM", ("abstract",))]) == 1
    assert score([Hit("LLM", ("title",))]) == 101
    assert score([Hit("LLM", ("title", "abstract")), Hit("GPT", ("abstract",))]) == 102
    assert score([AUTHOR]) == 10_000
    assert score([Hit("LLM", ("title",)), AUTHOR, Hit("Other", ("authors",))]) == 10_101


def test_score_counts_a_keyword_label_once() -> None:
    """The same keyword label hitting twice counts as one distinct keyword."""
    assert score([Hit("LLM", ("title",)), Hit("LLM", ("abstract",))]) == 101


def test_score_clamps_counts_to_keep_its_digits_apart() -> None:
    """With more than 99 keywords the keyword count cannot spill into the title digits."""
    hits = [Hit(f"k{i}", ("abstract",)) for i in range(150)]
    assert score(hits) == 99
    assert score([*hits, Hit("t", ("title",))]) == 199


def test_rank_orders_by_followed_then_title_then_keywords() -> None:
    """A followed author beats title hits, which beat more abstract-only keywords."""
    abstract_three = [Hit(k, ("abstract",)) for k in ("a", "b", "c")]
    title_one = [Hit("a", ("title",))]
    title_one_more = [Hit("a", ("title",)), Hit("b", ("abstract",))]
    matches = [
        (paper("1"), tuple(abstract_three)),
        (paper("2"), tuple(title_one)),
        (paper("3"), (AUTHOR,)),
        (paper("4"), tuple(title_one_more)),
    ]
    entries = rank(matches)
    assert [entry.paper.id for entry in entries] == ["3", "4", "2", "1"]
    assert [entry.score for entry in entries] == [10_000, 102, 101, 3]
    assert all(entry.topic is None for entry in entries)
    assert entries[1].hits == tuple(title_one_more)


def test_rank_breaks_ties_by_newest_then_id() -> None:
    """Equal scores go newest first; equal times go by id ascending."""
    hits = (Hit("a", ("title",)),)
    older = datetime(2026, 1, 4, 9, 0, tzinfo=UTC)
    newer = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    matches = [
        (paper("2601.00003", older), hits),
        (paper("2601.00002", newer), hits),
        (paper("2601.00001", newer), hits),
    ]
    ids = [entry.paper.id for entry in rank(matches)]
    assert ids == ["2601.00001", "2601.00002", "2601.00003"]


def test_rank_does_not_depend_on_input_order() -> None:
    """Every permutation of the same matches gives the same entries."""
    moment = datetime(2026, 1, 5, tzinfo=UTC)
    matches = [
        (paper("b", moment), (Hit("x", ("abstract",)),)),
        (paper("a", moment), (Hit("x", ("abstract",)),)),
        (paper("c", datetime(2026, 1, 6, tzinfo=UTC)), (Hit("x", ("abstract",)),)),
        (paper("d", moment), (Hit("x", ("title",)),)),
    ]
    results = {rank(order) for order in itertools.permutations(matches)}
    assert len(results) == 1
    assert [entry.paper.id for entry in results.pop()] == ["d", "c", "a", "b"]


def test_rank_of_nothing_is_empty() -> None:
    """No matches give no entries."""
    assert rank([]) == ()
