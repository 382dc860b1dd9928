"""The registration of the platform a course belongs to, for an administrator of that LMS (read-only).

A launch carrying an institution or system Administrator role opens this page besides the course home: the
values the tool holds for the LMS, its deployments with their status, and the tool's values to paste. The
platform shown is the course's own, and the course is one this browser launched into as an administrator,
so no other platform's registration can be reached from here.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from flask_babel import gettext as _

from lti_app.extensions import db
from lti_app.i18n import speak_to
from lti_app.lti.models import Platform
from lti_app.web import session as tool_session
from lti_app.web.tool_values import tool_values

bp = Blueprint("lms_admin", __name__, url_prefix="/courses/<id:course_id>/platform")


@bp.app_context_processor
def platform_admin_flag() -> dict:
    """``is_platform_admin(course_id)`` for every template, so that course pages can link here."""
    return {"is_platform_admin": tool_session.is_platform_admin}


@bp.get("/")
def registration(course_id: int):
    """The course's platform registration: values, status, deployments, and what to paste into the LMS."""
    membership = tool_session.membership_for(course_id)
    g.membership = membership  # the page shell links to the person's language page, which needs the course
    speak_to(membership.person)
    if not tool_session.is_platform_admin(course_id):
        abort(403, _("This page is for administrators of your LMS; launch ReMentor with an administrator account."))
    platform = db.session.get(Platform, membership.course.platform_id) or abort(404)
    return render_template(
        "lms_admin/registration.html", membership=membership, course=membership.course, person=membership.person,
        platform=platform, tool_values=tool_values(),
    )
