"""Enrolments as the matching engine sees them: ``profile_of(enrolment) -> Profile`` (plain, frozen data).

A whole cohort's profiles are built from two queries (``participants``: the enrolments' columns with their person's,
then ``skill_levels``), never one per person: at 5,000 participants lazy loads were most of a run's time.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from sqlalchemy import Row, String, select, type_coerce

from lti_app.extensions import db
from lti_app.mentoring.domain.availability import to_utc_hours
from lti_app.mentoring.domain.matching.explain import skill_label
from lti_app.mentoring.domain.matching.types import Profile
from lti_app.mentoring.domain.matching.words import Value
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, SkillKind
from lti_app.mentoring.models.cohort import CohortSkill
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill
from lti_app.mentoring.models.person import Person

Levels = tuple[dict[str, int], dict[str, int]]  # (offered, wanted): skill code → level
PROFILE_COLUMNS = ("id", "person_id", "role_wanted", "capacity", "experience_years", "career_stage", "generation",
                   "department", "manager_email", "channels", "availability", "time_zone", "languages", "interests",
                   "goals")


def person_key(email: str | None, person_id: int) -> str:
    """Who someone is for the reporting-line rule: their e-mail lowercased, else ``person:<id>``."""
    return email.strip().lower() if email and email.strip() else f"person:{person_id}"


def skill_levels(cohort_id: int) -> dict[int, Levels]:
    """Enrolment id → (offered, wanted) skill levels of the cohort's active enrolments, in one query."""
    kind = type_coerce(EnrolmentSkill.kind, String)  # the plain text: 35,000 enum conversions cost more than the query
    rows = db.session.execute(
        select(EnrolmentSkill.enrolment_id, CohortSkill.code, kind, EnrolmentSkill.level)
        .join(CohortSkill, EnrolmentSkill.skill_id == CohortSkill.id)
        .join(Enrolment, EnrolmentSkill.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED))
    found: dict[int, Levels] = defaultdict(lambda: ({}, {}))
    offered = SkillKind.OFFERED.value
    for enrolment_id, code, stored_kind, level in rows:
        found[enrolment_id][0 if stored_kind == offered else 1][code] = level
    return found


def participants(cohort_id: int) -> list[Row]:
    """The cohort's active enrolments by id, as rows of the columns a profile needs and their person's name and
    e-mail (``Person.display_name`` reads them): one query and no ORM objects, which cost more than the query."""
    columns = [getattr(Enrolment, name) for name in PROFILE_COLUMNS]
    return list(db.session.execute(
        select(*columns, Person.name, Person.given_name, Person.family_name, Person.email)
        .join(Person, Enrolment.person_id == Person.id)
        .where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED).order_by(Enrolment.id)))


@lru_cache(maxsize=4096)
def _block_hours(code: str, tz: str, week_of: date) -> frozenset[int]:
    """UTC hours of one weekly block: people share blocks and zones, so a cohort converts each pair once."""
    return to_utc_hours((code,), tz, week_of)


@lru_cache(maxsize=65536)
def _hours(blocks: tuple[str, ...], tz: str, week_of: date) -> frozenset[int]:
    if not blocks:
        return to_utc_hours((), tz, week_of)  # still refuses an unknown zone
    return frozenset().union(*(_block_hours(code, tz, week_of) for code in blocks))


def utc_hours(blocks: list[str], tz: str, week_of: date) -> frozenset[int]:
    """``to_utc_hours`` of several blocks, as the union of each block's hours (both cached: they repeat)."""
    return _hours(tuple(blocks), tz, week_of)


def profile_of(enrolment: Enrolment, past_partners: frozenset[int] = frozenset(), week_of: date | None = None) -> Profile:
    """The engine's view of an enrolment.

    Availability becomes UTC hours of the week in the week of ``week_of`` (default: the cohort's start, so
    daylight saving time is that of the programme); departments compare case- and space-insensitively; a
    mentee, who states no capacity, counts as 1. ``past_partners`` are enrolment ids (the rotation's business).
    """
    levels = enrolment.levels(SkillKind.OFFERED), enrolment.levels(SkillKind.WANTED)
    return profile_from(enrolment, enrolment.person.email, past_partners, week_of or enrolment.cohort.starts_on, levels)


def profile_from(enrolment: Enrolment | Row, email: str | None, past_partners: frozenset[int], week_of: date,
                 levels: Levels) -> Profile:
    """``profile_of`` from an enrolment's columns (an Enrolment, or a row of ``participants``) and its person's
    e-mail, with the skills as ``skill_levels`` read them."""
    department = " ".join((enrolment.department or "").split()).casefold() or None
    offered, wanted = levels
    return Profile(
        id=enrolment.id,
        key=person_key(email, enrolment.person_id),
        manager_key=enrolment.manager_email.lower() if enrolment.manager_email else None,
        seniority_years=float(enrolment.experience_years),
        career_stage=int(enrolment.career_stage),
        department=department,
        generation=enrolment.generation.value if enrolment.generation else None,
        languages=frozenset(enrolment.languages),
        availability=utc_hours(enrolment.availability, enrolment.time_zone, week_of),
        channels=frozenset(enrolment.channels),
        interests=frozenset(tag.casefold() for tag in enrolment.interests),
        goals=enrolment.goals,
        skills_offered=MappingProxyType(offered),
        skills_wanted=MappingProxyType(wanted),
        capacity=enrolment.capacity or 1,
        past_partners=past_partners,
    )


def skill_words(skills: Iterable[CohortSkill]) -> dict[str, Value]:
    """A cohort's skills by code, as the sentences that explain a match name them (``explain.skill_label``)."""
    return {s.code: skill_label(s.code, s.category, s.label) for s in skills}


def spellings(enrolments: Iterable[Enrolment | Row]) -> dict[str, str]:
    """Departments and interests as their writers spelled them ("HR", "Student Union"), by the case-folded form the
    engine compares, for the sentences that explain a match (the first spelling met wins)."""
    found: dict[str, str] = {}
    for enrolment in enrolments:
        department = " ".join((enrolment.department or "").split())
        for shown in (department, *enrolment.interests):
            if shown:
                found.setdefault(shown.casefold(), shown)
    return found

