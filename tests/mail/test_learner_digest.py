"""The weekly digest of those who chose it: once per ISO week, gathering the notices kept back the week before."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.mail_notices import MailChoice, MailState, Notice
from lti_app.mentoring.domain.scheduled_notices import LEARNER_DIGEST_LIMIT, HeldNotice, held_digest_notices, week_start
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services import mail_notices, mail_outbox
from tests.factories import make_person, make_platform

WEDNESDAY = datetime(2027, 3, 24, 10, 0, tzinfo=timezone.utc)  # ISO week 2027-W12
MONDAY = datetime(2027, 3, 29, 7, 0, tzinfo=timezone.utc)  # 2027-W13, the Monday after the change to summer time


def test_week_start_is_monday_midnight_in_the_zone():
    assert week_start(WEDNESDAY) == datetime(2027, 3, 22, tzinfo=timezone.utc)
    assert week_start(MONDAY, "Europe/Berlin") == datetime(2027, 3, 28, 22, 0, tzinfo=timezone.utc)  # CEST
    sunday_night = datetime(2027, 3, 28, 23, 30, tzinfo=timezone.utc)  # Monday morning in Tokyo
    assert week_start(sunday_night, "Asia/Tokyo") == datetime(2027, 3, 28, 15, 0, tzinfo=timezone.utc)


def test_one_digest_per_person_and_week_gathering_their_held_notices():
    held = [HeldNotice(1, "Graded: Essay", "Your reflection was graded.", 3, WEDNESDAY),
            HeldNotice(1, "Time to meet again?", "Nothing happened.", 3, WEDNESDAY),
            HeldNotice(2, "Announcement", "Hello.", 4, WEDNESDAY)]
    one, two = held_digest_notices(held, MONDAY)
    assert (one.person_id, one.kind, one.occasion, one.course_id) == (1, "digest", "week:2027-W13:held", 3)
    assert "Graded: Essay" in one.body_text and "Nothing happened." in one.body_text and "Hello." not in one.body_text
    assert "<h3>Graded: Essay</h3>" in one.body_html
    assert held_digest_notices([], MONDAY) == []
    many = [HeldNotice(1, f"Notice {i}", "Text.", i, WEDNESDAY) for i in range(LEARNER_DIGEST_LIMIT + 2)]
    [big] = held_digest_notices(many, MONDAY)
    assert "And 2 more" in big.body_text and big.course_id is None  # notices of several courses: no one course link


def _people():
    platform = make_platform()
    digest, every, none = (make_person(platform, email=f"{n}@example.test") for n in ("digest", "every", "none"))
    mail_outbox.set_choice(digest.id, MailChoice.DIGEST)
    mail_outbox.set_choice(none.id, MailChoice.NONE)
    return digest, every, none


def _notice(people, when, subject="Graded: Essay"):
    mail_outbox.note_notices([Notice(p.id, "grade_posted", f"submission:{p.id}:{when:%Y%m%dT%H%M}", subject,
                                     f"{subject}: the comment is on the reflection's page.", "<p>Graded</p>")
                              for p in people], now=when)
    db.session.commit()


def _digests(now, zone="UTC"):
    written = mail_notices.note_due(now, inactivity_days=21, grace_days=3, zone=zone)
    db.session.commit()
    return [r for r in written if r.kind == "digest"]


def test_notify_run_mails_the_digest_chooser_last_weeks_held_notices_once(app):
    digest, every, none = _people()
    _notice([digest, every, none], WEDNESDAY)
    assert _digests(WEDNESDAY + timedelta(hours=1)) == []  # the week is not over: it waits
    [mail] = _digests(MONDAY)
    assert mail.person_id == digest.id and mail.state is MailState.PENDING and mail.occasion == "week:2027-W13:held"
    assert "Graded: Essay" in mail.body_text
    assert _digests(MONDAY + timedelta(days=1)) == []  # never twice a week
    _notice([digest], MONDAY + timedelta(days=1), "Time to meet again?")  # held during W13: next week's digest
    assert _digests(MONDAY + timedelta(days=2)) == []
    [next_week] = _digests(MONDAY + timedelta(days=7))
    assert "Time to meet again?" in next_week.body_text and "Graded: Essay" not in next_week.body_text


def test_a_week_without_held_notices_sends_no_digest(app):
    _people()
    assert _digests(MONDAY) == []


def test_the_week_turns_on_the_configured_time_zone(app):
    digest, _, _ = _people()
    _notice([digest], WEDNESDAY)
    sunday_night = datetime(2027, 3, 28, 23, 30, tzinfo=timezone.utc)  # still Sunday (W12) in New York, Monday (W13) in Tokyo
    assert _digests(sunday_night, "America/New_York") == []
    assert [d.occasion for d in _digests(sunday_night, "Asia/Tokyo")] == ["week:2027-W13:held"]


def test_the_digest_arrives_through_smtp_with_its_unsubscribe_link(app, smtp, cli):
    digest, _, _ = _people()
    _notice([digest], WEDNESDAY)
    result = cli("notify", "run", "--now", MONDAY.isoformat())
    assert result.exit_code == 0, result.output
    [message] = smtp.inbox.messages
    assert message["To"] == "digest@example.test" and message["Subject"] == "Your week in reverse mentoring (2027-W13)"
    assert "Graded: Essay" in message.get_body(("plain",)).get_content() and message["List-Unsubscribe"]
    assert db.session.scalar(select(MailOutbox.state).where(MailOutbox.kind == "digest")) is MailState.SENT
