"""A running demo programme in the demo course (development only), so a demo learner launching from /demo/
finds a partner and a pair workspace straight away.

``seed_programme`` records the demo learners as a launch would (person, course, membership), then creates,
when the course has none by that name, a running cohort with the ten learners enrolled and five published
pairs: each odd learner (less senior, offering digital skills) mentors the next one. Running it again keeps
what is there. Rows are written directly: the cohort's history (enrolment, matching) is skipped on purpose.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from lti_app.demo import DEMO_PEOPLE, DemoCourse, DemoPerson
from lti_app.extensions import db, utcnow
from lti_app.lti.claims import parse_roles
from lti_app.lti.models import Deployment
from lti_app.mentoring.domain.cohort_settings import DEFAULT_GROUND_RULES, PrivacySetting, text_digest
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import CareerStage, Generation, RoleWanted, SkillKind
from lti_app.mentoring.domain.skills import default_skill
from lti_app.mentoring.models.cohort import Cohort, CohortSkill
from lti_app.mentoring.models.course import Course, CourseRole, Membership
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.launches import LaunchFacts, record_launch
from lti_app.demo import history, registration

COHORT_NAME = "Demo programme"
SKILLS = ("ai_tools", "social_media_strategy", "inclusive_language", "strategic_thinking", "career_navigation",
          "presenting")
# (career stage, years of experience, generation, offered {skill: level}, wanted {skill: level})
MENTOR_PROFILE = (CareerStage.STUDENT, 1.0, Generation.GEN_Z, {"ai_tools": 5, "social_media_strategy": 4},
                  {"career_navigation": 2, "presenting": 2})
MENTEE_PROFILE = (CareerStage.SENIOR, 18.0, Generation.GEN_X, {"strategic_thinking": 5, "career_navigation": 4},
                  {"ai_tools": 2, "social_media_strategy": 1})


def _memberships(platform_id: int, deployment_id: int) -> list[Membership]:
    """The demo learners recorded in the demo course, as their launches would record them."""
    course = DemoCourse()
    found = []
    for person in (p for p in DEMO_PEOPLE if p.is_learner):
        facts = LaunchFacts(platform_id, deployment_id, person.sub, course.context_id,
                            CourseRole(parse_roles(person.roles).course_role.value), course.title, course.label,
                            person.name, person.given_name, person.family_name, person.email)
        found.append(record_launch(facts))
    return found


def _enrolment(cohort: Cohort, membership: Membership, mentor: bool) -> Enrolment:
    stage, years, generation, offered, wanted = MENTOR_PROFILE if mentor else MENTEE_PROFILE
    enrolment = Enrolment(
        cohort=cohort, person_id=membership.person_id, role_wanted=RoleWanted.MENTOR if mentor else RoleWanted.MENTEE,
        capacity=1 if mentor else None, experience_years=years, career_stage=stage, generation=generation,
        time_zone="Europe/Dublin", channels=["video", "chat"], availability=["tue_morning", "thu_afternoon"],
        languages=["en"], interests=["podcasts"], goals="Learn from each other.", ground_rules_accepted_at=utcnow(),
        ground_rules_digest=text_digest(cohort.ground_rules))
    rows = [(code, SkillKind.OFFERED, level) for code, level in offered.items()]
    rows += [(code, SkillKind.WANTED, level) for code, level in wanted.items()]
    enrolment.skills = [EnrolmentSkill(skill=cohort.skill(code), kind=kind, level=level) for code, kind, level in rows]
    return enrolment


def _cohort(course_id: int) -> Cohort:
    today = utcnow().date()
    skills = [default_skill(code) for code in SKILLS]
    return Cohort(
        course_id=course_id, name=COHORT_NAME, description="A running reverse mentoring round to try the pair workspace.",
        state=CohortState.RUNNING, enrolment_opens_on=today - timedelta(days=60), enrolment_closes_on=today - timedelta(days=40),
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=150), meeting_cadence_days=14,
        ground_rules=DEFAULT_GROUND_RULES, privacy=PrivacySetting.STATUS_ONLY,
        skills=[CohortSkill(code=s.code, label=s.label, category=s.category, position=i) for i, s in enumerate(skills)])


def demo_pairs() -> list[tuple[DemoPerson, DemoPerson]]:
    """(mentor, mentee) of each demo pair: the first learner mentors the second, the third the fourth, ..."""
    learners = [p for p in DEMO_PEOPLE if p.is_learner]
    return list(zip(learners[0::2], learners[1::2]))


def _create(course: Course, memberships: list[Membership]) -> list[str]:
    cohort = _cohort(course.id)
    db.session.add(cohort)
    db.session.flush()
    by_sub = {m.person.subject: m for m in memberships}
    published = datetime.combine(cohort.starts_on - timedelta(days=2), time(9), tzinfo=timezone.utc)
    named = []
    for mentor, mentee in demo_pairs():
        pair_of = (_enrolment(cohort, by_sub[mentor.sub], True), _enrolment(cohort, by_sub[mentee.sub], False))
        db.session.add_all(pair_of)
        db.session.flush()
        db.session.add(Pair(cohort_id=cohort.id, mentor_enrolment_id=pair_of[0].id, mentee_enrolment_id=pair_of[1].id,
                            score=0.8, status=PairStatus.ACTIVE, published_at=published))
        named.append(f"{mentor.name} mentors {mentee.name}")
    return [f"Created the running cohort “{COHORT_NAME}” with {len(memberships)} learners and {len(named)} pairs: "
            + "; ".join(named) + "."]


def seed_programme() -> list[str]:
    """Idempotently give the demo course a running cohort with published pairs (after ``registration.seed``). Commits."""
    platform = registration.registration()
    if platform is None:
        return ["The demo LMS is not registered: no demo programme."]
    deployment = db.session.scalar(select(Deployment).where(
        Deployment.platform_id == platform.id, Deployment.deployment_id == registration.DEPLOYMENT_ID))
    memberships = _memberships(platform.id, deployment.id)
    course = memberships[0].course
    existing = db.session.scalar(select(Cohort).where(Cohort.course_id == course.id, Cohort.name == COHORT_NAME))
    done = [f"Kept the cohort “{COHORT_NAME}” of the demo course."] if existing else _create(course, memberships)
    done += history.seed_history(course.id, COHORT_NAME)
    db.session.commit()
    return done
