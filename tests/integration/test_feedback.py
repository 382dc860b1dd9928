"""Two-way feedback: one per partner and round, rounds counted from publishing, read by the partner once given."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.feedback import Feedback
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.services import feedback
from tests.factories_feedback import fields, make_feedback, published_days_ago
from tests.factories_workspace import TODAY, make_running_cohort, seats


def feedback_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Feedback))


def test_no_round_is_due_before_the_first_interval_so_giving_one_is_refused(app):
    mentor, _ = seats(published_days_ago(10))
    with pytest.raises(InvalidInput, match="round 1 is not due yet: it opens on"):
        feedback.give_feedback(mentor, 1, fields(), TODAY)
    assert feedback_count() == 0
    overview = feedback.feedback_overview(mentor, TODAY)
    assert (overview.current, overview.rounds, overview.due_now) == (0, [], False)


def test_a_partner_gives_the_due_round_and_the_other_reads_it_once_given(app):
    mentor, mentee = seats(published_days_ago(31))
    assert feedback.feedback_overview(mentee, TODAY).rounds[0].theirs is None
    given, created = feedback.give_feedback(mentor, 1, fields(working="  Your questions.\r\nReally.  "), TODAY)
    assert created and given.working == "Your questions.\nReally." and given.satisfaction == 4
    seen_by_mentee = feedback.feedback_overview(mentee, TODAY)  # given, but read only once the mentee gives theirs
    assert seen_by_mentee.rounds[0].theirs is None and seen_by_mentee.rounds[0].theirs_waiting and seen_by_mentee.due_now
    seen_by_mentor = feedback.feedback_overview(mentor, TODAY)
    assert seen_by_mentor.rounds[0].mine.id == given.id and not seen_by_mentor.due_now
    feedback.give_feedback(mentee, 1, fields(), TODAY)
    assert feedback.feedback_overview(mentee, TODAY).rounds[0].theirs.id == given.id


def test_a_second_submit_of_a_round_returns_the_feedback_already_given(app):
    mentor, _ = seats(published_days_ago(31))
    first, _ = feedback.give_feedback(mentor, 1, fields(), TODAY)
    again, created = feedback.give_feedback(mentor, 1, fields(working="Something else"), TODAY)
    assert (again.id, created, again.working) == (first.id, False, "We meet on time.")
    assert feedback_count() == 1


def test_the_database_holds_one_feedback_per_partner_and_round(app):
    pair = published_days_ago(31)
    make_feedback(pair, pair.mentor)
    with pytest.raises(IntegrityError):
        make_feedback(pair, pair.mentor)


def test_a_late_round_may_still_be_given_but_a_future_one_may_not(app):
    mentor, _ = seats(published_days_ago(65))
    assert feedback.round_now(mentor.pair, TODAY) == 2
    assert feedback.give_feedback(mentor, 1, fields(), TODAY)[1]
    with pytest.raises(InvalidInput, match="round 3 is not due yet"):
        feedback.give_feedback(mentor, 3, fields(), TODAY)
    with pytest.raises(InvalidInput):
        feedback.give_feedback(mentor, 0, fields(), TODAY)
    assert [r.number for r in feedback.feedback_overview(mentor, TODAY).rounds] == [2, 1]


def test_rounds_follow_the_interval_the_cohort_sets(app):
    pair = published_days_ago(15, make_running_cohort(feedback_interval_days=7))
    assert feedback.round_now(pair, TODAY) == 2
    assert (feedback.due_on(pair, 3) - feedback.published_on(pair)).days == 21


@pytest.mark.parametrize(("bad", "field"), [
    ({"working": "   "}, "working"),
    ({"not_working": ""}, "not_working"),
    ({"change": "x" * 2001}, "change"),
    ({"satisfaction": 6}, "satisfaction"),
    ({"satisfaction": 0}, "satisfaction"),
])
def test_bad_answers_are_refused_naming_the_field_and_nothing_is_written(app, bad, field):
    mentor, _ = seats(published_days_ago(31))
    with pytest.raises(InvalidInput) as refused:
        feedback.give_feedback(mentor, 1, fields(**bad), TODAY)
    assert refused.value.field == field and feedback_count() == 0


def test_an_ended_pair_takes_no_more_feedback(app):
    pair = published_days_ago(31, status=PairStatus.ENDED)
    mentor, _ = seats(pair)
    with pytest.raises(InvalidInput, match="has ended"):
        feedback.give_feedback(mentor, 1, fields(), TODAY)
    assert not feedback.feedback_overview(mentor, TODAY).open


def test_who_gave_this_rounds_feedback_is_read_for_many_pairs_at_once(app):
    first, second, silent = published_days_ago(31), published_days_ago(65), published_days_ago(31)
    make_feedback(first, first.mentor, 1)
    make_feedback(second, second.mentee, 1)  # an earlier round: not this round's
    latest = make_feedback(second, second.mentor, 2)
    found = feedback.round_facts({first.id: 1, second.id: 2, silent.id: 1})
    assert {k: v.authors for k, v in found.items()} == {first.id: {first.mentor.id}, second.id: {second.mentor.id},
                                                        silent.id: set()}
    assert found[second.id].last_given_at == latest.created_at and found[silent.id].last_given_at is None
