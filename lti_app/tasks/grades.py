"""Sending the grade outbox to the LMS by AGS, after the commit that wrote it, in batches.

The request's commit point (``commit_and_dispatch``) calls ``dispatch(ids)`` right after its commit with the rows
the transaction recorded: the send job runs inline (embedded default) or on the
RQ queue (``JOBS_ASYNC``, one job per batch of rows), where RQ retries it on the backoff schedule while a score
is still pending; ``flask --app lti_app grades sync`` (cron) sends whatever is due. All three drain the outbox
the same way: claim a batch of due rows that may go next (``grade_claims``: a row whose ``next_attempt_at`` is
still ahead is never sent, and a later score of a person on a column never overtakes an earlier pending one),
commit the claim, send the batch over one HTTP session per platform (``grade_sending``), write every outcome in
one statement, commit. A page never breaks because sending failed: the rows stay pending and are sent later.

A job re-reads its rows, so a retried or repeated job never sends a row twice: only claimed rows are sent, and a
claim is committed before its rows are sent. Within one drain no row is tried twice (a backoff of 0 s must not
spin on a platform that is down).
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.grade_states import retry_schedule
from lti_app.mentoring.services import completion as completion_service
from lti_app.mentoring.services import grade_claims as claims
from lti_app.mentoring.services import grade_outbox as outbox
from lti_app.tasks import jobs
from lti_app.tasks.grade_sending import RELEASED, Senders, send_batch

log = logging.getLogger(__name__)


class GradesStillPending(RuntimeError):
    """Some scores could not be sent yet (the LMS is down or busy): a queued job raises it so RQ retries."""


def _backoff() -> dict[str, int]:
    config = current_app.config
    return {"base": config["GRADE_SYNC_BACKOFF_BASE_SECONDS"], "cap": config["GRADE_SYNC_BACKOFF_CAP_SECONDS"]}


def _batch_size() -> int:
    return max(1, int(current_app.config["GRADE_SYNC_BATCH_SIZE"]))


def _lease() -> int:
    """How long a claim lasts: a drain stops sending after half of it; a worker that died leaves its rows due after it."""
    return max(1, int(current_app.config["GRADE_SYNC_CLAIM_SECONDS"]))


def _drain_batch(of_ids: Sequence[int] | None, now: datetime, senders: Senders, tried: set[int],
                 deadline: float) -> tuple[list[claims.Outcome], bool]:
    """Claim, send and record one batch; its outcomes, and whether the drain should go on."""
    ids = claims.claim_due(now, limit=_batch_size(), lease_seconds=_lease(), of_ids=of_ids)
    db.session.commit()  # the claim is seen by other workers before anything is sent
    if not ids:
        return [], False
    batch = claims.load_claimed(ids)
    again = [(c.entry, RELEASED) for c in batch if c.entry.id in tried]
    fresh = [c for c in batch if c.entry.id not in tried]
    outcomes = send_batch(fresh, senders, now=now, backoff=_backoff(), deadline=deadline) + again
    claims.record_outcomes(outcomes, now=now, **_backoff())
    db.session.commit()
    tried.update(ids)
    return [outcome for _, outcome in outcomes if outcome is not RELEASED], not again


def send_entries(entry_ids: Iterable[int] | None, *, now: datetime | None = None,
                 senders: Senders | None = None) -> Counter:
    """Send the due rows of these rows' keys (of every key when None), batch after batch; counts by state.

    ``senders`` from an earlier call keeps its connections and tokens."""
    of_ids = None if entry_ids is None else list(entry_ids)
    deadline = time.monotonic() + _lease() / 2  # rows still unsent then are released before their claim runs out
    counts: Counter = Counter()
    senders, tried, more = senders or Senders(), set(), True
    db.session.commit()  # claims start a transaction of their own (SQLite: a write first, so it waits its turn)
    while more and time.monotonic() < deadline:
        outcomes, more = _drain_batch(of_ids, now or utcnow(), senders, tried, deadline)
        counts.update(outcome.state.value for outcome in outcomes)
    return counts


@jobs.task
def send_grades(entry_ids: list[int]) -> dict[str, int]:
    """The send job: send these rows (and what waits before them); raise while any stays pending so RQ retries."""
    try:
        senders = Senders()
        counts = send_entries(entry_ids, senders=senders)
        if jobs.jobs_async():  # a worker also takes whatever else is due, in batches: the jobs queued after this
            counts.update(send_entries(None, senders=senders))  # one (a score each, from pages) find nothing left
        waiting = claims.pending_in_keys(entry_ids)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if waiting:
        raise GradesStillPending(f"{waiting} score(s) could not be sent yet; they stay pending")
    return dict(counts)


def dispatch(entry_ids: Iterable[int | None]) -> None:
    """Send these outbox rows after the commit that wrote them; never raises (the rows stay pending on failure)."""
    ids = [int(i) for i in entry_ids if i is not None]
    if not ids:
        return
    config = current_app.config
    schedule = retry_schedule(config["GRADE_SYNC_JOB_RETRIES"], config["GRADE_SYNC_BACKOFF_BASE_SECONDS"],
                              config["GRADE_SYNC_BACKOFF_CAP_SECONDS"])
    size = _batch_size() if jobs.jobs_async() else len(ids)  # inline, one drain sends every batch
    for start in range(0, len(ids), size):
        try:
            jobs.enqueue(send_grades, ids[start:start + size], retry_intervals=schedule)
        except GradesStillPending as waiting:
            log.warning("Grade sync: %s", waiting)
        except Exception:
            db.session.rollback()
            log.exception("Grade sync could not start for outbox rows %s; they stay pending", ids[start:start + size])


def commit_and_dispatch() -> list[int]:
    """The commit point's end: complete the participants the transaction noted (before the commit, so one commit
    holds the activity and its completions), commit once, then send every outbox row the transaction recorded.
    Returns the ids sent. A completion that cannot be evaluated is logged and left to ``grades sync``."""
    try:
        with db.session.begin_nested():
            completion_service.evaluate_noted()
    except Exception:
        log.exception("Completion could not be evaluated; the next 'grades sync' evaluates it")
    db.session.commit()
    ids = outbox.take_recorded()
    dispatch(ids)
    return ids


def drop_recorded() -> None:
    """After a rollback: forget the side effects the transaction recorded; nothing of it is sent."""
    outbox.take_recorded()
    completion_service.forget_noted()


@event.listens_for(Session, "after_soft_rollback")
def _nothing_noted_survives_a_rollback(session: Session, transaction: SessionTransaction) -> None:
    """Whatever rolls the request's transaction back (a refusal, an error page, a failed request), what it noted to
    send or to evaluate after its commit goes with it. A savepoint's rollback leaves the outer transaction's notes."""
    if transaction.parent is None and not transaction.nested:
        for key in (outbox.RECORDED_KEY, completion_service.NOTED_KEY):
            session.info.pop(key, None)


def sync_pending(now: datetime | None = None) -> Counter:
    """Evaluate completion in every cohort that uses it, then send every score due by ``now`` (for the CLI, cron)."""
    new = []
    for cohort in completion_service.cohorts_with_completion():
        new.extend(c.outbox_id for c in completion_service.evaluate_completion(cohort))
    db.session.commit()
    outbox.take_recorded()  # sent with every other due row just below
    counts = send_entries(None, now=now)
    counts["completed"] = len(new)
    return counts
