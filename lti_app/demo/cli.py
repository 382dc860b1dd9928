"""``flask --app lti_app demo seed``: register the demo LMS with the tool (development only)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from lti_app.demo import programme, registration, surveys

demo_cli = AppGroup("demo", help="The demo LMS (development only).")


@demo_cli.command("seed")
def seed():
    """Create the keys, register the demo LMS and its deployment, and a running demo cohort with pairs; safe to run again."""
    for line in registration.seed():
        click.echo(line)
    for line in programme.seed_programme():
        click.echo(line)
    for line in surveys.seed_surveys(programme.COHORT_NAME):
        click.echo(line)
    click.echo(f"Open {registration.base_url()}/demo/ to launch ReMentor from the demo course.")
