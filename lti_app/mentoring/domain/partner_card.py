"""The partner card of a pair's workspace, from plain data: the partner's local time and the weekly overlap.

Availability is kept as local blocks ("mon_morning") in each person's own zone (``availability.py``). The grid is
shown in the viewer's zone: for each of the viewer's blocks, whether the viewer is free then, whether the partner
is free during any hour of it, and so whether both are (the overlap). Hours are worked out in the week of the day
asked for, so summer time on either side counts as it will that week. An unknown zone is taken as UTC.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from lti_app.mentoring.domain.availability import DAY_LABELS, DAYS, PARTS, block_code, is_time_zone, to_utc_hours
from lti_app.mentoring.domain.reflections import zone_of
from lti_app.mentoring.domain.texts import _


@dataclass(frozen=True)
class Cell:
    """One block of the week in the viewer's zone."""

    code: str
    mine: bool
    theirs: bool

    @property
    def both(self) -> bool:
        return self.mine and self.theirs


@dataclass(frozen=True)
class WeekRow:
    day: str  # "Monday"
    cells: tuple[Cell, ...]  # one per part of the day, in PARTS order


def local_now(now: datetime, time_zone: str | None) -> datetime:
    """``now`` (aware, or naive UTC) on the clock of ``time_zone`` (UTC if unknown)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(zone_of(time_zone))


def _zone(name: str | None) -> str:
    return name if name and is_time_zone(name) else "UTC"


def overlap_week(mine: Iterable[str], my_zone: str | None, theirs: Iterable[str], their_zone: str | None,
                 week_of: date) -> list[WeekRow]:
    """The week in the viewer's zone: which blocks each is free and where both are."""
    mine = set(mine)
    mz = _zone(my_zone)
    their_hours = to_utc_hours(theirs, _zone(their_zone), week_of)
    rows = []
    for day in DAYS:
        cells = []
        for part in PARTS:
            code = block_code(day, part)
            cells.append(Cell(code, code in mine, bool(to_utc_hours([code], mz, week_of) & their_hours)))
        rows.append(WeekRow(_(DAY_LABELS[day]), tuple(cells)))
    return rows


def overlap_blocks(rows: list[WeekRow]) -> list[str]:
    """The block codes (in the viewer's zone) where both are free."""
    return [c.code for row in rows for c in row.cells if c.both]
