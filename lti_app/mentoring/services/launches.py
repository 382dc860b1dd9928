"""Recording a launch: the person, the course and their membership, refreshed when something changed.

A returning person's launch reads all three rows in one query and writes only what changed: names the
platform now sends differently, a new role, and the "last seen" stamps when they are older than
SEEN_PRECISION (a class relaunching the tool all lesson long does not rewrite its rows every time).
A first launch into a course writes each row with one INSERT ... ON CONFLICT DO UPDATE, which also makes
two concurrent first launches of one person safe: the second updates the row the first inserted.

A launch identical to one recorded less than SEEN_PRECISION ago (same person, course, role and names) has
nothing to write at all: after its commit the launch view remembers it in the shared cache (``remember_launch``)
and the next such launch takes its membership from there (``known_launch``) without a query.

One LMS course is one ReMentor course across the registrations of one LMS (its tenants: the registrations that
share an issuer, e.g. a Moodle re-registered or a manual tool beside a dynamically registered one, or two
Canvas developer keys): a launch that finds no membership of its own registration and deployment looks for the
person and the course among the LMS's other registrations (``same_lms``) before writing new ones. Two LMSs
(issuers) that reuse a context id or a user id stay apart.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from lti_app.extensions import cache, db, utcnow
from lti_app.mentoring.models.course import Course, CourseRole, Membership
from lti_app.mentoring.models.person import Person

T = TypeVar("T")
SEEN_PRECISION = timedelta(minutes=5)
KNOWN_PREFIX = "launch:known:"


@dataclass(frozen=True)
class LaunchFacts:
    """What the programme needs to know about a launch, in plain fields (no LTI vocabulary)."""

    platform_id: int
    deployment_id: int
    subject: str
    context_id: str
    role: CourseRole
    context_title: str | None = None
    context_label: str | None = None
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    locale: str | None = None


def _upsert(model: type[T], key: dict[str, Any], values: dict[str, Any]) -> T:
    """The row with ``key``, inserted with ``values`` or updated with them (the non-empty ones), in one statement."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    given = {name: value for name, value in values.items() if value}
    statement = insert(model).values(**key, **given)
    # With nothing to refresh a key column is "updated" to itself: DO NOTHING would return no row on a conflict.
    refreshed = {name: statement.excluded[name] for name in (given or [next(iter(key))])}
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=refreshed).returning(model)
    return db.session.scalars(statement, execution_options={"populate_existing": True}).one()


def _set_changed(row: object, values: dict[str, Any]) -> None:
    """Set the given non-empty values that differ (platforms send names only when their privacy settings allow)."""
    for attribute, value in values.items():
        if value and getattr(row, attribute) != value:
            setattr(row, attribute, value)


def _is_stale(stamp: datetime | None, now: datetime) -> bool:
    return stamp is None or now - stamp >= SEEN_PRECISION


def _person_fields(facts: LaunchFacts) -> dict[str, Any]:
    return {a: getattr(facts, a) for a in ("name", "given_name", "family_name", "email", "locale")}


def _course_fields(facts: LaunchFacts) -> dict[str, Any]:
    return {"title": facts.context_title, "label": facts.context_label}


def _refresh(membership: Membership, person: Person, course: Course, facts: LaunchFacts) -> Membership:
    """Write what this launch changed on the membership, its person and its course."""
    now = utcnow()
    _set_changed(person, _person_fields(facts))
    _set_changed(course, _course_fields(facts))
    if membership.role is not facts.role:
        membership.role = facts.role
    if _is_stale(person.last_seen_at, now):
        person.last_seen_at = now
    if _is_stale(membership.last_launch_at, now):
        membership.last_launch_at = now
    return membership


def _returning_membership(facts: LaunchFacts) -> Membership | None:
    """The membership of this person in this course with both loaded, in one query; None on a first launch."""
    query = (
        select(Membership)
        .join(Membership.person)
        .join(Membership.course)
        .where(Person.platform_id == facts.platform_id, Person.subject == facts.subject,
               Course.deployment_id == facts.deployment_id, Course.context_id == facts.context_id)
        .options(contains_eager(Membership.person), contains_eager(Membership.course))
    )
    return db.session.scalar(query)


def _of_same_lms(model: type[T], platform_ids: list[int], **key: Any) -> T | None:
    """The oldest ``model`` row with ``key`` among the registrations ``platform_ids`` (the same LMS's), else None."""
    if not platform_ids:
        return None
    query = select(model).where(model.platform_id.in_(platform_ids))  # type: ignore[attr-defined]
    for name, value in key.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalars(query.order_by(model.id).limit(1)).first()  # type: ignore[attr-defined]


def _first_membership(facts: LaunchFacts, same_lms: Iterable[int]) -> Membership:
    """Write the person, the course and the membership, one statement each (a first launch into the course
    through this registration and deployment); a person or course the LMS's other registrations hold is reused."""
    now = utcnow()
    others = [platform_id for platform_id in same_lms if platform_id != facts.platform_id]
    person = _of_same_lms(Person, others, subject=facts.subject) or _upsert(
        Person, {"platform_id": facts.platform_id, "subject": facts.subject}, {**_person_fields(facts), "last_seen_at": now})
    course = _of_same_lms(Course, [facts.platform_id, *others], context_id=facts.context_id) or _upsert(
        Course, {"deployment_id": facts.deployment_id, "context_id": facts.context_id},
        {"platform_id": facts.platform_id, **_course_fields(facts)})
    membership = _upsert(Membership, {"person_id": person.id, "course_id": course.id},
                         {"role": facts.role, "last_launch_at": now})
    # The rows are at hand: attach them without history, so that reading them later costs no query.
    set_committed_value(membership, "person", person)
    set_committed_value(membership, "course", course)
    return _refresh(membership, person, course, facts)


def record_launch(facts: LaunchFacts, same_lms: Callable[[], Iterable[int]] = tuple) -> Membership:
    """Create or refresh the person, the course and the membership of a launch. Flushes.

    ``same_lms`` gives the ids of the LMS's other registrations (asked only when this registration and deployment
    hold no membership yet)."""
    membership = _returning_membership(facts)
    if membership is None:
        membership = _first_membership(facts, same_lms())
    else:
        _refresh(membership, membership.person, membership.course, facts)
    db.session.flush()
    return membership


@dataclass(frozen=True)
class KnownMembership:
    """What a launch needs of its membership to open the session and pick the first page."""

    id: int
    course_id: int
    role: CourseRole
    fresh_until: datetime  # when the oldest "last seen" stamp of the launch gets older than SEEN_PRECISION

    @classmethod
    def of(cls, membership: Membership) -> KnownMembership:
        """Read from a recorded membership (before the commit expires it)."""
        oldest = min(membership.last_launch_at, membership.person.last_seen_at)
        return cls(membership.id, membership.course_id, membership.role, oldest + SEEN_PRECISION)


def _known_key(facts: LaunchFacts) -> str:
    who = f"{facts.platform_id}\0{facts.deployment_id}\0{facts.subject}\0{facts.context_id}"
    return KNOWN_PREFIX + hashlib.sha256(who.encode()).hexdigest()


def _fingerprint(facts: LaunchFacts) -> str:
    return hashlib.sha256(repr(astuple(facts)).encode()).hexdigest()


def known_launch(facts: LaunchFacts) -> KnownMembership | None:
    """The membership of a launch identical to one committed while its stamps are still fresh; else None."""
    found = cache.get(_known_key(facts))
    if not found or found[0] != _fingerprint(facts) or utcnow() >= found[1].fresh_until:
        return None
    return found[1]


def remember_launch(facts: LaunchFacts, membership: KnownMembership) -> None:
    """After the launch's commit: identical launches until ``fresh_until`` need no query (see known_launch)."""
    seconds = int((membership.fresh_until - utcnow()).total_seconds())
    if seconds > 0:
        cache.set(_known_key(facts), (_fingerprint(facts), membership), timeout=seconds)
