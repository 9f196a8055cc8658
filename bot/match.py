"""Local matching: whether a paper belongs on a list, and which of the list's rules hit it.

The arXiv query only narrows what is fetched; these rules decide. They are exact and documented
so that a user can predict them:

Keywords (also `exclude` entries)
    Text and keyword are compared after Unicode NFKC normalisation and case folding. A *word* is
    a run of letters and digits (any script, accents included: "Schrödinger"); everything else,
    the underscore, hyphens, apostrophes and all other punctuation included, separates words.
    A keyword matches where its words appear as whole words, in order, separated by any run of
    non-word characters (spaces, newlines, hyphens, ...): "large language model" matches
    "Large-Language\\nModels". So "GPT" matches "GPT-4o", "(GPT)" and "GPT's", "r1" matches
    "DeepSeek-R1" but not "PXR150", and "Bench" matches "Benches" but not "benchmark".

    - The last word, when it ends in a letter, may take a plural ``s`` or ``es`` ("LLM" →
      "LLMs", "Bench" → "Benches"); a number takes none ("GPT-4" does not match "GPT-4s").
    - A trailing ``*`` right after a word makes that last word a prefix: "agent*" matches
      "agent", "agents" and "agentic"; "multi-agent*" matches "multi agentic".
    - Punctuation *between* a keyword's words is a separator like any other: "GPT-4" matches
      "GPT 4" and "GPT-4", "k-means" matches "k means", "Llama 3.1" matches "Llama-3.1".
    - Punctuation at the *start or end* of a keyword is literal and required, and marks the
      word's edge itself: "C++" matches "C++" and "C++17", never a bare "C"; ".NET" matches
      ".NET" and "ASP.NET", not "NET"; such an end takes no plural.
    - A keyword without any letter or digit ("++") matches its characters literally anywhere.
    - Whitespace inside a keyword stands for any run of whitespace in the text.
    - Regex metacharacters are never special: "(a|b)" needs the literal parentheses around the
      words ``a`` and ``b`` (so it matches "(a|b)" and "(a, b)"); "[x]" needs the brackets.
    - A keyword written as a tuple matches when every item matches, each anywhere in the
      title or abstract.

Categories
    When a list names categories, a paper must carry one of them as its primary category or a
    cross-list. Names compare ignoring case. An archive name without a subject ("cs",
    "astro-ph") also accepts every category of that archive ("cs.CL", "astro-ph.GA").

Followed authors
    Names are compared word by word after NFKD normalisation with combining marks dropped and
    case folding ("Müller" = "Muller"); any non-letter, non-digit separates words. An entry
    matches an author when the entry's words occur in the name's words in order (other words
    may sit between them) and the entry's last word matches the name's last word, not counting
    a trailing "Jr", "Sr", "II", "III" or "IV". Two words match when they are equal, or when
    one of them is a single letter (an initial) that the other starts with. So "Y. LeCun"
    matches "Yann LeCun" and "Yann André LeCun", "LeCun" matches "Yann LeCun", "Yann LeCun"
    matches "Y. LeCun", while "Y. LeCun" matches neither "Yann Lecunn" nor "Xavier LeCun".

A paper is on a list when its categories allow it, a keyword or a followed author hits it, and
no `exclude` keyword hits it; a followed author overrides `exclude` (not `categories`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.models import Hit, Keyword, Paper, Rules, Where, keyword_label

_WORD = r"[^\W_]"
"""One word character: a Unicode letter or digit (not the underscore)."""

_WORDS = re.compile(rf"{_WORD}+")
_SEPARATOR = r"[\W_]+"
"""What may stand between two words of a phrase in the text: any run of non-word characters."""

_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def normalize_text(text: str) -> str:
    """Text as keywords are compared with it: NFKC, case-folded (done once per paper)."""
    if text.isascii():  # NFKC leaves ASCII as it is, and case folding it is lower-casing
        return text.lower()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _literal(piece: str) -> str:
    """A regex for punctuation taken literally, any whitespace in it matching any whitespace."""
    return r"\s+".join(re.escape(part) for part in piece.split())


@lru_cache(maxsize=4096)
def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """The compiled regex of one keyword string, to search in `normalize_text` output."""
    text = normalize_text(keyword).strip()
    prefix = len(text) >= 2 and text.endswith("*") and _WORDS.fullmatch(text[-2]) is not None
    if prefix:
        text = text[:-1]
    spans = [found.span() for found in _WORDS.finditer(text)]
    if not spans:
        return re.compile(_literal(text))
    words = [re.escape(text[start:end]) for start, end in spans]
    lead, tail = text[: spans[0][0]], text[spans[-1][1] :]
    pattern = _SEPARATOR.join(words)
    if tail.strip():
        pattern += (r"\s+" if tail[0].isspace() else "") + _literal(tail)
    elif prefix:
        pattern += rf"{_WORD}*"
    elif text[spans[-1][1] - 1].isalpha():
        pattern += rf"(?:e?s)?(?!{_WORD})"
    else:
        pattern += rf"(?!{_WORD})"
    if lead.strip():
        return re.compile(_literal(lead) + (r"\s+" if lead[-1].isspace() else "") + pattern)
    # The first word comes first so that `re` scans for it as a literal prefix (some forty
    # times faster than a leading look-behind); the look-behind right after it then checks
    # that no letter or digit stands just before it.
    first = words[0]
    return re.compile(first + rf"(?<!{_WORD}{first})" + pattern[len(first) :])


def _items(keyword: Keyword) -> tuple[str, ...]:
    return (keyword,) if isinstance(keyword, str) else keyword


def matches_text(keyword: Keyword, text: str) -> bool:
    """True when the keyword (every item of a tuple) matches somewhere in `text`."""
    normal = normalize_text(text)
    return all(keyword_pattern(item).search(normal) for item in _items(keyword))


def keyword_hits(keyword: Keyword, title: str, abstract: str) -> tuple[Where, ...]:
    """Where the keyword hits: `("title",)`, `("abstract",)`, both, or `()` for no match."""
    return _Compiled.of(keyword).hits(normalize_text(title), normalize_text(abstract))


def occurrences(keyword: Keyword, title: str, abstract: str) -> tuple[int, int]:
    """How often the keyword occurs in the title and in the abstract (every item of a tuple
    counted), or `(0, 0)` when it does not match (an item of a tuple found nowhere)."""
    return occurrences_normal(keyword, normalize_text(title), normalize_text(abstract))


def occurrences_normal(
    keyword: Keyword, normal_title: str, normal_abstract: str
) -> tuple[int, int]:
    """`occurrences` in a title and an abstract already normalised (`normalize_text`)."""
    in_title = in_abstract = 0
    for item in _items(keyword):
        pattern = keyword_pattern(item)
        here_title = len(pattern.findall(normal_title))  # (the patterns capture no group)
        here_abstract = len(pattern.findall(normal_abstract))
        if not here_title + here_abstract:
            return 0, 0
        in_title += here_title
        in_abstract += here_abstract
    return in_title, in_abstract


_SEGMENT_CHECK = 32
"""Characters before a cut that are normalised again to test it (composition is local)."""
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of text that normalises on its own. In a `linear` one (ASCII) each character
    normalises to one character (lower case), so positions inside it map one to one."""

    start: int
    end: int
    normal: str
    linear: bool


def _stretch(text: str, start: int, end: int) -> list[_Piece]:
    """Pieces of text[start:end] (no ASCII run inside): a cut before each character that
    combines with nothing, when normalising across the cut changes nothing."""
    pieces: list[_Piece] = []
    for index in range(start + 1, end + 1):
        if index < end:
            if unicodedata.combining(text[index]):
                continue
            left = text[max(start, index - _SEGMENT_CHECK) : index]
            right_end = index + 1
            while right_end < end and unicodedata.combining(text[right_end]):
                right_end += 1
            right = text[index:right_end]
            if normalize_text(left + right) != normalize_text(left) + normalize_text(right):
                continue
        pieces.append(_Piece(start, index, normalize_text(text[start:index]), linear=False))
        start = index
    return pieces


def _segments(text: str) -> list[_Piece] | None:
    """`text` cut into pieces whose normalised forms, joined, are `normalize_text(text)`, or
    None when no such cut was found. ASCII runs are linear pieces; a character followed by a
    combining mark stays with it."""
    if text.isascii():  # one linear piece: ASCII normalises to its lower case, one to one
        return [_Piece(0, len(text), text.lower(), linear=True)] if text else []
    pieces: list[_Piece] = []
    done = 0
    for run in _ASCII_RUN.finditer(text):
        start, end = run.span()
        if end < len(text) and unicodedata.combining(text[end]):
            end -= 1  # this character and the marks after it normalise together
        if start >= end:
            continue
        pieces += _stretch(text, done, start)
        pieces.append(_Piece(start, end, text[start:end].lower(), linear=True))
        done = end
    pieces += _stretch(text, done, len(text))
    if "".join(piece.normal for piece in pieces) != normalize_text(text):
        return None
    return pieces


def keyword_spans(keywords: Iterable[Keyword], text: str) -> list[tuple[int, int]]:
    """Where the keywords' items match in `text`, as (start, end) offsets into `text` itself.

    The patterns search the normalised text, as matching does; each match is mapped back to
    the characters of `text` it came from (a match that starts or ends inside one character's
    normalised form, such as the "fi" of "ﬁ", takes that whole character). The spans come
    sorted, with overlapping and touching ones merged. Text whose normalisation cannot be
    mapped back (no such text is known) gives no spans.
    """
    patterns = [keyword_pattern(item) for keyword in keywords for item in _items(keyword)]
    pieces = _segments(text) if patterns and text else None
    if not pieces:
        return []
    if len(pieces) == 1 and pieces[0].linear:  # ASCII: offsets are the same in both texts
        return _merged(
            match.span()
            for pattern in patterns
            for match in pattern.finditer(pieces[0].normal)
            if match.end() > match.start()
        )
    normal = "".join(piece.normal for piece in pieces)
    offsets: list[int] = []
    offset = 0
    for piece in pieces:
        offsets.append(offset)
        offset += len(piece.normal)

    def raw(position: int, *, end: bool) -> int:
        """The offset in `text` of the normalised character at `position` (after it: `end`)."""
        index = bisect_right(offsets, position) - 1
        piece = pieces[index]
        if piece.linear:
            return piece.start + position - offsets[index] + end
        return piece.end if end else piece.start

    return _merged(
        (raw(match.start(), end=False), raw(match.end() - 1, end=True))
        for pattern in patterns
        for match in pattern.finditer(normal)
        if match.end() > match.start()
    )


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans sorted, overlapping and touching ones made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _fold_name(text: str) -> tuple[str, ...]:
    """A name's words: accents dropped (NFKD, no combining marks), case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return tuple(_WORDS.findall(bare.casefold()))


def _name_words(name: str) -> tuple[str, ...]:
    """A paper author's words, without a trailing generational suffix ("Jr", "III")."""
    words = _fold_name(name)
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words = words[:-1]
    return words


def _same_word(entry: str, name: str) -> bool:
    if entry == name:
        return True
    if len(entry) == 1:
        return name.startswith(entry)
    return len(name) == 1 and entry.startswith(name)


def _author_words_match(entry: tuple[str, ...], name: tuple[str, ...]) -> bool:
    if not entry or not name or not _same_word(entry[-1], name[-1]):
        return False
    rest = iter(name[:-1])
    # Greedy: each entry word takes the earliest name word it matches after the previous one.
    return all(any(_same_word(word, candidate) for candidate in rest) for word in entry[:-1])


def author_matches(pattern: str, name: str) -> bool:
    """True when a followed-author entry (`Y. LeCun`) designates this author's name."""
    return _author_words_match(_fold_name(pattern), _name_words(name))


def category_allows(wanted: str, category: str) -> bool:
    """True when a configured category (`cs.CL`, or an archive such as `cs`) covers one."""
    wanted_folded = wanted.strip().casefold()
    category_folded = category.strip().casefold()
    return category_folded == wanted_folded or category_folded.startswith(wanted_folded + ".")


@lru_cache(maxsize=4096)
def keyword_needle(keyword: str) -> str:
    """Text that every match of `keyword_pattern(keyword)` contains as it is: its longest
    word (normalised; the pattern has each word literally), or "" for a keyword without words.
    `needle in text` is a plain substring search, many times faster than the regex, and most
    keywords are in few texts; a longer needle is skipped through faster and found in fewer."""
    return max(_WORDS.findall(normalize_text(keyword).strip()), key=len, default="")


_DECIDED = 4096
"""Mixes of categories a `Matcher` remembers its decision for, at most."""

_PLACES: dict[tuple[bool, bool], tuple[Where, ...]] = {
    (True, True): ("title", "abstract"),
    (True, False): ("title",),
    (False, True): ("abstract",),
    (False, False): (),
}


@dataclass(frozen=True, slots=True)
class _Compiled:
    """One configured keyword (a string or an all-of tuple) with the regexes of its items, each
    with its needle (`keyword_needle`)."""

    label: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, keyword: Keyword) -> _Compiled:
        return cls(
            keyword_label(keyword),
            tuple((keyword_needle(i), keyword_pattern(i)) for i in _items(keyword)),
        )

    def hits(self, title: str, abstract: str) -> tuple[Where, ...]:
        """Where the items matched the normalised texts, or `()` when one matched nowhere."""
        in_title = in_abstract = False
        for needle, pattern in self.patterns:
            here_title = needle in title and pattern.search(title) is not None
            here_abstract = needle in abstract and pattern.search(abstract) is not None
            if not (here_title or here_abstract):
                return ()
            in_title = in_title or here_title
            in_abstract = in_abstract or here_abstract
        return _PLACES[in_title, in_abstract]

    def found(self, title: str, abstract: str) -> bool:
        """True when every item matched the normalised title or abstract."""
        return all(
            (needle in title and pattern.search(title))
            or (needle in abstract and pattern.search(abstract))
            for needle, pattern in self.patterns
        )


class Matcher:
    """A list's rules compiled once; `match` says whether and why a paper is on the list."""

    __slots__ = ("_authors", "_categories", "_checks", "_decided", "_exclude")

    def __init__(self, rules: Rules) -> None:
        keywords: dict[str, _Compiled] = {}
        for keyword in rules.keywords:
            compiled = _Compiled.of(keyword)
            keywords.setdefault(compiled.label, compiled)
        # Each keyword with the needle of its first item: every item must match, so a text
        # without that needle is passed over in `match` without a call or a regex.
        self._checks = tuple((compiled, compiled.patterns[0][0]) for compiled in keywords.values())
        self._exclude = tuple(_Compiled.of(keyword) for keyword in rules.exclude)
        self._authors = tuple(
            (author, words)
            for author in dict.fromkeys(rules.authors)
            if (words := _fold_name(author))
        )
        self._categories = tuple(rules.categories)
        self._decided: dict[tuple[str, tuple[str, ...]], bool] = {}
        """Whether the categories allow a paper, by its primary and other categories."""

    def _allowed(self, paper: Paper) -> bool:
        if not self._categories:
            return True
        key = (paper.primary_category, paper.categories)
        allowed = self._decided.get(key)
        if allowed is None:  # a mix of categories seen first (papers share a few hundred)
            allowed = any(
                category_allows(wanted, category)
                for wanted in self._categories
                for category in (paper.primary_category, *paper.categories)
            )
            if len(self._decided) < _DECIDED:
                self._decided[key] = allowed
        return allowed

    def match(self, paper: Paper) -> tuple[Hit, ...] | None:
        """The hits (keywords in config order, then followed authors), or None if off the list."""
        if not self._allowed(paper):
            return None
        title = normalize_text(paper.title)
        abstract = normalize_text(paper.abstract)
        both = f"{title}\n{abstract}"  # one scan per needle; a needle (a word) never spans "\n"
        hits: list[Hit] = []
        for compiled, needle in self._checks:
            if needle not in both:
                continue  # most keywords, for most papers: no regex run at all
            if places := compiled.hits(title, abstract):
                hits.append(Hit(compiled.label, places))
        followed: list[Hit] = []
        if self._authors:
            names = [_name_words(name) for name in paper.authors]
            followed = [
                Hit(author, ("authors",))
                for author, words in self._authors
                if any(_author_words_match(words, name) for name in names)
            ]
        if not hits and not followed:
            return None
        if not followed and any(ex.found(title, abstract) for ex in self._exclude):
            return None
        return (*hits, *followed)
