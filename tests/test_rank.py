"""Relevance order, newest order, topics and sections: each rule, its ties and its stability."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.match import Matcher
from bot.models import Entry, Hit, Keyword, Paper, Rules, Topic
from bot.rank import OTHER, best_topic, occurrence_count, rank, score, sections, topic_strength

AUTHOR = Hit("Y. LeCun", ("authors",))
MOMENT = datetime(2026, 1, 5, tzinfo=UTC)


def paper(
    paper_id: str,
    published: datetime = MOMENT,
    *,
    title: str = "t",
    abstract: str = "a",
) -> Paper:
    """A paper identified by its id and submission time, with the text a test needs."""
    return Paper(
        id=paper_id,
        version=1,
        title=title,
        authors=("A B",),
        abstract=abstract,
        primary_category="cs.CL",
        categories=("cs.CL",),
        published=published,
        updated=published,
    )


def matched(rules: Rules, *papers: Paper) -> list[tuple[Paper, tuple[Hit, ...]]]:
    """The papers with the hits the list's real matcher finds (each must match)."""
    matcher = Matcher(rules)
    out = []
    for item in papers:
        hits = matcher.match(item)
        assert hits is not None, item.id
        out.append((item, hits))
    return out


# --- the score --------------------------------------------------------------------------------


def test_score_weighs_followed_then_keyword_points_then_occurrences() -> None:
    """1,000,000 for a followed author, 1,000 per point (title 2, abstract 1), 1 per occurrence."""
    assert score([]) == 0
    assert score([Hit("LLM", ("abstract",))]) == 1_000
    assert score([Hit("LLM", ("title",))]) == 2_000
    assert score([Hit("LLM", ("title", "abstract"))]) == 3_000
    assert score([Hit("LLM", ("title", "abstract")), Hit("GPT", ("abstract",))]) == 4_000
    assert score([Hit("LLM", ("abstract",))], 7) == 1_007
    assert score([AUTHOR]) == 1_000_000
    assert score([Hit("LLM", ("title",)), AUTHOR, Hit("Other", ("authors",))], 2) == 1_002_002


def test_score_counts_a_keyword_label_once_in_every_place_it_hit() -> None:
    """Two hits of one label count as one keyword that hit both places."""
    assert score([Hit("LLM", ("title",)), Hit("LLM", ("abstract",))]) == 3_000
    assert score([Hit("LLM", ("title",)), Hit("LLM", ("title",))]) == 2_000


def test_score_clamps_each_part_to_keep_its_digits_apart() -> None:
    """Huge keyword points or occurrence counts never spill into the part above them."""
    hits = [Hit(f"k{i}", ("title", "abstract")) for i in range(500)]
    assert score(hits) == 999_000
    assert score([Hit("a", ("abstract",))], 5_000) == 1_999
    assert score([Hit("a", ("abstract",))], -3) == 1_000


def test_occurrences_count_the_hit_keywords_in_title_and_abstract() -> None:
    """Every occurrence of each hit keyword counts, all items of a group, nothing else."""
    item = paper(
        "1",
        title="LLMs test LLM agents",
        abstract="An LLM agent; agentic tools. GPT is not a hit here. Tools, tools.",
    )
    keywords: list[Keyword] = ["LLM", ("agent*", "tool"), "GPT"]
    hits = [Hit("LLM", ("title", "abstract")), Hit("agent* + tool", ("title", "abstract"))]
    # LLM: 2 in the title, 1 in the abstract; agent*: 1 + 2; tool: 0 + 3; GPT is not a hit.
    assert occurrence_count(item, hits, keywords) == 3 + 3 + 3
    assert occurrence_count(item, [AUTHOR, Hit("unknown", ("title",))], keywords) == 0


# --- relevance order ----------------------------------------------------------------------------


def test_followed_authors_come_first_then_more_keyword_points() -> None:
    """A followed author beats title hits, and title hits weigh more than abstract hits."""
    rules = Rules(keywords=("fuzz*", "LLM", "oracle"), authors=("A. Turing",))
    title_and_abstract = paper("1", title="Fuzzing", abstract="We fuzz.")
    two_in_abstract = paper("2", title="x", abstract="An LLM oracle.")
    one_in_title = paper("3", title="An oracle", abstract="nothing")
    one_in_abstract = paper("4", title="x", abstract="An oracle.")
    followed = replace(paper("5", title="x", abstract="y"), authors=("Alan Turing",))
    matches = matched(
        rules, one_in_abstract, two_in_abstract, one_in_title, followed, title_and_abstract
    )
    entries = rank(matches, rules)
    assert [entry.paper.id for entry in entries] == ["5", "1", "2", "3", "4"]
    assert [entry.score // 1_000 for entry in entries] == [1_000, 3, 2, 2, 1]


def test_distinct_keywords_weigh_more_than_repeats() -> None:
    """Two keywords once each beat one keyword ten times; repeats break a tie of points."""
    rules = Rules(keywords=("fuzz*", "oracle"))
    distinct = paper("1", abstract="A fuzzer and an oracle.")
    repeated = paper("2", abstract="fuzz " * 10)
    repeated_less = paper("3", abstract="fuzz fuzz")
    entries = rank(matched(rules, repeated_less, repeated, distinct), rules)
    assert [entry.paper.id for entry in entries] == ["1", "2", "3"]
    assert [entry.score for entry in entries] == [2_002, 1_010, 1_002]


def test_equal_scores_go_newest_first_then_by_id() -> None:
    """Equal scores go newest first; equal times go by id ascending."""
    hits = (Hit("a", ("title",)),)
    older = datetime(2026, 1, 4, 9, 0, tzinfo=UTC)
    newer = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    matches = [
        (paper("2601.00003", older), hits),
        (paper("2601.00002", newer), hits),
        (paper("2601.00001", newer), hits),
    ]
    ids = [entry.paper.id for entry in rank(matches, Rules())]
    assert ids == ["2601.00001", "2601.00002", "2601.00003"]


def test_sort_newest_orders_by_submission_time_then_id_whatever_the_score() -> None:
    """`sort: newest` puts the newest first, ties by id, ignoring relevance (scores still kept)."""
    early, late = datetime(2026, 1, 4, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC)
    matches = [
        (paper("b", late), (Hit("x", ("abstract",)),)),
        (paper("c", early), (AUTHOR, Hit("x", ("title",)))),
        (paper("a", late), (Hit("x", ("abstract",)),)),
    ]
    entries = rank(matches, Rules(sort="newest"))
    assert [entry.paper.id for entry in entries] == ["a", "b", "c"]
    assert [entry.score for entry in entries] == [1_000, 1_000, 1_002_000]


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_the_order_does_not_depend_on_input_order(sort: str) -> None:
    """Every permutation of the same matches gives the same entries, in either order."""
    matches = [
        (paper("b"), (Hit("x", ("abstract",)),)),
        (paper("a"), (Hit("x", ("abstract",)),)),
        (paper("c", datetime(2026, 1, 6, tzinfo=UTC)), (Hit("x", ("abstract",)),)),
        (paper("d"), (Hit("x", ("title",)),)),
    ]
    rules = Rules(sort="newest") if sort == "newest" else Rules()
    results = {rank(order, rules) for order in itertools.permutations(matches)}
    assert len(results) == 1
    expected = ["c", "a", "b", "d"] if sort == "newest" else ["d", "c", "a", "b"]
    assert [entry.paper.id for entry in results.pop()] == expected


def test_rank_of_nothing_is_empty() -> None:
    """No matches give no entries."""
    assert rank([], Rules()) == ()


# --- topics -----------------------------------------------------------------------------------

FUZZING = Topic("Fuzzing", ("fuzz*",))
LLMS = Topic("LLMs for Testing", ("LLM", "Large Language Model"))
ORACLES = Topic("Oracles", (("test", "oracle*"),))


def test_a_paper_goes_under_the_topic_with_more_points() -> None:
    """More distinct keywords of a topic, or a keyword in the title, win the paper."""
    both = paper("1", title="x", abstract="An LLM, a large language model, and a fuzzer.")
    assert topic_strength(both, LLMS) == (2, 2)
    assert topic_strength(both, FUZZING) == (1, 1)
    assert best_topic(both, [FUZZING, LLMS]) == "LLMs for Testing"
    in_title = paper("2", title="Fuzzing", abstract="With an LLM.")
    assert topic_strength(in_title, FUZZING) == (2, 1)
    assert topic_strength(in_title, LLMS) == (1, 1)
    assert best_topic(in_title, [LLMS, FUZZING]) == "Fuzzing"
    title_and_abstract = paper("3", title="Fuzzing LLMs", abstract="We fuzz an LLM.")
    assert topic_strength(title_and_abstract, FUZZING) == (3, 2)
    assert topic_strength(title_and_abstract, LLMS) == (3, 2)


def test_equal_points_go_to_more_occurrences_then_to_the_earlier_topic() -> None:
    """Occurrences break a tie of points; a full tie goes to the topic listed first."""
    more_fuzz = paper("1", abstract="fuzz fuzz fuzz and an LLM")
    assert best_topic(more_fuzz, [LLMS, FUZZING]) == "Fuzzing"
    tie = paper("2", title="Fuzzing LLMs", abstract="nothing")
    assert best_topic(tie, [LLMS, FUZZING]) == "LLMs for Testing"
    assert best_topic(tie, [FUZZING, LLMS]) == "Fuzzing"


def test_no_topic_hits_means_other_and_groups_need_all_their_items() -> None:
    """A paper no topic keyword hits has no topic; a group keyword needs every item."""
    only_test = paper("1", title="A test", abstract="of nothing")
    assert best_topic(only_test, [ORACLES, FUZZING]) is None
    oracle = paper("2", title="A test", abstract="with oracles")
    assert best_topic(oracle, [FUZZING, ORACLES]) == "Oracles"
    assert best_topic(oracle, []) is None


def test_rank_assigns_topics_only_when_the_list_has_them() -> None:
    """Entries carry their best topic with topics configured, None without."""
    items = [paper("1", abstract="We fuzz an app."), paper("2", abstract="An LLM app.")]
    hits = (Hit("app", ("abstract",)),)
    with_topics = rank([(item, hits) for item in items], Rules(topics=(FUZZING, LLMS)))
    assert {entry.paper.id: entry.topic for entry in with_topics} == {
        "1": "Fuzzing",
        "2": "LLMs for Testing",
    }
    flat = rank([(item, hits) for item in items], Rules())
    assert [entry.topic for entry in flat] == [None, None]


# --- sections ---------------------------------------------------------------------------------


def entry(paper_id: str, topic: str | None) -> Entry:
    return Entry(paper(paper_id), (), 0, topic)


def test_sections_follow_the_topic_order_then_other_keeping_the_day_order() -> None:
    """Topics in their configured order, then "Other"; within each the day's order stays."""
    entries = [
        entry("1", None),
        entry("2", "LLMs for Testing"),
        entry("3", "Fuzzing"),
        entry("4", "LLMs for Testing"),
        entry("5", None),
    ]
    found = sections(entries, [FUZZING, ORACLES, LLMS])
    assert [(s.name, s.topic, [e.paper.id for e in s.entries]) for s in found] == [
        ("Fuzzing", "Fuzzing", ["3"]),
        ("LLMs for Testing", "LLMs for Testing", ["2", "4"]),
        (OTHER, None, ["1", "5"]),
    ]


def test_a_topic_missing_from_the_rules_gets_a_section_before_other() -> None:
    """An entry whose topic the rules do not name still shows, after the configured ones."""
    entries = [entry("1", "Gone"), entry("2", None), entry("3", "Fuzzing")]
    found = sections(entries, [FUZZING])
    assert [s.name for s in found] == ["Fuzzing", "Gone", OTHER]


def test_a_list_without_topics_has_no_sections() -> None:
    """No topics configured and none on the entries: the list is flat."""
    assert sections([entry("1", None), entry("2", None)], []) == ()
    assert sections([], [FUZZING]) == ()
