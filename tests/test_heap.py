"""The collector's settings for a run (bot/heap.py)."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from bot import heap, runner
from bot.config import load_config
from bot.models import Window
from bot.render import Renderer, RenderOptions
from bot.source import FetchReport
from bot.store import Store


def test_inside_a_batch_the_collector_runs_less_often_and_skips_older_objects() -> None:
    """Young objects wait for YOUNG_THRESHOLD allocations, and what existed before is frozen."""
    before = gc.get_threshold()
    with heap.batch_collection():
        assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_collector_is_put_back_when_the_batch_fails() -> None:
    """An error inside leaves the thresholds and the frozen objects as they were before."""
    before = gc.get_threshold()
    with pytest.raises(RuntimeError, match="boom"), heap.batch_collection():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_run_fetches_and_renders_inside_a_batch(tmp_path: Path) -> None:
    """`runner.run` holds the batch settings while it works, and drops them when it ends."""
    (tmp_path / "config.yml").write_text(
        "lists:\n  - name: Agents\n    keywords: [agent]\n", encoding="utf-8"
    )
    config = load_config(tmp_path / "config.yml")
    seen: list[int] = []

    def fetch(_queries: Sequence[str], _window: Window) -> FetchReport:
        seen.append(gc.get_threshold()[0])
        return FetchReport((), 1, 0, 0)

    renderer = Renderer(RenderOptions(title=config.title, max_authors=config.max_authors))
    runner.run(config, Store(tmp_path), renderer, fetch, date(2026, 11, 19), dry_run=True)
    assert seen == [heap.YOUNG_THRESHOLD]
    assert gc.get_threshold()[0] != heap.YOUNG_THRESHOLD
