"""Weekly availability: blocks of a day (mon..sun × morning, afternoon, evening) in the person's own time zone.

People pick blocks in their local time; the matching engine compares people in different zones, so it
works on UTC hour-of-week sets (0 = Monday 00:00-01:00 UTC … 167 = Sunday 23:00-24:00 UTC).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from lti_app.mentoring.domain.texts import N_, _

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# day names as msgids: translate them where they are shown (``_(DAY_LABELS[day])``)
DAY_LABELS = dict(zip(DAYS, (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                             N_("Saturday"), N_("Sunday")), strict=True))
PART_LABELS = {"morning": N_("%(day)s morning (%(hours)s)"), "afternoon": N_("%(day)s afternoon (%(hours)s)"),
               "evening": N_("%(day)s evening (%(hours)s)")}
# part → (first local hour, hour it ends), as shown to people: morning 08-12, afternoon 12-17, evening 17-21
PARTS: dict[str, tuple[int, int]] = {"morning": (8, 12), "afternoon": (12, 17), "evening": (17, 21)}
HOURS_PER_WEEK = 7 * 24
# A Monday in northern winter. Offsets change with daylight saving time; pass ``week_of`` (for example the
# programme's start) when the season matters.
REFERENCE_MONDAY = date(2026, 1, 5)
_ZONE_PREFIXES = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")


def block_code(day: str, part: str) -> str:
    """The code of a block, e.g. ``mon_morning``."""
    return f"{day}_{part}"


ALL_BLOCKS: tuple[str, ...] = tuple(block_code(day, part) for day in DAYS for part in PARTS)


def block_label(code: str) -> str:
    """A human label, e.g. ``Monday morning (08:00-12:00)``."""
    day, part = parse_block(code)
    start, end = PARTS[part]
    return _(PART_LABELS[part], day=_(DAY_LABELS[day]), hours=f"{start:02d}:00-{end:02d}:00")


def parse_block(code: str) -> tuple[str, str]:
    """(day, part) of a block code; ValueError for anything else."""
    day, _sep, part = code.partition("_")
    if day not in DAYS or part not in PARTS:
        raise ValueError(f"Unknown availability block {code!r}")
    return day, part


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones people choose from: the regional ones, sorted, and UTC."""
    regional = sorted(name for name in available_timezones() if name.startswith(_ZONE_PREFIXES))
    return ("UTC", *regional)


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows."""
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_utc_hours(blocks: Iterable[str], tz: str, week_of: date = REFERENCE_MONDAY) -> frozenset[int]:
    """The UTC hours of the week that the local ``blocks`` in zone ``tz`` cover.

    Hours are taken in the week that starts on the Monday of ``week_of``; a block that crosses midnight
    UTC wraps around the week (Monday 08:00 in Sydney is Sunday 21:00 UTC, hour 165). In zones with a
    half-hour offset each local hour is counted in the UTC hour it starts in.
    """
    if not is_time_zone(tz):
        raise ValueError(f"Unknown time zone {tz!r}")
    zone = ZoneInfo(tz)
    monday = week_of - timedelta(days=week_of.weekday())
    hours: set[int] = set()
    for code in blocks:
        day, part = parse_block(code)
        local_day = monday + timedelta(days=DAYS.index(day))
        start, end = PARTS[part]
        for hour in range(start, end):
            utc = datetime.combine(local_day, time(hour), tzinfo=zone).astimezone(timezone.utc)
            hours.add((utc.weekday() * 24 + utc.hour) % HOURS_PER_WEEK)
    return frozenset(hours)
