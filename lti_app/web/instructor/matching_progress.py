"""Starting a big cohort's matching in the background (``tasks.matching_job``), and the status its progress bar reads.

The status is a small JSON document that ``static/js/matching-progress.js`` reads every two seconds; without
JavaScript the page has a "Refresh" link.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, g, jsonify
from flask_babel import gettext as _, ngettext

from lti_app.extensions import db
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.matching_run import MatchingRun, RunState
from lti_app.mentoring.services import cohorts
from lti_app.mentoring.services.matching import runs as matching_runs
from lti_app.tasks.matching_job import CRASH_MESSAGE, queue_run
from lti_app.web.unit_of_work import act

bp = Blueprint("runs", __name__, url_prefix="/runs")


def run_in_background(cohort: Cohort) -> None:
    """Start a run of the cohort's matching and hand it to the job queue (inline: run it now); flash how it went."""
    stale_after = timedelta(seconds=current_app.config["JOBS_TIMEOUT_SECONDS"])
    run = act(matching_runs.start_run, cohort, g.membership.person_id, stale_after)
    if run is None:
        return
    run_id = run.id
    queue_run(run_id)
    run = db.session.get(MatchingRun, run_id)
    db.session.refresh(run)
    if run.state is RunState.DONE:
        flash(ngettext("The matching proposes %(num)d pair. Review it, then publish.",
                       "The matching proposes %(num)d pairs. Review them, then publish.", run.pairs) if run.pairs
              else _("The matching proposes no pairs: nobody can be paired under the rules."), "ok")
    elif run.state is RunState.FAILED:
        flash(matching_runs.error_text(run) or _(CRASH_MESSAGE), "error")
    else:
        flash(_("The matching runs in the background: this page shows how far it is."), "ok")


@bp.get("/latest")
def latest(course_id: int, cohort_id: int):
    """The cohort's latest background run as JSON, for the progress bar."""
    run = matching_runs.latest_run(cohorts.cohort_in_course(course_id, cohort_id))
    if run is None:
        return jsonify(state=None, busy=False)
    return jsonify(state=run.state.value, busy=run.state.busy, progress=run.progress,
                   stage=matching_runs.stage_text(run), error=matching_runs.error_text(run), pairs=run.pairs)
