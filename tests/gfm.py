"""Test helper: render Markdown as GitHub does (cmarkgfm) and look at the HTML as a tree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm  # type: ignore[import-untyped]

from bot.text import WORD_JOINER

VOID = frozenset({"br", "img", "hr", "input", "wbr"})


def to_html(markdown: str) -> str:
    """The HTML GitHub's parser makes of `markdown` (raw HTML kept, as GitHub keeps <details>)."""
    return str(
        cmarkgfm.github_flavored_markdown_to_html(
            markdown, options=cmarkgfm.Options.CMARK_OPT_UNSAFE
        )
    )


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The text content, entities decoded, as a browser would show it (before CSS)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found

    def tags(self) -> list[str]:
        """Every element's tag in document order."""
        out: list[str] = []
        for child in self.children:
            if isinstance(child, Node):
                out.append(child.tag)
                out.extend(child.tags())
        return out

    def counts(self) -> Counter[str]:
        return Counter(self.tags())

    def lines(self) -> list[str]:
        """The text split at `<br>` elements (what the reader sees as lines of a paragraph)."""
        lines = [""]
        for child in self.children:
            if isinstance(child, str):
                lines[-1] += child
            elif child.tag == "br":
                lines.append("")
            else:
                lines[-1] += child.text()
        return [line.strip("\n") for line in lines]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The HTML as a tree; fails on a tag closed out of order (broken structure)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def render(markdown: str) -> Node:
    return parse(to_html(markdown))


def visible(text: str) -> str:
    """Text as seen: the invisible word joiners the escapers add do not show."""
    return text.replace(WORD_JOINER, "")
