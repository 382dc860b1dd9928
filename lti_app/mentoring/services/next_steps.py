"""The coordinator's checklist for the cohorts of a course, worked out in a fixed number of queries."""
from __future__ import annotations

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.next_steps import CohortFacts, Step, checklist
from lti_app.mentoring.domain.reflections import SubmissionStatus
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.participants import EnrolmentCounts


def checklists(cohorts: list[Cohort], counts: dict[int, EnrolmentCounts]) -> dict[int, list[Step]]:
    """Each cohort's checklist (two queries for all of them, whatever their number)."""
    ids = [cohort.id for cohort in cohorts]
    if not ids:
        return {}
    drafts = set(db.session.scalars(select(Pair.cohort_id).where(
        Pair.cohort_id.in_(ids), Pair.status == PairStatus.PROPOSED).distinct()))
    waiting = dict(db.session.execute(
        select(ReflectionAssignment.cohort_id, func.count()).join(Submission, Submission.assignment_id == ReflectionAssignment.id)
        .where(ReflectionAssignment.cohort_id.in_(ids), Submission.status == SubmissionStatus.SUBMITTED)
        .group_by(ReflectionAssignment.cohort_id)).all())
    return {cohort.id: checklist(CohortFacts(cohort.state, counts[cohort.id].active, cohort.id in drafts,
                                             int(waiting.get(cohort.id, 0))))
            for cohort in cohorts}
