"""Instructor pages through real launches: create and edit cohorts, open and close enrolment, manage people."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, RoleWanted
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.person import Person
from tests.factories import make_cohort, make_enrolment
from tests.web.course_pages import commit, launch

TODAY = utcnow().date()


def checked(html: str, name: str, value: str) -> bool:
    """Whether the page's checkbox or radio ``name`` = ``value`` is ticked."""
    return re.search(rf'<input checked [^>]*name="{name}" [^>]*value="{value}"', html) is not None


def cohort_form(**overrides):
    data = {
        "name": "Pilot 2026", "description": "Our first round.", "enrolment_opens_on": TODAY.isoformat(),
        "enrolment_closes_on": (TODAY + timedelta(days=14)).isoformat(), "starts_on": (TODAY + timedelta(days=21)).isoformat(),
        "ends_on": (TODAY + timedelta(days=180)).isoformat(), "meeting_cadence_days": "14", "mentor_capacity": "2",
        "mentors_per_mentee": "1", "skill_codes": ["ai_tools", "strategic_thinking"], "custom_skills": "Podcasting\n",
        "ground_rules": "Confidentiality.\nNo role switching.", "privacy": "goals_and_status",
    }
    data.update(overrides)
    return data


def cohorts_in_db() -> int:
    return db.session.scalar(select(func.count()).select_from(Cohort))


def test_an_instructor_with_no_cohorts_is_invited_to_start_with_a_pilot(teacher):
    page = teacher.get("instructor/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "No cohorts yet" in html and "pilot" in html
    assert 'href="/courses/%d/instructor/cohorts/new"' % teacher.course_id in html


def test_the_new_cohort_form_offers_the_default_catalogue_ground_rules_and_privacy_choices(teacher):
    html = teacher.get("instructor/cohorts/new").get_data(as_text=True)
    assert checked(html, "skill_codes", "ai_tools") and "Social media" in html and "Leadership and business" in html
    assert "Confidentiality: what we share" in html
    for text in ("Activity and status only", "They never read your goals, meeting notes or feedback"):
        assert text in html
    assert '<label for="name">Name</label>' in html and 'aria-describedby="name-hint"' in html


def test_an_instructor_creates_a_draft_cohort_and_sees_it_listed(teacher):
    created = teacher.post("instructor/cohorts/new", cohort_form())
    assert created.status_code == 302
    cohort = db.session.scalar(select(Cohort))
    assert created.headers["Location"].endswith(f"/instructor/cohorts/{cohort.id}")
    assert (cohort.course_id, cohort.state, cohort.name) == (teacher.course_id, CohortState.DRAFT, "Pilot 2026")
    assert [s.code for s in cohort.skills] == ["ai_tools", "strategic_thinking", "podcasting"]
    page = teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    assert "is saved as a draft" in page and "Open enrolment" in page and "Podcasting" in page
    assert "Pilot 2026" in teacher.get("instructor/").get_data(as_text=True)


def test_missing_and_inconsistent_answers_are_shown_next_to_each_field_and_nothing_is_saved(teacher):
    page = teacher.post("instructor/cohorts/new", cohort_form(name="", ends_on="", mentor_capacity="99"))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and cohorts_in_db() == 0
    assert 'id="name-error"' in html and 'aria-describedby="name-hint name-error"' in html and 'aria-invalid="true"' in html
    assert 'id="ends_on-error"' in html and "Choose from 1 to 20." in html
    assert 'class="error-summary"' in html and 'href="#name"' in html


def test_a_rule_of_the_service_lands_next_to_its_field(teacher):
    late = (TODAY + timedelta(days=400)).isoformat()
    page = teacher.post("instructor/cohorts/new", cohort_form(enrolment_closes_on=late))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and cohorts_in_db() == 0
    assert 'id="enrolment_closes_on-error"' in html and "Enrolment must close by the day the programme ends." in html


def test_opening_and_closing_enrolment_from_the_cohort_page(teacher):
    cohort = make_cohort(teacher.course, state=CohortState.DRAFT)
    commit()
    assert teacher.post(f"instructor/cohorts/{cohort.id}/open").status_code == 302
    db.session.refresh(cohort)
    assert cohort.state is CohortState.ENROLMENT_OPEN
    assert "Enrolment is open" in teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    teacher.post(f"instructor/cohorts/{cohort.id}/close")
    db.session.refresh(cohort)
    assert cohort.state is CohortState.ENROLMENT_CLOSED
    assert "Reopen enrolment" in teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)


def test_an_illegal_move_comes_back_as_a_clear_message_and_changes_nothing(teacher):
    cohort = make_cohort(teacher.course, state=CohortState.DRAFT)
    commit()
    answer = teacher.post(f"instructor/cohorts/{cohort.id}/close")
    assert answer.status_code == 302
    html = teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    assert "You cannot close enrolment in a cohort that is “draft”" in html and 'role="alert"' in html
    db.session.refresh(cohort)
    assert cohort.state is CohortState.DRAFT


def test_editing_shows_the_stored_settings_and_saves_changes(teacher):
    cohort = make_cohort(teacher.course, name="Pilot", skills=("ai_tools", "accessibility"), custom_skills=("Podcasting",))
    commit()
    html = teacher.get(f"instructor/cohorts/{cohort.id}/edit").get_data(as_text=True)
    assert 'value="Pilot"' in html and checked(html, "skill_codes", "accessibility") and "Podcasting</textarea>" in html
    saved = teacher.post(f"instructor/cohorts/{cohort.id}/edit", cohort_form(name="Pilot, spring", skill_codes=["ai_tools"], custom_skills=""))
    assert saved.status_code == 302
    db.session.expire_all()
    assert cohort.name == "Pilot, spring" and [s.code for s in cohort.skills] == ["ai_tools"]


def test_a_skill_somebody_chose_stays_and_the_form_says_why(teacher):
    cohort = make_cohort(teacher.course, skills=("ai_tools", "accessibility"))
    make_enrolment(cohort, offered={"accessibility": 4}, wanted={"ai_tools": 2})
    commit()
    page = teacher.post(f"instructor/cohorts/{cohort.id}/edit", cohort_form(name=cohort.name, skill_codes=["ai_tools"], custom_skills=""))
    assert page.status_code == 422 and "Participants have chosen these skills" in page.get_data(as_text=True)
    db.session.expire_all()
    assert {s.code for s in cohort.skills} == {"ai_tools", "accessibility"}


def test_the_people_list_filters_by_role_status_and_skill_and_counts(teacher):
    cohort = make_cohort(teacher.course)
    mentor = make_enrolment(cohort, role_wanted=RoleWanted.MENTOR, offered={"ai_tools": 5}, wanted={})
    mentee = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE, offered={}, wanted={"strategic_thinking": 2})
    gone = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE, status=EnrolmentStatus.WITHDRAWN, offered={},
                          wanted={"strategic_thinking": 1})
    names = {e: e.person.display_name for e in (mentor, mentee, gone)}
    commit()
    everyone = teacher.get(f"instructor/cohorts/{cohort.id}/participants/").get_data(as_text=True)
    assert all(name in everyone for name in names.values()) and "3 people." in everyone
    mentees = teacher.get(f"instructor/cohorts/{cohort.id}/participants/?role=mentee&status=enrolled").get_data(as_text=True)
    assert names[mentee] in mentees and names[mentor] not in mentees and names[gone] not in mentees
    by_skill = teacher.get(f"instructor/cohorts/{cohort.id}/participants/?skill=ai_tools").get_data(as_text=True)
    assert names[mentor] in by_skill and names[mentee] not in by_skill
    assert "1 person." in teacher.get(f"instructor/cohorts/{cohort.id}/participants/?role=nonsense&skill=ai_tools").get_data(as_text=True)


def test_an_instructor_reads_a_profile_and_withdraws_the_participant(teacher):
    cohort = make_cohort(teacher.course)
    enrolment = make_enrolment(cohort, goals="Learn to make short videos", department="Finance")
    commit()
    html = teacher.get(f"instructor/cohorts/{cohort.id}/participants/{enrolment.id}").get_data(as_text=True)
    assert "Learn to make short videos" in html and "Finance" in html and "Withdraw from" in html
    done = teacher.post(f"instructor/cohorts/{cohort.id}/participants/{enrolment.id}/withdraw")
    assert done.status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.status is EnrolmentStatus.WITHDRAWN
    assert "is withdrawn from" in teacher.get(f"instructor/cohorts/{cohort.id}/participants/{enrolment.id}").get_data(as_text=True)


def test_an_instructor_moves_a_participant_to_another_cohort_of_the_course(teacher):
    pilot = make_cohort(teacher.course, name="Pilot", skills=("ai_tools", "accessibility", "career_navigation"))
    wave = make_cohort(teacher.course, name="Wave 2", skills=("ai_tools", "career_navigation"))
    make_cohort(teacher.course, name="Finished", state=CohortState.FINISHED)
    enrolment = make_enrolment(pilot, offered={"ai_tools": 4, "accessibility": 3}, wanted={"career_navigation": 2})
    commit()
    page = teacher.get(f"instructor/cohorts/{pilot.id}/participants/{enrolment.id}").get_data(as_text=True)
    assert "Wave 2 (enrolment open)" in page and "Finished (" not in page
    moved = teacher.post(f"instructor/cohorts/{pilot.id}/participants/{enrolment.id}/move", {"target": str(wave.id)})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/cohorts/{wave.id}/participants/{enrolment.id}")
    db.session.expire_all()
    assert enrolment.cohort_id == wave.id
    assert "were removed: Accessibility" in teacher.client.get(moved.headers["Location"]).get_data(as_text=True)


def test_a_cohort_of_another_course_is_not_offered_as_a_place_to_move_to(teacher, app, platform):
    from tests.web.course_pages import OTHER_COURSE

    elsewhere = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    pilot = make_cohort(teacher.course)
    foreign = make_cohort(elsewhere.course)
    enrolment = make_enrolment(pilot)
    commit()
    answer = teacher.post(f"instructor/cohorts/{pilot.id}/participants/{enrolment.id}/move", {"target": str(foreign.id)})
    assert answer.status_code == 302  # not a choice on this page: the form refuses it before any lookup
    db.session.expire_all()
    assert enrolment.cohort_id == pilot.id


def test_the_roster_shows_learners_who_have_not_enrolled_and_is_cached_until_refreshed(teacher, app, platform):
    learner = platform.learners[0]
    launch(app, platform, learner.sub)
    cohort = make_cohort(teacher.course)
    make_enrolment(cohort, db.session.scalar(select(Person).where(Person.subject == learner.sub)))
    commit()
    page = teacher.get(f"instructor/cohorts/{cohort.id}/roster")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert learner.name not in html and platform.learners[1].name in html and platform.instructor.name not in html.split("<h1")[1]
    assert f"{len(platform.learners) - 1} of {len(platform.learners)} learners have not enrolled" in html
    calls = len([c for c in platform.calls if "/memberships" in c[1]])
    teacher.get(f"instructor/cohorts/{cohort.id}/roster")
    assert len([c for c in platform.calls if "/memberships" in c[1]]) == calls
    refreshed = teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh")
    assert refreshed.status_code == 302 and len([c for c in platform.calls if "/memberships" in c[1]]) > calls


def test_a_course_whose_lms_shares_no_roster_says_what_to_ask_for(app, platform):
    nrps = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
    teacher = launch(app, platform, platform.instructor.sub, **{nrps: None})
    cohort = make_cohort(teacher.course)
    commit()
    page = teacher.get(f"instructor/cohorts/{cohort.id}/roster")
    assert page.status_code == 200 and "has not shared this course&#39;s roster" in page.get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("starts_on", "", "Programme starts on: Choose a date."),
    ("enrolment_closes_on", "31/02/2026", "Enrolment closes on: Choose a date."),
])
def test_a_missing_or_unreadable_date_is_refused_by_name(teacher, field, value, message):
    refused = teacher.post("instructor/cohorts/new", cohort_form(**{field: value}))
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert "2026-03-01" not in refused.get_data(as_text=True)


def test_the_error_summary_names_and_links_each_field_and_gives_no_example_date(teacher):
    refused = teacher.post("instructor/cohorts/new", cohort_form(starts_on="", ends_on="soon"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'tabindex="-1" autofocus' in html
    assert '<a href="#starts_on">Programme starts on: Choose a date.</a>' in html
    assert '<a href="#ends_on">Programme ends on: Choose a date.</a>' in html
    assert 'type="date"' in html and "for example 20" not in html.lower()
