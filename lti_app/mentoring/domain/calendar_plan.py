"""When "Add to my calendar" puts the pair's next meeting, from plain dates: the rule behind the ``.ics`` files.

The next meeting is due by the cadence (``pair_progress.next_meeting_due``); when it is overdue it is planned from
today. The time is the start of the first block of the week where both partners are free (in the viewer's zone),
on that day or within the week after; without a common block, noon on the due day (the next day once
noon has passed). A series repeats at the
cadence until the programme ends. No plan once the programme is over (or the pair can meet no more).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from lti_app.mentoring.domain.availability import DAYS, PARTS, parse_block
from lti_app.mentoring.domain.pair_progress import next_meeting_due
from lti_app.mentoring.domain.reflections import zone_of

MEETING_MINUTES = 60
FALLBACK_HOUR = 12


@dataclass(frozen=True)
class MeetingPlan:
    """The first meeting the file holds and, for a series, how it repeats."""

    starts_at: datetime  # aware, on the viewer's clock
    minutes: int
    every_days: int | None = None  # a series: repeats this often
    until: date | None = None  # a series: the last day it may fall on (the programme's end)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def _slot(day: date, common: set[str], zone, after: datetime) -> datetime:
    """The first common block starting after ``after`` from ``day`` on (a week at most); noon on ``day`` else."""
    order = sorted(common, key=lambda c: (DAYS.index(parse_block(c)[0]), list(PARTS).index(parse_block(c)[1])))
    for offset in range(7):
        d = day + timedelta(days=offset)
        for code in order:
            weekday, part = parse_block(code)
            if DAYS.index(weekday) == d.weekday():
                start = datetime.combine(d, time(PARTS[part][0]), tzinfo=zone)
                if start > after:
                    return start
    noon = datetime.combine(day, time(FALLBACK_HOUR), tzinfo=zone)
    return noon if noon > after else noon + timedelta(days=1)


def meeting_plan(*, anchor: date, last_meeting_on: date | None, cadence_days: int, ends_on: date, now: datetime,
                 time_zone: str | None, common_blocks: Iterable[str] = (), series: bool = False) -> MeetingPlan | None:
    """The pair's next meeting (or series of meetings) for the viewer in ``time_zone``; None when none is due."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    zone = zone_of(time_zone)
    local = now.astimezone(zone)
    due = next_meeting_due(anchor, last_meeting_on, cadence_days, ends_on)
    if due is None or local.date() > ends_on:
        return None
    day = max(due, local.date())
    start = _slot(day, set(common_blocks), zone, local)
    if start.date() > ends_on:
        start = _slot(day, set(), zone, local)  # the common block falls after the end: noon on the day instead
        if start.date() > ends_on:
            return None
    if series:
        return MeetingPlan(start, MEETING_MINUTES, cadence_days, ends_on)
    return MeetingPlan(start, MEETING_MINUTES)
