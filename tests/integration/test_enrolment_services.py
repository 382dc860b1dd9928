"""Enrolment services without the web layer: enrol, edit, withdraw, re-enrol, move; the rules that refuse."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_settings import text_digest
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import CareerStage, EnrolmentStatus, RoleWanted, SkillKind
from lti_app.mentoring.errors import AlreadyEnrolled, EnrolmentRefused, InvalidInput, NotFound
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill
from lti_app.mentoring.services import enrolments
from lti_app.mentoring.services.enrolments import SkillChoice
from lti_app.mentoring.services.participants import (
    ParticipantFilter, count_participants, enrolled_subjects, list_participants,
)
from tests.factories import (
    make_cohort, make_course, make_enrolment, make_membership, make_person, make_platform, make_profile_fields,
)

TODAY = utcnow().date()


@pytest.fixture
def platform(app):
    return make_platform()


@pytest.fixture
def course(platform):
    return make_course(platform)


@pytest.fixture
def cohort(course):
    return make_cohort(course)


@pytest.fixture
def learner(platform, course):
    return make_membership(make_person(platform, email="ada@uni.test"), course)


def enrolment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment))


def test_a_learner_enrols_with_profile_skills_baseline_and_accepted_rules(cohort, learner):
    enrolment = enrolments.enrol_participant(cohort, learner, make_profile_fields(
        role_wanted=RoleWanted.EITHER, capacity=1, manager_email=" Boss@Uni.TEST ", department=" Finance ",
        interests=("Podcasts", "podcasts", "Chess"),
    ))
    assert enrolment.is_active and enrolment.person_id == learner.person_id
    assert enrolment.levels(SkillKind.WANTED) == {"career_navigation": 2}
    assert enrolment.levels(SkillKind.OFFERED) == {"ai_tools": 3}
    assert (enrolment.capacity, enrolment.manager_email, enrolment.department) == (1, "boss@uni.test", "Finance")
    assert (enrolment.channels, enrolment.availability, enrolment.interests) == (
        ["video", "chat"], ["mon_morning", "wed_afternoon"], ["Podcasts", "Chess"])  # as written, repeats (ignoring case) dropped
    assert enrolment.career_stage is CareerStage.MID_CAREER
    assert enrolment.ground_rules_accepted_at is not None and enrolment.accepted_current_ground_rules
    assert enrolment.ground_rules_digest == text_digest(cohort.ground_rules)


def test_a_mentee_states_no_capacity_and_a_mentor_defaults_to_the_cohorts(cohort, learner, platform, course):
    mentee = enrolments.enrol_participant(cohort, learner, make_profile_fields())
    assert mentee.capacity is None
    other = make_membership(make_person(platform), course)
    mentor = enrolments.enrol_participant(cohort, other, make_profile_fields(role_wanted=RoleWanted.MENTOR))
    assert mentor.capacity == cohort.mentor_capacity


def test_a_second_enrolment_is_refused_and_carries_the_existing_one(cohort, learner):
    first = enrolments.enrol_participant(cohort, learner, make_profile_fields())
    with pytest.raises(AlreadyEnrolled) as refused:
        enrolments.enrol_participant(cohort, learner, make_profile_fields(goals="Again"))
    assert refused.value.enrolment is first and enrolment_count() == 1


def test_a_double_submit_that_races_past_the_check_meets_the_unique_constraint(cohort, learner, monkeypatch):
    first = enrolments.enrol_participant(cohort, learner, make_profile_fields())
    db.session.commit()
    # The second request looked before the first one committed.
    real = enrolments.enrolment_of
    calls = iter([None])
    monkeypatch.setattr(enrolments, "enrolment_of", lambda c, p: next(calls, None) or real(c, p))
    with pytest.raises(AlreadyEnrolled) as refused:
        enrolments.enrol_participant(cohort, learner, make_profile_fields(goals="Again"))
    assert refused.value.enrolment.id == first.id and enrolment_count() == 1


def test_the_database_refuses_a_second_row_for_one_person_and_cohort(cohort, learner):
    person = learner.person
    make_enrolment(cohort, person)
    with pytest.raises(IntegrityError):
        make_enrolment(cohort, person)


@pytest.mark.parametrize(
    "cohort_overrides, message",
    [
        ({"state": CohortState.DRAFT}, "still being prepared"),
        ({"state": CohortState.ENROLMENT_CLOSED}, "is closed"),
        ({"enrolment_opens_on": TODAY + timedelta(days=1)}, "opens on"),
        ({"enrolment_opens_on": TODAY - timedelta(days=9), "enrolment_closes_on": TODAY - timedelta(days=1)}, "closed on"),
    ],
)
def test_enrolment_outside_the_window_or_into_a_draft_writes_nothing(course, learner, cohort_overrides, message):
    cohort = make_cohort(course, **cohort_overrides)
    with pytest.raises(EnrolmentRefused, match=message):
        enrolments.enrol_participant(cohort, learner, make_profile_fields())
    assert enrolment_count() == 0


def test_enrolment_into_another_courses_cohort_is_not_found_and_writes_nothing(learner, platform):
    elsewhere = make_cohort(make_course(platform))
    with pytest.raises(NotFound):
        enrolments.enrol_participant(elsewhere, learner, make_profile_fields())
    assert enrolment_count() == 0


def test_course_staff_do_not_enrol(cohort, platform, course):
    teacher = make_membership(make_person(platform), course, CourseRole.INSTRUCTOR)
    with pytest.raises(EnrolmentRefused, match="Course staff"):
        enrolments.enrol_participant(cohort, teacher, make_profile_fields())


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"accepts_ground_rules": False}, "accepts_ground_rules"),
        ({"skills": {"not_offered_here": SkillChoice(SkillKind.WANTED, 2)}}, "skills"),
        ({"skills": {"ai_tools": SkillChoice(SkillKind.WANTED, 6)}}, "skills"),
        ({"role_wanted": RoleWanted.MENTOR, "skills": {"ai_tools": SkillChoice(SkillKind.WANTED, 2)}}, "skills"),
        ({"skills": {"ai_tools": SkillChoice(SkillKind.OFFERED, 2)}}, "skills"),
        ({"role_wanted": RoleWanted.MENTOR, "capacity": 3}, "capacity"),
        ({"experience_years": -1}, "experience_years"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"availability": ()}, "availability"),
        ({"availability": ("mon_night",)}, "availability"),
        ({"channels": ()}, "channels"),
        ({"languages": ()}, "languages"),
        ({"languages": ("xx",)}, "languages"),
        ({"goals": "   "}, "goals"),
        ({"manager_email": "not an address"}, "manager_email"),
        ({"manager_email": "ADA@uni.test"}, "manager_email"),
    ],
)
def test_a_profile_that_breaks_a_rule_is_refused_naming_the_field(cohort, learner, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        enrolments.enrol_participant(cohort, learner, make_profile_fields(**overrides))
    assert refused.value.field == field and enrolment_count() == 0


def test_generation_department_and_manager_are_optional(cohort, learner):
    enrolment = enrolments.enrol_participant(cohort, learner, make_profile_fields(generation=None, department=None))
    assert (enrolment.generation, enrolment.department, enrolment.manager_email) == (None, None, None)


def test_a_profile_can_change_until_matching(cohort, learner):
    enrolment = enrolments.enrol_participant(cohort, learner, make_profile_fields())
    row_id = enrolment.skills[0].id
    enrolments.update_profile(enrolment, make_profile_fields(
        goals="New goals", skills={"career_navigation": SkillChoice(SkillKind.WANTED, 4)}))
    assert enrolment.goals == "New goals"
    assert enrolment.levels(SkillKind.WANTED) == {"career_navigation": 4} and enrolment.levels(SkillKind.OFFERED) == {}
    assert enrolment.skills[0].id == row_id
    cohort.state = CohortState.MATCHED
    with pytest.raises(EnrolmentRefused, match="too late to change the profile"):
        enrolments.update_profile(enrolment, make_profile_fields(goals="Later"))


def test_a_skill_can_switch_from_offered_to_wanted_without_breaking_uniqueness(cohort, learner):
    enrolment = enrolments.enrol_participant(cohort, learner, make_profile_fields())
    enrolments.update_profile(enrolment, make_profile_fields(skills={"ai_tools": SkillChoice(SkillKind.WANTED, 1)}))
    db.session.flush()
    assert enrolment.levels(SkillKind.WANTED) == {"ai_tools": 1}
    assert db.session.scalar(select(func.count()).select_from(EnrolmentSkill)) == 1


def test_a_withdrawn_learner_re_enrols_while_enrolment_is_open_reusing_the_row(cohort, learner):
    enrolment = enrolments.enrol_participant(cohort, learner, make_profile_fields())
    enrolments.withdraw_participant(enrolment)
    assert enrolment.status is EnrolmentStatus.WITHDRAWN and enrolment.withdrawn_at is not None
    again = enrolments.enrol_participant(cohort, learner, make_profile_fields(goals="Back again"))
    assert again.id == enrolment.id and again.is_active and again.withdrawn_at is None and again.goals == "Back again"
    assert enrolment_count() == 1


def test_a_withdrawn_learner_cannot_re_enrol_after_enrolment_closed(cohort, learner):
    enrolment = enrolments.enrol_participant(cohort, learner, make_profile_fields())
    enrolments.withdraw_participant(enrolment)
    cohort.state = CohortState.ENROLMENT_CLOSED
    with pytest.raises(EnrolmentRefused, match="is closed"):
        enrolments.enrol_participant(cohort, learner, make_profile_fields())
    assert enrolment.status is EnrolmentStatus.WITHDRAWN


def test_withdrawing_twice_or_after_matching_is_refused(cohort, learner):
    enrolment = make_enrolment(cohort, learner.person)
    enrolments.withdraw_participant(enrolment)
    with pytest.raises(EnrolmentRefused, match="was withdrawn"):
        enrolments.withdraw_participant(enrolment)
    matched = make_enrolment(make_cohort(cohort.course, state=CohortState.MATCHED), learner.person)
    with pytest.raises(EnrolmentRefused, match="too late to withdraw"):
        enrolments.withdraw_participant(matched)


def test_a_participant_moves_to_another_cohort_of_the_course_keeping_shared_skills(course, learner):
    pilot = make_cohort(course, skills=("ai_tools", "career_navigation", "accessibility"), mentor_capacity=3)
    wave = make_cohort(course, skills=("ai_tools", "career_navigation"), mentor_capacity=1)
    enrolment = make_enrolment(pilot, learner.person, capacity=3, offered={"ai_tools": 4, "accessibility": 5},
                               wanted={"career_navigation": 2})
    result = enrolments.move_participant(enrolment, wave)
    assert result.enrolment.cohort_id == wave.id and result.dropped_skills == ("Accessibility",)
    assert enrolment.levels(SkillKind.OFFERED) == {"ai_tools": 4} and enrolment.capacity == 1
    assert {row.skill.cohort_id for row in enrolment.skills} == {wave.id}


def test_moving_is_refused_across_courses_into_drafts_onto_an_existing_enrolment_or_after_matching(course, learner, platform):
    pilot = make_cohort(course)
    enrolment = make_enrolment(pilot, learner.person)
    with pytest.raises(NotFound):
        enrolments.move_participant(enrolment, make_cohort(make_course(platform)))
    with pytest.raises(EnrolmentRefused, match="can only move into"):
        enrolments.move_participant(enrolment, make_cohort(course, state=CohortState.DRAFT))
    taken = make_cohort(course)
    make_enrolment(taken, learner.person)
    with pytest.raises(InvalidInput, match="already has an enrolment"):
        enrolments.move_participant(enrolment, taken)
    with pytest.raises(InvalidInput, match="already in this cohort"):
        enrolments.move_participant(enrolment, pilot)
    pilot.state = CohortState.MATCHED
    with pytest.raises(EnrolmentRefused, match="too late to move"):
        enrolments.move_participant(enrolment, make_cohort(course))
    assert enrolment.cohort_id == pilot.id


def test_instructors_filter_participants_by_role_status_and_skill_and_count_them(cohort):
    mentor = make_enrolment(cohort, role_wanted=RoleWanted.MENTOR, offered={"ai_tools": 5}, wanted={})
    mentee = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE, offered={}, wanted={"strategic_thinking": 1})
    gone = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE, status=EnrolmentStatus.WITHDRAWN,
                          offered={}, wanted={"ai_tools": 1})
    assert list_participants(cohort, ParticipantFilter(role=RoleWanted.MENTEE)) == sorted(
        [mentee, gone], key=lambda e: e.person.name.lower())
    assert list_participants(cohort, ParticipantFilter(status=EnrolmentStatus.ENROLLED, skill_code="ai_tools")) == [mentor]
    assert list_participants(cohort, ParticipantFilter(skill_code="career_navigation")) == []
    counts = count_participants([cohort.id, 999])[cohort.id]
    assert (counts.active, counts.withdrawn, counts.by_role[RoleWanted.MENTOR], counts.by_role[RoleWanted.MENTEE]) == (2, 1, 1, 1)
    assert count_participants([999])[999].active == 0
    assert enrolled_subjects(cohort) == {mentor.person.subject, mentee.person.subject}
