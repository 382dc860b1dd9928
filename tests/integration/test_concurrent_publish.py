"""Two instructors acting on the same cohort at once: exactly one wins (PostgreSQL: row lock + state check).

Publishing round 1, publishing a new round, starting a background run of the matching."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.errors import MentoringError
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.matching_run import MatchingRun
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services import rotation
from lti_app.mentoring.services.matching import pairing as matching, runs as matching_runs
from tests.factories import make_cohort
from tests.integration.test_matching_services import make_mentee, make_mentor


def _race(app, cohort_id: int, action) -> list[str]:
    """Run ``action(cohort)`` in two threads that have both loaded the cohort first; each one's outcome."""
    barrier, outcomes = threading.Barrier(2), []

    def attempt() -> None:
        with app.app_context():
            mine = db.session.get(Cohort, cohort_id)  # both requests have loaded the cohort as it was
            barrier.wait()
            try:
                action(mine)
                db.session.commit()
                outcomes.append("done")
            except MentoringError as refused:
                db.session.rollback()
                outcomes.append(refused.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return outcomes


def _needs_postgresql() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql+psycopg://...): SQLite has no row locks to race on")


def _drafted_cohort():
    """A closed cohort of three mentors and three mentees with its first draft (not committed)."""
    cohort = make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    for _ in range(3):
        make_mentor(cohort), make_mentee(cohort)
    matching.run_matching(cohort)
    return cohort


def test_two_instructors_publishing_at_once_make_one_set_of_active_pairs(app):
    _needs_postgresql()
    cohort = _drafted_cohort()
    db.session.commit()
    outcomes = _race(app, cohort.id, matching.publish_pairs)
    assert len(outcomes) == 2 and outcomes.count("done") == 1
    assert "already published" in next(o for o in outcomes if o != "done")
    active = db.session.scalar(select(func.count()).select_from(Pair).where(Pair.status == PairStatus.ACTIVE))
    assert active == 3 and db.session.get(Cohort, cohort.id).state is CohortState.MATCHED


def test_two_instructors_publishing_the_same_new_round_at_once_publish_it_once(app):
    _needs_postgresql()
    cohort = _drafted_cohort()
    matching.publish_pairs(cohort)
    cohort.state = CohortState.RUNNING
    matching.run_matching(cohort)
    db.session.commit()

    outcomes = _race(app, cohort.id, lambda mine: rotation.publish_round(mine, 2))
    assert sorted(outcomes)[0] == "Round 2 is already published (perhaps by a colleague just now)."
    assert outcomes.count("done") == 1
    rounds = db.session.execute(select(Pair.round, Pair.status, func.count()).where(Pair.cohort_id == cohort.id)
                                .group_by(Pair.round, Pair.status)).all()
    assert sorted(rounds) == [(1, PairStatus.ENDED, 3), (2, PairStatus.ACTIVE, 3)]


def test_two_instructors_starting_a_background_run_at_once_start_one(app):
    _needs_postgresql()
    cohort = make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    make_mentor(cohort), make_mentee(cohort)
    db.session.commit()

    outcomes = _race(app, cohort.id, lambda mine: matching_runs.start_run(mine, None, timedelta(hours=1)))
    assert outcomes.count("done") == 1 and any("already running" in o for o in outcomes)
    assert db.session.scalar(select(func.count()).select_from(MatchingRun)) == 1
