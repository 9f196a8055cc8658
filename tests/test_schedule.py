"""arXiv's calendar: deadlines, announcement days, holidays, DST, and quiet list dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import (
    ANNOUNCE_TZ,
    announced_at,
    announcements_between,
    announcements_on,
    is_announcement_day,
    load_holidays,
    quiet_day_reason,
)

ET = ANNOUNCE_TZ
UTC_ZONE = ZoneInfo("UTC")
HOLIDAYS = load_holidays()
NONE: frozenset[date] = frozenset()


def et(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A US Eastern wall time as an aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=ET)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_shipped_table_holds_the_published_2026_holidays() -> None:
    """All nine 2026 holidays from arXiv's availability page are in the shipped table."""
    published = {
        date(2026, 1, 1), date(2026, 1, 19), date(2026, 6, 19), date(2026, 7, 3),
        date(2026, 9, 7), date(2026, 11, 26), date(2026, 12, 25), date(2026, 12, 29),
        date(2026, 12, 31),
    }  # fmt: skip
    assert {day for day in HOLIDAYS if day.year == 2026} == published


def test_shipped_table_holds_the_published_2025_holidays() -> None:
    """The 2025 holidays arXiv published (December was never scheduled there) are shipped."""
    published = {
        date(2025, 1, 1), date(2025, 1, 20), date(2025, 6, 19), date(2025, 7, 6),
        date(2025, 9, 1), date(2025, 11, 27),
    }  # fmt: skip
    assert {day for day in HOLIDAYS if day.year == 2025} == published


def test_holiday_table_is_package_data_with_a_source() -> None:
    """The table is read from the installed package and says where its dates come from."""
    text = resources.files("bot.data").joinpath("holidays.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert "availability" in data["source"]
    assert len(data["holidays"]) == len(HOLIDAYS)


def test_extra_holidays_are_added() -> None:
    """Dates from the config join the shipped table."""
    extra = date(2027, 1, 1)
    assert load_holidays([extra]) == HOLIDAYS | {extra}


@pytest.mark.parametrize(
    ("day", "announces"),
    [
        (date(2026, 3, 1), True),  # Sunday
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 5), True),  # Thursday
        (date(2026, 3, 6), False),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 1, 19), False),  # a Monday holiday
        (date(2025, 7, 6), False),  # a Sunday holiday
    ],
)
def test_announcement_days(day: date, announces: bool) -> None:
    """arXiv announces Sunday to Thursday, except on holidays."""
    assert is_announcement_day(day, HOLIDAYS) is announces


@pytest.mark.parametrize(
    ("submitted", "announced"),
    [
        # Monday 14:00 to Tuesday 14:00 → Tuesday 20:00 (EST: UTC-5)
        (et(2026, 2, 9, 14, 0), et(2026, 2, 10, 20)),
        (et(2026, 2, 10, 13, 59), et(2026, 2, 10, 20)),
        # Tuesday → Wednesday, Wednesday → Thursday
        (et(2026, 2, 10, 14, 0), et(2026, 2, 11, 20)),
        (et(2026, 2, 11, 9, 0), et(2026, 2, 11, 20)),
        (et(2026, 2, 11, 15, 0), et(2026, 2, 12, 20)),
        (et(2026, 2, 12, 13, 0), et(2026, 2, 12, 20)),
        # Thursday 14:00 to Friday 14:00 → Sunday 20:00
        (et(2026, 2, 12, 14, 0), et(2026, 2, 15, 20)),
        (et(2026, 2, 13, 13, 59), et(2026, 2, 15, 20)),
        # Friday 14:00 to Monday 14:00 → Monday 20:00
        (et(2026, 2, 13, 14, 0), et(2026, 2, 16, 20)),
        (et(2026, 2, 14, 12, 0), et(2026, 2, 16, 20)),
        (et(2026, 2, 15, 21, 0), et(2026, 2, 16, 20)),
        (et(2026, 2, 16, 13, 0), et(2026, 2, 16, 20)),
        (et(2026, 2, 16, 14, 0), et(2026, 2, 17, 20)),
    ],
)
def test_every_weekday_transition(submitted: datetime, announced: datetime) -> None:
    """Each submission span of arXiv's table maps to its announcement, at the 14:00 edges too."""
    assert announced_at(submitted, NONE) == announced.astimezone(UTC)


def test_result_is_utc_and_input_zone_does_not_matter() -> None:
    """The same instant given in UTC or in Tokyo time gives the same UTC announcement."""
    instant = utc(2026, 2, 10, 18, 59)  # 13:59 EST Tuesday
    expected = utc(2026, 2, 11, 1, 0)  # Tuesday 20:00 EST
    assert announced_at(instant, NONE) == expected
    assert announced_at(instant.astimezone(ZoneInfo("Asia/Tokyo")), NONE) == expected
    assert announced_at(instant, NONE).tzinfo is UTC


def test_naive_submission_time_is_refused() -> None:
    """A submission time without a timezone is an error, not a guess."""
    with pytest.raises(ValueError, match="timezone-aware"):
        announced_at(datetime(2026, 2, 10, 12, 0), NONE)


def test_spring_forward_week() -> None:
    """Around 2026-03-08 the deadline and announcement follow Eastern wall time, not UTC."""
    # Friday 2026-03-06 13:59 EST is 18:59 UTC: Sunday 20:00 EDT = Monday 00:00 UTC.
    assert announced_at(utc(2026, 3, 6, 18, 59), NONE) == utc(2026, 3, 9, 0, 0)
    # Thursday 20:00 EST before the change is 01:00 UTC.
    assert announced_at(utc(2026, 3, 5, 18, 0), NONE) == utc(2026, 3, 6, 1, 0)
    # Monday after the change: the deadline 14:00 EDT is 18:00 UTC.
    assert announced_at(utc(2026, 3, 9, 17, 59), NONE) == utc(2026, 3, 10, 0, 0)
    assert announced_at(utc(2026, 3, 9, 18, 0), NONE) == utc(2026, 3, 11, 0, 0)


def test_fall_back_week() -> None:
    """Around 2026-11-01 the deadline and announcement move by an hour in UTC."""
    # Friday 2026-10-30 13:59 EDT = 17:59 UTC → Sunday 2026-11-01 20:00 EST = 01:00 UTC.
    assert announced_at(utc(2026, 10, 30, 17, 59), NONE) == utc(2026, 11, 2, 1, 0)
    # Friday 14:00 EDT = 18:00 UTC → Monday 20:00 EST.
    assert announced_at(utc(2026, 10, 30, 18, 0), NONE) == utc(2026, 11, 3, 1, 0)
    # Monday 2026-11-02: the deadline is 14:00 EST = 19:00 UTC.
    assert announced_at(utc(2026, 11, 2, 18, 30), NONE) == utc(2026, 11, 3, 1, 0)
    assert announced_at(utc(2026, 11, 2, 19, 0), NONE) == utc(2026, 11, 4, 1, 0)


def test_thursday_afternoon_submission_is_announced_sunday() -> None:
    """A Thursday 15:00 ET submission appears on Sunday at 20:00 ET."""
    assert announced_at(et(2026, 5, 14, 15, 0), HOLIDAYS) == utc(2026, 5, 18, 0, 0)


def test_thanksgiving_2026_rolls_to_sunday() -> None:
    """Submissions for the Thanksgiving Thursday announcement come out on Sunday instead."""
    assert announced_at(et(2026, 11, 25, 13, 0), HOLIDAYS) == et(2026, 11, 25, 20)
    assert announced_at(et(2026, 11, 25, 15, 0), HOLIDAYS) == et(2026, 11, 29, 20)
    assert announced_at(et(2026, 11, 26, 15, 0), HOLIDAYS) == et(2026, 11, 29, 20)
    assert announced_at(et(2026, 11, 25, 15, 0), NONE) == et(2026, 11, 26, 20)


def test_monday_holiday_rolls_the_weekend_to_tuesday() -> None:
    """With Monday 2026-01-19 off, Friday-to-Monday submissions are announced Tuesday."""
    assert announced_at(et(2026, 1, 16, 15, 0), HOLIDAYS) == et(2026, 1, 20, 20)
    assert announced_at(et(2026, 1, 19, 13, 0), HOLIDAYS) == et(2026, 1, 20, 20)


def test_sunday_holiday_rolls_to_monday() -> None:
    """With Sunday 2025-07-06 off, Thursday-afternoon submissions wait for Monday."""
    assert announced_at(et(2025, 7, 3, 15, 0), HOLIDAYS) == et(2025, 7, 7, 20)


def test_year_end_holidays_2026() -> None:
    """Around 2026-12-29 and 2026-12-31 announcements skip to the next open evening."""
    assert announced_at(et(2026, 12, 28, 15, 0), HOLIDAYS) == et(2026, 12, 30, 20)
    assert announced_at(et(2026, 12, 30, 15, 0), HOLIDAYS) == et(2027, 1, 3, 20)


def test_announcements_between_a_week() -> None:
    """One week holds the five Sunday-to-Thursday announcements, in order, none on holidays."""
    start = utc(2026, 11, 22, 0, 0)
    found = announcements_between(start, start + timedelta(days=7), HOLIDAYS)
    assert found == [
        utc(2026, 11, 23, 1, 0),  # Sunday 22 evening
        utc(2026, 11, 24, 1, 0),
        utc(2026, 11, 25, 1, 0),
        utc(2026, 11, 26, 1, 0),  # Wednesday 25 evening; Thursday 26 is Thanksgiving
    ]


def test_announcements_between_excludes_start_and_includes_end() -> None:
    """The interval is open at its start and closed at its end."""
    instant = utc(2026, 11, 24, 1, 0)
    assert announcements_between(instant, instant, NONE) == []
    assert announcements_between(instant - timedelta(seconds=1), instant, NONE) == [instant]
    assert announcements_between(instant, instant + timedelta(days=1), NONE) == [
        instant + timedelta(days=1)
    ]


def test_announcements_on_a_utc_date_carry_the_previous_eastern_evening() -> None:
    """A UTC Monday holds Sunday's announcement, including when it falls at 00:00 UTC (EDT)."""
    assert announcements_on(date(2026, 3, 9), UTC_ZONE, NONE) == [utc(2026, 3, 9, 0, 0)]
    assert announcements_on(date(2026, 3, 8), UTC_ZONE, NONE) == []
    assert announcements_on(date(2026, 3, 2), UTC_ZONE, NONE) == [utc(2026, 3, 2, 1, 0)]


def test_announcements_on_a_date_west_of_eastern_time() -> None:
    """In Los Angeles, 20:00 ET is 17:00 the same day, so a Friday list there is empty."""
    zone = ZoneInfo("America/Los_Angeles")
    assert announcements_on(date(2026, 3, 5), zone, NONE) == [utc(2026, 3, 6, 1, 0)]
    assert announcements_on(date(2026, 3, 6), zone, NONE) == []


WEEKEND_UTC = (
    "arXiv announces nothing on Fridays and Saturdays (US Eastern), so Saturday and Sunday "
    "lists in UTC are empty."
)


@pytest.mark.parametrize("day", [date(2026, 3, 7), date(2026, 3, 8), date(2026, 7, 4)])
def test_quiet_weekend_days_in_utc(day: date) -> None:
    """UTC Saturday and Sunday lists are empty because of arXiv's Friday-Saturday pause."""
    assert quiet_day_reason(day, UTC_ZONE, HOLIDAYS) == WEEKEND_UTC


def test_quiet_day_after_a_holiday_in_utc() -> None:
    """The UTC Friday after Thanksgiving is empty because of the holiday, said so."""
    assert quiet_day_reason(date(2026, 11, 27), UTC_ZONE, HOLIDAYS) == (
        "arXiv made no announcement for 2026-11-26 (a holiday), so the 2026-11-27 list in UTC "
        "is empty."
    )


@pytest.mark.parametrize(
    "day", [date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 9), date(2026, 11, 26)]
)
def test_normal_days_have_no_quiet_reason(day: date) -> None:
    """A date that carries an announcement has no reason to be quiet."""
    assert quiet_day_reason(day, UTC_ZONE, HOLIDAYS) is None


def test_quiet_weekend_is_said_in_the_lists_own_weekdays() -> None:
    """West of Eastern time the empty lists are Friday and Saturday, and the reason says so."""
    zone = ZoneInfo("America/Los_Angeles")
    assert quiet_day_reason(date(2026, 3, 6), zone, HOLIDAYS) == (
        "arXiv announces nothing on Fridays and Saturdays (US Eastern), so Friday and Saturday "
        "lists in America/Los_Angeles are empty."
    )
    assert quiet_day_reason(date(2026, 3, 8), zone, HOLIDAYS) is None


def test_quiet_reason_for_a_date_that_never_existed() -> None:
    """Samoa skipped 2011-12-30; no announcement time falls on it, and the reason says so."""
    assert quiet_day_reason(date(2011, 12, 30), ZoneInfo("Pacific/Apia"), NONE) == (
        "No arXiv announcement time (20:00 US Eastern) falls on 2011-12-30 in Pacific/Apia."
    )
