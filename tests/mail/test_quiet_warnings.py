"""The quiet-pair warning e-mail of ``notify run``: both partners are told the day their pair will be proposed for
closing, once per quiet spell; across time zones, never to a pair with a withdrawn partner or a finished programme."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.mail_notices import PairSide
from lti_app.mentoring.domain.scheduled_notices import QuietPair, quiet_warning_notices
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.quiet_pairs import PairQuiet, QuietRule, verdict
from lti_app.mentoring.services import mail_notices
from tests.factories_workspace import make_pair, make_running_cohort

TODAY = utcnow().date()
FIRST = date(2027, 3, 1)
WARNED = verdict(PairQuiet(4, None, FIRST), QuietRule(30, 7), date(2027, 3, 24))  # warned on 24 March, closing 31


def _quiet(**overrides):
    fields = dict(pair_id=4, course_id=2, cohort_name="Spring", starts_on=date(2027, 2, 1), ends_on=date(2027, 6, 30),
                  since=datetime(2027, 3, 1, tzinfo=timezone.utc), mentor=PairSide(1, "Ada", "mentor"),
                  mentee=PairSide(2, "Grace", "mentee"), warning=WARNED)
    return QuietPair(**(fields | overrides))


def test_both_partners_are_told_the_day_the_pair_will_be_proposed_for_closing():
    notices = quiet_warning_notices([_quiet()], date(2027, 3, 24))
    assert sorted(n.person_id for n in notices) == [1, 2]
    assert {n.occasion for n in notices} == {"pair:4:warning:2027-03-24"} and {n.kind for n in notices} == {"quiet_warning"}
    to_ada = next(n for n in notices if n.person_id == 1)
    assert "Grace" in to_ada.subject and "31 March 2027" in to_ada.body_text and "1 March 2027" in to_ada.body_text


def test_no_warning_without_a_verdict_a_withdrawn_partner_or_outside_the_programme():
    day = date(2027, 3, 24)
    assert quiet_warning_notices([_quiet(warning=None)], day) == []
    assert quiet_warning_notices([_quiet(mentee=PairSide(2, "Grace", "mentee", active=False))], day) == []
    assert quiet_warning_notices([_quiet(programme_over=True)], day) == []
    assert quiet_warning_notices([_quiet(ends_on=date(2027, 3, 23))], day) == []


def _quiet_pair(**cohort):
    # nothing done since the programme started 30 days ago: warned from day 33, proposed for closing on day 40
    pair = make_pair(make_running_cohort(quiet_after_days=40, quiet_warning_days=7, **cohort))
    db.session.commit()
    return pair


def _warnings(now: datetime, zone: str = "UTC"):
    written = mail_notices.note_due(now, inactivity_days=365, grace_days=365, zone=zone)
    return [r for r in written if r.kind == "quiet_warning"]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


def test_notify_run_warns_both_partners_from_the_warning_day_and_never_twice(app):
    pair = _quiet_pair()
    warning_on, propose_on = pair.cohort.starts_on + timedelta(days=33), pair.cohort.starts_on + timedelta(days=40)
    assert _warnings(_noon(warning_on - timedelta(days=1))) == []
    warned = _warnings(_noon(warning_on))
    assert sorted(r.person_id for r in warned) == sorted([pair.mentor.person_id, pair.mentee.person_id])
    assert {r.occasion for r in warned} == {f"pair:{pair.id}:warning:{warning_on.isoformat()}"}
    assert f"{propose_on.day} {propose_on:%B %Y}" in warned[0].body_text
    assert _warnings(_noon(warning_on + timedelta(days=2))) == []  # the same quiet spell: written once


def test_the_warning_day_is_the_day_in_the_configured_time_zone(app):
    pair = _quiet_pair()
    warning_on = pair.cohort.starts_on + timedelta(days=33)
    late = datetime.combine(warning_on - timedelta(days=1), time(23, 30), tzinfo=timezone.utc)  # next day in Tokyo
    assert _warnings(late, "Europe/London") == []
    assert len(_warnings(late, "Asia/Tokyo")) == 2


def test_no_warning_to_a_pair_with_a_withdrawn_partner(app):
    pair = _quiet_pair()
    pair.mentee.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    assert _warnings(_noon(pair.cohort.starts_on + timedelta(days=34))) == []


def test_no_warning_once_the_programme_is_finished(app):
    pair = _quiet_pair()
    pair.cohort.state = CohortState.FINISHED
    db.session.commit()
    assert _warnings(_noon(pair.cohort.starts_on + timedelta(days=34))) == []


def test_each_cohort_warns_by_its_own_rule(app):
    slow, quick = _quiet_pair(), make_pair(make_running_cohort(quiet_after_days=90, quiet_warning_days=7))
    db.session.commit()
    warned = _warnings(_noon(slow.cohort.starts_on + timedelta(days=34)))
    assert {r.occasion.split(":")[1] for r in warned} == {str(slow.id)} and quick.id != slow.id
