"""Background runs of a big cohort's matching: when to use one, start it (one at a time), record how it goes.

A cohort with more active participants than the installation's inline limit is matched by a job (the web layer
queues it): ``start_run`` writes a queued ``MatchingRun``, the job calls ``begin_run``, then ``matching.run_matching``
with a progress callback that ``record_progress``-es each stage, then ``finish_run`` or ``fail_run``. A failed run
keeps its error for the page and is retried by starting a new one. Every function flushes, none commits.

A run's stage and error are read later, by instructors who may read other languages: the stage is kept as its English
msgid (or, with values, as a phrase's JSON), the error as the message it was given; ``stage_text`` and ``error_text``
write them in the reader's language.
"""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.matching import words
from lti_app.mentoring.domain.matching.words import Phrase
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.texts import N_, _
from lti_app.mentoring.errors import IllegalTransition
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.matching_run import MatchingRun, RunState
from lti_app.mentoring.services.matching.pairing import check_drafting
from lti_app.mentoring.services.matching.guards import busy_run, lock_cohort

STALE_MESSAGE = N_("This run did not finish in time (the worker may have stopped); it was replaced by a new run.")
STARTING, DONE, FAILED = N_("Starting"), N_("Done"), N_("Failed")
WAITING = N_("Waiting for a worker")  # the stage a queued run starts with (the model's default)


def active_participants(cohort: Cohort) -> int:
    """How many people the matching of this cohort works on (enrolled, not withdrawn)."""
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED))


def needs_background(cohort: Cohort, inline_limit: int) -> bool:
    """True when the cohort is too big to match within a page request."""
    return active_participants(cohort) > inline_limit


def latest_run(cohort: Cohort) -> MatchingRun | None:
    """The cohort's most recent background run, if it ever had one."""
    return db.session.scalar(select(MatchingRun).where(MatchingRun.cohort_id == cohort.id)
                             .order_by(MatchingRun.id.desc()).limit(1))


def start_run(cohort: Cohort, person_id: int | None, stale_after: timedelta) -> MatchingRun:
    """Queue a run of the cohort's matching, under the row lock: refused while another one is queued or running,
    unless that one has been at it longer than ``stale_after`` (it is then marked failed). Flushes."""
    locked = lock_cohort(cohort)
    if (busy := busy_run(locked)) is not None:
        if utcnow() - (busy.started_at or busy.created_at) < stale_after:
            raise IllegalTransition(_("The matching of this cohort is already running (perhaps a colleague started "
                                      "it): wait until it has finished."))
        fail_run(busy, STALE_MESSAGE)
    check_drafting(locked)
    run = MatchingRun(cohort_id=locked.id, requested_by_id=person_id)
    db.session.add(run)
    db.session.flush()
    return run


def begin_run(run_id: int) -> MatchingRun | None:
    """Mark the queued run ``run_id`` running; None when it is not queued (already taken, or replaced). Flushes."""
    run = db.session.get(MatchingRun, run_id)
    if run is None or run.state is not RunState.QUEUED:
        return None
    run.state, run.started_at = RunState.RUNNING, utcnow()
    record_progress(run, 5, STARTING)
    return run


def record_progress(run: MatchingRun, percent: int, stage: str | Phrase) -> MatchingRun:
    """How far the run is (0-100, never backwards) and what it is doing (a msgid, or a phrase: kept
    language-neutral). Flushes."""
    kept = stage if isinstance(stage, str) else json.dumps(words.to_json(stage), ensure_ascii=False)
    run.progress, run.stage = max(run.progress, min(max(percent, 0), 100)), kept[:200]
    db.session.flush()
    return run


def finish_run(run: MatchingRun, pairs: int) -> MatchingRun:
    """The run has stored its draft of ``pairs`` pairs. Flushes."""
    run.state, run.finished_at, run.pairs = RunState.DONE, utcnow(), pairs
    return record_progress(run, 100, DONE)


def fail_run(run: MatchingRun, error: str) -> MatchingRun:
    """The run stopped with ``error`` (shown to the instructor, who may run the matching again). Flushes."""
    run.state, run.finished_at, run.error = RunState.FAILED, utcnow(), error
    run.stage = FAILED
    db.session.flush()
    return run


def stage_text(run: MatchingRun) -> str:
    """What the run is doing, in the reader's language."""
    stage = run.stage or ""
    if stage.startswith("{"):
        try:
            return words.stored_text(json.loads(stage))
        except (ValueError, KeyError, TypeError):
            return stage
    return _(stage) if stage else stage


def error_text(run: MatchingRun) -> str | None:
    """Why the run failed, in the reader's language when it is one of the messages kept as msgids (a refusal made
    in the worker reads as the worker wrote it)."""
    return _(run.error) if run.error else run.error
