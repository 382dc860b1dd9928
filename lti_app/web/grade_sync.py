"""Sending the grade outbox to the LMS by AGS, after the commit that wrote it.

Views call ``dispatch(ids)`` right after their commit: the send job runs inline (embedded default) or on the
RQ queue (``JOBS_ASYNC``), where RQ retries it on the backoff schedule while a score is still pending. Each
outcome is recorded on its row: 2xx → sent; 5xx, a timeout, an unreachable LMS or a 409 (Moodle keeps one
score per second and answers 409 to a second one in the same second) → still pending, tried again later;
any other 4xx → failed, with the platform's message. Scores only go to learners (Moodle answers 400 and Canvas
422 for anyone else): others are marked not sendable. A page never breaks because sending failed: the rows
stay pending and ``flask --app lti_app grades sync`` (or the next retry) sends them.

A job re-reads its rows, so a retried or repeated job never sends a row twice: only pending rows are sent,
one key (person, target, target id) at a time, oldest first, each row locked while it is sent.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from lti_app import jobs
from lti_app.extensions import db, utcnow
from lti_app.lti.errors import LaunchError, PlatformUnavailable
from lti_app.lti.services.ags import Score
from lti_app.lti.services.connector import ServiceError
from lti_app.mentoring.domain.grade_sync import GradeState, refusal_message, retry_schedule
from lti_app.mentoring.models.course import CourseRole, Membership
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import completion as completion_service
from lti_app.mentoring.services import grade_outbox as outbox
from lti_app.web.grade_columns import ColumnUnavailable, ags_client_for, column_for

log = logging.getLogger(__name__)
# Worth another try later: a timeout, a conflict on the timestamp (Moodle's one-second resolution), rate limits.
RETRYABLE_STATUS = frozenset({408, 409, 425, 429})


class GradesStillPending(RuntimeError):
    """Some scores could not be sent yet (the LMS is down or busy): a queued job raises it so RQ retries."""


def _backoff() -> dict[str, int]:
    config = current_app.config
    return {"base": config["GRADE_SYNC_BACKOFF_BASE_SECONDS"], "cap": config["GRADE_SYNC_BACKOFF_CAP_SECONDS"]}


def _not_learner_reason(entry: GradeOutbox) -> str | None:
    role = db.session.scalar(select(Membership.role).where(
        Membership.person_id == entry.person_id, Membership.course_id == entry.course_id))
    if role is CourseRole.LEARNER:
        return None
    who = f"a {role.label.lower()} in" if role else "not a member of"
    return f"{entry.person.display_name} is {who} the course; the LMS takes grades for learners only"


def _send_one(entry: GradeOutbox) -> GradeState:
    """Send one locked pending row and record what happened (flushes)."""
    reason = _not_learner_reason(entry)
    if reason:
        return outbox.mark_not_sendable(entry, reason).state
    try:
        client = ags_client_for(entry.course_id)
        url = column_for(client, entry)
        score = Score(entry.person.subject, entry.activity_progress, entry.grading_progress, entry.score_given,
                      entry.score_maximum, entry.comment)
        client.post_score(url, score, learner=True)
    except PlatformUnavailable as exc:
        outbox.mark_retry(entry, exc.detail, None, **_backoff())
    except ServiceError as exc:
        message = refusal_message(exc.body) or exc.detail
        if exc.status_code in RETRYABLE_STATUS:
            outbox.mark_retry(entry, message, exc.status_code, **_backoff())
        else:
            outbox.mark_failed(entry, message, exc.status_code)
    except (ColumnUnavailable, PermissionError, ValueError, LaunchError) as exc:
        outbox.mark_failed(entry, str(exc), None)
    except Exception as exc:  # an unknown failure must not lose the score: keep it pending, loudly
        log.exception("Sending grade outbox row %s failed unexpectedly", entry.id)
        outbox.mark_retry(entry, f"Unexpected error: {exc}", None, **_backoff())
    else:
        outbox.mark_sent(entry, url)
    return entry.state


def _send_key(key: outbox.Key, due_by: datetime | None, counts: Counter, down: set[int]) -> None:
    """Send a key's pending rows oldest first; stop at the first one that must wait (its successors wait too).

    ``down`` holds the courses whose LMS was unreachable in this run: their other scores wait for the next run
    instead of each waiting for a timeout (a page that sends inline stays quick)."""
    while True:
        entry = outbox.lock_next(key, due_by=due_by)
        if entry is not None and entry.course_id in down:
            counts[GradeState.PENDING.value] += 1
            entry = None
        if entry is None:
            db.session.commit()  # rows superseded on the way; the end of any lock
            return
        try:
            state = _send_one(entry)
        finally:
            db.session.commit()  # the outcome, and the end of the row's lock
        counts[state.value] += 1
        if state is GradeState.PENDING:
            if entry.last_status_code is None:
                down.add(entry.course_id)
            return


def send_entries(entry_ids: Iterable[int], *, due_by: datetime | None = None) -> Counter:
    """Send the pending rows of these rows' keys (only those due by ``due_by`` when given); counts by outcome."""
    counts: Counter = Counter()
    down: set[int] = set()
    for key in outbox.keys_of(list(entry_ids)):
        _send_key(key, due_by, counts, down)
    return counts


@jobs.task
def send_grades(entry_ids: list[int]) -> dict[str, int]:
    """The send job: send these rows (and what waits before them); raise while any stays pending so RQ retries."""
    try:
        counts = send_entries(entry_ids)
    except Exception:
        db.session.rollback()
        raise
    if counts[GradeState.PENDING.value]:
        raise GradesStillPending(f"{counts[GradeState.PENDING.value]} score(s) could not be sent yet; they stay pending")
    return dict(counts)


def dispatch(entry_ids: Iterable[int | None]) -> None:
    """Send these outbox rows after the commit that wrote them; never raises (the rows stay pending on failure)."""
    ids = [int(i) for i in entry_ids if i is not None]
    if not ids:
        return
    config = current_app.config
    schedule = retry_schedule(config["GRADE_SYNC_JOB_RETRIES"], config["GRADE_SYNC_BACKOFF_BASE_SECONDS"],
                              config["GRADE_SYNC_BACKOFF_CAP_SECONDS"])
    try:
        jobs.enqueue(send_grades, ids, retry_intervals=schedule)
    except GradesStillPending as waiting:
        log.warning("Grade sync: %s", waiting)
    except Exception:
        db.session.rollback()
        log.exception("Grade sync could not start for outbox rows %s; they stay pending", ids)


def note_activity(enrolment_ids: Iterable[int]) -> list[int]:
    """After a meeting, goal or reflection was committed: complete those participants who now meet their cohort's
    rules, commit, and send their programme scores. Returns the new outbox ids; never raises."""
    try:
        completions = completion_service.evaluate_for_enrolments(list(enrolment_ids))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Completion could not be evaluated for enrolments %s", list(enrolment_ids))
        return []
    ids = [c.outbox_id for c in completions if c.outbox_id is not None]
    dispatch(ids)
    return ids


def sync_pending(now: datetime | None = None) -> Counter:
    """Evaluate completion in every cohort that uses it, then send every score due by ``now`` (for the CLI, cron)."""
    new = []
    for cohort in completion_service.cohorts_with_completion():
        new.extend(c.outbox_id for c in completion_service.evaluate_completion(cohort))
    db.session.commit()
    due = now or utcnow()
    counts = send_entries(outbox.pending_ids(due), due_by=due)
    counts["completed"] = len(new)
    return counts
