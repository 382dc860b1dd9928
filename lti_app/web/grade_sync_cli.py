"""``flask --app lti_app grades sync|status``: resend the grade outbox, and see where it stands."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from lti_app.mentoring.services.grade_outbox import count_by_state
from lti_app.web.grade_sync import sync_pending

grades_cli = AppGroup("grades", help="Grades and completion sent to the LMS (AGS).")


@grades_cli.command("sync")
def grades_sync() -> None:
    """Evaluate programme completion, then send every score that is pending and due."""
    counts = sync_pending()
    states = count_by_state()
    click.echo(
        f"Sent {counts['sent']}, still pending {states['pending']}, failed {counts['failed']}"
        f" (not sendable {counts['not_sendable']}; newly completed {counts['completed']})."
    )
    if counts["failed"]:
        click.echo("Refused scores are listed on each cohort's completion page, with the LMS's message.")


@grades_cli.command("status")
def grades_status() -> None:
    """Count the outbox rows in each state."""
    for state, count in count_by_state().items():
        click.echo(f"{state}\t{count}")
