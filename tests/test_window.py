"""The look-back window: anchored at the last good run, reused on a re-run, capped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.models import RunState
from bot.window import end_of, plan

UTC_ZONE = ZoneInfo("UTC")


def _plan(run_date: date, state: RunState | None, zone: str = "UTC", lookback: float = 7):
    return plan(run_date, state, zone=ZoneInfo(zone), lookback_days=lookback, max_lookback_days=30)


def test_first_run_looks_back_lookback_days_from_the_end_of_the_run_date() -> None:
    """With no state, the window is the lookback before the end of the run date."""
    result = _plan(date(2026, 11, 20), None)
    assert result.window.start == datetime(2026, 11, 14, tzinfo=UTC)
    assert result.window.end == datetime(2026, 11, 21, tzinfo=UTC)
    assert not result.capped


def test_end_of_day_follows_the_configured_timezone() -> None:
    """The window ends when the run date ends in the configured zone, given in UTC."""
    assert end_of(date(2026, 7, 1), ZoneInfo("Europe/Berlin")) == datetime(
        2026, 7, 1, 22, 0, tzinfo=UTC
    )
    result = _plan(date(2026, 7, 1), None, zone="America/New_York")
    assert result.window.end == datetime(2026, 7, 2, 4, 0, tzinfo=UTC)


def test_missed_days_widen_the_window_back_to_the_last_good_run() -> None:
    """After a gap, the start stays anchored at the last run that wrote papers."""
    state = RunState(date(2026, 11, 10), datetime(2026, 11, 4, tzinfo=UTC))
    result = _plan(date(2026, 11, 20), state)
    assert result.window.start == datetime(2026, 11, 4, tzinfo=UTC)
    assert result.window.end == datetime(2026, 11, 21, tzinfo=UTC)


def test_a_rerun_of_the_stored_date_reuses_its_start() -> None:
    """Re-running the last good date asks about exactly the same window."""
    state = RunState(date(2026, 11, 20), datetime(2026, 11, 9, 3, 0, tzinfo=UTC))
    assert _plan(date(2026, 11, 20), state).window.start == state.window_start


def test_a_past_date_uses_its_own_window_and_ignores_the_later_state() -> None:
    """A run dated before the stored date looks back from its own date."""
    state = RunState(date(2026, 11, 20), datetime(2026, 11, 13, tzinfo=UTC))
    result = _plan(date(2026, 11, 1), state)
    assert result.window.start == datetime(2026, 10, 26, tzinfo=UTC)


def test_the_window_never_reaches_past_max_lookback_days() -> None:
    """A long outage is capped at max_lookback_days, and the plan says so."""
    state = RunState(date(2026, 9, 1), datetime(2026, 8, 25, tzinfo=UTC))
    result = _plan(date(2026, 11, 20), state)
    assert result.window.start == datetime(2026, 10, 22, tzinfo=UTC)
    assert result.capped
    assert result.wanted_start == datetime(2026, 8, 26, tzinfo=UTC)


def test_fractional_lookback_days_are_allowed() -> None:
    """lookback_days may be a fraction of a day."""
    result = _plan(date(2026, 11, 20), None, lookback=1.5)
    assert result.window.start == datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
