"""``flask --app lti_app roster sync``: take a dated snapshot of every course's roster from the LMS (for cron, daily).

For each course whose LMS shares its roster (NRPS), the learners are fetched and kept as a ``RosterSnapshot``;
the dashboard compares participants with the rest of the course from these. A course whose LMS does not answer
is reported and skipped; the others are still taken. It lives in ``tasks``: it uses LTI to fetch and the
programme to store, and LTI plumbing never imports the programme.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from lti_app.extensions import db
from lti_app.lti.errors import LaunchError
from lti_app.lti.services.nrps import fetch_roster
from lti_app.lti.services.platform_client import connector_for
from lti_app.mentoring.services.roster_snapshots import record_snapshot
from lti_app.tasks.course_contexts import courses_sharing_rosters

roster_cli = AppGroup("roster", help="Course rosters from the LMS (NRPS).")
LEARNER = "learner"


def learners_of(members) -> list[tuple[str, bool]]:
    """(LMS user id, active) of the learners among a roster's members (staff and observers left out)."""
    return [(m.user_id, m.active) for m in members if m.role.value == LEARNER]


@roster_cli.command("sync")
@click.option("--course", "course_id", type=int, help="Only this course (its ReMentor id).")
def roster_sync(course_id: int | None) -> None:
    """Snapshot the roster of every course whose LMS shares it (one commit per course)."""
    taken = failed = 0
    for course, context in courses_sharing_rosters(course_id):
        try:
            roster = fetch_roster(connector_for(context.platform), context.memberships_url,
                                  current_app.config["LTI_NRPS_MAX_PAGES"])
        except LaunchError as error:
            failed += 1
            click.echo(f"Course {course}: the LMS did not give the roster ({error.detail}).", err=True)
            continue
        record_snapshot(course, learners_of(roster.members), truncated=roster.truncated)
        db.session.commit()
        taken += 1
    click.echo(f"Took {taken} roster snapshot(s); {failed} course(s) failed.")
    if failed:
        raise SystemExit(1)
