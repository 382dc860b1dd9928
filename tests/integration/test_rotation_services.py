"""Rotation on a real database: a matched or running cohort drafts a new round that repeats no pair, then publishes it."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.errors import IllegalTransition, InvalidInput
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services import partners, rotation
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits
from tests.factories import make_cohort, make_enrolment
from tests.integration.test_matching_services import make_mentee, make_mentor, pairs


def running_cohort(size=3, course=None):
    """A running cohort of ``size`` mentors and mentees whose round 1 is published; (cohort, mentors, mentees)."""
    cohort = make_cohort(course, state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    mentors, mentees = [make_mentor(cohort) for _ in range(size)], [make_mentee(cohort) for _ in range(size)]
    matching.run_matching(cohort)
    matching.publish_pairs(cohort)
    cohort.state = CohortState.RUNNING
    db.session.flush()
    return cohort, mentors, mentees


def test_a_running_cohort_drafts_a_new_round_that_repeats_no_pair_and_leaves_round_one_active(app):
    cohort, _, _ = running_cohort()
    first_round = pairs(cohort, PairStatus.ACTIVE)
    proposal = matching.run_matching(cohort)
    drafted = matching.pairs_of(cohort, PairStatus.PROPOSED)
    assert len(proposal.pairs) == 3 and not pairs(cohort) & first_round
    assert {p.round for p in drafted} == {2} and pairs(cohort, PairStatus.ACTIVE) == first_round
    assert rotation.published_round(cohort) == 1 and cohort.state is CohortState.RUNNING


def test_the_new_round_never_repeats_a_partner_from_another_cohort_of_the_course(app):
    cohort, mentors, mentees = running_cohort()
    elsewhere = make_cohort(cohort.course, state=CohortState.MATCHED, mentor_capacity=1)
    old_mentor = make_enrolment(elsewhere, person=mentors[0].person)
    old_mentee = make_enrolment(elsewhere, person=mentees[1].person)
    db.session.add(Pair(cohort_id=elsewhere.id, mentor_enrolment_id=old_mentor.id, mentee_enrolment_id=old_mentee.id,
                        score=50.0, status=PairStatus.ENDED))
    round_one = pairs(cohort, PairStatus.ACTIVE)
    matching.run_matching(cohort)
    assert len(pairs(cohort)) == 3
    assert not pairs(cohort) & (round_one | {(mentors[0].id, mentees[1].id)})


def test_publishing_a_round_ends_the_previous_pairs_and_participants_see_only_their_new_partner(app):
    cohort, _, mentees = running_cohort()
    old = {p.mentee_enrolment_id: p for p in matching.pairs_of(cohort, PairStatus.ACTIVE)}
    matching.run_matching(cohort)
    published = rotation.publish_round(cohort, 2)
    assert len(published) == 3 and all(p.status is PairStatus.ACTIVE and p.round == 2 for p in published)
    assert all(p.status is PairStatus.ENDED and p.ended_at is not None for p in old.values())
    assert cohort.state is CohortState.RUNNING and rotation.published_round(cohort) == 2
    new = {p.mentee_enrolment_id: p for p in published}
    [partner] = partners.partners_of(mentees[0])
    assert partner.name == new[mentees[0].id].mentor.person.display_name
    assert partner.name != old[mentees[0].id].mentor.person.display_name


def test_publishing_the_same_round_twice_is_refused_and_changes_nothing(app):
    cohort, _, _ = running_cohort()
    matching.run_matching(cohort)
    rotation.publish_round(cohort, 2)
    active = pairs(cohort, PairStatus.ACTIVE)
    with pytest.raises(IllegalTransition, match="Round 2 is already published"):
        rotation.publish_round(cohort, 2)
    assert pairs(cohort, PairStatus.ACTIVE) == active


def test_a_round_without_a_draft_cannot_be_published(app):
    cohort, _, _ = running_cohort()
    with pytest.raises(InvalidInput, match="no draft of round 2"):
        rotation.publish_round(cohort, 2)
    assert rotation.published_round(cohort) == 1


def test_only_a_matched_or_running_cohort_publishes_a_new_round(app):
    cohort = make_cohort(state=CohortState.ENROLMENT_CLOSED)
    with pytest.raises(IllegalTransition, match="matched or running"):
        rotation.publish_round(cohort, 1)


def test_pins_are_done_once_published_so_the_next_round_runs(app):
    cohort = make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    for _ in range(2):
        make_mentor(cohort), make_mentee(cohort)
    matching.run_matching(cohort)
    matching_edits.pin_pair(cohort, matching.pairs_of(cohort)[0])
    matching.publish_pairs(cohort)
    assert matching.settings_of(cohort).pinned == set()
    assert len(matching.run_matching(cohort).pairs) == 2


def test_a_past_pair_cannot_come_back_by_hand_or_by_a_swap_even_with_the_past_partner_rule_off(app):
    cohort, _, _ = running_cohort(size=2)
    settings = matching.settings_of(cohort)
    matching.save_settings(cohort, dataclasses.replace(settings, rules=dataclasses.replace(settings.rules,
                                                                                          past_partners=False)))
    past = matching.pairs_of(cohort, PairStatus.ACTIVE)[0]
    with pytest.raises(InvalidInput, match="paired before. A new round never repeats a pair"):
        matching_edits.pair_by_hand(cohort, past.mentor, past.mentee)
    matching.run_matching(cohort)
    first, second = matching.pairs_of(cohort, PairStatus.PROPOSED)
    with pytest.raises(InvalidInput, match="paired before"):
        matching_edits.swap_partners(cohort, first, second)  # swapping back would restore round 1


def test_the_database_refuses_a_pair_of_people_twice_in_a_cohort_whatever_the_round(app):
    cohort, _, _ = running_cohort(size=1)
    past = matching.pairs_of(cohort, PairStatus.ACTIVE)[0]
    db.session.add(Pair(cohort_id=cohort.id, mentor_enrolment_id=past.mentor_enrolment_id,
                        mentee_enrolment_id=past.mentee_enrolment_id, score=1.0, round=2))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize("state", [CohortState.MATCHED, CohortState.RUNNING])
def test_drafting_is_allowed_for_a_matched_or_running_cohort_and_the_settings_apply_to_the_next_round(app, state):
    cohort = make_cohort(state=state)
    matching.check_drafting(cohort)
    assert matching.draft_settings(cohort).rules.past_partners is True
