"""Jobs over a whole cohort run in a fixed number of queries however many people: closing a cohort, and
evaluating completion, whether nobody or everybody newly completes (their scores and completions in one INSERT each)."""
from __future__ import annotations

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.models.completion import Completion
from lti_app.mentoring.models.feedback import FitCheck, PairEnding
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.services import completion, pair_admin
from tests.factories import make_person
from tests.factories_feedback import make_fit_check, published_days_ago
from tests.factories_grades import enable_completion
from tests.factories_workspace import make_meeting, make_running_cohort
from tests.queries import counted_queries


def close_counted(pairs: int) -> tuple[int, int]:
    """(pairs ended, statements) of closing a running cohort of ``pairs`` pairs, each with a flag raised."""
    cohort = make_running_cohort()
    for _ in range(pairs):
        pair = published_days_ago(31, cohort)
        make_fit_check(pair, pair.mentee)
    teacher = make_person(db.session.get(Platform, cohort.course.platform_id))
    db.session.commit()
    with counted_queries() as seen:
        ended = pair_admin.close_cohort(cohort, teacher)
    return len(ended), len(seen)


def test_closing_a_cohort_costs_the_same_queries_for_3_pairs_or_12_and_lowers_every_flag(app):
    few, few_queries = close_counted(3)
    many, many_queries = close_counted(12)
    assert (few, many) == (3, 12) and few_queries == many_queries
    assert db.session.scalar(db.select(db.func.count()).select_from(PairEnding)) == 15
    assert db.session.scalar(db.select(db.func.count()).select_from(FitCheck).where(FitCheck.handled_at.is_(None))) == 0


def evaluate_counted(pairs: int, min_meetings: int = 2) -> int:
    """Statements of evaluating a cohort whose ``pairs`` pairs held one meeting each: with two required nobody
    completes, with one everybody does."""
    cohort = make_running_cohort()
    enable_completion(cohort, min_meetings=min_meetings)
    for _ in range(pairs):
        make_meeting(published_days_ago(31, cohort))
    db.session.commit()
    with counted_queries() as seen:
        completed = completion.evaluate_completion(cohort)
    assert len(completed) == (0 if min_meetings == 2 else 2 * pairs)
    return len(seen)


def test_evaluating_completion_reads_the_same_queries_for_3_pairs_or_12(app):
    assert evaluate_counted(3) == evaluate_counted(12)


def test_completing_everyone_writes_the_same_statements_for_3_pairs_or_12(app):
    assert evaluate_counted(3, min_meetings=1) == evaluate_counted(12, min_meetings=1)
    outbox_ids = db.session.scalars(db.select(Completion.outbox_id)).all()
    assert len(outbox_ids) == 30 and None not in outbox_ids and len(set(outbox_ids)) == 30


def test_a_pair_ended_alone_still_lowers_its_own_flag_only(app):
    cohort = make_running_cohort()
    ending, staying = published_days_ago(31, cohort), published_days_ago(31, cohort)
    make_fit_check(ending, ending.mentee), make_fit_check(staying, staying.mentee)
    pair_admin.end_pair(ending, ending.mentor.person, "They moved abroad.")
    open_flags = db.session.scalars(db.select(FitCheck.pair_id).where(FitCheck.handled_at.is_(None))).all()
    assert ending.status is PairStatus.ENDED and open_flags == [staying.id]
