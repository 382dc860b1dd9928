"""What every course page of one audience shares: the launched membership, checked once per request.

``guard_course_pages(bp, staff=True)`` makes each view of the blueprint (and its nested blueprints) run only for
a browser that launched into the URL's course with a staff role (or, with ``staff=False``, a participant role);
the membership waits in ``g.membership``, the page speaks the person's language, and ``url_for`` fills in the
course id of the current page.
"""
from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from lti_app.extensions import db
from lti_app.i18n import speak_to
from lti_app.mentoring.errors import MentoringError
from lti_app.web import session as tool_session

T = TypeVar("T")


WRONG_SIDE = {  # by whether the page is for staff
    True: _l("This page is for the course's instructors. Open ReMentor from your course to reach your own pages."),
    False: _l("This page is for the course's learners. As an instructor of this course, your pages are the instructor's "
              "pages: open ReMentor from your course to reach them."),
}


def guard_course_pages(bp: Blueprint, *, staff: bool) -> None:
    """Check the session's membership before each view of ``bp``; fill ``course_id`` into its URLs."""
    @bp.before_request
    def load_membership() -> None:
        course_id = (request.view_args or {}).get("course_id")
        if course_id is None:
            abort(404)
        membership = tool_session.membership_for(course_id)
        speak_to(membership.person)  # before a refusal too: it is written in the person's language
        if membership.role.is_staff != staff:
            abort(403, description=str(WRONG_SIDE[staff]))
        g.membership = membership

    @bp.url_defaults
    def add_course_id(endpoint: str, values: dict[str, Any]) -> None:
        membership = g.get("membership")
        if membership is not None:
            values.setdefault("course_id", membership.course_id)

    @bp.errorhandler(MentoringError)
    def refused(error: MentoringError) -> tuple[str, int]:
        """A refusal of the programme, on a course page with the way back home (nothing was written)."""
        db.session.rollback()
        home = url_for(f"{bp.name}.home")
        return render_page("course_error.html", error.status, status_code=error.status, message=error.message, home=home)


def render_page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render a course page with the membership, its course and person."""
    membership = g.membership
    page = render_template(template, membership=membership, course=membership.course, person=membership.person, **context)
    return page, status


def form_status(form: Any) -> int:
    """422 when a submitted form has errors (the page shows them next to each field), else 200."""
    return 422 if form.errors else 200
