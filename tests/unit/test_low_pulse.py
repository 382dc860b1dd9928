"""The at-risk list's low pulse: which answer is low, which pairs it puts at risk, and when they are only counted."""
from __future__ import annotations

from dataclasses import replace

import pytest

from lti_app.mentoring.domain.programme_metrics import low_pulse_listed, programme_metrics
from lti_app.mentoring.domain.programme_tables import tables
from lti_app.mentoring.domain.surveys import at_risk, is_low_pulse
from tests.unit.test_programme_metrics import busy


@pytest.mark.parametrize("values, low", [
    ({"satisfaction": 2, "usefulness": 5}, True), ({"satisfaction": 3, "usefulness": 1}, True),
    ({"satisfaction": 3, "usefulness": 3}, False), ({"progress": 1, "recommend": 0}, False),  # not about the pair
    ({}, False), ({"satisfaction": None}, False), ({"satisfaction": "1"}, False), ({"satisfaction": True}, False),
])
def test_a_low_answer_is_2_or_less_for_satisfaction_or_usefulness(values, low):
    assert is_low_pulse(values) is low


def test_the_at_risk_people_come_from_their_latest_answers():
    assert at_risk({1: {"satisfaction": 2}, 2: {"satisfaction": 3}, 3: {}, 4: {"usefulness": 1}}) == [1, 4]


@pytest.mark.parametrize("allowed, answered, threshold, listed", [
    (True, 5, 5, True), (True, 4, 5, False), (False, 50, 5, False), (True, 1, 1, True), (True, 0, 0, False),
])
def test_low_pulse_pairs_are_listed_only_where_names_are_allowed_and_enough_answered(allowed, answered, threshold,
                                                                                     listed):
    assert low_pulse_listed(allowed, answered, threshold) is listed


def low(**overrides):
    # busy(): pair 10 (mentor 1, mentee 2) met 5 days ago; pair 11 (mentor 1, mentee 3) has not met for 54 days
    return replace(busy(), **{"low_pulse": frozenset({2}), "pulse_answered": 6, "anonymity_threshold": 5, **overrides})


def test_a_low_pulse_puts_the_pair_at_risk_beside_its_other_reason_where_listed():
    a = programme_metrics(low(low_pulse=frozenset({2, 3})), names_allowed=True).activity
    assert [(r.pair_id, r.reason) for r in a.at_risk] == [(10, "Low pulse"), (11, "No meeting for 54 days; Low pulse")]
    assert a.low_pulse_pairs == 2 and a.low_pulse_listed and a.unlisted == 0 and a.at_risk_total == 2


def test_where_names_are_not_allowed_low_pulse_pairs_are_only_counted():
    m = programme_metrics(low(low_pulse=frozenset({2, 3})), names_allowed=False)
    a = m.activity
    assert [(r.pair_id, r.reason) for r in a.at_risk] == [(11, "No meeting for 54 days")]  # no low pulse said
    assert a.low_pulse_pairs == 2 and not a.low_pulse_listed and a.unlisted == 1 and a.at_risk_total == 2
    rows = tables(m)["at_risk"].rows
    assert rows[-1] == ("not listed", "Low pulse, pairs not named (survey answers are anonymous here): 2", "")
    assert all(10 not in row for row in rows)


def test_under_the_threshold_low_pulse_pairs_are_only_counted_even_where_names_are_allowed():
    a = programme_metrics(low(pulse_answered=4), names_allowed=True).activity
    assert a.at_risk == [a.at_risk[0]] and a.at_risk[0].pair_id == 11 and a.unlisted == 1


def test_an_ended_pair_or_a_withdrawn_persons_old_answer_is_no_risk_now():
    a = programme_metrics(low(low_pulse=frozenset({4, 99})), names_allowed=True).activity
    assert a.low_pulse_pairs == 0 and [r.pair_id for r in a.at_risk] == [11]


def test_without_a_low_pulse_the_table_has_no_count_row():
    assert tables(programme_metrics(busy()))["at_risk"].rows == [(11, "No meeting for 54 days", 54)]
