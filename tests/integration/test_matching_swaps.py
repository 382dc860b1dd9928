"""Swapping partners on a draft, and taking a pair off the forbidden list, on a real database."""
from __future__ import annotations

import dataclasses

import pytest

from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits
from tests.factories import make_cohort
from tests.integration.test_matching_services import make_mentee, make_mentor, pairs


@pytest.fixture
def cohort(app):
    return make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)


def drafted(cohort):
    """Two mentors, two mentees and a draft pairing them; returns (first pair, second pair) by mentee."""
    for _ in range(2):
        make_mentor(cohort), make_mentee(cohort)
    matching.run_matching(cohort)
    return matching.pairs_of(cohort)


def test_swapping_two_pairs_trades_their_mentees_and_pins_both_new_pairs(cohort):
    first, second = drafted(cohort)
    (m1, e1), (m2, e2) = (first.mentor_enrolment_id, first.mentee_enrolment_id), (second.mentor_enrolment_id,
                                                                                   second.mentee_enrolment_id)
    swapped = matching_edits.swap_partners(cohort, first, second)
    assert pairs(cohort) == {(m1, e2), (m2, e1)}
    assert all(p.pinned and p.score > 0 and p.explanation for p in swapped)
    assert {p.mentee.id for p in swapped} == {e1, e2} and swapped[0].mentee.id == e2
    assert matching.settings_of(cohort).pinned == {(m1, e2), (m2, e1)}


def test_a_rerun_keeps_the_swapped_pairs(cohort):
    first, second = drafted(cohort)
    expected = {(first.mentor_enrolment_id, second.mentee_enrolment_id),
                (second.mentor_enrolment_id, first.mentee_enrolment_id)}
    matching_edits.swap_partners(cohort, first, second)
    matching.run_matching(cohort)
    assert pairs(cohort) == expected


def test_a_swap_that_breaks_a_hard_rule_is_refused_naming_the_rule_and_changes_nothing(cohort):
    make_mentor(cohort), make_mentor(cohort, languages=["en", "fr"])
    make_mentee(cohort), make_mentee(cohort, languages=["fr"])
    matching.run_matching(cohort)
    before = pairs(cohort)
    first, second = matching.pairs_of(cohort)
    with pytest.raises(InvalidInput, match="cannot be paired: no shared language"):
        matching_edits.swap_partners(cohort, first, second)
    assert pairs(cohort) == before and not matching.settings_of(cohort).pinned


def test_a_swap_into_a_forbidden_pair_is_refused_until_it_is_allowed_again(cohort):
    first, second = drafted(cohort)
    banned = (first.mentor_enrolment_id, second.mentee_enrolment_id)
    matching.save_settings(cohort, dataclasses.replace(matching.settings_of(cohort), forbidden={banned}))
    with pytest.raises(InvalidInput, match="forbidden pair: allow them again"):
        matching_edits.swap_partners(cohort, first, second)
    assert matching_edits.allow_pair(cohort, *banned) is True
    assert matching.settings_of(cohort).forbidden == set()
    matching_edits.swap_partners(cohort, first, second)
    assert banned in pairs(cohort)


def test_two_pairs_sharing_a_mentor_cannot_be_swapped(app):
    cohort = make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=2)
    make_mentor(cohort, capacity=2), make_mentee(cohort), make_mentee(cohort)
    matching.run_matching(cohort)
    first, second = matching.pairs_of(cohort)
    with pytest.raises(InvalidInput, match="share a partner"):
        matching_edits.swap_partners(cohort, first, second)


def test_the_forbidden_pairs_are_listed_with_names_and_allowing_one_twice_is_harmless(cohort):
    first, _ = drafted(cohort)
    mentor, mentee = first.mentor, first.mentee
    matching_edits.forbid_pair(cohort, first)
    [listed] = matching_edits.forbidden_pairs(cohort)
    assert (listed.mentor_name, listed.mentee_name) == (mentor.person.display_name, mentee.person.display_name)
    assert matching_edits.allow_pair(cohort, mentor.id, mentee.id) is True
    assert matching_edits.allow_pair(cohort, mentor.id, mentee.id) is False
    assert matching_edits.forbidden_pairs(cohort) == []
    matching.run_matching(cohort)
    assert (mentor.id, mentee.id) in pairs(cohort)  # the rerun may make it again


def test_pairing_a_forbidden_pair_by_hand_is_refused_with_the_way_out(cohort):
    first, _ = drafted(cohort)
    mentor, mentee = first.mentor, first.mentee
    matching_edits.forbid_pair(cohort, first)
    with pytest.raises(InvalidInput, match="forbidden pair: allow them again"):
        matching_edits.pair_by_hand(cohort, mentor, mentee)
    assert (mentor.id, mentee.id) not in pairs(cohort)
