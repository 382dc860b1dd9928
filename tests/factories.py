"""Builders for test data: ``make_platform(**overrides)`` and friends, each flushing what it makes."""
from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from lti_app.extensions import db, utcnow
from lti_app.lti.models import Deployment, LtiContext, Platform
from lti_app.mentoring.domain.cohort_settings import text_digest
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import CareerStage, Channel, RoleWanted, SkillKind
from lti_app.mentoring.domain.skills import custom_skills, default_skill
from lti_app.mentoring.models.cohort import Cohort, CohortSkill
from lti_app.mentoring.models.course import Course, CourseRole, Membership
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.enrolments import ProfileFields, SkillChoice

_seq = count(1)


def make_platform(**overrides: Any) -> Platform:
    """A registered, active platform with one active deployment ('deployment-1')."""
    n = next(_seq)
    fields: dict[str, Any] = {
        "name": f"Platform {n}",
        "issuer": f"https://lms{n}.test",
        "client_id": f"client-{n}",
        "auth_login_url": f"https://lms{n}.test/auth",
        "auth_token_url": f"https://lms{n}.test/token",
        "key_set_url": f"https://lms{n}.test/jwks",
    }
    deployment_ids = overrides.pop("deployment_ids", ["deployment-1"])
    fields.update(overrides)
    platform = Platform(**fields)
    platform.deployments = [Deployment(deployment_id=d) for d in deployment_ids]
    db.session.add(platform)
    db.session.flush()
    return platform


def make_person(platform: Platform, **overrides: Any) -> Person:
    """A person of ``platform``."""
    n = next(_seq)
    person = Person(platform_id=platform.id, subject=f"user-{n}", name=f"Person {n}", **overrides)
    db.session.add(person)
    db.session.flush()
    return person


def make_course(platform: Platform, **overrides: Any) -> Course:
    """A course in the platform's first deployment."""
    n = next(_seq)
    fields: dict[str, Any] = {"platform_id": platform.id, "deployment_id": platform.deployments[0].id, "context_id": f"course-{n}", "title": f"Course {n}"}
    fields.update(overrides)
    course = Course(**fields)
    db.session.add(course)
    db.session.flush()
    return course


def lms_context_of(course: Course, **fields: Any) -> LtiContext:
    """The LMS's service endpoints of ``course`` (its registration's issuer and context id), made or updated (flushes)."""
    from lti_app.tasks.course_contexts import course_context

    context = course_context(course.id)
    if context is None:
        platform = db.session.get(Platform, course.platform_id)
        context = LtiContext(issuer=platform.issuer, context_id=course.context_id, platform_id=platform.id, ags_scopes=[])
        db.session.add(context)
    for name, value in fields.items():
        setattr(context, name, value)
    db.session.flush()
    return context


def make_membership(person: Person, course: Course, role: CourseRole = CourseRole.LEARNER) -> Membership:
    """``person`` in ``course`` with ``role``."""
    membership = Membership(person=person, course=course, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


# -- cohorts and enrolment ------------------------------------------------------------------------------
def make_cohort(course: Course | None = None, **overrides: Any) -> Cohort:
    """A cohort whose enrolment is open today (window: a week ago to in three weeks), with four default skills.

    ``skills=("ai_tools", ...)`` picks default-catalogue codes; ``custom_skills=("Label", ...)`` adds the instructor's own.
    """
    n = next(_seq)
    if course is None:
        course = make_course(make_platform())
    today = utcnow().date()
    codes = overrides.pop("skills", ("ai_tools", "social_media_strategy", "strategic_thinking", "career_navigation"))
    customs = overrides.pop("custom_skills", ())
    fields: dict[str, Any] = {
        "course_id": course.id, "name": f"Cohort {n}", "description": "A reverse mentoring round.",
        "state": CohortState.ENROLMENT_OPEN, "enrolment_opens_on": today - timedelta(days=7),
        "enrolment_closes_on": today + timedelta(days=21), "starts_on": today + timedelta(days=28),
        "ends_on": today + timedelta(days=28 + 180), "ground_rules": "Confidentiality.\nNo role switching.",
    }
    fields.update(overrides)
    cohort = Cohort(**fields)
    skills = [default_skill(code) for code in codes] + list(custom_skills(customs, codes))
    cohort.skills = [CohortSkill(code=s.code, label=s.label, category=s.category, position=i) for i, s in enumerate(skills)]
    db.session.add(cohort)
    db.session.flush()
    return cohort


def make_profile_fields(**overrides: Any) -> ProfileFields:
    """ProfileFields of a mid-career mentee who wants ``career_navigation`` and offers ``ai_tools``, accepted rules."""
    fields: dict[str, Any] = {
        "role_wanted": RoleWanted.MENTEE, "experience_years": 12.0, "career_stage": CareerStage.MID_CAREER,
        "time_zone": "Europe/Dublin", "goals": "Understand how my students use social media.",
        "availability": ("mon_morning", "wed_afternoon"), "channels": (Channel.VIDEO, Channel.CHAT),
        "languages": ("en",), "accepts_ground_rules": True,
        "skills": {"career_navigation": SkillChoice(SkillKind.WANTED, 2), "ai_tools": SkillChoice(SkillKind.OFFERED, 3)},
    }
    fields.update(overrides)
    return ProfileFields(**fields)


def make_enrolment(cohort: Cohort, person: Person | None = None, **overrides: Any) -> Enrolment:
    """An active enrolment written directly (no service rules), its person a learner of the cohort's course.

    ``offered={"ai_tools": 4}`` and ``wanted={"strategic_thinking": 2}`` set skills by code (default: one of each
    from the cohort's first two skills).
    """
    if person is None:
        platform = db.session.get(Platform, cohort.course.platform_id)
        person = make_person(platform)
        make_membership(person, cohort.course)
    offered = overrides.pop("offered", {cohort.skills[0].code: 4})
    wanted = overrides.pop("wanted", {cohort.skills[1].code: 2})
    fields: dict[str, Any] = {
        "cohort": cohort, "person": person, "role_wanted": RoleWanted.EITHER, "capacity": cohort.mentor_capacity,
        "experience_years": 3.0, "career_stage": CareerStage.EARLY_CAREER, "time_zone": "Europe/London",
        "channels": ["video"], "availability": ["tue_morning", "thu_afternoon"], "languages": ["en"],
        "interests": ["podcasts"], "goals": "Learn and teach.", "ground_rules_accepted_at": utcnow(),
        "ground_rules_digest": text_digest(cohort.ground_rules),
    }
    fields.update(overrides)
    enrolment = Enrolment(**fields)
    rows = [(code, SkillKind.OFFERED, level) for code, level in offered.items()]
    rows += [(code, SkillKind.WANTED, level) for code, level in wanted.items()]
    enrolment.skills = [EnrolmentSkill(skill=cohort.skill(code), kind=kind, level=level) for code, kind, level in rows]
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


# -- operators ------------------------------------------------------------------------------------------
OPERATOR_PASSWORD = "correct horse battery staple"


def make_operator(email: str | None = None, password: str = OPERATOR_PASSWORD, **overrides: Any):
    """An active operator account (the password hash is the real one: sign-ins check it)."""
    from lti_app.operators.services import create_operator

    operator = create_operator(email or f"operator{next(_seq)}@rementor.test", password)
    for name, value in overrides.items():
        setattr(operator, name, value)
    db.session.flush()
    return operator
