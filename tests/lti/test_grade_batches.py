"""Grade sync in batches: the backoff holds through an outage (a clock the test moves, nothing sleeps), a batch costs
the same queries at 5 and 20 rows over one HTTP session and one token, and two workers draining at once send every
row exactly once (PostgreSQL, or a SQLite file: the in-memory database has a single connection to race on)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.tasks import jobs
from lti_app.extensions import db
from lti_app.lti.services import platform_client
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import grade_outbox as outbox
from lti_app.tasks import grades as grade_sync
from tests.conftest import file_database, fresh_app
from tests.factories import make_cohort
from tests.factories_grades import Clock, Outage, gradebook_course, lms_person
from tests.factories_reflections import make_assignment
from tests.markers import REDIS_URL, needs_redis
from tests.queries import counted_queries
from tests.sqlite_lock import write_elsewhere
from tests.threads import run_together


@pytest.fixture
def app(request, tmp_path):
    """The suite's app on a SQLite file (one connection per thread) unless DATABASE_URL is set."""
    yield from fresh_app(request, file_database(tmp_path))


@pytest.fixture
def course(platform):
    return gradebook_course(platform)


@pytest.fixture
def learners(platform, course):
    return [lms_person(platform, course, person.sub) for person in platform.learners]


@pytest.fixture
def assignments(course):
    cohort = make_cohort(course)
    return [make_assignment(cohort, title=f"Reflection {n}", points=10) for n in (1, 2)]


def record(course, person, assignment, progress="Completed", score=8.0) -> GradeOutbox:
    graded = progress == "Completed"
    return outbox.record_score(course_id=course.id, person_id=person.id, target="reflection", target_id=assignment.id,
                               activity_progress=progress, grading_progress="FullyGraded" if graded else "PendingManual",
                               score_given=score if graded else None, score_maximum=assignment.points if graded else None)


def states() -> dict[str, int]:
    db.session.expire_all()
    return {state.value: n for state, n in db.session.execute(
        select(GradeOutbox.state, func.count()).group_by(GradeOutbox.state))}


def warm_columns(course, learners, assignments) -> None:
    """One score per column sent first: the columns exist and the token is cached, as in a course under way."""
    for assignment in assignments:
        record(course, learners[0], assignment)
    db.session.commit()
    grade_sync.send_entries(None)
    assert states() == {"sent": len(assignments)}


@pytest.mark.parametrize("refused", [False, True], ids=["503", "connection refused"])
def test_during_an_outage_rows_wait_30_60_120_seconds_then_all_go_once_in_order(
        platform, course, learners, assignments, monkeypatch, refused):
    clock = Clock(monkeypatch)
    start = clock.now
    outage = Outage(platform, monkeypatch, clock, until=start + timedelta(seconds=200), refused=refused)
    people, assignment = learners[:4], assignments[0]
    ids = [record(course, p, assignment, progress).id for p in people for progress in ("Submitted", "Completed")]
    db.session.commit()
    grade_sync.dispatch(ids)  # after the commit: the LMS is down

    later = None
    for second in range(5, 400, 5):  # cron every five seconds, and a newer score half-way through the outage
        clock.advance(5)
        if second == 45:
            later = record(course, people[0], assignment, score=9.5)
            db.session.commit()
            grade_sync.dispatch([later.id])
        grade_sync.send_entries(None)

    tried_at = sorted({int((moment - start).total_seconds()) for moment, _ in outage.attempts})
    assert tried_at == [0, 30, 90, 210]  # one probe per backoff step, nothing in between
    assert len(outage.attempts) == 3 + 9  # three probes in the outage, then each row once
    assert states() == {"sent": 9}
    for person in people:
        sent = [(s["activityProgress"], s.get("scoreGiven")) for s in platform.scores if s["userId"] == person.subject]
        expected = [("Submitted", None), ("Completed", 8.0)] + ([("Completed", 9.5)] if person is people[0] else [])
        assert sent == expected
    assert db.session.get(GradeOutbox, later.id).attempts == 1


def test_a_retry_of_the_job_before_the_backoff_is_over_sends_nothing_and_stays_queued(
        platform, course, learners, assignments, monkeypatch):
    clock = Clock(monkeypatch)
    outage = Outage(platform, monkeypatch, clock, until=clock.now + timedelta(seconds=10))
    entry = record(course, learners[0], assignments[0])
    db.session.commit()
    with pytest.raises(grade_sync.GradesStillPending):
        grade_sync.send_grades([entry.id])
    clock.advance(20)  # the LMS is back, but the row waits 30 s: a retry that fires early must not send it
    with pytest.raises(grade_sync.GradesStillPending):
        grade_sync.send_grades([entry.id])
    assert len(outage.attempts) == 1
    clock.advance(10)
    assert grade_sync.send_grades([entry.id]) == {"sent": 1}
    assert len(outage.attempts) == 2 and len(platform.scores) == 1


def test_a_batch_costs_the_same_queries_at_5_and_20_rows_over_one_session_and_one_token(
        platform, course, learners, assignments, monkeypatch):
    warm_columns(course, learners, assignments)
    sessions = []
    real_make_session = platform_client.make_session
    monkeypatch.setattr(platform_client, "make_session", lambda *a: sessions.append(a) or real_make_session(*a))
    token_requests = len(platform.token_requests)

    def drain(rows: list[tuple]) -> int:
        for person, assignment in rows:
            record(course, person, assignment)
        db.session.commit()
        db.session.expire_all()
        with counted_queries() as seen:
            counts = grade_sync.send_entries(None)
        assert counts == {"sent": len(rows)}
        return len(seen)

    five = drain([(p, assignments[0]) for p in learners[:5]])
    twenty = drain([(p, a) for p in learners[:10] for a in assignments])
    assert five == twenty, f"{five} statements for 5 rows, {twenty} for 20"
    assert len(sessions) == 2  # one HTTP session per drain (one platform), not one per row
    assert len(platform.token_requests) == token_requests  # the cached token served every row
    assert states() == {"sent": 27}


def test_a_batch_is_claimed_sent_and_recorded_a_batch_size_at_a_time(platform, course, learners, assignments, app):
    app.config["GRADE_SYNC_BATCH_SIZE"] = 4
    for person in learners:
        record(course, person, assignments[0])
    db.session.commit()
    with counted_queries() as seen:
        assert grade_sync.send_entries(None) == {"sent": 10}
    claims = [s for s in seen.seen if s.lstrip().upper().startswith("WITH HEADS")]
    assert len(claims) == 4  # 4 + 4 + 2 rows, then a claim that finds nothing


def test_two_workers_draining_at_once_send_every_row_exactly_once(app, platform, course, learners, assignments):
    warm_columns(course, learners, assignments)
    app.config["GRADE_SYNC_BATCH_SIZE"] = 3  # many small batches, so the two workers interleave
    for person in learners:
        for assignment in assignments:
            record(course, person, assignment, progress="Submitted")
            record(course, person, assignment)
    db.session.commit()
    sent_before = len(platform.scores)
    counts, failures = run_together(app, lambda: grade_sync.send_entries(None)["sent"])

    assert failures == []
    assert len(counts) == 2 and sum(counts) == 40 and states() == {"sent": 42}  # (split about evenly between them)
    posted = platform.scores[sent_before:]
    assert len(posted) == 40
    for person in learners:
        mine = [s["activityProgress"] for s in posted if s["userId"] == person.subject]
        assert mine.count("Submitted") == 2 and mine.count("Completed") == 2
    for entry in db.session.scalars(select(GradeOutbox)):
        assert entry.attempts == 1
    for assignment in assignments:  # each column ends with the newer score: the older one never overtook it
        item_id = assignment.lineitem_url.rsplit("/", 1)[1]
        assert {platform.results[item_id][p.subject]["gradingProgress"] for p in learners} == {"FullyGraded"}


@needs_redis
def test_a_queued_dispatch_makes_one_job_per_batch_and_the_worker_sends_each_row_once(
        app, platform, course, learners, assignments, cli):
    app.config.update(JOBS_ASYNC=True, REDIS_URL=REDIS_URL, GRADE_SYNC_BATCH_SIZE=4,
                      JOBS_QUEUE=f"rementor-test-{uuid.uuid4().hex[:8]}")
    ids = [record(course, person, assignments[0]).id for person in learners]
    db.session.commit()
    grade_sync.dispatch(ids)
    queue = jobs.queue(app)
    assert queue.count == 3  # 4 + 4 + 2 rows, not one job per row

    result = cli("worker", "--burst")
    assert result.exit_code == 0, result.output
    assert states() == {"sent": 10} and len(platform.scores) == 10
    queue.delete(delete_jobs=True)


@needs_redis
def test_queued_jobs_of_one_score_each_are_drained_by_the_first_in_one_batch(
        app, platform, course, learners, assignments, cli, monkeypatch):
    app.config.update(JOBS_ASYNC=True, REDIS_URL=REDIS_URL, JOBS_QUEUE=f"rementor-test-{uuid.uuid4().hex[:8]}")
    for person in learners:  # ten pages, each grading one reflection
        entry_id = record(course, person, assignments[0]).id  # as a page does: reading it after the commit would
        db.session.commit()  # begin a transaction that, outside a request, holds SQLite's write lock against the worker
        grade_sync.dispatch([entry_id])
    queue = jobs.queue(app)
    assert queue.count == 10
    sessions = []
    real_make_session = platform_client.make_session
    monkeypatch.setattr(platform_client, "make_session", lambda *a: sessions.append(a) or real_make_session(*a))

    result = cli("worker", "--burst")
    assert result.exit_code == 0, result.output
    assert states() == {"sent": 10} and len(platform.scores) == 10
    assert len(sessions) == 1  # the first job sent all ten over one session; the nine after it had nothing left
    queue.delete(delete_jobs=True)


def test_while_scores_are_on_their_way_to_the_lms_other_writers_do_not_wait(platform, course, learners, assignments,
                                                                            monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: its write lock covers the whole database; PostgreSQL locks rows")
    warm_columns(course, learners, assignments)
    for person in learners[:3]:
        record(course, person, assignments[0])
    db.session.commit()
    written, answer = [], platform.handle

    def slow_lms(method, url, headers, body):
        if url.endswith("/scores"):  # while the LMS takes its time, a launch elsewhere writes (and may wait 0.2 s)
            written.append(write_elsewhere(learners[-1].id))
        return answer(method, url, headers, body)

    monkeypatch.setattr(platform, "handle", slow_lms)
    assert grade_sync.send_entries(None) == {"sent": 3}
    assert written == [True, True, True]
