"""The course roster from the LMS (NRPS), cached per course, to show who has not enrolled yet.

The roster is fetched on demand (first visit, or the refresh button) and kept for ``ROSTER_SECONDS`` in the
shared cache, so paging through a cohort's lists never calls the LMS again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from lti_app.extensions import cache, outside_write_lock, utcnow
from lti_app.lti.errors import LaunchError
from lti_app.lti.services.nrps import Member, fetch_roster
from lti_app.lti.services.platform_client import connector_for
from lti_app.mentoring.models.course import Course, CourseRole
from lti_app.mentoring.services import roster_snapshots
from lti_app.tasks.course_contexts import course_context
from lti_app.web.errors import in_english
from lti_app.web.unit_of_work import act

ROSTER_SECONDS = 600
CACHE_PREFIX = "web:roster:"


@dataclass(frozen=True)
class RosterPerson:
    """One member of the course as the LMS lists them."""

    user_id: str
    name: str
    email: str | None
    role: CourseRole
    active: bool


@dataclass(frozen=True)
class CourseRoster:
    """The course's members, when they were fetched, and whether the LMS's list was cut short."""

    people: tuple[RosterPerson, ...]
    fetched_at: datetime
    truncated: bool


class RosterUnavailable(Exception):
    """The roster cannot be had: the LMS offers no NRPS for the course, or did not answer."""


def _person(member: Member) -> RosterPerson:
    full = " ".join(p for p in (member.given_name, member.family_name) if p)
    name = member.name or full or member.email or member.user_id
    return RosterPerson(member.user_id, name, member.email, CourseRole(member.role.value), member.active)


def course_roster(course: Course, *, refresh: bool = False) -> CourseRoster:
    """The course's roster from the cache, or fetched from the LMS (always with ``refresh``)."""
    key = f"{CACHE_PREFIX}{course.id}"
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    services = course_context(course.id)
    if services is None or not services.memberships_url:
        raise RosterUnavailable(
            _("Your LMS has not shared this course's roster with ReMentor (Names and Role Provisioning Services). "
              "Ask your LMS administrator to allow it for the tool, then launch ReMentor again.")
        )
    connector, url = connector_for(services.platform), services.memberships_url
    try:
        with outside_write_lock():  # up to LTI_NRPS_MAX_PAGES answers of the LMS: nobody waits for them
            roster = fetch_roster(connector, url, current_app.config["LTI_NRPS_MAX_PAGES"])
    except LaunchError as error:
        current_app.logger.warning("roster of course %s failed: %s", course.id, in_english(error.detail))
        raise RosterUnavailable(_("Your LMS did not give the course roster just now: %(detail)s",
                                  detail=error.detail)) from error
    result = CourseRoster(tuple(sorted((_person(m) for m in roster.members), key=lambda p: p.name.lower())),
                          utcnow(), roster.truncated)
    cache.set(key, result, timeout=ROSTER_SECONDS)
    # every refresh from the LMS is kept as a dated snapshot (the dashboard's participants against the rest)
    act(roster_snapshots.record_snapshot, course.id,
        [(p.user_id, p.active) for p in result.people if p.role is CourseRole.LEARNER], truncated=roster.truncated)
    return result


def not_enrolled(roster: CourseRoster, enrolled: set[str]) -> list[RosterPerson]:
    """Active learners of the course whose LMS user id is not among ``enrolled`` (staff and observers never enrol)."""
    return [p for p in roster.people if p.active and p.role is CourseRole.LEARNER and p.user_id not in enrolled]
