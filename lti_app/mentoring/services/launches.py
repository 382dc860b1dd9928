"""Recording a launch: the person, the course and their membership, refreshed when something changed.

A returning person's launch reads all three rows in one query and writes only what changed: names the
platform now sends differently, a new role, and the "last seen" stamps when they are older than
SEEN_PRECISION (a class relaunching the tool all lesson long does not rewrite its rows every time).
A first launch into a course writes each row with one INSERT ... ON CONFLICT DO UPDATE, which also makes
two concurrent first launches of one person safe: the second updates the row the first inserted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import contains_eager

from lti_app.extensions import db, utcnow
from lti_app.mentoring.models.course import Course, CourseRole, Membership
from lti_app.mentoring.models.person import Person

T = TypeVar("T")
SEEN_PRECISION = timedelta(minutes=5)


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


def _first_membership(facts: LaunchFacts) -> Membership:
    """Write the person, the course and the membership, one statement each (a first launch into the course)."""
    now = utcnow()
    person = _upsert(Person, {"platform_id": facts.platform_id, "subject": facts.subject},
                     {**_person_fields(facts), "last_seen_at": now})
    course = _upsert(Course, {"deployment_id": facts.deployment_id, "context_id": facts.context_id},
                     {"platform_id": facts.platform_id, **_course_fields(facts)})
    membership = _upsert(Membership, {"person_id": person.id, "course_id": course.id},
                         {"role": facts.role, "last_launch_at": now})
    return _refresh(membership, person, course, facts)


def record_launch(facts: LaunchFacts) -> Membership:
    """Create or refresh the person, the course and the membership of a launch. Flushes."""
    membership = _returning_membership(facts)
    if membership is None:
        membership = _first_membership(facts)
    else:
        _refresh(membership, membership.person, membership.course, facts)
    db.session.flush()
    return membership
