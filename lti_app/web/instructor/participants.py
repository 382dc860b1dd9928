"""Instructor pages of one cohort's people: the filtered list, a profile, withdraw, move, and the roster gap
(who has not enrolled, and the reminder to them: written, previewed, sent).

A blueprint nested in ``instructor``: its guard (staff of this course) runs first for every view here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from lti_app.extensions import utcnow
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.enrol_reminders import Invitee
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.services import cohorts, enrol_reminders, enrolments
from lti_app.mentoring.services.participants import count_participants, enrolled_subjects, participants_page
from lti_app.web.course_pages import render_page
from lti_app.web.forms import ConfirmForm, attach_error, choice_list, skill_choices
from lti_app.web.instructor.forms import MoveForm, ParticipantFilterForm, ReminderForm
from lti_app.web.instructor.roster import CourseRoster, RosterUnavailable, course_roster, not_enrolled
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import act, save

bp = Blueprint("participants", __name__, url_prefix="/cohorts/<id:cohort_id>")


@bp.get("/participants/")
def participants(course_id: int, cohort_id: int):
    """One page of the cohort's enrolments, filtered by role, status, skill and name, with the cohort's counts."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = ParticipantFilterForm(request.args)
    form.skill.choices = [*choice_list([("", _("Any skill"))]), *skill_choices(cohort.skills)]
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
        flash(_("%(name)s is withdrawn from “%(cohort)s”.", name=enrolment.person.display_name, cohort=cohort.name), "ok")
    return redirect(url_for(".participant", cohort_id=cohort.id, enrolment_id=enrolment.id))


@bp.post("/participants/<id:enrolment_id>/move")
def move(course_id: int, cohort_id: int, enrolment_id: int):
    """Move a participant to another cohort of this course."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    enrolment = enrolments.enrolment_in_cohort(cohort, enrolment_id)
    form = _move_form(cohort)
    if not form.validate_on_submit():
        flash(_("Choose a cohort to move the participant to."), "error")
        return redirect(url_for(".participant", cohort_id=cohort.id, enrolment_id=enrolment.id))
    target = cohorts.cohort_in_course(course_id, form.target.data)
    result = act(enrolments.move_participant, enrolment, target)
    if not result:
        return redirect(url_for(".participant", cohort_id=cohort.id, enrolment_id=enrolment.id))
    moved = _("%(name)s moved to “%(cohort)s”.", name=enrolment.person.display_name, cohort=target.name)
    if result.dropped_skills:
        moved = " ".join((moved, _("These skills are not offered there and were removed: %(skills)s.",
                                   skills=", ".join(result.dropped_skills))))
    flash(moved, "ok")
    return redirect(url_for(".participant", cohort_id=target.id, enrolment_id=enrolment.id))


@bp.get("/roster")
def roster(course_id: int, cohort_id: int):
    """Learners of the course (from the LMS roster) who have not enrolled in this cohort, and the reminder to them."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    try:
        found = course_roster(cohort.course)
    except RosterUnavailable as unavailable:
        return render_page("instructor/roster.html", cohort=cohort, problem=str(unavailable), confirm=ConfirmForm())
    missing = not_enrolled(found, enrolled_subjects(cohort))
    return render_page("instructor/roster.html", cohort=cohort, roster=found, missing=missing, confirm=ConfirmForm(),
                       reminder=ReminderForm.fresh(cohort), closed=enrol_reminders.refusal(cohort, utcnow().date()))


@bp.post("/roster/refresh")
def refresh_roster(course_id: int, cohort_id: int):
    """Ask the LMS for the roster again now."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            course_roster(cohort.course, refresh=True)
            flash(_("The roster is fresh from your LMS."), "ok")
        except RosterUnavailable as unavailable:
            flash(str(unavailable), "error")
    return redirect(url_for(".roster", cohort_id=cohort.id))


@dataclass
class _Reminder:
    """A reminder form posted for a cohort, and the roster's learners it may go to (None: refused, flashed)."""

    cohort: Cohort
    form: ReminderForm
    roster: CourseRoster | None = None
    invitees: list[Invitee] = field(default_factory=list)

    def page(self, status: int, plan=None):
        return render_page("instructor/roster_reminder.html", status, cohort=self.cohort, roster=self.roster,
                           form=self.form, plan=plan)

    def back(self):
        return redirect(url_for(".roster", cohort_id=self.cohort.id), code=303)


def _posted_reminder(course_id: int, cohort_id: int, *, sending: bool) -> _Reminder:
    """The posted reminder's cohort and learners: those not enrolled (and, when sending, whom the preview listed)."""
    found = _Reminder(cohorts.cohort_in_course(course_id, cohort_id), ReminderForm())
    reason = enrol_reminders.refusal(found.cohort, utcnow().date())
    if reason:
        flash(reason, "error")
        return found
    try:
        found.roster = course_roster(found.cohort.course)
    except RosterUnavailable as unavailable:
        flash(str(unavailable), "error")
        return found
    listed = found.form.recipients() if sending else None
    found.invitees = [Invitee(p.user_id, p.name, p.email) for p in not_enrolled(found.roster, enrolled_subjects(found.cohort))
                      if listed is None or p.user_id in listed]
    return found


@bp.post("/roster/reminder/preview")
def preview_reminder(course_id: int, cohort_id: int):
    """Show exactly what the reminder will say and to whom, before it is sent."""
    posted = _posted_reminder(course_id, cohort_id, sending=False)
    if posted.roster is None:
        return posted.back()
    form, plan = posted.form, None
    if form.validate_on_submit():
        try:
            plan = enrol_reminders.preview(posted.cohort, posted.invitees, form.subject.data, form.body.data,
                                           utcnow().date())
        except InvalidInput as refused:
            attach_error(form, refused.field, refused.message)
    if plan is None:
        return posted.page(422)
    form.to.data = "\n".join(p.user_id for p in (*plan.reachable, *plan.unreachable))
    return posted.page(200, plan)


@bp.post("/roster/reminder")
def send_reminder(course_id: int, cohort_id: int):
    """Send the previewed reminder: one mail per reachable learner, once whatever the number of submits."""
    posted = _posted_reminder(course_id, cohort_id, sending=True)
    if posted.roster is None:
        return posted.back()
    form = posted.form
    if form.validate_on_submit():
        sent = save(form, enrol_reminders.send, posted.cohort, posted.invitees, form.subject.data, form.body.data,
                    form.token.data, utcnow().date(), Platform.ids_of_same_lms(posted.cohort.course.platform_id))
        if sent is not None:
            flash(_sent_words(sent), "ok")
            return posted.back()
    return posted.page(422)


def _sent_words(sent: enrol_reminders.SentReminder) -> str:
    if not sent.plan.reachable:
        return _("Nobody listed has an e-mail address in the roster: the reminder was not sent.")
    if not sent.written:
        return _("This reminder was sent already; nothing was sent again.")
    unreachable = len(sent.plan.unreachable)
    words = _("The reminder is on its way. Recipients: %(count)s.", count=len(sent.written))
    if unreachable:
        words = " ".join((words, _("Not reachable (no e-mail address in the roster): %(count)s.", count=unreachable)))
    return words


def _move_form(cohort) -> MoveForm:
    form = MoveForm()
    others = [c for c in cohorts.cohorts_of(cohort.course_id) if c.id != cohort.id and c.state.profiles_editable]
    form.target.choices = choice_list((c.id, _("%(cohort)s (%(state)s)", cohort=c.name, state=c.state.in_sentence)) for c in others)
    return form
