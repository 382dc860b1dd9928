"""The fit check: once per partner, only after a meeting; help or a new partner flags the pair until handled."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db
from lti_app.mentoring.domain.pair_feedback import FitAnswer
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.feedback import FitCheck
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.services import fit_checks
from tests.factories_feedback import make_fit_check
from tests.factories_workspace import make_meeting, make_pair, seats


def answers() -> int:
    return db.session.scalar(select(func.count()).select_from(FitCheck))


def test_the_fit_check_opens_after_the_first_meeting_and_not_before(app):
    pair = make_pair()
    mentor, _ = seats(pair)
    assert "after your first meeting" in fit_checks.fit_check_state(mentor).refusal
    with pytest.raises(InvalidInput, match="after your first meeting"):
        fit_checks.answer_fit_check(mentor, FitAnswer.GOING_WELL, "")
    assert answers() == 0
    make_meeting(pair)
    assert fit_checks.fit_check_state(mentor).open


def test_each_partner_answers_once_and_a_second_answer_is_refused_writing_nothing(app):
    pair = make_pair()
    make_meeting(pair)
    mentor, mentee = seats(pair)
    found = fit_checks.answer_fit_check(mentor, FitAnswer.WANT_NEW_PARTNER, "  We never agree on a time.  ")
    assert found.comment == "We never agree on a time." and found.is_open_flag
    with pytest.raises(InvalidInput, match="answered the fit check on"):
        fit_checks.answer_fit_check(mentor, FitAnswer.GOING_WELL, "")
    assert fit_checks.fit_check_of(mentor).answer is FitAnswer.WANT_NEW_PARTNER
    assert fit_checks.answer_fit_check(mentee, FitAnswer.GOING_WELL, "").is_open_flag is False
    assert answers() == 2


def test_the_database_holds_one_fit_check_per_partner(app):
    pair = make_pair()
    make_fit_check(pair, pair.mentee)
    with pytest.raises(IntegrityError):
        make_fit_check(pair, pair.mentee, FitAnswer.GOING_WELL)


def test_a_long_comment_or_an_ended_pair_is_refused(app):
    pair = make_pair()
    make_meeting(pair)
    mentor, _ = seats(pair)
    with pytest.raises(InvalidInput) as refused:
        fit_checks.answer_fit_check(mentor, FitAnswer.WANT_HELP, "x" * 1001)
    assert refused.value.field == "comment"
    pair.status = PairStatus.ENDED
    with pytest.raises(InvalidInput, match="has ended"):
        fit_checks.answer_fit_check(mentor, FitAnswer.WANT_HELP, "")
    assert answers() == 0


def test_the_instructor_handles_a_request_and_the_flag_goes_down(app):
    pair, other = make_pair(), make_pair()
    check = make_fit_check(pair, pair.mentee, FitAnswer.WANT_HELP)
    assert [c.id for c in fit_checks.fit_checks_of([pair.id, other.id])[pair.id]] == [check.id]
    fit_checks.handle_fit_check(pair, check.id)
    assert check.handled_at is not None and not check.is_open_flag
    with pytest.raises(NotFound):
        fit_checks.handle_fit_check(other, check.id)
