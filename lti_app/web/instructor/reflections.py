"""Instructor pages of a cohort's reflections: the assignments, create and edit one, its submissions, read and grade.

A blueprint nested in ``instructor``: its guard (staff of this course) runs first for every view here. A grade
is committed with its gradebook row, then sent (inline, or queued for the worker).
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.services import cohorts, grading, reflections
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.instructor.forms import SubmissionFilterForm
from lti_app.web.instructor.reflection_forms import AUDIENCE_HINTS, assignment_form, grade_form
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import save

bp = Blueprint("reflections", __name__, url_prefix="/cohorts/<id:cohort_id>/reflections")


@bp.get("/")
def assignments(course_id: int, cohort_id: int):
    """The cohort's reflection assignments with how many are submitted, graded and late."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    found = reflections.assignments_of(cohort)
    counts = reflections.count_submissions([a.id for a in found])
    return render_page("instructor/reflections.html", cohort=cohort, assignments=found, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
def new_assignment(course_id: int, cohort_id: int):
    """Create a reflection assignment."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = assignment_form(cohort)
    if form.validate_on_submit() and (criteria := form.criteria()) is not None:
        if created := save(form, reflections.create_assignment, cohort, form.to_fields(criteria)):
            flash(_("“%(title)s” is saved. Place it in your course from the LMS's “add activity” "
                    "(ReMentor, deep linking) so it gets its gradebook column.", title=created.title), "ok")
            return redirect(url_for(".submissions", cohort_id=cohort.id, assignment_id=created.id), code=303)
    return render_page("instructor/reflection_form.html", form_status(form), cohort=cohort, form=form,
                       assignment=None, hints=AUDIENCE_HINTS)


@bp.route("/<id:assignment_id>/edit", methods=["GET", "POST"])
def edit_assignment(course_id: int, cohort_id: int, assignment_id: int):
    """Change a reflection assignment."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    assignment = reflections.assignment_in_cohort(cohort, assignment_id)
    form = assignment_form(cohort, assignment)
    if form.validate_on_submit() and (criteria := form.criteria()) is not None:
        if save(form, reflections.update_assignment, assignment, form.to_fields(criteria)):
            flash(_("Your changes are saved."), "ok")
            return redirect(url_for(".submissions", cohort_id=cohort.id, assignment_id=assignment.id), code=303)
    return render_page("instructor/reflection_form.html", form_status(form), cohort=cohort, form=form,
                       assignment=assignment, hints=AUDIENCE_HINTS)


@bp.get("/<id:assignment_id>/")
def submissions(course_id: int, cohort_id: int, assignment_id: int):
    """One page of who is asked to write the reflection (filtered): status, late flag, grade, gradebook sync; totals."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    assignment = reflections.assignment_in_cohort(cohort, assignment_id)
    filters = SubmissionFilterForm(request.args)
    return render_page("instructor/reflection_submissions.html", cohort=cohort, assignment=assignment, filters=filters,
                       found=grading.submissions_page(assignment, filters.to_filter(), requested_page()),
                       counts=reflections.count_submissions([assignment.id])[assignment.id])


@bp.route("/<id:assignment_id>/submissions/<id:submission_id>", methods=["GET", "POST"])
def submission(course_id: int, cohort_id: int, assignment_id: int, submission_id: int):
    """Read one reflection and grade it (with the rubric, if there is one) and comment."""
    found = grading.submission_in_course(course_id, submission_id)
    if (found.assignment_id, found.assignment.cohort_id) != (assignment_id, cohort_id):
        raise NotFound(_("There is no such reflection in this course."))
    form = grade_form(found)
    if form.validate_on_submit():
        saved = save(form, grading.grade_submission, found, form.to_fields(), grader_person_id=g.membership.person_id,
                          expected_version=form.version.data)
        if saved:
            flash(_("The grade for %(name)s is saved.", name=found.enrolment.person.display_name), "ok")
            return redirect(url_for(".submission", cohort_id=cohort_id, assignment_id=assignment_id,
                                    submission_id=submission_id), code=303)
    return render_page("instructor/reflection_submission.html", form_status(form), submission=found,
                       assignment=found.assignment, cohort=found.assignment.cohort, form=form, sync=grading.sync_of(found))
