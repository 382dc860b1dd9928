"""Where a launch lands: the deep-linking picker for staff, a placed reflection, else the person's home in the course.

A resource link placed for a reflection (custom ``rementor_target=reflection``, ``rementor_assignment=<id>``)
lands a participant on its writing page and staff on its submissions. Its launch carries the AGS ``lineitem``
of the column the LMS made for it: the assignment keeps that URL when it has none yet (flushed, committed with
the launch), so grades go to that column. An assignment id that is not one of this course's (a
copied course, an edited link) lands on the home page with a message that says nothing about other courses.
"""
from __future__ import annotations

from flask import flash, url_for
from flask_babel import lazy_gettext as _l

from lti_app.lti.claims import LaunchContext
from lti_app.lti.models import Platform
from lti_app.lti.registration_cache import PlatformRecord
from lti_app.lti.registrations import own_service_url
from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.models.reflection import REFLECTION_TAG, ReflectionAssignment
from lti_app.mentoring.services import reflections
from lti_app.mentoring.services.launches import KnownMembership
from lti_app.web.launch.deep_linking import ASSIGNMENT, TARGET

UNKNOWN_REFLECTION = _l("The link you followed is for a reflection this course does not have. Here is your home page instead.")


def landing_url(context: LaunchContext, membership: KnownMembership, platform: Platform | PlatformRecord) -> str:
    """The first page after a launch (``platform``: whose hosts a placed reflection's line item URL must be on)."""
    if context.is_deep_linking:
        return url_for("deep_linking.picker", course_id=membership.course_id, launch_id=context.launch_id)
    if context.custom.get(TARGET) == REFLECTION_TAG:
        assignment = _placed_assignment(context, membership.course_id, platform)
        if assignment is not None:
            return _reflection_url(assignment, membership)
        flash(str(UNKNOWN_REFLECTION), "error")
    return _home_url(membership)


def _home_url(membership: KnownMembership) -> str:
    endpoint = "instructor.home" if membership.role.is_staff else "learner.home"
    return url_for(endpoint, course_id=membership.course_id)


def _placed_assignment(context: LaunchContext, course_id: int,
                       platform: Platform | PlatformRecord) -> ReflectionAssignment | None:
    """The course's assignment the link names, its gradebook column noted; None for any other id."""
    try:
        assignment_id = int(context.custom.get(ASSIGNMENT, ""))
        if not 0 < assignment_id < 2**31:
            return None
        assignment = reflections.assignment_in_course(course_id, assignment_id)
    except (ValueError, NotFound):
        return None
    if context.ags is not None:
        lineitem = own_service_url(platform, context.ags.lineitem_url, "AGS line item URL")
        reflections.note_lineitem_url(assignment, lineitem)
    return assignment


def _reflection_url(assignment: ReflectionAssignment, membership: KnownMembership) -> str:
    if membership.role.is_staff:
        return url_for("instructor.reflections.submissions", course_id=membership.course_id,
                       cohort_id=assignment.cohort_id, assignment_id=assignment.id)
    return url_for("learner.reflections.write", course_id=membership.course_id, assignment_id=assignment.id)
