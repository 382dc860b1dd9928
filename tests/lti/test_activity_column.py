"""Grades where Moodle puts them: a launch of the activity carries the AGS ``lineitem`` of the column the LMS made
for it; the programme's grade goes there, and a column of its own is created only when the platform gave none."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.lti.models import LtiContext
from lti_app.mentoring.models.completion import CohortCompletion
from lti_app.mentoring.services import grade_outbox as outbox
from lti_app.tasks import grades as grade_sync
from tests.factories import make_cohort
from tests.factories_grades import enable_completion, gradebook_course, lms_person
from tests.lti_platform import LmsBrowser


@pytest.fixture
def course(platform):
    return gradebook_course(platform)


@pytest.fixture
def learner(platform, course):
    return lms_person(platform, course, platform.learners[0].sub)


def completed(course, learner, cohort) -> None:
    entry = outbox.record_score(course_id=course.id, person_id=learner.id, target="programme", target_id=cohort.id,
                                activity_progress="Completed", grading_progress="FullyGraded", score_given=80,
                                score_maximum=100)
    db.session.commit()
    grade_sync.dispatch([entry.id])


def programme_columns(platform) -> list[dict]:
    return [item for item in platform.line_items.values() if item.get("tag") == "programme"]


def context_of(course) -> LtiContext:
    from lti_app.tasks.course_contexts import course_context

    db.session.expire_all()
    return course_context(course.id)


def test_a_launch_of_the_activity_keeps_its_column(client, platform):
    assert LmsBrowser(client, platform).launch(platform.learners[0].sub).status_code == 200
    row = db.session.scalar(select(LtiContext))
    assert row.activity_lineitem_url == platform.line_items["1"]["id"]


def test_the_programme_grade_goes_to_the_activity_s_column_and_no_column_is_created(platform, course, learner):
    context_of(course).activity_lineitem_url = platform.line_items["1"]["id"]
    cohort = make_cohort(course, name="Spring pilot")
    enable_completion(cohort, grade_points=80, score_maximum=100)
    completed(course, learner, cohort)

    assert programme_columns(platform) == []
    assert platform.results["1"][learner.subject]["scoreGiven"] == 80
    db.session.expire_all()
    assert db.session.scalar(select(CohortCompletion)).lineitem_url == platform.line_items["1"]["id"]


def test_without_the_activity_s_column_the_programme_gets_its_own(platform, course, learner):
    cohort = make_cohort(course, name="Spring pilot")
    enable_completion(cohort, grade_points=80, score_maximum=100)
    completed(course, learner, cohort)
    (item,) = programme_columns(platform)
    assert item["label"] == "Spring pilot: mentoring programme"


def test_a_second_cohort_of_the_course_gets_a_column_of_its_own(platform, course, learner):
    context_of(course).activity_lineitem_url = platform.line_items["1"]["id"]
    first, second = make_cohort(course, name="Spring"), make_cohort(course, name="Autumn")
    enable_completion(first, grade_points=80, score_maximum=100)
    enable_completion(second, grade_points=80, score_maximum=100)
    completed(course, learner, first)
    completed(course, learner, second)
    assert [item["label"] for item in programme_columns(platform)] == ["Autumn: mentoring programme"]


def test_a_waiting_score_says_a_reload_shows_it_sent_and_the_reload_does(platform, course, learner, monkeypatch):
    from lti_app.mentoring.domain.grade_states import GradeState
    from lti_app.mentoring.models.grade_outbox import GradeOutbox

    cohort = make_cohort(course, name="Spring pilot")
    enable_completion(cohort, grade_points=80, score_maximum=100)
    entry = outbox.record_score(course_id=course.id, person_id=learner.id, target="programme", target_id=cohort.id,
                                activity_progress="Completed", grading_progress="FullyGraded", score_given=80,
                                score_maximum=100)
    db.session.commit()
    waiting = outbox.sync_statuses("programme", cohort.id, [learner.id])[learner.id]
    assert waiting.label == "waiting to send (usually sent within seconds: reload this page to see it sent)"
    grade_sync.dispatch([entry.id])
    db.session.expire_all()
    assert db.session.get(GradeOutbox, entry.id).state is GradeState.SENT
    sent = outbox.sync_statuses("programme", cohort.id, [learner.id])[learner.id]
    assert sent.label.startswith("sent ")
