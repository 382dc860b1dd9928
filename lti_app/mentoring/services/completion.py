"""Programme completion: a cohort's rules, each participant's standing, and completing them (once) with a score.

The facts are read in bulk (a fixed number of queries per cohort): meetings held and goals re-rated from
``pair_activity``, the sides people are paired on, and the reflections they submitted. A participant who
meets every rule gets a ``Completion`` and an outbox row for the programme's gradebook column in the same
transaction (sent after the commit). The cohort's settings row is locked while it evaluates (PostgreSQL), so
two evaluations at once cannot complete someone twice; the unique enrolment on ``Completion`` guards it too.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.completion import (
    CompletionCheck, CompletionFacts, CompletionRules, check_completion, check_completion_settings, sides_of,
)
from lti_app.mentoring.domain.grade_states import GradeTarget, Marking, Progress
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.reflections import SubmissionStatus
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.completion import CohortCompletion, Completion
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services.grade_outbox import outstanding_in_course, record_scores
from lti_app.mentoring.services.pair_activity import goals_rerated_by_enrolment, meetings_held_by_enrolment
from lti_app.mentoring.services.paging import PAGE_SIZE, Page, page_of
from lti_app.mentoring.services.participants import by_name, person_matches

NOTED_KEY = "completion_noted"  # key in ``db.session.info``: enrolments whose completion the commit point evaluates

@dataclass(frozen=True)
class Standing:
    """One participant against the cohort's rules, and their completion if they have one."""

    enrolment: Enrolment
    check: CompletionCheck
    completion: Completion | None


@dataclass(frozen=True)
class StandingFilter:
    """What the instructor narrows the list to: ``completed`` True / False / None (any), and a name search."""

    completed: bool | None = None
    search: str = ""


@dataclass(frozen=True)
class CompletionCounts:
    """Over the whole cohort, whatever the filter: active participants and how many of them completed."""

    participants: int
    completed: int

    @property
    def not_completed(self) -> int:
        """Active participants without a completion yet."""
        return self.participants - self.completed


def completion_settings(cohort: Cohort) -> CohortCompletion:
    """The cohort's completion settings; when there are none yet, unsaved defaults (switched off)."""
    settings = db.session.scalar(select(CohortCompletion).where(CohortCompletion.cohort_id == cohort.id))
    if settings is None:
        settings = CohortCompletion(cohort_id=cohort.id, enabled=False, min_meetings=0, require_goals_rerated=False,
                                    require_all_reflections=False, grade_points=100, score_maximum=100)
    return settings


def rules_of(settings: CohortCompletion) -> CompletionRules:
    """The settings' rules as the domain reads them."""
    return CompletionRules(settings.min_meetings, settings.require_goals_rerated, settings.require_all_reflections)


def update_completion_settings(cohort: Cohort, *, enabled: bool, min_meetings: int, require_goals_rerated: bool,
                               require_all_reflections: bool, grade_points: float, score_maximum: float) -> CohortCompletion:
    """Change the cohort's rules and the grade on completion; refuses settings that make no sense (flushes)."""
    rules = CompletionRules(min_meetings, require_goals_rerated, require_all_reflections)
    check_completion_settings(enabled=enabled, rules=rules, grade_points=grade_points, score_maximum=score_maximum)
    settings = completion_settings(cohort)
    db.session.add(settings)
    settings.enabled, settings.grade_points, settings.score_maximum = enabled, grade_points, score_maximum
    settings.min_meetings, settings.require_goals_rerated = min_meetings, require_goals_rerated
    settings.require_all_reflections = require_all_reflections
    db.session.flush()
    return settings


def _active_enrolments(cohort_id: int, enrolment_ids: Iterable[int] | None) -> list[Enrolment]:
    query = select(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED)
    if enrolment_ids is not None:
        query = query.where(Enrolment.id.in_(list(enrolment_ids)))
    return list(db.session.scalars(query.order_by(Enrolment.id)))


def _paired_sides(cohort_id: int, ids: list[int]) -> dict[int, set[str]]:
    rows = db.session.execute(select(Pair.mentor_enrolment_id, Pair.mentee_enrolment_id).where(
        Pair.cohort_id == cohort_id, Pair.status.in_((PairStatus.ACTIVE, PairStatus.ENDED)),
        or_(Pair.mentor_enrolment_id.in_(ids), Pair.mentee_enrolment_id.in_(ids))))
    sides: dict[int, set[str]] = defaultdict(set)
    for mentor_id, mentee_id in rows:
        sides[mentor_id].add("mentor")
        sides[mentee_id].add("mentee")
    return sides


def _reflections(cohort_id: int, enrolments: Sequence[Enrolment]) -> dict[int, tuple[int, int]]:
    """{enrolment id: (reflections expected, submitted)} for the reflections assigned to their sides."""
    assignments = db.session.execute(
        select(ReflectionAssignment.id, ReflectionAssignment.audience).where(ReflectionAssignment.cohort_id == cohort_id)).all()
    ids = [e.id for e in enrolments]
    handed_in = {(e_id, a_id) for e_id, a_id in db.session.execute(
        select(Submission.enrolment_id, Submission.assignment_id).join(ReflectionAssignment)
        .where(ReflectionAssignment.cohort_id == cohort_id, Submission.status != SubmissionStatus.DRAFT,
               Submission.enrolment_id.in_(ids)))}
    paired = _paired_sides(cohort_id, ids)
    found = {}
    for enrolment in enrolments:
        sides = sides_of(paired.get(enrolment.id, ()), enrolment.role_wanted.value)
        mine = [a_id for a_id, audience in assignments
                if audience.value == "both" or any(audience.includes(side) for side in sides)]
        found[enrolment.id] = (len(mine), sum((enrolment.id, a_id) in handed_in for a_id in mine))
    return found


def facts_of(cohort_id: int, enrolments: Sequence[Enrolment]) -> dict[int, CompletionFacts]:
    """{enrolment id: what that participant has done}, in a fixed number of queries."""
    ids = [e.id for e in enrolments]
    if not ids:
        return {}
    meetings, goals = meetings_held_by_enrolment(ids), goals_rerated_by_enrolment(ids)
    reflections = _reflections(cohort_id, enrolments)
    return {i: CompletionFacts(meetings.get(i, 0), goals.get(i, False), *reflections[i]) for i in ids}


def _completions(enrolment_ids: Sequence[int]) -> dict[int, Completion]:
    rows = db.session.scalars(select(Completion).where(Completion.enrolment_id.in_(list(enrolment_ids))))
    return {c.enrolment_id: c for c in rows}


def _standings_of(cohort: Cohort, enrolments: list[Enrolment]) -> list[Standing]:
    rules = rules_of(completion_settings(cohort))
    facts, done = facts_of(cohort.id, enrolments), _completions([e.id for e in enrolments])
    return [Standing(e, check_completion(rules, facts[e.id]), done.get(e.id)) for e in enrolments]


def standings(cohort: Cohort) -> list[Standing]:
    """Every active participant of the cohort against its rules, with their completion if any."""
    return _standings_of(cohort, _active_enrolments(cohort.id, None))


def standings_page(cohort: Cohort, where: StandingFilter, number: int | None) -> Page[Standing]:
    """One page of the cohort's active participants (by name, filtered) with their standing, in a fixed number of queries."""
    done = select(Completion.enrolment_id).where(Completion.cohort_id == cohort.id)
    query = by_name(select(Enrolment).join(Person).options(selectinload(Enrolment.person)).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED))
    if where.completed is not None:
        query = query.where(Enrolment.id.in_(done) if where.completed else Enrolment.id.not_in(done))
    if where.search:
        query = query.where(person_matches(where.search))
    page = page_of(query, number)
    return Page(_standings_of(cohort, page.items), page.total, page.number, page.size)


def completion_counts(cohort: Cohort) -> CompletionCounts:
    """Active participants of the whole cohort and how many completed (one query)."""
    participants, completed = db.session.execute(
        select(func.count(Enrolment.id), func.count(Completion.id))
        .outerjoin(Completion, Completion.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)).one()
    return CompletionCounts(participants, completed)


def outstanding_scores(course_id: int) -> list[GradeOutbox]:
    """The course's oldest scores still waiting or refused (a page's worth), their people loaded in one query."""
    entries = outstanding_in_course(course_id, limit=PAGE_SIZE)
    if entries:  # set on each row as if loaded with it, so showing a row's person asks nothing more
        people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_({e.person_id for e in entries})))}
        for entry in entries:
            set_committed_value(entry, "person", people[entry.person_id])
    return entries


def evaluate_completion(cohort: Cohort, enrolment_ids: Iterable[int] | None = None) -> list[Completion]:
    """Complete every participant (or these) who now meets the rules: a Completion and a programme score each,
    in this transaction; returns the new completions (flushes). Nothing happens while completion is off."""
    settings = db.session.scalar(
        select(CohortCompletion).where(CohortCompletion.cohort_id == cohort.id).with_for_update())
    if settings is None or not settings.enabled:
        return []
    enrolments = _active_enrolments(cohort.id, enrolment_ids)
    done = _completions([e.id for e in enrolments])
    waiting = [e for e in enrolments if e.id not in done]
    facts, rules = facts_of(cohort.id, waiting), rules_of(settings)
    completing = [e for e in waiting if check_completion(rules, facts[e.id]).complete]
    if not completing:
        return []
    outbox_ids = record_scores([dict(course_id=cohort.course_id, person_id=e.person_id, target=GradeTarget.PROGRAMME,
                                     target_id=cohort.id, activity_progress=Progress.COMPLETED, grading_progress=Marking.FINAL,
                                     score_given=settings.grade_points, score_maximum=settings.score_maximum)
                                for e in completing])
    db.session.execute(insert(Completion), [{"enrolment_id": e.id, "cohort_id": cohort.id, "completed_at": utcnow(),
                                             "outbox_id": outbox_ids[e.person_id]} for e in completing])
    return list(db.session.scalars(select(Completion).where(
        Completion.enrolment_id.in_([e.id for e in completing])).order_by(Completion.id)))


def evaluate_for_enrolments(enrolment_ids: Iterable[int]) -> list[Completion]:
    """Evaluate completion for these participants, cohort by cohort (flushes)."""
    by_cohort: dict[int, list[int]] = defaultdict(list)
    for enrolment_id, cohort_id in db.session.execute(
            select(Enrolment.id, Enrolment.cohort_id).where(Enrolment.id.in_(list(enrolment_ids)))):
        by_cohort[cohort_id].append(enrolment_id)
    new: list[Completion] = []
    for cohort_id, ids in sorted(by_cohort.items()):
        new.extend(evaluate_completion(db.session.get(Cohort, cohort_id), ids))
    return new


def note_activity(enrolment_ids: Iterable[int]) -> None:
    """A meeting, goal or reflection of these participants was written: the commit point evaluates their
    completion in this transaction, before its commit (``evaluate_noted``)."""
    db.session.info.setdefault(NOTED_KEY, set()).update(enrolment_ids)


def evaluate_noted() -> list[Completion]:
    """Evaluate completion for the participants noted since the last call, forgetting them (flushes)."""
    noted = db.session.info.pop(NOTED_KEY, set())
    return evaluate_for_enrolments(sorted(noted)) if noted else []


def forget_noted() -> None:
    """Drop the noted participants (the transaction was rolled back)."""
    db.session.info.pop(NOTED_KEY, None)


def cohorts_with_completion() -> list[Cohort]:
    """Every cohort whose completion is switched on."""
    return list(db.session.scalars(select(Cohort).join(CohortCompletion, CohortCompletion.cohort_id == Cohort.id)
                                   .where(CohortCompletion.enabled.is_(True)).order_by(Cohort.id)))
