"""The partner card in the workspace: name, e-mail as the LMS shared it, the partner's time, the weekly overlap, why
they were matched; contact details for the pair only."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.models.person import Person
from tests.factories import make_enrolment
from tests.factories_workspace import make_pair, make_running_cohort
from tests.web.course_pages import commit, launch


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


@pytest.fixture
def card(app, platform):
    mentor, mentee = launch(app, platform, platform.learners[0].sub), launch(app, platform, platform.learners[1].sub)
    stranger = launch(app, platform, platform.learners[2].sub)
    cohort = make_running_cohort(mentor.course, name="Spring pilot")
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub))
    pair.mentor.time_zone, pair.mentor.availability = "Europe/Berlin", ["mon_afternoon", "tue_morning"]
    pair.mentee.time_zone, pair.mentee.availability = "America/New_York", ["mon_morning", "fri_evening"]
    make_enrolment(cohort, person_of(platform.learners[2].sub))
    emails = {r: pair_person.email for r, pair_person in (("mentor", pair.mentor.person), ("mentee", pair.mentee.person))}
    commit()
    return SimpleNamespace(mentor=mentor, mentee=mentee, stranger=stranger, pair=pair, emails=emails,
                           base=f"learner/pairs/{pair.id}/")


def test_the_card_shows_the_partner_to_each_partner(card):
    html = card.mentor.get(card.base).get_data(as_text=True)
    assert 'id="partner-card"' in html
    assert card.emails["mentee"] and f'mailto:{card.emails["mentee"]}' in html
    assert "America/New_York" in html and "for them now" in html
    assert "Chat, In person" in html or "Chat" in html  # the mentee's channels
    assert "Both free" in html  # New York Monday morning is the Berlin Monday afternoon
    assert "Why you were matched" in html
    other = card.mentee.get(card.base).get_data(as_text=True)
    assert f'mailto:{card.emails["mentor"]}' in other and "Europe/Berlin" in other


def test_without_an_email_from_the_lms_the_card_says_so(card):
    card.pair.mentee.person.email = None
    commit()
    assert "Your LMS did not share it" in card.mentor.get(card.base).get_data(as_text=True)


def test_another_learner_never_sees_the_contact_details(card):
    assert card.stranger.get(card.base).status_code == 404
    for page in ("learner/", f"learner/cohorts/{card.pair.cohort_id}", f"learner/cohorts/{card.pair.cohort_id}/enrolment"):
        html = card.stranger.get(page).get_data(as_text=True)
        assert card.emails["mentor"] not in html and card.emails["mentee"] not in html


def test_the_instructor_gets_no_workspace(card, app, platform):
    teacher = launch(app, platform, platform.instructor.sub)
    assert teacher.get(card.base).status_code == 403
