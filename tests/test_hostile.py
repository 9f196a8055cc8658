"""Hostile input, end to end: arXiv text through the whole run, and broken config files.

- Any title, abstract, author name, comment or journal reference, served by the local arXiv
  as arXiv would send it (XML-escaped Atom), goes through the real client, matching, the day
  JSON and every view; read back by cmarkgfm (GitHub's parser) each shows as the same text,
  inside its own entry, one `<details>` per paper, with exactly the HTML elements the same
  papers with plain words would give (so no tag, link or emphasis but the template's), and the
  README keeps its own text and one pair of markers.
- Any config file, however broken (random YAML of the right and wrong shapes, valid configs
  with characters inserted or deleted, random bytes), ends `arxiv-bot render` with exit 0
  or exit 2 and one message naming the file (and the line and key when it has them), never a
  traceback.
"""

from __future__ import annotations

import json
import re
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.render import END_MARKER, START_MARKER
from bot.text import clean, code_url
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.gfm import Node, render, visible

DAY = "2026-11-20"
FOLLOWED = "Zed Hostile"
CONFIG = f"""\
timezone: UTC
arxiv: {{timeout: 5, retries: 0, backoff: 0, delay: 0}}
lists:
  - name: Hostile
    authors: [{FOLLOWED}]
"""
USER_README = "# Mine\n\nText of my own: <!-- arxiv-bot:start --> quoted, *mine*.\n"
SLUG = "hostile"

# --- hostile arXiv text -----------------------------------------------------------------------

XML_ILLEGAL = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
TROUBLE = [
    "*", "**", "_", "__", "`", "```", "$", "$$", "$x$", "<", ">", "</details>", "<details>",
    "<b>", "<script>", "<!--", "-->", "&", "&amp;", "&#36;", "[", "]", "](http://x.y)", "![",
    "\\", "|", "~~", "#", "# ", "- ", "1. ", "> ", "\n\n", "\n", "\t", "@someone", ":smile:",
    "http://evil.example", "www.example.com", "a@b.co", "https://github.com/o/r",
    "\u202e", "\u2066", "\u0085", "\xa0", "\u2028", "\ufeff", "\U0001f600", START_MARKER,
    END_MARKER, "{{ x }}", "{% raw %}",
]  # fmt: skip
hostile = st.lists(
    st.sampled_from(TROUBLE)
    | st.text(st.characters(exclude_categories=("Cs",), exclude_characters=XML_ILLEGAL + "\r")),
    max_size=6,
).map("".join)


@dataclass
class Hostile:
    title: str
    abstract: str
    authors: list[str]
    comment: str | None
    journal_ref: str | None


hostile_paper = st.builds(
    Hostile,
    title=hostile,
    abstract=hostile,
    authors=st.lists(hostile, max_size=4),
    comment=st.none() | hostile,
    journal_ref=st.none() | hostile,
)


def _benign(paper: Hostile) -> Hostile:
    """The same paper with each text a plain word (empty where it shows empty)."""

    def word(text: str | None, plain: str) -> str | None:
        return None if text is None else (plain if clean(text) else "")

    link = " https://github.com/o/r" if code_url(paper.abstract, paper.comment) else ""
    return Hostile(
        title=word(paper.title, "title") or "",
        abstract="abstract" + link,
        authors=[word(name, "name") or "" for name in paper.authors],
        comment=word(paper.comment, "comment"),
        journal_ref=word(paper.journal_ref, "journal"),
    )


def _entry(number: int, paper: Hostile) -> FeedEntry:
    return FeedEntry(
        id=f"2611.{number:05d}",
        published=datetime(2026, 11, 19, 12, number, tzinfo=UTC),
        title=paper.title,
        summary=paper.abstract,
        authors=[*paper.authors, FOLLOWED],
        comment=paper.comment,
        journal_ref=paper.journal_ref,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[ArxivServer]:
    """One local arXiv for every example (a function-scoped fixture would be shared anyway)."""
    with ArxivServer() as running, pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARXIV_API_URL", running.url)
        patch.setenv("NO_PROXY", "127.0.0.1")
        yield running


def _run(server: ArxivServer, papers: list[Hostile]) -> dict[str, str]:
    """The whole run over these papers in a fresh folder; its Markdown files by name."""
    server.corpus = [_entry(number, paper) for number, paper in enumerate(papers, start=1)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "config.yml").write_text(CONFIG, encoding="utf-8")
        (root / "README.md").write_text(USER_README, encoding="utf-8")
        result = CliRunner().invoke(
            main, ["run", "--config", str(root / "config.yml"), "--date", DAY]
        )
        assert result.exit_code == 0, result.output
        day = json.loads(
            (root / "lists" / SLUG / "2026" / f"{DAY}.json").read_text(encoding="utf-8")
        )
        assert len(day["papers"]) == len(papers)
        return {
            str(path.relative_to(root)): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*.md"))
        }


def _items(markdown: str) -> list[Node]:
    """The entries of a day page: the items of its one ordered list."""
    lists = render(markdown).find_all("ol")
    assert len(lists) == 1
    return [child for child in lists[0].children if isinstance(child, Node) and child.tag == "li"]


def _shown(text: str | None) -> str:
    return visible(clean(text or ""))


@given(st.lists(hostile_paper, min_size=1, max_size=4))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_arxiv_text_shows_as_itself_in_its_own_entry(
    server: ArxivServer, papers: list[Hostile]
) -> None:
    """Hostile text from arXiv, through the whole run: same text, same entry, same elements
    as plain words, one <details> per paper, README markers intact."""
    files = _run(server, papers)
    twins = _run(server, [_benign(paper) for paper in papers])
    assert files.keys() == twins.keys()
    for name, text in files.items():
        assert render(text).tags() == render(twins[name]).tags(), name

    page = files[f"lists/{SLUG}/2026/{DAY}.md"]
    root = render(page)
    assert len(root.find_all("details")) == len(papers)
    assert root.find_all("script") == []
    newest_first = list(reversed(papers))  # same score: newest first
    for paper, item in zip(newest_first, _items(page), strict=True):
        lines = [visible(line) for line in item.find_all("p")[0].lines()]
        assert lines[0] == _shown(paper.title)
        authors = [_shown(name) for name in [*paper.authors, FOLLOWED] if clean(name)]
        assert lines[2] == ", ".join(authors[:6]) + (", et al." if len(authors) > 6 else "")
        rest = lines[3:]
        if clean(paper.comment or ""):
            assert rest.pop(0) == "💬 " + _shown(paper.comment)
        if clean(paper.journal_ref or ""):
            assert rest.pop(0) == "📖 " + _shown(paper.journal_ref)
        assert rest == [f"🔑 👤 {FOLLOWED} (followed)"]
        details = item.find_all("details")
        assert len(details) == 1
        assert visible(details[0].text()) == "Abstract" + _shown(paper.abstract)

    readme = files["README.md"]
    assert readme.startswith(USER_README)
    # the user's own text quotes the start marker once, inside a sentence
    assert (readme.count(START_MARKER), readme.count(END_MARKER)) == (2, 1)
    assert readme.endswith(f"\n{END_MARKER}\n")
    section = readme[readme.rindex(START_MARKER) :]
    entries = render(section).find_all("li")
    assert [visible(item.text()) for item in entries] == [
        f"{_shown(paper.title)} · arXiv:2611.{len(papers) - index:05d}"
        for index, paper in enumerate(newest_first)
    ]


# --- hostile config files ---------------------------------------------------------------------

VALID = """\
# yaml-language-server: $schema=config.schema.json
title: Awesome daily arXiv
timezone: Europe/Berlin
lookback_days: 7
max_lookback_days: 30
abstracts: folded
max_authors: 6
holidays: [2026-12-24]
arxiv: {timeout: 30, retries: 4, backoff: 10, delay: 3, deadline: 600}
github: {retries: 4, backoff: 5, deadline: 300}
lists:
  - name: LLM Papers
    keywords: [LLM, Large Language Model, [diffusion, protein], agent*]
    categories: [cs.CL, cs.AI]
    exclude: [survey]
    max_papers: 50
  - name: People
    authors: [Y. LeCun]
"""

KEYS = [
    "title", "timezone", "lookback_days", "max_lookback_days", "repository", "branch",
    "abstracts", "max_authors", "templates", "holidays", "arxiv", "github", "lists", "name",
    "keywords", "authors", "categories", "exclude", "max_papers", "timeout", "retries",
    "backoff", "delay", "deadline", "topics", "sort", "keywrods", "", "0", "lists[0]",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["UTC", "Mars/Olympus", "2026-02-30", "cs.CL", "*", "open", "folded"])
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=20,
)
shaped = st.fixed_dictionaries(
    {"lists": documents},
    optional=dict.fromkeys(("title", "timezone", "arxiv", "github", "holidays"), documents),
)


def _yaml_of(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def edited(draw: st.DrawFn) -> str:
    """The valid config with a few characters inserted, deleted or replaced."""
    text = VALID
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        cut = draw(st.integers(min_value=0, max_value=3))
        put = draw(st.text(alphabet=string.printable + "\t\x00\ufeff\u2028é", max_size=3))
        text = text[:at] + put + text[at + cut :]
    return text


config_files = (
    edited().map(str.encode)
    | documents.map(_yaml_of).map(str.encode)
    | shaped.map(_yaml_of).map(str.encode)
    | st.binary(max_size=200)
    | st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass"))
)

_LOCATED = re.compile(r"^error: (?P<file>[^\n]+?)(?::(?P<line>\d+))?: (?P<rest>.+)", re.DOTALL)


def test_the_valid_config_of_these_tests_is_valid(tmp_path: Path) -> None:
    """The config the edits start from passes, so the edits are what breaks it."""
    path = tmp_path / "config.yml"
    path.write_text(VALID, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "--config", str(path)])
    assert (result.exit_code, result.output) == (0, "No file changed.\n")


@given(config_files)
@settings(max_examples=300, deadline=None)
def test_no_config_file_gives_a_traceback_or_an_exit_other_than_0_or_2(data: bytes) -> None:
    """Any file: exit 0 (it is valid) or exit 2 with one message naming the file, and its
    line and key where the mistake has a place."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yml"
        path.write_bytes(data)
        result = CliRunner().invoke(main, ["render", "--config", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        return
    assert result.exit_code == 2, result.output
    found = _LOCATED.match(result.output)
    assert found is not None, result.output
    assert found["file"] == str(path)
    if found["line"] is not None:
        assert 1 <= int(found["line"]) <= data.count(b"\n") + 1
    assert result.output.count("error:") == 1


Path_ = tuple[str | int, ...]


def _paths(data: Any, at: Path_ = ()) -> list[Path_]:
    """Every key path of a YAML document (mapping keys and list indices)."""
    found: list[Path_] = [at] if at else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*at, index))
    return found


def _label(path: Path_) -> str:
    """`lists[0].keywords[2]`: how the bot names a key path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Path_]:
    """The valid config with one value replaced by anything, or one unknown key added."""
    data = yaml.safe_load(VALID)
    path = draw(st.sampled_from(_paths(data)))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and draw(st.booleans()):
        parent[draw(st.sampled_from(["keywrods", "timout", "Lists", "x"]))] = draw(scalars)
        return _yaml_of(data), path[:-1]
    parent[path[-1]] = draw(documents)
    return _yaml_of(data), path


def _span(text: str, path: Path_) -> tuple[int, int]:
    """The lines (1-based, inclusive) from the key of `path` to the end of its value."""
    node = yaml.compose(text)
    first = 1
    for part in path:
        if isinstance(part, int):
            node = node.value[part]
            first = node.start_mark.line + 1
        else:
            key, node = next((k, v) for k, v in node.value if k.value == part)
            first = key.start_mark.line + 1
    return first, max(first, node.end_mark.line + 1)


CROSS_FIELD = {"lookback_days", "max_lookback_days"}
"""Keys checked against each other: a bad value of one may be reported at the other."""


@given(mutated())
@settings(max_examples=150, deadline=None)
def test_a_wrong_value_is_named_by_its_key_path_and_line(case: tuple[str, Path_]) -> None:
    """One value of a valid config replaced by anything (or an unknown key added): exit 0 or
    exit 2 with `file:line: key.path: …`, the key path in the changed part, the line on it."""
    text, path = case
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "config.yml"
        file.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["render", "--config", str(file)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 0:
        return
    assert result.exit_code == 2, result.output
    found = re.match(rf"^error: {re.escape(str(file))}:(\d+): ", result.output)
    assert found is not None, result.output
    line, rest = int(found[1]), result.output[found.end() :]
    if not path or path[0] in CROSS_FIELD or (path[0] == "lists" and len(path) <= 2):
        return  # a check across keys (lookback bounds, one slug per list)
    # the key named is the changed one, a key inside it, or one enclosing it (a list with
    # neither keywords nor authors left is reported at the list)
    named = next(
        (
            path[:depth]
            for depth in range(len(path), 0, -1)
            if rest.startswith(_label(path[:depth]))
        ),
        None,
    )
    assert named is not None, (_label(path), result.output)
    first, last = _span(text, named)
    assert first <= line <= last, (_label(named), first, last, result.output)


def test_a_line_separator_inside_a_line_does_not_shift_line_numbers(tmp_path: Path) -> None:
    """YAML also breaks lines at U+2028, U+2029 and U+0085; GitHub and editors do not: the
    line named is the one GitHub marks."""
    path = tmp_path / "config.yml"
    text = VALID.replace("title: Awesome daily arXiv", 'title: "A\u2028B\u0085C\u2029D"').replace(
        "max_authors: 6", "max_authors: many"
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "--config", str(path)])
    assert result.exit_code == 2
    line = text.split("\n").index("max_authors: many") + 1
    assert result.output.startswith(f"error: {path}:{line}: max_authors: ")


def test_an_unreadable_config_byte_names_the_file_and_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 (a file saved in Latin-1): exit 2 naming the line."""
    path = tmp_path / "config.yml"
    path.write_bytes(VALID.replace("LLM Papers", "Papiers d\u2019\u00e9t\u00e9").encode("cp1252"))
    result = CliRunner().invoke(main, ["render", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {path}:12: the file is not UTF-8 text (byte 0x92 cannot be read)\n"
        "  fix: save the file with the UTF-8 encoding\n"
    )


def test_hostile_text_is_also_safe_as_a_list_name(tmp_path: Path) -> None:
    """A list name full of Markdown and HTML renders as text in the README and the archive."""
    name = "<b>*bold*</b> [x](http://e.vil) `c` $m$ @me :smile:"
    path = tmp_path / "config.yml"
    path.write_text(CONFIG.replace("name: Hostile", f"name: {json.dumps(name)}"), encoding="utf-8")
    day = tmp_path / "lists" / "b-bold-b-x-http-e-vil-c-m-me-smile" / "2026"
    day.mkdir(parents=True)
    entry = _entry(1, Hostile("A title", "An abstract", [], None, None))
    (day / f"{DAY}.json").write_text(
        json.dumps(
            {
                "list": "b-bold-b-x-http-e-vil-c-m-me-smile",
                "name": name,
                "date": DAY,
                "rules": {"keywords": [], "authors": [FOLLOWED], "categories": [], "exclude": []},
                "papers": [
                    {
                        "id": entry.id,
                        "version": 1,
                        "title": entry.title,
                        "authors": entry.authors,
                        "abstract": entry.summary,
                        "primary_category": "cs.CL",
                        "categories": ["cs.CL"],
                        "published": "2026-11-19T12:01:00Z",
                        "updated": "2026-11-19T12:01:00Z",
                        "comment": None,
                        "journal_ref": None,
                        "doi": None,
                        "matched": [{"keyword": FOLLOWED, "where": ["authors"]}],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["render", "--config", str(path)])
    assert result.exit_code == 0, result.output
    for page in (tmp_path / "README.md", day.parent / "README.md", day / f"{DAY}.md"):
        root = render(page.read_text(encoding="utf-8"))
        assert root.find_all("b") == []
        assert root.find_all("script") == []
        headings = [visible(h.text()) for tag in ("h1", "h2", "h3") for h in root.find_all(tag)]
        assert any(name in heading for heading in headings), (page, headings)


def test_benign_twins_keep_what_shows_empty_empty() -> None:
    """The twin of a paper keeps empty texts empty and code links, so both pages match."""
    paper = Hostile(" \n", "see https://github.com/a/b.", ["\u202e", "Ann"], None, "")
    assert _benign(paper) == replace(
        paper,
        title="",
        abstract="abstract https://github.com/o/r",
        authors=["", "name"],
        journal_ref="",
    )
