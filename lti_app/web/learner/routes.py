"""Pages for participants (learners) of a course: their cohorts, orientation, enrolment and their own profile.

A learner only ever sees their own enrolment; nothing here lists or shows another learner's profile.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.errors import AlreadyEnrolled
from lti_app.mentoring.services import cohorts, enrolments, partners
from lti_app.mentoring.services.matching import modes as matching_modes
from lti_app.mentoring.services.workspace_overview import active_pair_ids
from lti_app.web.course_pages import form_status, guard_course_pages, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.learner.choosing import bp as choosing_bp
from lti_app.web.learner.feedback import bp as feedback_bp
from lti_app.web.learner.forms import ROLE_HINTS, enrolment_form
from lti_app.web.learner.reflections import bp as reflections_bp
from lti_app.web.learner.surveys import bp as surveys_bp
from lti_app.web.learner.whats_next import bp as whats_next_bp
from lti_app.web.learner.workspace.routes import bp as workspace_bp
from lti_app.web.language import language_blueprint
from lti_app.web.mail_preferences import preferences_blueprint
from lti_app.web.unit_of_work import act, save

bp = Blueprint("learner", __name__, url_prefix="/courses/<id:course_id>/learner")
guard_course_pages(bp, staff=False)
bp.register_blueprint(choosing_bp)
bp.register_blueprint(feedback_bp)
bp.register_blueprint(reflections_bp)
bp.register_blueprint(workspace_bp)
bp.register_blueprint(surveys_bp)
bp.register_blueprint(whats_next_bp)
bp.register_blueprint(preferences_blueprint())
bp.register_blueprint(language_blueprint())


@bp.errorhandler(AlreadyEnrolled)
def already_enrolled(error: AlreadyEnrolled):
    """A second enrolment (a double submit, a second tab) shows the one that exists."""
    db.session.rollback()
    flash(_("You are already enrolled in this cohort; here is your enrolment."), "ok")
    return redirect(url_for(".enrolment", cohort_id=error.enrolment.cohort_id), code=303)


@bp.get("/")
def home(course_id: int):
    """The cohorts this learner is in and the ones they can join."""
    mine = enrolments.enrolments_of_person(course_id, g.membership.person_id)
    visible = cohorts.cohorts_of(course_id, visible_to_learners=True)
    joinable = [c for c in visible if c.state is CohortState.ENROLMENT_OPEN and not (c.id in mine and mine[c.id].is_active)]
    return render_page("learner/home.html", mine=mine, yours=[c for c in visible if c.id in mine],
                       joinable=joinable, today=utcnow().date(),
                       waiting=matching_modes.waiting_for([e.id for e in mine.values()]))


@bp.get("/cohorts/<id:cohort_id>")
def orientation(course_id: int, cohort_id: int):
    """Roles and responsibilities, ground rules and privacy: read before enrolling, and any time later."""
    cohort = cohorts.visible_cohort_in_course(course_id, cohort_id)
    enrolment = enrolments.enrolment_of(cohort.id, g.membership.person_id)
    return render_page("learner/orientation.html", cohort=cohort, enrolment=enrolment,
                       refusal=cohort.enrolment_refusal(utcnow().date()))


@bp.route("/cohorts/<id:cohort_id>/enrol", methods=["GET", "POST"])
def enrol(course_id: int, cohort_id: int):
    """The enrolment form; a withdrawn learner finds their last profile filled in."""
    cohort = cohorts.visible_cohort_in_course(course_id, cohort_id)
    previous = enrolments.check_can_enrol(cohort, g.membership)  # refusals become a message page, nothing written
    form = enrolment_form(cohort, previous)
    if form.validate_on_submit():
        if save(form, enrolments.enrol_participant, cohort, g.membership, form.to_profile()) is not None:
            flash(_("You are enrolled in “%(cohort)s”. You can change your profile until the pairs are made.", cohort=cohort.name), "ok")
            return redirect(url_for(".enrolment", cohort_id=cohort.id), code=303)
    return render_page("learner/enrol.html", form_status(form), form=form, cohort=cohort, role_hints=ROLE_HINTS, editing=False)


@bp.get("/cohorts/<id:cohort_id>/enrolment")
def enrolment(course_id: int, cohort_id: int):
    """The learner's own enrolment: profile, baseline and what they can still do."""
    cohort = cohorts.visible_cohort_in_course(course_id, cohort_id)
    found = enrolments.enrolment_of(cohort.id, g.membership.person_id)
    if found is None:
        flash(_("You have not enrolled in this cohort yet."), "ok")
        return redirect(url_for(".orientation", cohort_id=cohort.id))
    mine = partners.partners_of(found) if found.is_active else []  # only this learner's own pairs
    return render_page("learner/enrolment.html", cohort=cohort, enrolment=found, confirm=ConfirmForm(),
                       refusal=cohort.enrolment_refusal(utcnow().date()), partners=mine,
                       pair_ids=active_pair_ids(found.id) if mine else [])


@bp.route("/cohorts/<id:cohort_id>/enrolment/edit", methods=["GET", "POST"])
def edit_enrolment(course_id: int, cohort_id: int):
    """Change the profile, until the cohort is matched."""
    cohort = cohorts.visible_cohort_in_course(course_id, cohort_id)
    found = enrolments.find_enrolment(cohort.id, g.membership.person_id)
    enrolments.check_changeable(found, "change your profile")
    form = enrolment_form(cohort, found)
    if form.validate_on_submit():
        if save(form, enrolments.update_profile, found, form.to_profile()) is not None:
            flash(_("Your profile is saved."), "ok")
            return redirect(url_for(".enrolment", cohort_id=cohort.id), code=303)
    return render_page("learner/enrol.html", form_status(form), form=form, cohort=cohort, role_hints=ROLE_HINTS, editing=True)


@bp.post("/cohorts/<id:cohort_id>/enrolment/withdraw")
def withdraw(course_id: int, cohort_id: int):
    """Leave the cohort (before matching); re-enrolling is possible while enrolment is open."""
    cohort = cohorts.visible_cohort_in_course(course_id, cohort_id)
    found = enrolments.find_enrolment(cohort.id, g.membership.person_id)
    if ConfirmForm().validate_on_submit() and act(enrolments.withdraw_participant, found):
        flash(_("You have withdrawn from “%(cohort)s”. You can enrol again while enrolment is open.", cohort=cohort.name), "ok")
    return redirect(url_for(".enrolment", cohort_id=cohort.id), code=303)
