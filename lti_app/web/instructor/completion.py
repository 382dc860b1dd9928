"""Instructor page of a cohort's programme completion: the rules, who meets them, and the scores sent to the LMS.

A blueprint nested in ``instructor``: its guard (staff of this course) runs first. Scores are sent after the
commit (the commit point, ``unit_of_work``); the list at the bottom shows the course's scores still waiting or refused by
the LMS, with a button to try again now.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _, ngettext

from lti_app.mentoring.domain.grade_states import GradeTarget
from lti_app.mentoring.services import cohorts, completion, grade_outbox
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.instructor.completion_forms import CompletionForm, RetryForm
from lti_app.web.instructor.forms import StandingFilterForm
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import act, save

bp = Blueprint("completion", __name__, url_prefix="/cohorts/<id:cohort_id>/completion")


def _page(cohort, form: CompletionForm):
    filters = StandingFilterForm(request.args)
    standings = completion.standings_page(cohort, filters.to_filter(), requested_page())
    statuses = grade_outbox.sync_statuses(GradeTarget.PROGRAMME, cohort.id, [s.enrolment.person_id for s in standings.items])
    outstanding = completion.outstanding_scores(cohort.course_id)
    return render_page(
        "instructor/completion.html", form_status(form), cohort=cohort, form=form, standings=standings,
        filters=filters, counts=completion.completion_counts(cohort), statuses=statuses, outstanding=outstanding,
        titles=grade_outbox.target_titles(outstanding), status_of=grade_outbox.entry_status, confirm=ConfirmForm(),
        retry=RetryForm(), settings=completion.completion_settings(cohort),
    )


@bp.route("/", methods=["GET", "POST"])
def settings(course_id: int, cohort_id: int):
    """The completion rules (saved on POST), each participant's standing, and the course's unsent scores."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = CompletionForm.for_settings(completion.completion_settings(cohort))
    if form.validate_on_submit():
        if save(form, completion.update_completion_settings, cohort, **form.to_fields()) is not None:
            flash(_("The completion rules are saved. “Evaluate now” applies them."), "ok")
            return redirect(url_for(".settings", cohort_id=cohort.id), 303)
    return _page(cohort, form)


@bp.post("/evaluate")
def evaluate(course_id: int, cohort_id: int):
    """Complete everyone who meets the rules now, and send their programme scores."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if ConfirmForm().validate_on_submit():
        done = act(completion.evaluate_completion, cohort)
        if done is not None:
            flash(ngettext("%(num)d participant newly completed the programme.",
                           "%(num)d participants newly completed the programme.", len(done)) if done else
                  _("Nobody newly meets the rules."), "ok")
    return redirect(url_for(".settings", cohort_id=cohort.id), 303)


@bp.post("/retry")
def retry(course_id: int, cohort_id: int):
    """Send again now one waiting or refused score of the course, or all of them."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = RetryForm()
    if form.validate_on_submit():
        ids = act(grade_outbox.retry_entries, course_id, form.wanted_ids())
        if ids is not None:
            flash(ngettext("Tried again to send %(num)d score; its status is below.",
                           "Tried again to send %(num)d scores; their status is below.", len(ids)), "ok")
    return redirect(url_for(".settings", cohort_id=cohort.id) + "#sync-title", 303)
