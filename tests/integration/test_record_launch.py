"""Recording a launch upserts the person, the course and the membership, without duplicates."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.models.course import Course, CourseRole, Membership
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.launches import LaunchFacts, record_launch
from lti_app.mentoring.services.launches import SEEN_PRECISION
from tests.factories import make_platform
from tests.queries import counted_queries


def _facts(platform, **overrides) -> LaunchFacts:
    base = LaunchFacts(
        platform_id=platform.id, deployment_id=platform.deployments[0].id, subject="sub-1", context_id="ctx-1",
        role=CourseRole.LEARNER, context_title="Digital Leadership", name="Ada Okafor", email="ada@uni.test",
    )
    return replace(base, **overrides)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_first_launch_creates_person_course_and_membership(app):
    platform = make_platform()
    membership = record_launch(_facts(platform))
    assert (membership.person.name, membership.course.title, membership.role) == ("Ada Okafor", "Digital Leadership", CourseRole.LEARNER)
    assert (_count(Person), _count(Course), _count(Membership)) == (1, 1, 1)


def test_a_second_launch_updates_in_place_and_keeps_names_the_platform_stopped_sending(app):
    platform = make_platform()
    first = record_launch(_facts(platform))
    second = record_launch(_facts(platform, role=CourseRole.INSTRUCTOR, name=None, context_title="Renamed"))
    assert second.id == first.id
    assert (second.role, second.person.name, second.course.title) == (CourseRole.INSTRUCTOR, "Ada Okafor", "Renamed")
    assert (_count(Person), _count(Course), _count(Membership)) == (1, 1, 1)


def test_the_same_subject_on_two_platforms_is_two_people(app):
    one, two = make_platform(), make_platform()
    record_launch(_facts(one))
    record_launch(_facts(two))
    assert _count(Person) == 2 and _count(Course) == 2


def test_the_same_context_id_in_two_deployments_of_one_lms_is_one_course(app):
    platform = make_platform(deployment_ids=["d1", "d2"])
    record_launch(_facts(platform))
    record_launch(_facts(platform, deployment_id=platform.deployments[1].id))
    assert _count(Course) == 1 and _count(Person) == 1 and _count(Membership) == 1


def test_rows_inserted_by_a_concurrent_launch_are_reused_not_duplicated(app):
    platform = make_platform()
    first = record_launch(_facts(platform))
    db.session.commit()
    # Simulate the race: another request inserted the rows after our lookup found none.
    from lti_app.mentoring.services import launches

    original = launches.select
    calls = {"n": 0}

    def select_missing_once(*args, **kwargs):
        calls["n"] += 1
        query = original(*args, **kwargs)
        return query.where(False) if calls["n"] == 1 else query

    launches.select = select_missing_once
    try:
        membership = record_launch(_facts(platform, name="Ada O."))
    finally:
        launches.select = original
    db.session.commit()
    assert calls["n"] == 2, "the race was not simulated"  # the returning lookup, then the same-LMS course lookup
    assert membership.id == first.id and membership.person.name == "Ada O."
    assert (_count(Person), _count(Course), _count(Membership)) == (1, 1, 1)


def test_a_first_launch_writes_each_row_with_one_statement(app):
    facts = _facts(make_platform())
    db.session.commit()
    with counted_queries() as seen:
        membership = record_launch(facts)
    inserts = [s for s in seen.seen if s.lstrip().upper().startswith("INSERT")]
    # the returning-person lookup, the course of another deployment of the LMS, then three upserts
    assert seen.count == 5 and len(inserts) == 3, str(seen)
    assert (membership.person.name, membership.course.title) == ("Ada Okafor", "Digital Leadership")


def _committed_launch(facts: LaunchFacts) -> int:
    membership_id = record_launch(facts).id
    db.session.commit()
    db.session.expire_all()
    return membership_id


def test_a_returning_launch_that_changes_nothing_reads_one_row_and_writes_none(app):
    facts = _facts(make_platform())
    _committed_launch(facts)
    with counted_queries() as seen:
        record_launch(facts)
    assert seen.count == 1, str(seen)


def test_a_returning_launch_writes_only_what_changed(app):
    facts = _facts(make_platform())
    _committed_launch(facts)
    with counted_queries() as seen:
        membership = record_launch(replace(facts, email="ada.okafor@uni.test"))
    writes = [s for s in seen.seen if s.lstrip().upper().startswith("UPDATE")]
    assert len(writes) == 1 and writes[0].lstrip().startswith("UPDATE person SET email"), str(seen)
    assert membership.person.email == "ada.okafor@uni.test"


def test_the_seen_stamps_move_once_they_are_older_than_the_precision(app):
    facts = _facts(make_platform())
    membership = db.session.get(Membership, _committed_launch(facts))
    long_ago = utcnow() - SEEN_PRECISION - timedelta(seconds=1)
    membership.last_launch_at = membership.person.last_seen_at = long_ago
    db.session.commit()
    recent = record_launch(facts)
    assert recent.last_launch_at > long_ago and recent.person.last_seen_at > long_ago
    db.session.commit()
    stamp = recent.last_launch_at
    assert record_launch(facts).last_launch_at == stamp  # within the precision: left as it was
