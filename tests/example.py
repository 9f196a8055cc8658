"""Builds docs/example/ (the README's picture of the output) from recorded arXiv data.

`make example` runs it. The recorded response of `all:testing` (100 real papers) is split over
three days of one week, each third re-dated to the day before its list, served by the local
arXiv test server, and the real CLI runs on docs/example/config.yml for each date in turn, so
that the example has daily lists and a weekly digest. tests/test_example.py checks the result
is current.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.cli import main
from tests.arxiv_server import ArxivServer, entries_from_fixture

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "example"
RUN_DATES = (date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20))
"""Wednesday to Friday of ISO week 2026-W47: three daily lists, one weekly digest."""
RUN_DATE = RUN_DATES[-1]
FIXTURE = "q_testing_s0_m100_cfe7536492ca.xml"


def build(folder: Path) -> None:
    """Run the bot for each of RUN_DATES on `folder`/config.yml against the recorded papers."""
    for generated in (folder / "lists", folder / "README.md"):
        if generated.is_dir():
            shutil.rmtree(generated)
        generated.unlink(missing_ok=True)
    entries = entries_from_fixture(FIXTURE)
    size = -(-len(entries) // len(RUN_DATES))
    batches = [entries[start : start + size] for start in range(0, len(entries), size)]
    for run_date, batch in zip(RUN_DATES, batches, strict=True):
        newest = datetime.combine(run_date - timedelta(days=1), time(17), UTC)
        for index, entry in enumerate(batch):
            entry.published = newest - timedelta(minutes=20 * index)
            entry.updated = entry.published
    with ArxivServer() as server:
        previous = os.environ.get("ARXIV_API_URL")
        os.environ["ARXIV_API_URL"] = server.url
        try:
            for count, run_date in enumerate(RUN_DATES, 1):
                server.corpus = [entry for batch in batches[:count] for entry in batch]
                args = ["run", "--config", str(folder / "config.yml")]
                args += ["--date", run_date.isoformat()]
                main.main(args, prog_name="arxiv-bot", standalone_mode=False)
        finally:
            if previous is None:
                del os.environ["ARXIV_API_URL"]
            else:
                os.environ["ARXIV_API_URL"] = previous


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE)
