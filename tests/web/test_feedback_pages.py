"""The partners' feedback pages through real launches: giving a round once, rounds not yet due, the fit check."""
from __future__ import annotations

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.models.feedback import Feedback, FitCheck
from lti_app.mentoring.models.workspace import Meeting
from tests.factories_workspace import make_meeting
from tests.web.course_pages import commit
from tests.web.pair_world import FEEDBACK, make_world

ANSWERS = {"working": "Your patience.", "not_working": "We run out of time.", "change": "Send an agenda first.",
           "satisfaction": "4"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_partner_gives_the_due_round_and_the_other_reads_it(app, platform):
    world = make_world(app, platform)
    mentor = world.sessions["mentor"]
    overview = mentor.get(world.learner_url()).get_data(as_text=True)
    assert "due</span> round 1" in overview and "Fit check" in overview  # the workspace's partial
    form = mentor.get(world.learner_url("feedback/1"))
    assert form.status_code == 200 and "What is working" in form.get_data(as_text=True)
    given = mentor.post(world.learner_url("feedback/1"), ANSWERS)
    assert given.status_code == 303 and given.headers["Location"].endswith(world.learner_url("feedback/"))
    assert "due</span>" not in mentor.get(world.learner_url()).get_data(as_text=True)
    seen_by_mentee = world.sessions["mentee"].get(world.learner_url("feedback/")).get_data(as_text=True)
    assert "Send an agenda first." in seen_by_mentee and "4 of 5" in seen_by_mentee
    assert FEEDBACK in mentor.get(world.learner_url("feedback/")).get_data(as_text=True)  # the mentee's, given before


def test_a_double_submit_keeps_one_feedback_and_shows_it(app, platform):
    world = make_world(app, platform)
    mentor = world.sessions["mentor"]
    mentor.post(world.learner_url("feedback/1"), ANSWERS)
    again = mentor.post(world.learner_url("feedback/1"), ANSWERS | {"working": "Changed my mind."})
    assert again.status_code == 303
    page = mentor.get(world.learner_url("feedback/")).get_data(as_text=True)
    assert "You have given your feedback for round 1" in page and "Changed my mind." not in page
    assert count(Feedback) == 2  # the mentee's and the mentor's one


def test_a_round_not_yet_due_is_refused_with_a_message_and_nothing_written(app, platform):
    world = make_world(app, platform, days=10)
    mentor = world.sessions["mentor"]
    for answer in (mentor.get(world.learner_url("feedback/1")), mentor.post(world.learner_url("feedback/1"), ANSWERS),
                   mentor.post(world.learner_url("feedback/2"), ANSWERS)):
        assert answer.status_code == 400 and "is not due yet" in answer.get_data(as_text=True)
    assert count(Feedback) == 1  # the one the world was built with
    assert "The first round falls due on" in mentor.get(world.learner_url("feedback/")).get_data(as_text=True)


def test_missing_answers_are_shown_next_to_their_fields_and_nothing_is_written(app, platform):
    world = make_world(app, platform)
    answer = world.sessions["mentor"].post(world.learner_url("feedback/1"), ANSWERS | {"change": "  ", "satisfaction": "9"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Name one thing to change." in html and "Not a valid choice" in html
    assert count(Feedback) == 1


def test_the_fit_check_opens_after_a_meeting_and_is_answered_once(app, platform):
    world = make_world(app, platform)
    mentee = world.sessions["mentee"]
    first = mentee.post(world.learner_url("fit-check"), {"answer": "want_new_partner", "comment": "No shared time."})
    assert first.status_code == 303 and count(FitCheck) == 1
    second = mentee.post(world.learner_url("fit-check"), {"answer": "going_well"})
    assert second.status_code == 303
    page = mentee.get(world.learner_url("fit-check")).get_data(as_text=True)
    assert "it is answered once" in page and "I would like a new partner" in page
    assert count(FitCheck) == 1
    flagged = world.teacher.get(world.pairs_url()).get_data(as_text=True)
    assert "Asks for a new partner" in flagged


def test_the_fit_check_before_any_meeting_is_refused_and_writes_nothing(app, platform):
    world = make_world(app, platform, roles=("mentor", "mentee"))
    db.session.execute(Meeting.__table__.delete())
    commit()
    mentor = world.sessions["mentor"]
    assert "after your first meeting" in mentor.get(world.learner_url("fit-check")).get_data(as_text=True)
    refused = mentor.post(world.learner_url("fit-check"), {"answer": "want_help"})
    assert refused.status_code == 303 and count(FitCheck) == 0
    assert "after your first meeting" in mentor.get(world.learner_url("fit-check")).get_data(as_text=True)
    make_meeting(world.pair)
    commit()
    assert mentor.post(world.learner_url("fit-check"), {"answer": "want_help"}).status_code == 303
    assert count(FitCheck) == 1


def test_only_the_two_partners_reach_the_feedback_pages(app, platform):
    world = make_world(app, platform)
    for path in ("feedback/", "feedback/1", "fit-check", "privacy"):
        assert world.sessions["stranger"].get(world.learner_url(path)).status_code == 404, path
        assert world.teacher.get(world.learner_url(path)).status_code == 403, path
        assert world.sessions["mentee"].get(world.learner_url(path)).status_code in (200, 303), path
    assert world.sessions["stranger"].post(world.learner_url("feedback/1"), ANSWERS).status_code == 404
    assert count(Feedback) == 1


def test_the_partners_feedback_is_read_only_after_giving_ones_own(app, platform):
    world = make_world(app, platform)  # the mentee has given round 1, the mentor not yet
    mentor = world.sessions["mentor"]
    before = mentor.get(world.learner_url("feedback/")).get_data(as_text=True)
    assert FEEDBACK not in before and "You read it once you have given yours" in before
    mentor.post(world.learner_url("feedback/1"), ANSWERS)
    after = mentor.get(world.learner_url("feedback/")).get_data(as_text=True)
    assert FEEDBACK in after and "You read it once you have given yours" not in after
