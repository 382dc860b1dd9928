"""Roster snapshots: kept on every refresh and by ``roster sync``; the retention figure they give."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.programme_retention import retention
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.roster_snapshot import RosterSnapshot
from lti_app.mentoring.services.roster_snapshots import cohort_retention, cohorts_retention, record_snapshot
from lti_app.tasks import roster_cli
from tests.factories import lms_context_of, make_enrolment
from tests.factories_workspace import make_running_cohort


def test_retention_by_hand():
    found = retention({"a", "b", "c", "d"}, {"e", "f"}, {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"},
                      {"a", "b", "c", "e", "g"}, date(2026, 7, 1), date(2026, 6, 30))
    assert [(g.label, g.people, g.still_active) for g in found.groups] == [
        ("Participants", 4, 3), ("Withdrawn participants", 2, 1), ("Non-participants", 4, 1)]
    assert found.groups[0].share == 0.75 and found.final and "not what taking part caused" in found.caveat


def test_retention_of_nobody_has_no_share():
    found = retention(set(), set(), set(), set(), date(2026, 1, 1), date(2026, 6, 30))
    assert all(g.share is None for g in found.groups) and not found.final


def test_a_cohort_reads_the_snapshot_at_its_end(app):
    cohort = make_running_cohort()
    stays, leaves = make_enrolment(cohort), make_enrolment(cohort, status=EnrolmentStatus.WITHDRAWN)
    subjects = [db.session.get(Person, e.person_id).subject for e in (stays, leaves)]
    assert cohort_retention(cohort) is None
    first = record_snapshot(cohort.course_id, [(subjects[0], True), (subjects[1], True), ("other", True)])
    first.taken_at = datetime.combine(cohort.starts_on, datetime.min.time(), tzinfo=timezone.utc) + timedelta(days=1)
    record_snapshot(cohort.course_id, [(subjects[0], True), (subjects[1], False), ("other", False)])
    db.session.flush()
    found = cohort_retention(cohort)
    assert [(g.people, g.still_active) for g in found.groups] == [(1, 1), (1, 0), (1, 0)]
    assert not found.final  # the programme has not ended: the latest snapshot stands in


def test_cohorts_side_by_side_read_their_retention_in_two_queries(app):
    from tests.factories import make_course
    from tests.queries import counted_queries
    first = make_running_cohort()
    second = make_running_cohort(first.course)
    elsewhere = make_running_cohort()
    taking = make_enrolment(second)
    record_snapshot(first.course_id, [(db.session.get(Person, taking.person_id).subject, True), ("other", False)])
    db.session.flush()
    assert cohorts_retention([]) == {}
    with counted_queries() as seen:
        found = cohorts_retention([first, second, elsewhere])
    assert len(seen) == 2 and found[elsewhere.id] is None
    assert [(g.people, g.still_active) for g in found[first.id].groups] == [(0, 0), (0, 0), (2, 1)]
    assert [(g.people, g.still_active) for g in found[second.id].groups] == [(1, 1), (0, 0), (1, 0)]
    assert found[second.id] == cohort_retention(second)


def test_roster_sync_takes_a_snapshot_of_each_course_sharing_its_roster(app, monkeypatch):
    cohort = make_running_cohort()
    course = cohort.course
    lms_context_of(course, memberships_url="https://lms/m")
    db.session.commit()
    learner = SimpleNamespace(value="learner")
    members = [SimpleNamespace(user_id="u1", active=True, role=learner),
               SimpleNamespace(user_id="u2", active=False, role=learner),
               SimpleNamespace(user_id="t1", active=True, role=SimpleNamespace(value="instructor"))]
    monkeypatch.setattr(roster_cli, "fetch_roster", lambda *a: SimpleNamespace(members=members, truncated=False))
    monkeypatch.setattr(roster_cli, "connector_for", lambda platform: None)
    result = app.test_cli_runner().invoke(args=["roster", "sync"])
    assert result.exit_code == 0, result.output
    assert "Took 1 roster snapshot(s)" in result.output
    snapshot = db.session.scalar(select(RosterSnapshot).where(RosterSnapshot.course_id == course.id))
    assert snapshot.active_user_ids == ["u1"] and snapshot.inactive_user_ids == ["u2"]


def test_roster_sync_reports_a_course_whose_lms_fails(app, monkeypatch):
    from lti_app.lti.errors import LaunchError
    cohort = make_running_cohort()
    lms_context_of(cohort.course, memberships_url="https://lms/m")
    db.session.commit()

    def refuse(*args):
        raise LaunchError("the LMS said 500")

    monkeypatch.setattr(roster_cli, "fetch_roster", refuse)
    monkeypatch.setattr(roster_cli, "connector_for", lambda platform: None)
    result = app.test_cli_runner().invoke(args=["roster", "sync"])
    assert result.exit_code == 1 and "did not give the roster" in result.output
