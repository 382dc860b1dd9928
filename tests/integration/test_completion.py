"""Programme completion: evaluated from meetings, goals and reflections, recorded once, sent once; and the queued
send path on Redis (run by a burst worker)."""
from __future__ import annotations

import os
import uuid

import pytest

from lti_app.tasks import jobs
from lti_app.extensions import db
from lti_app.mentoring.domain.grade_states import GradeState
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.reflections import Audience, SubmissionStatus
from lti_app.mentoring.models.completion import Completion
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import completion
from lti_app.tasks import grades as grade_sync
from tests.factories_grades import enable_completion, gradebook_course, lms_person
from tests.factories_reflections import make_assignment, make_submission
from tests.factories_workspace import (
    make_goal,
    make_meeting,
    make_pair,
    make_running_cohort,
)
from tests.markers import needs_redis

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.fixture
def cohort(app):
    return make_running_cohort()


def outbox_rows() -> list[GradeOutbox]:
    return list(db.session.scalars(db.select(GradeOutbox).order_by(GradeOutbox.id)))


def test_participants_who_meet_the_rules_complete_with_a_programme_score_in_the_same_transaction(cohort):
    enable_completion(cohort, min_meetings=2, grade_points=90, score_maximum=100)
    busy, idle = make_pair(cohort), make_pair(cohort)
    make_meeting(busy), make_meeting(busy), make_meeting(idle)

    done = completion.evaluate_completion(cohort)

    assert sorted(c.enrolment_id for c in done) == sorted([busy.mentor_enrolment_id, busy.mentee_enrolment_id])
    rows = outbox_rows()
    assert [(r.person_id, r.target, r.target_id) for r in rows] == [
        (c.enrolment.person_id, "programme", cohort.id) for c in done]
    assert {(r.activity_progress, r.grading_progress, r.score_given, r.score_maximum, r.state) for r in rows} == {
        ("Completed", "FullyGraded", 90, 100, GradeState.PENDING)}
    assert [c.outbox_id for c in done] == [r.id for r in rows]
    db.session.rollback()  # flushed, not committed: the caller's transaction decides
    assert outbox_rows() == [] and db.session.scalar(db.select(db.func.count(Completion.id))) == 0


def test_a_participant_completes_once_however_often_it_is_evaluated(cohort):
    enable_completion(cohort, min_meetings=1)
    make_meeting(make_pair(cohort))
    assert len(completion.evaluate_completion(cohort)) == 2
    assert completion.evaluate_completion(cohort) == []
    assert len(outbox_rows()) == 2


def test_nothing_is_evaluated_while_completion_is_off(cohort):
    enable_completion(cohort, enabled=False)
    make_meeting(make_pair(cohort))
    assert completion.evaluate_completion(cohort) == []
    assert outbox_rows() == []


def test_a_cohort_without_completion_settings_is_left_alone(cohort):
    make_meeting(make_pair(cohort))
    assert completion.evaluate_completion(cohort) == []


def test_goals_must_be_rerated_by_both_partners(cohort):
    enable_completion(cohort, min_meetings=0, require_goals_rerated=True)
    rerated, halfway = make_pair(cohort), make_pair(cohort)
    make_goal(rerated, end_rating_owner=4, end_rating_partner=3)
    make_goal(halfway, end_rating_owner=4)
    done = {c.enrolment_id for c in completion.evaluate_completion(cohort)}
    assert done == {rerated.mentor_enrolment_id, rerated.mentee_enrolment_id}


def test_reflections_count_only_for_the_side_they_are_assigned_to(cohort):
    enable_completion(cohort, min_meetings=0, require_all_reflections=True)
    pair = make_pair(cohort)
    for_mentees = make_assignment(cohort, audience=Audience.MENTEES)
    for_both = make_assignment(cohort, audience=Audience.BOTH)
    make_submission(for_both, pair.mentor)
    make_submission(for_both, pair.mentee, SubmissionStatus.GRADED, score=8)
    make_submission(for_mentees, pair.mentee, SubmissionStatus.DRAFT)

    standing = {s.enrolment.id: s.check for s in completion.standings(cohort)}
    assert standing[pair.mentor_enrolment_id].complete
    assert [r.label for r in standing[pair.mentee_enrolment_id].results] == ["1 of 2 reflections submitted"]
    assert [c.enrolment_id for c in completion.evaluate_completion(cohort)] == [pair.mentor_enrolment_id]


def test_withdrawn_participants_do_not_complete(cohort):
    enable_completion(cohort, min_meetings=1)
    pair = make_pair(cohort)
    make_meeting(pair)
    pair.mentee.status = EnrolmentStatus.WITHDRAWN
    assert [c.enrolment_id for c in completion.evaluate_completion(cohort)] == [pair.mentor_enrolment_id]


def test_settings_are_saved_and_refused_when_they_make_no_sense(cohort):
    saved = completion.update_completion_settings(cohort, enabled=True, min_meetings=3, require_goals_rerated=False,
                                                  require_all_reflections=True, grade_points=50, score_maximum=60)
    assert (saved.id is not None, saved.min_meetings, saved.score_maximum) == (True, 3, 60)
    from lti_app.mentoring.errors import InvalidInput

    with pytest.raises(InvalidInput):
        completion.update_completion_settings(cohort, enabled=True, min_meetings=0, require_goals_rerated=False,
                                              require_all_reflections=False, grade_points=50, score_maximum=60)


# -- sent to the LMS ----------------------------------------------------------------------------------------
@pytest.fixture
def lms_pair(platform):
    course = gradebook_course(platform)
    cohort = make_running_cohort(course, name="Pilot")
    mentor = lms_person(platform, course, platform.learners[0].sub)
    mentee = lms_person(platform, course, platform.learners[1].sub)
    enable_completion(cohort, min_meetings=1, grade_points=90, score_maximum=100)
    pair = make_pair(cohort, mentor, mentee)
    db.session.commit()
    return pair


def noted_and_committed(enrolment_ids: list[int]) -> list[int]:
    """Note activity of these participants, then run the commit point's end: the outbox ids it dispatched."""
    completion.note_activity(enrolment_ids)
    return grade_sync.commit_and_dispatch()


def test_logged_activity_completes_those_people_and_sends_their_programme_score_once(platform, lms_pair):
    make_meeting(lms_pair)
    db.session.commit()
    ids = noted_and_committed([lms_pair.mentor_enrolment_id])  # what the meeting view's commit point does

    (score,) = platform.scores
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == (platform.learners[0].sub, 90, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert db.session.get(GradeOutbox, ids[0]).state is GradeState.SENT
    assert noted_and_committed([lms_pair.mentor_enrolment_id]) == []
    assert len(platform.scores) == 1


def test_grades_sync_evaluates_completion_and_sends_it(platform, lms_pair, cli):
    make_meeting(lms_pair)
    db.session.commit()
    result = cli("grades", "sync")
    assert "Sent 2, still pending 0, failed 0" in result.output and "newly completed 2" in result.output
    assert sorted(s["userId"] for s in platform.scores) == sorted(p.sub for p in platform.learners[:2])
    assert "Sent 0" in cli("grades", "sync").output and len(platform.scores) == 2


@needs_redis
def test_on_the_queue_the_score_waits_for_the_worker_which_sends_it(app, platform, lms_pair, cli):
    app.config.update(JOBS_ASYNC=True, REDIS_URL=REDIS_URL, JOBS_QUEUE=f"rementor-test-{uuid.uuid4().hex[:8]}")
    make_meeting(lms_pair)
    db.session.commit()
    ids = noted_and_committed([lms_pair.mentor_enrolment_id, lms_pair.mentee_enrolment_id])
    assert len(ids) == 2 and platform.scores == []  # queued, not sent
    assert jobs.queue(app).count == 1

    result = cli("worker", "--burst")
    assert result.exit_code == 0, result.output
    assert len(platform.scores) == 2
    db.session.expire_all()
    assert {db.session.get(GradeOutbox, i).state for i in ids} == {GradeState.SENT}
    jobs.queue(app).delete(delete_jobs=True)
