"""arXiv's announcement calendar, as pure functions of dates, times and a holiday table.

arXiv announces new papers at 20:00 US Eastern (America/New_York, daylight saving included),
Sunday to Thursday; nothing on Friday or Saturday, nor on its holidays
(https://info.arxiv.org/help/availability.html). Submissions close at 14:00 US Eastern:

- submitted Monday 14:00 to Tuesday 14:00: announced Tuesday 20:00;
- Tuesday 14:00 to Wednesday 14:00: Wednesday 20:00;
- Wednesday 14:00 to Thursday 14:00: Thursday 20:00;
- Thursday 14:00 to Friday 14:00: Sunday 20:00;
- Friday 14:00 to Monday 14:00: Monday 20:00.

Each span includes its start and excludes its end: a paper submitted at 14:00:00 sharp makes
the next announcement. A holiday is a day with no 20:00 announcement; what that announcement
would have carried rolls on to the next announcement. Moderation holds cannot be known and are
ignored: a held paper is announced later than these functions say.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

ANNOUNCE_TZ = ZoneInfo("America/New_York")
"""arXiv's clock: the announcement and the submission deadline are US Eastern wall times."""

ANNOUNCE_TIME = time(20, 0)
DEADLINE = time(14, 0)

_ANNOUNCING_WEEKDAYS = frozenset({6, 0, 1, 2, 3})
"""Sunday to Thursday (`date.weekday()`: Monday is 0)."""

_FRIDAY, _SATURDAY = 4, 5
_DAY = timedelta(days=1)


@cache
def _shipped_holidays() -> frozenset[date]:
    text = resources.files("bot.data").joinpath("holidays.json").read_text(encoding="utf-8")
    return frozenset(date.fromisoformat(day) for day in json.loads(text)["holidays"])


def load_holidays(extra: Iterable[date] = ()) -> frozenset[date]:
    """arXiv's holidays: the table shipped in `bot/data/holidays.json` plus `extra` (config)."""
    return _shipped_holidays() | frozenset(extra)


def is_announcement_day(day: date, holidays: frozenset[date]) -> bool:
    """True when arXiv announces at 20:00 US Eastern on this (US Eastern) day."""
    return day.weekday() in _ANNOUNCING_WEEKDAYS and day not in holidays


def announcement_time(day: date) -> datetime:
    """The instant (aware, UTC) of 20:00 US Eastern on `day`, announcement or not."""
    return datetime.combine(day, ANNOUNCE_TIME, tzinfo=ANNOUNCE_TZ).astimezone(UTC)


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")


def announced_at(submitted: datetime, holidays: frozenset[date]) -> datetime:
    """When (aware, UTC) the first announcement that carries a paper submitted then happens.

    `submitted` must be timezone-aware. Moderation holds are ignored.
    """
    _require_aware("submitted", submitted)
    local = submitted.astimezone(ANNOUNCE_TZ)
    deadline = local.date()
    if deadline.weekday() >= _SATURDAY or local.time() >= DEADLINE:
        deadline += _DAY
        while deadline.weekday() >= _SATURDAY:
            deadline += _DAY
    day = deadline + 2 * _DAY if deadline.weekday() == _FRIDAY else deadline
    while not is_announcement_day(day, holidays):
        day += _DAY
    return announcement_time(day)


def announcements_between(
    start: datetime, end: datetime, holidays: frozenset[date]
) -> list[datetime]:
    """Every announcement instant (aware, UTC) in `(start, end]`, earliest first."""
    _require_aware("start", start)
    _require_aware("end", end)
    found: list[datetime] = []
    day = start.astimezone(ANNOUNCE_TZ).date()
    last = end.astimezone(ANNOUNCE_TZ).date()
    while day <= last:
        instant = announcement_time(day)
        if start < instant <= end and is_announcement_day(day, holidays):
            found.append(instant)
        day += _DAY
    return found


def _evenings_dated(list_date: date, zone: ZoneInfo) -> list[date]:
    """The US Eastern days whose 20:00 falls on `list_date` in `zone` (usually exactly one)."""
    candidates = (list_date + offset * _DAY for offset in range(-2, 3))
    return [
        day for day in candidates if announcement_time(day).astimezone(zone).date() == list_date
    ]


def announcements_on(list_date: date, zone: ZoneInfo, holidays: frozenset[date]) -> list[datetime]:
    """The announcements (aware, UTC) that happen during `list_date` in `zone`.

    These are the announcements in `[start of list_date, end of list_date)` in `zone`: the day
    a back-filled paper is dated by, and what a daily run made on that date sees first. In UTC
    (and zones ahead of US Eastern) a date holds the announcement of the US Eastern evening
    before: the Monday list carries Sunday evening's papers.
    """
    return [
        announcement_time(day)
        for day in _evenings_dated(list_date, zone)
        if is_announcement_day(day, holidays)
    ]


def list_date_of(submitted: datetime, zone: ZoneInfo, holidays: frozenset[date]) -> date:
    """The list date a back-filled paper submitted then goes to: the date, in `zone`, of the
    announcement that carries it (DESIGN "Dates"; moderation holds are ignored)."""
    return announced_at(submitted, holidays).astimezone(zone).date()


def submissions_listed(
    first: date, last: date, zone: ZoneInfo, holidays: frozenset[date]
) -> tuple[datetime, datetime]:
    """The submission times `[start, end)` (aware, UTC) whose announcement falls on a list date
    from `first` to `last` (inclusive) in `zone`.

    `announced_at` only changes at the 14:00 US Eastern deadline, so both ends are deadlines:
    the first one whose submissions are listed on `first` or later, and the first one whose
    submissions are listed after `last`.
    """

    def first_deadline_listed_from(day: date) -> datetime:
        # A deadline a month before is always announced before `day` (nothing waits that long).
        deadline = day - 30 * _DAY
        while True:
            cutoff = datetime.combine(deadline, DEADLINE, tzinfo=ANNOUNCE_TZ)
            if list_date_of(cutoff, zone, holidays) >= day:
                return cutoff.astimezone(UTC)
            deadline += _DAY

    return first_deadline_listed_from(first), first_deadline_listed_from(last + _DAY)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def quiet_day_reason(list_date: date, zone: ZoneInfo, holidays: frozenset[date]) -> str | None:
    """Why a list dated `list_date` in `zone` gets no new papers, or None if arXiv announced.

    The announcements belonging to a list date D are those during D in `zone`, that is in
    `[end of D-1, end of D)` (see `announcements_on`); None when there is one. Otherwise the
    sentence names the cause: the Friday/Saturday pause, said in the list's own weekdays (in
    UTC: "... so Saturday and Sunday lists in UTC are empty."), or the holiday.
    """
    if announcements_on(list_date, zone, holidays):
        return None
    evenings = _evenings_dated(list_date, zone)
    reasons: list[str] = []
    for evening in evenings:
        if evening.weekday() in (_FRIDAY, _SATURDAY):
            friday = evening - (evening.weekday() - _FRIDAY) * _DAY
            dated = [announcement_time(d).astimezone(zone).date() for d in (friday, friday + _DAY)]
            reasons.append(
                "arXiv announces nothing on Fridays and Saturdays (US Eastern), so "
                f"{_weekday_name(dated[0])} and {_weekday_name(dated[1])} lists in {zone} "
                "are empty."
            )
        else:
            reasons.append(
                f"arXiv made no announcement for {evening.isoformat()} (a holiday), so the "
                f"{list_date.isoformat()} list in {zone} is empty."
            )
    if not reasons:
        return (
            f"No arXiv announcement time (20:00 US Eastern) falls on {list_date.isoformat()} "
            f"in {zone}."
        )
    return " ".join(reasons)
