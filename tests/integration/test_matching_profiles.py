"""An enrolment maps onto the matching engine's Profile field by field, ready for propose_pairs."""
from __future__ import annotations

from datetime import date

from lti_app.mentoring.domain.cohort_settings import default_matching_settings
from lti_app.mentoring.domain.matching.engine import propose_pairs
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.profile_fields import CareerStage, Generation, RoleWanted
from lti_app.mentoring.services.matching.profiles import profile_of
from tests.factories import make_cohort, make_course, make_enrolment, make_person, make_platform


def test_an_enrolment_becomes_a_profile_with_every_engine_field(app):
    platform = make_platform()
    cohort = make_cohort(make_course(platform), starts_on=date(2026, 3, 2), ends_on=date(2026, 9, 1),
                         enrolment_opens_on=date(2026, 2, 1), enrolment_closes_on=date(2026, 2, 28))
    person = make_person(platform, email="Ada@Uni.TEST")
    enrolment = make_enrolment(
        cohort, person, role_wanted=RoleWanted.MENTOR, capacity=2, experience_years=2.5,
        career_stage=CareerStage.EARLY_CAREER, generation=Generation.GEN_Z, department="  Digital   Services ",
        manager_email="boss@uni.test", languages=["en", "fr"], availability=["mon_morning"], time_zone="Europe/Paris",
        channels=["video", "chat"], interests=["podcasts"], goals="Teach AI tools.",
        offered={"ai_tools": 5}, wanted={"strategic_thinking": 2},
    )
    profile = profile_of(enrolment, past_partners=frozenset({7}))
    assert (profile.id, profile.key, profile.manager_key) == (enrolment.id, "ada@uni.test", "boss@uni.test")
    assert (profile.seniority_years, profile.career_stage, profile.generation) == (2.5, 1, "gen_z")
    assert profile.department == "digital services" and profile.languages == frozenset({"en", "fr"})
    assert profile.availability == frozenset({7, 8, 9, 10})  # 08-12 in Paris in March (CET) is 07-11 UTC
    assert (profile.channels, profile.interests, profile.goals) == (frozenset({"video", "chat"}), frozenset({"podcasts"}), "Teach AI tools.")
    assert (dict(profile.skills_offered), dict(profile.skills_wanted)) == ({"ai_tools": 5}, {"strategic_thinking": 2})
    assert (profile.capacity, profile.past_partners) == (2, frozenset({7}))


def test_a_person_without_e_mail_gets_a_stable_key_and_a_mentee_counts_as_capacity_one(app):
    cohort = make_cohort()
    enrolment = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE, capacity=None, department=None, generation=None)
    enrolment.person.email = None
    profile = profile_of(enrolment)
    assert profile.key == f"person:{enrolment.person_id}"
    assert (profile.capacity, profile.department, profile.generation, profile.manager_key) == (1, None, None, None)


def test_profiles_of_a_cohort_go_straight_into_the_engine_with_the_cohorts_settings(app):
    cohort = make_cohort(skills=("ai_tools", "strategic_thinking"))
    mentor = make_enrolment(cohort, role_wanted=RoleWanted.MENTOR, career_stage=CareerStage.STUDENT, experience_years=0,
                            offered={"ai_tools": 5}, wanted={"strategic_thinking": 1})
    mentee = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE, career_stage=CareerStage.EXECUTIVE, experience_years=25,
                            capacity=None, offered={"strategic_thinking": 5}, wanted={"ai_tools": 1})
    settings = MatchSettings.from_dict({**default_matching_settings(), "mentors_per_mentee": cohort.mentors_per_mentee})
    proposal = propose_pairs([profile_of(mentor)], [profile_of(mentee)], settings)
    assert [(p.mentor_id, p.mentee_id) for p in proposal.pairs] == [(mentor.id, mentee.id)]
