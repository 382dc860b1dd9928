"""Inactivity nudges (N days), instructor alerts (2N) and overdue meetings: pure rules across time zones, summer
time, a programme not started or over, a withdrawn partner; and the cron's service that writes them once."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.mail_notices import PairSide
from lti_app.mentoring.domain.scheduled_notices import QuietPair, meeting_overdue_notices, quiet_pair_notices
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services import mail_notices
from tests.factories import make_membership, make_person
from tests.factories_workspace import make_pair

SINCE = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)


def _quiet(**overrides):
    fields = dict(pair_id=4, course_id=2, cohort_name="Spring", starts_on=date(2027, 2, 1), ends_on=date(2027, 6, 30),
                  since=SINCE, mentor=PairSide(1, "Ada", "mentor"), mentee=PairSide(2, "Grace", "mentee"),
                  instructor_ids=(9,))
    return QuietPair(**(fields | overrides))


def _kinds(notices):
    return sorted((n.kind, n.person_id) for n in notices)


def test_nudge_after_n_days_and_alert_after_2n():
    assert quiet_pair_notices([_quiet()], SINCE + timedelta(days=20, hours=23), 21) == []
    nudged = quiet_pair_notices([_quiet()], SINCE + timedelta(days=21), 21)
    assert _kinds(nudged) == [("inactivity_nudge", 1), ("inactivity_nudge", 2)]
    both = quiet_pair_notices([_quiet()], SINCE + timedelta(days=42), 21)
    assert _kinds(both) == [("inactivity_alert", 9), ("inactivity_nudge", 1), ("inactivity_nudge", 2)]
    assert len({n.occasion for n in both}) == 1  # one quiet spell: the same occasion, so each is written once


def test_the_days_are_real_time_across_the_summer_time_change():
    # 30 days from 1 March 09:00 UTC (10:00 in Berlin) cross the European change of 28 March: 30 × 24 real hours
    in_berlin = (SINCE + timedelta(days=30)).astimezone(ZoneInfo("Europe/Berlin"))
    assert in_berlin.hour == 11  # the wall clock moved an hour, the moment did not
    assert len(quiet_pair_notices([_quiet()], in_berlin, 30)) == 2
    assert quiet_pair_notices([_quiet()], in_berlin - timedelta(minutes=1), 30) == []


def test_whether_the_programme_runs_is_judged_on_the_day_in_the_courses_time_zone():
    pair = _quiet(ends_on=date(2027, 3, 22))
    late_evening = datetime(2027, 3, 22, 23, 30, tzinfo=timezone.utc)  # 22 March in London, 23 March in Tokyo
    assert quiet_pair_notices([pair], late_evening, 21, "Europe/London")
    assert quiet_pair_notices([pair], late_evening, 21, "Asia/Tokyo") == []


def test_nothing_before_the_programme_starts_or_after_it_is_over():
    now = SINCE + timedelta(days=30)
    assert quiet_pair_notices([_quiet(starts_on=date(2027, 4, 1))], now, 21) == []
    assert quiet_pair_notices([_quiet(ends_on=date(2027, 3, 20))], now, 21) == []
    assert quiet_pair_notices([_quiet(programme_over=True)], now, 21) == []
    assert meeting_overdue_notices([_quiet(programme_over=True, next_meeting_due=date(2027, 3, 1))],
                                   date(2027, 3, 30), 3) == []


def test_a_withdrawn_partner_is_not_nudged_and_no_overdue_meeting_is_claimed():
    pair = _quiet(mentee=PairSide(2, "Grace", "mentee", active=False), next_meeting_due=date(2027, 3, 10))
    assert _kinds(quiet_pair_notices([pair], SINCE + timedelta(days=21), 21)) == [("inactivity_nudge", 1)]
    assert meeting_overdue_notices([pair], date(2027, 3, 20), 3) == []


def test_an_overdue_meeting_after_the_grace_days_once_per_due_date():
    pair = _quiet(next_meeting_due=date(2027, 3, 10))
    assert meeting_overdue_notices([pair], date(2027, 3, 12), 3) == []
    due = meeting_overdue_notices([pair], date(2027, 3, 13), 3)
    assert _kinds(due) == [("meeting_overdue", 1), ("meeting_overdue", 2)]
    assert {n.occasion for n in due} == {"pair:4:due:2027-03-10"}


def test_cron_writes_nudges_and_alerts_once(app):
    pair = make_pair()
    teacher = make_person(db.session.get(Platform, pair.cohort.course.platform_id))
    make_membership(teacher, pair.cohort.course, CourseRole.INSTRUCTOR)
    start = datetime.combine(pair.cohort.starts_on, datetime.min.time(), tzinfo=timezone.utc)
    db.session.commit()
    later = start + timedelta(days=45)
    if later.date() > pair.cohort.ends_on:
        pytest.skip("the factory's programme is shorter than 45 days")
    written = mail_notices.note_due(later, inactivity_days=21, grace_days=3)
    kinds = {r.kind for r in written}
    assert {"inactivity_nudge", "inactivity_alert"} <= kinds
    assert any(r.kind == "inactivity_alert" and r.person_id == teacher.id for r in written)
    assert mail_notices.note_due(later + timedelta(hours=1), inactivity_days=21, grace_days=3) == []  # once


def test_cron_leaves_a_withdrawn_partner_alone(app):
    pair = make_pair()
    pair.mentee.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    start = datetime.combine(pair.cohort.starts_on, datetime.min.time(), tzinfo=timezone.utc)
    written = mail_notices.note_due(start + timedelta(days=25), inactivity_days=21, grace_days=3)
    nudged = {r.person_id for r in written if r.kind == "inactivity_nudge"}
    assert pair.mentee.person_id not in nudged and pair.mentor.person_id in nudged
    assert db.session.scalars(select(MailOutbox)).all()


def test_the_instructors_weekly_digest_once_per_week_and_course():
    from lti_app.mentoring.domain.scheduled_notices import instructor_digest_notices

    pairs = [_quiet(), _quiet(pair_id=5, since=SINCE + timedelta(days=20), overdue=True, instructor_ids=(9, 10))]
    monday = datetime(2027, 3, 29, 6, 0, tzinfo=timezone.utc)  # the Monday after the change to summer time
    (to_9, to_10) = instructor_digest_notices(pairs, monday, 21)
    assert (to_9.person_id, to_10.person_id, to_9.kind) == (9, 10, "digest")
    assert to_9.occasion == "week:2027-W13:course:2"
    assert "Active pairs: 2" in to_9.body_text and "21 days or more: 1" in to_9.body_text
    assert "meeting overdue: 1" in to_9.body_text and "Quiet: Ada and Grace" in to_9.body_text
    sunday = datetime(2027, 4, 4, 21, 0, tzinfo=timezone.utc)
    assert instructor_digest_notices(pairs, sunday, 21)[0].occasion == to_9.occasion  # the same week
    # in Tokyo that moment is already Monday: a new week there
    assert instructor_digest_notices(pairs, sunday, 21, "Asia/Tokyo")[0].occasion == "week:2027-W14:course:2"
    assert instructor_digest_notices([_quiet(programme_over=True)], monday, 21) == []


def test_cron_writes_the_digest_for_the_courses_instructors_once_a_week(app):
    pair = make_pair()
    teacher = make_person(db.session.get(Platform, pair.cohort.course.platform_id))
    make_membership(teacher, pair.cohort.course, CourseRole.INSTRUCTOR)
    db.session.commit()
    start = datetime.combine(pair.cohort.starts_on, datetime.min.time(), tzinfo=timezone.utc) + timedelta(days=1)
    first = [r for r in mail_notices.note_due(start, inactivity_days=21, grace_days=3) if r.kind == "digest"]
    assert [r.person_id for r in first] == [teacher.id]
    again = mail_notices.note_due(start + timedelta(hours=2), inactivity_days=21, grace_days=3)
    assert [r for r in again if r.kind == "digest"] == []  # the same week: written once
