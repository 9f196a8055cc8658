"""The escapers show arXiv's text verbatim on GitHub and never let it become markup.

Every check renders with cmarkgfm, GitHub's own parser, and compares what a reader sees.
"""

from __future__ import annotations

import pytest
from gfm import render, visible
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import WORD_JOINER, clean, code_span, code_url, html_text, inert, md_inline

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


def test_html_text_escapes_markup_quotes_and_dollars() -> None:
    """`<`, `&`, quotes and `$` become entities, on one line."""
    assert html_text("a < b & \"c\" 'd' $x$\n\nnext") == (
        "a &lt; b &amp; &quot;c&quot; &#x27;d&#x27; &#36;x&#36; next"
    )


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
