"""Cohorts of a course: create, edit, open and close enrolment. Every function flushes, none commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.cohort_state import CohortState, long_date
from lti_app.mentoring.domain.skills import DEFAULT_CODES, Skill, SkillCategory, catalogue_after, clean_label
from lti_app.mentoring.errors import EnrolmentRefused, InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort, CohortSkill
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill
from lti_app.mentoring.services import surveys
from lti_app.mentoring.domain.texts import _

MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class CohortFields:
    """Everything an instructor sets on a cohort, in plain values."""

    name: str
    enrolment_opens_on: date
    enrolment_closes_on: date
    starts_on: date
    ends_on: date
    ground_rules: str
    skill_codes: tuple[str, ...]  # picked from the default catalogue
    custom_skill_labels: tuple[str, ...] = ()
    description: str = ""
    meeting_cadence_days: int = 14
    feedback_interval_days: int = 30
    quiet_after_days: int = 90  # no activity this long: the instructor is offered to close the pair
    quiet_warning_days: int = 7  # the pair is warned this long before
    inactivity_days: int | None = None  # the inactivity nudge after this many days; None: MAIL_INACTIVITY_DAYS
    mentor_capacity: int = 2
    mentors_per_mentee: int = 1
    privacy: PrivacySetting = PrivacySetting.STATUS_ONLY


def _check(fields: CohortFields) -> None:
    """Raise InvalidInput, naming the field, for the first rule the fields break."""
    rules = [
        (bool(fields.name.strip()), "name", _("Give the cohort a name.")),
        (len(fields.name.strip()) <= MAX_NAME_LENGTH, "name", _("Keep the name under %(max)d characters.", max=MAX_NAME_LENGTH)),
        (fields.enrolment_opens_on <= fields.enrolment_closes_on, "enrolment_closes_on",
         _("Enrolment must close on or after the day it opens.")),
        (fields.starts_on <= fields.ends_on, "ends_on", _("The programme must end on or after the day it starts.")),
        (fields.enrolment_closes_on <= fields.ends_on, "enrolment_closes_on",
         _("Enrolment must close by the day the programme ends.")),
        (1 <= fields.meeting_cadence_days <= 92, "meeting_cadence_days", _("Choose a meeting cadence between 1 and 92 days.")),
        (7 <= fields.feedback_interval_days <= 92, "feedback_interval_days",
         _("Choose a feedback interval between 7 and 92 days.")),
        (14 <= fields.quiet_after_days <= 365, "quiet_after_days", _("Choose from 14 to 365 days without activity.")),
        (1 <= fields.quiet_warning_days <= 30 and fields.quiet_warning_days < fields.quiet_after_days,
         "quiet_warning_days", _("Warn the pair 1 to 30 days before, and before the proposal to close.")),
        (fields.inactivity_days is None or 1 <= fields.inactivity_days <= 365, "inactivity_days",
         _("Choose from 1 to 365 days, or leave it empty for the tool's default.")),
        (1 <= fields.mentor_capacity <= 20, "mentor_capacity", _("A mentor can take between 1 and 20 mentees.")),
        (1 <= fields.mentors_per_mentee <= 5, "mentors_per_mentee", _("A mentee can have between 1 and 5 mentors.")),
        (bool(fields.ground_rules.strip()), "ground_rules", _("Write the ground rules participants accept.")),
        (set(fields.skill_codes) <= DEFAULT_CODES, "skill_codes", _("Choose skills from the catalogue.")),
        (bool(fields.skill_codes) or any(clean_label(x) for x in fields.custom_skill_labels), "skill_codes",
         _("Choose at least one skill for participants to offer or learn.")),
    ]
    for ok, field, message in rules:
        if not ok:
            raise InvalidInput(message, field=field)


def _ensure_unique_name(course_id: int, name: str, cohort_id: int | None = None) -> None:
    query = select(Cohort.id).where(Cohort.course_id == course_id, func.lower(Cohort.name) == name.lower())
    if cohort_id is not None:
        query = query.where(Cohort.id != cohort_id)
    if db.session.scalar(query) is not None:
        raise InvalidInput(_("This course already has a cohort called “%(name)s”.", name=name), field="name")


def _apply(cohort: Cohort, fields: CohortFields) -> None:
    cohort.name = " ".join(fields.name.split())
    cohort.description = fields.description.strip()
    for attribute in ("enrolment_opens_on", "enrolment_closes_on", "starts_on", "ends_on", "meeting_cadence_days",
                      "feedback_interval_days", "quiet_after_days", "quiet_warning_days", "inactivity_days",
                      "mentor_capacity", "mentors_per_mentee", "privacy"):
        setattr(cohort, attribute, getattr(fields, attribute))
    cohort.ground_rules = fields.ground_rules.strip().replace("\r\n", "\n")


def _sync_skills(cohort: Cohort, fields: CohortFields) -> None:
    """Make the catalogue what the fields ask for (``skills.catalogue_after``), keeping the rows of skills that stay."""
    wanted = catalogue_after((Skill(s.code, s.label, s.category) for s in cohort.skills), fields.skill_codes,
                             fields.custom_skill_labels)
    rows = {s.code: s for s in cohort.skills}
    keep = [rows.get(w.code) or CohortSkill(code=w.code, label=w.label, category=w.category) for w in wanted]
    _refuse_removing_chosen_skills(cohort, [s for s in cohort.skills if s not in keep])
    for position, skill in enumerate(keep):
        skill.position = position
    cohort.skills = keep


def _refuse_removing_chosen_skills(cohort: Cohort, removed: list[CohortSkill]) -> None:
    ids = [s.id for s in removed if s.id is not None]
    if not ids:
        return
    in_use = db.session.scalars(select(EnrolmentSkill.skill_id).where(EnrolmentSkill.skill_id.in_(ids)).distinct()).all()
    if in_use:
        labels = ", ".join(s.label_shown for s in removed if s.id in set(in_use))
        raise InvalidInput(_("Participants have chosen these skills, so they stay in the catalogue: %(skills)s.",
                             skills=labels), field="skill_codes")


def create_cohort(course_id: int, fields: CohortFields, *, surveys_like: int | None = None) -> Cohort:
    """A new draft cohort in the course, with its pulse and exit surveys (the default questions, or those of cohort
    ``surveys_like``), so that no page has to write them on first sight. Flushes."""
    _check(fields)
    _ensure_unique_name(course_id, fields.name.strip())
    cohort = Cohort(course_id=course_id, state=CohortState.DRAFT)
    _apply(cohort, fields)
    db.session.add(cohort)
    _sync_skills(cohort, fields)
    db.session.flush()
    surveys.create_surveys(cohort.id, like=surveys_like)
    return cohort


def update_cohort(cohort: Cohort, fields: CohortFields) -> Cohort:
    """Change a cohort's settings; after matching, its catalogue and capacities stay as they were. Flushes."""
    if cohort.state is CohortState.FINISHED:
        raise EnrolmentRefused(_("This cohort has finished; its settings are kept as they were."))
    _check(fields)
    _ensure_unique_name(cohort.course_id, fields.name.strip(), cohort.id)
    if cohort.state.matching_inputs_locked and _matching_inputs_change(cohort, fields):
        raise InvalidInput(_("The pairs were made from this catalogue and these capacities, so they can no longer change."),
                           field="skill_codes")
    _sync_skills(cohort, fields)  # first: it may refuse, before anything else has changed
    dates_before = (cohort.starts_on, cohort.ends_on)
    _apply(cohort, fields)
    _clamp_mentor_capacities(cohort)
    db.session.flush()
    if cohort.state.matching_inputs_locked and (cohort.starts_on, cohort.ends_on) != dates_before:
        surveys.sync_rounds(cohort)  # the survey rounds follow the programme's new dates (answered rounds stay)
    return cohort


def _matching_inputs_change(cohort: Cohort, fields: CohortFields) -> bool:
    defaults = {s.code for s in cohort.skills if s.category is not SkillCategory.CUSTOM}
    customs = {s.label.casefold() for s in cohort.skills if s.category is SkillCategory.CUSTOM}
    wanted_customs = {clean_label(x).casefold() for x in fields.custom_skill_labels if clean_label(x)}
    return (defaults != set(fields.skill_codes) or customs != wanted_customs
            or (cohort.mentor_capacity, cohort.mentors_per_mentee) != (fields.mentor_capacity, fields.mentors_per_mentee))


def _clamp_mentor_capacities(cohort: Cohort) -> None:
    """A mentor may lower their capacity below the cohort's, never exceed it."""
    over = db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.capacity > cohort.mentor_capacity)
    )
    for enrolment in over:
        enrolment.capacity = cohort.mentor_capacity


def open_enrolment(cohort: Cohort, today: date | None = None) -> Cohort:
    """Open (or reopen) enrolment; refused when the window has already ended. Flushes."""
    today = today or utcnow().date()
    new_state = cohort.state.open_enrolment()
    if cohort.enrolment_closes_on < today:
        raise EnrolmentRefused(
            _("The enrolment window ended on %(date)s. Move its closing date first.",
              date=long_date(cohort.enrolment_closes_on))
        )
    cohort.state = new_state
    db.session.flush()
    return cohort


def close_enrolment(cohort: Cohort) -> Cohort:
    """Stop taking enrolments. Flushes."""
    cohort.state = cohort.state.close_enrolment()
    db.session.flush()
    return cohort


def cohort_in_course(course_id: int, cohort_id: int) -> Cohort:
    """The cohort ``cohort_id`` of the course; NotFound for an unknown id or another course's cohort."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.course_id != course_id:
        raise NotFound(_("There is no such cohort in this course."))
    return cohort


def visible_cohort_in_course(course_id: int, cohort_id: int) -> Cohort:
    """The cohort as a participant may see it: NotFound outside the course, EnrolmentRefused while a draft."""
    cohort = cohort_in_course(course_id, cohort_id)
    if not cohort.state.visible_to_learners:
        raise EnrolmentRefused(_("This cohort is still being prepared by your instructor; enrolment has not opened yet."))
    return cohort


def cohorts_of(course_id: int, *, visible_to_learners: bool = False) -> list[Cohort]:
    """The course's cohorts, oldest first; drafts left out for learners."""
    query = select(Cohort).where(Cohort.course_id == course_id).order_by(Cohort.starts_on, Cohort.id)
    if visible_to_learners:
        query = query.where(Cohort.state != CohortState.DRAFT)
    return list(db.session.scalars(query))
