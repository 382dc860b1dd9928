"""The instructor's completion page through real launches: rules, evaluation, sync statuses, retrying refusals."""
from __future__ import annotations

import html as html_lib

import pytest

from lti_app.extensions import db
from lti_app.mentoring.domain.grade_states import GradeState
from lti_app.mentoring.models.completion import CohortCompletion
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import grade_outbox as outbox
from tests.factories_grades import FlakyScores, enable_completion, lms_person
from tests.factories_reflections import make_assignment
from tests.factories_workspace import make_meeting, make_pair, make_running_cohort
from tests.web.course_pages import OTHER_COURSE, commit, launch

RULES = {"enabled": "y", "min_meetings": "2", "require_goals_rerated": "y", "grade_points": "80", "score_maximum": "100"}


@pytest.fixture
def pair(teacher, platform):
    cohort = make_running_cohort(teacher.course, name="Pilot")
    mentor = lms_person(platform, teacher.course, platform.learners[0].sub)
    mentee = lms_person(platform, teacher.course, platform.learners[1].sub)
    pair = make_pair(cohort, mentor, mentee)
    commit()
    return pair


def page_of(session, cohort_id: int) -> str:
    response = session.get(f"instructor/cohorts/{cohort_id}/completion/")
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def test_the_cohort_page_links_to_completion_and_the_page_explains_the_rules(teacher, pair):
    cohort_page = teacher.get(f"instructor/cohorts/{pair.cohort_id}").get_data(as_text=True)
    assert f"/instructor/cohorts/{pair.cohort_id}/completion/" in cohort_page
    html = page_of(teacher, pair.cohort_id)
    assert "“Pilot: mentoring programme”" in html and "Completion is switched off for this cohort" in html
    assert '<label for="min_meetings">Meetings held, at least</label>' in html


def test_an_instructor_saves_the_rules(teacher, pair):
    response = teacher.post(f"instructor/cohorts/{pair.cohort_id}/completion/", RULES)
    assert response.status_code == 303
    settings = db.session.scalar(db.select(CohortCompletion).where(CohortCompletion.cohort_id == pair.cohort_id))
    assert (settings.enabled, settings.min_meetings, settings.require_goals_rerated, settings.grade_points) == (True, 2, True, 80)
    assert "0 of 2 meetings held" in page_of(teacher, pair.cohort_id)


def test_rules_that_would_complete_everyone_are_refused_next_to_the_field(teacher, pair):
    response = teacher.post(f"instructor/cohorts/{pair.cohort_id}/completion/", {**RULES, "min_meetings": "0",
                                                                                  "require_goals_rerated": ""})
    assert response.status_code == 422
    assert "Switch on at least one rule" in html_lib.unescape(response.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count(CohortCompletion.id))) == 0


def test_evaluate_now_completes_and_the_page_shows_each_programme_score_as_sent(teacher, pair, platform):
    enable_completion(db.session.get(type(pair.cohort), pair.cohort_id), min_meetings=1)
    make_meeting(pair)
    commit()
    response = teacher.post(f"instructor/cohorts/{pair.cohort_id}/completion/evaluate")
    assert response.status_code == 303
    assert len(platform.scores) == 2
    html = page_of(teacher, pair.cohort_id)
    assert "2 participants newly completed the programme." in html
    assert html.count("✓ 1 of 1 meeting held") == 2 and html.count(">sent ") == 2


def test_a_refused_score_is_listed_with_the_lms_message_and_retry_now_sends_it(teacher, pair, platform, monkeypatch):
    FlakyScores(platform, monkeypatch, [422])
    assignment = make_assignment(pair.cohort, title="Week 1")
    entry = outbox.record_score(course_id=teacher.course_id, person_id=pair.mentor.person_id, target="reflection",
                                target_id=assignment.id, activity_progress="Completed", grading_progress="FullyGraded",
                                score_given=6, score_maximum=10)
    commit()
    teacher.post(f"instructor/cohorts/{pair.cohort_id}/completion/evaluate")  # nobody completes; nothing sent
    from lti_app.tasks import grades as grade_sync

    grade_sync.dispatch([entry.id])
    html = page_of(teacher, pair.cohort_id)
    assert "Reflection: Week 1" in html and "refused by the LMS (422): Simulated answer 422" in html

    response = teacher.post(f"instructor/cohorts/{pair.cohort_id}/completion/retry", {"entry_id": str(entry.id)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(GradeOutbox, entry.id).state is GradeState.SENT
    assert "No score of this course is waiting to be sent or refused" in page_of(teacher, pair.cohort_id)


def test_retrying_a_score_of_another_course_changes_nothing(teacher, pair, app, platform):
    other = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    entry = outbox.record_score(course_id=other.course_id, person_id=pair.mentor.person_id, target="programme",
                                target_id=pair.cohort_id, activity_progress="Completed", grading_progress="FullyGraded",
                                score_given=1, score_maximum=1)
    outbox.mark_failed(entry, "no", 400)
    commit()
    teacher.post(f"instructor/cohorts/{pair.cohort_id}/completion/retry", {"entry_id": str(entry.id)})
    db.session.expire_all()
    assert db.session.get(GradeOutbox, entry.id).state is GradeState.FAILED


def test_learners_cannot_open_the_page_and_another_courses_cohort_is_not_found(app, platform, teacher, pair):
    learner = launch(app, platform, platform.learners[2].sub)
    assert learner.get(f"instructor/cohorts/{pair.cohort_id}/completion/").status_code == 403
    other = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    assert other.get(f"instructor/cohorts/{pair.cohort_id}/completion/").status_code == 404


def test_scores_to_retry_are_ticked_in_one_form_and_only_the_ticked_are_retried(teacher, pair):
    entries = [outbox.record_score(course_id=teacher.course_id, person_id=pair.mentor.person_id, target="programme",
                                   target_id=pair.cohort_id, activity_progress="Completed", grading_progress="FullyGraded",
                                   score_given=n, score_maximum=10) for n in (1, 2, 3)]
    for entry in entries:
        outbox.mark_failed(entry, "no", 400)
    commit()
    tried = [e.attempts for e in entries]
    html = page_of(teacher, pair.cohort_id)
    retry_url = f"/instructor/cohorts/{pair.cohort_id}/completion/retry"
    assert html.count(f'action="/courses/{teacher.course_id}{retry_url}"') == 1
    assert all(f'name="entry_id" value="{e.id}"' in html for e in entries)
    teacher.post(f"instructor/cohorts/{pair.cohort_id}/completion/retry", {"entry_id": [str(entries[0].id), str(entries[2].id)]})
    db.session.expire_all()
    now = [db.session.get(GradeOutbox, e.id) for e in entries]
    assert [row.attempts > before for row, before in zip(now, tried)] == [True, False, True]  # sent again, or not
    assert now[1].state is GradeState.FAILED
