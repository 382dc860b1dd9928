"""The mail outbox end to end: a notice written in a request's transaction reaches a real SMTP server after the
commit, once; a refusing or absent server leaves it pending with backoff; the clock is injected, nothing sleeps."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.mail_notices import MailChoice, MailState
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services import mail_outbox
from lti_app.tasks import mail
from lti_app.web import unit_of_work
from tests.factories import make_course, make_person, make_platform

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)  # the night the clocks go forward in Europe


def _notice(person, course=None, **overrides):
    fields = dict(person_id=person.id, kind="pairs_published", occasion="cohort:1", subject="You have a partner",
                  body_text="Ada is your mentor.", body_html="<p>Ada is your <b>mentor</b>.</p>",
                  course_id=course.id if course else None, course_link="https://lms.test/course/7/launch", now=T0)
    fields.update(overrides)
    return mail_outbox.note_mail(**fields)


@pytest.fixture
def person(app):
    platform = make_platform()
    return make_person(platform, email="learner@example.test")


def test_a_notice_written_in_a_request_arrives_after_its_commit_with_text_html_and_unsubscribe(app, smtp, person):
    course = make_course(make_platform())
    unit_of_work.act(lambda: _notice(person, course))
    assert len(smtp.inbox.messages) == 1
    message = smtp.inbox.messages[0]
    assert message["To"] == "learner@example.test"
    assert message["Subject"] == "You have a partner"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert link.startswith("https://tool.test/mail/one-click/")
    assert mail.read_unsubscribe_token(link.rsplit("/", 1)[1]) == person.id
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ada is your mentor." in text and "https://lms.test/course/7/launch" in text
    assert "https://tool.test/mail/unsubscribe/" in text and "https://tool.test/mail/unsubscribe/" in html
    assert "<b>mentor</b>" in html and 'href="https://lms.test/course/7/launch"' in html
    row = db.session.scalar(select(MailOutbox))
    assert row.state is MailState.SENT and row.attempts == 1 and row.sent_at is not None


def test_the_same_notice_is_never_written_or_sent_twice(app, smtp, person):
    unit_of_work.act(lambda: _notice(person))
    assert unit_of_work.act(lambda: _notice(person, subject="again")) is None
    mail.send_rows(None, now=T0 + timedelta(days=1))
    assert len(smtp.inbox.messages) == 1
    assert db.session.query(MailOutbox).count() == 1


def test_a_rolled_back_transaction_sends_nothing(app, smtp, person):
    from lti_app.mentoring.errors import InvalidInput

    def refused():
        _notice(person)
        raise InvalidInput("no")

    with app.test_request_context():
        unit_of_work.act(refused)
    assert smtp.inbox.messages == []
    assert db.session.query(MailOutbox).count() == 0


def test_a_server_that_refuses_then_accepts_gets_the_mail_after_the_backoff(app, smtp, person):
    app.config.update(MAIL_BACKOFF_BASE_SECONDS=60, MAIL_BACKOFF_CAP_SECONDS=3600)
    smtp.inbox.refuse = 2
    _notice(person)
    db.session.commit()
    mail_outbox.take_recorded()
    assert mail.send_rows(None, now=T0) == {"retry": 1}
    row = db.session.scalar(select(MailOutbox))
    assert row.state is MailState.PENDING and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at == T0 + timedelta(seconds=60)
    assert mail.send_rows(None, now=T0 + timedelta(seconds=59)) == {}  # not due yet: not tried
    assert mail.send_rows(None, now=T0 + timedelta(seconds=60)) == {"retry": 1}
    assert row.next_attempt_at == T0 + timedelta(seconds=180)  # the wait doubles
    assert mail.send_rows(None, now=T0 + timedelta(seconds=180)) == {"sent": 1}
    assert smtp.inbox.refused == 2 and len(smtp.inbox.messages) == 1
    assert row.state is MailState.SENT and row.attempts == 3 and row.last_error is None


def test_an_unreachable_server_leaves_the_mail_pending_and_the_page_unharmed(app, smtp, person):
    smtp.stop()
    app.config["MAIL_PORT"] = smtp.port  # nothing listens there now
    result = unit_of_work.act(lambda: _notice(person))
    assert result is not None
    row = db.session.scalar(select(MailOutbox))
    assert row.state is MailState.PENDING and row.attempts == 1 and row.last_error
    smtp.controller = type(smtp.controller)(smtp.inbox, hostname="127.0.0.1", port=smtp.port)
    smtp.start()
    mail.send_rows(None, now=row.next_attempt_at)
    assert len(smtp.inbox.messages) == 1


def test_after_max_attempts_the_mail_is_marked_failed(app, smtp, person):
    app.config.update(MAIL_MAX_ATTEMPTS=2)
    smtp.inbox.refuse = 5
    _notice(person)
    db.session.commit()
    mail.send_rows(None, now=T0)
    assert mail.send_rows(None, now=T0 + timedelta(days=1)) == {"failed": 1}
    assert mail.send_rows(None, now=T0 + timedelta(days=2)) == {}
    assert db.session.scalar(select(MailOutbox)).state is MailState.FAILED


def test_at_most_one_mail_per_person_per_hour_outside_the_digest(app, smtp, person):
    _notice(person, occasion="a")
    _notice(person, kind="grade_posted", occasion="b")
    _notice(person, kind="digest", occasion="week-1")
    db.session.commit()
    assert mail.send_rows(None, now=T0) == {"sent": 2, "held": 1}
    held = db.session.scalar(select(MailOutbox).where(MailOutbox.occasion == "b"))
    assert held.state is MailState.PENDING and held.next_attempt_at == T0 + timedelta(hours=1)
    assert mail.send_rows(None, now=T0 + timedelta(minutes=59)) == {}
    assert mail.send_rows(None, now=T0 + timedelta(hours=1)) == {"sent": 1}
    assert len(smtp.inbox.messages) == 3


def test_people_without_an_address_or_who_chose_none_or_the_digest_get_no_single_notice(app, smtp, person):
    nobody = make_person(make_platform(), email=None)
    quiet = make_person(make_platform(), email="quiet@example.test")
    digest = make_person(make_platform(), email="digest@example.test")
    mail_outbox.set_choice(quiet.id, MailChoice.NONE)
    mail_outbox.set_choice(digest.id, "digest")
    rows = [_notice(p) for p in (nobody, quiet, digest)]
    assert [r.state for r in rows] == [MailState.SKIPPED] * 3
    assert _notice(digest, kind="digest", occasion="week-1").state is MailState.PENDING
    assert _notice(quiet, kind="digest", occasion="week-1").state is MailState.SKIPPED
    db.session.commit()
    mail.send_rows(None, now=T0)
    assert [m["To"] for m in smtp.inbox.messages] == ["digest@example.test"]


def test_an_unknown_choice_is_refused(app, person):
    from lti_app.mentoring.errors import InvalidInput

    with pytest.raises(InvalidInput):
        mail_outbox.set_choice(person.id, "sometimes")


def test_database_only_delivery_keeps_the_mail_and_sends_nothing(app, smtp, person):
    app.config["MAIL_DELIVERY"] = "database"
    unit_of_work.act(lambda: _notice(person))
    assert smtp.inbox.messages == []
    assert db.session.scalar(select(MailOutbox)).state is MailState.KEPT


def test_a_row_another_sender_has_claimed_is_not_sent_again(app, smtp, person):
    row = _notice(person)
    db.session.commit()
    assert mail_outbox.claim(row, T0, 600)  # another sender took it
    db.session.commit()
    assert mail.send_rows(None, now=T0) == {}
    assert mail.send_rows([row.id], now=T0 + timedelta(seconds=601)) == {"sent": 1}  # its claim ran out
    assert len(smtp.inbox.messages) == 1


def test_a_course_notice_without_a_link_takes_the_courses_link_from_its_launches(app, smtp, person):
    from tests.factories import lms_context_of

    course = make_course(make_platform())
    lms_context_of(course, course_link="https://lms.test/course/view.php?id=9")
    _notice(person, course, course_link=None)
    db.session.commit()
    assert mail.send_rows(None, now=T0) == {"sent": 1}
    assert "https://lms.test/course/view.php?id=9" in smtp.inbox.messages[0].get_body(("plain",)).get_content()
