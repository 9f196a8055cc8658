"""The arXiv `search_query` for all lists at once: always wider than the local rules.

Matching happens locally (`bot.match`); the query only has to bring back every paper the rules
could keep, so wherever the two could disagree it widens instead of narrowing:

- a list with categories is asked for by its categories alone (`cat:cs.CL OR cat:cs.AI`; a whole
  archive such as `astro-ph` as `cat:astro-ph*`), since the rules need a category anyway;
- a list without categories is asked for by each keyword in the title or the abstract (phrases
  quoted, the plural `s`/`es` of the last word spelled out, `agent*` as a prefix, an all-of
  keyword as an AND of its items) or by the last name of each followed author (`au:`, accents
  folded);
- `exclude` never narrows the query (it is applied locally);
- characters arXiv's query parser cannot take (quotes, parentheses, colons, wildcards inside a
  keyword, …) become spaces, which arXiv's tokenizer treats as the word breaks they were;
- a keyword, author or category that leaves nothing to ask for makes its list unbounded: the
  query is then the date range alone.

What arXiv's own tokenizer does is outside the bot's control; two cases the local rules accept
are not asked for: a keyword whose leading punctuation glues to a word in arXiv's index (".NET"
in "ASP.NET"), and a paper spelling a followed author's family name as an initial ("Yann L.").

All lists share one query, ANDed with `submittedDate:[… TO …]` (GMT, to the minute, widened
outwards). It is split into several only when the request URL would pass `max_url_length`,
each part a disjunction of whole terms, so the union of the parts asks for the same papers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from bot.models import Keyword, Rules, Window

DEFAULT_ENDPOINT = "https://export.arxiv.org/api/query"
"""arXiv's query API; `ARXIV_API_URL` replaces it (a mirror, or a local test server)."""

MAX_URL_LENGTH = 2000
"""arXiv documents no limit; long GETs are refused with HTTP 414 (see reference/FACTS.md)."""

WORST_START = 30_000
"""The largest `start` a request can carry (arXiv serves at most 30,000 results per query)."""

WORST_PAGE_SIZE = 2000
"""The largest `max_results` a request can carry (arXiv's limit per call)."""

_STAMP = "%Y%m%d%H%M"
_DATE_RANGE = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")
_OPERATORS = frozenset({"and", "or", "not", "andnot", "to"})
_KEEP = frozenset("-.'_")
"""Punctuation kept inside a quoted phrase: arXiv's tokenizer reads it as the text has it."""

_FIELDS = ("ti", "abs")


# --- dates -------------------------------------------------------------------------------------


def _stamp(moment: datetime, *, round_up: bool) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"window times must be timezone-aware, got {moment.isoformat()}")
    utc = moment.astimezone(UTC)
    minute = utc.replace(second=0, microsecond=0)
    if round_up and minute != utc:
        minute += timedelta(minutes=1)
    return minute.strftime(_STAMP)


def date_clause(window: Window) -> str:
    """`submittedDate:[start TO end]` in GMT minutes, rounded outwards so nothing is cut off."""
    start = _stamp(window.start, round_up=False)
    end = _stamp(window.end, round_up=True)
    return f"submittedDate:[{start} TO {end}]"


def date_range(query: str) -> tuple[datetime, datetime] | None:
    """The submission-date range a query asks for, or None when it has none."""
    found = _DATE_RANGE.search(query)
    if found is None:
        return None
    start, end = (datetime.strptime(text, _STAMP).replace(tzinfo=UTC) for text in found.groups())
    return start, end


def with_date_range(query: str, start: datetime, end: datetime) -> str:
    """The query asking for submissions in [start, end] instead (added when it had no range)."""
    clause = date_clause(Window(start, end))
    if _DATE_RANGE.search(query) is None:
        return f"({query}) AND {clause}" if query else clause
    return _DATE_RANGE.sub(lambda _: clause, query, count=1)


# --- the URL, as the arxiv package builds it ---------------------------------------------------


def request_url(query: str, *, endpoint: str, start: int, max_results: int) -> str:
    """The GET URL arxiv 4.0.2's `Client._format_url` builds for one page of this query."""
    args = {
        "search_query": query,
        "id_list": "",
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "start": str(start),
        "max_results": str(max_results),
    }
    return f"{endpoint}?{urlencode(args)}"


def _url_length(query: str, endpoint: str) -> int:
    return len(
        request_url(query, endpoint=endpoint, start=WORST_START, max_results=WORST_PAGE_SIZE)
    )


# --- terms -------------------------------------------------------------------------------------


def _neutralise(text: str) -> str:
    """Keep letters, digits and harmless in-word punctuation; everything else is a word break."""
    kept = "".join(ch if ch.isalnum() or ch in _KEEP else " " for ch in text)
    words = (word.strip("".join(_KEEP)) for word in kept.split())
    return " ".join(word for word in words if word)


def _bare(word: str) -> bool:
    """True when a word can go into the query unquoted."""
    return word.isalnum() and word.casefold() not in _OPERATORS


def _term(field: str, text: str) -> str:
    return f"{field}:{text}" if _bare(text) else f'{field}:"{text}"'


def _plain_keyword(text: str) -> list[str]:
    """A word or phrase in the title or abstract; a last word ending in a letter also plural.

    Besides the phrase as written, the phrase with `.`, `'` and `_` made word breaks is asked
    for too: locally they always break words, while arXiv's tokenizer may keep `3.1` or
    `foo_bar` whole.
    """
    kept = _neutralise(text)
    if not kept:
        return []
    broken = " ".join(re.sub(r"[.'_]", " ", kept).split())
    atoms: list[str] = []
    for base in dict.fromkeys((kept, broken)):
        forms = [base, base + "s", base + "es"] if base[-1].isalpha() else [base]
        atoms += [_term(field, form) for form in forms for field in _FIELDS]
    return atoms


def _prefix_keyword(text: str) -> list[str]:
    """`agent*` as `ti:agent* OR abs:agent*`; a phrase prefix as the AND of its words."""
    words = re.findall(r"[^\W_]+", _neutralise(text))
    if not words:
        return []
    *head, last = words
    atoms = []
    for field in _FIELDS:
        parts = [_term(field, word) for word in head] + [f"{field}:{last}*"]
        atoms.append(parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")")
    return atoms


def _item(text: str) -> list[str]:
    """The alternatives (ORed) that find one keyword item; empty when nothing can be asked."""
    stripped = text.strip()
    if stripped.endswith("*"):
        return _prefix_keyword(stripped.rstrip("*"))
    return _plain_keyword(stripped)


def _group(atoms: Sequence[str]) -> str:
    return atoms[0] if len(atoms) == 1 else "(" + " OR ".join(atoms) + ")"


def keyword_terms(keyword: Keyword) -> list[str] | None:
    """The ORed terms that find a keyword, or None when none can (the list is then unbounded).

    An all-of keyword is one term, the AND of its items; an item that cannot be asked for is
    left out of the AND, which only widens it.
    """
    if isinstance(keyword, str):
        return _item(keyword) or None
    items: list[list[str]] = []
    for text in keyword:
        atoms = _item(text)
        if atoms and atoms not in items:
            items.append(atoms)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return ["(" + " AND ".join(_group(atoms) for atoms in items) + ")"]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def author_term(name: str) -> str | None:
    """`au:` with the last word of a name that is not an initial (accents folded).

    Every word of a followed name must be in a matching author's name, so any full word finds
    them; the last one is the family name in most spellings ("Y. LeCun" → `au:LeCun`). A name of
    initials only asks for its last initial as a prefix ("Y. L." → `au:L*`), as the local rules
    let an initial stand for any word it starts. "Jr", "Sr", "II"… are passed over.
    """
    words = re.findall(r"[^\W_]+", _fold(name))
    if not words:
        return None
    full = [word for word in words if len(word) > 1]
    chosen = [word for word in full if word.casefold() not in _SUFFIXES] or full
    if chosen:
        return _term("au", chosen[-1])
    return f"au:{words[-1]}*"


_CATEGORY = re.compile(r"[A-Za-z][A-Za-z-]*(?:\.[A-Za-z][A-Za-z-]*)?")


_LOWER_SUBJECTS = frozenset({"physics", "cond-mat"})
"""Archives whose subject classes are written in lower case (`cond-mat.str-el`)."""


def _canonical_category(text: str) -> str:
    """arXiv's spelling: `cs.CL`, `astro-ph.GA`, `cond-mat.str-el`, `hep-th`."""
    archive, _, subject = text.partition(".")
    archive = archive.lower()
    if not subject:
        return archive
    subject = subject.lower() if archive in _LOWER_SUBJECTS else subject.upper()
    return f"{archive}.{subject}"


def category_terms(category: str) -> list[str] | None:
    """`cat:cs.CL`; an archive (`astro-ph`) as `cat:astro-ph*`; None when malformed.

    The local rules compare categories ignoring case; arXiv's spelling is added when the
    configured one differs from it.
    """
    text = category.strip()
    if not _CATEGORY.fullmatch(text):
        return None
    spellings = dict.fromkeys((text, _canonical_category(text)))
    return [f"cat:{name}" if "." in name else f"cat:{name}*" for name in spellings]


def list_terms(rules: Rules) -> list[str] | None:
    """The ORed terms that find every paper a list's rules could keep; None when unbounded."""
    if rules.categories:
        categories = [category_terms(category) for category in rules.categories]
        if all(terms is not None for terms in categories):
            return [term for terms in categories if terms is not None for term in terms]
    terms: list[str] = []
    for keyword in rules.keywords:
        found = keyword_terms(keyword)
        if found is None:
            return None
        terms.extend(found)
    for name in rules.authors:
        term = author_term(name)
        if term is None:
            return None
        terms.append(term)
    return terms


def _unique(terms: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for term in terms:
        # Words are searched ignoring case; a category is kept as written.
        key = term if term.startswith("cat:") else term.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(term)
    return kept


def _compose(terms: Sequence[str], dates: str) -> str:
    if len(terms) == 1:
        return f"{terms[0]} AND {dates}"
    return "(" + " OR ".join(terms) + f") AND {dates}"


def build_queries(
    rules: Sequence[Rules],
    window: Window,
    *,
    max_url_length: int = MAX_URL_LENGTH,
    endpoint: str = DEFAULT_ENDPOINT,
) -> tuple[str, ...]:
    """The `search_query` strings that together find every paper the lists could keep.

    One query unless its request URL (endpoint, search_query, sortBy, sortOrder, start,
    max_results, as the arxiv package encodes them) would pass `max_url_length`; then terms are
    packed in order into as few queries as fit. A term too long to fit alone makes the query the
    date range alone (wider, never narrower). No lists, no queries.
    """
    dates = date_clause(window)
    collected: list[str] = []
    for one in rules:
        terms = list_terms(one)
        if terms is None:
            return (dates,)
        collected.extend(terms)
    terms = _unique(collected)
    if not terms:
        return ()
    queries: list[str] = []
    current: list[str] = []
    for term in terms:
        if _url_length(_compose([*current, term], dates), endpoint) <= max_url_length:
            current.append(term)
            continue
        if not current or _url_length(_compose([term], dates), endpoint) > max_url_length:
            return (dates,)
        queries.append(_compose(current, dates))
        current = [term]
    queries.append(_compose(current, dates))
    return tuple(queries)
