"""Self-select on a real database: mentees request mentors who fit, mentors accept or decline, pairs join the draft."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.domain.profile_fields import CareerStage
from lti_app.mentoring.errors import IllegalTransition, InvalidInput, NotFound
from lti_app.mentoring.models.matching_choice import MentorRequest, RequestStatus
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services import self_select, self_select_answers
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits
from tests.factories_matching_modes import make_mentee, make_mentor, mode_cohort, set_mode


@pytest.fixture
def cohort(app):
    return mode_cohort(MatchMode.SELF_SELECT)


def draft(cohort):
    return {(p.mentor_enrolment_id, p.mentee_enrolment_id): p for p in matching.pairs_of(cohort, PairStatus.PROPOSED)}


def test_a_mentee_is_offered_the_mentors_that_pass_the_rules_best_fit_first_in_their_own_words(cohort):
    good = make_mentor(cohort, offered={"ai_tools": 5, "social_media_strategy": 4})
    fair = make_mentor(cohort, offered={"ai_tools": 2})
    too_senior = make_mentor(cohort, career_stage=CareerStage.EXECUTIVE, experience_years=40.0)
    mentee = make_mentee(cohort, wanted={"ai_tools": 1, "social_media_strategy": 1})
    choices = self_select.mentee_choices(cohort, mentee)
    assert [o.mentor_id for o in choices.offers] == [good.id, fair.id]
    assert too_senior.id not in {o.mentor_id for o in choices.offers} and choices.places_left == 1
    assert choices.offers[0].name == good.person.display_name
    assert any("you" in s.lower() for s in choices.offers[0].sentences)


def test_an_accepted_request_becomes_a_pinned_proposed_pair_with_score_explanation_and_pin(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, mentor.id, "  Hello, I would like to learn AI tools.  ")
    assert request.status is RequestStatus.REQUESTED and request.message == "Hello, I would like to learn AI tools."
    self_select_answers.accept_request(cohort, mentor, request.id, request.version)
    pair = draft(cohort)[(mentor.id, mentee.id)]
    assert pair.pinned and pair.score > 0 and pair.explanation and "sentence" in pair.explanation[0]
    assert (mentor.id, mentee.id) in matching.settings_of(cohort).pinned
    assert request.status is RequestStatus.ACCEPTED and request.answered_at is not None


def test_the_engine_run_for_the_rest_keeps_accepted_pairs_and_publishing_activates_them(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    e1, e2 = make_mentee(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, e1, m2.id)
    self_select_answers.accept_request(cohort, m2, request.id)
    matching.run_matching(cohort)
    assert set(draft(cohort)) == {(m2.id, e1.id), (m1.id, e2.id)} and draft(cohort)[(m2.id, e1.id)].pinned
    matching.publish_pairs(cohort)
    assert {p.status for p in matching.pairs_of(cohort)} == {PairStatus.ACTIVE}


def test_submitting_the_same_request_twice_keeps_one_request(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    first = self_select.request_mentor(cohort, mentee, mentor.id, "hi")
    second = self_select.request_mentor(cohort, mentee, mentor.id, "hi")
    assert first is second and db.session.scalar(select(func.count()).select_from(MentorRequest)) == 1


def test_accepting_twice_makes_one_pair_and_a_late_decline_is_refused(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, mentor.id)
    version = request.version
    self_select_answers.accept_request(cohort, mentor, request.id, version)
    assert self_select_answers.accept_request(cohort, mentor, request.id, version) is request
    assert db.session.scalar(select(func.count()).select_from(Pair)) == 1
    with pytest.raises(InvalidInput, match="already accepted"):
        self_select_answers.decline_request(cohort, mentor, request.id, request.version)


def test_a_mentee_has_one_open_request_at_a_time_and_may_ask_again_after_withdrawing(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    mentee = make_mentee(cohort)
    first = self_select.request_mentor(cohort, mentee, m1.id)
    with pytest.raises(InvalidInput, match=f"already asked {m1.person.display_name}"):
        self_select.request_mentor(cohort, mentee, m2.id)
    self_select.withdraw_request(cohort, mentee, first.id)
    assert self_select.withdraw_request(cohort, mentee, first.id).status is RequestStatus.WITHDRAWN  # twice: harmless
    second = self_select.request_mentor(cohort, mentee, m2.id)
    self_select.withdraw_request(cohort, mentee, second.id)
    again = self_select.request_mentor(cohort, mentee, m1.id, "second try")
    assert again.id == first.id and again.is_open and again.message == "second try"


def test_a_declined_request_cannot_be_made_again_but_another_mentor_can_be_asked(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    mentee = make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, m1.id)
    self_select_answers.decline_request(cohort, m1, request.id, request.version)
    with pytest.raises(InvalidInput, match="declined your request"):
        self_select.request_mentor(cohort, mentee, m1.id)
    assert self_select.request_mentor(cohort, mentee, m2.id).is_open


def test_a_mentee_with_their_mentor_is_offered_nobody_and_cannot_ask_again(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    mentee = make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, m1.id)
    self_select_answers.accept_request(cohort, m1, request.id)
    choices = self_select.mentee_choices(cohort, mentee)
    assert choices.places_left == 0 and choices.offers == []
    with pytest.raises(InvalidInput, match="as many mentors as this cohort allows"):
        self_select.request_mentor(cohort, mentee, m2.id)


def test_a_full_mentor_is_no_longer_offered_and_their_other_open_requests_are_declined_with_a_note(cohort):
    mentor = make_mentor(cohort)  # one place
    e1, e2, e3 = make_mentee(cohort), make_mentee(cohort), make_mentee(cohort)
    r1, r2 = self_select.request_mentor(cohort, e1, mentor.id), self_select.request_mentor(cohort, e2, mentor.id)
    self_select_answers.accept_request(cohort, mentor, r1.id)
    assert r2.status is RequestStatus.DECLINED and r2.note == self_select_answers.FULL_NOTE
    assert self_select.mentee_choices(cohort, e3).offers == []
    with pytest.raises(InvalidInput, match="not available"):
        self_select.request_mentor(cohort, e3, mentor.id)
    assert self_select_answers.mentor_inbox(cohort, mentor).places_left == 0


def test_a_mentor_whose_places_are_pinned_cannot_accept_more(cohort):
    mentor = make_mentor(cohort, capacity=2)
    e1, e2, e3 = make_mentee(cohort), make_mentee(cohort), make_mentee(cohort)
    r1 = self_select.request_mentor(cohort, e1, mentor.id)
    matching_edits.pair_by_hand(cohort, mentor, e2)
    matching_edits.pair_by_hand(cohort, mentor, e3)  # the instructor fills both places
    with pytest.raises(InvalidInput, match="All your places are taken"):
        self_select_answers.accept_request(cohort, mentor, r1.id, r1.version)
    assert r1.is_open and (mentor.id, e1.id) not in draft(cohort)


def test_a_mentor_with_two_places_accepts_two_and_an_acceptance_replaces_an_unpinned_engine_pair(cohort):
    mentor = make_mentor(cohort, capacity=2)
    e1, e2 = make_mentee(cohort), make_mentee(cohort)
    other = make_mentor(cohort)
    matching.run_matching(cohort)  # an unpinned proposal for everyone
    for mentee in (e1, e2):
        request = self_select.request_mentor(cohort, mentee, mentor.id)
        self_select_answers.accept_request(cohort, mentor, request.id)
    assert set(draft(cohort)) == {(mentor.id, e1.id), (mentor.id, e2.id)}
    assert all(p.pinned for p in draft(cohort).values()) and other.id not in {m for m, _ in draft(cohort)}


def test_accepting_a_withdrawn_request_is_refused_with_a_clear_message_and_nothing_is_paired(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, mentor.id)
    seen = request.version
    self_select.withdraw_request(cohort, mentee, request.id)
    with pytest.raises(InvalidInput, match="withdrew this request before you answered"):
        self_select_answers.accept_request(cohort, mentor, request.id, seen)
    assert draft(cohort) == {}


def test_an_answer_from_a_page_read_before_the_request_changed_is_refused(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, mentor.id, "first")
    seen = request.version
    self_select.withdraw_request(cohort, mentee, request.id)
    self_select.request_mentor(cohort, mentee, mentor.id, "second")
    with pytest.raises(InvalidInput, match="changed since you opened the page"):
        self_select_answers.decline_request(cohort, mentor, request.id, seen)
    assert request.is_open


def test_withdrawing_an_answered_request_is_refused(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, mentor.id)
    self_select_answers.decline_request(cohort, mentor, request.id)
    with pytest.raises(InvalidInput, match="already answered"):
        self_select.withdraw_request(cohort, mentee, request.id)


def test_another_cohorts_request_or_someone_elses_is_not_found(cohort):
    mentor, other_mentor, mentee = make_mentor(cohort), make_mentor(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, mentor.id)
    elsewhere = mode_cohort(MatchMode.SELF_SELECT)
    with pytest.raises(NotFound):
        self_select_answers.accept_request(cohort, other_mentor, request.id)
    with pytest.raises(NotFound):
        self_select.withdraw_request(elsewhere, mentee, request.id)
    with pytest.raises(NotFound):
        self_select.withdraw_request(cohort, make_mentee(cohort), request.id)
    assert request.is_open


def test_each_side_only_reaches_its_own_page(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    with pytest.raises(InvalidInput, match="for mentees"):
        self_select.mentee_choices(cohort, mentor)
    with pytest.raises(InvalidInput, match="for mentors"):
        self_select_answers.mentor_inbox(cohort, mentee)


def test_choosing_needs_the_self_select_mode_and_closed_enrolment(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    set_mode(cohort, MatchMode.OPTIMAL)
    with pytest.raises(IllegalTransition, match="made by the matching engine"):
        self_select.request_mentor(cohort, mentee, mentor.id)
    set_mode(cohort, MatchMode.SELF_SELECT)
    cohort.state = CohortState.ENROLMENT_OPEN
    with pytest.raises(IllegalTransition, match="when enrolment has closed"):
        self_select.mentee_choices(cohort, mentee)
    cohort.state = CohortState.MATCHED
    with pytest.raises(IllegalTransition, match="published"):
        self_select_answers.mentor_inbox(cohort, mentor)


def test_a_forbidden_pair_is_neither_offered_nor_requested(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    set_mode(cohort, MatchMode.SELF_SELECT, forbidden={(mentor.id, mentee.id)})
    assert self_select.mentee_choices(cohort, mentee).offers == []
    with pytest.raises(InvalidInput, match="not available"):
        self_select.request_mentor(cohort, mentee, mentor.id)


def test_a_message_too_long_is_refused_next_to_its_field(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    with pytest.raises(InvalidInput) as refused:
        self_select.request_mentor(cohort, mentee, mentor.id, "x" * 501)
    assert refused.value.field == "message" and db.session.scalar(select(func.count()).select_from(MentorRequest)) == 0


@pytest.mark.parametrize("first, second, second_to_same_mentor", [
    (RequestStatus.DECLINED, RequestStatus.REQUESTED, True),  # one request per mentee and mentor
    (RequestStatus.REQUESTED, RequestStatus.REQUESTED, False),  # one open request per mentee
])
def test_the_database_refuses_a_second_request_where_the_rules_allow_one(cohort, first, second, second_to_same_mentor):
    m1, m2, mentee = make_mentor(cohort), make_mentor(cohort), make_mentee(cohort)
    db.session.add(MentorRequest(cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=m1.id,
                                 status=first))
    db.session.flush()
    mentor = m1 if second_to_same_mentor else m2
    db.session.add(MentorRequest(cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor.id,
                                 status=second))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_the_database_allows_closed_requests_to_several_mentors_beside_one_open_request(cohort):
    mentors, mentee = [make_mentor(cohort) for _ in range(3)], make_mentee(cohort)
    for mentor, status in zip(mentors, (RequestStatus.DECLINED, RequestStatus.WITHDRAWN, RequestStatus.REQUESTED)):
        db.session.add(MentorRequest(cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor.id,
                                     status=status))
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(MentorRequest)) == 3


def test_a_request_that_loses_a_race_to_another_open_request_is_refused(cohort, monkeypatch):
    m1, m2, mentee = make_mentor(cohort), make_mentor(cohort), make_mentee(cohort)
    db.session.add(MentorRequest(cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=m1.id))
    db.session.flush()
    monkeypatch.setattr(self_select, "_check_new_request", lambda *args: None)  # as if both passed the check at once
    with pytest.raises(InvalidInput, match="already have an open request"):
        self_select.request_mentor(cohort, mentee, m2.id)
    assert db.session.scalar(select(func.count()).select_from(MentorRequest)) == 1


def test_a_withdrawal_racing_an_answer_is_refused_instead_of_overwriting_it(cohort, monkeypatch):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    request = self_select.request_mentor(cohort, mentee, mentor.id)
    table = MentorRequest.__table__  # the mentor's answer, committed by another request while this one held the old row
    db.session.execute(update(table).where(table.c.id == request.id).values(status="declined", version=table.c.version + 1))
    monkeypatch.setattr(db.session(), "expire_on_commit", False)  # this request still holds the row as first read
    db.session.commit()
    with pytest.raises(InvalidInput, match="changed at the same moment"):
        self_select.withdraw_request(cohort, mentee, request.id)
    db.session.rollback()
    assert db.session.scalar(select(MentorRequest.status)) is RequestStatus.DECLINED


def test_a_long_list_of_mentors_comes_ten_a_page_in_the_order_of_the_whole_ranking_each_explained(cohort):
    mentors = [make_mentor(cohort, offered={"ai_tools": 1 + n % 5}) for n in range(25)]
    mentee = make_mentee(cohort, wanted={"ai_tools": 1})
    pages = [self_select.mentee_choices(cohort, mentee, number) for number in (1, 2, 3)]
    assert [len(p.offers) for p in pages] == [10, 10, 5] and {p.page.total for p in pages} == {25}
    ranked = [o.mentor_id for p in pages for o in p.offers]
    assert sorted(ranked) == sorted(m.id for m in mentors)  # every mentor once, across the pages
    assert all(o.sentences for p in pages for o in p.offers)  # each offer shown says why it fits
    last = self_select.mentee_choices(cohort, mentee, 10**6)  # a page past the end shows the last one
    assert last.page.number == 3 and [o.mentor_id for o in last.offers] == ranked[20:]
