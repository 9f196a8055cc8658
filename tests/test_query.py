"""The arXiv query: one for all lists, well-formed, and never narrower than the local rules."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import arxiv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.match import Matcher
from bot.models import Keyword, Paper, Rules, Window
from bot.query import (
    DEFAULT_ENDPOINT,
    author_term,
    build_queries,
    category_terms,
    date_clause,
    date_range,
    keyword_terms,
    request_url,
    with_date_range,
)

WINDOW = Window(datetime(2026, 11, 14, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
DATES = "submittedDate:[202611140000 TO 202611210000]"
PUBLISHED = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


# --- a model of arXiv's query language, to check what the bot sends ---------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) | (?P<op>AND|OR)(?=[\s(]) |
        (?P<date>submittedDate:\[\d{12}\x20TO\x20\d{12}\]) |
        (?P<cat>cat):(?P<category>[A-Za-z][A-Za-z.-]*\*?) |
        (?P<field>ti|abs|au):(?:"(?P<phrase>[^"():*\[\]]+)"|(?P<bare>[^\W_]+\*?))
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Term:
    field: str
    value: str
    phrase: bool


Node = Term | tuple[str, tuple["Node", ...]] | tuple[datetime, datetime]


def parse(query: str) -> Node:
    """Parse a query the way a strict arXiv parser would; raise ValueError on anything odd."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(query):
        found = _TOKEN.match(query, position)
        if found is None or found.end() == position:
            raise ValueError(f"unparseable at {position}: {query[position:]!r}")
        kind = found.lastgroup
        if found.group("cat"):
            tokens += [("bare", "cat"), ("value", found.group("category"))]
        elif found.group("field"):
            value = found.group("phrase") or found.group("bare")
            tokens.append(("phrase" if found.group("phrase") else "bare", found.group("field")))
            tokens.append(("value", value))
        elif kind is not None:
            tokens.append((kind, found.group(kind)))
        position = found.end()

    def expression(at: int) -> tuple[Node, int]:
        parts = []
        operator = None
        node, at = operand(at)
        parts.append(node)
        while at < len(tokens) and tokens[at][0] == "op":
            if operator not in (None, tokens[at][1]):
                raise ValueError("AND and OR mixed without parentheses")
            operator = tokens[at][1]
            node, at = operand(at + 1)
            parts.append(node)
        return (parts[0] if operator is None else (operator, tuple(parts))), at

    def operand(at: int) -> tuple[Node, int]:
        kind, text = tokens[at]
        if kind == "open":
            node, at = expression(at + 1)
            if at >= len(tokens) or tokens[at][0] != "close":
                raise ValueError("unbalanced parenthesis")
            return node, at + 1
        if kind == "date":
            low, high = re.findall(r"\d{12}", text)
            stamp = "%Y%m%d%H%M"
            return (
                datetime.strptime(low, stamp).replace(tzinfo=UTC),
                datetime.strptime(high, stamp).replace(tzinfo=UTC),
            ), at + 1
        if kind in {"phrase", "bare"}:
            return Term(text, tokens[at + 1][1], kind == "phrase"), at + 2
        raise ValueError(f"unexpected {text!r}")

    node, end = expression(0)
    if end != len(tokens):
        raise ValueError(f"trailing {tokens[end:]!r}")
    return node


def _tokens(text: str) -> list[str]:
    """Words as a Lucene-style tokenizer makes them: `3.1`, `foo_bar`, `don't` stay whole."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"[^\W_]+(?:[._'][^\W_]+)*", normal)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _hits(term: Term, paper: Paper) -> bool:
    if term.field == "cat":
        name = term.value.rstrip("*")
        exact = not term.value.endswith("*")
        return any(c == name if exact else c.startswith(name) for c in paper.categories)
    if term.field == "au":
        words = [w for name in paper.authors for w in _tokens(_fold(name))]
    else:
        words = _tokens(paper.title if term.field == "ti" else paper.abstract)
    if term.value.endswith("*"):
        return any(word.startswith(term.value[:-1].casefold()) for word in words)
    wanted = _tokens(term.value)
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words)))


def finds(node: Node, paper: Paper) -> bool:
    """Whether arXiv (as modelled) returns the paper for the parsed query."""
    if isinstance(node, Term):
        return _hits(node, paper)
    if isinstance(node[0], datetime):
        low, high = node
        assert isinstance(low, datetime)
        assert isinstance(high, datetime)
        return low <= paper.published.replace(second=0, microsecond=0) <= high
    operator, parts = node
    assert isinstance(parts, tuple)
    results = [finds(part, paper) for part in parts]
    return all(results) if operator == "AND" else any(results)


def _paper(
    title: str = "A title",
    abstract: str = "An abstract.",
    *,
    authors: tuple[str, ...] = ("Ada Lovelace",),
    categories: tuple[str, ...] = ("cs.CL",),
) -> Paper:
    return Paper(
        id="2611.01234",
        version=1,
        title=title,
        authors=authors,
        abstract=abstract,
        primary_category=categories[0],
        categories=categories,
        published=PUBLISHED,
        updated=PUBLISHED,
    )


def _queried(rules: list[Rules], paper: Paper) -> bool:
    return any(finds(parse(query), paper) for query in build_queries(rules, WINDOW))


# --- the query ---------------------------------------------------------------------------------


def test_the_readme_example_list_is_one_query_by_its_categories() -> None:
    """A list with categories is asked for by its categories alone, in one query."""
    rules = Rules(
        keywords=("LLM", "Large Language Model", "GPT"),
        categories=("cs.CL", "cs.AI", "cs.LG"),
        exclude=("survey",),
    )
    assert build_queries([rules], WINDOW) == (f"(cat:cs.CL OR cat:cs.AI OR cat:cs.LG) AND {DATES}",)


def test_lists_without_categories_ask_for_keywords_and_authors_in_one_union() -> None:
    """Keywords in title or abstract and authors by last name join the other lists' terms."""
    llm = Rules(keywords=("LLM",), categories=("cs.CL", "cs.AI"))
    agents = Rules(keywords=("agent*", ("tool", "GPT-4")), authors=("Y. LeCun",))
    tool = "(ti:tool OR abs:tool OR ti:tools OR abs:tools OR ti:tooles OR abs:tooles)"
    assert build_queries([llm, agents], WINDOW) == (
        "(cat:cs.CL OR cat:cs.AI OR ti:agent* OR abs:agent* OR "
        f'({tool} AND (ti:"GPT-4" OR abs:"GPT-4")) OR au:LeCun) AND {DATES}',
    )


def test_terms_shared_by_lists_are_asked_once_in_first_seen_order() -> None:
    """Two lists naming the same categories and keywords do not repeat them."""
    first = Rules(keywords=("x",), categories=("cs.LG", "cs.CL"))
    second = Rules(keywords=("y",), categories=("cs.CL", "stat.ML", "cs.LG"))
    assert build_queries([first, second], WINDOW) == (
        f"(cat:cs.LG OR cat:cs.CL OR cat:stat.ML) AND {DATES}",
    )


def test_exclude_never_reaches_the_query() -> None:
    """Exclusions are applied locally only: asking arXiv to leave them out could lose papers."""
    rules = Rules(keywords=("LLM",), exclude=("survey", ("benchmark", "dataset")))
    (query,) = build_queries([rules], WINDOW)
    assert "survey" not in query
    assert "benchmark" not in query
    assert "ANDNOT" not in query


def test_no_lists_means_no_query() -> None:
    """With nothing to ask for, nothing is asked."""
    assert build_queries([], WINDOW) == ()


# --- keywords ----------------------------------------------------------------------------------


def test_a_word_is_asked_for_with_its_plural_forms() -> None:
    """`LLM` also asks for `LLMs` and `LLMes`, in title and abstract."""
    assert keyword_terms("LLM") == [
        "ti:LLM",
        "abs:LLM",
        "ti:LLMs",
        "abs:LLMs",
        "ti:LLMes",
        "abs:LLMes",
    ]


def test_a_phrase_is_quoted_and_its_last_word_pluralised() -> None:
    """A phrase stays a phrase; only its last word takes the plural."""
    assert keyword_terms("Large Language Model") == [
        'ti:"Large Language Model"',
        'abs:"Large Language Model"',
        'ti:"Large Language Models"',
        'abs:"Large Language Models"',
        'ti:"Large Language Modeles"',
        'abs:"Large Language Modeles"',
    ]


def test_a_keyword_ending_in_a_number_takes_no_plural() -> None:
    """Locally `GPT-4` never matches `GPT-4s`, so it is not asked for."""
    assert keyword_terms("GPT-4") == ['ti:"GPT-4"', 'abs:"GPT-4"']


def test_dots_inside_a_keyword_are_asked_for_both_ways() -> None:
    """`Llama 3.1` is asked as written and with the dot as a word break (`3 1`)."""
    assert keyword_terms("Llama 3.1") == [
        'ti:"Llama 3.1"',
        'abs:"Llama 3.1"',
        'ti:"Llama 3 1"',
        'abs:"Llama 3 1"',
    ]


def test_a_trailing_star_is_a_prefix_and_a_phrase_prefix_is_an_and_of_words() -> None:
    """`agent*` stays a prefix; `multi-agent*` needs `multi` and a word starting `agent`."""
    assert keyword_terms("agent*") == ["ti:agent*", "abs:agent*"]
    assert keyword_terms("multi-agent*") == [
        "(ti:multi AND ti:agent*)",
        "(abs:multi AND abs:agent*)",
    ]


def test_an_all_of_keyword_is_one_and_of_its_items() -> None:
    """Each item may hit the title or the abstract; all must hit."""
    assert keyword_terms(("agent*", "GPT-4")) == [
        '((ti:agent* OR abs:agent*) AND (ti:"GPT-4" OR abs:"GPT-4"))'
    ]


def test_an_all_of_keyword_drops_items_it_cannot_ask_for() -> None:
    """An item with no letters is left out of the AND, which only widens it."""
    assert keyword_terms(("agent*", "++")) == ["ti:agent*", "abs:agent*"]


@pytest.mark.parametrize(
    ("keyword", "first_term"),
    [
        ('foo"bar', 'ti:"foo bar"'),
        ("(LLM)", "ti:LLM"),
        ("ti:GPT", 'ti:"ti GPT"'),
        ("AND", 'ti:"AND"'),
        ("or", 'ti:"or"'),
        ("a) OR (cat:x", 'ti:"a OR cat x"'),
        ("C++", "ti:C"),
        ("submittedDate:[2020 TO 2021]", 'ti:"submittedDate 2020 TO 2021"'),
        ("wild*card?", 'ti:"wild card"'),
        ("back\\slash", 'ti:"back slash"'),
    ],
)
def test_characters_the_query_parser_cannot_take_become_word_breaks(
    keyword: str, first_term: str
) -> None:
    """Quotes, parentheses, colons, brackets, wildcards and operators cannot break the query."""
    terms = keyword_terms(keyword)
    assert terms is not None
    assert terms[0] == first_term
    for query in build_queries([Rules(keywords=(keyword,))], WINDOW):
        parse(query)


def test_a_keyword_without_letters_or_digits_leaves_only_the_dates() -> None:
    """`++` cannot be asked for, so its list (and the query) is widened to the window alone."""
    lists = [Rules(keywords=("LLM",), categories=("cs.CL",)), Rules(keywords=("LLM", "++"))]
    assert build_queries(lists, WINDOW) == (DATES,)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=4), st.text(max_size=20))
def test_any_keyword_text_gives_a_well_formed_query(keywords: list[str], author: str) -> None:
    """Whatever the config holds, every query parses and the exclusions stay out of it."""
    rules = Rules(keywords=tuple(keywords), authors=(author,) if author.strip() else ())
    queries = build_queries([rules], WINDOW)
    assert queries
    for query in queries:
        parse(query)
        assert query.endswith(DATES)


# --- authors and categories --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "term"),
    [
        ("Y. LeCun", "au:LeCun"),
        ("Yann LeCun", "au:LeCun"),
        ("Élodie Brûlé", "au:Brule"),
        ("Martin Luther King Jr.", "au:King"),
        ("Y. L.", "au:L*"),
        ("Tal Or", 'au:"Or"'),
        ("del Maestro, A.", "au:Maestro"),
    ],
)
def test_a_followed_author_is_asked_for_by_a_full_word_of_the_name(name: str, term: str) -> None:
    """The last full word (accents folded, suffixes skipped), or the last initial as a prefix."""
    assert author_term(name) == term


def test_an_author_without_letters_cannot_be_asked_for() -> None:
    """A name of punctuation gives no term."""
    assert author_term("--") is None


@pytest.mark.parametrize(
    ("category", "terms"),
    [
        ("cs.CL", ["cat:cs.CL"]),
        ("cs.cl", ["cat:cs.cl", "cat:cs.CL"]),
        ("astro-ph", ["cat:astro-ph*"]),
        ("CS", ["cat:CS*", "cat:cs*"]),
        ("cond-mat.STR-EL", ["cat:cond-mat.STR-EL", "cat:cond-mat.str-el"]),
        ("cs:CL)", None),
    ],
)
def test_categories_are_asked_as_written_and_as_arxiv_spells_them(
    category: str, terms: list[str] | None
) -> None:
    """Archives become prefixes; a spelling arXiv may not know is joined by its own one."""
    assert category_terms(category) == terms


def test_a_malformed_category_makes_its_list_asked_for_by_keywords() -> None:
    """Leaving out a category would narrow, so the list falls back to its keywords."""
    rules = Rules(keywords=("GPT",), categories=("cs.CL", "cs:CL)"))
    (query,) = build_queries([rules], WINDOW)
    assert query.startswith("(ti:GPT OR abs:GPT OR ti:GPTs")
    assert "cat:" not in query


# --- superset ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "title", "abstract"),
    [
        ("LLM", "LLMs as judges", ""),
        ("Bench", "", "New Benches for old tasks"),
        ("large language model", "", "We study Large-Language\nModels at scale."),
        ("agent*", "Agentic workflows", ""),
        ("multi-agent*", "", "a multi agentic system"),
        ("GPT", "What GPT-4o knows", ""),
        ("r1", "", "Distilling DeepSeek-R1 into small models"),
        ("Llama 3.1", "Fine-tuning Llama-3.1", ""),
        (("diffusion", "protein"), "Diffusion models", "for protein design"),
        ("C++", "", "Bugs in C++17 code"),
        ("foo_bar", "", "the foo bar method"),
    ],
)
def test_every_paper_the_rules_keep_is_in_what_the_query_asks(
    keyword: Keyword, title: str, abstract: str
) -> None:
    """For rules that keep a paper, arXiv (as modelled) returns it for the query."""
    rules = Rules(keywords=(keyword,))
    paper = _paper(title, abstract)
    assert Matcher(rules).match(paper) is not None
    assert _queried([rules], paper)


def test_a_paper_outside_the_terms_is_not_asked_for() -> None:
    """The model is not trivially true: a paper without the keyword is not returned."""
    assert not _queried([Rules(keywords=("LLM",))], _paper("Protein folding", "No match."))


@pytest.mark.parametrize(
    ("followed", "author"),
    [
        ("Y. LeCun", "Yann LeCun"),
        ("Yann LeCun", "Y. LeCun"),
        ("Müller", "Thomas Mueller Müller"),
        ("Y. L.", "Yann Lecun"),
    ],
)
def test_every_paper_by_a_followed_author_is_asked_for(followed: str, author: str) -> None:
    """The `au:` term finds each spelling the local rules accept."""
    rules = Rules(authors=(followed,))
    paper = _paper(authors=("Someone Else", author))
    assert Matcher(rules).match(paper) is not None
    assert _queried([rules], paper)


def test_every_paper_in_a_listed_category_is_asked_for() -> None:
    """Archive names and odd case still find the paper whatever its keywords."""
    rules = Rules(keywords=("nothing here",), categories=("astro-ph", "cs.lg"))
    for categories in [("astro-ph.GA",), ("cs.LG", "stat.ML"), ("astro-ph",)]:
        paper = _paper(categories=categories)
        assert Matcher(rules).match(paper) is None  # no keyword hit: asked for anyway
        assert _queried([rules], paper)


_WORD = st.from_regex(r"[A-Za-z]{2,8}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(_WORD, min_size=1, max_size=3),
    joins=st.lists(st.sampled_from([" ", "-", "\n", ", ", " - ", "/"]), min_size=3, max_size=3),
    ending=st.sampled_from(["", "s", "es", "*"]),
    extra=_WORD,
    before=st.lists(_WORD, max_size=3),
    in_title=st.booleans(),
    upper=st.booleans(),
)
def test_keyword_phrases_in_any_spelling_are_asked_for(  # noqa: PLR0917 - hypothesis arguments
    words: list[str],
    joins: list[str],
    ending: str,
    extra: str,
    before: list[str],
    in_title: bool,
    upper: bool,
) -> None:
    """Phrases, plurals and prefixes as the local rules accept them are always asked for."""
    keyword = " ".join(words) + ("*" if ending == "*" else "")
    found = words[0] + "".join(j + w for j, w in zip(joins, words[1:], strict=False))
    found += extra if ending == "*" else ending
    text = " ".join([*before, found.upper() if upper else found, "end."])
    paper = _paper(text if in_title else "Title", "Abstract" if in_title else text)
    rules = Rules(keywords=(keyword,))
    assert Matcher(rules).match(paper) is not None
    assert _queried([rules], paper)


def test_papers_submitted_in_the_window_fit_the_date_range() -> None:
    """The range is rounded outwards to whole minutes, in GMT."""
    window = Window(
        datetime(2026, 11, 14, 5, 30, 45, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 11, 21, 0, 0, 0, 1, tzinfo=UTC),
    )
    assert date_clause(window) == "submittedDate:[202611141030 TO 202611210001]"


def test_naive_window_times_are_refused() -> None:
    """A window without a timezone is a programming error, not a guess."""
    with pytest.raises(ValueError, match="timezone-aware"):
        date_clause(Window(datetime(2026, 1, 1), datetime(2026, 1, 2)))


def test_the_date_range_can_be_read_back_and_replaced() -> None:
    """Splitting a window rewrites only the date range of a query."""
    query = f"(cat:cs.CL OR ti:x) AND {DATES}"
    assert date_range(query) == (WINDOW.start, WINDOW.end)
    middle = datetime(2026, 11, 17, 12, tzinfo=UTC)
    assert with_date_range(query, middle, WINDOW.end) == (
        "(cat:cs.CL OR ti:x) AND submittedDate:[202611171200 TO 202611210000]"
    )
    assert date_range("cat:cs.CL") is None
    assert with_date_range("cat:cs.CL", middle, WINDOW.end) == (
        "(cat:cs.CL) AND submittedDate:[202611171200 TO 202611210000]"
    )


# --- size --------------------------------------------------------------------------------------


def test_the_url_is_measured_as_the_arxiv_package_builds_it() -> None:
    """`request_url` equals arxiv 4.0.2's own page URL for the same search."""
    client = arxiv.Client(page_size=2000)
    client.query_url_format = "http://127.0.0.1:9/api/query?{}"
    search = arxiv.Search(
        query=f'(ti:"a b" OR cat:cs.CL) AND {DATES}',
        max_results=None,
        sort_by=arxiv.SortCriterion.SubmittedDate,
        sort_order=arxiv.SortOrder.Descending,
    )
    expected = client._format_url(search, 28000, 2000)
    assert (
        request_url(
            search.query, endpoint="http://127.0.0.1:9/api/query", start=28000, max_results=2000
        )
        == expected
    )


def _url(query: str) -> str:
    return request_url(query, endpoint=DEFAULT_ENDPOINT, start=30000, max_results=2000)


def _leaf_terms(node: Node) -> list[Node]:
    if isinstance(node, tuple) and node[0] == "OR":
        parts = node[1]
        assert isinstance(parts, tuple)
        return list(parts)
    return [node]


def test_a_long_query_is_split_into_parts_that_each_fit() -> None:
    """Many keywords make several queries, each URL within the limit, asking for every term."""
    keywords = tuple(f"topic number {n}" for n in range(40))
    rules = [Rules(keywords=keywords[:20]), Rules(keywords=keywords[20:], authors=("Ng",))]
    whole = build_queries(rules, WINDOW, max_url_length=100_000)
    parts = build_queries(rules, WINDOW)
    assert len(whole) == 1
    assert len(parts) > 1
    every: list[Node] = []
    for query in parts:
        assert len(_url(query)) <= 2000
        assert query.endswith(f") AND {DATES}")
        tree = parse(query)
        assert isinstance(tree, tuple)
        assert tree[0] == "AND"
        every += _leaf_terms(tree[1][0])  # type: ignore[index]
    single = parse(whole[0])
    assert every == _leaf_terms(single[1][0])  # type: ignore[index]


def test_parts_are_packed_as_full_as_the_limit_allows() -> None:
    """Each part but the last would pass the limit with the next term added."""
    rules = [Rules(keywords=tuple(f"word{n}" for n in range(100)))]
    parts = build_queries(rules, WINDOW, max_url_length=600)
    assert len(parts) > 2
    for query in parts:
        assert len(_url(query)) <= 600
    for current, following in itertools.pairwise(parts):
        next_term = following.split(" OR ")[0].lstrip("(")
        grown = current.replace(f") AND {DATES}", f" OR {next_term}) AND {DATES}")
        assert len(_url(grown)) > 600


def test_a_term_too_long_for_any_url_widens_to_the_dates() -> None:
    """A keyword that cannot fit in a URL leaves the window alone as the query."""
    rules = [Rules(keywords=("word " * 500,))]
    assert build_queries(rules, WINDOW) == (DATES,)
