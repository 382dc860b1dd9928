"""Copy a cohort for the next round: its settings, ground rules, skills, matching settings, reflections,
completion rules and survey questions and settings, with the dates moved on; no people, pairs or anything they
wrote (no survey rounds or answers). Every function flushes."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.skills import SkillCategory
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.completion import CohortCompletion
from lti_app.mentoring.models.reflection import ReflectionAssignment
from lti_app.mentoring.services.cohorts import CohortFields, create_cohort
from lti_app.mentoring.services.matching.pairing import save_settings, settings_of
from lti_app.mentoring.domain.texts import N_, _

COPIED = N_("settings, ground rules, skills, matching settings, reflection assignments, completion rules and survey "
          "questions and settings; no participants, pairs or anything they wrote")


def shift_for_next_round(source: Cohort, today: date) -> timedelta:
    """How far the copy's dates move: enrolment opens the day after the source's programme ends, or today if that
    day has passed; every duration (enrolment window, programme, reflection windows) stays the same."""
    opens = max(source.ends_on + timedelta(days=1), today)
    return opens - source.enrolment_opens_on


def next_round_fields(source: Cohort, today: date) -> CohortFields:
    """The source's settings as a new cohort's, dates moved on and named as its next round."""
    shift = shift_for_next_round(source, today)
    return CohortFields(
        name=_("%(cohort)s (next round)", cohort=source.name)[:200], description=source.description,
        enrolment_opens_on=source.enrolment_opens_on + shift, enrolment_closes_on=source.enrolment_closes_on + shift,
        starts_on=source.starts_on + shift, ends_on=source.ends_on + shift, ground_rules=source.ground_rules,
        skill_codes=tuple(s.code for s in source.skills if s.category is not SkillCategory.CUSTOM),
        custom_skill_labels=tuple(s.label for s in source.skills if s.category is SkillCategory.CUSTOM),
        meeting_cadence_days=source.meeting_cadence_days, feedback_interval_days=source.feedback_interval_days,
        quiet_after_days=source.quiet_after_days, quiet_warning_days=source.quiet_warning_days,
        inactivity_days=source.inactivity_days,
        mentor_capacity=source.mentor_capacity, mentors_per_mentee=source.mentors_per_mentee, privacy=source.privacy,
    )


def copy_cohort(source: Cohort, fields: CohortFields) -> Cohort:
    """A new draft cohort with ``fields`` (the instructor's edit of ``next_round_fields``) and the rest of the
    source's set-up: matching settings without pins or forbidden pairs (they name the source's people), its
    reflection assignments (windows moved as the programme moved, no gradebook column yet), completion rules, and
    the current questions and settings of its pulse and exit surveys (as version 1: no rounds, no answers)."""
    cohort = create_cohort(source.course_id, fields, surveys_like=source.id)
    save_settings(cohort, replace(settings_of(source), pinned=frozenset(), forbidden=frozenset()))
    shift = fields.starts_on - source.starts_on
    for assignment in db.session.scalars(select(ReflectionAssignment).where(ReflectionAssignment.cohort_id == source.id)
                                         .order_by(ReflectionAssignment.id)):
        db.session.add(ReflectionAssignment(
            cohort_id=cohort.id, title=assignment.title, prompt=assignment.prompt, audience=assignment.audience,
            opens_on=assignment.opens_on + shift, due_on=assignment.due_on + shift, points=assignment.points,
            rubric=list(assignment.rubric or []), accept_late=assignment.accept_late,
            revise_until=assignment.revise_until))
    rules = db.session.scalar(select(CohortCompletion).where(CohortCompletion.cohort_id == source.id))
    if rules is not None:
        db.session.add(CohortCompletion(
            cohort_id=cohort.id, enabled=rules.enabled, min_meetings=rules.min_meetings,
            require_goals_rerated=rules.require_goals_rerated, require_all_reflections=rules.require_all_reflections,
            grade_points=rules.grade_points, score_maximum=rules.score_maximum))
    db.session.flush()
    return cohort
