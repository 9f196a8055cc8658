"""The config file: the example loads, defaults apply, and every mistake is one clear message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.config
from bot.config import ArxivSettings, Config, load_config, schema, schema_text
from bot.errors import ConfigError
from bot.models import Topic

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.yml"
SCHEMA_FILE = ROOT / "config.schema.json"

LIST = "lists:\n  - name: LLM\n    keywords: [LLM]\n"
"""The smallest valid config: appended to the cases whose mistake is elsewhere."""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value


def _message(tmp_path: Path, text: str) -> str:
    """The message a user sees for a config file holding `text`, with the path cut off."""
    path = _write(tmp_path, text)
    shown = str(_error(path))
    assert shown.startswith(str(path))
    return shown[len(str(path)) :]


# --- Loading --------------------------------------------------------------------------------


def test_the_example_config_loads_with_one_list_of_three_keywords() -> None:
    """The shipped config.yml loads and holds the documented example values."""
    config = load_config(EXAMPLE)
    assert config.title == "Awesome daily arXiv"
    assert config.timezone == "UTC"
    assert (config.lookback_days, config.max_lookback_days) == (7, 30)
    assert (config.abstracts, config.max_authors) == ("folded", 6)
    assert config.arxiv == ArxivSettings(timeout=30, retries=4, backoff=10, delay=3, deadline=600)
    [only] = config.lists
    assert only.name == "LLM Papers"
    assert only.slug == "llm-papers"
    assert only.keywords == ["LLM", "Large Language Model", "GPT"]
    assert only.categories == ["cs.CL", "cs.AI", "cs.LG"]
    assert (only.authors, only.exclude, only.max_papers) == (None, [], None)


def test_the_example_config_points_editors_at_the_schema_on_its_first_line() -> None:
    """The first line of config.yml is the yaml-language-server schema comment."""
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=config.schema.json"


def test_a_config_with_only_lists_gets_every_default(tmp_path: Path) -> None:
    """Every key but `lists` may be left out, and then takes its documented default."""
    config = load_config(_write(tmp_path, LIST))
    assert config == Config(lists=config.lists)
    assert config.title == "Awesome daily arXiv"
    assert config.timezone == "UTC"
    assert (config.lookback_days, config.max_lookback_days) == (7, 30)
    assert (config.repository, config.branch, config.templates) == (None, "main", None)
    assert (config.abstracts, config.max_authors, config.holidays) == ("folded", 6, [])
    assert config.arxiv == ArxivSettings(timeout=30, retries=4, backoff=10, delay=3, deadline=600)


def test_fractions_are_allowed_for_the_arxiv_times_and_the_look_back(tmp_path: Path) -> None:
    """Seconds and days may be fractions: 0.5 s timeouts, a 1.5-day look-back."""
    text = (
        "lookback_days: 1.5\nmax_lookback_days: 2.5\n"
        "arxiv: {timeout: 0.5, backoff: 1.5, delay: 3.25, deadline: 90.5}\n" + LIST
    )
    config = load_config(_write(tmp_path, text))
    assert (config.lookback_days, config.max_lookback_days) == (1.5, 2.5)
    assert config.arxiv == ArxivSettings(
        timeout=0.5, retries=4, backoff=1.5, delay=3.25, deadline=90.5
    )


def test_keyword_groups_authors_exclude_and_quoted_dates_load(tmp_path: Path) -> None:
    """An all-of keyword group, followed authors, exclusions and a quoted holiday all load."""
    text = (
        "holidays: ['2026-12-24', 2026-12-31]\n"
        "lists:\n"
        "  - name: Agents\n"
        "    keywords: [[agent, tool use], reason*]\n"
        "    authors: [Y. LeCun]\n"
        "    exclude: [survey]\n"
        "    max_papers: 20\n"
        "  - name: People\n"
        "    authors: [Yann LeCun]\n"
    )
    config = load_config(_write(tmp_path, text))
    assert [str(day) for day in config.holidays] == ["2026-12-24", "2026-12-31"]
    agents, people = config.lists
    assert agents.rules.keywords == (("agent", "tool use"), "reason*")
    assert (agents.rules.authors, agents.rules.exclude, agents.max_papers) == (
        ("Y. LeCun",),
        ("survey",),
        20,
    )
    assert (people.keywords, people.rules.authors) == (None, ("Yann LeCun",))


def test_topics_and_sort_load_with_the_top_level_sort_as_default(tmp_path: Path) -> None:
    """Topics keep their order and keywords; a list without `sort` takes the top-level one."""
    text = (
        "sort: newest\n"
        "lists:\n"
        "  - name: Testing\n"
        "    keywords: [test*]\n"
        "    topics:\n"
        "      - name: LLMs for Testing\n"
        "        keywords: [LLM, [language, model*]]\n"
        "      - name: Fuzzing\n"
        "        keywords: [fuzz*]\n"
        "  - name: Relevant\n"
        "    keywords: [x]\n"
        "    sort: relevance\n"
    )
    config = load_config(_write(tmp_path, text))
    testing, relevant = config.lists
    assert config.rules_for(testing).topics == (
        Topic("LLMs for Testing", ("LLM", ("language", "model*"))),
        Topic("Fuzzing", ("fuzz*",)),
    )
    assert (config.rules_for(testing).sort, config.rules_for(relevant).sort) == (
        "newest",
        "relevance",
    )
    assert (testing.sort, testing.rules.sort) == (None, "relevance")
    assert config.rules_for(relevant).topics == ()
    assert load_config(_write(tmp_path, LIST)).sort == "relevance"


def test_anchors_and_merge_keys_work_as_yaml_defines_them(tmp_path: Path) -> None:
    """A list may reuse another's keys through an anchor and a merge key (<<)."""
    text = (
        "lists:\n"
        "  - &base {name: A, keywords: [LLM], categories: [cs.CL]}\n"
        "  - <<: *base\n"
        "    name: B\n"
    )
    first, second = load_config(_write(tmp_path, text)).lists
    assert (second.name, second.keywords, second.categories) == ("B", ["LLM"], ["cs.CL"])
    assert first.name == "A"


# --- Mistakes -------------------------------------------------------------------------------

CASES = [
    # unknown keys
    (
        "lists:\n  - name: LLM\n    keywrods: [LLM]\n",
        ":3: lists[0].keywrods: unknown key 'keywrods'. Did you mean 'keywords'?",
    ),
    (
        "title: x\nlist:\n  - name: LLM\n    keywords: [LLM]\n",
        ":2: list: unknown key 'list'. Did you mean 'lists'?",
    ),
    (
        "arxiv:\n  timeuot: 5\n" + LIST,
        ":2: arxiv.timeuot: unknown key 'timeuot'. Did you mean 'timeout'?",
    ),
    (
        "foo: 1\n" + LIST,
        ":1: foo: unknown key 'foo'. Allowed here: title, timezone, lookback_days, "
        "max_lookback_days, repository, branch, abstracts, max_authors, sort, templates, "
        "holidays, arxiv, github, lists",
    ),
    ("timeout: 5\n" + LIST, ":1: timeout: unknown key 'timeout' here: it belongs in arxiv"),
    (
        "keywords: [x]\n" + LIST,
        ":1: keywords: unknown key 'keywords' here: it belongs in each entry of lists",
    ),
    (
        "lists:\n  - &a {name: A, keywords: [LLM]}\n  - <<: *a\n    name: B\n    keywrds: [x]\n",
        ":5: lists[1].keywrds: unknown key 'keywrds'. Did you mean 'keywords'?",
    ),
    (
        "on: x\n" + LIST,
        ":1: on: keys must be text, got 'on', which YAML reads as true: put it in quotes",
    ),
    # wrong types
    ("arxiv:\n  timeout: abc\n" + LIST, ":2: arxiv.timeout: expected a number, got 'abc'"),
    ("arxiv: {retries: 2.5}\n" + LIST, ":1: arxiv.retries: expected a whole number, got 2.5"),
    (
        "arxiv: {retries: no}\n" + LIST,
        ":1: arxiv.retries: expected a whole number, got 'no', which YAML reads as false",
    ),
    (
        "lookback_days: yes\n" + LIST,
        ":1: lookback_days: expected a number, got 'yes', which YAML reads as true",
    ),
    (
        "title: yes\n" + LIST,
        ":1: title: expected text, got 'yes', which YAML reads as true: put it in quotes to make "
        "it text",
    ),
    (
        "title: 2024\n" + LIST,
        ":1: title: expected text, got 2024: put it in quotes to make it text",
    ),
    ("title:\n" + LIST, ":1: title: expected text, got nothing"),
    (
        "lists:\n  - name: LLM\n    keywords: LLM\n",
        ":3: lists[0].keywords: expected a list, got a string ('LLM'): write it as [LLM] or as "
        "lines starting with '- '",
    ),
    (
        "lists:\n  - name: LLM\n    keywords:\n      - LLM\n      - 3\n",
        ":5: lists[0].keywords[1]: expected text or a list, got a number (3): put it in quotes to "
        "make it text",
    ),
    (
        "lists:\n  - name: LLM\n    keywords:\n      - LLM: x\n",
        ":4: lists[0].keywords[0]: expected text or a list, got a mapping",
    ),
    (
        "lists:\n  - name: LLM\n    keywords: [LLM, [agent, [tool]]]\n",
        ":3: lists[0].keywords[1][1]: expected text, got a list",
    ),
    ("arxiv:\n" + LIST, ":1: arxiv: expected a mapping, got nothing"),
    (
        "lists: LLM\n",
        ":1: lists: expected a list, got a string ('LLM'): write it as [LLM] or as "
        "lines starting with '- '",
    ),
    ("lists:\n  - LLM\n", ":2: lists[0]: expected a mapping, got a string ('LLM')"),
    (
        "holidays: [tomorrow]\n" + LIST,
        ":1: holidays[0]: expected a date (YYYY-MM-DD), got 'tomorrow'",
    ),
    (
        "holidays: [2026-01-01 10:00:00]\n" + LIST,
        ":1: holidays[0]: expected a date (YYYY-MM-DD) without a time, got 2026-01-01 10:00:00",
    ),
    # wrong values
    (
        "lists:\n  - name: LLM\n    keywords: []\n",
        ":3: lists[0].keywords: the list is empty: give at least one keyword, or remove the key",
    ),
    (
        "lists:\n  - name: LLM\n    authors: []\n",
        ":3: lists[0].authors: the list is empty: give at least one author, or remove the key",
    ),
    (
        "lists:\n  - name: LLM\n    keywords:\n",
        ":3: lists[0].keywords: the list is empty: give at least one keyword",
    ),
    (
        "lists:\n  - name: LLM\n    categories: [cs.CL]\n",
        ":2: lists[0]: this list has neither keywords nor authors: give at least one of them",
    ),
    (
        "lists:\n  - name: LLM\n    keywords: [LLM, '']\n",
        ":3: lists[0].keywords[1]: must not be empty",
    ),
    (
        "lists:\n  - name: LLM\n    keywords: [LLM]\n    exclude:\n      - survey\n      - '  '\n",
        ":6: lists[0].exclude[1]: must not be blank",
    ),
    (
        "lists:\n  - name: '!!!'\n    keywords: [LLM]\n",
        ":2: lists[0].name: the name '!!!' has no letters or digits to name its folder with",
    ),
    (
        "timezone: Europe/Berln\n" + LIST,
        ":1: timezone: unknown timezone 'Europe/Berln'. Did you mean 'Europe/Berlin'?",
    ),
    (
        "timezone: Mars/Olympus\n" + LIST,
        ":1: timezone: unknown timezone 'Mars/Olympus': use an IANA name such as UTC or "
        "Europe/Berlin",
    ),
    (
        "lists:\n  - name: LLM Papers\n    keywords: [LLM]\n"
        "  - name: llm papers!\n    keywords: [GPT]\n",
        ":4: lists[1].name: the name 'llm papers!' gives the same folder 'llm-papers' as "
        "'LLM Papers' (lists[0]): rename one of them",
    ),
    (
        "lookback_days: 7\nmax_lookback_days: 5\n" + LIST,
        ":2: max_lookback_days: max_lookback_days (5) must be at least lookback_days (7)",
    ),
    (
        "lookback_days: 40.5\n" + LIST,
        ":1: lookback_days: max_lookback_days (30) must be at least lookback_days (40.5)",
    ),
    ("arxiv:\n  timeout: -1\n" + LIST, ":2: arxiv.timeout: must be more than 0, got -1"),
    ("arxiv: {retries: 25}\n" + LIST, ":1: arxiv.retries: must be at most 20, got 25"),
    ("arxiv: {delay: -0.5}\n" + LIST, ":1: arxiv.delay: must be at least 0, got -0.5"),
    (
        "abstracts: fold\n" + LIST,
        ":1: abstracts: expected 'folded' or 'open', got 'fold'. Did you mean 'folded'?",
    ),
    (
        "repository: arxiv-daily\n" + LIST,
        ":1: repository: expected owner/name (such as octocat/arxiv-daily), got 'arxiv-daily'",
    ),
    # topics and sort
    (
        LIST + "    topics:\n      - name: Fuzzing\n        keywords: [fuzz*]\n"
        "      - name: ' fuzzing'\n        keywords: [fuzzer]\n",
        ":7: lists[0].topics[1].name: the topic name ' fuzzing' is already used by topics[0]: "
        "give each topic its own name",
    ),
    (
        LIST + "    topics:\n      - name: other\n        keywords: [x]\n",
        ":5: lists[0].topics[0].name: 'other' is the section of the papers no topic takes: "
        "give this topic another name",
    ),
    (
        LIST + "    topics:\n      - name: Fuzzing\n        keywords: []\n",
        ":6: lists[0].topics[0].keywords: the list is empty: give at least one keyword",
    ),
    (
        LIST + "    topics:\n      - name: Fuzzing\n        keywords:\n",
        ":6: lists[0].topics[0].keywords: the list is empty: give at least one keyword",
    ),
    (
        LIST + "    topics:\n      - name: Fuzzing\n",
        ":5: lists[0].topics[0].keywords: missing required key 'keywords'",
    ),
    (
        LIST + "    topics:\n      - name: Fuzzing\n        keywords: [fuzz*, '']\n",
        ":6: lists[0].topics[0].keywords[1]: must not be empty",
    ),
    (
        LIST + "    topics:\n      - name: Fuzzing\n        keywrods: [fuzz*]\n",
        ":6: lists[0].topics[0].keywrods: unknown key 'keywrods'. Did you mean 'keywords'?",
    ),
    (
        LIST + "    topics:\n      - name: Fuzzing\n        keywords: [x]\n        sort: newest\n",
        ":7: lists[0].topics[0].sort: unknown key 'sort' here: it belongs in the top level or "
        "each entry of lists",
    ),
    (
        LIST + "    topics: []\n",
        ":4: lists[0].topics: the list is empty: give at least one topic, or remove the key",
    ),
    (
        LIST + "    topics: [Fuzzing]\n",
        ":4: lists[0].topics[0]: expected a mapping, got a string ('Fuzzing')",
    ),
    (
        "topics:\n  - {name: Fuzzing, keywords: [fuzz*]}\n" + LIST,
        ":1: topics: unknown key 'topics' here: it belongs in each entry of lists",
    ),
    (
        LIST + "    sort: newst\n",
        ":4: lists[0].sort: expected 'relevance' or 'newest', got 'newst'. Did you mean 'newest'?",
    ),
    ("sort: random\n" + LIST, ":1: sort: expected 'relevance' or 'newest', got 'random'"),
    # missing keys
    ("title: x\n", ":1: lists: missing required key 'lists'"),
    (
        "title: x\nlists:\n  - keywords: [LLM]\n",
        ":3: lists[0].name: missing required key 'name'",
    ),
    ("lists: []\n", ":1: lists: must not be empty: give at least one entry"),
    # the shape of the file
    (
        "lists:\n  - name: LLM\n    keywords: [LLM]\n    keywords: [GPT]\n",
        ":4: lists[0].keywords: duplicate key 'keywords' (first given on line 3): keep only one\n"
        "  fix: YAML would silently keep only the last one; merge them into one",
    ),
    (
        "title: a\n" + LIST + "title: b\n",
        ":5: title: duplicate key 'title' (first given on line 1): keep only one\n"
        "  fix: YAML would silently keep only the last one; merge them into one",
    ),
    (
        "",
        ": the config file is empty: it needs at least `lists:` with one list\n"
        "  fix: start from the example config.yml",
    ),
    (
        "# only a comment\n\n",
        ": the config file is empty: it needs at least `lists:` with one list\n"
        "  fix: start from the example config.yml",
    ),
    (
        "- name: LLM\n  keywords: [LLM]\n",
        ":1: the file must be a mapping of keys such as title: and lists:, got a list",
    ),
    (
        "holidays: [2026-02-30]\n" + LIST,
        ":1: holidays[0]: '2026-02-30' is not a real date (day is out of range for month)\n"
        "  fix: write a real date as YYYY-MM-DD, or quote the value to make it text",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_mistake_is_one_message_naming_the_file_line_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    """The user sees exactly this message (after the file's path) for this config."""
    assert _message(tmp_path, text) == expected


def test_the_error_carries_its_file_key_line_and_reason_for_the_command_line(
    tmp_path: Path,
) -> None:
    """A ConfigError exposes the file, the key path, the 1-based line and the bare reason."""
    path = _write(
        tmp_path, "title: x\n\nlists:\n  - name: LLM\n    keywords: [LLM]\n    exclude: [a, 7]\n"
    )
    error = _error(path)
    assert (error.file, error.key, error.line) == (str(path), "lists[0].exclude[1]", 6)
    assert (
        error.reason
        == "expected text or a list, got a number (7): put it in quotes to make it text"
    )
    assert error.exit_code == 2


def test_of_several_mistakes_the_first_in_the_file_is_reported(tmp_path: Path) -> None:
    """With mistakes on lines 2 and 4, the message is about line 2."""
    text = "title: x\ntimezone: Nowhere/Land\narxiv:\n  timeout: abc\n" + LIST
    assert _message(tmp_path, text) == (
        ":2: timezone: unknown timezone 'Nowhere/Land': use an IANA name such as UTC or "
        "Europe/Berlin"
    )


def test_an_unknown_key_is_reported_before_the_missing_key_it_explains(tmp_path: Path) -> None:
    """A misspelt `nmae` makes `name` missing too: the message is about the misspelling."""
    text = "lists:\n  - keywords: [LLM]\n    nmae: LLM\n"
    assert _message(tmp_path, text) == ":3: lists[0].nmae: unknown key 'nmae'. Did you mean 'name'?"


# --- Broken YAML and unreadable files -------------------------------------------------------

FIX_YAML = (
    "\n  fix: check the indentation (spaces, not tabs) and the quotes on this line and the "
    "one above"
)


def test_a_yaml_syntax_error_reports_its_line_and_column(tmp_path: Path) -> None:
    """A mis-indented key is reported on its own line, in words rather than token names."""
    text = "lists:\n  - name: LLM\n   keywords: [LLM]\n"
    assert _message(tmp_path, text) == (
        ":3: invalid YAML: column 4: expected the end of the indented block, but found a key "
        "indented differently (while parsing a block collection on line 2)" + FIX_YAML
    )


def test_an_unclosed_bracket_is_reported_where_the_file_ends(tmp_path: Path) -> None:
    """A flow list left open is reported at the end of the file, naming where it started."""
    text = "lists:\n  - name: LLM\n    keywords: [LLM\n"
    assert _message(tmp_path, text) == (
        ":4: invalid YAML: column 1: expected ',' or ']', but got the end of the file "
        "(while parsing a flow sequence on line 3)" + FIX_YAML
    )


def test_a_tab_in_the_indentation_gets_its_own_fix(tmp_path: Path) -> None:
    """Tabs cannot indent YAML, and the fix says so."""
    assert _message(tmp_path, "lists:\n\t- name: x\n") == (
        ":2: invalid YAML: column 1: found character '\\t' that cannot start any token "
        "(while scanning for the next token)\n"
        "  fix: YAML does not allow tabs for indentation: use spaces"
    )


def test_a_second_yaml_document_is_refused(tmp_path: Path) -> None:
    """A `---` starting a second document is an error on its line."""
    assert _message(tmp_path, LIST + "---\ntitle: x\n") == (
        ":4: invalid YAML: column 1: expected a single document in the stream on line 1, but "
        "found another document\n"
        "  fix: keep one document: remove the '---' line and what follows, or merge it"
    )


def test_python_tags_are_refused_as_safe_load_refuses_them(tmp_path: Path) -> None:
    """A `!!python/...` tag builds no object: it is a config error on its line."""
    text = "title: !!python/object/apply:os.system [echo hi]\n" + LIST
    assert _message(tmp_path, text) == (
        ":1: invalid YAML: column 8: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'\n"
        "  fix: the bot reads plain YAML: remove the tag (the word starting with '!')"
    )


def test_an_undefined_alias_is_reported_with_its_line(tmp_path: Path) -> None:
    """`*name` without an `&name` before it is an error, with the fix for it."""
    assert _message(tmp_path, LIST + "title: *nope\n") == (
        ":4: invalid YAML: column 8: found undefined alias 'nope'\n"
        "  fix: define the anchor (&name) before its alias (*name), or quote a value starting "
        "with '*'"
    )


def test_an_alias_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    """Aliases that would expand to over 100,000 values are refused (a billion-laughs guard)."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, previous in zip("bcde", "abcd", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    text = "\n".join(lines) + "\nlists: [*e]\n"
    assert _message(tmp_path, text) == (
        ":5: aliases (*name) expand the file to more than 100000 values\n"
        "  fix: write the values out instead of repeating aliases"
    )


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    """A value that contains itself (`&a [*a]`) would never end: it is an error."""
    assert _message(tmp_path, "lists: &a [*a]\n") == (
        ":1: an alias (*name) refers to a value that contains it, so it never ends\n"
        "  fix: remove the alias from inside its own anchor (&name)"
    )


def test_absurdly_deep_nesting_is_a_config_error_not_a_crash(tmp_path: Path) -> None:
    """Thousands of nested brackets give a ConfigError, not a RecursionError."""
    text = "lists: " + "[" * 5000 + "]" * 5000 + "\n"
    assert _message(tmp_path, text) == ": the file nests values too deeply"


def test_any_other_exception_from_yaml_becomes_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception yaml was never meant to raise still reaches the user as a ConfigError."""

    def explode(_self: object, _node: object) -> object:
        raise OverflowError("number too large")

    monkeypatch.setattr(bot.config._Loader, "construct_document", explode)
    assert _message(tmp_path, LIST) == (
        ": the file cannot be read as YAML (OverflowError: number too large)"
    )


def test_a_control_character_is_reported_on_its_line(tmp_path: Path) -> None:
    """A character YAML does not allow is named by its code point, on its line."""
    assert _message(tmp_path, LIST + "title: a\x07b\n") == (
        ":4: the file holds the character U+0007, which YAML does not allow\n"
        "  fix: delete it, or write it as an escape inside double quotes"
    )


def test_a_file_that_is_not_utf8_is_reported_on_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    """Latin-1 bytes are refused with the line of the first one and how to fix it."""
    path = tmp_path / "config.yml"
    path.write_bytes(LIST.encode() + "title: Caf\u00e9\n".encode("latin-1"))
    assert str(_error(path)) == (
        f"{path}:4: the file is not UTF-8 text (byte 0xe9 cannot be read)\n"
        "  fix: save the file with the UTF-8 encoding"
    )


def test_a_missing_file_says_to_create_it_or_pass_config(tmp_path: Path) -> None:
    """No file at the path: the fix names both ways out."""
    path = tmp_path / "config.yml"
    error = _error(path)
    assert str(error) == (
        f"{path}: config file not found\n"
        "  fix: create it (start from the example config.yml) or pass --config PATH"
    )
    assert (error.key, error.line) == ("", None)


def test_a_folder_is_not_a_config_file(tmp_path: Path) -> None:
    """Passing a folder is reported as such."""
    assert str(_error(tmp_path)) == (
        f"{tmp_path}: this is a folder, not a config file\n  fix: pass the file with --config PATH"
    )


def test_an_unreadable_file_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the bot may not read gives the system's reason as a ConfigError."""
    path = _write(tmp_path, LIST)

    def refuse(_self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert str(_error(path)) == f"{path}: cannot read the config file: Permission denied"


# --- The JSON Schema ------------------------------------------------------------------------


def test_the_committed_schema_is_the_one_the_model_gives() -> None:
    """config.schema.json is current (`make schema` regenerates it)."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


def test_python_m_bot_config_prints_the_schema_file_byte_for_byte() -> None:
    """`python -m bot.config` writes exactly what `make check-schema` diffs against."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.config"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    assert done.stdout == SCHEMA_FILE.read_bytes()
    assert done.stderr == b""


def test_the_schema_names_its_dialect_and_title_and_forbids_unknown_keys() -> None:
    """The schema is draft 2020-12, titled, requires `lists` and allows no other keys."""
    generated = schema()
    assert generated["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert generated["title"] == "arxiv-bot config.yml"
    assert generated["required"] == ["lists"]
    assert generated["additionalProperties"] is False
    assert json.loads(schema_text()) == generated
    assert schema_text().endswith("}\n")


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(schema())


def test_the_schema_accepts_the_example_config() -> None:
    """Editors checking config.yml against the schema find nothing wrong with the example."""
    validator = _validator()
    validator.check_schema(schema())
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(example)] == []


def test_the_schema_rejects_an_unknown_key() -> None:
    """A misspelt key in a list is flagged by the schema as by the loader."""
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    example["lists"][0]["keywrods"] = example["lists"][0].pop("keywords")
    messages = [error.message for error in _validator().iter_errors(example)]
    assert "Additional properties are not allowed ('keywrods' was unexpected)" in messages


def test_the_schema_rejects_a_list_with_neither_keywords_nor_authors() -> None:
    """The schema, like the model, wants `keywords` or `authors` in each list."""
    config = {"lists": [{"name": "LLM", "categories": ["cs.CL"]}]}
    assert not _validator().is_valid(config)
    assert _validator().is_valid({"lists": [{"name": "LLM", "authors": ["Yann LeCun"]}]})
