"""The ``.ics`` files of "Add to my calendar": the pair's next meeting, or a series at its cadence, for one partner.

The times are on the viewer's clock with a TZID and the zone's VTIMEZONE in the file (``icalendar`` writes it),
so a calendar shows them right across summer time. The plan is ``domain/calendar_plan.py``. Reads, never writes.
"""
from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event, vRecur
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.calendar_plan import MeetingPlan, meeting_plan
from lti_app.mentoring.domain.pair_progress import first_meeting_day
from lti_app.mentoring.domain.partner_card import local_now, overlap_blocks, overlap_week
from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.models.workspace import Agreement, Meeting
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.domain.texts import _

PRODUCT_ID = "-//ReMentor//Mentoring meetings//EN"


def plan_for(seat: PairSeat, now: datetime, series: bool) -> MeetingPlan:
    """The next meeting (or series) of the seat's pair; NotFound when the pair has no meeting ahead."""
    pair, me, partner = seat.pair, seat.me, seat.partner
    if pair.status is not PairStatus.ACTIVE or not partner.is_active:
        raise NotFound(_("This pair has no meeting ahead: it has ended."))
    cohort = pair.cohort
    last = db.session.scalar(select(func.max(Meeting.held_on)).where(Meeting.pair_id == pair.id))
    agreed = db.session.scalar(select(Agreement.cadence_days).where(Agreement.pair_id == pair.id))
    week = overlap_week(me.availability or [], me.time_zone, partner.availability or [], partner.time_zone,
                        local_now(now, me.time_zone).date())
    published = (pair.published_at or pair.created_at).date()
    plan = meeting_plan(anchor=first_meeting_day(cohort.starts_on, published), last_meeting_on=last,
                        cadence_days=agreed or cohort.meeting_cadence_days, ends_on=cohort.ends_on, now=now,
                        time_zone=me.time_zone, common_blocks=overlap_blocks(week), series=series)
    if plan is None:
        raise NotFound(_("There is no meeting ahead: the programme has ended."))
    return plan


def calendar_file(seat: PairSeat, now: datetime, series: bool = False) -> bytes:
    """The ``.ics`` file for the viewer of ``seat``."""
    plan = plan_for(seat, now, series)
    partner = seat.partner.person.display_name
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"rementor-pair-{seat.pair.id}-{'series' if series else plan.starts_at.date().isoformat()}"
                     f"-{seat.me.id}@rementor")
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", plan.starts_at)
    event.add("dtend", plan.ends_at)
    event.add("summary", _("Mentoring meeting with %(partner)s", partner=partner))
    event.add("description", _("Your %(cohort)s mentoring meeting with %(partner)s. Log it in ReMentor once it is held.",
                               cohort=seat.pair.cohort.name, partner=partner))
    if plan.every_days:
        until = datetime.combine(plan.until, plan.starts_at.timetz()).astimezone(timezone.utc)
        rule = {"freq": "weekly", "interval": plan.every_days // 7} if plan.every_days % 7 == 0 else {
            "freq": "daily", "interval": plan.every_days}
        event.add("rrule", vRecur(**rule, until=until))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
