"""What keeps two changes to one cohort's pairs from crossing: the cohort's row lock and the background run.

``lock_cohort`` (``SELECT ... FOR UPDATE`` on PostgreSQL) makes a second publish, run or start of a background run
wait for the first to commit, then reads the cohort afresh, so the second sees what the first did and is refused.
SQLite serialises writers on its own. While a background run is queued or running it is about to replace the draft,
so nothing else changes the draft meanwhile (``check_no_busy_run``).
"""
from __future__ import annotations

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.errors import IllegalTransition
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.matching_run import MatchingRun, RunState
from lti_app.mentoring.domain.texts import _


def lock_cohort(cohort: Cohort) -> Cohort:
    """The cohort's row, locked until the transaction ends and read afresh."""
    return db.session.scalar(select(Cohort).where(Cohort.id == cohort.id)
                             .with_for_update().execution_options(populate_existing=True))


def busy_run(cohort: Cohort) -> MatchingRun | None:
    """The cohort's queued or running background run, if any (there is at most one)."""
    return db.session.scalar(select(MatchingRun).where(
        MatchingRun.cohort_id == cohort.id, MatchingRun.state.in_([RunState.QUEUED, RunState.RUNNING])))


def check_no_busy_run(cohort: Cohort, but: MatchingRun | None = None) -> None:
    """IllegalTransition while a background run (other than ``but``) is about to replace the draft."""
    busy = busy_run(cohort)
    if busy is not None and (but is None or busy.id != but.id):
        raise IllegalTransition(_("The matching is running in the background (%(progress)s%% done): wait until it "
                                  "has finished, then change the draft.", progress=busy.progress))
