"""The garbage collector, set for the length of a run.

A run makes hundreds of thousands of objects that live until it ends (papers, entries, views,
rendered text) and next to no reference cycles. Left as it is, Python's collector looks at
young objects every 700 allocations and walks the whole heap again each time it has grown by
a quarter: some 5% of a 10,000-paper run, 9% of a 100,000-paper one (`make bench`). For a
run, what was made before it (modules, templates, the config) is set aside for good
(`gc.freeze`), and young objects are looked at every 10,000 allocations; cycles are still
collected, so memory stays what the run holds.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000
"""Allocations (less deallocations) between two looks at the youngest generation."""


@contextmanager
def batch_collection() -> Iterator[None]:
    """While inside, the collector skips what existed before and runs less often; after, it
    is as it was (the objects set aside join the oldest generation again)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
