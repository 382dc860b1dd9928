"""The shared facts of pairs' activity (agreement, meetings against the cadence, tasks, goals), read in bulk.

``activity_of_pairs`` runs the same six grouped queries whether it is given three pairs or three hundred, so
an instructor's list of every pair costs no more queries than one pair's workspace. Nothing here writes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from lti_app.extensions import db
from lti_app.mentoring.domain import pair_progress as progress
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.workspace import Agreement, Goal, Meeting, Milestone, Task

PUBLISHED = (PairStatus.ACTIVE, PairStatus.ENDED)
# What a goal's progress is worked out from (``goal_percent`` reads these names from a Goal or from a row).
GOAL_FACTS = (Goal.pair_id, Goal.progress_from, Goal.baseline_rating, Goal.target_rating, Goal.current_rating,
              Goal.end_rating_owner, Goal.end_rating_partner, Goal.updated_at)


@dataclass(frozen=True)
class PairActivity:
    """What a pair has done so far, as counts and dates (never what they wrote)."""

    pair_id: int
    agreement_signed: bool
    cadence_days: int
    meetings_held: int
    expected_meetings: int
    last_meeting_on: date | None
    last_activity_at: datetime | None
    next_meeting_due: date | None
    overdue: bool
    tasks_done: int
    tasks_total: int
    goals_total: int
    goals_done: int
    goals_rerated: int


@dataclass
class _GoalCounts:
    total: int = 0
    done: int = 0
    rerated: int = 0


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def _cohort_dates(cohort_ids: Iterable[int]) -> dict[int, tuple[date, date, int]]:
    rows = db.session.execute(select(Cohort.id, Cohort.starts_on, Cohort.ends_on, Cohort.meeting_cadence_days)
                              .where(Cohort.id.in_(set(cohort_ids))))
    return {row.id: (row.starts_on, row.ends_on, row.meeting_cadence_days) for row in rows}


def _agreements(pair_ids: Sequence[int]) -> dict[int, Any]:
    """The agreements' dates and cadence (never their text)."""
    rows = db.session.execute(select(Agreement.pair_id, Agreement.cadence_days, Agreement.mentor_signed_at,
                                     Agreement.mentee_signed_at, Agreement.updated_at).where(Agreement.pair_id.in_(pair_ids)))
    return {row.pair_id: row for row in rows}


def _meetings(pair_ids: Sequence[int]) -> dict[int, tuple[int, date | None, datetime | None]]:
    rows = db.session.execute(
        select(Meeting.pair_id, func.count(Meeting.id), func.max(Meeting.held_on), func.max(Meeting.created_at))
        .where(Meeting.pair_id.in_(pair_ids)).group_by(Meeting.pair_id))
    return {pair_id: (count, held_on, created) for pair_id, count, held_on, created in rows}


def _tasks(pair_ids: Sequence[int]) -> dict[int, tuple[int, int, datetime | None]]:
    done = func.count(Task.done_at)  # COUNT(column) skips NULLs: the tasks done
    rows = db.session.execute(
        select(Task.pair_id, func.count(Task.id), done, func.max(Task.created_at), func.max(Task.done_at))
        .where(Task.pair_id.in_(pair_ids)).group_by(Task.pair_id))
    return {pair_id: (total, n_done, _latest(created, finished)) for pair_id, total, n_done, created, finished in rows}


def _milestone_activity(pair_ids: Sequence[int]) -> dict[int, datetime | None]:
    rows = db.session.execute(
        select(Goal.pair_id, func.max(Milestone.created_at), func.max(Milestone.done_at))
        .join(Milestone, Milestone.goal_id == Goal.id).where(Goal.pair_id.in_(pair_ids)).group_by(Goal.pair_id))
    return {pair_id: _latest(created, done) for pair_id, created, done in rows}


def _goals(pair_ids: Sequence[int]) -> tuple[dict[int, _GoalCounts], dict[int, datetime | None]]:
    per_goal = (select(Task.goal_id, func.count(Task.id).label("total"), func.count(Task.done_at).label("done"))
                .where(Task.pair_id.in_(pair_ids), Task.goal_id.is_not(None)).group_by(Task.goal_id).subquery())
    # The goals' columns, not Goal objects: building thousands of ORM objects was most of a cohort's pair health.
    rows = db.session.execute(
        select(*GOAL_FACTS, func.coalesce(per_goal.c.total, 0).label("total"),
               func.coalesce(per_goal.c.done, 0).label("done"))
        .outerjoin(per_goal, per_goal.c.goal_id == Goal.id).where(Goal.pair_id.in_(pair_ids)))
    counts: dict[int, _GoalCounts] = defaultdict(_GoalCounts)
    touched: dict[int, datetime | None] = {}
    for goal in rows:
        percent = goal_percent(goal, goal.done, goal.total)
        found = counts[goal.pair_id]
        found.total += 1
        found.done += progress.goal_done(percent, goal.end_rating_owner, goal.end_rating_partner)
        found.rerated += goal.end_rating_owner is not None and goal.end_rating_partner is not None
        touched[goal.pair_id] = _latest(touched.get(goal.pair_id), goal.updated_at)
    return counts, touched


def goal_percent(goal: Any, tasks_done: int, tasks_total: int) -> int:
    """The goal's progress in percent, given the counts of its tasks (a Goal, or a row of its ``GOAL_FACTS``)."""
    rating = progress.latest_rating(goal.current_rating, goal.end_rating_owner, goal.end_rating_partner)
    return progress.goal_progress(goal.progress_from.value, tasks_done, tasks_total, goal.baseline_rating,
                                  goal.target_rating, rating)


def _cadence_facts(pair: Pair, dates: tuple[date, date, int], agreement: Any,
                   last_meeting_on: date | None, today: date) -> tuple[int, int, date | None, bool]:
    """(cadence, expected meetings, next due, overdue); an ended pair expects nothing after its end."""
    starts_on, ends_on, cohort_cadence = dates
    cadence = agreement.cadence_days if agreement else cohort_cadence
    anchor = progress.first_meeting_day(starts_on, pair.published_at.date() if pair.published_at else None)
    if pair.status is not PairStatus.ACTIVE:
        ends_on = min(ends_on, pair.ended_at.date()) if pair.ended_at else ends_on
        return cadence, progress.expected_meetings(anchor, cadence, today, ends_on), None, False
    due = progress.next_meeting_due(anchor, last_meeting_on, cadence, ends_on)
    return cadence, progress.expected_meetings(anchor, cadence, today, ends_on), due, progress.is_overdue(due, today)


def activity_of_pairs(pairs: Sequence[Pair], today: date) -> dict[int, PairActivity]:
    """{pair id: its activity} in a fixed number of queries, however many pairs."""
    if not pairs:
        return {}
    ids = [p.id for p in pairs]
    cohorts = _cohort_dates(p.cohort_id for p in pairs)
    agreements, meetings, tasks = _agreements(ids), _meetings(ids), _tasks(ids)
    goals, goals_touched = _goals(ids)
    milestones = _milestone_activity(ids)
    found = {}
    for pair in pairs:
        agreement = agreements.get(pair.id)
        held, last_on, last_logged = meetings.get(pair.id, (0, None, None))
        total, done, task_moment = tasks.get(pair.id, (0, 0, None))
        cadence, expected, due, overdue = _cadence_facts(pair, cohorts[pair.cohort_id], agreement, last_on, today)
        signed = agreement is not None and None not in (agreement.mentor_signed_at, agreement.mentee_signed_at)
        moments = (agreement.updated_at, agreement.mentor_signed_at, agreement.mentee_signed_at) if agreement else ()
        counts = goals.get(pair.id, _GoalCounts())
        found[pair.id] = PairActivity(
            pair.id, signed, cadence, held, expected, last_on,
            _latest(*moments, last_logged, task_moment, goals_touched.get(pair.id), milestones.get(pair.id)),
            due, overdue, done, total, counts.total, counts.done, counts.rerated)
    return found


def _partner_of_pair(enrolment_ids: Sequence[int]):
    """A join condition: the enrolment is the mentor or the mentee of a published pair."""
    return and_(or_(Pair.mentor_enrolment_id == Enrolment.id, Pair.mentee_enrolment_id == Enrolment.id),
                Pair.status.in_(PUBLISHED), Enrolment.id.in_(enrolment_ids))


def meetings_held_by_enrolment(enrolment_ids: Sequence[int]) -> dict[int, int]:
    """{enrolment id: meetings held in all of that person's published pairs}; 0 for someone with none."""
    ids = list(enrolment_ids)
    rows = db.session.execute(
        select(Enrolment.id, func.count(Meeting.id)).join(Pair, _partner_of_pair(ids))
        .join(Meeting, Meeting.pair_id == Pair.id).group_by(Enrolment.id))
    held = dict.fromkeys(ids, 0)
    held.update({enrolment_id: count for enrolment_id, count in rows})
    return held


def goals_rerated_by_enrolment(enrolment_ids: Sequence[int]) -> dict[int, bool]:
    """{enrolment id: True when that person's pairs hold at least one goal and every one has both end ratings}."""
    ids = list(enrolment_ids)
    rerated = case((and_(Goal.end_rating_owner.is_not(None), Goal.end_rating_partner.is_not(None)), 1), else_=0)
    rows = db.session.execute(
        select(Enrolment.id, func.count(Goal.id), func.sum(rerated)).join(Pair, _partner_of_pair(ids))
        .join(Goal, Goal.pair_id == Pair.id).group_by(Enrolment.id))
    answer = dict.fromkeys(ids, False)
    answer.update({enrolment_id: total > 0 and int(done or 0) == total for enrolment_id, total, done in rows})
    return answer
