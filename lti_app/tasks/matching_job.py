"""A big cohort's matching as a background job: work a queued run, committing its progress stage by stage.

The job commits the run's progress at each stage (``matching.run_matching`` reports stages only while nothing else
is pending, so those commits never write half a draft), then the draft and the outcome together. With
``JOBS_ASYNC`` off the same job runs inline, inside the request that asked for it (``web/instructor/matching_progress``
starts it and shows its progress).
"""
from __future__ import annotations

import logging
import resource
import time

from lti_app.extensions import db
from lti_app.mentoring.domain.texts import N_
from lti_app.mentoring.errors import MentoringError
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.matching_run import MatchingRun
from lti_app.mentoring.services.matching import pairing as matching, runs as matching_runs
from lti_app.tasks import jobs

log = logging.getLogger(__name__)
CRASH_MESSAGE = N_("The matching stopped on an unexpected error; nothing was changed. Run it again, or ask your "
                 "administrator.")
QUEUE_DOWN = N_("The job queue could not be reached, so the matching did not start. Try again in a moment.")


def fail_run(run_id: int, message: str) -> None:
    """Record the failure on its own, whatever the run had left pending (commits)."""
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
        log.info("matching run %s: %s pairs in %.1f s, worker peak memory %.0f MB", run_id,
                 proposal.totals.pairs, time.perf_counter() - started,
                 resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except MentoringError as refused:
        fail_run(run_id, refused.message)
    except Exception:  # noqa: BLE001 - the run must not stay "running" forever; the log has the details
        log.exception("matching run %s failed", run_id)
        fail_run(run_id, CRASH_MESSAGE)


def queue_run(run_id: int) -> None:
    """Hand the committed run to the job queue (inline: work it now); a queue that cannot be reached fails the run."""
    try:
        jobs.enqueue(run_matching_job, run_id, job_id=f"matching-run-{run_id}")
    except Exception:  # noqa: BLE001 - Redis unreachable: say so on the run rather than leave it queued
        log.exception("could not queue matching run %s", run_id)
        fail_run(run_id, QUEUE_DOWN)
