"""A learner launched in German reads their home and their pair's workspace in German (formal "Sie")."""
from __future__ import annotations

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.models.person import Person
from tests.factories import make_enrolment
from tests.factories_workspace import make_goal, make_pair, make_running_cohort
from tests.web.course_pages import commit, launch


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


def test_a_learner_launched_in_german_sees_home_and_workspace_in_german(app, platform):
    mentor_sub, mentee_sub = platform.learners[0].sub, platform.learners[1].sub
    mentor = launch(app, platform, mentor_sub, locale="de-DE")
    launch(app, platform, mentee_sub)
    cohort = make_running_cohort(mentor.course, name="Frühjahrspilot")
    pair = make_pair(cohort, person_of(mentor_sub), person_of(mentee_sub))
    make_goal(pair, title="KI-Werkzeuge nutzen")
    commit()
    mentee_name = platform.learners[1].name

    home = mentor.get("learner/").get_data(as_text=True)
    assert '<html lang="de"' in home
    assert "Ihr Mentoring-Programm" in home and "Ihre Tandems" in home
    assert f"Ihr Tandem mit {mentee_name}" in home and "Sie sind Mentor:in" in home
    assert "Your pairs" not in home and "Your pair with" not in home

    workspace = mentor.get(f"learner/pairs/{pair.id}/").get_data(as_text=True)
    assert f"Ihr Tandem mit {mentee_name}" in workspace
    assert f"Ihr Mentee: {mentee_name}" in workspace
    assert "Ihre Vereinbarung" in workspace and "Ziele" in workspace and "Aufgaben" in workspace
    assert "KI-Werkzeuge nutzen" in workspace
    assert "Your agreement" not in workspace and "Set a goal" not in workspace and "Your pair with" not in workspace


def test_the_profile_says_1_year_and_writes_half_years_the_german_way(app, platform):
    english = launch(app, platform, platform.learners[0].sub, locale="en")
    cohort = make_running_cohort(english.course, name="Pilot")
    enrolment = make_enrolment(cohort, person_of(platform.learners[0].sub), experience_years=1.0, capacity=1)
    commit()
    page = english.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    assert "1 year ·" in page and "1 years" not in page and "(up to 1 mentee)" in page

    enrolment.experience_years = 2.5
    commit()
    german = launch(app, platform, platform.learners[0].sub, locale="de-DE")
    page = german.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    assert "2,5 Jahre ·" in page and "Gewünschte Rolle" in page and "(bis zu 1 Mentee)" in page
