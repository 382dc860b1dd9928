"""The facts a programme dashboard is computed from, read for one or many cohorts in a fixed number of queries.

Each query reads columns (never whole rows with their relations) for all the cohorts asked for at once, so the
cost is the same for a pilot of ten and a cohort of 5,000: participants, pairs, meetings, goals, goal skills,
reflections asked for and submitted, completions, open fit checks asking for a new partner, skill labels, and
the latest pulse answers (``survey_results.latest_pulse``). The figures themselves are
``domain/programme_metrics``. Nothing here writes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import String, select, type_coerce

from lti_app.extensions import db
from lti_app.mentoring.domain.pair_feedback import FitAnswer
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.programme_facts import (
    GoalFact, MeetingFact, PairFact, ParticipantFact, Period, ProgrammeFacts, ReflectionFact, role_of,
)
from lti_app.mentoring.domain.programme_metrics import DEFAULT_QUIET_DAYS, ProgrammeMetrics, programme_metrics
from lti_app.mentoring.domain.reflections import Audience, SubmissionStatus
from lti_app.mentoring.domain.skills import shown_label
from lti_app.mentoring.models.cohort import Cohort, CohortSkill
from lti_app.mentoring.models.completion import Completion
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.feedback import FitCheck
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.models.workspace import Goal, GoalSkill, Meeting
from lti_app.mentoring.services import survey_admin, survey_results
from lti_app.mentoring.services.pairs import VISIBLE_TO_PARTNERS

def _text(column):
    """An enum column read as its stored text (5,000 enum lookups are measurable on the dashboard)."""
    return type_coerce(column, String)


def _rows(query):
    """Plain rows of a column query, read on the session's connection (no ORM bookkeeping per row: 5,000 rows
    of columns cost several times less this way)."""
    return db.session.connection().execute(query)


AUDIENCE_ROLES = {Audience.MENTORS: {"mentor"}, Audience.MENTEES: {"mentee"}, Audience.BOTH: {"mentor", "mentee", "either"}}


def facts_of_cohorts(cohorts: Sequence[Cohort], today: date, roster_sizes: dict[int, int | None] | None = None
                     ) -> dict[int, ProgrammeFacts]:
    """Cohort id → the facts of its programme (``roster_sizes``: learners on the course roster, when known)."""
    ids = [c.id for c in cohorts]
    if not ids:
        return {}
    people: dict[int, list[ParticipantFact]] = defaultdict(list)
    for cohort_id, e_id, role, status, capacity in _rows(
            select(Enrolment.cohort_id, Enrolment.id, _text(Enrolment.role_wanted), _text(Enrolment.status),
                   Enrolment.capacity).where(Enrolment.cohort_id.in_(ids)).order_by(Enrolment.id)):
        people[cohort_id].append(ParticipantFact(e_id, role, status == EnrolmentStatus.WITHDRAWN.value, capacity))
    cadence = {c.id: c.meeting_cadence_days for c in cohorts}
    pairs: dict[int, list[PairFact]] = defaultdict(list)
    cohort_of_pair: dict[int, int] = {}
    for p_id, cohort_id, mentor, mentee, status, score, pinned, published_at in _rows(
            select(Pair.id, Pair.cohort_id, Pair.mentor_enrolment_id, Pair.mentee_enrolment_id, _text(Pair.status), Pair.score,
                   Pair.pinned, Pair.published_at)
            .where(Pair.cohort_id.in_(ids), Pair.status.in_(VISIBLE_TO_PARTNERS)).order_by(Pair.id)):
        cohort_of_pair[p_id] = cohort_id
        pairs[cohort_id].append(PairFact(p_id, mentor, mentee, status == PairStatus.ACTIVE.value, score or 0.0, pinned,
                                         published_at.date() if published_at else None, cadence[cohort_id]))
    meetings: dict[int, list[MeetingFact]] = defaultdict(list)
    for cohort_id, p_id, held_on, minutes in _rows(
            select(Pair.cohort_id, Meeting.pair_id, Meeting.held_on, Meeting.duration_minutes).join(Pair)
            .where(Pair.cohort_id.in_(ids), Pair.status.in_(VISIBLE_TO_PARTNERS))):
        meetings[cohort_id].append(MeetingFact(p_id, held_on, minutes))
    goal_skills: dict[int, list[str]] = defaultdict(list)
    for goal_id, code in _rows(
            select(GoalSkill.goal_id, GoalSkill.skill_code).join(Goal).join(Pair, Goal.pair_id == Pair.id)
            .where(Pair.cohort_id.in_(ids)).order_by(GoalSkill.goal_id, GoalSkill.position)):
        goal_skills[goal_id].append(code)
    goals: dict[int, list[GoalFact]] = defaultdict(list)
    for cohort_id, goal_id, owner, baseline, target, end, current in _rows(
            select(Pair.cohort_id, Goal.id, Goal.owner_enrolment_id, Goal.baseline_rating, Goal.target_rating,
                   Goal.end_rating_owner, Goal.current_rating).join(Pair, Goal.pair_id == Pair.id)
            .where(Pair.cohort_id.in_(ids), Pair.status.in_(VISIBLE_TO_PARTNERS))):
        goals[cohort_id].append(GoalFact(owner, baseline, target, end if end is not None else current,
                                         tuple(goal_skills[goal_id])))
    reflections = _reflections(ids, people, pairs, today)
    completed: dict[int, set[int]] = defaultdict(set)
    for cohort_id, e_id in _rows(
            select(Completion.cohort_id, Completion.enrolment_id).where(Completion.cohort_id.in_(ids))):
        completed[cohort_id].add(e_id)
    asked: dict[int, set[int]] = defaultdict(set)
    for (p_id,) in _rows(
            select(FitCheck.pair_id).join(Pair).where(Pair.cohort_id.in_(ids), FitCheck.answer == FitAnswer.WANT_NEW_PARTNER,
                                                      FitCheck.handled_at.is_(None))):
        asked[cohort_of_pair.get(p_id, 0)].add(p_id)
    # the labels as the reader reads them: the dashboard's tables and their CSV downloads translate their headers
    # and words (roles, stages), so a default skill's label is translated there too
    labels: dict[int, dict[str, str]] = defaultdict(dict)
    for cohort_id, code, category, label in _rows(select(
            CohortSkill.cohort_id, CohortSkill.code, CohortSkill.category, CohortSkill.label
    ).where(CohortSkill.cohort_id.in_(ids))):
        labels[cohort_id][code] = shown_label(code, category, label)
    sizes = roster_sizes or {}
    pulse = survey_results.latest_pulse(ids)
    return {c.id: ProgrammeFacts(
        today=today, starts_on=c.starts_on, ends_on=c.ends_on, cadence_days=c.meeting_cadence_days,
        participants=people[c.id], pairs=pairs[c.id], meetings=meetings[c.id], goals=goals[c.id],
        reflections=reflections[c.id], completed=frozenset(completed[c.id]), new_partner_asked=frozenset(asked[c.id]),
        roster_size=sizes.get(c.id), skill_labels=labels[c.id], low_pulse=pulse[c.id].low,
        pulse_answered=pulse[c.id].answered, anonymity_threshold=pulse[c.id].threshold,
    ) for c in cohorts}


def _reflections(ids: list[int], people: dict[int, list[ParticipantFact]], pairs: dict[int, list[PairFact]],
                 today: date) -> dict[int, list[ReflectionFact]]:
    """One fact per reflection asked of a participant still enrolled (opened by today), submitted or not."""
    assignments = list(_rows(
        select(ReflectionAssignment.id, ReflectionAssignment.cohort_id, ReflectionAssignment.audience,
               ReflectionAssignment.points)
        .where(ReflectionAssignment.cohort_id.in_(ids), ReflectionAssignment.opens_on <= today)))
    handed_in: dict[tuple[int, int], float | None] = {}
    if assignments:
        for a_id, e_id, status, score in _rows(
                select(Submission.assignment_id, Submission.enrolment_id, Submission.status, Submission.score)
                .where(Submission.assignment_id.in_([a[0] for a in assignments]),
                       Submission.status != SubmissionStatus.DRAFT)):
            handed_in[(a_id, e_id)] = score if status is SubmissionStatus.GRADED else None
    found: dict[int, list[ReflectionFact]] = defaultdict(list)
    roles_of = {cohort_id: role_of(people[cohort_id], pairs[cohort_id]) for cohort_id in {a[1] for a in assignments}}
    for a_id, cohort_id, audience, points in assignments:
        roles = roles_of[cohort_id]
        wanted = AUDIENCE_ROLES[audience]
        for person in people[cohort_id]:
            if person.withdrawn or roles[person.enrolment_id] not in wanted:
                continue
            key = (a_id, person.enrolment_id)
            found[cohort_id].append(ReflectionFact(person.enrolment_id, key in handed_in, handed_in.get(key), points))
    return found


def cohort_metrics(cohort: Cohort, today: date, period: Period | None = None, *, roster_size: int | None = None,
                   quiet_days: int = DEFAULT_QUIET_DAYS, surveys: Sequence[Any] = ()) -> ProgrammeMetrics:
    """The dashboard figures of one cohort (``surveys``: pulse and exit figures, when the caller has them)."""
    facts = facts_of_cohorts([cohort], today, {cohort.id: roster_size})[cohort.id]
    return programme_metrics(facts, period, quiet_days=quiet_days, surveys=surveys,
                             names_allowed=survey_admin.may_open_names(cohort))


def course_metrics(cohorts: Sequence[Cohort], today: date, period: Period | None = None, *,
                   roster_size: int | None = None, quiet_days: int = DEFAULT_QUIET_DAYS
                   ) -> list[tuple[Cohort, ProgrammeMetrics]]:
    """The cohorts of a course side by side, oldest first (the pilot against the later ones)."""
    facts = facts_of_cohorts(cohorts, today, {c.id: roster_size for c in cohorts})
    return [(c, programme_metrics(facts[c.id], period, quiet_days=quiet_days,
                                  names_allowed=survey_admin.may_open_names(c))) for c in cohorts]
