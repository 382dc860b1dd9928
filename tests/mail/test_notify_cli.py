"""``flask --app lti_app notify run`` (cron) sends what is due and retries what the server refused."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from lti_app.extensions import db
from lti_app.mentoring.services import mail_outbox
from tests.factories import make_person, make_platform

T0 = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # the night the clocks go back in Europe


def _notice(email="learner@example.test", occasion="cohort:1"):
    person = make_person(make_platform(), email=email)
    mail_outbox.note_mail(person_id=person.id, kind="grade_posted", occasion=occasion, subject="A grade",
                          body_text="Your reflection was graded.", body_html="<p>Your reflection was graded.</p>", now=T0)
    db.session.commit()
    mail_outbox.take_recorded()  # as if the request's send had not run (a worker down): cron picks it up


def test_notify_run_sends_what_is_due_and_retries_after_a_refusal(app, smtp, cli):
    _notice()
    smtp.inbox.refuse = 1
    result = cli("notify", "run", "--now", T0.isoformat())
    assert result.exit_code == 0, result.output
    assert "to retry 1" in result.output and smtp.inbox.messages == []
    later = (T0 + timedelta(seconds=app.config["MAIL_BACKOFF_BASE_SECONDS"])).isoformat()
    result = cli("notify", "run", "--now", later)
    assert "Sent 1" in result.output and len(smtp.inbox.messages) == 1
    assert "Sent 0" in cli("notify", "run", "--now", later).output  # nothing twice
    status = cli("notify", "status").output
    assert "sent\t1" in status and "pending\t0" in status


def test_notify_run_refuses_a_bad_moment_plainly(app, cli):
    result = cli("notify", "run", "--now", "yesterday")
    assert result.exit_code != 0 and "ISO" in result.output


def test_the_notify_group_is_registered(app, cli):
    assert "notify" in app.cli.list_commands(None)
    assert cli("notify", "run", "--help").exit_code == 0
