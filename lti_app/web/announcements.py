"""An instructor's announcement to a cohort (a form on the cohort page), and its banner on the learner's pages.

``announcements_blueprint()`` is nested in ``instructor`` (its guard runs first; the cohort is looked up in the
session's course, so another course's id answers 404). ``latest_announcement()`` is a template global for the
banner include ``mail/_announcement_banner.html``.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from lti_app.extensions import cache
from lti_app.mentoring.services import announcements, cohorts
from lti_app.web.course_pages import render_page
from lti_app.web.unit_of_work import save


class AnnouncementForm(FlaskForm):
    message = TextAreaField(_l("Announcement to the cohort's participants (mailed and shown in the tool)"),
                            validators=[InputRequired(_l("Write the announcement first.")),
                                        Length(max=announcements.MAX_MESSAGE)])


BANNER_SECONDS = 300  # a person newly enrolled sees an earlier announcement after this at the latest
NONE = "none"


def _version_key(course_id: int) -> str:
    return f"announcement:v:{course_id}"


def latest_announcement() -> dict | None:
    """The newest announcement for the person of this course page ({"message", "created_at"}), or None. Cached per
    person and course (a page view costs no query once seen); a new announcement changes the course's version, so
    the banner shows it at once (the version moves after the commit)."""
    membership = g.get("membership")
    if membership is None or membership.role.is_staff:
        return None
    version = cache.get(_version_key(membership.course_id)) or 0
    key = f"announcement:{membership.course_id}:{version}:{membership.person_id}"
    found = cache.get(key)
    if found is None:
        row = announcements.latest_for(membership.course_id, membership.person_id)
        found = {"message": row.message, "created_at": row.created_at} if row else NONE
        cache.set(key, found, timeout=BANNER_SECONDS)
    return None if found == NONE else found


def announcements_blueprint() -> Blueprint:
    bp = Blueprint("announcements", __name__, url_prefix="/cohorts/<id:cohort_id>/announcement")
    bp.add_app_template_global(latest_announcement, "latest_announcement")

    @bp.post("")
    def announce(course_id: int, cohort_id: int):
        cohort = cohorts.cohort_in_course(course_id, cohort_id)
        form = AnnouncementForm()
        if form.validate_on_submit():
            if save(form, announcements.announce, cohort, g.membership.person_id, form.message.data) is not None:
                cache.set(_version_key(course_id), uuid.uuid4().hex, timeout=0)  # after the commit: banners renew
                flash(_("The announcement is sent to the cohort's participants."), "ok")
                return redirect(url_for("instructor.cohort", cohort_id=cohort.id), code=303)
        return render_page("mail/announcement_form.html", 422, cohort=cohort, form=form)

    return bp
