"""``flask --app lti_app grades sync|status`` (resend the grade outbox, see where it stands) and ``worker``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from lti_app.mentoring.services.grade_outbox import count_by_state
from lti_app.tasks import jobs
from lti_app.tasks.grades import sync_pending

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


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for cron or a test).")
def worker_command(burst: bool) -> None:
    """Run the background job worker (grade sync, large matchings) on the Redis queue."""
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("The worker needs REDIS_URL: without Redis, jobs run inline in the web process.")
    click.echo(f"Working queue {current_app.config['JOBS_QUEUE']!r}" + (" until it is empty" if burst else ""))
    jobs.run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
