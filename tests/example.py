"""Builds docs/example/ (the README's picture of the output) from recorded arXiv data.

`make example` runs it. The recorded response of `all:testing` (100 real papers) is re-dated
into the week before 2026-11-20, served by the local arXiv test server, and the real CLI runs
on docs/example/config.yml for that date. tests/test_example.py checks the result is current.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.cli import main
from tests.arxiv_server import ArxivServer, entries_from_fixture

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "example"
RUN_DATE = date(2026, 11, 20)
FIXTURE = "q_testing_s0_m100_cfe7536492ca.xml"


def build(folder: Path) -> None:
    """Run the bot for RUN_DATE on `folder`/config.yml against the recorded papers."""
    for generated in (folder / "lists", folder / "README.md"):
        if generated.is_dir():
            shutil.rmtree(generated)
        generated.unlink(missing_ok=True)
    entries = entries_from_fixture(FIXTURE)
    newest = datetime(2026, 11, 19, 17, 0, tzinfo=UTC)
    for index, entry in enumerate(entries):
        entry.published = newest - timedelta(hours=index)
        entry.updated = entry.published
    with ArxivServer() as server:
        server.corpus = entries
        previous = os.environ.get("ARXIV_API_URL")
        os.environ["ARXIV_API_URL"] = server.url
        try:
            args = ["run", "--config", str(folder / "config.yml"), "--date", RUN_DATE.isoformat()]
            main.main(args, prog_name="arxiv-bot", standalone_mode=False)
        finally:
            if previous is None:
                del os.environ["ARXIV_API_URL"]
            else:
                os.environ["ARXIV_API_URL"] = previous


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE)
