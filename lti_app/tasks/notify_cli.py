"""``flask --app lti_app notify run|status``: send the e-mail notices that are due (cron), count the outbox."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.mail_notices import MailState
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services.mail_notices import note_due
from lti_app.mentoring.services.mail_outbox import take_recorded
from lti_app.tasks.mail import send_rows

notify_cli = AppGroup("notify", help="E-mail notices (the mail outbox).")


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("an ISO date and time, e.g. 2027-03-01T08:00:00+00:00", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@notify_cli.command("run")
@click.option("--now", "now", default=None, help="Act as if it were this moment (ISO 8601; default: now).")
def notify_run(now: str | None) -> None:
    """Write what has become due (inactivity, overdue meetings, quiet-pair warnings, the weekly digests), then send
    every notice that is due and retry those the server refused once their wait is over."""
    moment = _moment(now) or utcnow()
    config = current_app.config
    written = note_due(moment, inactivity_days=config["MAIL_INACTIVITY_DAYS"],
                       grace_days=config["MAIL_MEETING_GRACE_DAYS"], zone=config["MAIL_TIME_ZONE"])
    db.session.commit()
    take_recorded()  # sent just below with every other due row
    click.echo(f"New notices {len(written)}.")
    counts = send_rows(None, now=moment)
    click.echo(f"Sent {counts['sent']}, kept {counts['kept']} (MAIL_DELIVERY=database), to retry {counts['retry']}, "
               f"failed {counts['failed']}, held back by the hourly limit {counts['held']}.")


@notify_cli.command("status")
def notify_status() -> None:
    """Count the outbox rows in each state."""
    counts = dict(db.session.execute(select(MailOutbox.state, func.count(MailOutbox.id)).group_by(MailOutbox.state)).all())
    for state in MailState:
        click.echo(f"{state.value}\t{counts.get(state, 0)}")
