"""``flask --app lti_app sessions end``: an operator ends one person's LTI sessions in every browser and course.

The person is named by the platform's issuer and their ``sub`` (exact), or by e-mail (every person the tool
knows with that address, on any platform). Their next page asks them to open ReMentor from their course again;
a new launch opens a new session as usual (to refuse launches, deactivate the platform or deployment).

It lives in ``tasks`` rather than beside ``lti/sessions.py`` because it finds people by the programme's records
(their e-mail), and LTI plumbing never imports the programme.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.lti import sessions
from lti_app.lti.models import Platform
from lti_app.mentoring.models.person import Person

sessions_cli = AppGroup("sessions", help="Sessions browsers opened by launching the tool.")


def _people(issuer: str | None, sub: str | None, email: str | None) -> list[tuple[str, str]]:
    """(issuer, subject) of every person the options name."""
    query = select(Platform.issuer, Person.subject).join(Platform, Platform.id == Person.platform_id)
    if email:
        query = query.where(func.lower(Person.email) == email.strip().lower())
    else:
        query = query.where(Platform.issuer == issuer, Person.subject == sub)
    return [(found, subject) for found, subject in db.session.execute(query.order_by(Person.id))]


@sessions_cli.command("end")
@click.option("--issuer", help="The platform's issuer (with --sub).")
@click.option("--sub", help="The person's subject (user id) on that platform.")
@click.option("--email", help="Instead: every person with this e-mail address.")
def sessions_end(issuer: str | None, sub: str | None, email: str | None) -> None:
    """End a person's sessions in every browser and course (they must launch again)."""
    if email and (issuer or sub) or not email and not (issuer and sub):
        raise click.UsageError("Give --issuer and --sub, or --email alone.")
    people = _people(issuer, sub, email)
    if not people:
        named = f"e-mail {email!r}" if email else f"sub {sub!r} on issuer {issuer!r}"
        raise click.ClickException(f"No person with {named} has launched ReMentor.")
    # every registration of the person's LMS: a session opened through a second client or deployment of the same
    # issuer belongs to the same person
    ended = sum(sessions.end_person_sessions(Platform.ids_of_issuer(found), subject) for found, subject in people)
    db.session.commit()
    click.echo(f"Ended {ended} session(s) of {len(people)} person record(s); their next launch opens a new one.")
