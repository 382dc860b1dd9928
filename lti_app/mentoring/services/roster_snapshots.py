"""Dated snapshots of a course's roster, and the retention figure they give (participants against the rest).

``record_snapshot`` adds one (the caller's commit point commits it); ``cohort_retention`` (one cohort) and
``cohorts_retention`` (the course's cohorts side by side) read the snapshots of the programme's span in two queries. Only LMS user ids are stored.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timezone

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.programme_retention import Retention, retention
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.roster_snapshot import RosterSnapshot


def record_snapshot(course_id: int, learners: Iterable[tuple[str, bool]], *, truncated: bool = False) -> RosterSnapshot:
    """Keep today's roster of the course: (LMS user id, active) of each learner."""
    active, inactive = [], []
    for user_id, is_active in learners:
        (active if is_active else inactive).append(user_id)
    snapshot = RosterSnapshot(course_id=course_id, active_user_ids=sorted(set(active)),
                              inactive_user_ids=sorted(set(inactive) - set(active)), truncated=truncated)
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def latest_learners(course_id: int) -> int | None:
    """Active learners on the course's latest roster snapshot (None: no snapshot yet)."""
    latest = db.session.scalar(select(RosterSnapshot).where(RosterSnapshot.course_id == course_id)
                               .order_by(RosterSnapshot.taken_at.desc(), RosterSnapshot.id.desc()).limit(1))
    return None if latest is None else len(latest.active_user_ids)


def cohort_retention(cohort: Cohort) -> Retention | None:
    """Retention at the programme's end (or as of the latest snapshot); None without any snapshot of the course."""
    return cohorts_retention([cohort])[cohort.id]


def cohorts_retention(cohorts: Sequence[Cohort]) -> dict[int, Retention | None]:
    """Cohort id → ``cohort_retention``, for cohorts of one course, in two queries whatever their number or size."""
    if not cohorts:
        return {}
    snapshots = list(db.session.scalars(
        select(RosterSnapshot).where(RosterSnapshot.course_id.in_({c.course_id for c in cohorts}))
        .order_by(RosterSnapshot.taken_at)))
    if not snapshots:
        return {c.id: None for c in cohorts}
    taking: dict[int, set[str]] = defaultdict(set)
    left: dict[int, set[str]] = defaultdict(set)
    for cohort_id, subject, status in db.session.execute(
            select(Enrolment.cohort_id, Person.subject, Enrolment.status).join(Person, Enrolment.person_id == Person.id)
            .where(Enrolment.cohort_id.in_([c.id for c in cohorts]))):
        (left if status is EnrolmentStatus.WITHDRAWN else taking)[cohort_id].add(subject)
    return {c.id: _retention(c, [s for s in snapshots if s.course_id == c.course_id], taking[c.id], left[c.id])
            for c in cohorts}


def _retention(cohort: Cohort, snapshots: list[RosterSnapshot], taking: set[str], left: set[str]) -> Retention | None:
    if not snapshots:
        return None
    end = datetime.combine(cohort.ends_on, time.min, tzinfo=timezone.utc)
    final = next((s for s in snapshots if s.taken_at >= end), snapshots[-1])
    start = datetime.combine(cohort.starts_on, time.min, tzinfo=timezone.utc)
    span = [s for s in snapshots if start <= s.taken_at <= final.taken_at] or [final]
    learners = {u for s in span for u in (*s.active_user_ids, *s.inactive_user_ids)}
    return retention(taking, left, learners, final.active_user_ids, final.taken_at.date(), cohort.ends_on)
