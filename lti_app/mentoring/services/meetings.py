"""Meetings a pair logs once held: date, duration, channel, topics, notes, and action items that become tasks.

A meeting is logged after it happened (never in the future), on a day the pair could meet (from the later of
the programme's start and the pair's publication, to the programme's end). The same form submitted twice
logs one meeting. Every function flushes, none commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lti_app.extensions import db
from lti_app.mentoring.domain import pair_progress as progress
from lti_app.mentoring.domain.profile_fields import Channel
from lti_app.mentoring.domain.rich_text import sanitise
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.workspace import Agreement, Meeting, Task
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.services.workspace_rules import (
    MAX_RICH_TEXT, add_once, check_open, clean_text, partner_enrolment,
)
from lti_app.mentoring.domain.texts import N_, _

MAX_ACTION_ITEMS = 20
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class MeetingFields:
    """A meeting as a partner logs it; ``action_items`` is text with one item per line."""

    held_on: date | None
    duration_minutes: int | None
    channel: str
    topics: str
    notes: str = ""
    action_items: str = ""
    action_owner_enrolment_id: int | None = None


def meetings_of_pair(pair: Pair) -> list[Meeting]:
    """The pair's meetings, the latest first."""
    return list(db.session.scalars(select(Meeting).where(Meeting.pair_id == pair.id)
                                   .options(selectinload(Meeting.action_items), selectinload(Meeting.logged_by))
                                   .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def first_meeting_day(pair: Pair) -> date:
    """The first day this pair could meet."""
    return progress.first_meeting_day(pair.cohort.starts_on, pair.published_at.date() if pair.published_at else None)


def action_item_lines(text: str | None) -> list[str]:
    """The action items of a text area: one per non-blank line, list bullets removed."""
    return [_BULLET.sub("", line).strip() for line in (text or "").splitlines() if _BULLET.sub("", line).strip()]


def _check_when(seat: PairSeat, fields: MeetingFields, today: date) -> None:
    if fields.held_on is None:
        raise InvalidInput(_("Give the date the meeting was held."), field="held_on")
    refusal = progress.meeting_date_refusal(fields.held_on, first_meeting_day(seat.pair), seat.pair.cohort.ends_on, today)
    if refusal:
        raise InvalidInput(refusal, field="held_on")
    if fields.duration_minutes is None or not 5 <= fields.duration_minutes <= 480:
        raise InvalidInput(_("Give the meeting's length in minutes, from 5 to 480."), field="duration_minutes")
    if fields.channel not in {c.value for c in Channel}:
        raise InvalidInput(_("Choose how you met."), field="channel")


def _action_items(seat: PairSeat, fields: MeetingFields, due_on: date) -> list[Task]:
    lines = action_item_lines(fields.action_items)
    if not lines:
        return []
    if len(lines) > MAX_ACTION_ITEMS:
        raise InvalidInput(_("Keep to %(max)d action items; put the rest in the notes.", max=MAX_ACTION_ITEMS),
                           field="action_items")
    if any(len(line) > 300 for line in lines):
        raise InvalidInput(_("Keep each action item under 300 characters."), field="action_items")
    owner = partner_enrolment(seat, fields.action_owner_enrolment_id, "action_owner_enrolment_id", "An action item")
    return [Task(pair_id=seat.pair.id, title=line, owner_enrolment_id=owner.id, due_on=due_on) for line in lines]


def _next_due(seat: PairSeat, held_on: date) -> date:
    """Action items are due by the next meeting the cadence asks for (never after the programme)."""
    cadence = db.session.scalar(select(Agreement.cadence_days).where(Agreement.pair_id == seat.pair.id))
    return min(held_on + timedelta(days=cadence or seat.pair.cohort.meeting_cadence_days), seat.pair.cohort.ends_on)


def log_meeting(seat: PairSeat, fields: MeetingFields, token: str | None, today: date) -> tuple[Meeting, bool]:
    """(meeting, created): a meeting held, with its action items as tasks; a double submit logs one. Flushes."""
    check_open(seat.pair)
    _check_when(seat, fields, today)
    topics = clean_text(fields.topics, "topics", N_("Write what you talked about."),
                        N_("Keep what you talked about under %(max)d characters."), limit=2000)
    notes = sanitise(fields.notes)
    if len(notes) > MAX_RICH_TEXT:
        raise InvalidInput(_("Keep the notes shorter."), field="notes")
    tasks = _action_items(seat, fields, _next_due(seat, fields.held_on))

    def build() -> Meeting:
        return Meeting(pair_id=seat.pair.id, held_on=fields.held_on, duration_minutes=fields.duration_minutes,
                       channel=Channel(fields.channel), topics=topics, notes=notes, logged_by_enrolment_id=seat.me.id,
                       form_token=token, action_items=tasks)

    meeting, created = add_once(build, Meeting, "pair_id", seat.pair.id, token)
    db.session.flush()
    return meeting, created
