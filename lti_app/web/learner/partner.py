"""The partner card of a pair's workspace and "Add to my calendar" (an ``.ics`` file).

Nested in ``workspace``: its guard (the viewer is one of the pair's two partners, else 404) runs first, so the
partner's contact details and the calendar file reach the pair only. The rules are
``mentoring/domain/partner_card.py`` and ``mentoring/domain/calendar_files.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, request

from lti_app.extensions import utcnow
from lti_app.mentoring.domain.partner_card import WeekRow, local_now, overlap_blocks, overlap_week
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
                       local_now(now, partner.time_zone).strftime("%A %H:%M"), me.time_zone == partner.time_zone,
                       partner.channel_labels, week, len(overlap_blocks(week)))
