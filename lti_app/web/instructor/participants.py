"""Instructor pages of one cohort's people: the filtered list, a profile, withdraw, move, and the roster gap.

A blueprint nested in ``instructor``: its guard (staff of this course) runs first for every view here.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from lti_app.mentoring.services import cohorts, enrolments
from lti_app.mentoring.services.participants import count_participants, enrolled_subjects, participants_page
from lti_app.web.course_pages import render_page
from lti_app.web.forms import ConfirmForm, choice_list
from lti_app.web.instructor.forms import MoveForm, ParticipantFilterForm
from lti_app.web.instructor.roster import RosterUnavailable, course_roster, not_enrolled
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import act

bp = Blueprint("participants", __name__, url_prefix="/cohorts/<id:cohort_id>")


@bp.get("/participants/")
def participants(course_id: int, cohort_id: int):
    """One page of the cohort's enrolments, filtered by role, status, skill and name, with the cohort's counts."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = ParticipantFilterForm(request.args)
    form.skill.choices = choice_list([("", "Any skill"), *((s.code, s.label) for s in cohort.skills)])
    found = participants_page(cohort, form.to_filter(), requested_page())
    counts = count_participants([cohort.id])[cohort.id]
    return render_page("instructor/participants.html", cohort=cohort, form=form, page=found, counts=counts)


@bp.get("/participants/<id:enrolment_id>")
def participant(course_id: int, cohort_id: int, enrolment_id: int):
    """One participant's profile, with withdraw and move."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    enrolment = enrolments.enrolment_in_cohort(cohort, enrolment_id)
    move = _move_form(cohort)
    return render_page("instructor/participant.html", cohort=cohort, enrolment=enrolment, move=move, confirm=ConfirmForm())


@bp.post("/participants/<id:enrolment_id>/withdraw")
def withdraw(course_id: int, cohort_id: int, enrolment_id: int):
    """Withdraw a participant from the cohort."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    enrolment = enrolments.enrolment_in_cohort(cohort, enrolment_id)
    if ConfirmForm().validate_on_submit() and act(enrolments.withdraw_participant, enrolment):
        flash(f"{enrolment.person.display_name} is withdrawn from “{cohort.name}”.", "ok")
    return redirect(url_for(".participant", cohort_id=cohort.id, enrolment_id=enrolment.id))


@bp.post("/participants/<id:enrolment_id>/move")
def move(course_id: int, cohort_id: int, enrolment_id: int):
    """Move a participant to another cohort of this course."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    enrolment = enrolments.enrolment_in_cohort(cohort, enrolment_id)
    form = _move_form(cohort)
    if not form.validate_on_submit():
        flash("Choose a cohort to move the participant to.", "error")
        return redirect(url_for(".participant", cohort_id=cohort.id, enrolment_id=enrolment.id))
    target = cohorts.cohort_in_course(course_id, form.target.data)
    result = act(enrolments.move_participant, enrolment, target)
    if not result:
        return redirect(url_for(".participant", cohort_id=cohort.id, enrolment_id=enrolment.id))
    dropped = f" These skills are not offered there and were removed: {', '.join(result.dropped_skills)}." if result.dropped_skills else ""
    flash(f"{enrolment.person.display_name} moved to “{target.name}”.{dropped}", "ok")
    return redirect(url_for(".participant", cohort_id=target.id, enrolment_id=enrolment.id))


@bp.get("/roster")
def roster(course_id: int, cohort_id: int):
    """Learners of the course (from the LMS roster) who have not enrolled in this cohort."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    try:
        found = course_roster(cohort.course)
    except RosterUnavailable as unavailable:
        return render_page("instructor/roster.html", cohort=cohort, problem=str(unavailable), confirm=ConfirmForm())
    missing = not_enrolled(found, enrolled_subjects(cohort))
    return render_page("instructor/roster.html", cohort=cohort, roster=found, missing=missing, confirm=ConfirmForm())


@bp.post("/roster/refresh")
def refresh_roster(course_id: int, cohort_id: int):
    """Ask the LMS for the roster again now."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            course_roster(cohort.course, refresh=True)
            flash("The roster is fresh from your LMS.", "ok")
        except RosterUnavailable as unavailable:
            flash(str(unavailable), "error")
    return redirect(url_for(".roster", cohort_id=cohort.id))


def _move_form(cohort) -> MoveForm:
    form = MoveForm()
    others = [c for c in cohorts.cohorts_of(cohort.course_id) if c.id != cohort.id and c.state.profiles_editable]
    form.target.choices = choice_list((c.id, f"{c.name} ({c.state.label.lower()})") for c in others)
    return form
