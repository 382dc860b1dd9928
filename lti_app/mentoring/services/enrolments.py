"""Enrolment: enrol, edit the profile, withdraw, re-enrol, move between cohorts. Every function flushes, none commits."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.availability import ALL_BLOCKS, is_time_zone
from lti_app.mentoring.domain.cohort_settings import text_digest
from lti_app.mentoring.domain.cohort_state import check_enrolment_open
from lti_app.mentoring.domain.profile_fields import (
    ISO_639_1, CareerStage, Channel, EnrolmentStatus, Generation, RoleWanted, SkillKind, is_email, normalise_email,
    parse_tags,
)
from lti_app.mentoring.errors import AlreadyEnrolled, EnrolmentRefused, InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.course import Membership
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill
from lti_app.mentoring.domain.texts import N_, _

MAX_GOALS_LENGTH = 4000
MAX_DEPARTMENT_LENGTH = 200


@dataclass(frozen=True)
class SkillChoice:
    """A skill a participant offers or wants, and their level today (the baseline)."""

    kind: SkillKind
    level: int


@dataclass(frozen=True)
class ProfileFields:
    """A participant's profile and baseline, in plain values."""

    role_wanted: RoleWanted
    experience_years: float
    career_stage: CareerStage
    time_zone: str
    goals: str
    availability: tuple[str, ...]
    channels: tuple[Channel, ...]
    languages: tuple[str, ...]
    skills: Mapping[str, SkillChoice]  # skill code → choice
    accepts_ground_rules: bool
    interests: tuple[str, ...] = ()
    capacity: int | None = None  # None: the cohort's mentor capacity
    generation: Generation | None = None
    department: str | None = None
    manager_email: str | None = None


@dataclass(frozen=True)
class MoveResult:
    """A moved enrolment and the labels of skills the new cohort does not offer (dropped from the profile)."""

    enrolment: Enrolment
    dropped_skills: tuple[str, ...] = field(default=())


def _skill_rules(cohort: Cohort, fields: ProfileFields) -> list[tuple[bool, str, str]]:
    kinds = [choice.kind for choice in fields.skills.values()]
    role = fields.role_wanted
    return [
        (all(cohort.skill(code) for code in fields.skills), "skills", _("Choose skills from this cohort's list.")),
        (all(1 <= c.level <= 5 for c in fields.skills.values()), "skills", _("Rate each skill from 1 to 5.")),
        (not role.can_mentor or SkillKind.OFFERED in kinds, "skills",
         _("As a mentor, choose at least one skill you can offer.")),
        (not role.can_be_mentored or SkillKind.WANTED in kinds, "skills",
         _("As a mentee, choose at least one skill you want to learn.")),
    ]


def _check_profile(cohort: Cohort, fields: ProfileFields, own_email: str | None) -> None:
    """Raise InvalidInput, naming the field, for the first rule the profile breaks."""
    manager = normalise_email(fields.manager_email)
    capacity = fields.capacity
    rules = [
        *_skill_rules(cohort, fields),
        (capacity is None or 1 <= capacity <= cohort.mentor_capacity, "capacity",
         _("Choose between 1 and %(max)d mentees.", max=cohort.mentor_capacity)),
        (0 <= fields.experience_years <= 70, "experience_years", _("Give your years of experience, from 0 to 70.")),
        (is_time_zone(fields.time_zone), "time_zone", _("Choose your time zone from the list.")),
        (bool(fields.availability), "availability", _("Choose at least one time of the week when you can meet.")),
        (set(fields.availability) <= set(ALL_BLOCKS), "availability", _("Choose times of the week from the grid.")),
        (bool(fields.channels), "channels", _("Choose at least one way to talk.")),
        (bool(fields.languages), "languages", _("Choose at least one language you can use.")),
        (set(fields.languages) <= ISO_639_1, "languages", _("Use two-letter ISO 639-1 language codes.")),
        (bool(fields.goals.strip()), "goals", _("Describe what you want to get out of the programme.")),
        (len(fields.goals) <= MAX_GOALS_LENGTH, "goals", _("Keep your goals under %(max)d characters.", max=MAX_GOALS_LENGTH)),
        (len((fields.department or "").strip()) <= MAX_DEPARTMENT_LENGTH, "department", _("Shorten the department name.")),
        (manager is None or is_email(manager), "manager_email", _("Give your manager's e-mail address, like name@example.org.")),
        (manager is None or manager != normalise_email(own_email), "manager_email", _("Give your manager's address, not your own.")),
        (fields.accepts_ground_rules, "accepts_ground_rules", _("Accept the ground rules to take part.")),
    ]
    for ok, name, message in rules:
        if not ok:
            raise InvalidInput(message, field=name)


def _apply_profile(enrolment: Enrolment, cohort: Cohort, fields: ProfileFields) -> None:
    enrolment.role_wanted = fields.role_wanted
    enrolment.capacity = (fields.capacity or cohort.mentor_capacity) if fields.role_wanted.can_mentor else None
    enrolment.experience_years = float(fields.experience_years)
    enrolment.career_stage = CareerStage(fields.career_stage)
    enrolment.generation = fields.generation
    enrolment.department = (fields.department or "").strip() or None
    enrolment.manager_email = normalise_email(fields.manager_email)
    enrolment.channels = [c.value for c in Channel if c in fields.channels]
    enrolment.availability = [b for b in ALL_BLOCKS if b in fields.availability]
    enrolment.time_zone = fields.time_zone
    enrolment.languages = list(dict.fromkeys(fields.languages))
    enrolment.interests = list(parse_tags(fields.interests))
    enrolment.goals = fields.goals.strip()
    enrolment.ground_rules_accepted_at = utcnow()
    enrolment.ground_rules_digest = text_digest(cohort.ground_rules)
    _replace_skills(enrolment, cohort, fields.skills)


def _replace_skills(enrolment: Enrolment, cohort: Cohort, choices: Mapping[str, SkillChoice]) -> None:
    """Update rows in place, drop the ones no longer chosen, add new ones (never a delete and insert of one skill)."""
    by_code = {row.skill.code: row for row in enrolment.skills}
    for code, row in by_code.items():
        if code not in choices:
            enrolment.skills.remove(row)
    for code, choice in choices.items():
        row = by_code.get(code)
        if row is None:
            row = EnrolmentSkill(skill=cohort.skill(code))
            enrolment.skills.append(row)
        row.kind, row.level = choice.kind, choice.level


def check_can_enrol(cohort: Cohort, membership: Membership, today: date | None = None) -> Enrolment | None:
    """Raise what ``enrol_participant`` would refuse before looking at a profile; else the withdrawn enrolment, if any."""
    if membership.course_id != cohort.course_id:
        raise NotFound(_("There is no such cohort in your course."))
    if membership.role.is_staff:
        raise EnrolmentRefused(_("Course staff run the programme; only participants enrol."))
    existing = enrolment_of(cohort.id, membership.person_id)
    if existing is not None and existing.is_active:
        raise AlreadyEnrolled(existing)
    check_enrolment_open(cohort.state, cohort.enrolment_opens_on, cohort.enrolment_closes_on, today or utcnow().date())
    return existing


def enrol_participant(cohort: Cohort, membership: Membership, fields: ProfileFields, today: date | None = None) -> Enrolment:
    """Enrol the member in the cohort (or re-enrol after withdrawing). Flushes.

    Refuses another course's cohort (NotFound), staff, a cohort that is not open today (EnrolmentRefused) and a
    second enrolment (AlreadyEnrolled, carrying the existing one, also when a concurrent request won the race).
    """
    existing = check_can_enrol(cohort, membership, today)
    _check_profile(cohort, fields, membership.person.email)
    if existing is not None:
        existing.status, existing.withdrawn_at, existing.enrolled_at = EnrolmentStatus.ENROLLED, None, utcnow()
        _apply_profile(existing, cohort, fields)
        db.session.flush()
        return existing
    enrolment = Enrolment(cohort=cohort, person_id=membership.person_id, status=EnrolmentStatus.ENROLLED)
    _apply_profile(enrolment, cohort, fields)
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:
        winner = enrolment_of(cohort.id, membership.person_id)
        if winner is None:
            raise
        raise AlreadyEnrolled(winner) from None
    return enrolment


def update_profile(enrolment: Enrolment, fields: ProfileFields) -> Enrolment:
    """Change an active enrolment's profile; possible until the cohort is matched. Flushes."""
    cohort = enrolment.cohort
    check_changeable(enrolment, "change the profile")
    _check_profile(cohort, fields, enrolment.person.email)
    _apply_profile(enrolment, cohort, fields)
    db.session.flush()
    return enrolment


def withdraw_participant(enrolment: Enrolment) -> Enrolment:
    """Withdraw an active enrolment before matching; the row stays, so re-enrolment reuses it. Flushes."""
    check_changeable(enrolment, "withdraw")
    enrolment.status, enrolment.withdrawn_at = EnrolmentStatus.WITHDRAWN, utcnow()
    db.session.flush()
    return enrolment


# the act (as callers name it) → (refusal once withdrawn, refusal once the cohort is past matching)
CHANGE_REFUSALS = {
    "change your profile": (N_("This enrolment was withdrawn; there is nothing to change your profile."),
                            N_("The cohort is “%(state)s”; it is too late to change your profile here.")),
    "change the profile": (N_("This enrolment was withdrawn; there is nothing to change the profile."),
                           N_("The cohort is “%(state)s”; it is too late to change the profile here.")),
    "withdraw": (N_("This enrolment was withdrawn; there is nothing to withdraw."),
                 N_("The cohort is “%(state)s”; it is too late to withdraw here.")),
    "move the participant": (N_("This enrolment was withdrawn; there is nothing to move the participant."),
                             N_("The cohort is “%(state)s”; it is too late to move the participant here.")),
}
GENERAL_REFUSALS = (N_("This enrolment was withdrawn; it can no longer be changed."),
                    N_("The cohort is “%(state)s”; it is too late to change the enrolment here."))


def check_changeable(enrolment: Enrolment, what: str) -> None:
    """Raise EnrolmentRefused unless the enrolment is active and its cohort not yet matched (``what`` names the act)."""
    withdrawn, too_late = CHANGE_REFUSALS.get(what, GENERAL_REFUSALS)
    if not enrolment.is_active:
        raise EnrolmentRefused(_(withdrawn))
    if not enrolment.cohort.state.profiles_editable:
        raise EnrolmentRefused(_(too_late, state=enrolment.cohort.state.in_sentence))


def move_participant(enrolment: Enrolment, target: Cohort) -> MoveResult:
    """Move an enrolment to another cohort of the same course, before either is matched. Flushes.

    Skills the new cohort does not offer are dropped (and reported); a capacity above the new cohort's is lowered.
    """
    source = enrolment.cohort
    if target.course_id != source.course_id:
        raise NotFound(_("There is no such cohort in this course."))
    if target.id == source.id:
        raise InvalidInput(_("The participant is already in this cohort."), field="target")
    check_changeable(enrolment, "move the participant")
    if not target.state.profiles_editable:
        raise EnrolmentRefused(_("“%(cohort)s” is %(state)s; participants can only move into a cohort whose enrolment "
                                 "is open or closed and not yet matched.", cohort=target.name,
                                 state=target.state.in_sentence))
    if enrolment_of(target.id, enrolment.person_id) is not None:
        raise InvalidInput(_("%(name)s already has an enrolment in “%(cohort)s”.", name=enrolment.person.display_name,
                             cohort=target.name), field="target")
    dropped: list[str] = []
    for row in list(enrolment.skills):
        match = target.skill(row.skill.code)
        if match is None:
            dropped.append(row.skill.label_shown)
            enrolment.skills.remove(row)
        else:
            row.skill = match
    enrolment.cohort = target
    if enrolment.capacity is not None:
        enrolment.capacity = min(enrolment.capacity, target.mentor_capacity)
    db.session.flush()
    return MoveResult(enrolment, tuple(dropped))


def enrolment_of(cohort_id: int, person_id: int) -> Enrolment | None:
    """The person's enrolment in the cohort (active or withdrawn), if any."""
    return db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.person_id == person_id))


def find_enrolment(cohort_id: int, person_id: int) -> Enrolment:
    """The person's enrolment in the cohort; NotFound when they never enrolled."""
    found = enrolment_of(cohort_id, person_id)
    if found is None:
        raise NotFound(_("You have not enrolled in this cohort."))
    return found


def enrolment_in_cohort(cohort: Cohort, enrolment_id: int) -> Enrolment:
    """The enrolment ``enrolment_id`` of the cohort; NotFound otherwise."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id:
        raise NotFound(_("There is no such enrolment in this cohort."))
    return enrolment


def enrolments_of_person(course_id: int, person_id: int) -> dict[int, Enrolment]:
    """The person's enrolments in the course's cohorts, by cohort id."""
    rows = db.session.scalars(
        select(Enrolment).join(Cohort).where(Cohort.course_id == course_id, Enrolment.person_id == person_id)
    )
    return {row.cohort_id: row for row in rows}
