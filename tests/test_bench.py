"""`make bench` keeps working: its smallest case runs here (no timing is asserted)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from bench.__main__ import ROOT, main, markdown


def test_the_smallest_benchmark_runs_and_counts_requests_at_the_local_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every measurement produces its row; the request counts (which do not depend on the
    machine) meet their targets: one query chain, no per-paper requests, a back-fill at the
    fewest requests the limits allow. BENCHMARKS.md is left alone, and so is the temporary
    folder: no working folder of the bench or of its processes is left in it."""
    benchmarks = ROOT / "BENCHMARKS.md"
    before = benchmarks.read_bytes() if benchmarks.exists() else None
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # the bench's processes
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # this one
    rows = main(["--quick", "--cache", str(tmp_path / "cache")])
    assert sorted(path.name for path in temporary.iterdir()) == []
    measured = [row.measurement for row in rows]
    assert measured[0].startswith("arXiv requests per daily run (3 lists, 30 keywords, 7 days")
    assert any(name.startswith("local cost of parse") for name in measured)
    assert any(name.startswith("start-up of de-duplication with 1 year of") for name in measured)
    assert any(name.startswith("a whole daily run with 1 year of") for name in measured)
    assert measured[-1].startswith("back-fill of one month")
    daily, per_paper, backfill = rows[0], rows[1], rows[-1]
    assert daily.result.startswith("1 (3 s")
    assert daily.holds and per_paper.holds and backfill.holds
    assert (benchmarks.read_bytes() if benchmarks.exists() else None) == before
    text = markdown(rows, 12.0, (1.05, 1.1))
    assert "(10,000,000 additions) took 1.05 s of CPU before the measurements and 1.10 s" in text
    assert sum(line.startswith("| ") for line in text.splitlines()) == 1 + len(rows)
