"""The local cost of one run for N fetched papers, in a fresh process: `python -m bench.local N`.

Parse (the fetched pages, as bot.source does) → match → de-duplicate (against a stored day per
list holding a tenth of the papers) → rank → render (day pages, archives, README section, and
every other view a run rebuilds) → JSON, through the real `bot.runner.run` with writing left
out (`dry_run`). Prints one JSON line: papers, listed, seconds, peak_mb (the process's peak
resident memory above what it held before processing).
"""

from __future__ import annotations

import gc
import json
import logging
import resource
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.corpus import QUERY_CATEGORIES, clone_corpus, config_folder, feed_pages, paper_of
from bot import index, layout, runner, views
from bot.config import load_config
from bot.models import Paper, Window
from bot.render import Renderer, RenderOptions
from bot.runner import build_day, run
from bot.source import FetchReport, papers_of, parse_feed
from bot.store import Change, Store, apply, day_json

RUN_DATE = date(2026, 11, 19)
SEEDED = date(2026, 11, 12)
_NS = {"atom": "http://www.w3.org/2005/Atom", "opensearch": "http://a9.com/-/spec/opensearch/1.1/"}
_LOG = logging.getLogger("bench")


def parse_page(body: bytes) -> list[Paper]:
    """One page of arXiv's feed as Papers, the way bot.source reads it: one lxml pass that
    checks the feed (totalResults, the entries it promises) and reads its papers."""
    root = parse_feed(body)
    total = root.findtext("opensearch:totalResults", namespaces=_NS)
    assert total is not None and len(root.findall("atom:entry", _NS)) <= int(total)
    return papers_of(root, _LOG)


def _resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


def _reset_peak() -> None:
    """Start the kernel's peak-RSS count afresh (Linux: `5` to clear_refs), so the peak read
    after the run is the run's, not the setup's."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def _folder(papers: Sequence[Paper]) -> Iterator[Path]:
    """A config folder whose lists each hold, on an earlier day, a tenth of the papers (removed
    on the way out, whatever happens inside)."""
    with config_folder("local") as folder:
        config = load_config(folder / "config.yml")
        store = Store(folder)
        histories = {s.slug: index.load_history(store, s.slug) for s in config.lists}
        data = []
        for settings in config.lists:
            history = histories[settings.slug]
            day, _ = build_day(settings, config.rules_for(settings), SEEDED, papers[::10], history)
            if day is not None:
                history[SEEDED] = day
                data.append(Change(layout.day_json(settings.slug, SEEDED), day_json(day)))
        apply(store, data + index.index_changes(histories, data))
        yield folder


def measure(count: int) -> dict[str, float]:
    end = datetime.combine(RUN_DATE + timedelta(days=1), datetime.min.time(), UTC)
    corpus = clone_corpus(count, end - timedelta(days=7), end, only=QUERY_CATEGORIES)
    pages = feed_pages(corpus)

    def fetch(_queries: Sequence[str], _window: Window) -> FetchReport:
        papers = [paper for page in pages for paper in parse_page(page)]
        return FetchReport(tuple(papers), len(pages), len(papers), 0)

    with _folder([paper_of(entry) for entry in corpus]) as folder:
        config = load_config(folder / "config.yml")
        renderer = Renderer(RenderOptions(title=config.title, max_authors=config.max_authors))
        _warm_up(renderer)
        gc.collect()
        before = _resident_mb()
        _reset_peak()
        with timed(STAGES) as stages:
            started, cpu = time.perf_counter(), time.process_time()
            report = run(config, Store(folder), renderer, fetch, RUN_DATE, dry_run=True)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = _peak_mb()
    return {
        "papers": report.fetched,
        "listed": sum(outcome.new for outcome in report.lists),
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": max(0.0, peak - before),
        **{f"stage:{name}": value for name, value in stages.items()},
    }


STAGES: dict[str, list[tuple[Any, str]]] = {
    "parse": [(sys.modules[__name__], "parse_page")],
    "match, de-duplicate, rank": [(runner, "build_day")],
    "day pages and JSON": [(views, "day_views"), (runner, "day_json")],
    "other views": [
        (views, name)
        for name in ("list_views", "readme_view", "weekly_views", "feed_view", "chart_views")
    ],
}
"""Where the time of a run goes, by the functions that do each part (CPU seconds)."""


@contextmanager
def timed(stages: Mapping[str, Sequence[tuple[Any, str]]]) -> Iterator[dict[str, float]]:
    """While inside, each stage's functions add their CPU time to the stage (put back after)."""
    spent = dict.fromkeys(stages, 0.0)
    originals: list[tuple[Any, str, Any]] = []
    for stage, places in stages.items():
        for module, name in places:
            original = getattr(module, name, None)
            if original is None:
                continue

            def wrapper(*args: Any, _f: Any = original, _stage: str = stage, **kwargs: Any) -> Any:
                started = time.process_time()
                try:
                    return _f(*args, **kwargs)
                finally:
                    spent[_stage] += time.process_time() - started

            originals.append((module, name, original))
            setattr(module, name, wrapper)
    try:
        yield spent
    finally:
        for module, name, original in reversed(originals):
            setattr(module, name, original)


def _warm_up(renderer: Renderer) -> None:
    """Compile the templates and the keyword patterns once, as any run does before its work."""
    end = datetime(2026, 11, 1, tzinfo=UTC)
    corpus = clone_corpus(50, end - timedelta(days=7), end, only=QUERY_CATEGORIES)
    papers = tuple(paper for page in feed_pages(corpus) for paper in parse_page(page))

    def fetch(_queries: Sequence[str], _window: Window) -> FetchReport:
        return FetchReport(papers, 1, len(papers), 0)

    with _folder([]) as folder:
        config = load_config(folder / "config.yml")
        run(config, Store(folder), renderer, fetch, date(2026, 11, 1), dry_run=True)


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))))
