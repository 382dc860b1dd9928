"""Reflection assignments: create and edit them, list them, and find who must write which. Flush, never commit.

Who is a mentor or a mentee (for an assignment's audience): a participant is one with an active enrolment in
the assignment's cohort. Their side is their role in the cohort's published pairs (active or ended); someone
without a published pair yet is on the side the matching puts them (``matching.split_sides``: people asking
for a role get it, the "either" people are split by seniority), so an assignment set before matching reaches
the same people the matching will. Someone who mentors in one pair and is mentored in another belongs to both.

Dates: an assignment opens no earlier than the cohort's enrolment opens and is due no later than
``LATEST_DUE_AFTER_PROGRAMME`` after the programme ends (a closing reflection comes a little after the end).
Once a reflection of an assignment is graded, its points and rubric stay as they are (the grades, and the
gradebook column's maximum, were given against them).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import long_date
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.reflections import (
    MAX_POINTS, MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH, Audience, Criterion, RevisePolicy, SubmissionStatus, as_html,
    check_rubric, points_words,
)
from lti_app.mentoring.domain.rich_text import is_blank, sanitise
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.matching.pairing import split_sides
from lti_app.mentoring.services.participants import name_shown, search_text
from lti_app.mentoring.domain.texts import _

LATEST_DUE_AFTER_PROGRAMME = timedelta(days=60)


@dataclass(frozen=True)
class AssignmentFields:
    """Everything an instructor sets on a reflection assignment, in plain values."""

    title: str
    prompt: str
    audience: Audience
    opens_on: date
    due_on: date
    points: float
    rubric: tuple[Criterion, ...] = ()
    accept_late: bool = False
    revise_until: RevisePolicy = RevisePolicy.UNTIL_DUE


@dataclass(frozen=True)
class AssignmentCounts:
    """How far the reflections of one assignment are."""

    submitted: int = 0  # handed in (submitted or graded)
    graded: int = 0
    late: int = 0
    drafts: int = 0


@dataclass(frozen=True)
class Assigned:
    """An assignment a participant must write, with their enrolment and their reflection so far (or None)."""

    assignment: ReflectionAssignment
    enrolment: Enrolment
    submission: Submission | None


def _check(cohort: Cohort, fields: AssignmentFields) -> None:
    """Raise InvalidInput, naming the field, for the first rule the fields break."""
    earliest, latest = cohort.enrolment_opens_on, cohort.ends_on + LATEST_DUE_AFTER_PROGRAMME
    rules = [
        (bool(fields.title.strip()), "title", _("Give the reflection a title.")),
        (len(fields.title.strip()) <= MAX_TITLE_LENGTH, "title", _("Keep the title under %(max)d characters.", max=MAX_TITLE_LENGTH)),
        (not is_blank(sanitise(fields.prompt)), "prompt", _("Write the prompt participants answer.")),
        (len(fields.prompt) <= MAX_PROMPT_LENGTH, "prompt", _("Keep the prompt under %(max)d characters.", max=MAX_PROMPT_LENGTH)),
        (0 < fields.points <= MAX_POINTS, "points", _("Give the reflection more than 0 and at most %(max)s points.",
                                                       max=points_words(MAX_POINTS))),
        (fields.opens_on >= earliest, "opens_on", _("Open it on or after %(date)s, when the cohort's enrolment opens.",
                                                            date=long_date(earliest))),
        (fields.opens_on <= fields.due_on, "due_on", _("The due date must be on or after the day it opens.")),
        (fields.due_on <= latest, "due_on", _("Make it due by %(date)s, two months after the programme ends.",
                                                     date=long_date(latest))),
    ]
    for ok, field, message in rules:
        if not ok:
            raise InvalidInput(message, field=field)
    check_rubric(fields.rubric, fields.points)


def _ensure_unique_title(cohort_id: int, title: str, assignment_id: int | None = None) -> None:
    query = select(ReflectionAssignment.id).where(ReflectionAssignment.cohort_id == cohort_id,
                                                  func.lower(ReflectionAssignment.title) == title.lower())
    if assignment_id is not None:
        query = query.where(ReflectionAssignment.id != assignment_id)
    if db.session.scalar(query) is not None:
        raise InvalidInput(_("This cohort already has a reflection called “%(title)s”.", title=title), field="title")


def _apply(assignment: ReflectionAssignment, fields: AssignmentFields) -> None:
    assignment.title = " ".join(fields.title.split())
    assignment.prompt = sanitise(as_html(fields.prompt))
    assignment.rubric = [c.to_dict() for c in fields.rubric]  # a new list, so the JSON column sees the change
    for attribute in ("audience", "opens_on", "due_on", "points", "accept_late", "revise_until"):
        setattr(assignment, attribute, getattr(fields, attribute))


def create_assignment(cohort: Cohort, fields: AssignmentFields) -> ReflectionAssignment:
    """A new reflection assignment for the cohort. Flushes."""
    _check(cohort, fields)
    _ensure_unique_title(cohort.id, " ".join(fields.title.split()))
    assignment = ReflectionAssignment(cohort_id=cohort.id)
    _apply(assignment, fields)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def update_assignment(assignment: ReflectionAssignment, fields: AssignmentFields) -> ReflectionAssignment:
    """Change an assignment; its points and rubric are kept once a reflection is graded. Flushes."""
    _check(assignment.cohort, fields)
    _ensure_unique_title(assignment.cohort_id, " ".join(fields.title.split()), assignment.id)
    marking_changes = fields.points != assignment.points or [c.to_dict() for c in fields.rubric] != (assignment.rubric or [])
    if marking_changes and count_submissions([assignment.id])[assignment.id].graded:
        raise InvalidInput(_("Reflections are already graded against these points and this rubric, so they stay as they are."),
                           field="points")
    _apply(assignment, fields)
    db.session.flush()
    return assignment


def assignments_of(cohort: Cohort) -> list[ReflectionAssignment]:
    """The cohort's assignments, by due date."""
    return list(db.session.scalars(select(ReflectionAssignment).where(ReflectionAssignment.cohort_id == cohort.id)
                                   .order_by(ReflectionAssignment.due_on, ReflectionAssignment.id)))


def course_assignments(course_id: int) -> list[ReflectionAssignment]:
    """Every assignment of the course's cohorts, by cohort then due date."""
    return list(db.session.scalars(
        select(ReflectionAssignment).join(Cohort, ReflectionAssignment.cohort_id == Cohort.id)
        .where(Cohort.course_id == course_id)
        .order_by(Cohort.starts_on, Cohort.id, ReflectionAssignment.due_on, ReflectionAssignment.id)))


def assignment_in_course(course_id: int, assignment_id: int) -> ReflectionAssignment:
    """The assignment ``assignment_id`` of one of the course's cohorts; NotFound otherwise."""
    assignment = db.session.get(ReflectionAssignment, assignment_id)
    if assignment is None or assignment.cohort.course_id != course_id:
        raise NotFound(_("There is no such reflection in this course."))
    return assignment


def assignment_in_cohort(cohort: Cohort, assignment_id: int) -> ReflectionAssignment:
    """The assignment ``assignment_id`` of the cohort; NotFound otherwise."""
    assignment = assignment_in_course(cohort.course_id, assignment_id)
    if assignment.cohort_id != cohort.id:
        raise NotFound(_("There is no such reflection in this cohort."))
    return assignment


def note_placed(course_id: int, resource_id: str, when: datetime) -> ReflectionAssignment | None:
    """Record that deep linking sent the course's assignment ``resource_id`` (``reflection-<id>``) to the LMS; None
    for anything else (the programme itself). Flushes."""
    found = next((a for a in course_assignments(course_id) if a.resource_id == resource_id), None)
    if found is not None:
        found.placed_at = when
        db.session.flush()
    return found


def note_lineitem_url(assignment: ReflectionAssignment, url: str | None) -> bool:
    """Keep the gradebook column's AGS address the platform sent, when the assignment has none yet. Flushes."""
    if not url or assignment.lineitem_url:
        return False
    assignment.lineitem_url = url
    db.session.flush()
    return True


def count_submissions(assignment_ids: Sequence[int]) -> dict[int, AssignmentCounts]:
    """Assignment id → how many reflections are drafts, handed in, graded and late."""
    rows = db.session.execute(
        select(Submission.assignment_id, Submission.status, Submission.late, func.count())
        .where(Submission.assignment_id.in_(list(assignment_ids)))
        .group_by(Submission.assignment_id, Submission.status, Submission.late)).all()
    tally: dict[int, Counter[str]] = defaultdict(Counter)
    for assignment_id, status, late, n in rows:
        tally[assignment_id]["drafts" if status is SubmissionStatus.DRAFT else "submitted"] += n
        tally[assignment_id]["graded"] += n if status is SubmissionStatus.GRADED else 0
        tally[assignment_id]["late"] += n if late and status is not SubmissionStatus.DRAFT else 0
    return {a: AssignmentCounts(**tally[a]) for a in assignment_ids}


# What deciding a side and listing a writer read: the profile's other columns (JSON lists) cost more to load than
# the rest of a 5,000-person list together.
SIDE_COLUMNS = (Enrolment.id, Enrolment.cohort_id, Enrolment.person_id, Enrolment.status, Enrolment.role_wanted,
                Enrolment.career_stage, Enrolment.experience_years, Enrolment.capacity)


def _active_in(cohort_id: int, *, people: bool = False) -> list[Enrolment]:
    query = select(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED)
    if people:  # joined, not "selectin": one query however many people (selectin asks 500 at a time)
        query = query.options(load_only(*SIDE_COLUMNS), joinedload(Enrolment.person))
    return list(db.session.scalars(query.order_by(Enrolment.id)))


def _sides_of(cohort: Cohort, active: Sequence[Enrolment]) -> dict[int, frozenset[str]]:
    sides: dict[int, set[str]] = defaultdict(set)
    for mentor_id, mentee_id in db.session.execute(select(Pair.mentor_enrolment_id, Pair.mentee_enrolment_id).where(
            Pair.cohort_id == cohort.id, Pair.status.in_([PairStatus.ACTIVE, PairStatus.ENDED]))):
        sides[mentor_id].add("mentor")
        sides[mentee_id].add("mentee")
    if any(e.id not in sides for e in active):
        mentors, _ = split_sides(active, cohort.mentors_per_mentee)
        mentor_ids = {e.id for e in mentors}
        for e in active:
            if e.id not in sides:
                sides[e.id].add("mentor" if e.id in mentor_ids else "mentee")
    return {e.id: frozenset(sides[e.id]) for e in active}


def sides_in_cohort(cohort: Cohort) -> dict[int, frozenset[str]]:
    """Active enrolment id → the sides ("mentor", "mentee") it is on, by the rule in this module's docstring."""
    return _sides_of(cohort, _active_in(cohort.id))


@dataclass(frozen=True)
class Writer:
    """Someone on an assignment's list, read as columns (a long list's whole people cost most of its time)."""

    enrolment_id: int
    person_id: int
    name: str  # as Person.display_name shows it
    searched: str  # name parts and e-mail, casefolded, for a search


_WRITER_COLUMNS = (*SIDE_COLUMNS, Person.name, Person.given_name, Person.family_name, Person.email)


def _writer(row) -> Writer:
    return Writer(row.id, row.person_id, name_shown(row), search_text(row))


def writers_of(assignment: ReflectionAssignment, also: Sequence[int] = ()) -> list[Writer]:
    """Everyone asked to write it, plus the enrolments ``also`` (who wrote it anyway), by name; two or three queries."""
    columns = select(*_WRITER_COLUMNS).join(Person, Enrolment.person_id == Person.id)
    rows = db.session.execute(columns.where(Enrolment.cohort_id == assignment.cohort_id)).all()
    active = [r for r in rows if r.status is EnrolmentStatus.ENROLLED]
    sides, extra = _sides_of(assignment.cohort, active), set(also)
    chosen = [r for r in rows if r.id in extra or any(assignment.audience.includes(s) for s in sides.get(r.id, ()))]
    missing = extra - {r.id for r in rows}  # moved to another cohort since they wrote it
    if missing:
        chosen += db.session.execute(columns.where(Enrolment.id.in_(missing))).all()
    return sorted((_writer(r) for r in chosen), key=lambda w: (w.name.casefold(), w.enrolment_id))


def audience_of(assignment: ReflectionAssignment) -> list[Enrolment]:
    """The active participants asked to write this reflection, by name, their people loaded (three queries)."""
    active = _active_in(assignment.cohort_id, people=True)
    sides = _sides_of(assignment.cohort, active)
    wanted = [e for e in active if any(assignment.audience.includes(side) for side in sides[e.id])]
    return sorted(wanted, key=lambda e: (e.person.display_name.casefold(), e.id))


def assignments_for_participant(course_id: int, person_id: int) -> list[Assigned]:
    """The reflections ``person_id`` must write in the course (active enrolments only), by due date."""
    enrolments = db.session.scalars(select(Enrolment).join(Cohort, Enrolment.cohort_id == Cohort.id).where(
        Cohort.course_id == course_id, Enrolment.person_id == person_id, Enrolment.status == EnrolmentStatus.ENROLLED))
    found: list[Assigned] = []
    for enrolment in enrolments:
        on = sides_in_cohort(enrolment.cohort).get(enrolment.id, frozenset())
        for assignment in assignments_of(enrolment.cohort):
            if any(assignment.audience.includes(side) for side in on):
                found.append(Assigned(assignment, enrolment, submission_of(assignment.id, enrolment.id)))
    return sorted(found, key=lambda a: (a.assignment.due_on, a.assignment.id))


def assigned_to(course_id: int, assignment_id: int, person_id: int) -> Assigned:
    """The assignment as ``person_id`` must write it; NotFound when it is not theirs to write (or not in the course)."""
    for assigned in assignments_for_participant(course_id, person_id):
        if assigned.assignment.id == assignment_id:
            return assigned
    raise NotFound(_("There is no such reflection for you to write. Reflections are set for the participants of a "
                   "cohort: if you expected this one, check that you are enrolled in its cohort."))


def submission_of(assignment_id: int, enrolment_id: int) -> Submission | None:
    """The reflection of one enrolment for one assignment, if it was started."""
    return db.session.scalar(select(Submission).where(
        Submission.assignment_id == assignment_id, Submission.enrolment_id == enrolment_id))
