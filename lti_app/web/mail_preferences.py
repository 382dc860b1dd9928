"""Each person's choice of e-mail (every notice, a weekly digest, none), on their own page in the course.

``preferences_blueprint()`` makes the same small page for both audiences: nested in ``learner`` and in
``instructor`` (their guards, a member of this course with that side's role, run first), at ``…/mail``. The choice
belongs to the person, not the course, so it holds in every course of theirs. ``_mail_choice.html`` is the panel
the home pages include.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from lti_app.mentoring.domain.mail_notices import MailChoice
from lti_app.mentoring.services import mail_outbox
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import choice_list
from lti_app.web.unit_of_work import save

CHOICE_LABELS = {
    MailChoice.EVERY: _l("Every notice, as it happens (at most one mail an hour)"),
    MailChoice.DIGEST: _l("A weekly digest"),
    MailChoice.NONE: _l("No e-mail"),
}


class MailChoiceForm(FlaskForm):
    choice = RadioField(_l("E-mail from ReMentor"),
                        choices=choice_list((c.value, label) for c, label in CHOICE_LABELS.items()),
                        validators=[InputRequired(_l("Choose what you want to receive."))])


def preferences_blueprint() -> Blueprint:
    """The ``mail`` page of one audience (register it on that audience's blueprint)."""
    bp = Blueprint("mail", __name__, url_prefix="/mail")

    @bp.route("", methods=["GET", "POST"])
    def preferences(course_id: int):
        person_id = g.membership.person_id
        form = MailChoiceForm()
        if form.validate_on_submit():
            if save(form, mail_outbox.set_choice, person_id, form.choice.data) is not None:
                flash(_("Your e-mail choice is saved."), "ok")
                return redirect(url_for(".preferences"), code=303)
        elif not form.is_submitted():
            form.choice.data = mail_outbox.choice_of(person_id).value
        return render_page("mail/preferences.html", form_status(form), form=form,
                           has_address=bool(g.membership.person.email))

    return bp
