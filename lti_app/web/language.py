"""Each person's choice of language, on their own page in the course (``…/language``).

``language_blueprint()`` makes the same page for both audiences, nested in ``learner`` and ``instructor`` (their
guards run first). Until a person chooses, the tool speaks the language their LMS sends with each launch.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from lti_app.i18n import LANGUAGES, language_of, speak_to
from lti_app.mentoring.services.languages import choose_language
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import choice_list
from lti_app.web.unit_of_work import save


class LanguageForm(FlaskForm):
    language = RadioField(_l("Language of ReMentor"), choices=[], validate_choice=False)

    def offer(self, lms_language: str | None) -> LanguageForm:
        follow = _("The language of your course (%(language)s)", language=LANGUAGES[lms_language or "en"])
        self.language.choices = choice_list([("", follow), *LANGUAGES.items()])
        return self


def language_blueprint() -> Blueprint:
    """The ``language`` page of one audience (register it on that audience's blueprint)."""
    bp = Blueprint("language", __name__, url_prefix="/language")

    @bp.route("", methods=["GET", "POST"])
    def choose(course_id: int):
        person = g.membership.person
        form = LanguageForm().offer(language_of(person.locale))
        if form.validate_on_submit():
            if save(form, choose_language, person.id, form.language.data) is not None:
                speak_to(person)  # the confirmation is already in the new language
                flash(_("Your language is saved."), "ok")
                return redirect(url_for(".choose"), code=303)
        elif not form.is_submitted():
            form.language.data = person.language or ""
        return render_page("language.html", form_status(form), form=form)

    return bp
