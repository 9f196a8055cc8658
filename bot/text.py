"""arXiv's text made safe for GitHub: it shows verbatim and never becomes Markdown or HTML.

Titles, authors, comments and abstracts are arbitrary text (LaTeX source, `*`, `_`, `<`, `$`,
URLs, control characters). Each escaper here targets one context of a page:

- `md_inline`: Markdown inline text (link text, emphasis, a line of a list item);
- `html_text`: text inside the raw HTML `<details>` block, which Markdown leaves alone;
- `code_span`: a Markdown code span (keywords, categories, ids).

All three first `clean` the text: control characters dropped, every run of whitespace one
space, so nothing can end a line, a list item or the HTML block. Then `inert` defuses what
GitHub rewrites after parsing (emoji shortcodes, @mentions, e-mail autolinks) with an
invisible WORD JOINER, so the visible text stays exactly arXiv's.
"""

from __future__ import annotations

import html
import re

WORD_JOINER = "\u2060"
"""Invisible, zero-width, no line break: splits `:name:` and `@name` without showing."""

_DROPPED = re.compile(
    "["
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"  # C0/C1 controls that are not whitespace
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides, isolates: reorder what follows
    "\ud800-\udfff"  # lone surrogates: not encodable as UTF-8
    "]"
)
_SHORTCODE = re.compile(r":(?=[A-Za-z0-9_+-]+:)")
"""A colon that opens something GitHub would turn into an emoji (`:smile:`, `:100:`)."""
_AT = re.compile(r"@(?=\S)")
"""An at sign before a name: GitHub links `@user`, and GFM autolinks `a@b.com`."""

_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_MARKDOWN_ESCAPES = str.maketrans(
    {char: ("&#36;" if char == "$" else "\\" + char) for char in _PUNCTUATION}
)
"""Every ASCII punctuation character backslash-escaped, as CommonMark allows; `$` as the entity
`&#36;`, which shows `$` but is no `$` in the source, where GitHub's math looks for delimiters
(GitHub documents `\\$` only inside math and asks for markup around a `$` outside it)."""

_GITHUB_REPO_URL = re.compile(
    r"https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)/[^\s<>\"'`{}|\\^\[\]]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}"


def clean(text: str) -> str:
    """The text on one line: control characters dropped, whitespace runs one space, trimmed.

    This is the text a reader sees; every escaper below shows exactly this.
    """
    return " ".join(_DROPPED.sub("", text).split())


def inert(text: str) -> str:
    """`text` with a word joiner after `@` and after a colon opening an emoji shortcode."""
    return _AT.sub("@" + WORD_JOINER, _SHORTCODE.sub(":" + WORD_JOINER, text))


def md_inline(text: str) -> str:
    """`text` as Markdown inline content that renders as exactly `clean(text)` on GitHub.

    Backslash escapes stop emphasis, links, images, HTML, autolinks to URLs and `www.` (the
    GFM extension skips escaped `:` and `.`), strikethrough, tables and block starts; the word
    joiner after `@` stops e-mail autolinks, which backslashes do not.
    """
    return inert(clean(text)).translate(_MARKDOWN_ESCAPES)


def html_text(text: str) -> str:
    """`text` as character data inside a raw HTML block: escaped, and on one line.

    One line matters: a blank line would end the `<details>` HTML block and hand the rest of
    the abstract back to the Markdown parser.
    """
    return html.escape(inert(clean(text)), quote=True).replace("$", "&#36;")


def code_span(text: str) -> str:
    """`text` as one Markdown code span (its backticks included), shown exactly as `clean(text)`.

    The fence is one backtick longer than the longest run inside; a space pads content that
    starts or ends with a backtick (CommonMark strips exactly one such space on each side).
    """
    content = clean(text)
    if not content:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
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
        if not text:
            continue
        for match in _GITHUB_REPO_URL.finditer(text):
            url = match.group(0).rstrip(_TRAILING)
            path = url.split("/", 3)[3]
            if len([part for part in path.split("/") if part]) >= 2:
                return url
    return None
