"""The partner card of a pair's workspace and "Add to my calendar" (an ``.ics`` file).

Nested in ``workspace``: its guard (the viewer is one of the pair's two partners, else 404) runs first, so the
partner's contact details and the calendar file reach the pair only. The rules are
``mentoring/domain/partner_card.py`` and ``mentoring/domain/calendar_files.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

import flask_babel
from babel.dates import format_datetime
from flask import Blueprint, Response, g

from lti_app.extensions import utcnow
from lti_app.mentoring.domain.partner_card import WeekRow, local_now, overlap_blocks, overlap_week
from lti_app.mentoring.services import calendar_files, quiet_pairs
from lti_app.mentoring.services.pairs import PairSeat

bp = Blueprint("partner", __name__)


@dataclass(frozen=True)
class PartnerCard:
    """What the card shows of the partner, to the other partner only."""

    name: str
    email: str | None  # as the LMS shared it (None when it did not)
    time_zone: str
    local_time: str  # "Monday 14:05"
    same_zone: bool
    channels: list[str]
    week: list[WeekRow]
    overlap: int  # blocks where both are free


@bp.app_template_global("partner_card")
def partner_card(seat: PairSeat) -> PartnerCard:
    """The card of ``seat``'s partner, the week shown in the viewer's zone."""
    now, me, partner = utcnow(), seat.me, seat.partner
    week = overlap_week(me.availability or [], me.time_zone, partner.availability or [], partner.time_zone,
                        local_now(now, me.time_zone).date())
    return PartnerCard(partner.person.display_name, partner.person.email, partner.time_zone or "UTC",
                       _weekday_and_time(local_now(now, partner.time_zone)), me.time_zone == partner.time_zone,
                       partner.channel_labels, week, len(overlap_blocks(week)))


def _weekday_and_time(moment) -> str:
    """"Monday 14:05" (the weekday in the page's language), on ``moment``'s own clock."""
    locale = flask_babel.get_locale()
    if locale is None:
        return moment.strftime("%A %H:%M")
    return format_datetime(moment, "EEEE HH:mm", tzinfo=moment.tzinfo, locale=locale)


def _ics(series: bool) -> Response:
    body = calendar_files.calendar_file(g.seat, utcnow(), series=series)
    name = f"rementor-{'meetings' if series else 'next-meeting'}-{g.seat.pair.id}.ics"
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/calendar/next.ics")
def next_meeting(course_id: int, pair_id: int):
    """The pair's next meeting by the cadence, as a calendar file (404 when none is ahead)."""
    return _ics(series=False)


@bp.get("/calendar/series.ics")
def meeting_series(course_id: int, pair_id: int):
    """The pair's meetings from the next one to the programme's end, repeating at the cadence."""
    return _ics(series=True)


@bp.app_template_global("quiet_warning")
def quiet_warning(seat: PairSeat):
    """The pair's quiet-pair warning from its warning day on (None before, or once the pair is not active)."""
    return quiet_pairs.warning_of(seat.pair, utcnow().date())
