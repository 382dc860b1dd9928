"""A big cohort's matching as a background job, and the status its progress bar reads.

The job lives here rather than in ``mentoring`` because ``lti_app.jobs`` is Flask glue. It commits the run's
progress at each stage (``matching.run_matching`` reports stages only while nothing else is pending, so those
commits never write half a draft), then the draft and the outcome together. With ``JOBS_ASYNC`` off the same job
runs inline, inside the request that asked for it. The status is a small JSON document that
``static/js/matching-progress.js`` reads every two seconds; without JavaScript the page has a "Refresh" link.
"""
from __future__ import annotations

import resource
import time
from datetime import timedelta

from flask import Blueprint, current_app, flash, g, jsonify

from lti_app import jobs
from lti_app.extensions import db
from lti_app.mentoring.errors import MentoringError
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.matching_run import MatchingRun, RunState
from lti_app.mentoring.services import cohorts, matching, matching_runs
from lti_app.web.course_pages import commit_or_flash

bp = Blueprint("runs", __name__, url_prefix="/runs")
CRASH_MESSAGE = ("The matching stopped on an unexpected error; nothing was changed. Run it again, or ask your "
                 "administrator.")


def _fail(run_id: int, message: str) -> None:
    """Record the failure on its own, whatever the run had left pending."""
    db.session.rollback()
    matching_runs.fail_run(db.session.get(MatchingRun, run_id), message)
    db.session.commit()


@jobs.task
def run_matching_job(run_id: int) -> None:
    """Work the queued run ``run_id``: its progress committed stage by stage, then the draft and "done" at once."""
    run = matching_runs.begin_run(run_id)
    if run is None:
        return  # taken by another worker, or replaced by a later run
    db.session.commit()

    def progress(percent: int, stage: str) -> None:
        matching_runs.record_progress(run, percent, stage)
        db.session.commit()

    try:
        started = time.perf_counter()
        proposal = matching.run_matching(db.session.get(Cohort, run.cohort_id), progress, run=run)
        matching_runs.finish_run(run, proposal.totals.pairs)
        db.session.commit()
        # ru_maxrss is in KiB on Linux: the worker's peak so far, which a 5,000 x 5,000 run sets (about 0.6 GB)
        current_app.logger.info("matching run %s: %s pairs in %.1f s, worker peak memory %.0f MB", run_id,
                                proposal.totals.pairs, time.perf_counter() - started,
                                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except MentoringError as refused:
        _fail(run_id, refused.message)
    except Exception:  # noqa: BLE001 - the run must not stay "running" forever; the log has the details
        current_app.logger.exception("matching run %s failed", run_id)
        _fail(run_id, CRASH_MESSAGE)


def run_in_background(cohort: Cohort) -> None:
    """Start a run of the cohort's matching and hand it to the job queue (inline: run it now); flash how it went."""
    stale_after = timedelta(seconds=current_app.config["JOBS_TIMEOUT_SECONDS"])
    run = commit_or_flash(matching_runs.start_run, cohort, g.membership.person_id, stale_after)
    if run is None:
        return
    run_id = run.id
    try:
        jobs.enqueue(run_matching_job, run_id, job_id=f"matching-run-{run_id}")
    except Exception:  # noqa: BLE001 - Redis unreachable: say so on the run rather than leave it queued
        current_app.logger.exception("could not queue matching run %s", run_id)
        _fail(run_id, "The job queue could not be reached, so the matching did not start. Try again in a moment.")
    run = db.session.get(MatchingRun, run_id)
    db.session.refresh(run)
    if run.state is RunState.DONE:
        flash(f"The matching proposes {run.pairs} pairs. Review them, then publish." if run.pairs
              else "The matching proposes no pairs: nobody can be paired under the rules.", "ok")
    elif run.state is RunState.FAILED:
        flash(run.error or CRASH_MESSAGE, "error")
    else:
        flash("The matching runs in the background: this page shows how far it is.", "ok")


@bp.get("/latest")
def latest(course_id: int, cohort_id: int):
    """The cohort's latest background run as JSON, for the progress bar."""
    run = matching_runs.latest_run(cohorts.cohort_in_course(course_id, cohort_id))
    if run is None:
        return jsonify(state=None, busy=False)
    return jsonify(state=run.state.value, busy=run.state.busy, progress=run.progress, stage=run.stage,
                   error=run.error, pairs=run.pairs)
