"""The tool's own session after a launch: which courses this browser launched, as which membership.

Only ids live in the (signed) session cookie; the launch data itself stays in the server-side cache.
One browser may have the tool open in several courses, so the session maps course id → membership, launch id
and a random session id whose record (``lti.sessions``) the server checks on every course page, in the same
query that loads the membership: a session ends when its record does, whatever the cookie says.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lti_app.extensions import cache, db
from lti_app.lti import errors, sessions
from lti_app.lti.sessions import BrowserSession
from lti_app.mentoring.models.course import Membership

MAX_COURSES_IN_SESSION = 20
CONTINUE_PREFIX = "lti:continue:"
CONTINUE_SECONDS = 300


def open_course_session(
    course_id: int, membership_id: int, *, platform_id: int, deployment_id: int, subject: str
) -> str:
    """Record the server side of a launch's session (before the launch commits); the new session id. Flushes.

    The membership's sessions in other browsers end, and so do this browser's own earlier entry for the course
    and the entries ``remember`` will drop to stay within ``MAX_COURSES_IN_SESSION``.
    """
    session_id = sessions.new_session_id()
    sessions.open_session(
        session_id, membership_id=membership_id, platform_id=platform_id, deployment_id=deployment_id,
        subject=subject, lifetime=current_app.permanent_session_lifetime, replacing=_replaced_ids(course_id),
    )
    return session_id


def _replaced_ids(course_id: int) -> list[str]:
    """The session ids of this browser that a new entry for ``course_id`` replaces or pushes out."""
    courses: dict[str, Any] = session.get("courses", {})
    kept = [key for key in courses if key != str(course_id)]
    dropped = kept[: max(0, len(kept) + 1 - MAX_COURSES_IN_SESSION)]
    found = [courses[key].get("s") for key in (*dropped, str(course_id)) if key in courses]
    return [session_id for session_id in found if session_id]


def remember(
    course_id: int, membership_id: int, launch_id: str, session_id: str, platform_admin: bool = False
) -> None:
    """Record a launch in this browser's session (newest last, bounded), after its record was opened.

    ``platform_admin``: the launch carried an institution or system Administrator role, which opens the
    read-only page of the course's own platform registration.
    """
    courses: dict[str, Any] = dict(session.get("courses", {}))
    courses.pop(str(course_id), None)
    entry = {"m": membership_id, "l": launch_id, "s": session_id, **({"a": True} if platform_admin else {})}
    courses[str(course_id)] = entry
    while len(courses) > MAX_COURSES_IN_SESSION:
        courses.pop(next(iter(courses)))
    session["courses"] = courses
    session.permanent = True


def _forget(course_id: int) -> None:
    courses: dict[str, Any] = dict(session.get("courses", {}))
    if courses.pop(str(course_id), None) is not None:
        session["courses"] = courses


def launch_id_for(course_id: int) -> str | None:
    """The launch id this browser holds for ``course_id``."""
    entry = session.get("courses", {}).get(str(course_id))
    return entry["l"] if entry else None


def is_platform_admin(course_id: int) -> bool:
    """Whether this browser's launch into ``course_id`` was by an administrator of the LMS."""
    entry = session.get("courses", {}).get(str(course_id))
    return bool(entry and entry.get("a"))


def membership_for(course_id: int) -> Membership:
    """The membership this browser launched into ``course_id``; SessionExpired when it has none or it ended."""
    entry = session.get("courses", {}).get(str(course_id))
    if not entry or not entry.get("s"):
        raise errors.SessionExpired(_l("This browser has no ReMentor session for course %(course)s.", course=course_id))
    # Every course page shows the person and the course: one query for them and the session's record.
    query = (
        select(Membership)
        .join(BrowserSession, BrowserSession.membership_id == Membership.id)
        .where(Membership.id == entry["m"], Membership.course_id == course_id, *sessions.live(entry["s"]))
        .options(joinedload(Membership.person), joinedload(Membership.course))
    )
    membership = db.session.scalar(query)
    if membership is None:
        _forget(course_id)
        raise errors.SessionExpired(_l("This browser's ReMentor session for course %(course)s has ended.", course=course_id))
    return membership


def issue_continue_token(
    course_id: int, membership_id: int, launch_id: str, target: str, *, session_id: str,
    platform_admin: bool = False, platform_name: str = "",
) -> str:
    """A one-time token that lets the launch continue in this frame, or in a new window if cookies are blocked.

    It holds the hash of the launch's session id, never the id: a new window that confirms the hand-over moves
    that session to an id of its own (``hand_over``), so the token cannot open a second copy of the session.
    """
    token = secrets.token_urlsafe(32)
    payload = {
        "course": course_id, "m": membership_id, "l": launch_id, "target": target, "a": platform_admin,
        "h": sessions.hash_session_id(session_id), "p": platform_name,
    }
    cache.set(CONTINUE_PREFIX + token, payload, timeout=CONTINUE_SECONDS)
    return token


def peek_continue_token(token: str) -> dict[str, Any] | None:
    """The payload of a continue token, without spending it."""
    return cache.get(CONTINUE_PREFIX + token)


def spend_continue_token(token: str) -> bool:
    """Spend the token; True only for the one request that did."""
    return bool(cache.delete(CONTINUE_PREFIX + token))


def is_launching_browser(payload: dict[str, Any]) -> bool:
    """Whether this browser holds the session of the token's launch (its cookie came back)."""
    return launch_id_for(payload["course"]) == payload["l"]


def continue_membership(payload: dict[str, Any]) -> Membership | None:
    """The membership (with person and course) a continue token would open, to name it before anyone confirms."""
    query = (
        select(Membership)
        .where(Membership.id == payload["m"], Membership.course_id == payload["course"])
        .options(joinedload(Membership.person), joinedload(Membership.course))
    )
    return db.session.scalar(query)


def hand_over(payload: dict[str, Any]) -> str | None:
    """Move the launch's session to a new id for this browser; the id, or None when it ended. Flushes.

    The caller commits, then calls ``remember`` with the id (the cookie never names a session the database lacks).
    """
    session_id, old_hash = sessions.new_session_id(), payload.get("h")
    if not old_hash or not sessions.hand_over(old_hash, session_id):
        return None
    sessions.end_sessions(_replaced_ids(payload["course"]))  # what this browser held before, as ``remember`` drops it
    return session_id


def session_cookie_is_cross_site() -> bool:
    """Whether our session cookie is configured to survive inside a cross-site iframe."""
    return current_app.config["SESSION_COOKIE_SAMESITE"] == "None"
