"""Matching services on a real database: run, pin, forbid, pair by hand, publish."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_app.extensions import cache, db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import CareerStage, EnrolmentStatus, RoleWanted
from lti_app.mentoring.errors import IllegalTransition, InvalidInput
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services import partners
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits
from tests.factories import make_cohort, make_enrolment


def make_mentor(cohort, **overrides):
    fields = {"role_wanted": RoleWanted.MENTOR, "career_stage": CareerStage.STUDENT, "experience_years": 1.0,
              "capacity": 1, "offered": {"ai_tools": 4}, "wanted": {}}
    return make_enrolment(cohort, **(fields | overrides))


def make_mentee(cohort, **overrides):
    fields = {"role_wanted": RoleWanted.MENTEE, "career_stage": CareerStage.SENIOR, "experience_years": 20.0,
              "capacity": None, "offered": {}, "wanted": {"ai_tools": 1}}
    return make_enrolment(cohort, **(fields | overrides))


@pytest.fixture
def cohort(app):
    return make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)


def pairs(cohort, status=PairStatus.PROPOSED):
    return {(p.mentor_enrolment_id, p.mentee_enrolment_id) for p in matching.pairs_of(cohort, status)}


def test_running_the_matching_stores_a_draft_pair_for_everyone_it_can_pair(cohort):
    mentors, mentees = [make_mentor(cohort) for _ in range(2)], [make_mentee(cohort) for _ in range(3)]
    proposal = matching.run_matching(cohort)
    assert len(proposal.pairs) == 2 and proposal.totals.unmatched_mentees == 1
    assert {u.person_id for u in proposal.unmatched} <= {m.id for m in mentees}
    stored = matching.pairs_of(cohort)
    assert len(stored) == 2 and all(p.status is PairStatus.PROPOSED and p.score > 0 for p in stored)
    assert all(p.explanation and {"criterion", "share", "sentence"} <= set(p.explanation[0]) for p in stored)
    assert {p.mentor_enrolment_id for p in stored} == {m.id for m in mentors}


def test_people_happy_with_either_role_fill_the_short_side_least_senior_first(cohort):
    junior = make_enrolment(cohort, career_stage=CareerStage.STUDENT, capacity=1)
    senior = make_enrolment(cohort, career_stage=CareerStage.SENIOR, experience_years=25.0, capacity=1)
    mentors, mentees = matching.split_sides([senior, junior], 1)
    assert (mentors, mentees) == ([junior], [senior])


def test_a_pinned_pair_survives_a_rerun_and_a_forbidden_pair_is_never_made_again(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    e1, e2 = make_mentee(cohort), make_mentee(cohort)
    matching.run_matching(cohort)
    first = {p.mentee_enrolment_id: p for p in matching.pairs_of(cohort)}
    matching_edits.pin_pair(cohort, first[e1.id])
    kept = (first[e1.id].mentor_enrolment_id, e1.id)
    matching_edits.forbid_pair(cohort, first[e2.id])
    forbidden = (first[e2.id].mentor_enrolment_id, e2.id) if e2.id in first else None
    matching.run_matching(cohort)
    assert kept in pairs(cohort) and forbidden not in pairs(cohort)
    assert [kept[0], kept[1]] in matching.settings_of(cohort).to_dict()["pinned"]
    assert {m1.id, m2.id} >= {p[0] for p in pairs(cohort)}


def test_pairing_by_hand_pins_the_pair_and_makes_room_for_it(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    e1 = make_mentee(cohort)
    matching.run_matching(cohort)
    chosen = m2 if pairs(cohort) == {(m1.id, e1.id)} else m1
    pair = matching_edits.pair_by_hand(cohort, chosen, e1)
    assert pair.pinned and pairs(cohort) == {(chosen.id, e1.id)}
    matching.run_matching(cohort)
    assert pairs(cohort) == {(chosen.id, e1.id)}


def test_pairing_by_hand_refuses_a_pair_that_breaks_a_hard_rule_and_says_which(cohort):
    mentor = make_mentor(cohort, career_stage=CareerStage.EXECUTIVE, experience_years=30.0)
    mentee = make_mentee(cohort)
    with pytest.raises(InvalidInput, match="not less senior"):
        matching_edits.pair_by_hand(cohort, mentor, mentee)


def test_the_current_proposal_explains_who_is_left_unpaired(cohort):
    make_mentor(cohort)
    lonely = make_mentee(cohort, languages=["fr"])
    matching.run_matching(cohort)
    stored, proposal = matching.current_proposal(cohort)
    assert stored == [] and [u.person_id for u in proposal.unmatched if u.role == "mentee"] == [lonely.id]
    assert "language" in next(u.message for u in proposal.unmatched if u.person_id == lonely.id)


def test_publishing_activates_the_pairs_and_marks_the_cohort_matched_once(cohort):
    make_mentor(cohort), make_mentee(cohort)
    matching.run_matching(cohort)
    published = matching.publish_pairs(cohort)
    assert cohort.state is CohortState.MATCHED and all(p.status is PairStatus.ACTIVE and p.published_at for p in published)
    with pytest.raises(IllegalTransition, match="already published"):
        matching.publish_pairs(cohort)
    next_round = matching.run_matching(cohort)  # a matched cohort drafts its next round, which repeats no pair
    assert next_round.pairs == () and db.session.scalar(select(Pair.status)) is PairStatus.ACTIVE


def test_a_finished_cohort_drafts_no_more_pairs(app):
    cohort = make_cohort(state=CohortState.FINISHED)
    with pytest.raises(IllegalTransition, match="finished"):
        matching.run_matching(cohort)


@pytest.mark.parametrize("state", [CohortState.DRAFT, CohortState.ENROLMENT_OPEN])
def test_a_cohort_whose_enrolment_is_not_closed_can_be_neither_matched_nor_published(app, state):
    cohort = make_cohort(state=state)
    with pytest.raises(IllegalTransition, match="Close enrolment first"):
        matching.run_matching(cohort)
    with pytest.raises(IllegalTransition):
        matching.publish_pairs(cohort)
    assert cohort.state is state


def test_publishing_an_empty_draft_is_refused(cohort):
    with pytest.raises(InvalidInput, match="run the matching first"):
        matching.publish_pairs(cohort)
    assert cohort.state is CohortState.ENROLMENT_CLOSED


def test_a_published_participant_sees_their_partner_and_why_in_their_own_words(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    matching.run_matching(cohort)
    matching.publish_pairs(cohort)
    [seen_by_mentee] = partners.partners_of(mentee)
    assert seen_by_mentee.name == mentor.person.display_name and seen_by_mentee.role == "mentor"
    assert seen_by_mentee.sentences and any("you" in s.lower() for s in seen_by_mentee.sentences)
    assert partners.partners_of(mentor)[0].name == mentee.person.display_name


def test_the_reasons_a_run_keeps_for_its_draft_are_those_worked_out_afresh(cohort):
    make_mentor(cohort), make_mentor(cohort, languages=["de"])
    make_mentee(cohort), make_mentee(cohort, languages=["fr"]), make_mentee(cohort)
    ran = matching.run_matching(cohort)
    _, kept = matching.current_proposal(cohort)
    cache.clear()
    _, fresh = matching.current_proposal(cohort)
    assert ran.unmatched and kept.unmatched == fresh.unmatched == ran.unmatched and kept.totals == fresh.totals


def test_the_kept_reasons_follow_a_withdrawal_and_each_new_round(cohort):
    mentors = [make_mentor(cohort, capacity=2) for _ in range(2)]
    lonely = make_mentee(cohort, languages=["fr"])
    mentees = [make_mentee(cohort) for _ in range(2)]
    matching.run_matching(cohort)
    assert lonely.id in {u.person_id for u in matching.current_proposal(cohort)[1].unmatched}
    lonely.status = EnrolmentStatus.WITHDRAWN
    db.session.flush()
    assert lonely.id not in {u.person_id for u in matching.current_proposal(cohort)[1].unmatched}
    matching.publish_pairs(cohort)
    ran = matching.run_matching(cohort)  # round 2: nobody may meet their round-1 partner again
    _, kept = matching.current_proposal(cohort)
    cache.clear()
    _, fresh = matching.current_proposal(cohort)
    assert kept.unmatched == fresh.unmatched == ran.unmatched and kept.totals == fresh.totals
    assert {p.mentor_id for p in ran.pairs} <= {m.id for m in mentors} and len(mentees) == 2
