"""Learner pages through real launches: cohorts to join, orientation, the enrolment form, edit, withdraw, re-enrol."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, SkillKind
from lti_app.mentoring.models.enrolment import Enrolment
from tests.factories import make_cohort, make_enrolment
from tests.web.course_pages import OTHER_COURSE, commit, launch

TODAY = utcnow().date()


def enrolment_form(**overrides):
    data = {
        "role_wanted": "mentee", "capacity": "2", "experience_years": "12", "career_stage": "2", "generation": "",
        "department": "History", "manager_email": "", "channels": ["video", "chat"], "availability": ["mon_morning", "wed_evening"],
        "time_zone": "Europe/Dublin", "languages": ["en", "ga"], "other_languages": "", "interests": "podcasts, hiking",
        "goals": "Understand how my students use social media.", "accepts_ground_rules": "y",
        "skill_career_navigation-choice": "wanted", "skill_career_navigation-level": "2",
        "skill_ai_tools-choice": "offered", "skill_ai_tools-level": "3",
        "skill_social_media_strategy-choice": "", "skill_social_media_strategy-level": "",
        "skill_strategic_thinking-choice": "", "skill_strategic_thinking-level": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def learner(app, platform):
    return launch(app, platform, platform.learners[0].sub)


@pytest.fixture
def cohort(learner):
    cohort = make_cohort(learner.course, name="Pilot", privacy=PrivacySetting.GOALS_AND_STATUS)
    commit()
    return cohort


def enrolments_in_db() -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment))


def test_the_learner_home_lists_open_cohorts_but_not_drafts(learner):
    make_cohort(learner.course, name="Pilot")
    make_cohort(learner.course, name="Secret draft", state=CohortState.DRAFT)
    make_cohort(learner.course, name="Next term", enrolment_opens_on=TODAY + timedelta(days=3))
    commit()
    html = learner.get("learner/").get_data(as_text=True)
    assert "Cohorts you can join" in html and "Pilot" in html and "Secret draft" not in html
    assert "Next term" in html and "Enrolment in this cohort opens on" in html


def test_orientation_shows_roles_ground_rules_and_privacy_before_anything_is_saved(learner, cohort):
    page = learner.get(f"learner/cohorts/{cohort.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and enrolments_in_db() == 0
    for text in ("As a mentor", "less senior", "As a mentee", "offer information rather than ready-made solutions",
                 "Confidentiality.", "No role switching.", "Goals, activity and status", "They never read your meeting notes"):
        assert text in html
    assert f'href="/courses/{learner.course_id}/learner/cohorts/{cohort.id}/enrol"' in html


def test_the_form_labels_every_field_groups_them_and_repeats_the_rules_next_to_the_acceptance(learner, cohort):
    html = learner.get(f"learner/cohorts/{cohort.id}/enrol").get_data(as_text=True)
    for label in ('<label for="experience_years">', '<label for="time_zone">', '<label for="goals">',
                  '<label for="accepts_ground_rules">', '<legend>Skills you offer and want to learn</legend>',
                  '<legend>When can you usually meet?</legend>', "Monday Morning 08-12</label>",
                  "Generative AI and AI tools: your level today</label>", '<optgroup label="Europe">'):
        assert label in html
    assert "Generation (optional)" in html and "Prefer not to say" in html
    assert html.index("No role switching.") < html.index('id="accepts_ground_rules"')
    assert html.count("<script") == html.count('<script src="/static/js/') and "style=" not in html  # no inline script


def test_a_learner_enrols_and_sees_their_profile_and_baseline(learner, cohort):
    answer = learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form())
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/learner/cohorts/{cohort.id}/enrolment")
    enrolment = db.session.scalar(select(Enrolment))
    assert (enrolment.role_wanted.value, enrolment.capacity, enrolment.time_zone) == ("mentee", None, "Europe/Dublin")
    assert enrolment.levels(SkillKind.WANTED) == {"career_navigation": 2} and enrolment.languages == ["en", "ga"]
    html = learner.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "You are enrolled in “Pilot”" in html and "Career navigation · 2/5" in html and "Irish" in html
    assert "Only you and your course's instructors see this page." in html
    assert "Pilot" in learner.get("learner/").get_data(as_text=True).split("Your cohorts")[1]


def test_bad_answers_are_shown_next_to_each_field_and_nothing_is_written(learner, cohort):
    page = learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form(
        accepts_ground_rules=None, time_zone="", channels=None, experience_years="-3", manager_email="boss",
        **{"skill_career_navigation-level": "", "skill_ai_tools-choice": ""},
    ))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and enrolments_in_db() == 0
    for error_id, message in [
        ("accepts_ground_rules-error", "Accept the ground rules to take part."),
        ("time_zone-error", "Choose your time zone from the list."),
        ("channels-error", "Choose at least one way to talk."),
        ("experience_years-error", "Give a number from 0 to 70."),
        ("manager_email-error", "like name@example.org"),
        ("skill_career_navigation-level-error", "Rate your level today from 1 to 5."),
    ]:
        assert f'id="{error_id}"' in html and message in html, error_id
    assert 'aria-describedby="time_zone-hint time_zone-error"' in html and 'href="#channels"' in html


@pytest.mark.parametrize("years", ["NaN", "inf", "1e400", "twelve"])
def test_nonsense_years_of_experience_are_refused_not_crashed_on(learner, cohort, years):
    page = learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form(experience_years=years))
    assert page.status_code == 422 and 'id="experience_years-error"' in page.get_data(as_text=True)
    assert enrolments_in_db() == 0


def test_the_role_and_skills_rule_is_explained_at_the_skills_table(learner, cohort):
    page = learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form(
        role_wanted="mentor", **{"skill_ai_tools-choice": "", "skill_ai_tools-level": ""}))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'id="skills-error"' in html and "As a mentor, choose at least one skill you can offer." in html
    assert 'href="#skills"' in html and enrolments_in_db() == 0


def test_a_double_submit_shows_the_existing_enrolment_instead_of_an_error(learner, cohort):
    first = learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form())
    second = learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form(goals="Something else"))
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert "already enrolled in this cohort; here is your enrolment" in learner.client.get(second.headers["Location"]).get_data(as_text=True)
    assert enrolments_in_db() == 1 and db.session.scalar(select(Enrolment.goals)).startswith("Understand")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"state": CohortState.ENROLMENT_CLOSED}, "Enrolment in this cohort is closed."),
        ({"enrolment_opens_on": TODAY + timedelta(days=2)}, "Enrolment in this cohort opens on"),
        ({"enrolment_opens_on": TODAY - timedelta(days=20), "enrolment_closes_on": TODAY - timedelta(days=1)}, "Enrolment in this cohort closed on"),
        ({"state": CohortState.DRAFT}, "still being prepared by your instructor"),
    ],
)
def test_enrolment_outside_the_window_or_into_a_draft_gives_a_clear_message_and_writes_nothing(learner, overrides, message):
    cohort = make_cohort(learner.course, **overrides)
    commit()
    for page in (learner.get(f"learner/cohorts/{cohort.id}/enrol"), learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form())):
        html = page.get_data(as_text=True)
        assert page.status_code == 409 and message in html
        assert "Not possible right now" in html and f'href="/courses/{learner.course_id}/learner/">Back to the programme' in html
    assert enrolments_in_db() == 0


def test_another_courses_cohort_answers_not_found_and_writes_nothing(learner, app, platform):
    elsewhere = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    foreign = make_cohort(elsewhere.course)
    commit()
    assert learner.get(f"learner/cohorts/{foreign.id}").status_code == 404
    assert learner.post(f"learner/cohorts/{foreign.id}/enrol", enrolment_form()).status_code == 404
    assert enrolments_in_db() == 0


def test_a_learner_edits_their_profile_until_matching(learner, cohort):
    learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form())
    form = learner.get(f"learner/cohorts/{cohort.id}/enrolment/edit").get_data(as_text=True)
    assert "Understand how my students use social media." in form and 'value="History"' in form
    assert '<input checked id="accepts_ground_rules"' in form  # accepted already: these rules have not changed
    saved = learner.post(f"learner/cohorts/{cohort.id}/enrolment/edit", enrolment_form(goals="New goals", role_wanted="either", capacity="1"))
    assert saved.status_code == 303
    enrolment = db.session.scalar(select(Enrolment))
    db.session.refresh(enrolment)
    assert (enrolment.goals, enrolment.capacity) == ("New goals", 1)
    enrolment.cohort.state = CohortState.MATCHED
    commit()
    late = learner.get(f"learner/cohorts/{cohort.id}/enrolment/edit")
    assert late.status_code == 409 and "too late to change your profile" in late.get_data(as_text=True)


def test_changed_ground_rules_must_be_accepted_again_when_the_profile_is_edited(learner, cohort):
    learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form())
    cohort.ground_rules += "\nCameras on in video calls."
    commit()
    form = learner.get(f"learner/cohorts/{cohort.id}/enrolment/edit").get_data(as_text=True)
    assert "Cameras on in video calls." in form and '<input checked id="accepts_ground_rules"' not in form
    assert "an earlier version" in learner.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    learner.post(f"learner/cohorts/{cohort.id}/enrolment/edit", enrolment_form())
    assert "an earlier version" not in learner.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)


def test_a_learner_withdraws_and_re_enrols_while_enrolment_is_open(learner, cohort):
    learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form())
    gone = learner.post(f"learner/cohorts/{cohort.id}/enrolment/withdraw")
    assert gone.status_code == 303
    html = learner.client.get(gone.headers["Location"]).get_data(as_text=True)
    assert "You have withdrawn" in html and "Enrol again" in html
    prefilled = learner.get(f"learner/cohorts/{cohort.id}/enrol").get_data(as_text=True)
    assert "Understand how my students use social media." in prefilled
    again = learner.post(f"learner/cohorts/{cohort.id}/enrol", enrolment_form(goals="Back"))
    assert again.status_code == 303
    enrolment = db.session.scalar(select(Enrolment))
    db.session.refresh(enrolment)
    assert (enrolment.status, enrolment.goals, enrolments_in_db()) == (EnrolmentStatus.ENROLLED, "Back", 1)


def test_a_learner_never_sees_another_learners_profile(learner, cohort, app, platform):
    other = make_enrolment(cohort, goals="Private goals of someone else")
    commit()
    for path in (f"instructor/cohorts/{cohort.id}/participants/", f"instructor/cohorts/{cohort.id}/participants/{other.id}"):
        assert learner.get(path).status_code == 403
    for path in ("learner/", f"learner/cohorts/{cohort.id}", f"learner/cohorts/{cohort.id}/enrol"):
        assert "Private goals of someone else" not in learner.get(path).get_data(as_text=True)
    assert learner.get(f"learner/cohorts/{cohort.id}/enrolment").status_code == 302
