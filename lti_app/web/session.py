"""The tool's own session after a launch: which courses this browser launched, as which membership.

Only ids live in the (signed) session cookie; the launch data itself stays in the server-side cache.
One browser may have the tool open in several courses, so the session maps course id → membership.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import abort, current_app, session
from sqlalchemy.orm import joinedload

from lti_app.extensions import cache, db
from lti_app.lti import errors
from lti_app.mentoring.models.course import Membership

MAX_COURSES_IN_SESSION = 20
CONTINUE_PREFIX = "lti:continue:"
CONTINUE_SECONDS = 300


def remember(course_id: int, membership_id: int, launch_id: str, platform_admin: bool = False) -> None:
    """Record a launch in this browser's session (newest last, bounded).

    ``platform_admin``: the launch carried an institution or system Administrator role, which opens the
    read-only page of the course's own platform registration.
    """
    courses: dict[str, Any] = dict(session.get("courses", {}))
    courses.pop(str(course_id), None)
    courses[str(course_id)] = {"m": membership_id, "l": launch_id, **({"a": True} if platform_admin else {})}
    while len(courses) > MAX_COURSES_IN_SESSION:
        courses.pop(next(iter(courses)))
    session["courses"] = courses
    session.permanent = True


def launch_id_for(course_id: int) -> str | None:
    """The launch id this browser holds for ``course_id``."""
    entry = session.get("courses", {}).get(str(course_id))
    return entry["l"] if entry else None


def is_platform_admin(course_id: int) -> bool:
    """Whether this browser's launch into ``course_id`` was by an administrator of the LMS."""
    entry = session.get("courses", {}).get(str(course_id))
    return bool(entry and entry.get("a"))


def membership_for(course_id: int) -> Membership:
    """The membership this browser launched into ``course_id``; SessionExpired when it has none."""
    entry = session.get("courses", {}).get(str(course_id))
    if not entry:
        raise errors.SessionExpired(f"This browser has no ReMentor session for course {course_id}.")
    # Every course page shows the person and the course: one query for the three rows.
    membership = db.session.get(
        Membership, entry["m"], options=[joinedload(Membership.person), joinedload(Membership.course)]
    )
    if membership is None or membership.course_id != course_id:
        abort(404)
    return membership


def issue_continue_token(
    course_id: int, membership_id: int, launch_id: str, target: str, platform_admin: bool = False
) -> str:
    """A one-time token that lets the launch continue in this frame, or in a new window if cookies are blocked."""
    token = secrets.token_urlsafe(32)
    payload = {"course": course_id, "m": membership_id, "l": launch_id, "target": target, "a": platform_admin}
    cache.set(CONTINUE_PREFIX + token, payload, timeout=CONTINUE_SECONDS)
    return token


def peek_continue_token(token: str) -> dict[str, Any] | None:
    """The payload of a continue token, without spending it."""
    return cache.get(CONTINUE_PREFIX + token)


def spend_continue_token(token: str) -> bool:
    """Spend the token; True only for the one request that did."""
    return bool(cache.delete(CONTINUE_PREFIX + token))


def session_cookie_is_cross_site() -> bool:
    """Whether our session cookie is configured to survive inside a cross-site iframe."""
    return current_app.config["SESSION_COOKIE_SAMESITE"] == "None"
