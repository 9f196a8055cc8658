"""The GitHub Actions glue: step outputs, the step summary, annotations, masks and log groups.

Everything here is a pure function of a `RunReport` (or an error) returning text, plus two
small writers that append that text to the files Actions names in `$GITHUB_OUTPUT` and
`$GITHUB_STEP_SUMMARY`. Nothing here talks to the GitHub API.

Workflow commands (`::error …::`, `::group::`, `::add-mask::`) are read by the runner from the
step's stdout, one per line; every value put in one is escaped as GitHub's toolkit escapes it,
so text from a config file or an error message can neither end the command early nor start a
second one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import quote

from bot import layout
from bot.errors import (
    BotError,
    ConfigError,
    FetchError,
    PublishError,
    QueryError,
    StoreError,
    UsageError,
)
from bot.runner import RunReport
from bot.text import code_span, md_inline

SUMMARY_BUDGET = 256 * 1024
"""Bytes the step summary may take: GitHub accepts 1 MiB per step, so this leaves room."""

SUMMARY_FILES = 50
"""Written files listed by name in the step summary; the rest are counted."""

NAME_CHARS = 200
"""Characters of a list name shown in the summary table (the rest becomes "…")."""

_DAY_PAGE = re.compile(r"^lists/[^/]+/\d{4}/(?:pages/\d{2}/)?\d{4}-\d{2}-\d{2}(?:-\d+)?\.md$")
_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_DELIMITER = "ARXIV_BOT_EOF"
_TIME = "%Y-%m-%d %H:%M UTC"


def in_actions(environ: Mapping[str, str]) -> bool:
    """True when running as a GitHub Actions step (the runner sets `GITHUB_ACTIONS=true`)."""
    return environ.get("GITHUB_ACTIONS") == "true"


# --- $GITHUB_OUTPUT ------------------------------------------------------------------------


def _rooted(prefix: PurePosixPath | None, path: PurePosixPath) -> PurePosixPath:
    """A path relative to the config folder, re-rooted at the repository."""
    if prefix is None or str(prefix) in {"", "."}:
        return path
    return prefix / path


def day_pages(report: RunReport, *, prefix: PurePosixPath | None = None) -> list[str]:
    """The Markdown day pages the run wrote (removals left out), relative to the repository."""
    return [
        str(_rooted(prefix, change.path))
        for change in report.changes
        if change.text is not None and _DAY_PAGE.match(str(change.path))
    ]


def outputs(
    report: RunReport, commit_sha: str | None, *, prefix: PurePosixPath | None = None
) -> dict[str, str]:
    """The step's outputs: `papers`, `changed`, `commit-sha` and `lists`.

    `papers` counts the new papers of all lists; `changed` is "true" when the run changed a
    file (a dry run changes none); `lists` holds the day pages written, one per line.
    `prefix` is the config file's folder relative to the repository root (paths in the report
    are relative to the config folder).
    """
    changed = bool(report.changes) and not report.dry_run
    return {
        "papers": str(report.new_papers),
        "changed": "true" if changed else "false",
        "commit-sha": commit_sha or "",
        "lists": "" if report.dry_run else "\n".join(day_pages(report, prefix=prefix)),
    }


def delimiter(value: str) -> str:
    """A heredoc delimiter that occurs nowhere in `value` (so no line of it can end the block).

    Deterministic: `ARXIV_BOT_EOF`, else `ARXIV_BOT_EOF_1`, `_2`, … until one is absent.
    """
    candidate = _DELIMITER
    number = 0
    while candidate in value:
        number += 1
        candidate = f"{_DELIMITER}_{number}"
    return candidate


def output_lines(values: Mapping[str, str]) -> str:
    """The text `write_outputs` appends: `name=value` lines and `name<<DELIM` blocks."""
    parts: list[str] = []
    for name, value in values.items():
        if not _OUTPUT_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid output name")
        if "\n" in value or "\r" in value:
            end = delimiter(value)
            parts.append(f"{name}<<{end}\n{value}\n{end}\n")
        else:
            parts.append(f"{name}={value}\n")
    return "".join(parts)


def write_outputs(path: Path, values: Mapping[str, str]) -> None:
    """Append the outputs to the `$GITHUB_OUTPUT` file (UTF-8, `\\n` line ends)."""
    text = output_lines(values)
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


# --- $GITHUB_STEP_SUMMARY ------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def blob_url(server_url: str, repository: str, ref: str, path: PurePosixPath | str) -> str:
    """`https://github.com/<repo>/blob/<ref>/<path>`, each part percent-encoded as a URL needs."""
    return (
        f"{server_url.rstrip('/')}/{quote(repository, safe='/')}/blob/"
        f"{quote(ref, safe='/')}/{quote(str(path), safe='/')}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def step_summary(
    report: RunReport,
    *,
    commit_sha: str | None,
    repository: str | None,
    server_url: str,
    quiet_reason: str | None,
    branch: str | None = None,
    prefix: PurePosixPath | None = None,
) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: the lists as a table, the quiet reason, the commit.

    Links to day pages are absolute (relative links do not resolve in a summary): to the
    commit when there is one, else to `branch`; without a repository (or on a dry run, whose
    pages exist nowhere) the paths are shown as code. The text stays under SUMMARY_BUDGET
    bytes whatever the number of lists and files.
    """
    server = server_url.rstrip("/") or "https://github.com"
    ref = commit_sha or branch
    target = (repository, ref) if repository and ref and not report.dry_run else None
    window = report.window
    head = [
        f"## arXiv lists for {report.run_date.isoformat()}{' (dry run)' if report.dry_run else ''}",
        "",
        f"{_plural(report.fetched, 'paper')} fetched in {_plural(report.requests, 'request')}; "
        f"window {window.start.strftime(_TIME)} → {window.end.strftime(_TIME)}.",
        "",
    ]
    if report.capped:
        head += [
            "The window was cut to `max_lookback_days`: older papers were not asked for; "
            "use `arxiv-bot backfill` to fill the gap.",
            "",
        ]

    rows: list[str] = []
    for outcome in report.lists:
        name = md_inline(_clip(outcome.name, NAME_CHARS)) or code_span(outcome.slug)
        page = _rooted(prefix, layout.day_page(outcome.slug, report.run_date))
        if outcome.listed == 0:
            where = "—"
        elif target is not None:
            where = f"[{page.name}]({blob_url(server, *target, page)})"
        else:
            where = code_span(str(page))
        rows.append(f"| {name} | {outcome.matched} | {outcome.new} | {outcome.listed} | {where} |")

    tail: list[str] = []
    if report.new_papers == 0:
        quiet = "**No new papers today.**"
        tail += [f"{quiet} {quiet_reason}" if quiet_reason else quiet, ""]
    if commit_sha:
        if repository is not None:
            url = f"{server}/{quote(repository, safe='/')}/commit/{quote(commit_sha)}"
            tail.append(f"Commit: [{code_span(commit_sha[:12])}]({url})")
        else:
            tail.append(f"Commit: {code_span(commit_sha)}")
    elif report.dry_run:
        tail.append("Dry run: nothing was written.")
    elif not report.changes:
        tail.append("Nothing changed: no commit.")
    else:
        tail.append("No commit was made.")
    tail.append("")
    files = _file_lines(report, prefix)

    table = ["| list | matched | new | on the day's list | day page |", "|---|--:|--:|--:|---|"]
    budget = SUMMARY_BUDGET - _size("\n".join(head + table + tail + files)) - 1024
    lines = head + table + _fit_rows(rows, budget) + [""] + tail + files
    return "\n".join(lines).rstrip("\n") + "\n"


def _file_lines(report: RunReport, prefix: PurePosixPath | None) -> list[str]:
    """The files written, folded; at most SUMMARY_FILES by name (so the block stays small)."""
    if not report.changes:
        return []
    verb = "Would write" if report.dry_run else "Wrote"
    lines = [f"<details><summary>{verb} {_plural(len(report.changes), 'file')}</summary>", ""]
    shown = report.changes[:SUMMARY_FILES]
    for change in shown:
        action = "removed" if change.text is None else ""
        path = code_span(str(_rooted(prefix, change.path)))
        lines.append(f"- {path} {action}".rstrip())
    if len(report.changes) > len(shown):
        lines.append(f"- … and {len(report.changes) - len(shown)} more")
    lines += ["", "</details>"]
    return lines


def _fit_rows(rows: Sequence[str], budget: int) -> list[str]:
    """As many leading table rows as fit in `budget` bytes, then a row counting the rest."""
    kept: list[str] = []
    used = 0
    for index, row in enumerate(rows):
        cost = _size(row) + 1
        if used + cost > budget - 64:
            kept.append(f"| … and {len(rows) - index} more lists (cut to fit) | | | | |")
            break
        kept.append(row)
        used += cost
    return kept


def append_summary(path: Path, markdown: str) -> None:
    """Append Markdown to the `$GITHUB_STEP_SUMMARY` file."""
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")


# --- workflow commands ---------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message, escaped: `%`, `\\r` and `\\n` as `%25`, `%0D`, `%0A`."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as `escape_data`, and `:` and `,` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: Mapping[str, str], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


_TITLES: tuple[tuple[type[BotError], str], ...] = (
    (ConfigError, "Config error"),
    (UsageError, "Usage error"),
    (QueryError, "arXiv rejected the query"),
    (FetchError, "arXiv could not be read"),
    (StoreError, "A stored list file is broken"),
    (PublishError, "Publishing failed"),
)


def error_title(error: BotError) -> str:
    """A short title for the annotation, by the kind of error."""
    for kind, title in _TITLES:
        if isinstance(error, kind):
            return title
    return "arxiv-bot failed"


def _with_fix(message: str, fix: str | None) -> str:
    return f"{message}\nFix: {fix}" if fix else message


def _annotation_file(file: str, workspace: Path | None) -> str:
    """The config file's path as an annotation wants it: relative to the repository."""
    path = Path(file)
    if workspace is not None and path.is_absolute():
        try:
            return path.relative_to(workspace).as_posix()
        except ValueError:
            return file
    return path.as_posix()


def error_annotation(error: BotError, *, workspace: Path | None = None) -> str:
    """`::error file=…,line=…,title=…::message` for a config error, `::error title=…::…` else.

    The message carries the fix on a second line. `workspace` (`$GITHUB_WORKSPACE`) turns an
    absolute config path into the repository-relative path GitHub needs to mark the file.
    """
    properties: dict[str, str] = {}
    if isinstance(error, ConfigError):
        properties["file"] = _annotation_file(error.file, workspace)
        if error.line is not None:
            properties["line"] = str(error.line)
        message = f"{error.key}: {error.reason}" if error.key else error.reason
    else:
        message = error.message
    properties["title"] = error_title(error)
    return _command("error", properties, _with_fix(message, error.fix))


def warning_annotation(message: str, title: str) -> str:
    """`::warning title=…::message`."""
    return _command("warning", {"title": title}, message)


def mask(value: str) -> str:
    """`::add-mask::value`: the runner then hides the value in every later log line.

    An empty value cannot be masked (the runner refuses it): that is a ValueError.
    """
    if not value:
        raise ValueError("an empty value cannot be masked")
    return _command("add-mask", {}, value)


@contextmanager
def group(title: str, out: TextIO) -> Iterator[None]:
    """Fold what is printed inside into one collapsible log group titled `title`."""
    out.write(f"::group::{escape_data(title)}\n")
    out.flush()
    try:
        yield
    finally:
        out.write("::endgroup::\n")
        out.flush()
