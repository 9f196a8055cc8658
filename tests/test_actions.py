"""The GitHub Actions glue: outputs, the step summary, annotations, masks and log groups."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

import pytest
from gfm import render

from bot.actions import (
    SUMMARY_BUDGET,
    append_summary,
    delimiter,
    error_annotation,
    group,
    in_actions,
    mask,
    output_lines,
    outputs,
    step_summary,
    warning_annotation,
    write_outputs,
)
from bot.errors import ConfigError, FetchError, PublishError
from bot.models import Window
from bot.runner import ListOutcome, RunReport
from bot.store import Change

P = PurePosixPath
DAY = date(2026, 1, 5)
WINDOW = Window(datetime(2025, 12, 29, tzinfo=UTC), datetime(2026, 1, 6, tzinfo=UTC))
SHA = "0123456789abcdef0123456789abcdef01234567"

CHANGES = (
    Change(P("lists/llm-papers/2026/2026-01-05.json"), "{}"),
    Change(P("lists/llm-papers/2026/2026-01-05.md"), "# day"),
    Change(P("lists/llm-papers/2026/pages/01/2026-01-05-2.md"), "# page 2"),
    Change(P("lists/llm-papers/2026/pages/01/2026-01-05-3.md"), None),
    Change(P("lists/llm-papers/2026/README.md"), "# year"),
    Change(P("lists/llm-papers/README.md"), "# archive"),
    Change(P("lists/agents/2026/2026-01-05.md"), "# day"),
    Change(P("README.md"), "# readme"),
    Change(P("lists/.state.json"), "{}"),
)


def report(
    *,
    lists: tuple[ListOutcome, ...] | None = None,
    changes: tuple[Change, ...] = CHANGES,
    dry_run: bool = False,
    capped: bool = False,
) -> RunReport:
    return RunReport(
        run_date=DAY,
        window=WINDOW,
        capped=capped,
        fetched=120,
        requests=2,
        lists=lists
        if lists is not None
        else (
            ListOutcome("llm-papers", "LLM Papers", 30, 12, 12),
            ListOutcome("agents", "Agents", 3, 1, 4),
            ListOutcome("robots", "Robots", 0, 0, 0),
        ),
        changes=changes,
        dry_run=dry_run,
    )


QUIET = report(
    lists=(ListOutcome("llm-papers", "LLM Papers", 0, 0, 0),),
    changes=(),
)


def parse_outputs(text: str) -> dict[str, str]:
    """Read a $GITHUB_OUTPUT file as the runner does: `name=value` lines and heredoc blocks."""
    values: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            values[line[:equals]] = line[equals + 1 :]
            continue
        name, end = line[:heredoc], line[heredoc + 2 :]
        body: list[str] = []
        for inner in lines:
            if inner == end:
                break
            body.append(inner)
        else:
            raise AssertionError(f"no closing {end!r}")
        values[name] = "\n".join(body)
    return values


# --- environment and outputs ------------------------------------------------------------------


def test_in_actions_only_when_the_runner_says_so() -> None:
    """GITHUB_ACTIONS=true means Actions; anything else, or nothing, does not."""
    assert in_actions({"GITHUB_ACTIONS": "true"}) is True
    assert in_actions({"GITHUB_ACTIONS": "false"}) is False
    assert in_actions({}) is False


def test_outputs_of_a_run_that_wrote_lists() -> None:
    """Papers, changed, commit sha and the day pages written (removals and other files left out)."""
    assert outputs(report(), SHA) == {
        "papers": "13",
        "changed": "true",
        "commit-sha": SHA,
        "lists": "lists/llm-papers/2026/2026-01-05.md\n"
        "lists/llm-papers/2026/pages/01/2026-01-05-2.md\n"
        "lists/agents/2026/2026-01-05.md",
    }


def test_output_paths_are_relative_to_the_repository() -> None:
    """With the config in a subfolder, the day pages are given from the repository root."""
    values = outputs(report(changes=CHANGES[:2]), None, prefix=P("research"))
    assert values["lists"] == "research/lists/llm-papers/2026/2026-01-05.md"
    assert values["commit-sha"] == ""


def test_outputs_of_a_quiet_run() -> None:
    """No new papers and no file: papers 0, changed false, no sha, no lists."""
    assert outputs(QUIET, None) == {
        "papers": "0",
        "changed": "false",
        "commit-sha": "",
        "lists": "",
    }


def test_outputs_of_a_dry_run_change_nothing() -> None:
    """A dry run writes nothing: changed false and no lists, though it counts the papers."""
    assert outputs(report(dry_run=True), None) == {
        "papers": "13",
        "changed": "false",
        "commit-sha": "",
        "lists": "",
    }


def test_write_outputs_appends_single_and_multi_line_values(tmp_path: Path) -> None:
    """One-line values are `name=value`; multi-line ones a heredoc block; earlier lines stay."""
    path = tmp_path / "output"
    path.write_text("earlier=1\n", encoding="utf-8")
    write_outputs(path, {"papers": "3", "lists": "a.md\nb.md"})
    assert path.read_text(encoding="utf-8") == (
        "earlier=1\npapers=3\nlists<<ARXIV_BOT_EOF\na.md\nb.md\nARXIV_BOT_EOF\n"
    )


def test_outputs_round_trip_through_the_runners_reading(tmp_path: Path) -> None:
    """What write_outputs writes reads back, as the runner reads it, to the same values."""
    path = tmp_path / "output"
    values = outputs(report(), SHA)
    write_outputs(path, values)
    assert parse_outputs(path.read_text(encoding="utf-8")) == values


def test_the_delimiter_never_occurs_in_the_value() -> None:
    """A value holding the delimiter (even as a whole line) gets the next free one."""
    assert delimiter("plain") == "ARXIV_BOT_EOF"
    assert delimiter("x\nARXIV_BOT_EOF\ny") == "ARXIV_BOT_EOF_1"
    assert delimiter("ARXIV_BOT_EOF ARXIV_BOT_EOF_1") == "ARXIV_BOT_EOF_2"


def test_a_hostile_value_cannot_forge_another_output() -> None:
    """A value with the default delimiter and a fake `name=value` line stays one value."""
    value = "first\nARXIV_BOT_EOF\nchanged=true"
    text = output_lines({"lists": value})
    assert parse_outputs(text) == {"lists": value}


def test_a_carriage_return_makes_a_heredoc_block() -> None:
    """A value with `\\r` is written as a block, never as a `name=value` line it could split."""
    assert output_lines({"x": "a\rb"}) == "x<<ARXIV_BOT_EOF\na\rb\nARXIV_BOT_EOF\n"


def test_a_bad_output_name_is_refused() -> None:
    """Names with `=`, `<<` or spaces would corrupt the file: ValueError."""
    for name in ("a=b", "a<<b", "two words", ""):
        with pytest.raises(ValueError, match="is not a valid output name"):
            output_lines({name: "x"})


# --- step summary -----------------------------------------------------------------------------


def test_the_summary_of_a_published_run_is_exact() -> None:
    """Table with absolute links at the commit, the commit link, the folded file list."""
    text = step_summary(
        report(changes=CHANGES[:3]),
        commit_sha=SHA,
        repository="ada/papers",
        server_url="https://github.com",
        quiet_reason=None,
    )
    blob = f"https://github.com/ada/papers/blob/{SHA}/lists"
    assert text == (
        "## arXiv lists for 2026-01-05\n"
        "\n"
        "120 papers fetched in 2 requests; window 2025-12-29 00:00 UTC → 2026-01-06 00:00 UTC.\n"
        "\n"
        "| list | matched | new | on the day's list | day page |\n"
        "|---|--:|--:|--:|---|\n"
        f"| LLM Papers | 30 | 12 | 12 | [2026-01-05.md]({blob}/llm-papers/2026/2026-01-05.md) |\n"
        f"| Agents | 3 | 1 | 4 | [2026-01-05.md]({blob}/agents/2026/2026-01-05.md) |\n"
        "| Robots | 0 | 0 | 0 | — |\n"
        "\n"
        f"Commit: [`0123456789ab`](https://github.com/ada/papers/commit/{SHA})\n"
        "\n"
        "<details><summary>Wrote 3 files</summary>\n"
        "\n"
        "- `lists/llm-papers/2026/2026-01-05.json`\n"
        "- `lists/llm-papers/2026/2026-01-05.md`\n"
        "- `lists/llm-papers/2026/pages/01/2026-01-05-2.md`\n"
        "\n"
        "</details>\n"
    )


def test_the_summary_renders_as_a_table_on_github() -> None:
    """cmarkgfm reads one table of three rows of five cells, and links to the two pages."""
    text = step_summary(
        report(),
        commit_sha=SHA,
        repository="ada/papers",
        server_url="https://github.com",
        quiet_reason=None,
    )
    tree = render(text)
    rows = tree.find_all("tbody")[0].find_all("tr")
    assert [len(row.find_all("td")) for row in rows] == [5, 5, 5]
    assert [row.find_all("td")[0].text() for row in rows] == ["LLM Papers", "Agents", "Robots"]


def test_without_a_repository_the_pages_are_plain_paths() -> None:
    """No repository: day pages and the commit are shown as code, with no link at all."""
    text = step_summary(
        report(changes=()),
        commit_sha=SHA,
        repository=None,
        server_url="https://github.com",
        quiet_reason=None,
    )
    assert "| LLM Papers | 30 | 12 | 12 | `lists/llm-papers/2026/2026-01-05.md` |\n" in text
    assert f"Commit: `{SHA}`\n" in text
    assert "](" not in text


def test_without_a_commit_the_links_follow_the_branch() -> None:
    """A run that committed nothing links the day pages on the branch (percent-encoded)."""
    text = step_summary(
        report(changes=()),
        commit_sha=None,
        repository="ada/papers",
        server_url="https://ghe.example.com/",
        quiet_reason=None,
        branch="bot/daily lists",
        prefix=P("research"),
    )
    assert (
        "[2026-01-05.md](https://ghe.example.com/ada/papers/blob/bot/daily%20lists/"
        "research/lists/llm-papers/2026/2026-01-05.md)"
    ) in text
    assert "Nothing changed: no commit.\n" in text


def test_a_dry_run_links_nothing() -> None:
    """A dry run's pages exist nowhere: plain paths, and the summary says nothing was written."""
    text = step_summary(
        report(dry_run=True),
        commit_sha=None,
        repository="ada/papers",
        server_url="https://github.com",
        quiet_reason=None,
        branch="main",
    )
    assert text.startswith("## arXiv lists for 2026-01-05 (dry run)\n")
    assert "https://" not in text
    assert "Dry run: nothing was written.\n" in text
    assert "<details><summary>Would write 9 files</summary>\n" in text


def test_a_quiet_day_says_no_new_papers_and_why() -> None:
    """No new papers: the bold line with the reason, and no commit."""
    reason = "arXiv announces nothing on Saturdays and Sundays (UTC)."
    text = step_summary(
        QUIET,
        commit_sha=None,
        repository="ada/papers",
        server_url="https://github.com",
        quiet_reason=reason,
    )
    assert f"\n**No new papers today.** {reason}\n" in text
    assert text.endswith("Nothing changed: no commit.\n")
    assert "<details>" not in text


def test_a_quiet_day_without_a_reason() -> None:
    """No new papers and no known reason: the bold line alone."""
    text = step_summary(
        QUIET,
        commit_sha=None,
        repository=None,
        server_url="https://github.com",
        quiet_reason=None,
    )
    assert "\n**No new papers today.**\n" in text


def test_a_capped_window_points_to_backfill() -> None:
    """A window cut to max_lookback_days says so and names `arxiv-bot backfill`."""
    text = step_summary(
        report(capped=True),
        commit_sha=None,
        repository=None,
        server_url="https://github.com",
        quiet_reason=None,
    )
    assert "use `arxiv-bot backfill` to fill the gap." in text


def test_list_names_are_markdown_escaped() -> None:
    """A name with `|`, `*`, `[` and `<` stays one table cell showing exactly the name."""
    name = "A|B *x* [y](z) <i>w</i>"
    text = step_summary(
        report(lists=(ListOutcome("a-b", name, 1, 1, 1),), changes=()),
        commit_sha=None,
        repository=None,
        server_url="https://github.com",
        quiet_reason=None,
    )
    cells = render(text).find_all("tbody")[0].find_all("td")
    assert len(cells) == 5
    assert cells[0].text() == name
    assert cells[0].find_all("em") == []
    assert cells[0].find_all("a") == []


def test_a_huge_run_stays_under_the_budget() -> None:
    """5,000 lists with long names and 20,000 files fit the budget, the rest counted."""
    lists = tuple(ListOutcome(f"list-{n}", "N" * 500, 9, 9, 9) for n in range(5000))
    changes = tuple(Change(P(f"lists/list-{n}/2026/2026-01-05.md"), "x") for n in range(20000))
    text = step_summary(
        report(lists=lists, changes=changes),
        commit_sha=SHA,
        repository="ada/papers",
        server_url="https://github.com",
        quiet_reason=None,
    )
    assert len(text.encode("utf-8")) < SUMMARY_BUDGET
    rows = text.split("|---|--:|--:|--:|---|\n")[1].split("\n\n")[0].split("\n")
    assert rows[-1] == f"| … and {5000 - len(rows) + 1} more lists (cut to fit) | | | | |"
    assert 100 < len(rows) < 5000
    assert "- … and 19950 more\n\n</details>\n" in text
    assert f"Commit: [`0123456789ab`](https://github.com/ada/papers/commit/{SHA})\n" in text


def test_append_summary_adds_to_the_file(tmp_path: Path) -> None:
    """The summary is appended, ending in a newline, after what other steps wrote."""
    path = tmp_path / "summary.md"
    path.write_text("# Earlier step\n", encoding="utf-8")
    append_summary(path, "## Ours")
    assert path.read_text(encoding="utf-8") == "# Earlier step\n## Ours\n"


# --- workflow commands ------------------------------------------------------------------------


def test_a_config_error_annotates_its_file_and_line(tmp_path: Path) -> None:
    """A ConfigError names the repository-relative file, the line, the key and the fix."""
    error = ConfigError(
        "must be a list",
        file=str(tmp_path / "research" / "config.yml"),
        key="lists.0.keywords",
        line=7,
        fix="write keywords: [a, b]",
    )
    assert error_annotation(error, workspace=tmp_path) == (
        "::error file=research/config.yml,line=7,title=Config error::"
        "lists.0.keywords: must be a list%0AFix: write keywords: [a, b]"
    )


def test_a_config_error_without_a_line_still_names_the_file() -> None:
    """A ConfigError with no line names the file only; a relative path is kept as it is."""
    error = ConfigError("file not found", file="config.yml")
    assert error_annotation(error) == "::error file=config.yml,title=Config error::file not found"


def test_other_errors_have_a_title_and_no_file() -> None:
    """A FetchError gets `::error title=…::` with its message and fix."""
    error = FetchError("arXiv answered 503 five times", "wait and re-run the workflow")
    assert error_annotation(error) == (
        "::error title=arXiv could not be read::arXiv answered 503 five times%0A"
        "Fix: wait and re-run the workflow"
    )


def test_annotations_escape_workflow_command_characters() -> None:
    """`%`, CR and LF in the message, and also `,` and `:` in properties, are percent-encoded."""
    error = ConfigError("100% wrong\r\n::warning::forged", file="a,b:c.yml", line=2)
    assert error_annotation(error) == (
        "::error file=a%2Cb%3Ac.yml,line=2,title=Config error::100%25 wrong%0D%0A::warning::forged"
    )
    assert error_annotation(PublishError("refused\n::stop")) == (
        "::error title=Publishing failed::refused%0A::stop"
    )


def test_warning_annotation_is_exact() -> None:
    """A warning escapes its title as a property and its message as data."""
    assert warning_annotation("keep-alive: 50% done\nsee logs", "Keep, alive: failed") == (
        "::warning title=Keep%2C alive%3A failed::keep-alive: 50%25 done%0Asee logs"
    )


def test_mask_is_exact_and_refuses_empty_values() -> None:
    """A secret becomes `::add-mask::secret` (escaped); an empty one is a ValueError."""
    assert mask("ghp_abc%def") == "::add-mask::ghp_abc%25def"
    with pytest.raises(ValueError, match="empty value"):
        mask("")


def test_group_folds_the_output() -> None:
    """Lines printed inside a group sit between `::group::title` and `::endgroup::`."""
    out = io.StringIO()
    with group("Fetch\narXiv", out):
        out.write("page 1\n")
    assert out.getvalue() == "::group::Fetch%0AarXiv\npage 1\n::endgroup::\n"


def test_group_ends_even_when_the_body_fails() -> None:
    """An exception inside the group still closes it, then propagates."""
    out = io.StringIO()
    with pytest.raises(RuntimeError, match="boom"), group("Publish", out):
        raise RuntimeError("boom")
    assert out.getvalue() == "::group::Publish\n::endgroup::\n"
