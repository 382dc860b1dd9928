"""The learner's surveys: what is due (for the home page and the workspace partials) and the answer page.

A blueprint nested in ``learner`` (its guard, a participant of this course, runs first); a round is found only
among those asking this person (``surveys.round_for``), so any other id answers 404.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from lti_app.extensions import utcnow
from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.services import cohorts, enrolments, surveys
from lti_app.mentoring.services.surveys import DueSurvey
from lti_app.web.course_pages import render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.unit_of_work import save

bp = Blueprint("surveys", __name__, url_prefix="/cohorts/<id:cohort_id>/surveys")


@bp.app_template_global("surveys_due_of")
def surveys_due_of(enrolment) -> list[DueSurvey]:
    """The rounds due to this enrolment now, for the home page and workspace partials."""
    return [] if enrolment is None else surveys.due_for(enrolment, utcnow())


def _enrolment(course_id: int, cohort_id: int):
    cohort = cohorts.visible_cohort_in_course(course_id, cohort_id)
    found = enrolments.enrolment_of(cohort.id, g.membership.person_id)
    if found is None:
        raise NotFound(_("You are not in this cohort."))
    return found


@bp.route("/<id:round_id>", methods=["GET", "POST"])
def answer(course_id: int, cohort_id: int, round_id: int):
    """Answer a round (or change the answer until it closes); told about anonymity first."""
    enrolment = _enrolment(course_id, cohort_id)
    now = utcnow()
    due = surveys.round_for(enrolment, round_id, now)
    _survey, questions = surveys.questions_for(due.round.survey_id, surveys.role_of(enrolment))
    form = ConfirmForm()
    if form.validate_on_submit() and due.can_answer:
        form.refusal = None
        raw = {q.code: request.form.get(q.code, "") for q in questions}
        if (stored := save(form, surveys.answer_round, enrolment, due, raw, now)) is not None:
            flash(_("Thank you: your answer is saved (marked late: the round had closed).") if stored[0].late
                  else _("Thank you: your answer is saved. You can change it until the round closes."), "ok")
            return redirect(url_for(".answer", cohort_id=cohort_id, round_id=round_id), code=303)
    status = 422 if form.errors or getattr(form, "refusal", None) else 200
    given = request.form if request.method == "POST" else (due.answer.values if due.answer else {})
    return render_page("learner/surveys/answer.html", status, due=due, questions=questions, form=form,
                       given=given, threshold=surveys.current_settings(enrolment.cohort_id).anonymity_threshold,
                       cohort_id=cohort_id, refusal=getattr(form, "refusal", None))
