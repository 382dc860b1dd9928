"""The facts behind a learner's "What's next", gathered for all their cohorts of a course in a fixed number of queries.

Eight queries at most, however many cohorts, pairs, meetings or reflections: the learner's enrolments (with their
cohorts), their published pairs (with both partners and people), the agreements, the last meeting of each pair,
the feedback rounds they gave, the reflection assignments of their cohorts, their submissions, and (when a cohort
chooses or ranks) the requests waiting and the rankings given. The rule of what is due is
``domain/whats_next.py``.

Sides for reflections: the learner's role in their published pairs of the cohort; before they have one, the role
they asked for (someone who asked for "either" sees the reflections set for both sides until matched).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.domain.reflections import SubmissionStatus
from lti_app.mentoring.domain.whats_next import (ChoosingFacts, Item, PairFacts, ReflectionFacts, learner_today,
                                                 whats_next)
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, RoleWanted
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.feedback import Feedback
from lti_app.mentoring.models.matching_choice import Ranking
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.models.workspace import Agreement, Meeting
from lti_app.mentoring.services.matching.modes import mode_of, waiting_for

def _time_zone(enrolments: Iterable[Enrolment]) -> str | None:
    """The learner's time zone: the one of their latest active enrolment (their profile asks for it)."""
    active = sorted((e for e in enrolments if e.is_active), key=lambda e: e.id, reverse=True)
    return active[0].time_zone if active else None


def _pair_facts(pairs: list[Pair], mine: dict[int, Enrolment]) -> list[PairFacts]:
    ids = [p.id for p in pairs]
    if not ids:
        return []
    agreements = {a.pair_id: a for a in db.session.scalars(select(Agreement).where(Agreement.pair_id.in_(ids)))}
    last = dict(db.session.execute(select(Meeting.pair_id, func.max(Meeting.held_on))
                                   .where(Meeting.pair_id.in_(ids)).group_by(Meeting.pair_id)).all())
    given: dict[int, set[int]] = defaultdict(set)
    for pair_id, number in db.session.execute(select(Feedback.pair_id, Feedback.round_number).where(
            Feedback.pair_id.in_(ids), Feedback.author_enrolment_id.in_(list(mine)))):
        given[pair_id].add(number)
    facts = []
    for pair in pairs:
        mentor = pair.mentor_enrolment_id in mine
        me, partner = (pair.mentor, pair.mentee) if mentor else (pair.mentee, pair.mentor)
        agreement = agreements.get(pair.id)
        signed = agreement is not None and (agreement.mentor_signed_at if mentor else agreement.mentee_signed_at) is not None
        published = (pair.published_at or pair.created_at).date()
        cohort = pair.cohort
        facts.append(PairFacts(
            pair.id, cohort.name, "mentor" if mentor else "mentee", partner.person.display_name, partner.is_active,
            cohort.starts_on, cohort.ends_on, published, agreement.cadence_days if agreement else cohort.meeting_cadence_days,
            last.get(pair.id), signed, cohort.feedback_interval_days, frozenset(given[pair.id])))
    return facts


def _reflection_facts(active: list[Enrolment], sides: dict[int, set[str]]) -> list[ReflectionFacts]:
    by_cohort = {e.cohort_id: e for e in active}
    if not by_cohort:
        return []
    assignments = db.session.scalars(select(ReflectionAssignment).where(
        ReflectionAssignment.cohort_id.in_(list(by_cohort))).order_by(ReflectionAssignment.due_on)).all()
    if not assignments:
        return []
    done = set(db.session.scalars(select(Submission.assignment_id).where(
        Submission.enrolment_id.in_([e.id for e in active]), Submission.status != SubmissionStatus.DRAFT)))
    facts = []
    for a in assignments:
        enrolment = by_cohort[a.cohort_id]
        on = sides.get(enrolment.id) or _asked_side(enrolment)
        if any(a.audience.includes(side) for side in on):
            facts.append(ReflectionFacts(a.id, enrolment.cohort.name, a.title, a.opens_on, a.due_on, a.id in done,
                                         a.accept_late))
    return facts


def _asked_side(enrolment: Enrolment) -> set[str]:
    """Before a pair: the role asked for; "either" is on no one side yet (only an audience of both includes it)."""
    return {"either" if enrolment.role_wanted is RoleWanted.EITHER else enrolment.role_wanted.value}


def _choosing_facts(active: list[Enrolment]) -> list[ChoosingFacts]:
    closed = [e for e in active if e.cohort.state is CohortState.ENROLMENT_CLOSED]
    if not closed:
        return []
    modes = {e.id: mode_of(e.cohort) for e in closed}
    waiting = waiting_for([e.id for e in closed if modes[e.id] is MatchMode.SELF_SELECT])
    ranking = [e.id for e in closed if modes[e.id] is MatchMode.MUTUAL]
    ranked = set(db.session.scalars(select(Ranking.ranker_enrolment_id).where(
        Ranking.ranker_enrolment_id.in_(ranking)).distinct())) if ranking else set()
    return [ChoosingFacts(e.cohort_id, e.cohort.name, int(waiting.get(e.id, 0)), e.id in ranking, e.id in ranked)
            for e in closed]


def whats_next_for(course_id: int, person_id: int, now: datetime, extra: Iterable[Item] = ()) -> tuple[list[Item], str | None]:
    """What is due for ``person_id`` in the course at ``now``, and the time zone its dates are in.

    ``extra`` is the extension point for items from other modules (a survey due): they are sorted in with the rest.
    """
    enrolments = db.session.scalars(select(Enrolment).join(Cohort, Enrolment.cohort_id == Cohort.id).where(
        Cohort.course_id == course_id, Enrolment.person_id == person_id).options(joinedload(Enrolment.cohort))).all()
    zone = _time_zone(enrolments)
    today = learner_today(now, zone)
    active = [e for e in enrolments if e.status is EnrolmentStatus.ENROLLED]
    mine = {e.id: e for e in active}
    pairs = db.session.scalars(select(Pair).where(
        Pair.status.in_([PairStatus.ACTIVE, PairStatus.ENDED]),
        or_(Pair.mentor_enrolment_id.in_(list(mine)), Pair.mentee_enrolment_id.in_(list(mine))))
        .options(joinedload(Pair.cohort), joinedload(Pair.mentor).joinedload(Enrolment.person),
                 joinedload(Pair.mentee).joinedload(Enrolment.person)).order_by(Pair.id)).unique().all() if mine else []
    sides: dict[int, set[str]] = defaultdict(set)
    for pair in pairs:
        sides[pair.mentor_enrolment_id].add("mentor")
        sides[pair.mentee_enrolment_id].add("mentee")
    current = [p for p in pairs if p.status is PairStatus.ACTIVE]
    items = whats_next(_pair_facts(current, mine), _reflection_facts(active, sides), _choosing_facts(active), today,
                       extra)
    return items, zone
