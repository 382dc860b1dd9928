"""What every page of a pair's workspace shares: the viewer's seat in the pair, loaded once per request, and the
activity that may complete the programme.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, g, request

from lti_app.mentoring.services import completion, pairs
from lti_app.mentoring.services.pairs import PairSeat

T = TypeVar("T")


def guard_pair_pages(bp: Blueprint) -> None:
    """Load ``g.seat`` (the viewer's side of the URL's pair) before each view of ``bp``; fill ``pair_id`` into URLs.

    Only the two partners get a seat: any other pair id (another course's, a draft, someone else's) is NotFound.
    """

    @bp.before_request
    def load_seat() -> None:
        values = request.view_args or {}
        g.seat = pairs.pair_for_partner(values["course_id"], values["pair_id"], g.membership.person_id)

    @bp.url_defaults
    def add_pair_id(endpoint: str, values: dict[str, Any]) -> None:
        seat = g.get("seat")
        if seat is not None:
            values.setdefault("pair_id", seat.pair.id)


def noting_activity(service: Callable[..., T]) -> Callable[..., T]:
    """``service`` (taking the viewer's seat first), and then both partners' completion noted: the commit point
    evaluates it before its commit (a meeting or an end rating may complete the programme)."""
    def run(seat: PairSeat, *args: Any) -> T:
        result = service(seat, *args)
        completion.note_activity([seat.me.id, seat.partner.id])
        return result
    return run
