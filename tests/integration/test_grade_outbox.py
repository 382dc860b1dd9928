"""The grade outbox service: rows written with the grade, read back as statuses, handed out in order, retried."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lti_app.extensions import db, utcnow
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.grade_states import GradeState
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import grade_claims as claims
from lti_app.mentoring.services import grade_outbox as outbox
from tests.factories import make_course, make_membership, make_person, make_platform
from tests.queries import counted_queries

BACKOFF = {"base": 30, "cap": 3600}


@pytest.fixture
def course(app):
    return make_course(make_platform())


@pytest.fixture
def person(course):
    person = make_person(_platform(course))
    make_membership(person, course)
    return person


def _platform(course):
    return db.session.get(Platform, course.platform_id)


def score(course, person, target_id=1, **changes) -> GradeOutbox:
    fields = {"course_id": course.id, "person_id": person.id, "target": "reflection", "target_id": target_id,
              "activity_progress": "Completed", "grading_progress": "FullyGraded", "score_given": 8.0,
              "score_maximum": 10.0, "comment": "Good."}
    fields.update(changes)
    return outbox.record_score(**fields)


def test_a_score_is_written_pending_and_due_in_the_callers_transaction(course, person):
    entry = score(course, person)
    assert (entry.state, entry.attempts, entry.sent_at) == (GradeState.PENDING, 0, None)
    assert outbox.pending_ids() == [entry.id]
    db.session.rollback()  # the service flushed but did not commit: the grade's own rollback takes it away
    assert db.session.scalar(db.select(db.func.count(GradeOutbox.id))) == 0


@pytest.mark.parametrize("changes", [
    {"target": "quiz"},
    {"activity_progress": "Done"},
    {"grading_progress": "Graded"},
    {"score_maximum": None},
    {"score_given": -1.0},
])
def test_a_score_that_no_platform_would_take_is_refused(course, person, changes):
    with pytest.raises(InvalidInput):
        score(course, person, **changes)


def test_a_person_without_any_score_reads_as_nothing_sent_yet(course, person):
    statuses = outbox.sync_statuses("reflection", 1, [person.id])
    assert (statuses[person.id].state, statuses[person.id].label) == ("none", "nothing sent yet")


def test_the_status_is_that_of_the_newest_score(course, person):
    first = score(course, person)
    outbox.mark_sent(first, "https://lms.test/lineitems/1")
    second = score(course, person, score_given=9.0)
    outbox.mark_retry(second, "The platform answered 503.", None, **BACKOFF)
    status = outbox.sync_statuses("reflection", 1, [person.id])[person.id]
    assert status.state == "pending"
    assert status.label.startswith("waiting to send (attempt 2, next at ")


def test_the_wait_grows_with_each_failed_attempt_up_to_the_cap(course, person):
    entry = score(course, person)
    waits = []
    for _ in range(9):
        before = utcnow()
        outbox.mark_retry(entry, "down", 503, **BACKOFF, now=before)
        waits.append(int((entry.next_attempt_at - before).total_seconds()))
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert entry.state is GradeState.PENDING and entry.attempts == 9


def test_only_due_scores_are_pending_for_a_resend(course, person):
    due, later = score(course, person, target_id=1), score(course, person, target_id=2)
    outbox.mark_retry(later, "down", 503, **BACKOFF)
    assert outbox.pending_ids() == [due.id]
    assert outbox.pending_ids(utcnow() + timedelta(minutes=1)) == [due.id, later.id]


def claim(now=None, limit=100, of_ids=None):
    ids = claims.claim_due(now or utcnow(), limit=limit, lease_seconds=300, of_ids=of_ids)
    db.session.expire_all()
    return ids


def test_only_the_oldest_pending_score_of_a_person_and_column_is_claimed(course, person):
    first, second = score(course, person), score(course, person, score_given=9.0)
    other = score(course, person, target_id=2)
    assert claim() == [first.id, other.id]
    assert claim() == []  # claimed: not due until the lease ends, and the second still waits behind the first
    assert first.next_attempt_at > utcnow() + timedelta(seconds=290)

    claims.record_outcomes([(first, claims.Outcome("sent", lineitem_url="https://lms.test/lineitems/1"))],
                           now=utcnow(), **BACKOFF)
    assert claim() == [second.id]
    assert (first.state, first.attempts, first.lineitem_url) == (GradeState.SENT, 1, "https://lms.test/lineitems/1")


def test_a_head_that_is_not_due_holds_back_the_scores_after_it(course, person):
    first, second = score(course, person), score(course, person, score_given=9.0)
    outbox.mark_retry(first, "down", 503, **BACKOFF)
    assert claim() == []
    assert claim(utcnow() + timedelta(seconds=31)) == [first.id]  # due: still first


def test_a_claim_can_be_limited_to_the_keys_of_some_rows_and_to_a_batch_size(course, person):
    rows = [score(course, person, target_id=n) for n in range(1, 6)]
    assert claim(of_ids=[rows[3].id]) == [rows[3].id]
    assert claim(limit=2) == [rows[0].id, rows[1].id]


def test_a_pending_score_older_than_a_sent_one_is_loaded_as_overtaken(course, person):
    older, newer = score(course, person), score(course, person, score_given=9.0)
    outbox.mark_sent(newer, "https://lms.test/lineitems/1")
    (claimed,) = claims.load_claimed(claim())
    assert (claimed.entry.id, claimed.overtaken, claimed.person.id) == (older.id, True, person.id)


def test_outcomes_move_each_row_along_in_one_statement(course, person):
    rows = [score(course, person, target_id=n) for n in range(1, 7)]
    now = utcnow()
    later = now + timedelta(seconds=90)
    outcomes = [claims.Outcome("sent", lineitem_url="https://lms.test/lineitems/1"),
                claims.Outcome("retry", "The platform answered 503.", None), claims.Outcome("failed", "Bad score", 400),
                claims.Outcome("not_sendable", "not a learner"), claims.Outcome("deferred", "down", until=later),
                claims.Outcome("released")]
    with counted_queries() as seen:
        claims.record_outcomes(list(zip(rows, outcomes)), now=now, **BACKOFF)
    assert len(seen) == 1
    got = [(r.state, r.attempts, r.next_attempt_at, r.last_status_code) for r in rows]
    assert got == [(GradeState.SENT, 1, now, None), (GradeState.PENDING, 1, now + timedelta(seconds=30), None),
                   (GradeState.FAILED, 1, now, 400), (GradeState.NOT_SENDABLE, 0, now, None),
                   (GradeState.PENDING, 0, later, None), (GradeState.PENDING, 0, now, None)]
    assert [r.last_error for r in rows] == [None, "The platform answered 503.", "Bad score", "not a learner", "down", None]
    assert rows[0].sent_at == now and rows[1].sent_at is None


def test_pending_rows_are_counted_over_the_keys_of_some_rows(course, person):
    first, _second, other = score(course, person), score(course, person, score_given=9.0), score(course, person, target_id=2)
    outbox.mark_sent(first, "https://lms.test/lineitems/1")
    assert claims.pending_in_keys([first.id]) == 1
    assert claims.pending_in_keys([first.id, other.id]) == 2


def test_retry_makes_refused_and_waiting_scores_of_the_course_due_now(course, person):
    refused, waiting, sent = score(course, person, target_id=1), score(course, person, target_id=2), score(course, person, target_id=3)
    outbox.mark_failed(refused, "Incorrect score received", 400)
    outbox.mark_retry(waiting, "down", 503, **BACKOFF)
    outbox.mark_sent(sent, "https://lms.test/lineitems/3")
    assert [e.id for e in outbox.outstanding_in_course(course.id)] == [refused.id, waiting.id]

    assert outbox.retry_entries(course.id) == [refused.id, waiting.id]
    assert refused.state is GradeState.PENDING and outbox.pending_ids() == [refused.id, waiting.id]


def test_retry_of_a_score_of_another_course_is_not_found(course, person):
    entry = score(course, person)
    outbox.mark_failed(entry, "no", 400)
    other = make_course(_platform(course))
    with pytest.raises(NotFound):
        outbox.retry_entries(other.id, [entry.id])
    assert entry.state is GradeState.FAILED


def test_counts_cover_every_state(course, person):
    outbox.mark_failed(score(course, person, target_id=1), "no", 400)
    score(course, person, target_id=2)
    counts = outbox.count_by_state()
    assert counts == {"pending": 1, "sent": 0, "failed": 1, "superseded": 0, "not_sendable": 0}
    assert outbox.count_by_state(course.id + 1)["failed"] == 0
