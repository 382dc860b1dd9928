"""Participant pages of reflections: the ones to write, the writing page (drafts, submit, revise), a grade.

A blueprint nested in ``learner``: its guard (a participant of this course) runs first. A participant reaches
only the reflections they are asked to write and their own submissions; any other id is a 404.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _

from lti_app.extensions import utcnow
from lti_app.mentoring.services import reflections, submissions
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.learner.reflection_forms import ReflectionForm
from lti_app.web.reflection_pages import noting_completion
from lti_app.web.unit_of_work import save

bp = Blueprint("reflections", __name__, url_prefix="/reflections")


@bp.get("/")
def assignments(course_id: int):
    """The reflections this participant is asked to write: due dates, status, grade."""
    found = reflections.assignments_for_participant(course_id, g.membership.person_id)
    return render_page("learner/reflections.html", assigned=found, now=utcnow())


@bp.route("/<id:assignment_id>", methods=["GET", "POST"])
def write(course_id: int, assignment_id: int):
    """The prompt, the participant's text (draft, submit, revise) and, once graded, the grade and comment."""
    assigned = reflections.assigned_to(course_id, assignment_id, g.membership.person_id)
    form = ReflectionForm.for_submission(assigned.submission)
    if form.validate_on_submit():
        service = submissions.submit_reflection if form.submitting else submissions.save_draft
        if save(form, noting_completion(service), assigned.assignment, assigned.enrolment, form.body.data or "", form.version.data):
            flash(_("Your reflection is submitted.") if form.submitting else _("Your draft is saved. Only you can read it."), "ok")
            return redirect(url_for(".write", assignment_id=assignment_id), code=303)
    submission = reflections.submission_of(assignment_id, assigned.enrolment.id)
    refusal = submissions.writing_refusal(assigned.assignment, assigned.enrolment, submission)
    return render_page("learner/reflection.html", form_status(form), assignment=assigned.assignment,
                       submission=submission, form=form, refusal=refusal)


@bp.get("/submissions/<id:submission_id>")
def submission(course_id: int, submission_id: int):
    """One of the participant's own reflections as it was handed in, with its grade and comment."""
    found = submissions.submission_of_writer(course_id, submission_id, g.membership.person_id)
    return render_page("learner/reflection_submission.html", submission=found, assignment=found.assignment)
