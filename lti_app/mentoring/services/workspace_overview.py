"""What a partner sees of their pair at a glance: the agreement and what it still needs, the meeting clock,
goals with their progress, open tasks and the latest meetings. Nothing here writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from lti_app.extensions import db
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.workspace import Agreement, Goal, Meeting, Task
from lti_app.mentoring.services import agreements, tasks
from lti_app.mentoring.services.meetings import meetings_of_pair
from lti_app.mentoring.services.pair_activity import PairActivity, activity_of_pairs, goal_percent
from lti_app.mentoring.services.pairs import PairSeat

RECENT_MEETINGS = 3


@dataclass(frozen=True)
class GoalView:
    """A goal with its progress and the labels of its skills."""

    goal: Goal
    percent: int
    tasks_done: int
    tasks_total: int
    skill_labels: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    """Everything the workspace's front page shows."""

    agreement: Agreement | None
    missing: list[str]
    activity: PairActivity
    goals: list[GoalView]
    open_tasks: list[Task]
    done_tasks: list[Task]
    meetings: list[Meeting]


def view_of_goal(pair: Pair, goal: Goal) -> GoalView:
    """A goal's progress (its tasks loaded) and skill labels."""
    done = sum(t.is_done for t in goal.tasks)
    labels = tuple(skill.label_shown if (skill := pair.cohort.skill(code)) else code for code in goal.skill_codes)
    return GoalView(goal, goal_percent(goal, done, len(goal.tasks)), done, len(goal.tasks), labels)


def goal_views(pair: Pair) -> list[GoalView]:
    """The pair's goals, oldest first, each with its progress."""
    found = db.session.scalars(select(Goal).where(Goal.pair_id == pair.id).order_by(Goal.id).options(
        selectinload(Goal.tasks), selectinload(Goal.skills), selectinload(Goal.owner), selectinload(Goal.milestones)))
    return [view_of_goal(pair, goal) for goal in found]


def overview_of(seat: PairSeat, today: date) -> Overview:
    """The front page of the pair's workspace, as ``seat`` sees it on ``today``."""
    agreement = agreements.agreement_of(seat.pair)
    all_tasks = tasks.tasks_of_pair(seat.pair)
    return Overview(
        agreement, agreements.missing_steps(agreement, seat), activity_of_pairs([seat.pair], today)[seat.pair.id],
        goal_views(seat.pair), [t for t in all_tasks if not t.is_done], [t for t in all_tasks if t.is_done],
        meetings_of_pair(seat.pair)[:RECENT_MEETINGS])


def active_pair_ids(enrolment_id: int) -> list[int]:
    """The ids of the enrolment's active pairs, oldest first (the order ``matching.partners_of`` lists them in)."""
    return list(db.session.scalars(select(Pair.id).where(
        Pair.status == PairStatus.ACTIVE,
        or_(Pair.mentor_enrolment_id == enrolment_id, Pair.mentee_enrolment_id == enrolment_id)).order_by(Pair.id)))
