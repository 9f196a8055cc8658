"""The escapers show arXiv's text verbatim on GitHub and never let it become markup.

Every check renders with cmarkgfm, GitHub's own parser, and compares what a reader sees.
"""

from __future__ import annotations

import html
import re

import pytest
from gfm import render, visible
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.match import keyword_spans
from bot.text import (
    _DROPPED,
    WORD_JOINER,
    clean,
    code_span,
    code_url,
    html_marked,
    html_text,
    inert,
    is_clean,
    is_plain,
    md_inline,
)

WJ = WORD_JOINER

HOSTILE = [
    "*a*",
    "_b_",
    "__init__",
    "a | b | c",
    "<script>alert(1)</script>",
    "</details>",
    "<!-- c -->",
    "[x](y)",
    "![i](j)",
    "`code` and ``more``",
    "$x^2$",
    "$$ E = mc^2 $$",
    "a \\\\ b \\",
    "&amp; &#60; &lt;",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    "+ item",
    "trailing  ",
    "~~s~~",
    "<http://x>",
    "see https://github.com/a/b now",
    "www.x.com",
    "mail a@b.com",
    "mailto:a@b.com",
    "@user",
    ":smile: and 1:100:2",
    "a\nb\tc\r\nd",
    "a\x00b\x07c\x1bd\x7fe",
    "x" * 500,
    "\u202eevil\u202c and \u200frtl mark",
    "=====",
    "---",
    "| a |\n| --- |",
    "[^1] footnote",
    "[ ] task",
    "\\(x\\) and \\[y\\]",
    "{{ jinja }} {% raw %}",
]
"""Text from arXiv that would become Markdown or HTML, or break a page, if not escaped."""

FORBIDDEN = ("a", "em", "strong", "code", "img", "script", "del", "h1", "blockquote", "ul", "ol")

hostile_text = st.lists(st.sampled_from(HOSTILE) | st.text(), max_size=6).map(" ".join)
"""Arbitrary text, and arbitrary mixes of the known troublemakers."""


def test_clean_drops_controls_and_collapses_whitespace() -> None:
    """Control characters vanish, every whitespace run is one space, and the ends are trimmed."""
    assert clean("  a\x00b \t\n c\r\n\x0bd\u00a0\u2003e\x85f  ") == "ab c d e f"


def test_clean_drops_bidi_overrides_but_keeps_marks() -> None:
    """Embeddings and overrides (which reorder what follows) go; the RTL mark stays."""
    assert clean("a\u202eb\u2066c\u2069d\u200fe") == "abcd\u200fe"


def test_inert_splits_shortcodes_and_mentions() -> None:
    """A word joiner follows `@` before a name and a colon that opens an emoji shortcode."""
    assert (
        inert(":smile: 1:100:2 a@b.com @ x a:b") == f":{WJ}smile: 1:{WJ}100:2 a@{WJ}b.com @ x a:b"
    )


def test_md_inline_escapes_every_ascii_punctuation() -> None:
    """Each ASCII punctuation character is backslash-escaped, and `$` is an entity."""
    assert md_inline("*a* _b_ [c](d) $e$ <f> `g` ~h~ |") == (
        r"\*a\* \_b\_ \[c\]\(d\) &#36;e&#36; \<f\> \`g\` \~h\~ \|"
    )


def test_md_inline_leaves_letters_digits_and_unicode() -> None:
    """Text without ASCII punctuation passes unchanged."""
    assert md_inline("Étude 42 über Graphen 图 λ") == "Étude 42 über Graphen 图 λ"


PLAIN_WORDS = re.compile(r"[^\W_]+(?: [^\W_]+)*")
"""Letters and digits in words one space apart, as a regex: what `is_plain` must accept."""


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ9é图\u0661Ⅻ²_ -.\t\u00a0\u2060")), max_size=12))
def test_is_plain_accepts_exactly_words_of_letters_and_digits_one_space_apart(text: str) -> None:
    """`is_plain` agrees with the regex for any mix of letters, digits, spaces and others."""
    assert is_plain(text) == (PLAIN_WORDS.fullmatch(text) is not None)


def test_html_text_escapes_markup_quotes_and_dollars() -> None:
    """`<`, `&`, quotes and `$` become entities, on one line."""
    assert html_text("a < b & \"c\" 'd' $x$\n\nnext") == (
        "a &lt; b &amp; &quot;c&quot; &#x27;d&#x27; &#36;x&#36; next"
    )


LONG_ASCII = ("lorem ipsum " * 30).strip()
"""An abstract's length of clean ASCII text."""


@given(
    hostile_text
    | st.builds(
        lambda at, char: LONG_ASCII[:at] + char + LONG_ASCII[at:],
        st.integers(0, len(LONG_ASCII)),
        st.sampled_from(["", "\x00", "\x1f", "\x7f", "\t", " ", "~", "\x85"]),
    )
)
def test_is_clean_says_whether_clean_would_change_the_text(text: str) -> None:
    """`is_clean` (its own scans for long ASCII text) never says so of a text that cleaning in
    full would change, and for ASCII text it says so of every other one."""
    unchanged = " ".join(_DROPPED.sub("", text).split()) == text
    assert is_clean(text) <= unchanged
    if text.isascii():
        assert is_clean(text) == unchanged


@given(hostile_text)
def test_html_text_escapes_as_the_standard_library_does_with_dollars_too(text: str) -> None:
    """`html_text` is `html.escape` (quotes included) of the shown text, with `$` as `&#36;`."""
    shown = inert(clean(text))
    assert html_text(text) == html.escape(shown, quote=True).replace("$", "&#36;")


def test_no_dollar_reaches_github_math() -> None:
    """No escaper leaves a raw `$` for GitHub's math to pair up."""
    text = "$x^2$ and $$y$$ cost $5"
    assert "$" not in md_inline(text)
    assert "$" not in html_text(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_md_inline_hostile_text_renders_verbatim(text: str) -> None:
    """Each troublemaker, alone on a line, renders as one paragraph of exactly its text."""
    root = render(md_inline(text))
    assert root.tags() == ["p"]
    assert visible(root.text()) == f"{clean(text)}\n"


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_hostile_text_stays_inside_details(text: str) -> None:
    """Each troublemaker inside the one-line <details> block stays text inside it."""
    markdown = f"<details><summary>S</summary>{html_text(text)}</details>\n\nafter\n"
    root = render(markdown)
    assert root.tags() == ["details", "summary", "p"]
    assert visible(root.find_all("details")[0].text()) == "S" + clean(text)
    assert root.find_all("p")[0].text() == "after"


def test_backslash_escapes_stop_url_autolinks() -> None:
    """The GFM autolink extension ignores escaped URLs and `www.` names (no entity needed)."""
    root = render(md_inline("https://github.com/a/b www.x.com http://x.org/y?q=1"))
    assert root.find_all("a") == []
    assert root.text() == "https://github.com/a/b www.x.com http://x.org/y?q=1\n"


def test_backslash_alone_does_not_stop_email_autolinks() -> None:
    """Why the word joiner exists: GFM links an e-mail address even when `@` and `.` are escaped."""
    assert len(render(r"a\@b\.com").find_all("a")) == 1
    assert render(md_inline("a@b.com")).find_all("a") == []


@given(hostile_text)
@settings(max_examples=300)
def test_md_inline_property_alone(text: str) -> None:
    """Any text, alone as a Markdown block, is one plain paragraph showing exactly `clean(text)`."""
    root = render(md_inline(text))
    if not clean(text):
        assert root.tags() == []
        return
    assert root.tags() == ["p"]
    assert visible(root.text()) == visible(clean(text)) + "\n"


@given(hostile_text)
@settings(max_examples=300)
def test_md_inline_property_in_template_contexts(text: str) -> None:
    """Inside link text, emphasis and strong emphasis the text stays text and the markup holds."""
    shown = visible(clean(text))
    link = render(f"x **[{md_inline(text)}](https://e.org)** y")
    assert link.tags() == ["p", "strong", "a"]
    assert link.find_all("a")[0].attrs == {"href": "https://e.org"}
    assert visible(link.text()) == f"x {shown} y\n"
    if shown:
        em = render(f"*{md_inline(text)}*\\\nnext")
        assert em.tags() == ["p", "em", "br"]
        assert visible(em.find_all("em")[0].text()) == shown
        strong = render(f"🔑 **{md_inline(text)}** (title)")
        assert strong.tags() == ["p", "strong"]
        assert visible(strong.text()) == f"🔑 {shown} (title)\n"


@given(hostile_text)
@settings(max_examples=300)
def test_html_text_property(text: str) -> None:
    """Any text in the one-line <details> block stays inside it, as exactly `clean(text)`."""
    root = render(f"<details><summary>Abstract</summary>{html_text(text)}</details>\n\nafter\n")
    assert root.tags() == ["details", "summary", "p"]
    assert visible(root.find_all("details")[0].text()) == "Abstract" + visible(clean(text))


@given(hostile_text)
@settings(max_examples=300)
def test_code_span_property(text: str) -> None:
    """Any text as a code span is one code element showing exactly `clean(text)`."""
    span = code_span(text)
    root = render(f"x {span} y")
    if not clean(text):
        assert span == ""
        return
    assert root.tags() == ["p", "code"]
    assert root.find_all("code")[0].text() == clean(text)


def test_code_span_fences_backticks() -> None:
    """A code span's fence outgrows the backtick runs inside, padded when they touch the ends."""
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x``") == "``` `x`` ```"
    assert code_span(" \x00 ") == ""


@pytest.mark.parametrize(
    ("abstract", "comment", "expected"),
    [
        ("Code: https://github.com/owner/repo.", None, "https://github.com/owner/repo"),
        ("see (https://gitlab.com/g/p/-/tree/main).", None, "https://gitlab.com/g/p/-/tree/main"),
        (
            "x",
            "Models at https://huggingface.co/org/model, data soon",
            "https://huggingface.co/org/model",
        ),
        ("\\url{https://github.com/a/b}", None, "https://github.com/a/b"),
        (
            "https://github.com/org only, then https://github.com/x/y;",
            None,
            "https://github.com/x/y",
        ),
        (
            "no code here, https://example.com/a/b",
            "https://github.com/c/d",
            "https://github.com/c/d",
        ),
        ("https://github.com/a/b first", "https://github.com/c/d", "https://github.com/a/b"),
        ("nothing", None, None),
        ("http://GitHub.com/A/B", None, "http://GitHub.com/A/B"),
    ],
)
def test_code_url(abstract: str, comment: str | None, expected: str | None) -> None:
    """The first repository URL (owner and repo named) wins, without trailing punctuation."""
    assert code_url(abstract, comment) == expected


# --- html_marked: bold keyword spans in the <details> block ------------------------------------


def _bold_texts(html: str) -> list[str]:
    root = render(f"<details><summary>Abstract</summary>{html}</details>\n")
    return [visible(node.text()) for node in root.find_all("b")]


def test_html_marked_bolds_the_spans_and_escapes_the_rest_as_html_text() -> None:
    """Spans get <b>; the text around and inside them is escaped exactly as html_text does."""
    text = "We <i>fuzz</i> $x$ @fuzz & :fuzz: fuzzing\n\nagain"
    spans = keyword_spans(["fuzz*"], text)
    assert [text[start:end] for start, end in spans] == ["fuzz", "fuzz", "fuzz", "fuzzing"]
    marked = html_marked(text, spans)
    assert marked == (
        "We &lt;i&gt;<b>fuzz</b>&lt;/i&gt; &#36;x&#36; @\u2060<b>fuzz</b> &amp; "
        ":\u2060<b>fuzz</b>: <b>fuzzing</b> again"
    )
    assert marked.replace("<b>", "").replace("</b>", "") == html_text(text)


def test_html_marked_leaves_out_empty_spans_and_joins_touching_ones() -> None:
    """A span of whitespace or dropped characters shows no <b>; touching spans are one."""
    assert html_marked("a  \x00 b", [(1, 5)]) == "a b"
    assert html_marked("fuzz\x00fuzz", [(0, 4), (5, 9)]) == "<b>fuzzfuzz</b>"
    assert html_marked("a b", []) == html_text("a b")
    assert html_marked("  lead  ", [(2, 6)]) == "<b>lead</b>"


@given(hostile_text, st.lists(st.sampled_from(["LLM", "fuzz*", "a b", "<b>", "$x$", "@c", "É"])))
@settings(max_examples=300, deadline=None)
def test_html_marked_property(text: str, keywords: list[str]) -> None:
    """For any text and keywords: the only tags GitHub sees are summary and <b>, the text reads
    as `clean(text)`, and the bold parts are exactly the keyword spans as they show."""
    spans = keyword_spans(keywords, text)
    marked = html_marked(text, spans)
    assert marked.replace("<b>", "").replace("</b>", "") == html_text(text)
    root = render(f"<details><summary>Abstract</summary>{marked}</details>\n\nafter\n")
    assert [tag for tag in root.tags() if tag != "b"] == ["details", "summary", "p"]
    details = root.find_all("details")[0]
    assert visible(details.text()) == "Abstract" + visible(clean(text))
    bold = _bold_texts(marked)
    assert all(bold)
    assert "".join(bold) == "".join(visible(clean(text[start:end])) for start, end in spans)
