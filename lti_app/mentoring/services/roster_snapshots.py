"""Dated snapshots of a course's roster, and the retention figure they give (participants against the rest).

``record_snapshot`` adds one (the caller's commit point commits it); ``cohort_retention`` reads the snapshots of
the programme's span in two queries. Only LMS user ids are stored.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timezone

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.programme_metrics import Retention, retention
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
    snapshots = list(db.session.scalars(
        select(RosterSnapshot).where(RosterSnapshot.course_id == cohort.course_id).order_by(RosterSnapshot.taken_at)))
    if not snapshots:
        return None
    end = datetime.combine(cohort.ends_on, time.min, tzinfo=timezone.utc)
    final = next((s for s in snapshots if s.taken_at >= end), snapshots[-1])
    start = datetime.combine(cohort.starts_on, time.min, tzinfo=timezone.utc)
    span = [s for s in snapshots if start <= s.taken_at <= final.taken_at] or [final]
    learners = {u for s in span for u in (*s.active_user_ids, *s.inactive_user_ids)}
    taking, left = set(), set()
    for subject, status in db.session.execute(
            select(Person.subject, Enrolment.status).join(Person, Enrolment.person_id == Person.id)
            .where(Enrolment.cohort_id == cohort.id)):
        (left if status is EnrolmentStatus.WITHDRAWN else taking).add(subject)
    return retention(taking, left, learners, final.active_user_ids, final.taken_at.date(), cohort.ends_on)
