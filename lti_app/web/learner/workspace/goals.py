"""A pair's goals: set one, edit it, its milestones, its tasks, the current rating and the end ratings.

Nested in ``workspace``: its guard (the viewer is one of the pair's partners) runs first for every view here.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _

from lti_app.extensions import utcnow
from lti_app.mentoring.models.workspace import Goal
from lti_app.mentoring.services import goals
from lti_app.mentoring.services.workspace_overview import view_of_goal
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.learner.workspace.common import noting_activity
from lti_app.web.learner.workspace.forms import as_int
from lti_app.web.learner.workspace.goal_forms import PROGRESS_HINTS, EndRatingForm, GoalForm, MilestoneForm, RatingForm
from lti_app.web.unit_of_work import act, save

bp = Blueprint("goals", __name__, url_prefix="/goals")


def _to_goal(goal_id: int):
    return redirect(url_for(".goal", goal_id=goal_id), code=303)


def _goal_page(goal: Goal, status: int = 200, **forms):
    """The goal page, with fresh forms except the one being shown with its errors."""
    seat = g.seat
    current = {"version": goal.version, "rating": str(goal.current_rating or "")}
    mine = goal.end_rating_owner if goal.owner_enrolment_id == seat.me.id else goal.end_rating_partner
    forms = {"milestone": MilestoneForm(formdata=None), "rating": RatingForm(formdata=None, data=current),
             "end_rating": EndRatingForm(formdata=None, data={"end_rating": str(mine or "")}), **forms}
    return render_page("learner/workspace/goal.html", status, seat=seat, view=view_of_goal(seat.pair, goal), confirm=ConfirmForm(),
                       rerating_refusal=goals.rerating_refusal(seat, goal, utcnow().date()), my_end_rating=mine, **forms)


@bp.route("/new", methods=["GET", "POST"])
def new_goal(course_id: int, pair_id: int):
    """Set a goal from a baseline: skills, target rating and date, how progress is measured."""
    seat = g.seat
    form = GoalForm.for_goal(seat)
    if form.validate_on_submit() and (added := save(form, goals.add_goal, seat, form.to_fields(), form.form_token.data)):
        goal, created = added
        flash(_("The goal is set. Add milestones and tasks to get there.") if created else _("This goal was already set; it is kept once."), "ok")
        return _to_goal(goal.id)
    return render_page("learner/workspace/goal_form.html", form_status(form), seat=seat, form=form, goal=None, hints=PROGRESS_HINTS)


@bp.get("/<id:goal_id>")
def goal(course_id: int, pair_id: int, goal_id: int):
    """One goal: baseline, target and progress, milestones, tasks, ratings."""
    return _goal_page(goals.goal_in_pair(g.seat.pair, goal_id))


@bp.route("/<id:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(course_id: int, pair_id: int, goal_id: int):
    """Change a goal, as read: a stale edit (the partner saved meanwhile) is refused."""
    seat = g.seat
    found = goals.goal_in_pair(seat.pair, goal_id)
    form = GoalForm.for_goal(seat, found)
    if form.validate_on_submit() and save(form, goals.edit_goal, seat, found, form.to_fields(), as_int(form.version.data)):
        flash(_("The goal is saved."), "ok")
        return _to_goal(found.id)
    return render_page("learner/workspace/goal_form.html", form_status(form), seat=seat, form=form, goal=found, hints=PROGRESS_HINTS)


@bp.post("/<id:goal_id>/milestones")
def add_milestone(course_id: int, pair_id: int, goal_id: int):
    """Add a milestone; errors show on the goal page."""
    found = goals.goal_in_pair(g.seat.pair, goal_id)
    form = MilestoneForm()
    if form.validate_on_submit() and save(form, goals.add_milestone, g.seat, found, form.title.data,
                                                    form.due_on.data, form.form_token.data):
        flash(_("Milestone added."), "ok")
        return _to_goal(goal_id)
    return _goal_page(goals.goal_in_pair(g.seat.pair, goal_id), 422, milestone=form)


@bp.post("/<id:goal_id>/milestones/<id:milestone_id>/done")
def reach_milestone(course_id: int, pair_id: int, goal_id: int, milestone_id: int):
    """Tick a milestone off."""
    return _set_milestone(goal_id, milestone_id, True)


@bp.post("/<id:goal_id>/milestones/<id:milestone_id>/reopen")
def reopen_milestone(course_id: int, pair_id: int, goal_id: int, milestone_id: int):
    """Open a milestone again."""
    return _set_milestone(goal_id, milestone_id, False)


def _set_milestone(goal_id: int, milestone_id: int, done: bool):
    found = goals.goal_in_pair(g.seat.pair, goal_id)
    if ConfirmForm().validate_on_submit():
        act(goals.set_milestone_done, g.seat, found, milestone_id, done)
    return _to_goal(goal_id)


@bp.post("/<id:goal_id>/rating")
def rate(course_id: int, pair_id: int, goal_id: int):
    """Record where the goal's owner stands now."""
    found = goals.goal_in_pair(g.seat.pair, goal_id)
    form = RatingForm()
    if form.validate_on_submit() and save(form, goals.rate_progress, g.seat, found, as_int(form.rating.data),
                                                    as_int(form.version.data)):
        flash(_("The rating is saved."), "ok")
        return _to_goal(goal_id)
    return _goal_page(goals.goal_in_pair(g.seat.pair, goal_id), 422, rating=form)


@bp.post("/<id:goal_id>/end-rating")
def rerate(course_id: int, pair_id: int, goal_id: int):
    """Give your end rating of the goal's owner (the owner rates themself, the partner rates them)."""
    found = goals.goal_in_pair(g.seat.pair, goal_id)
    form = EndRatingForm()
    if form.validate_on_submit() and save(form, noting_activity(goals.rerate_goal), g.seat, found, as_int(form.end_rating.data),
                                                    utcnow().date()):
        flash(_("Your end rating is saved."), "ok")
        return _to_goal(goal_id)
    return _goal_page(goals.goal_in_pair(g.seat.pair, goal_id), 422, end_rating=form)
