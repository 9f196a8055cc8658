"""The look-back window of a run: which submission times it asks arXiv about.

Anchored at the last run that wrote papers (`lists/.state.json`), so a failed, empty or missed
day never shortens what the next run covers; a re-run of the same date reuses the stored start
so its file comes out identical; never wider than `max_lookback_days`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.models import RunState, Window


@dataclass(frozen=True, slots=True)
class Plan:
    """The window to fetch and whether `max_lookback_days` cut it short."""

    window: Window
    capped: bool
    wanted_start: datetime


def end_of(day: date, zone: ZoneInfo) -> datetime:
    """The instant a day ends in a timezone (the start of the next day there)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def plan(
    run_date: date,
    state: RunState | None,
    *,
    zone: ZoneInfo,
    lookback_days: float,
    max_lookback_days: float,
) -> Plan:
    """The window for a run on `run_date` given the stored state of the last good run."""
    end = end_of(run_date, zone)
    lookback = timedelta(days=lookback_days)
    if state is not None and state.date == run_date:
        start = state.window_start
    elif state is not None and state.date < run_date:
        start = min(end_of(state.date, zone) - lookback, end - lookback)
    else:
        start = end - lookback
    floor = end - timedelta(days=max_lookback_days)
    capped = start < floor
    utc = ZoneInfo("UTC")
    return Plan(
        window=Window(start=max(start, floor).astimezone(utc), end=end.astimezone(utc)),
        capped=capped,
        wanted_start=start.astimezone(utc),
    )
