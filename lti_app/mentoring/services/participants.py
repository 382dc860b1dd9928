"""Who is in a cohort: filtered lists and counts for instructors, the enrolled people for the roster gap."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload

from lti_app.extensions import db
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, RoleWanted
from lti_app.mentoring.models.cohort import Cohort, CohortSkill
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.paging import Page, page_of

MAX_SEARCH = 100  # a search longer than any name is cut, so a pasted paragraph stays a cheap LIKE


@dataclass(frozen=True)
class ParticipantFilter:
    """What an instructor narrows a cohort's list to; None means any."""

    role: RoleWanted | None = None
    status: EnrolmentStatus | None = None
    skill_code: str | None = None
    search: str = ""


@dataclass(frozen=True)
class EnrolmentCounts:
    """Enrolments of a cohort by role wanted (active ones) and by status."""

    by_role: Counter[RoleWanted] = field(default_factory=Counter)
    by_status: Counter[EnrolmentStatus] = field(default_factory=Counter)

    @property
    def active(self) -> int:
        """Enrolled and not withdrawn."""
        return self.by_status[EnrolmentStatus.ENROLLED]

    @property
    def withdrawn(self) -> int:
        """Withdrawn."""
        return self.by_status[EnrolmentStatus.WITHDRAWN]

    def wanting(self, role: str) -> int:
        """Active enrolments asking for ``role`` (mentor, mentee or either)."""
        return self.by_role[RoleWanted(role)]


def clean_search(text: str | None) -> str:
    """A search as typed, trimmed, inner spaces collapsed, control characters dropped (empty: no search)."""
    printable = "".join(ch for ch in (text or "")[:MAX_SEARCH * 4] if ch.isprintable() or ch.isspace())
    return " ".join(printable.split())[:MAX_SEARCH]


def person_matches(search: str) -> ColumnElement[bool]:
    """SQL: the person's name, given or family name (or both), or e-mail contains ``search`` (any case)."""
    pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    full = func.coalesce(Person.given_name, "") + " " + func.coalesce(Person.family_name, "")
    columns = (Person.name, Person.given_name, Person.family_name, Person.email, full)
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))


def name_shown(person) -> str:
    """``Person.display_name`` of anything holding a person's name columns (a row read as columns, not a whole Person)."""
    return Person.display_name.fget(person)


def search_text(*people) -> str:
    """The names and e-mails of these people (rows with a person's columns), casefolded, for a search in memory."""
    return " ".join(part or "" for p in people for part in (p.name, p.given_name, p.family_name, p.email)).casefold()


def by_name(query: Select) -> Select:
    """``query`` (joined to Person) ordered by the name people see, then enrolment."""
    return query.order_by(func.lower(func.coalesce(Person.name, Person.given_name, Person.family_name, Person.email, "")),
                          Enrolment.id)


def _participants_query(cohort: Cohort, where: ParticipantFilter) -> Select:
    query = by_name(
        select(Enrolment).join(Person).where(Enrolment.cohort_id == cohort.id)
        .options(selectinload(Enrolment.person), selectinload(Enrolment.skills).selectinload(EnrolmentSkill.skill))
    )
    if where.role is not None:
        query = query.where(Enrolment.role_wanted == where.role)
    if where.status is not None:
        query = query.where(Enrolment.status == where.status)
    if where.skill_code:
        chosen = select(EnrolmentSkill.enrolment_id).join(CohortSkill).where(
            CohortSkill.cohort_id == cohort.id, CohortSkill.code == where.skill_code
        )
        query = query.where(Enrolment.id.in_(chosen))
    if where.search:
        query = query.where(person_matches(where.search))
    return query


def list_participants(cohort: Cohort, where: ParticipantFilter = ParticipantFilter()) -> list[Enrolment]:
    """The cohort's enrolments matching the filter, by name, with people and skills loaded in a fixed number of queries."""
    return list(db.session.scalars(_participants_query(cohort, where)))


def participants_page(cohort: Cohort, where: ParticipantFilter, number: int | None) -> Page[Enrolment]:
    """One page of ``list_participants`` with the filtered total (four queries whatever the cohort's size)."""
    return page_of(_participants_query(cohort, where), number)


def count_participants(cohort_ids: list[int]) -> dict[int, EnrolmentCounts]:
    """Counts per cohort in one query; every id given gets an entry (zero counts included)."""
    counts = {cohort_id: EnrolmentCounts() for cohort_id in cohort_ids}
    if not cohort_ids:
        return counts
    rows = db.session.execute(
        select(Enrolment.cohort_id, Enrolment.status, Enrolment.role_wanted, func.count())
        .where(Enrolment.cohort_id.in_(cohort_ids))
        .group_by(Enrolment.cohort_id, Enrolment.status, Enrolment.role_wanted)
    )
    for cohort_id, status, role, n in rows:
        counts[cohort_id].by_status[status] += n
        if status is EnrolmentStatus.ENROLLED:
            counts[cohort_id].by_role[role] += n
    return counts


def enrolled_subjects(cohort: Cohort) -> set[str]:
    """The LMS user ids (subjects) of the people actively enrolled in the cohort."""
    return set(db.session.scalars(
        select(Person.subject).join(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    ))
