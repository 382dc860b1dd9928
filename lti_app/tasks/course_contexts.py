"""The LMS context of a programme course: the service endpoints (NRPS, AGS) its launches carried.

LTI keeps them by the LMS's own names for the course (the platform's issuer and the context id,
``LtiContext``), the programme's course keeps the same two (its registration's issuer and ``context_id``):
neither table points at the other, and this join, above both, is the only place that puts them together.
One LMS course reached through several registrations of its LMS (re-registration, a manual tool beside a
dynamic one) is one context, as it is one course (``launches.record_launch``).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import aliased, contains_eager

from lti_app.extensions import db
from lti_app.lti.models import LtiContext, Platform
from lti_app.mentoring.models.course import Course


def _of_courses() -> Select:
    """(course id, its LMS context with the registration that last refreshed it), for courses that have one."""
    registration, newest = aliased(Platform), aliased(Platform)
    return (select(Course.id, LtiContext)
            .join(registration, registration.id == Course.platform_id)
            .join(LtiContext, and_(LtiContext.issuer == registration.issuer, LtiContext.context_id == Course.context_id))
            .join(newest, newest.id == LtiContext.platform_id)
            .options(contains_eager(LtiContext.platform.of_type(newest))))


def course_contexts(course_ids: Iterable[int]) -> dict[int, LtiContext]:
    """{course id: its stored service endpoints, with the platform} for the courses that have them (one query)."""
    rows = db.session.execute(_of_courses().where(Course.id.in_(list(course_ids))))
    return {course: context for course, context in rows}


def course_context(course_id: int) -> LtiContext | None:
    """The stored service endpoints of a course, if any launch carried them (one query)."""
    row = db.session.execute(_of_courses().where(Course.id == course_id)).first()
    return None if row is None else row[1]


def courses_sharing_rosters(course_id: int | None = None) -> list[tuple[int, LtiContext]]:
    """(course id, context) of every course whose LMS shares its roster (NRPS), or only ``course_id``'s."""
    query = _of_courses().where(LtiContext.memberships_url.is_not(None))
    if course_id is not None:
        query = query.where(Course.id == course_id)
    return [(course, context) for course, context in db.session.execute(query.order_by(Course.id))]
