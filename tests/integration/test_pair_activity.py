"""The shared activity facts of pairs: counts, dates, cadence and goals, in a fixed number of queries."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.workspace import ProgressFrom
from lti_app.mentoring.services.pair_activity import (
    activity_of_pairs, goals_rerated_by_enrolment, meetings_held_by_enrolment,
)
from tests.factories_workspace import (
    TODAY, at_midnight, make_agreement, make_goal, make_meeting, make_pair, make_running_cohort, make_task,
)


@contextmanager
def counted_queries():
    """Count the SQL statements the engine runs inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def busy_pairs(n: int):
    """``n`` pairs spread over two cohorts, each with an agreement, a goal with tasks, a meeting and a milestone."""
    cohorts = [make_running_cohort(), make_running_cohort()]
    pairs = []
    for i in range(n):
        pair = make_pair(cohorts[i % 2])
        make_agreement(pair, signed=bool(i % 2))
        goal = make_goal(pair)
        make_task(pair, goal_id=goal.id, done=True)
        make_task(pair)
        make_meeting(pair)
        pairs.append(pair)
    db.session.commit()
    return pairs


def reloaded(ids):
    """The pairs as a page would have them: loaded by one query."""
    return db.session.scalars(select(Pair).where(Pair.id.in_(ids)).order_by(Pair.id)).all()


def test_a_quiet_pair_is_due_a_meeting_one_cadence_after_the_start_and_is_overdue_after_it(app):
    pair = make_pair()
    db.session.commit()
    found = activity_of_pairs([pair], TODAY)[pair.id]
    assert (found.agreement_signed, found.meetings_held, found.last_meeting_on) == (False, 0, None)
    assert found.next_meeting_due == pair.cohort.starts_on + timedelta(days=14)
    assert found.overdue is True and found.expected_meetings == 2  # 30 days in, every 14 days
    assert (found.tasks_total, found.goals_total, found.last_activity_at) == (0, 0, None)


def test_an_active_pair_counts_its_meetings_tasks_and_goals(app):
    pair = make_pair()
    make_agreement(pair, cadence_days=7)
    make_meeting(pair, held_on=TODAY - timedelta(days=20))
    make_meeting(pair, held_on=TODAY - timedelta(days=2))
    by_tasks = make_goal(pair)
    make_task(pair, goal_id=by_tasks.id, done=True)
    make_task(pair, goal_id=by_tasks.id, done=True)
    make_task(pair)
    make_goal(pair, progress_from=ProgressFrom.RATING, current_rating=3)  # half way from 2 to 4
    make_goal(pair, end_rating_owner=3, end_rating_partner=3)
    db.session.commit()
    found = activity_of_pairs([pair], TODAY)[pair.id]
    assert found.agreement_signed and found.cadence_days == 7
    assert (found.meetings_held, found.last_meeting_on) == (2, TODAY - timedelta(days=2))
    assert (found.next_meeting_due, found.overdue) == (TODAY + timedelta(days=5), False)
    assert (found.tasks_done, found.tasks_total) == (2, 3)
    assert (found.goals_total, found.goals_done, found.goals_rerated) == (3, 2, 1)
    assert found.last_activity_at is not None and found.last_activity_at > utcnow() - timedelta(minutes=5)


def test_an_unsigned_agreement_is_not_signed_and_an_ended_pair_is_never_overdue(app):
    pair = make_pair(status=PairStatus.ENDED, ended_at=at_midnight(TODAY - timedelta(days=1)))
    make_agreement(pair, signed=False, mentor_signed_at=utcnow())
    db.session.commit()
    found = activity_of_pairs([pair], TODAY)[pair.id]
    assert found.agreement_signed is False
    assert (found.next_meeting_due, found.overdue) == (None, False)


def test_activity_of_no_pairs_is_empty_without_a_query(app):
    with counted_queries() as statements:
        assert activity_of_pairs([], TODAY) == {}
    assert statements == []


def test_thirty_pairs_cost_the_same_number_of_queries_as_three(app):
    few_ids, many_ids = [p.id for p in busy_pairs(3)], [p.id for p in busy_pairs(30)]
    db.session.expunge_all()
    few, many = reloaded(few_ids), reloaded(many_ids)
    with counted_queries() as for_few:
        small = activity_of_pairs(few, TODAY)
    with counted_queries() as for_many:
        large = activity_of_pairs(many, TODAY)
    assert len(small) == 3 and len(large) == 30
    assert all((a.meetings_held, a.tasks_done, a.tasks_total, a.goals_done) == (1, 1, 2, 1) for a in large.values())
    assert len(for_many) == len(for_few) <= 6


def test_meetings_held_add_up_over_a_persons_pairs_and_count_zero_for_others(app):
    cohort = make_running_cohort()
    first = make_pair(cohort)
    second = make_pair(cohort, mentor=first.mentor)
    for _ in range(2):
        make_meeting(first)
    make_meeting(second, logged_by_enrolment_id=second.mentee_enrolment_id)
    draft = make_pair(cohort, status=PairStatus.PROPOSED, published_at=None)
    make_meeting(draft)  # cannot happen through the pages; a draft never counts
    db.session.commit()
    held = meetings_held_by_enrolment([first.mentor_enrolment_id, first.mentee_enrolment_id, second.mentee_enrolment_id,
                                       draft.mentee_enrolment_id])
    assert held == {first.mentor_enrolment_id: 3, first.mentee_enrolment_id: 2, second.mentee_enrolment_id: 1,
                    draft.mentee_enrolment_id: 0}


@pytest.mark.parametrize(("ratings", "expected"), [
    ([], False), ([(4, 4)], True), ([(4, 4), (4, None)], False), ([(None, 3)], False),
])
def test_goals_are_re_rated_when_every_goal_of_the_persons_pairs_has_both_end_ratings(app, ratings, expected):
    pair = make_pair()
    for owner, partner in ratings:
        make_goal(pair, end_rating_owner=owner, end_rating_partner=partner)
    db.session.commit()
    answer = goals_rerated_by_enrolment([pair.mentor_enrolment_id, pair.mentee_enrolment_id])
    assert answer == {pair.mentor_enrolment_id: expected, pair.mentee_enrolment_id: expected}
