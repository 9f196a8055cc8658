"""The command line: exit statuses, messages, dry runs, render, repair — through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.arxiv_server import ArxivServer, FeedEntry, error_feed, not_xml
from tests.configs import LLM_LIST
from tests.files import snapshot

CONFIG = LLM_LIST


def _entry(number: int, title: str) -> FeedEntry:
    return FeedEntry(
        id=f"2611.{number:05d}",
        published=datetime(2026, 11, 19, 12, number, tzinfo=UTC),
        title=title,
        summary="An abstract.",
    )


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _setup(tmp_path: Path, server: ArxivServer, config: str = CONFIG) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(config, encoding="utf-8")
    server.corpus = [_entry(1, "LLMs at scale"), _entry(2, "Protein folding")]
    return path


def test_a_run_writes_the_day_and_summarises_it(arxiv_server: ArxivServer, tmp_path: Path) -> None:
    """A run prints fetched/matched/new counts and the files it wrote, in writing order."""
    config = _setup(tmp_path, arxiv_server)
    code, output = _invoke("run", "--config", str(config), "--date", "2026-11-20")
    assert code == 0, output
    assert "2 papers fetched in 1 request" in output
    assert "LLM Papers" in output
    lines = output.splitlines()
    written = [line.strip() for line in lines[lines.index("Wrote 11 files:") + 1 :]]
    assert written == [
        "lists/llm-papers/2026/2026-11-20.json",
        "lists/llm-papers/2026/ids.txt",
        "lists/llm-papers/2026/2026-11-20.md",
        "lists/llm-papers/README.md",
        "lists/llm-papers/2026/README.md",
        "README.md",
        "lists/llm-papers/weekly/2026-W47.md",
        "lists/llm-papers/feed.xml",
        "lists/llm-papers/trend.svg",
        "lists/llm-papers/keywords.svg",
        "lists/.state.json",
    ]


def test_dry_run_prints_the_files_and_writes_nothing(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """--dry-run lists what would be written and leaves the folder untouched."""
    config = _setup(tmp_path, arxiv_server)
    code, output = _invoke("run", "--config", str(config), "--date", "2026-11-20", "--dry-run")
    assert code == 0, output
    assert "Would write 11 files:" in output
    assert snapshot(tmp_path) == {"config.yml": CONFIG.encode()}


def test_a_config_mistake_exits_2_with_file_line_and_key(tmp_path: Path) -> None:
    """An unknown key stops the run with exit 2, one message, no traceback, no file."""
    config = tmp_path / "config.yml"
    config.write_text(CONFIG.replace("keywords:", "keywrods:"), encoding="utf-8")
    code, output = _invoke("run", "--config", str(config))
    assert code == 2
    assert output == (
        f"error: {config}:5: lists[0].keywrods: unknown key 'keywrods'. Did you mean 'keywords'?\n"
    )
    assert snapshot(tmp_path) == {"config.yml": config.read_bytes()}


def test_a_missing_config_exits_2_and_says_how_to_fix_it(tmp_path: Path) -> None:
    """No config file: exit 2 with the path and the fix."""
    code, output = _invoke("run", "--config", str(tmp_path / "nope.yml"))
    assert code == 2
    assert output.startswith(f"error: {tmp_path / 'nope.yml'}: config file not found")
    assert "fix:" in output
    assert "Traceback" not in output


def test_a_bad_date_exits_2(tmp_path: Path) -> None:
    """--date must be YYYY-MM-DD; anything else is a usage error."""
    code, output = _invoke("run", "--config", str(tmp_path / "c.yml"), "--date", "20/11/2026")
    assert code == 2
    assert "'20/11/2026' is not a date: use YYYY-MM-DD, e.g. 2026-11-20" in output


def test_a_query_arxiv_rejects_exits_1_with_arxivs_message(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """A 400 from arXiv is reported with arXiv's own words, not retried, and nothing is written."""
    config = _setup(tmp_path, arxiv_server)
    arxiv_server.script(error_feed("unbalanced parentheses in query"))
    code, output = _invoke("run", "--config", str(config), "--date", "2026-11-20")
    assert code == 1
    assert output.startswith(
        "error: arXiv at 127.0.0.1 rejected the query (HTTP 400): unbalanced parentheses in query"
    )
    assert arxiv_server.request_count == 1
    assert snapshot(tmp_path) == {"config.yml": CONFIG.encode()}


def test_garbage_from_arxiv_exits_1_and_leaves_files_as_they_were(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """An HTML page instead of a feed, every try, fails the run cleanly."""
    config = _setup(tmp_path, arxiv_server)
    assert _invoke("run", "--config", str(config), "--date", "2026-11-19")[0] == 0
    before = snapshot(tmp_path)
    arxiv_server.script(not_xml(), not_xml())
    code, output = _invoke("run", "--config", str(config), "--date", "2026-11-20")
    assert code == 1
    assert output.startswith("error: could not read arXiv at 127.0.0.1: malformed feed")
    assert "fix: arXiv may be down or rate-limiting" in output
    assert snapshot(tmp_path) == before


def test_render_rebuilds_every_view_identically_and_repairs_deleted_ones(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """render changes nothing after a run, and rebuilds views that were deleted."""
    config = _setup(tmp_path, arxiv_server)
    assert _invoke("run", "--config", str(config), "--date", "2026-11-20")[0] == 0
    before = snapshot(tmp_path)
    code, output = _invoke("render", "--config", str(config))
    assert (code, output) == (0, "No file changed.\n")
    (tmp_path / "lists" / "llm-papers" / "2026" / "2026-11-20.md").unlink()
    (tmp_path / "lists" / "llm-papers" / "README.md").unlink()
    code, output = _invoke("render", "--config", str(config))
    assert code == 0
    assert snapshot(tmp_path) == before


def test_a_run_repairs_a_view_a_crash_left_missing(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """A run with nothing new still rebuilds a day page that is missing, and only that."""
    config = _setup(tmp_path, arxiv_server)
    assert _invoke("run", "--config", str(config), "--date", "2026-11-20")[0] == 0
    before = snapshot(tmp_path)
    (tmp_path / "lists" / "llm-papers" / "2026" / "2026-11-20.md").unlink()
    code, output = _invoke("run", "--config", str(config), "--date", "2026-11-20")
    assert code == 0, output
    assert "Wrote 1 file:\n  lists/llm-papers/2026/2026-11-20.md" in output
    assert snapshot(tmp_path) == before


def test_a_long_outage_is_capped_and_the_summary_says_so(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """After more than max_lookback_days without a good run, the summary points to backfill."""
    config = _setup(tmp_path, arxiv_server)
    early = _entry(4, "An early LLM")
    early.published = datetime(2026, 8, 31, 9, 0, tzinfo=UTC)
    arxiv_server.corpus = [early]
    assert _invoke("run", "--config", str(config), "--date", "2026-09-01")[0] == 0
    assert (tmp_path / "lists" / ".state.json").exists()
    arxiv_server.corpus = [_entry(3, "LLM again")]
    code, output = _invoke("run", "--config", str(config), "--date", "2026-11-20")
    assert code == 0, output
    assert "The window was cut to max_lookback_days" in output


def test_a_hard_wrapped_paper_is_matched_across_its_breaks_and_stored_on_one_line(
    arxiv_server: ArxivServer, tmp_path: Path
) -> None:
    """Matching reads arXiv's text as sent; the day file holds a kept paper's text on one line
    (a blank comment as null), as it holds the text arXiv sent on one line already."""
    config = _setup(tmp_path, arxiv_server, CONFIG.replace("[LLM]", "[LLM, language model]"))
    wrapped = _entry(3, "  Large language\n   model agents ")
    wrapped.summary = "We study\n  language models\tthat act.\n"
    wrapped.comment = " \n "
    wrapped.journal_ref = "J. Agents\n 12 (2026)"
    arxiv_server.corpus = [wrapped, _entry(1, "LLMs at scale")]
    code, output = _invoke("run", "--config", str(config), "--date", "2026-11-20")
    assert code == 0, output
    day = tmp_path / "lists" / "llm-papers" / "2026" / "2026-11-20.json"
    stored = {
        paper["id"]: (
            paper["title"],
            paper["abstract"],
            paper["comment"],
            paper["journal_ref"],
            paper["matched"],
        )
        for paper in json.loads(day.read_text(encoding="utf-8"))["papers"]
    }
    assert stored == {
        "2611.00003": (
            "Large language model agents",
            "We study language models that act.",
            None,
            "J. Agents 12 (2026)",
            [{"keyword": "language model", "where": ["title", "abstract"]}],
        ),
        "2611.00001": (
            "LLMs at scale",
            "An abstract.",
            None,
            None,
            [{"keyword": "LLM", "where": ["title"]}],
        ),
    }


def test_python_dash_m_bot_is_the_same_command() -> None:
    """`python -m bot --help` shows the same commands as arxiv-bot."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0
    assert "run" in result.stdout
    assert "render" in result.stdout
