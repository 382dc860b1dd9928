"""Participants choosing partners, in the cohort modes that ask them to: self-select and mutual ranking.

A blueprint nested in ``learner``: its guard (a participant of this course) runs first for every view here, and a
refusal of the programme (another cohort's request, the wrong side, the wrong mode) becomes its message page.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.services import cohorts, enrolments, mutual_ranking, self_select, self_select_answers
from lti_app.mentoring.services.matching import modes as matching_modes
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.learner.choosing_forms import AnswerForm, RequestForm, ranking_form
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import act, save

bp = Blueprint("choosing", __name__, url_prefix="/cohorts/<id:cohort_id>/choosing")

ENTRY_LABELS = {"choose": (_l("Choose your mentor"), ".mentors"), "requests": (_l("Requests from mentees"), ".requests"),
                "rank": (_l("Rank your preferences"), ".ranking")}


@bp.app_template_global()
def partner_way(cohort: Cohort, enrolment: Enrolment) -> tuple[str | None, list[tuple[str, str]]]:
    """How this participant gets a partner (the sentence for their enrolment page) and the (label, URL) of the
    choosing pages open to them now."""
    way = matching_modes.partner_way(cohort, enrolment)
    return way.note, [(str(ENTRY_LABELS[name][0]), url_for(f"learner.choosing{ENTRY_LABELS[name][1]}", cohort_id=cohort.id))
                      for name in way.entries]


def _mine(course_id: int, cohort_id: int) -> tuple[Cohort, Enrolment]:
    """The cohort (visible in this course) and the learner's own enrolment in it."""
    cohort = cohorts.visible_cohort_in_course(course_id, cohort_id)
    return cohort, enrolments.find_enrolment(cohort.id, g.membership.person_id)


@bp.get("/mentors")
def mentors(course_id: int, cohort_id: int):
    """A mentee's mentors on offer, best fit first and why, and their requests."""
    cohort, me = _mine(course_id, cohort_id)
    found = self_select.mentee_choices(cohort, me, requested_page())
    return render_page("learner/choosing/mentors.html", cohort=cohort, choices=found, form=RequestForm(),
                       answer=AnswerForm())


@bp.post("/mentors/request")
def request_mentor(course_id: int, cohort_id: int):
    """Ask one mentor (with an optional message)."""
    cohort, me = _mine(course_id, cohort_id)
    form = RequestForm()
    if form.validate_on_submit() and act(self_select.request_mentor, cohort, me, form.mentor_id.data,
                                                     form.message.data or ""):
        flash(_("Your request is sent. You will see the answer here."), "ok")
    for message in (m for errors in form.errors.values() for m in errors):
        flash(str(message), "error")
    return redirect(url_for(".mentors", cohort_id=cohort.id), code=303)


@bp.post("/mentors/withdraw")
def withdraw(course_id: int, cohort_id: int):
    """Take back an open request."""
    cohort, me = _mine(course_id, cohort_id)
    form = AnswerForm()
    if form.validate_on_submit():
        self_select.request_of(cohort, form.request_id.data, mentee=me)  # anyone else's: 404
        if act(self_select.withdraw_request, cohort, me, form.request_id.data):
            flash(_("Your request is withdrawn. You can ask another mentor."), "ok")
    return redirect(url_for(".mentors", cohort_id=cohort.id), code=303)


@bp.get("/requests")
def requests(course_id: int, cohort_id: int):
    """A mentor's requests from mentees, each with why they fit."""
    cohort, me = _mine(course_id, cohort_id)
    inbox = self_select_answers.mentor_inbox(cohort, me)
    return render_page("learner/choosing/requests.html", cohort=cohort, inbox=inbox, answer=AnswerForm())


@bp.post("/requests/accept")
def accept(course_id: int, cohort_id: int):
    """Accept a request: the pair joins the instructor's draft."""
    return _answer(course_id, cohort_id, self_select_answers.accept_request,
                   _("Accepted. Your instructor publishes the pairs; then you will see your mentee as your partner."))


@bp.post("/requests/decline")
def decline(course_id: int, cohort_id: int):
    """Decline a request."""
    return _answer(course_id, cohort_id, self_select_answers.decline_request,
                   _("Declined. The mentee can ask someone else."))


def _answer(course_id: int, cohort_id: int, service, done: str):
    """One answer button: run the service at the version the page showed, flash the outcome, back to the list."""
    cohort, me = _mine(course_id, cohort_id)
    form = AnswerForm()
    if form.validate_on_submit():
        self_select.request_of(cohort, form.request_id.data, mentor=me)  # anyone else's: 404
        if act(service, cohort, me, form.request_id.data, form.version.data):
            flash(done, "ok")
    return redirect(url_for(".requests", cohort_id=cohort.id), code=303)


@bp.route("/ranking", methods=["GET", "POST"])
def ranking(course_id: int, cohort_id: int):
    """Rank the people of the other side who fit (mutual ranking)."""
    cohort, me = _mine(course_id, cohort_id)
    choices = mutual_ranking.ranking_choices(cohort, me)
    form = ranking_form(choices)
    if form.validate_on_submit():
        if (saved := save(form, mutual_ranking.save_ranking, cohort, me, form.ranks())) is not None:
            flash(ngettext("Your ranking of %(num)d person is saved. You can change it until the pairs are published.",
                           "Your ranking of %(num)d people is saved. You can change it until the pairs are published.",
                           len(saved)), "ok")
            return redirect(url_for(".ranking", cohort_id=cohort.id), code=303)
    return render_page("learner/choosing/ranking.html", form_status(form), cohort=cohort, choices=choices, form=form)
