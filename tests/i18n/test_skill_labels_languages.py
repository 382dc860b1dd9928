"""The default catalogue's skills read in each reader's language wherever a skill is named; a skill an instructor
added, or a default one they reworded, reads exactly as they typed it."""
from __future__ import annotations

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import CareerStage, RoleWanted
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.matching import pairing as matching
from lti_app.web import unit_of_work
from tests.factories import make_cohort, make_enrolment
from tests.factories_workspace import make_goal, make_pair, make_running_cohort
from tests.web.course_pages import commit, launch
from tests.web.test_cohort_pages import cohort_form

AI_EN, AI_DE = "Generative AI and AI tools", "Generative KI und KI-Werkzeuge"
SOCIAL_EN, SOCIAL_DE = "Social media strategy", "Social-Media-Strategie"
REWORDED = "Strategy for our faculty"  # the instructor's own words for strategic_thinking ("Strategisches Denken")
CUSTOM = "Accessibility"  # added by the instructor: a catalogue msgid ("Barrierefreiheit"), yet shown as typed


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


def with_own_words(cohort):
    """``cohort`` with strategic_thinking reworded by its instructor."""
    cohort.skill("strategic_thinking").label = REWORDED
    return cohort


def test_the_enrolment_form_names_default_skills_in_german_and_the_instructor_s_own_as_typed(app, platform):
    learner = launch(app, platform, platform.learners[0].sub, locale="de-DE")
    cohort = with_own_words(make_cohort(learner.course, skills=("ai_tools", "social_media_strategy", "strategic_thinking"),
                                        custom_skills=(CUSTOM,)))
    commit()
    html = learner.get(f"learner/cohorts/{cohort.id}/enrol").get_data(as_text=True)
    assert f">{AI_DE}</th>" in html and f"{AI_DE}: anbieten oder lernen" in html and SOCIAL_DE in html
    assert AI_EN not in html and SOCIAL_EN not in html
    assert f">{REWORDED}</th>" in html and "Strategisches Denken" not in html
    assert f">{CUSTOM}</th>" in html and "Barrierefreiheit" not in html

    english = launch(app, platform, platform.learners[1].sub, locale="en")
    html = english.get(f"learner/cohorts/{cohort.id}/enrol").get_data(as_text=True)
    assert f">{AI_EN}</th>" in html and f"{AI_EN}: offer or learn" in html and AI_DE not in html


def test_the_profile_and_the_workspace_name_skills_in_german_and_the_match_in_each_reader_s_language(app, platform):
    mentor_sub, mentee_sub = platform.learners[0].sub, platform.learners[1].sub
    german = launch(app, platform, mentee_sub, locale="de-DE")
    english = launch(app, platform, mentor_sub, locale="en")
    cohort = make_running_cohort(german.course, skills=("ai_tools", "social_media_strategy"), custom_skills=(CUSTOM,))
    mentor = make_enrolment(cohort, person_of(mentor_sub), role_wanted=RoleWanted.MENTOR,
                            offered={"ai_tools": 4, CUSTOM.lower(): 4}, wanted={"social_media_strategy": 1})
    mentee = make_enrolment(cohort, person_of(mentee_sub), role_wanted=RoleWanted.MENTEE,
                            offered={"social_media_strategy": 5}, wanted={"ai_tools": 1, CUSTOM.lower(): 1})
    pair = make_pair(cohort, mentor=mentor, mentee=mentee)
    make_goal(pair, title="KI im Alltag", skills=("ai_tools", CUSTOM.lower()))
    commit()

    profile = german.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    assert f"{AI_DE} · 1/5" in profile and f"{SOCIAL_DE} · 5/5" in profile and f"{CUSTOM} · 1/5" in profile
    assert AI_EN not in profile and "Barrierefreiheit" not in profile

    workspace = german.get(f"learner/pairs/{pair.id}/").get_data(as_text=True)
    assert f"{AI_DE}, {CUSTOM} ·" in workspace  # the goal's skills
    assert f"bietet {CUSTOM} und {AI_DE} an, was Sie lernen möchten; im Gegenzug bieten Sie {SOCIAL_DE} an" in workspace
    assert AI_EN not in workspace and SOCIAL_EN not in workspace and "Barrierefreiheit" not in workspace

    goal_form = german.get(f"learner/pairs/{pair.id}/goals/new").get_data(as_text=True)
    assert f"{AI_DE}</label>" in goal_form and f"{CUSTOM}</label>" in goal_form and "Barrierefreiheit" not in goal_form

    workspace = english.get(f"learner/pairs/{pair.id}/").get_data(as_text=True)
    assert f"You offer {CUSTOM} and {AI_EN}, which " in workspace and AI_DE not in workspace


def _enrol(cohort, role, language):
    fields = ({"role_wanted": RoleWanted.MENTOR, "career_stage": CareerStage.STUDENT, "experience_years": 1.0,
               "capacity": 1, "offered": {"ai_tools": 4, "strategic_thinking": 4}, "wanted": {}} if role == "mentor" else
              {"role_wanted": RoleWanted.MENTEE, "career_stage": CareerStage.SENIOR, "experience_years": 20.0,
               "capacity": None, "offered": {}, "wanted": {"ai_tools": 1, "strategic_thinking": 1}})
    enrolment = make_enrolment(cohort, **fields)
    enrolment.person.language = language
    return enrolment


def test_a_stored_explanation_reads_in_the_instructor_s_language_and_the_published_mail_in_the_recipient_s(
        app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    cohort = with_own_words(make_cohort(teacher.course, state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1,
                                        skills=("ai_tools", "social_media_strategy", "strategic_thinking")))
    mentor, mentee = _enrol(cohort, "mentor", "de"), _enrol(cohort, "mentee", "en")
    matching.run_matching(cohort)
    commit()
    stored = db.session.scalar(select(Pair).where(Pair.cohort_id == cohort.id)).explanation
    skills = next(part for part in stored if part["criterion"] == "skills")["phrase"]["values"]["skills"]
    assert skills == {"list": [{"msgid": AI_EN, "values": {}}, REWORDED]}  # kept neutral: the default as its msgid

    page = teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    assert f"{AI_DE} und {REWORDED}" in page and AI_EN not in page and "Strategisches Denken" not in page
    english = launch(app, platform, platform.instructor.sub, locale="en")
    page = english.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    assert f"{AI_EN} and {REWORDED}" in page and AI_DE not in page

    unit_of_work.act(matching.publish_pairs, cohort)
    mails = {m.person_id: m for m in db.session.scalars(select(MailOutbox))}
    to_mentor, to_mentee = mails[mentor.person_id], mails[mentee.person_id]
    assert f"{AI_DE} und {REWORDED}" in to_mentor.body_text and AI_EN not in to_mentor.body_text
    assert f"{AI_DE} und {REWORDED}" in to_mentor.body_html
    assert f"{AI_EN} and {REWORDED}" in to_mentee.body_text and AI_DE not in to_mentee.body_text


def test_the_instructor_s_pages_name_default_skills_in_german(app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    cohort = with_own_words(make_running_cohort(teacher.course, skills=("ai_tools", "social_media_strategy",
                                                                        "strategic_thinking"), custom_skills=(CUSTOM,)))
    pair = make_pair(cohort)  # each partner offers ai_tools and wants social_media_strategy
    make_goal(pair, skills=("ai_tools",))
    commit()

    form = teacher.get(f"instructor/cohorts/{cohort.id}/edit").get_data(as_text=True)
    assert AI_DE in form and "Barrierefreiheit" in form  # the catalogue's accessibility, not ticked, in German
    assert REWORDED in form and "Strategisches Denken" not in form and AI_EN not in form
    assert f"{CUSTOM}</textarea>" in form  # the instructor's own skill, as typed

    page = teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    for label in (AI_DE, SOCIAL_DE, REWORDED, CUSTOM):
        assert f'<span class="badge">{label}</span>' in page
    assert AI_EN not in page

    page = teacher.get(f"instructor/cohorts/{cohort.id}/participants/").get_data(as_text=True)
    assert f"<td>{AI_DE}</td>" in page and f">{CUSTOM}</option>" in page and f">{AI_DE}</option>" in page
    assert AI_EN not in page

    table = teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=skills").get_data(as_text=True)
    assert AI_DE in table and AI_EN not in table  # the dashboard's tables translate their words, skills too
    dashboard = teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/").get_data(as_text=True)
    assert AI_DE in dashboard and AI_EN not in dashboard


def test_saving_the_cohort_form_in_german_keeps_the_stored_labels_as_they_were(app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    cohort = with_own_words(make_cohort(teacher.course, name="Pilot", skills=("ai_tools", "strategic_thinking")))
    commit()
    saved = teacher.post(f"instructor/cohorts/{cohort.id}/edit", cohort_form(
        name="Pilot", skill_codes=["ai_tools", "strategic_thinking", "data_literacy"], custom_skills=f"{CUSTOM}\n"))
    assert saved.status_code == 302
    db.session.expire_all()
    assert [(s.code, s.label) for s in cohort.skills] == [  # stored in English or as typed, never in German
        ("ai_tools", AI_EN), ("data_literacy", "Data literacy"), ("strategic_thinking", REWORDED),
        ("accessibility_2", CUSTOM)]
