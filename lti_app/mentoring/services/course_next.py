"""The facts behind the coordinator's "What's next" for a course, in a fixed number of queries.

Pairs at risk (overdue for a meeting, or asking for help: ``pair_health``'s rule) over every active pair of the
course at once, mentees' requests waiting, reflections to grade, and grade syncs that failed. Roster members not
enrolled come from the web layer (the LMS roster is read there, from its cache only: the home page never calls the
LMS). The rule is ``domain/course_next.py``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.course_next import CohortDue, course_next
from lti_app.mentoring.domain.grade_states import GradeState
from lti_app.mentoring.domain.reflections import SubmissionStatus
from lti_app.mentoring.domain.whats_next import Item
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.matching_choice import MentorRequest, RequestStatus
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.pair_health import rows_of


def _at_risk(cohorts: list[Cohort], today: date) -> Counter[int]:
    running = [c.id for c in cohorts if c.state is CohortState.RUNNING]
    if not running:
        return Counter()
    pairs = list(db.session.scalars(select(Pair).where(Pair.cohort_id.in_(running), Pair.status == PairStatus.ACTIVE)))
    return Counter(row.pair.cohort_id for row in rows_of(pairs, today) if row.flagged or row.overdue)


def course_next_for(cohorts: list[Cohort], today: date, not_enrolled: Mapping[int, int] | None = None) -> list[Item]:
    """The coordinator's lines for these cohorts of one course; ``not_enrolled``: cohort id → roster members not
    enrolled, for the cohorts whose roster was read."""
    if not cohorts:
        return []
    ids = [c.id for c in cohorts]
    risk = _at_risk(cohorts, today)
    requests = dict(db.session.execute(select(MentorRequest.cohort_id, func.count()).where(
        MentorRequest.cohort_id.in_(ids), MentorRequest.status == RequestStatus.REQUESTED)
        .group_by(MentorRequest.cohort_id)).all())
    grading = dict(db.session.execute(
        select(ReflectionAssignment.cohort_id, func.count()).join(Submission, Submission.assignment_id == ReflectionAssignment.id)
        .where(ReflectionAssignment.cohort_id.in_(ids), Submission.status == SubmissionStatus.SUBMITTED)
        .group_by(ReflectionAssignment.cohort_id)).all())
    failed = db.session.scalar(select(func.count()).select_from(GradeOutbox).where(
        GradeOutbox.course_id == cohorts[0].course_id, GradeOutbox.state == GradeState.FAILED)) or 0
    not_enrolled = not_enrolled or {}
    dues = [CohortDue(c.id, c.name, risk[c.id], int(requests.get(c.id, 0)), int(grading.get(c.id, 0)),
                      c.state is CohortState.ENROLMENT_OPEN, not_enrolled.get(c.id)) for c in cohorts]
    return course_next(dues, int(failed), ids[0])
