"""Grading reflections: score, rubric and comment, regrades, the outbox row written with each grade, the list."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.profile_fields import RoleWanted
from lti_app.mentoring.domain.reflections import Audience, SubmissionStatus
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import grade_outbox, grading, submissions
from lti_app.mentoring.services.grading import GradeFields
from lti_app.mentoring.services.submissions import StaleSubmission
from tests.factories import make_cohort, make_course, make_enrolment, make_membership, make_person, make_platform
from tests.factories_reflections import RUBRIC, make_assignment, make_submission


@pytest.fixture
def cohort(app):
    return make_cohort(make_course(make_platform()))


@pytest.fixture
def grader(cohort):
    person = make_person(db.session.get(Platform, cohort.course.platform_id))
    make_membership(person, cohort.course, CourseRole.INSTRUCTOR)
    return person


def outbox_rows() -> list[GradeOutbox]:
    return list(db.session.scalars(select(GradeOutbox).order_by(GradeOutbox.id)))


def grade(submission, grader, score=None, rubric=None, comment="", version=None):
    return grading.grade_submission(submission, GradeFields(score, rubric, comment), grader_person_id=grader.id,
                                    expected_version=submission.version if version is None else version)


def test_a_grade_is_recorded_with_its_outbox_row_in_the_same_transaction(cohort, grader):
    assignment = make_assignment(cohort, points=20.0)
    submission = make_submission(assignment, make_enrolment(cohort))
    db.session.commit()
    saved = grade(submission, grader, 15.5, comment="  Thoughtful.\r\nKeep going. ")
    (entry,) = outbox_rows()
    assert saved.outbox_ids == (entry.id,)
    assert (submission.status, submission.score, submission.comment, submission.graded_by_person_id) == (
        SubmissionStatus.GRADED, 15.5, "Thoughtful.\nKeep going.", grader.id)
    assert submission.graded_at is not None
    assert (entry.course_id, entry.person_id, entry.target, entry.target_id) == (
        cohort.course_id, submission.enrolment.person_id, "reflection", assignment.id)
    assert (entry.score_given, entry.score_maximum, entry.comment, entry.activity_progress, entry.grading_progress) == (
        15.5, 20.0, "Thoughtful.\nKeep going.", "Completed", "FullyGraded")
    db.session.rollback()  # a failed commit loses the grade and its row together
    assert db.session.scalar(select(func.count()).select_from(GradeOutbox)) == 0
    assert db.session.get(type(submission), submission.id).status is SubmissionStatus.SUBMITTED


def test_a_rubric_grade_scores_each_criterion_and_their_sum_is_the_score(cohort, grader):
    assignment = make_assignment(cohort, rubric=RUBRIC)
    submission = make_submission(assignment, make_enrolment(cohort))
    grade(submission, grader, rubric=(5.0, 2.5))
    assert (submission.score, submission.rubric_scores) == (7.5, [5.0, 2.5])
    assert outbox_rows()[-1].score_given == 7.5


@pytest.mark.parametrize(("score", "rubric", "field", "words"), [
    (None, None, "rubric", "Score each criterion"),
    (None, (5.0,), "rubric", "Score each criterion"),
    (None, (7.0, 3.0), "rubric", "“Insight” takes from 0 to 6 points"),
    (9.0, (5.0, 2.5), "score", "add up to 7.5, not 9"),
])
def test_rubric_scores_that_do_not_fit_are_refused(cohort, grader, score, rubric, field, words):
    submission = make_submission(make_assignment(cohort, rubric=RUBRIC), make_enrolment(cohort))
    with pytest.raises(InvalidInput) as refused:
        grade(submission, grader, score, rubric)
    assert refused.value.field == field and words in refused.value.message
    assert submission.status is SubmissionStatus.SUBMITTED and outbox_rows() == []


@pytest.mark.parametrize("score", [None, -1.0, 10.5])
def test_a_score_outside_zero_to_the_points_is_refused(cohort, grader, score):
    submission = make_submission(make_assignment(cohort), make_enrolment(cohort))
    with pytest.raises(InvalidInput) as refused:
        grade(submission, grader, score)
    assert refused.value.field == "score" and outbox_rows() == []


def test_a_draft_cannot_be_graded(cohort, grader):
    draft = make_submission(make_assignment(cohort), make_enrolment(cohort), status=SubmissionStatus.DRAFT, submitted_at=None)
    with pytest.raises(InvalidInput) as refused:
        grade(draft, grader, 5.0)
    assert "still a draft" in refused.value.message and draft.score is None


def test_a_regrade_writes_a_new_outbox_row_and_the_same_grade_twice_writes_none(cohort, grader):
    submission = make_submission(make_assignment(cohort), make_enrolment(cohort))
    first = grade(submission, grader, 6.0, comment="Good")
    read_at = first.submission.version
    again = grade(submission, grader, 6.0, comment="Good", version=read_at - 1)  # a double click from the old page
    assert again.outbox_ids == () and len(outbox_rows()) == 1
    grade(submission, grader, 8.0, comment="Better on a second reading")
    assert [(e.score_given, e.comment) for e in outbox_rows()] == [(6.0, "Good"), (8.0, "Better on a second reading")]


def test_a_grade_for_a_text_revised_since_the_page_was_read_is_refused(cohort, grader):
    assignment = make_assignment(cohort)
    writer = make_enrolment(cohort)
    submission = submissions.submit_reflection(assignment, writer, "First", 0).submission
    read_at = submission.version
    submissions.submit_reflection(assignment, writer, "Revised", read_at)
    with pytest.raises(StaleSubmission) as refused:
        grade(submission, grader, 9.0, version=read_at)
    assert refused.value.field is None and "changed after you opened it" in refused.value.message
    assert submission.status is SubmissionStatus.SUBMITTED


def test_the_list_shows_everyone_asked_to_write_with_their_status_and_gradebook_sync(cohort, grader):
    platform = db.session.get(Platform, cohort.course.platform_id)
    ann, bea, cy = (make_person(platform) for _ in range(3))
    ann.name, bea.name, cy.name = "Ann", "Bea", "Cy"
    assignment = make_assignment(cohort, audience=Audience.MENTEES)
    waiting = make_enrolment(cohort, bea, role_wanted=RoleWanted.MENTEE)
    graded = make_enrolment(cohort, ann, role_wanted=RoleWanted.MENTEE)
    make_enrolment(cohort, cy, role_wanted=RoleWanted.MENTOR, capacity=2)
    grade(make_submission(assignment, graded), grader, 7.0)
    rows = grading.submissions_for_grading(assignment)
    assert [(r.enrolment.person.name, r.submission is not None) for r in rows] == [("Ann", True), ("Bea", False)]
    statuses = grade_outbox.sync_statuses("reflection", assignment.id, [graded.person_id, waiting.person_id])
    assert [r.sync for r in rows] == [statuses[graded.person_id], statuses[waiting.person_id]]
    assert rows[0].sync.state == "pending" and rows[1].sync.state == "none"


def test_staff_reach_a_submission_only_through_its_own_course(cohort):
    submission = make_submission(make_assignment(cohort), make_enrolment(cohort))
    assert grading.submission_in_course(cohort.course_id, submission.id) is submission
    with pytest.raises(NotFound):
        grading.submission_in_course(cohort.course_id + 1, submission.id)
