"""A running cohort that grows: busy pairs with every kind of content, so each instructor page has rows to show.

``Cohort.grow(n)`` adds ``n`` pairs, each with an agreement, a meeting, a goal and a task, feedback, a fit check
asking for help (every other pair), a reflection submitted (every other one graded), a completion with its
pending programme score, and a withdrawn participant; the page tests count a page's queries before and after.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lti_app.extensions import db
from lti_app.mentoring.domain.grade_states import GradeTarget
from lti_app.mentoring.domain.pair_feedback import FitAnswer
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.reflections import SubmissionStatus
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.completion import Completion
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.grade_outbox import record_score
from tests.factories import make_enrolment
from tests.factories_feedback import make_feedback, make_fit_check, published_days_ago
from tests.factories_grades import enable_completion
from tests.factories_reflections import make_assignment, make_submission
from tests.factories_workspace import make_agreement, make_goal, make_meeting, make_running_cohort, make_task
from tests.web.course_pages import Session, commit


@dataclass
class BigCohort:
    """A teacher's running cohort with an assignment, and what was built in it so far."""

    teacher: Session
    cohort: Cohort
    assignment: ReflectionAssignment
    pairs: list[Pair] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)

    def grow(self, n: int) -> BigCohort:
        """Add ``n`` busy pairs (and a withdrawn participant each), committed."""
        for _ in range(n):
            self._busy_pair(len(self.pairs))
        commit()
        return self

    def _busy_pair(self, i: int) -> None:
        pair = published_days_ago(31, self.cohort)
        make_agreement(pair)
        make_meeting(pair)
        make_goal(pair)
        make_task(pair, done=True)
        make_feedback(pair, pair.mentor, 1)
        if i % 2:
            make_fit_check(pair, pair.mentee, FitAnswer.WANT_HELP, comment="We cannot find a time.")
        status = SubmissionStatus.GRADED if i % 2 else SubmissionStatus.SUBMITTED
        self.submissions.append(make_submission(self.assignment, pair.mentee, status, score=8.0 if i % 2 else None))
        entry = record_score(course_id=self.cohort.course_id, person_id=pair.mentor.person_id,
                             target=GradeTarget.PROGRAMME,
                             target_id=self.cohort.id, activity_progress="Completed", grading_progress="FullyGraded",
                             score_given=90, score_maximum=100)
        db.session.add(Completion(enrolment_id=pair.mentor_enrolment_id, cohort_id=self.cohort.id, outbox_id=entry.id))
        make_enrolment(self.cohort, status=EnrolmentStatus.WITHDRAWN)
        self.pairs.append(pair)

    def url(self, path: str) -> str:
        """A page of this cohort: ``{cohort}``, ``{pair}``, ``{enrolment}``, ``{assignment}``, ``{submission}`` filled in."""
        first = self.pairs[0]
        return "instructor/" + path.format(cohort=self.cohort.id, pair=first.id, enrolment=first.mentee_enrolment_id,
                                           assignment=self.assignment.id, submission=self.submissions[0].id)


def big_cohort(teacher: Session, **cohort: Any) -> BigCohort:
    """An empty running cohort in the teacher's course, with completion switched on and one reflection for both sides."""
    found = make_running_cohort(teacher.course, name="Big cohort", **cohort)
    enable_completion(found)
    built = BigCohort(teacher, found, make_assignment(found, title="Halfway"))
    commit()
    return built
