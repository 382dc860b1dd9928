"""What every page of a pair's workspace shares: the viewer's seat in the pair, loaded once per request, and
saving a form through one service (its refusal shown next to the field it names, nothing written).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, g, request

from lti_app.extensions import db
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.services import pairs
from lti_app.web.forms import attach_error

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


def commit_or_show(form: Any, action: Callable[..., T], *args: Any) -> T | None:
    """Run one service for a form: commit and return its result, or show its refusal on the form and return None."""
    try:
        result = action(*args)
    except InvalidInput as refused:
        db.session.rollback()
        attach_error(form, refused.field, refused.message)
        return None
    db.session.commit()
    return result
