"""Local matching: whole words and phrases, plurals, prefixes, tuples, categories, authors."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.match import (
    Matcher,
    author_matches,
    keyword_hits,
    keyword_pattern,
    keyword_spans,
    matches_text,
    normalize_text,
    occurrences,
)
from bot.models import Hit, Keyword, Paper, Rules


def paper(
    title: str = "A title",
    abstract: str = "An abstract.",
    *,
    authors: tuple[str, ...] = ("Ada Lovelace",),
    primary: str = "cs.CL",
    categories: tuple[str, ...] = ("cs.CL",),
    paper_id: str = "2601.00001",
) -> Paper:
    """A paper with only the fields a test cares about set."""
    moment = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    return Paper(
        id=paper_id,
        version=1,
        title=title,
        authors=authors,
        abstract=abstract,
        primary_category=primary,
        categories=categories,
        published=moment,
        updated=moment,
    )


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("GPT", "We evaluate GPT-4o on it."),
        ("GPT", "a model (GPT) that"),
        ("GPT", "GPT's answers"),
        ("r1", "We distil DeepSeek-R1 into it."),
        ("LLM", "Several LLMs agree."),
        ("large language model", "Large Language Models are"),
        ("large language model", "Large-Language\nModels are"),
        ("large language model", "large   language\n\t model"),
        ("Bench", "Three new Benches."),
        ("Bench", "a bench."),
        ("agent*", "an agentic workflow"),
        ("agent*", "two agents"),
        ("agent*", "one agent"),
        ("multi-agent*", "Multi-Agent systems"),
        ("multi-agent*", "multi agentic debate"),
        ("GPT-4", "GPT 4 and others"),
        ("GPT-4", "with GPT-4."),
        ("k-means", "K Means clustering"),
        ("Llama 3.1", "fine-tuned Llama-3.1-8B"),
        ("C++", "code in C++ and Rust"),
        ("C++", "C++17 features"),
        (".NET", "an ASP.NET service"),
        ("Schrödinger", "the SCHRÖDINGER equation"),
        ("fine-tuning", "efﬁcient ﬁne-tuning"),
        ("straße", "STRASSE"),
        ("(a|b)", "the pair (a|b) is"),
        ("(a|b)", "the pair (a, b) is"),
        ("[x]", "cite [x] here"),
        ("++", "i++ increments"),
        ("LLM", "LLM"),
    ],
)
def test_keyword_matches(keyword: str, text: str) -> None:
    """Each documented way a keyword matches text does match it."""
    assert matches_text(keyword, text) is True


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("r1", "the PXR150 receptor"),
        ("r1", "R10 and r12"),
        ("Bench", "a new benchmark"),
        ("Bench", "Workbench"),
        ("GPT", "ChatGPT"),
        ("LLM", "LLMss"),
        ("agent*", "a reagent"),
        ("large language model", "large model of language"),
        ("large language model", "large language modelling"),
        ("GPT-4", "GPT-4s"),
        ("GPT-4", "GPT-40"),
        ("C++", "the C language"),
        ("C++", "C+ grade"),
        (".NET", "a neural NET"),
        ("(a|b)", "a or b"),
        ("(a|b)", "a b"),
        ("[x]", "x"),
        ("++", "+ +"),
        ("a.b", "ab"),
    ],
)
def test_keyword_does_not_match(keyword: str, text: str) -> None:
    """Near misses (inside a word, a missing literal, another word) do not match."""
    assert matches_text(keyword, text) is False


@pytest.mark.parametrize(
    "keyword", ["C++", "(a|b)", "[x]", "a.b", "x*y", "$x^2$", "\\cite", "?", "a{2}", "^^"]
)
def test_regex_metacharacters_in_keywords_are_literal(keyword: str) -> None:
    """Keywords made of regex syntax compile and match themselves, not what the syntax means."""
    pattern = keyword_pattern(keyword)
    assert pattern.search(keyword.casefold()) is not None
    assert matches_text(keyword, f"before {keyword} after") is True


def test_metacharacters_do_not_act_as_regex_operators() -> None:
    """`a{2}` needs the braces and `x*y` the star: neither repeats anything."""
    assert matches_text("a{2}", "aa") is False
    assert matches_text("x*y", "xxxy") is False
    assert matches_text("x*y", "y") is False


def test_whitespace_in_keyword_punctuation_matches_any_whitespace() -> None:
    """Spaces in a keyword's literal punctuation stand for any run of whitespace."""
    assert matches_text("+ +", "a +\n+ b") is True
    assert matches_text("+ +", "++") is False


def test_a_tuple_keyword_needs_every_item() -> None:
    """An all-of keyword matches when each item matches somewhere, and not when one is missing."""
    keyword: Keyword = ("agent*", "tool use")
    assert matches_text(keyword, "Agents learn tool use.") is True
    assert matches_text(keyword, "Agents learn.") is False


def test_keyword_hits_report_where_each_keyword_matched() -> None:
    """`keyword_hits` names the title, the abstract, both, or nothing."""
    assert keyword_hits("LLM", "LLMs at scale", "We study scaling.") == ("title",)
    assert keyword_hits("LLM", "Scaling", "We study LLMs.") == ("abstract",)
    assert keyword_hits("LLM", "LLM scaling", "We study LLMs.") == ("title", "abstract")
    assert keyword_hits("LLM", "Scaling", "We study scaling.") == ()


def test_tuple_items_may_match_in_different_places() -> None:
    """Items of a tuple may hit the title and the abstract separately; `where` is the union."""
    hits = keyword_hits(("agent*", "tool use"), "Agentic planning", "We add tool use.")
    assert hits == ("title", "abstract")
    assert keyword_hits(("agent*", "tool use"), "Agentic planning", "We plan.") == ()


@pytest.mark.parametrize(
    ("entry", "name"),
    [
        ("Y. LeCun", "Yann LeCun"),
        ("Y LeCun", "Yann LeCun"),
        ("LeCun", "Yann LeCun"),
        ("Yann LeCun", "Yann André LeCun"),
        ("Y. LeCun", "Yann André LeCun"),
        ("yann lecun", "YANN LECUN"),
        ("Yann LeCun", "Y. LeCun"),
        ("J.-P. Serre", "Jean-Pierre Serre"),
        ("Jose Garcia", "José García"),
        ("Müller", "Thomas Mueller Müller"),
        ("Martin Luther King", "Martin Luther King Jr."),
    ],
)
def test_author_entry_matches_name(entry: str, name: str) -> None:
    """Entry words match name words in order; initials, case and accents are forgiven."""
    assert author_matches(entry, name) is True


@pytest.mark.parametrize(
    ("entry", "name"),
    [
        ("Y. LeCun", "Yann Lecunn"),
        ("Y. LeCun", "Xavier LeCun"),
        ("Yann LeCun", "LeCun Yann"),
        ("LeCun", "Yann LeCun Smith"),
        ("Yann LeCun", "Yann"),
        ("Yann Andre LeCun", "Yann LeCun"),
        ("Le", "Yann LeCun"),
        ("...", "Yann LeCun"),
    ],
)
def test_author_entry_does_not_match_name(entry: str, name: str) -> None:
    """Another surname, another first initial, another order or missing words do not match."""
    assert author_matches(entry, name) is False


def test_match_returns_none_for_a_paper_no_rule_hits() -> None:
    """A paper with no keyword and no followed author is not on the list."""
    matcher = Matcher(Rules(keywords=("LLM",), authors=("Y. LeCun",)))
    assert matcher.match(paper("Graph theory", "On graphs.")) is None


def test_match_lists_keyword_hits_in_config_order_then_authors() -> None:
    """Hits follow the config's order, keywords first, each labelled as configured."""
    rules = Rules(
        keywords=("reasoning", ("agent*", "tool use"), "LLM", "diffusion"),
        authors=("Geoffrey Hinton", "Y. LeCun"),
    )
    found = Matcher(rules).match(
        paper(
            "LLM agents",
            "Reasoning with tool use.",
            authors=("Yann LeCun", "Geoffrey E. Hinton"),
        )
    )
    assert found == (
        Hit("reasoning", ("abstract",)),
        Hit("agent* + tool use", ("title", "abstract")),
        Hit("LLM", ("title",)),
        Hit("Geoffrey Hinton", ("authors",)),
        Hit("Y. LeCun", ("authors",)),
    )


def test_a_keyword_configured_twice_hits_once() -> None:
    """Repeating a keyword in the config does not double its hit."""
    found = Matcher(Rules(keywords=("LLM", "LLM"))).match(paper("LLMs", "None."))
    assert found == (Hit("LLM", ("title",)),)


def test_a_followed_author_alone_puts_a_paper_on_the_list() -> None:
    """A paper by a followed author is listed without any keyword hit."""
    found = Matcher(Rules(keywords=("LLM",), authors=("Y. LeCun",))).match(
        paper("Energy models", "On energy.", authors=("Ann Smith", "Yann LeCun"))
    )
    assert found == (Hit("Y. LeCun", ("authors",)),)


def test_exclude_drops_a_paper_that_a_keyword_hit() -> None:
    """An exclude keyword in the title or abstract drops the paper."""
    matcher = Matcher(Rules(keywords=("LLM",), exclude=("survey",)))
    assert matcher.match(paper("LLM surveys", "We review.")) is None
    assert matcher.match(paper("LLMs", "A survey of them.")) is None
    assert matcher.match(paper("LLMs", "We train them.")) == (Hit("LLM", ("title",)),)


def test_a_tuple_exclude_needs_all_its_items() -> None:
    """An all-of exclude drops a paper only when every item matches."""
    matcher = Matcher(Rules(keywords=("LLM",), exclude=(("survey", "medical"),)))
    assert matcher.match(paper("LLM survey", "General.")) == (Hit("LLM", ("title",)),)
    assert matcher.match(paper("LLM survey", "In medical imaging.")) is None


def test_a_followed_author_bypasses_exclude() -> None:
    """A followed author's paper stays even when an exclude keyword hits it."""
    matcher = Matcher(Rules(keywords=("LLM",), authors=("Y. LeCun",), exclude=("survey",)))
    found = matcher.match(paper("An LLM survey", "We review.", authors=("Yann LeCun",)))
    assert found == (Hit("LLM", ("title",)), Hit("Y. LeCun", ("authors",)))


def test_categories_filter_even_followed_authors() -> None:
    """A paper outside the list's categories is dropped, followed author or not."""
    matcher = Matcher(Rules(keywords=("LLM",), authors=("Y. LeCun",), categories=("cs.CL",)))
    outside = paper("LLMs", "x", authors=("Yann LeCun",), primary="cs.CV", categories=("cs.CV",))
    assert matcher.match(outside) is None


def test_categories_accept_a_cross_list_or_the_primary() -> None:
    """Any configured category among the primary or cross-list categories admits the paper."""
    matcher = Matcher(Rules(keywords=("LLM",), categories=("cs.CL", "stat.ML")))
    cross = paper("LLMs", "x", primary="cs.LG", categories=("cs.LG", "stat.ML"))
    primary_only = paper("LLMs", "x", primary="cs.CL", categories=())
    assert matcher.match(cross) == (Hit("LLM", ("title",)),)
    assert matcher.match(primary_only) == (Hit("LLM", ("title",)),)


@pytest.mark.parametrize(
    ("wanted", "category", "allowed"),
    [
        ("cs", "cs.CL", True),
        ("astro-ph", "astro-ph.GA", True),
        ("astro-ph", "astro-ph", True),
        ("cs.cl", "cs.CL", True),
        ("cs", "csx.AB", False),
        ("cs.C", "cs.CL", False),
        ("astro", "astro-ph.GA", False),
        ("math", "math-ph", False),
    ],
)
def test_archive_level_categories(wanted: str, category: str, allowed: bool) -> None:
    """An archive name admits its subject classes; partial names admit nothing."""
    matcher = Matcher(Rules(keywords=("LLM",), categories=(wanted,)))
    found = matcher.match(paper("LLMs", "x", primary=category, categories=(category,)))
    assert (found is not None) is allowed


def test_hostile_titles_do_not_break_matching() -> None:
    """Text full of regex syntax, LaTeX and control characters is searched as plain text."""
    matcher = Matcher(Rules(keywords=("C++", "(a|b)", "LLM")))
    title = "$\\mathcal{O}(n^2)$ (a|b) [x]* C++ \\LLM{} \x00\u200b"
    assert matcher.match(paper(title, "")) == (
        Hit("C++", ("title",)),
        Hit("(a|b)", ("title",)),
        Hit("LLM", ("title",)),
    )


def test_matching_ten_thousand_papers_against_thirty_keywords_is_fast() -> None:
    """A large day (10,000 papers, 30 keywords, two authors) is matched in a few seconds."""
    phrases = [f"keyword{i} phrase" for i in range(28)]
    keywords: tuple[Keyword, ...] = (*phrases, "agent*", ("tool use", "LLM"))
    matcher = Matcher(Rules(keywords=keywords, authors=("Y. LeCun", "G. Hinton")))
    abstract = " ".join(f"word{i} the of agents language" for i in range(60))
    papers = [paper(f"Title {i}", abstract, paper_id=str(i)) for i in range(10_000)]
    started = time.perf_counter()
    found = [matcher.match(item) for item in papers]
    elapsed = time.perf_counter() - started
    assert found[0] == (Hit("agent*", ("abstract",)),)
    assert elapsed < 5.0


# --- occurrences and spans (ranking, topics and highlighting) ---------------------------------


def test_occurrences_count_title_and_abstract_apart_and_need_every_item() -> None:
    """Each match counts once per place; a group counts all its items or nothing."""
    assert occurrences("LLM", "LLMs and an LLM", "The LLM-based LLM; llm.") == (2, 3)
    assert occurrences("agent*", "Agents", "") == (1, 0)
    assert occurrences(("tool", "agent*"), "Agents", "with tools and a tool") == (1, 2)
    assert occurrences(("tool", "planner"), "Agents", "with tools and a tool") == (0, 0)
    assert occurrences("Bench", "benchmark", "benchmarks") == (0, 0)


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    ("keywords", "text", "expected"),
    [
        (["LLM"], "LLMs beat an LLM, not LLMOps.", ["LLMs", "LLM"]),
        (["large language model"], "Large-Language\nModels work", ["Large-Language\nModels"]),
        (["fuzz*", "fuzzing"], "Fuzzing fuzzers", ["Fuzzing", "fuzzers"]),
        (["test generation", "test"], "unit test generation", ["test generation"]),
        (["GPT", "GPT-4"], "GPT-4 and GPT-4o", ["GPT-4", "GPT"]),
        ([("tool", "agent*")], "An agent uses a tool.", ["agent", "tool"]),
        (["C++"], "C++17 and C", ["C++"]),
        (["fish"], "ﬁsh and FISH", ["ﬁsh", "FISH"]),
        (["école"], "Une e\u0301cole, ÉCOLE.", ["e\u0301cole", "ÉCOLE"]),
        (["straße"], "STRASSE, Straße", ["STRASSE", "Straße"]),
        (["LLM"], "\uff2c\uff2c\uff2d\uff53, fullwidth", ["\uff2c\uff2c\uff2d\uff53"]),
        (["LLM"], "", []),
        ([], "LLM", []),
    ],
)
def test_keyword_spans_are_the_matches_in_the_text_as_written(
    keywords: list[Keyword], text: str, expected: list[str]
) -> None:
    """Spans point at the original characters of each match, even where normalising changed
    them (ligatures, combining accents, ß), and overlapping matches become one span."""
    assert _texts(text, keyword_spans(keywords, text)) == expected


def test_keyword_spans_merge_touching_matches() -> None:
    """Two matches that touch are one span, so the page never shows </b><b>."""
    assert _texts("ab++cd", keyword_spans(["++", "ab"], "ab++cd")) == ["ab++"]


ASCII_HOSTILE = st.text(alphabet="abcLLMfuz *_<>&$@:`\\\n\t\x00-", max_size=40)
KEYWORDS = st.lists(st.sampled_from(["LLM", "fuzz*", "a b", "c-a", "ab", "++", "<b>", "z"]))


def _oracle(keywords: list[str], text: str) -> list[tuple[int, int]]:
    """For ASCII text normalising is lower-casing: the spans are the regex matches, merged."""
    found = sorted(
        match.span()
        for keyword in keywords
        for match in keyword_pattern(keyword).finditer(text.lower())
        if match.end() > match.start()
    )
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@given(KEYWORDS, ASCII_HOSTILE)
@settings(max_examples=300, deadline=None)
def test_property_keyword_spans_in_ascii_text_are_exactly_the_matches(
    keywords: list[str], text: str
) -> None:
    """In ASCII text the spans are exactly the keyword patterns' matches, merged."""
    assert keyword_spans(keywords, text) == _oracle(keywords, text)


@given(st.lists(st.text(min_size=1, max_size=6), max_size=3), st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_property_every_span_holds_a_match_of_a_keyword(keywords: list[str], text: str) -> None:
    """In any text, spans are sorted, apart, inside the text, and each holds a keyword's match;
    every match found in the normalised text lies in some span."""
    keywords = [k for k in keywords if k.strip()]
    spans = keyword_spans(keywords, text)
    assert all(0 <= start < end <= len(text) for start, end in spans)
    assert all(left[1] < right[0] for left, right in itertools.pairwise(spans))
    patterns = [keyword_pattern(keyword) for keyword in keywords]
    for start, end in spans:
        piece = normalize_text(text[start:end])
        assert any(pattern.search(piece) for pattern in patterns), (text, start, end)
    normal = normalize_text(text)
    found = any(m.end() > m.start() for p in patterns for m in p.finditer(normal))
    assert bool(spans) == found
