"""Grade sync against the simulated LMS: exact score fields, columns found or created, failures that wait and
failures that are refused, only learners, order per person, no double sends, and the `grades` commands."""
from __future__ import annotations

import os
import re
import uuid
from datetime import datetime, timedelta

import pytest

from lti_app.tasks import jobs
from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.grade_states import GradeState
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import grade_outbox as outbox
from lti_app.tasks import grades as grade_sync
from tests.factories import make_cohort, make_course
from tests.factories_grades import (
    CONNECTION_ERROR,
    Clock,
    FlakyScores,
    enable_completion,
    gradebook_course,
    lms_person,
)
from tests.factories_reflections import make_assignment
from tests.markers import needs_redis

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")


@pytest.fixture
def course(platform):
    return gradebook_course(platform)


@pytest.fixture
def learner(platform, course):
    return lms_person(platform, course, platform.learners[0].sub)


@pytest.fixture
def assignment(course):
    return make_assignment(make_cohort(course), title="First reflection", points=10)


def submitted(course, person, assignment) -> GradeOutbox:
    return outbox.record_score(course_id=course.id, person_id=person.id, target="reflection", target_id=assignment.id,
                               activity_progress="Submitted", grading_progress="PendingManual")


def graded(course, person, assignment, score=7.5, comment="Thoughtful.") -> GradeOutbox:
    return outbox.record_score(course_id=course.id, person_id=person.id, target="reflection", target_id=assignment.id,
                               activity_progress="Completed", grading_progress="FullyGraded", score_given=score,
                               score_maximum=assignment.points, comment=comment)


def commit_and_dispatch(*entries: GradeOutbox) -> list[int]:
    ids = [e.id for e in entries]
    db.session.commit()
    grade_sync.dispatch(ids)
    return ids


def row(entry_id: int) -> GradeOutbox:
    db.session.expire_all()
    return db.session.get(GradeOutbox, entry_id)


def test_a_submission_and_then_its_grade_reach_the_lms_with_exactly_the_right_fields(platform, learner, course, assignment):
    first, second = submitted(course, learner, assignment), graded(course, learner, assignment)
    commit_and_dispatch(first, second)

    sent_submission, sent_grade = platform.scores
    assert sent_submission == {"userId": learner.subject, "activityProgress": "Submitted",
                               "gradingProgress": "PendingManual", "timestamp": sent_submission["timestamp"]}
    assert sent_grade == {"userId": learner.subject, "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                          "scoreGiven": 7.5, "scoreMaximum": 10, "comment": "Thoughtful.",
                          "timestamp": sent_grade["timestamp"]}
    stamps = [datetime.fromisoformat(s["timestamp"]) for s in platform.scores]
    assert all(TIMESTAMP.fullmatch(s["timestamp"]) for s in platform.scores)
    assert stamps[1] > stamps[0]
    assert [row(i).state for i in (first.id, second.id)] == [GradeState.SENT, GradeState.SENT]


def test_the_column_is_created_once_with_label_maximum_resource_id_and_tag_and_kept_on_the_assignment(
        platform, learner, course, assignment):
    commit_and_dispatch(submitted(course, learner, assignment))
    commit_and_dispatch(graded(course, learner, assignment))

    created = [item for item in platform.line_items.values() if item.get("resourceId") == f"reflection-{assignment.id}"]
    assert len(created) == 1
    assert (created[0]["label"], created[0]["scoreMaximum"], created[0]["tag"]) == ("First reflection", 10, "reflection")
    db.session.expire_all()
    assert assignment.lineitem_url == created[0]["id"]
    item_id = created[0]["id"].rsplit("/", 1)[1]
    assert platform.results[item_id][learner.subject]["scoreGiven"] == 7.5


def test_a_column_placed_by_deep_linking_is_used_as_it_is(platform, learner, course, assignment):
    assignment.lineitem_url = f"{platform.lineitems_url}/1"  # the placed link's column, learnt from its launch
    commit_and_dispatch(graded(course, learner, assignment, score=9))

    assert [url for method, url in platform.calls if "/lineitems" in url] == [f"{platform.lineitems_url}/1/scores"]
    assert platform.results["1"][learner.subject]["scoreGiven"] == 9


def test_the_programme_column_is_named_after_the_cohort_and_carries_the_completion_grade(platform, learner, course):
    cohort = make_cohort(course, name="Spring pilot")
    enable_completion(cohort, grade_points=80, score_maximum=100)
    entry = outbox.record_score(course_id=course.id, person_id=learner.id, target="programme", target_id=cohort.id,
                                activity_progress="Completed", grading_progress="FullyGraded", score_given=80,
                                score_maximum=100)
    commit_and_dispatch(entry)

    (item,) = [i for i in platform.line_items.values() if i.get("tag") == "programme"]
    assert (item["label"], item["resourceId"], item["scoreMaximum"]) == ("Spring pilot: mentoring programme",
                                                                         f"programme-{cohort.id}", 100)
    (score,) = platform.scores
    assert (score["scoreGiven"], score["scoreMaximum"], score["activityProgress"]) == (80, 100, "Completed")


def test_a_platform_that_fails_twice_then_recovers_gets_the_score_once_after_waiting_30_then_60_seconds(
        platform, learner, course, assignment, monkeypatch):
    clock = Clock(monkeypatch)
    flaky = FlakyScores(platform, monkeypatch, [503, CONNECTION_ERROR])
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))

    first = row(entry_id)
    assert (first.state, first.attempts, first.last_status_code) == (GradeState.PENDING, 1, None)
    assert "503" in first.last_error
    assert first.next_attempt_at == clock.now + timedelta(seconds=30)
    assert outbox.pending_ids(clock.now) == []  # not due yet

    clock.advance(29)
    grade_sync.dispatch([entry_id])  # a retry of the job, or another score of the person, before the wait is over
    assert (flaky.attempts, row(entry_id).attempts) == (1, 1)

    clock.advance(1)
    grade_sync.dispatch([entry_id])  # the queue's retry, once due
    second = row(entry_id)
    assert (second.state, second.attempts) == (GradeState.PENDING, 2)
    assert "could not be reached" in second.last_error
    assert second.next_attempt_at == clock.now + timedelta(seconds=60)

    clock.advance(59)
    grade_sync.dispatch([entry_id])
    assert flaky.attempts == 2
    clock.advance(1)
    grade_sync.dispatch([entry_id])
    sent = row(entry_id)
    assert (sent.state, sent.attempts, sent.last_error) == (GradeState.SENT, 3, None)
    assert flaky.attempts == 3
    assert len(platform.scores) == 1 and platform.scores[0]["scoreGiven"] == 7.5


def test_a_retried_job_after_success_sends_nothing_again(platform, learner, course, assignment):
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))
    assert grade_sync.send_grades([entry_id]) == {}  # what a retry of the queued job would do
    grade_sync.dispatch([entry_id])
    assert len(platform.scores) == 1
    assert row(entry_id).attempts == 1


def test_a_refusal_is_recorded_with_the_platforms_message_and_not_retried(platform, learner, course, assignment, monkeypatch):
    FlakyScores(platform, monkeypatch, [400])
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))

    refused = row(entry_id)
    assert (refused.state, refused.last_status_code, refused.last_error) == (GradeState.FAILED, 400, "Simulated answer 400")
    status = outbox.sync_statuses("reflection", assignment.id, [learner.id])[learner.id]
    assert (status.state, status.label) == ("failed", "refused by the LMS (400): Simulated answer 400")
    grade_sync.dispatch([entry_id])
    assert platform.scores == [] and row(entry_id).attempts == 1


def test_a_conflict_on_the_timestamp_waits_and_is_sent_later(platform, learner, course, assignment, monkeypatch):
    clock = Clock(monkeypatch)
    FlakyScores(platform, monkeypatch, [409])
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))
    assert (row(entry_id).state, row(entry_id).last_status_code) == (GradeState.PENDING, 409)
    clock.advance(30)
    grade_sync.dispatch([entry_id])
    assert row(entry_id).state is GradeState.SENT


def test_only_learners_are_sent_and_the_others_say_why(platform, course, assignment):
    assistant = lms_person(platform, course, platform.teaching_assistant.sub, CourseRole.TEACHING_ASSISTANT)
    entry_id, = commit_and_dispatch(graded(course, assistant, assignment))

    kept = row(entry_id)
    assert kept.state is GradeState.NOT_SENDABLE
    assert platform.scores == [] and platform.token_requests == []
    label = outbox.sync_statuses("reflection", assignment.id, [assistant.id])[assistant.id].label
    assert label == f"not sent: {assistant.display_name} is a teaching assistant in the course; the LMS takes grades for learners only"


def test_the_stored_reason_stays_english_when_a_german_page_grades_an_assistant(app, platform, course, assignment):
    assistant = lms_person(platform, course, platform.teaching_assistant.sub, CourseRole.TEACHING_ASSISTANT)
    with app.test_request_context(headers={"Accept-Language": "de"}):
        entry_id, = commit_and_dispatch(graded(course, assistant, assignment))
        label = outbox.sync_statuses("reflection", assignment.id, [assistant.id])[assistant.id].label
    assert row(entry_id).last_error.endswith("is a teaching assistant in the course; the LMS takes grades for learners only")
    assert label.startswith("nicht gesendet: ") and "teaching assistant" in label  # the detail as stored, in English


def test_a_newer_score_waits_behind_an_older_one_and_both_go_out_in_order(platform, learner, course, assignment, monkeypatch):
    clock = Clock(monkeypatch)
    flaky = FlakyScores(platform, monkeypatch, [503, 503])
    older, = commit_and_dispatch(submitted(course, learner, assignment))
    newer, = commit_and_dispatch(graded(course, learner, assignment))  # the older one is not due: nothing is tried

    assert flaky.attempts == 1 and (row(older).attempts, row(newer).attempts) == (1, 0)
    assert row(older).state is GradeState.PENDING and row(newer).state is GradeState.PENDING
    status = outbox.sync_statuses("reflection", assignment.id, [learner.id])[learner.id]
    assert status.label == "waiting to send (after an earlier score for the same person)"

    clock.advance(30)
    grade_sync.dispatch([newer])  # the older one first: down again, so the newer one still waits
    assert flaky.attempts == 2 and (row(older).attempts, row(newer).attempts) == (2, 0)
    clock.advance(60)
    grade_sync.dispatch([newer])
    assert [s["activityProgress"] for s in platform.scores] == ["Submitted", "Completed"]
    assert row(older).sent_at <= row(newer).sent_at
    item_id = assignment.lineitem_url.rsplit("/", 1)[1]
    assert platform.results[item_id][learner.subject]["gradingProgress"] == "FullyGraded"


def test_an_older_score_is_never_sent_after_a_newer_one(platform, learner, course, assignment):
    older, newer = submitted(course, learner, assignment), graded(course, learner, assignment)
    # the newer one went out first (say the older one's transaction committed later): the older is history
    outbox.mark_sent(newer, f"{platform.lineitems_url}/1")
    db.session.commit()
    grade_sync.dispatch([older.id])

    assert row(older.id).state is GradeState.SUPERSEDED
    assert platform.scores == []
    status = outbox.sync_statuses("reflection", assignment.id, [learner.id])[learner.id]
    assert status.state == "sent" and status.label.startswith("sent ")


def test_a_course_without_the_grade_service_keeps_the_score_as_refused_with_a_clear_reason(platform):
    course = make_course(platform.registration)  # no launch ever carried the AGS claim
    learner = lms_person(platform, course, platform.learners[1].sub)
    assignment = make_assignment(make_cohort(course))
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))

    refused = row(entry_id)
    assert refused.state is GradeState.FAILED
    assert "grade service" in refused.last_error
    assert platform.scores == []


def test_dispatch_never_raises_when_the_lms_is_down(platform, learner, course, assignment, monkeypatch):
    FlakyScores(platform, monkeypatch, [CONNECTION_ERROR])
    entry = graded(course, learner, assignment)
    db.session.commit()
    assert grade_sync.dispatch([entry.id]) is None
    assert row(entry.id).state is GradeState.PENDING


def test_grades_sync_resends_what_is_due_and_prints_the_counts(platform, learner, course, assignment, monkeypatch, cli):
    FlakyScores(platform, monkeypatch, [503])
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))
    db.session.execute(db.update(GradeOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    result = cli("grades", "sync")
    assert result.exit_code == 0, result.output
    assert "Sent 1, still pending 0, failed 0" in result.output
    assert row(entry_id).state is GradeState.SENT and len(platform.scores) == 1

    status = cli("grades", "status")
    assert "sent\t1" in status.output and "pending\t0" in status.output


def test_grades_sync_leaves_scores_that_are_not_due_yet(platform, learner, course, assignment, monkeypatch, cli):
    FlakyScores(platform, monkeypatch, [503])
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))
    result = cli("grades", "sync")
    assert "Sent 0, still pending 1, failed 0" in result.output
    assert row(entry_id).attempts == 1


@needs_redis
def test_a_queued_send_that_meets_a_down_lms_is_retried_by_the_queue_and_sent_once(
        app, platform, learner, course, assignment, monkeypatch, cli):
    app.config.update(JOBS_ASYNC=True, REDIS_URL=os.environ.get("REDIS_URL"), GRADE_SYNC_BACKOFF_BASE_SECONDS=0,
                      JOBS_QUEUE=f"rementor-test-{uuid.uuid4().hex[:8]}")
    flaky = FlakyScores(platform, monkeypatch, [503, CONNECTION_ERROR])
    entry_id, = commit_and_dispatch(graded(course, learner, assignment))
    assert flaky.attempts == 0 and row(entry_id).state is GradeState.PENDING  # queued

    result = cli("worker", "--burst")
    assert result.exit_code == 0, result.output
    assert flaky.attempts == 3 and len(platform.scores) == 1
    assert (row(entry_id).state, row(entry_id).attempts) == (GradeState.SENT, 3)
    jobs.queue(app).delete(delete_jobs=True)


def test_once_the_lms_is_unreachable_the_other_scores_of_the_course_wait_as_long_as_the_first(
        platform, learner, course, assignment, monkeypatch):
    clock = Clock(monkeypatch)
    flaky = FlakyScores(platform, monkeypatch, [CONNECTION_ERROR])
    other = lms_person(platform, course, platform.learners[1].sub)
    first, second = graded(course, learner, assignment), graded(course, other, assignment)
    commit_and_dispatch(first, second)

    assert flaky.attempts == 1  # one timeout, not one per person
    assert (row(first.id).attempts, row(second.id).attempts) == (1, 0)
    assert row(second.id).next_attempt_at == row(first.id).next_attempt_at == clock.now + timedelta(seconds=30)
    assert "could not be reached" in row(second.id).last_error
    assert outbox.pending_ids(clock.now) == []  # the next `grades sync` leaves them until then

    clock.advance(30)
    grade_sync.send_entries(None)
    assert (row(first.id).state, row(second.id).state) == (GradeState.SENT, GradeState.SENT)
    assert flaky.attempts == 3
