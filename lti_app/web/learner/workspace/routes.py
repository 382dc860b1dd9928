"""A pair's workspace, for its two partners: the overview, the agreement, meetings and tasks (goals: workspace_goals).

Nested in ``learner`` (participants of this course only: instructors get 403) under ``/pairs/<pair_id>``; every
view works on ``g.seat``, which only the pair's two partners get (any other id is 404).
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from lti_app.extensions import utcnow
from lti_app.mentoring.services import agreements, meetings, pairs, partners, tasks
from lti_app.mentoring.services.goals import goals_of_pair
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.services.workspace_overview import overview_of
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.learner.workspace.common import guard_pair_pages, noting_activity
from lti_app.web.learner.workspace.forms import AgreementForm, MeetingForm, TaskForm, VersionForm, as_int
from lti_app.web.learner.partner import bp as partner_bp
from lti_app.web.learner.workspace.goals import bp as goals_bp
from lti_app.web.unit_of_work import act, save

bp = Blueprint("workspace", __name__, url_prefix="/pairs/<id:pair_id>")
guard_pair_pages(bp)
bp.register_blueprint(goals_bp)
bp.register_blueprint(partner_bp)


@bp.app_template_global("workspace_pairs")
def workspace_pairs() -> list[PairSeat]:
    """The published pairs of the launched learner in this course (for the learner's home page)."""
    return pairs.pairs_of_person(g.membership.course_id, g.membership.person_id)


@bp.app_template_global("meetings_open_on")
def meetings_open_on(seat: PairSeat):
    """The day this pair can log its first meeting while that day is still ahead (the programme has not started);
    None once meetings can be logged."""
    first = meetings.first_meeting_day(seat.pair)
    return first if first > utcnow().date() else None


@bp.get("/")
def overview(course_id: int, pair_id: int):
    """Partner, agreement status, the meeting clock, goals with progress, tasks and the latest meetings."""
    seat = g.seat
    return render_page("learner/workspace/overview.html", seat=seat, view=overview_of(seat, utcnow().date()),
                       why=partners.partner_in(seat.pair, seat.me).sentences, confirm=ConfirmForm())


@bp.route("/agreement", methods=["GET", "POST"])
def agreement(course_id: int, pair_id: int):
    """The terms (either partner edits them, each writes their own expectations) and the signatures."""
    seat = g.seat
    found = agreements.agreement_of(seat.pair)
    form = AgreementForm.for_agreement(seat, found, agreements.proposed_terms(seat))
    if form.validate_on_submit() and save(form, agreements.save_terms, seat, form.to_terms(), as_int(form.version.data)):
        flash(_("The agreement is saved. Once you both have written your expectations, you both sign it."), "ok")
        return redirect(url_for(".agreement"), code=303)
    found = agreements.agreement_of(seat.pair)
    return render_page("learner/workspace/agreement.html", form_status(form), seat=seat, agreement=found, form=form,
                       missing=agreements.missing_steps(found, seat), sign=VersionForm(data={"version": found.version if found else ""}))


@bp.post("/agreement/sign")
def sign(course_id: int, pair_id: int):
    """Sign the agreement as read (its version); refused when it changed since."""
    form = VersionForm()
    if form.validate_on_submit() and (signed := act(agreements.sign_agreement, g.seat, as_int(form.version.data))):
        flash(_("The agreement is signed by both of you.") if signed.fully_signed else
              _("You signed the agreement. It is in force once your partner signs it too."), "ok")
    return redirect(url_for(".agreement"), code=303)


@bp.get("/meetings")
def meeting_list(course_id: int, pair_id: int):
    """Every meeting the pair logged, latest first, with notes and action items."""
    return render_page("learner/workspace/meetings.html", seat=g.seat, meetings=meetings.meetings_of_pair(g.seat.pair))


@bp.route("/meetings/new", methods=["GET", "POST"])
def log_meeting(course_id: int, pair_id: int):
    """Log a meeting held; its action items become tasks of the partner chosen."""
    seat = g.seat
    found = agreements.agreement_of(seat.pair)
    form = MeetingForm.for_seat(seat, found.channel if found else None)
    if form.validate_on_submit() and (logged := save(form, noting_activity(meetings.log_meeting), seat, form.to_fields(),
                                                               form.form_token.data, utcnow().date())):
        meeting, created = logged
        flash(_("The meeting is logged.") if created else _("This meeting was already logged; it is kept once."), "ok")
        return redirect(url_for(".meeting_list", _anchor=f"meeting-{meeting.id}"), code=303)
    return render_page("learner/workspace/meeting_form.html", form_status(form), seat=seat, form=form,
                       first_day=meetings.first_meeting_day(seat.pair), today=utcnow().date())


@bp.route("/tasks/new", methods=["GET", "POST"])
def new_task(course_id: int, pair_id: int):
    """Add a task for one of the partners, for a goal or on its own."""
    seat = g.seat
    form = TaskForm.for_seat(seat, goals_of_pair(seat.pair), as_int(request.args.get("goal_id")))
    if form.validate_on_submit() and (added := save(form, tasks.add_task, seat, form.to_fields(), form.form_token.data)):
        task, created = added
        flash(_("Task added: %(task)s.", task=task.title) if created else _("This task was already added; it is kept once."), "ok")
        return _back_from(task)
    return render_page("learner/workspace/task_form.html", form_status(form), seat=seat, form=form)


@bp.post("/tasks/<id:task_id>/done")
def complete_task(course_id: int, pair_id: int, task_id: int):
    """Mark a task done."""
    return _set_done(task_id, True)


@bp.post("/tasks/<id:task_id>/reopen")
def reopen_task(course_id: int, pair_id: int, task_id: int):
    """Open a done task again."""
    return _set_done(task_id, False)


def _set_done(task_id: int, done: bool):
    task = tasks.task_in_pair(g.seat.pair, task_id)
    if ConfirmForm().validate_on_submit() and act(tasks.set_task_done, g.seat, task, done):
        flash(_("Done: %(task)s.", task=task.title) if done else _("Reopened: %(task)s.", task=task.title), "ok")
    return _back_from(task)


def _back_from(task):
    """To the task's goal when the form came from there, else to the overview."""
    if request.args.get("back") == "goal" and task.goal_id:
        return redirect(url_for(".goals.goal", goal_id=task.goal_id), code=303)
    return redirect(url_for(".overview"), code=303)
