"""Writing a reflection: drafts, submitting, revising, the due date and late work, double submits, stale pages."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.reflections import RevisePolicy, SubmissionStatus
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.reflection import Submission
from lti_app.mentoring.services import submissions
from lti_app.mentoring.services.submissions import StaleSubmission
from tests.factories import make_cohort, make_course, make_enrolment, make_person, make_platform
from tests.factories_reflections import make_assignment, make_submission

NOW = utcnow()
TODAY = NOW.date()


@pytest.fixture
def cohort(app):
    return make_cohort(make_course(make_platform()))


@pytest.fixture
def writer(cohort):
    return make_enrolment(cohort, time_zone="Europe/London")


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def outbox_rows() -> list[GradeOutbox]:
    return list(db.session.scalars(select(GradeOutbox).order_by(GradeOutbox.id)))


def test_a_draft_is_saved_sanitised_and_sends_nothing_to_the_gradebook(cohort, writer):
    assignment = make_assignment(cohort)
    saved = submissions.save_draft(assignment, writer, "<p>Begun</p><img src=x onerror=alert(1)>", 0)
    assert (saved.submission.status, saved.submission.body, saved.outbox_ids) == (SubmissionStatus.DRAFT, "<p>Begun</p>", ())
    submissions.save_draft(assignment, writer, "<p>Begun, and more</p>", saved.submission.version)
    assert rows(Submission) == 1 and saved.submission.body == "<p>Begun, and more</p>" and outbox_rows() == []


def test_submitting_writes_the_submission_and_its_outbox_row_in_one_transaction(cohort, writer):
    assignment = make_assignment(cohort)
    db.session.commit()
    saved = submissions.submit_reflection(assignment, writer, "My reflection", 0, now=NOW)
    (entry,) = outbox_rows()
    assert saved.outbox_ids == (entry.id,)
    assert (saved.submission.status, saved.submission.submitted_at, saved.submission.late) == (SubmissionStatus.SUBMITTED, NOW, False)
    assert (entry.course_id, entry.person_id, entry.target, entry.target_id) == (cohort.course_id, writer.person_id, "reflection", assignment.id)
    assert (entry.activity_progress, entry.grading_progress, entry.score_given, entry.score_maximum) == ("Submitted", "PendingManual", None, None)
    db.session.rollback()  # the request failed before its commit: neither the submission nor its row survives
    assert rows(Submission) == 0 and rows(GradeOutbox) == 0


def test_submitting_twice_makes_one_submission_and_one_outbox_row(cohort, writer):
    assignment = make_assignment(cohort)
    first = submissions.submit_reflection(assignment, writer, "<p>Done</p>", 0)
    again = submissions.submit_reflection(assignment, writer, "<p>Done</p>", 0)  # the same page posted twice
    assert again.submission is first.submission and again.outbox_ids == ()
    assert rows(Submission) == 1 and len(outbox_rows()) == 1


def test_a_page_read_before_the_last_change_never_overwrites_it(cohort, writer):
    assignment = make_assignment(cohort)
    read_at = 0
    first_tab = submissions.save_draft(assignment, writer, "From the first tab", read_at).submission
    with pytest.raises(StaleSubmission) as refused:
        submissions.save_draft(assignment, writer, "From the second tab", read_at)
    assert refused.value.field == "body" and "another window" in refused.value.message
    with pytest.raises(StaleSubmission):
        submissions.submit_reflection(assignment, writer, "Submitted from the second tab", read_at)
    assert first_tab.body == "<p>From the first tab</p>" and first_tab.status is SubmissionStatus.DRAFT


def test_a_racing_first_save_meets_the_unique_constraint_and_is_refused(cohort, writer):
    assignment = make_assignment(cohort)
    make_submission(assignment, writer, status=SubmissionStatus.DRAFT, submitted_at=None, body="<p>Twin</p>")
    db.session.commit()
    # a request that looked before the twin's commit believes there is no submission yet
    with pytest.raises(StaleSubmission):
        submissions._write(assignment, writer, None, {"body": "<p>Mine</p>", "status": SubmissionStatus.DRAFT})
    db.session.rollback()  # what every refused request does
    assert rows(Submission) == 1 and db.session.scalar(select(Submission.body)) == "<p>Twin</p>"


def test_an_empty_reflection_cannot_be_submitted(cohort, writer):
    with pytest.raises(InvalidInput) as refused:
        submissions.submit_reflection(make_assignment(cohort), writer, "<p> </p>", 0)
    assert refused.value.field == "body" and rows(Submission) == 0


def test_nothing_can_be_written_before_the_reflection_opens(cohort, writer):
    assignment = make_assignment(cohort, opens_on=TODAY + timedelta(days=2), due_on=TODAY + timedelta(days=9))
    with pytest.raises(InvalidInput) as refused:
        submissions.save_draft(assignment, writer, "Early", 0)
    assert "opens on" in refused.value.message and rows(Submission) == 0


def test_after_the_due_date_without_late_work_drafts_and_submissions_are_refused(cohort, writer):
    assignment = make_assignment(cohort, opens_on=TODAY - timedelta(days=9), due_on=TODAY - timedelta(days=1))
    for action in (submissions.save_draft, submissions.submit_reflection):
        with pytest.raises(InvalidInput) as refused:
            action(assignment, writer, "Too late", 0)
        assert "has passed and this reflection does not accept late work" in refused.value.message
    assert rows(Submission) == 0 and outbox_rows() == []


def test_late_work_when_accepted_is_submitted_and_marked_late(cohort, writer):
    assignment = make_assignment(cohort, opens_on=TODAY - timedelta(days=9), due_on=TODAY - timedelta(days=1), accept_late=True)
    saved = submissions.submit_reflection(assignment, writer, "Late but here", 0)
    assert saved.submission.late is True and len(outbox_rows()) == 1


def test_the_due_day_ends_at_midnight_where_the_writer_lives(cohort):
    due = TODAY - timedelta(days=1)
    assignment = make_assignment(cohort, opens_on=due - timedelta(days=7), due_on=due, accept_late=True)
    moment = datetime.combine(due + timedelta(days=1), time(3, 0), tzinfo=timezone.utc)  # 20:00 the day before in LA
    in_los_angeles = make_enrolment(cohort, time_zone="America/Los_Angeles")
    in_berlin = make_enrolment(cohort, time_zone="Europe/Berlin")
    assert submissions.submit_reflection(assignment, in_los_angeles, "On time", 0, now=moment).submission.late is False
    assert submissions.submit_reflection(assignment, in_berlin, "Late", 0, now=moment).submission.late is True


def test_a_submitted_reflection_is_revised_until_the_due_date_without_a_new_gradebook_status(cohort, writer):
    assignment = make_assignment(cohort)
    saved = submissions.submit_reflection(assignment, writer, "First version", 0)
    revised = submissions.submit_reflection(assignment, writer, "Second version", saved.submission.version)
    assert (revised.submission.body, revised.submission.status, revised.outbox_ids) == ("<p>Second version</p>", SubmissionStatus.SUBMITTED, ())
    assert len(outbox_rows()) == 1
    with pytest.raises(InvalidInput) as refused:
        submissions.save_draft(assignment, writer, "Back to a draft?", revised.submission.version)
    assert "already submitted" in refused.value.message


def test_revising_after_the_due_date_depends_on_the_assignment(cohort, writer):
    until_due = make_assignment(cohort, opens_on=TODAY - timedelta(days=9), due_on=TODAY - timedelta(days=1), accept_late=True)
    submitted = make_submission(until_due, writer, submitted_at=NOW - timedelta(days=2))
    with pytest.raises(InvalidInput) as refused:
        submissions.submit_reflection(until_due, writer, "A change", submitted.version)
    assert "stays as it is" in refused.value.message
    until_graded = make_assignment(cohort, opens_on=TODAY - timedelta(days=9), due_on=TODAY - timedelta(days=1),
                                   accept_late=True, revise_until=RevisePolicy.UNTIL_GRADED)
    other = make_submission(until_graded, writer, submitted_at=NOW - timedelta(days=2))
    revised = submissions.submit_reflection(until_graded, writer, "A change", other.version).submission
    assert revised.body == "<p>A change</p>" and revised.late is True


def test_a_graded_reflection_is_never_revised(cohort, writer):
    assignment = make_assignment(cohort, revise_until=RevisePolicy.UNTIL_GRADED)
    graded = make_submission(assignment, writer, status=SubmissionStatus.GRADED, score=8.0)
    with pytest.raises(InvalidInput) as refused:
        submissions.submit_reflection(assignment, writer, "A change", graded.version)
    assert "graded" in refused.value.message and graded.body == "<p>I learnt a lot.</p>"


def test_a_writer_reaches_only_their_own_submissions(cohort, writer):
    submission = make_submission(make_assignment(cohort), writer)
    assert submissions.submission_of_writer(cohort.course_id, submission.id, writer.person_id) is submission
    someone_else = make_person(db.session.get(Platform, cohort.course.platform_id))
    with pytest.raises(NotFound):
        submissions.submission_of_writer(cohort.course_id, submission.id, someone_else.id)
    with pytest.raises(NotFound):
        submissions.submission_of_writer(cohort.course_id + 1, submission.id, writer.person_id)
