"""A learner's surveys through real launches: due on the home and in the workspace, answered once per round,
changed until the round closes, marked late after it; an early ended pair opens an exit survey for both."""
from __future__ import annotations

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.surveys import SurveyKind
from lti_app.mentoring.models.survey import SurveyAnswer, SurveyRound
from lti_app.mentoring.services import pair_admin, surveys
from tests.factories_surveys import make_round
from tests.web.course_pages import commit
from tests.web.pair_world import make_world, person

ANSWERS = {"satisfaction": "4", "usefulness": "5", "progress": "3", "learned": "Prompting", "recommend": "9"}


def answers() -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyAnswer))


def url(world, round_id) -> str:
    return f"learner/cohorts/{world.cohort.id}/surveys/{round_id}"


def test_a_due_pulse_shows_on_the_home_and_workspace_and_the_page_speaks_of_anonymity_first(app, platform):
    world = make_world(app, platform)
    round_ = make_round(world.cohort)
    commit()
    mentor = world.sessions["mentor"]
    assert "Pulse survey, round 1" in mentor.get("learner/").get_data(as_text=True)
    assert "Pulse survey, round 1" in mentor.get(world.learner_url()).get_data(as_text=True)
    page = mentor.get(url(world, round_.id)).get_data(as_text=True)
    assert page.index("who sees what") < page.index("How satisfied are you with your partner?")
    assert "at least 5 people" in page
    assert "Pulse survey" not in world.sessions["stranger"].get("learner/").get_data(as_text=True)


def test_an_answer_is_stored_once_and_can_be_changed_until_the_round_closes(app, platform):
    world = make_world(app, platform)
    round_ = make_round(world.cohort)
    commit()
    mentor = world.sessions["mentor"]
    assert mentor.post(url(world, round_.id), ANSWERS).status_code == 303
    assert mentor.post(url(world, round_.id), ANSWERS).status_code == 303  # a double submit
    assert mentor.post(url(world, round_.id), ANSWERS | {"satisfaction": "2"}).status_code == 303
    stored = db.session.scalars(select(SurveyAnswer)).all()
    assert len(stored) == 1 and stored[0].values["satisfaction"] == 2 and not stored[0].late
    assert stored[0].role == "mentor"


def test_a_late_answer_is_marked_late_and_a_closed_answer_cannot_change(app, platform):
    world = make_world(app, platform)
    closed = make_round(world.cohort, days_open=-1, opened_days_ago=20)
    commit()
    mentor = world.sessions["mentor"]
    assert "closed; a late answer" in mentor.get("learner/").get_data(as_text=True)
    assert mentor.post(url(world, closed.id), ANSWERS).status_code == 303
    assert db.session.scalar(select(SurveyAnswer.late)) is True
    again = mentor.post(url(world, closed.id), ANSWERS | {"satisfaction": "1"})
    assert again.status_code == 404  # no longer asked: answered and closed
    assert db.session.scalar(select(SurveyAnswer.values))["satisfaction"] == 4 and answers() == 1


def test_missing_or_wrong_answers_are_refused_without_a_500(app, platform):
    world = make_world(app, platform)
    round_ = make_round(world.cohort)
    commit()
    mentor = world.sessions["mentor"]
    for bad in ({}, ANSWERS | {"satisfaction": "9"}, ANSWERS | {"recommend": "ten"}, ANSWERS | {"usefulness": "-1"}):
        page = mentor.post(url(world, round_.id), bad)
        assert page.status_code == 422, bad
    assert answers() == 0
    for path in (url(world, 2_147_483_647), url(world, 99999999999), f"learner/cohorts/999/surveys/{round_.id}",
                 f"learner/cohorts/{world.cohort.id}/surveys/abc"):
        assert mentor.get(path).status_code == 404, path
    assert world.sessions["stranger"].get(url(world, round_.id)).status_code == 404


def test_a_pair_ended_early_opens_an_exit_survey_for_both_with_the_reason(app, platform):
    world = make_world(app, platform)
    teacher = person(platform.instructor.sub)
    pair_admin.end_pair(world.pair, teacher, "The mentor moved to another team.")
    commit()
    exit_round = db.session.scalar(select(SurveyRound).where(SurveyRound.pair_id == world.pair.id))
    assert exit_round.reason == "The mentor moved to another team."
    assert exit_round.survey.kind is SurveyKind.EXIT
    for side in ("mentor", "mentee"):
        page = world.sessions[side].get(url(world, exit_round.id))
        assert page.status_code == 200 and "moved to another team" in page.get_data(as_text=True)
    assert world.sessions["stranger"].get(url(world, exit_round.id)).status_code == 404
    assert surveys.due_for(world.pair.mentor, exit_round.opens_at)  # asked at once


def test_an_unanswered_round_is_a_line_of_whats_next_until_it_is_answered(app, platform):
    world = make_world(app, platform)
    round_ = make_round(world.cohort)
    commit()
    mentor = world.sessions["mentor"]
    home = mentor.get("learner/").get_data(as_text=True)
    section = home[home.index('id="whats-next"'):]
    assert f'/learner/cohorts/{world.cohort.id}/surveys/{round_.id}"' in section.split("</section>")[0]
    assert "Answer the pulse survey" in section.split("</section>")[0]
    assert mentor.post(url(world, round_.id), ANSWERS).status_code == 303
    home = mentor.get("learner/").get_data(as_text=True)
    assert "Answer the pulse survey" not in home
