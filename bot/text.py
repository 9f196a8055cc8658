"""arXiv's text made safe for GitHub: it shows verbatim and never becomes Markdown or HTML.

Titles, authors, comments and abstracts are arbitrary text (LaTeX source, `*`, `_`, `<`, `$`,
URLs, control characters). Each escaper here targets one context of a page:

- `md_inline`: Markdown inline text (link text, emphasis, a line of a list item);
- `html_text`: text inside the raw HTML `<details>` block, which Markdown leaves alone
  (`html_marked`: the same, with given spans in bold);
- `code_span`: a Markdown code span (keywords, categories, ids).

All three first `clean` the text: control characters dropped, every run of whitespace one
space, so nothing can end a line, a list item or the HTML block. Then `inert` defuses what
GitHub rewrites after parsing (emoji shortcodes, @mentions, e-mail autolinks) with an
invisible WORD JOINER, so the visible text stays exactly arXiv's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence

WORD_JOINER = "\u2060"
"""Invisible, zero-width, no line break: splits `:name:` and `@name` without showing."""

_DROPPED = re.compile(
    "["
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"  # C0/C1 controls that are not whitespace
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides, isolates: reorder what follows
    "\ud800-\udfff"  # lone surrogates: not encodable as UTF-8
    "]"
)
_GAP = re.compile(rf"[\s{_DROPPED.pattern[1:-1]}]*")
"""Characters that `clean` drops or turns into (at most) one space."""
_IRREGULAR_GAP = re.compile(rf"[\s{_DROPPED.pattern[1:-1]}]{{2,}}|{_DROPPED.pattern}|\A\s|\s\Z")
"""Where `clean` changes the length of the text: runs of two or more dropped or whitespace
characters, a dropped character, whitespace at either end (a lone inner space stays one)."""
_SHORTCODE = re.compile(r":(?=[A-Za-z0-9_+-]+:)")
"""A colon that opens something GitHub would turn into an emoji (`:smile:`, `:100:`)."""
_AT = re.compile(r"@(?=\S)")
"""An at sign before a name: GitHub links `@user`, and GFM autolinks `a@b.com`."""

_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_MARKDOWN_ESCAPES = {char: ("&#36;" if char == "$" else "\\" + char) for char in _PUNCTUATION}
"""Every ASCII punctuation character backslash-escaped, as CommonMark allows; `$` as the entity
`&#36;`, which shows `$` but is no `$` in the source, where GitHub's math looks for delimiters
(GitHub documents `\\$` only inside math and asks for markup around a `$` outside it)."""

_BACKTICKS = re.compile(r"`+")
_MARKDOWN_PUNCTUATION = re.compile(f"[{re.escape(_PUNCTUATION)}]")

_GITHUB_REPO_URL = re.compile(
    r"https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)/[^\s<>\"'`{}|\\^\[\]]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}"


def is_clean(text: str) -> bool:
    """True when `clean(text)` is `text` itself: found without building anything, so the
    common case (arXiv's text is almost always on one line already) costs a scan in C.

    A printable string holds no character that `clean` drops (controls, bidi marks, lone
    surrogates are all unprintable) and no whitespace but the ASCII space.
    """
    return _single_spaced(text) and _printable(text)


_ASCII_UNPRINTABLE = bytes([*range(0x20), 0x7F])
_LONG = 200
"""Characters from which a text counts as long (an abstract, not a title or a name)."""


def _printable(text: str) -> bool:
    """`text.isprintable()`; for a long ASCII text (most abstracts), found by deleting its
    unprintable bytes in C, some three times faster than looking up each character."""
    if len(text) > _LONG and text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_UNPRINTABLE)) == len(data)
    return text.isprintable()


def _single_spaced(text: str) -> bool:
    """No space at either end, and never two in a row."""
    return not text.startswith(" ") and not text.endswith(" ") and "  " not in text


def is_plain(text: str) -> bool:
    """True for letters and digits (any script, as `str.isalnum` says) in words one space
    apart: text that shows as it is in Markdown, so `md_inline` has nothing to escape. Found
    by scans in C (a regex took twice as long, and `md_inline` runs for every name)."""
    return text.replace(" ", "").isalnum() and _single_spaced(text)


def clean(text: str) -> str:
    """The text on one line: control characters dropped, whitespace runs one space, trimmed.

    This is the text a reader sees; every escaper below shows exactly this.
    """
    if is_clean(text):
        return text
    return " ".join(_DROPPED.sub("", text).split())


def inert(text: str) -> str:
    """`text` with a word joiner after `@` and after a colon opening an emoji shortcode."""
    if ":" in text:
        text = _SHORTCODE.sub(":" + WORD_JOINER, text)
    if "@" in text:
        text = _AT.sub("@" + WORD_JOINER, text)
    return text


def md_inline(text: str) -> str:
    """`text` as Markdown inline content that renders as exactly `clean(text)` on GitHub.

    Backslash escapes stop emphasis, links, images, HTML, autolinks to URLs and `www.` (the
    GFM extension skips escaped `:` and `.`), strikethrough, tables and block starts; the word
    joiner after `@` stops e-mail autolinks, which backslashes do not.
    """
    if is_plain(text):
        return text  # words and single spaces (a name, a keyword): nothing to clean or escape
    shown = inert(clean(text))
    found = set(_MARKDOWN_PUNCTUATION.findall(shown))
    # What `shown.translate` with `_MARKDOWN_ESCAPES` gives, one `replace` per character
    # present: the backslash first and `$` last, so that no escape is escaped again.
    if "\\" in found:
        shown = shown.replace("\\", "\\\\")
        found.discard("\\")
    dollar = "$" in found
    found.discard("$")
    for char in found:
        shown = shown.replace(char, _MARKDOWN_ESCAPES[char])
    return shown.replace("$", "&#36;") if dollar else shown


def html_text(text: str) -> str:
    """`text` as character data inside a raw HTML block: escaped, and on one line.

    One line matters: a blank line would end the `<details>` HTML block and hand the rest of
    the abstract back to the Markdown parser.
    """
    return _escape_html(inert(clean(text)))


_HTML_ESCAPES = (
    ("&", "&amp;"),  # first, so that no entity put in is escaped again
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("'", "&#x27;"),
    ("$", "&#36;"),
)
"""What `html.escape(text, quote=True)` replaces, in its order, and then `$`."""


def _escape_html(text: str) -> str:
    """Character by character, so that escaping pieces and joining them escapes the whole:
    `html.escape(text, quote=True)` with `$` as `&#36;`, each replace made only for a character
    the text holds (an abstract holds few of them, and a search costs far less than a replace
    that finds nothing)."""
    for char, entity in _HTML_ESCAPES:
        if char in text:
            text = text.replace(char, entity)
    return text


def html_marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`html_text(text)` with the characters of each (start, end) span of `text` in <b>…</b>.

    Without its `<b>` and `</b>` tags the result is exactly `html_text(text)` (escaped text
    holds no `<`): the spans are mapped onto the cleaned, inert text, whose pieces between
    the tags are then escaped. A span showing as nothing (whitespace, dropped characters) is
    left out; overlapping and touching spans become one.
    """
    if not spans:
        return html_text(text)
    cleaned = clean(text)
    # Where inert() puts a word joiner: before these positions of the cleaned text.
    joiners = sorted(
        match.start() + 1
        for char, pattern in ((":", _SHORTCODE), ("@", _AT))
        if char in cleaned
        for match in pattern.finditer(cleaned)
    )
    cuts = zip([0, *joiners], [*joiners, len(cleaned)], strict=True)
    shown = WORD_JOINER.join(cleaned[start:end] for start, end in cuts)
    if joiners and shown != inert(cleaned):  # pragma: no cover - inert()'s own joiners
        return html_text(text)
    place = _placer(text, cleaned, joiners)
    marks: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        try:
            placed = place(start, end)
        except _Unplaced:  # pragma: no cover - the mapping is clean()'s own
            return html_text(text)
        if placed is None:
            continue
        first, last = placed
        if marks and first <= marks[-1][1]:
            marks[-1] = (marks[-1][0], max(marks[-1][1], last))
        else:
            marks.append((first, last))
    # Escaping is character by character, so the pieces between the tags are escaped apart.
    out: list[str] = []
    done = 0
    for first, last in marks:
        out += [_escape_html(shown[done:first]), "<b>", _escape_html(shown[first:last]), "</b>"]
        done = last
    out.append(_escape_html(shown[done:]))
    return "".join(out)


class _Unplaced(Exception):  # noqa: N818 - a signal inside html_marked, never raised out of it
    """A span's ends did not land on the characters they came from (never seen)."""


def _placer(
    text: str, cleaned: str, joiners: Sequence[int]
) -> Callable[[int, int], tuple[int, int] | None]:
    """Where a span of `text` shows in `inert(cleaned)`: its first and last kept characters
    (None when it keeps none), moved as clean() and inert() moved them."""
    if cleaned == text and not joiners:  # the usual case: every character stays where it is

        def unmoved(start: int, end: int) -> tuple[int, int] | None:
            first, last = max(start, 0), min(end, len(text))
            while first < last and text[first] == " ":  # the only gap in clean text
                first += 1
            while last > first and text[last - 1] == " ":
                last -= 1
            return (first, last) if first < last else None

        return unmoved
    # clean() keeps every character but those in "irregular" gaps (dropped characters, runs
    # of whitespace, whitespace at either end), which become one space or nothing: so a kept
    # character moves back by what the irregular gaps before it removed.
    gap_ends: list[int] = []
    removed: list[int] = []
    for gap in () if cleaned == text else _IRREGULAR_GAP.finditer(text):
        inside = gap.start() > 0 and gap.end() < len(text)
        shown_as = 1 if inside and _DROPPED.sub("", gap.group()) else 0
        gap_ends.append(gap.end())
        removed.append((removed[-1] if removed else 0) + len(gap.group()) - shown_as)

    def moved(index: int) -> int:
        """Where the kept character `text[index]` is in the cleaned text."""
        before = bisect_right(gap_ends, index)
        return index - (removed[before - 1] if before else 0)

    def place(start: int, end: int) -> tuple[int, int] | None:
        # The first kept character at or after `start`, the last one before `end`.
        skipped = _GAP.match(text, max(start, 0))
        first_kept = skipped.end() if skipped else max(start, 0)
        last_kept = min(end, len(text)) - 1
        while last_kept >= first_kept and _GAP.fullmatch(text[last_kept]):
            last_kept -= 1
        if last_kept < first_kept:
            return None
        head, tail = moved(first_kept), moved(last_kept) + 1
        if cleaned[head] != text[first_kept] or cleaned[tail - 1] != text[last_kept]:
            raise _Unplaced
        return head + bisect_right(joiners, head), tail + bisect_right(joiners, tail)

    return place


def code_span(text: str) -> str:
    """`text` as one Markdown code span (its backticks included), shown exactly as `clean(text)`.

    The fence is one backtick longer than the longest run inside; a space pads content that
    starts or ends with a backtick (CommonMark strips exactly one such space on each side).
    """
    content = clean(text)
    if not content:
        return ""
    if "`" not in content:
        return f"`{content}`"
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * (longest + 1)
    if content.startswith("`") or content.endswith("`"):
        content = f" {content} "
    return f"{fence}{content}{fence}"


def code_url(*texts: str | None) -> str | None:
    """The first GitHub, GitLab or Hugging Face repository URL named in `texts`, if any.

    Trailing punctuation (a full stop, a closing bracket) is not part of the URL; a URL must
    name an owner and a repository (`github.com/owner` alone is no code link).
    """
    for text in texts:
        if not text or "://" not in text:
            continue
        for match in _GITHUB_REPO_URL.finditer(text):
            url = match.group(0).rstrip(_TRAILING)
            path = url.split("/", 3)[3]
            if len([part for part in path.split("/") if part]) >= 2:
                return url
    return None


_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 forbids anywhere in a document (controls, surrogates, U+FFFE, U+FFFF)."""


def xml_text(text: str) -> str:
    """`clean(text)` of the text without the characters XML 1.0 forbids: safe for a feed or an
    SVG chart."""
    return clean(_NOT_XML.sub("", text))
