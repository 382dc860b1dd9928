"""Background runs of the matching: one at a time per cohort, progress committed stage by stage, failures kept."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.errors import IllegalTransition
from lti_app.mentoring.models.matching_run import MatchingRun, RunState
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits, runs as matching_runs
from lti_app.tasks import matching_job as matching_jobs
from tests.factories import make_cohort
from tests.integration.test_matching_services import make_mentee, make_mentor, pairs

HOUR = timedelta(hours=1)


@pytest.fixture
def cohort(app):
    cohort = make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    for _ in range(3):
        make_mentor(cohort), make_mentee(cohort)
    db.session.commit()
    return cohort


def test_a_cohort_over_the_inline_limit_needs_a_background_run(cohort):
    assert matching_runs.active_participants(cohort) == 6
    assert matching_runs.needs_background(cohort, 5) and not matching_runs.needs_background(cohort, 6)


def test_the_job_reports_each_stage_while_nothing_is_pending_then_stores_the_draft(cohort, monkeypatch):
    run = matching_runs.start_run(cohort, None, HOUR)
    db.session.commit()
    seen = []

    def spy(run, percent, stage):
        pending = [o for o in (*db.session.new, *db.session.dirty, *db.session.deleted) if isinstance(o, Pair)]
        seen.append((percent, stage, pending))
        return record(run, percent, stage)

    record = matching_runs.record_progress
    monkeypatch.setattr(matching_runs, "record_progress", spy)
    matching_jobs.run_matching_job(run.id)
    db.session.expire_all()
    done = db.session.get(MatchingRun, run.id)
    assert (done.state, done.progress, done.pairs, done.stage) == (RunState.DONE, 100, 3, "Done")
    assert done.started_at and done.finished_at and len(pairs(cohort)) == 3
    stages = [str(stage) for _, stage, _ in seen]  # a stage with values is a phrase, written out when read
    assert stages[:3] == ["Starting", "Loading the profiles", "Scoring every possible pair, solving the assignment and writing the explanations"]
    assert "Saving the draft (3 pairs)" in stages and all(not pending for _, _, pending in seen)
    assert [p for p, _, _ in seen] == sorted(p for p, _, _ in seen)


def test_only_one_run_per_cohort_at_a_time(cohort):
    matching_runs.start_run(cohort, None, HOUR)
    with pytest.raises(IllegalTransition, match="already running"):
        matching_runs.start_run(cohort, None, HOUR)
    assert db.session.query(MatchingRun).count() == 1


def test_the_database_refuses_a_second_busy_run_of_a_cohort(cohort):
    db.session.add_all([MatchingRun(cohort_id=cohort.id, state=RunState.DONE),
                        MatchingRun(cohort_id=cohort.id, state=RunState.QUEUED)])
    db.session.flush()
    db.session.add(MatchingRun(cohort_id=cohort.id, state=RunState.RUNNING))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_stuck_run_is_marked_failed_and_replaced(cohort):
    stuck = matching_runs.start_run(cohort, None, HOUR)
    fresh = matching_runs.start_run(cohort, None, timedelta(0))
    assert stuck.state is RunState.FAILED and "did not finish" in stuck.error
    assert fresh.state is RunState.QUEUED and fresh.id != stuck.id


def test_while_a_run_is_busy_the_draft_cannot_be_changed_or_published(cohort):
    matching.run_matching(cohort)
    pair = matching.pairs_of(cohort)[0]
    matching_runs.start_run(cohort, None, HOUR)
    for action in (lambda: matching_edits.pin_pair(cohort, pair), lambda: matching.publish_pairs(cohort),
                   lambda: matching.run_matching(cohort)):
        with pytest.raises(IllegalTransition, match="running in the background"):
            action()


def test_a_refused_run_keeps_its_reason_and_a_retry_succeeds(cohort):
    mentor, mentee = make_mentor(cohort, languages=["fr"]), make_mentee(cohort)
    settings = matching.settings_of(cohort)
    matching.save_settings(cohort, dataclasses.replace(settings, pinned={(mentor.id, mentee.id)}))
    failed = matching_runs.start_run(cohort, None, HOUR)
    db.session.commit()
    matching_jobs.run_matching_job(failed.id)
    db.session.expire_all()
    assert failed.state is RunState.FAILED and "pinned pair cannot be kept" in failed.error and pairs(cohort) == set()
    matching.save_settings(cohort, settings)
    retry = matching_runs.start_run(cohort, None, HOUR)
    db.session.commit()
    matching_jobs.run_matching_job(retry.id)
    db.session.expire_all()
    assert retry.state is RunState.DONE and len(pairs(cohort)) == 3


def test_an_unexpected_error_fails_the_run_and_leaves_the_previous_draft_whole(cohort, monkeypatch):
    matching.run_matching(cohort)
    before = pairs(cohort)
    run = matching_runs.start_run(cohort, None, HOUR)
    db.session.commit()

    def crash_half_way(cohort, explained, done):
        db.session.execute(delete(Pair).where(Pair.cohort_id == cohort.id))
        raise RuntimeError("boom")

    monkeypatch.setattr(matching, "_replace_draft", crash_half_way)
    matching_jobs.run_matching_job(run.id)
    db.session.expire_all()
    assert run.state is RunState.FAILED and run.error == matching_jobs.CRASH_MESSAGE
    assert len(before) == 3 and pairs(cohort) == before


def test_a_run_delivered_twice_is_worked_once(cohort):
    run = matching_runs.start_run(cohort, None, HOUR)
    db.session.commit()
    matching_jobs.run_matching_job(run.id)
    assert matching_runs.begin_run(run.id) is None
    assert matching_runs.latest_run(cohort).state is RunState.DONE
