"""Tasks of a pair: what one partner will do (for a goal, from a meeting, or on its own), done and reopened.

A task belongs to one of the two partners and is due, when it has a date, within the programme. Every
function flushes, none commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lti_app.extensions import db, utcnow
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.workspace import Goal, Task
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.services.workspace_rules import (
    add_once, check_in_programme, check_open, clean_text, flush_fresh, partner_enrolment,
)
from lti_app.mentoring.domain.texts import N_, _

TITLE_LIMIT = 300


@dataclass(frozen=True)
class TaskFields:
    """A task as a partner submits it."""

    title: str
    owner_enrolment_id: int | None
    due_on: date | None = None
    goal_id: int | None = None


def tasks_of_pair(pair: Pair) -> list[Task]:
    """The pair's tasks: open ones first (soonest due first), then the done ones."""
    tasks = db.session.scalars(select(Task).where(Task.pair_id == pair.id)
                               .options(selectinload(Task.owner), selectinload(Task.goal)).order_by(Task.id))
    return sorted(tasks, key=lambda t: (t.is_done, t.due_on or date.max, t.id))


def task_in_pair(pair: Pair, task_id: int) -> Task:
    """One task of this pair; NotFound for any other id."""
    task = db.session.scalar(select(Task).where(Task.id == task_id, Task.pair_id == pair.id))
    if task is None:
        raise NotFound(_("There is no such task in your pair."))
    return task


def checked_task(seat: PairSeat, fields: TaskFields, *, field_prefix: str = "") -> dict:
    """A task's columns from ``fields``, every rule checked (InvalidInput names the field)."""
    owner = partner_enrolment(seat, fields.owner_enrolment_id, f"{field_prefix}owner_enrolment_id")
    title = clean_text(fields.title, f"{field_prefix}title", N_("Write what is to be done."),
                       N_("Keep what is to be done under %(max)d characters."), limit=TITLE_LIMIT)
    check_in_programme(seat.pair, fields.due_on, f"{field_prefix}due_on", "The due date")
    if fields.goal_id is not None:
        goal = db.session.scalar(select(Goal.id).where(Goal.id == fields.goal_id, Goal.pair_id == seat.pair.id))
        if goal is None:
            raise InvalidInput(_("Choose one of your pair's goals, or none."), field=f"{field_prefix}goal_id")
    return {"pair_id": seat.pair.id, "title": title, "owner_enrolment_id": owner.id, "due_on": fields.due_on,
            "goal_id": fields.goal_id}


def add_task(seat: PairSeat, fields: TaskFields, token: str | None) -> tuple[Task, bool]:
    """(task, created): a new task for one of the partners; the same form submitted twice adds one. Flushes."""
    check_open(seat.pair)
    values = checked_task(seat, fields)
    task, created = add_once(lambda: Task(form_token=token, **values), Task, "pair_id", seat.pair.id, token)
    db.session.flush()
    return task, created


def set_task_done(seat: PairSeat, task: Task, done: bool) -> Task:
    """Complete (or reopen) a task; pressing twice changes nothing more. Flushes."""
    check_open(seat.pair)
    if done != task.is_done:
        task.done_at = utcnow() if done else None
        flush_fresh("This task")
    return task
