"""Pairs that go quiet: the pure rule for warning the pair and proposing the close to the instructor."""
from datetime import date, datetime

from lti_app.mentoring.domain.quiet_pairs import (PairQuiet, Quiet, QuietRule, as_day, pairs_to_propose, pairs_to_warn,
                                                  verdict)

FIRST = date(2026, 1, 5)


def test_defaults_ninety_days_and_a_warning_a_week_before():
    pair = PairQuiet(1, date(2026, 2, 1), FIRST)
    v = verdict(pair, QuietRule(), date(2026, 4, 22))
    assert v.propose_on == date(2026, 5, 2) and v.warning_on == date(2026, 4, 25) and v.state is Quiet.FINE
    assert verdict(pair, QuietRule(), date(2026, 4, 25)).state is Quiet.WARNED
    assert verdict(pair, QuietRule(), date(2026, 5, 1)).state is Quiet.WARNED
    assert verdict(pair, QuietRule(), date(2026, 5, 2)).state is Quiet.PROPOSED
    assert verdict(pair, QuietRule(), date(2026, 5, 2)).days_quiet(date(2026, 5, 2)) == 90


def test_a_pair_that_never_did_anything_counts_from_its_first_day():
    v = verdict(PairQuiet(1, None, FIRST), QuietRule(30, 5), date(2026, 2, 4))
    assert v.quiet_since == FIRST and v.state is Quiet.PROPOSED


def test_activity_before_the_first_day_counts_from_the_first_day():
    assert verdict(PairQuiet(1, date(2025, 12, 1), FIRST), QuietRule(30, 5), date(2026, 1, 20)).state is Quiet.FINE


def test_which_to_warn_and_which_to_propose():
    pairs = [PairQuiet(1, date(2026, 4, 1), FIRST), PairQuiet(2, date(2026, 3, 1), FIRST), PairQuiet(3, None, FIRST),
             PairQuiet(4, date(2026, 3, 5), FIRST)]
    rule, today = QuietRule(30, 7), date(2026, 4, 2)
    assert [v.pair_id for v in pairs_to_warn(pairs, rule, today)] == [4]
    assert [v.pair_id for v in pairs_to_propose(pairs, rule, today)] == [3, 2]  # the longest quiet first


def test_as_day():
    assert as_day(datetime(2026, 1, 2, 23, 59)) == date(2026, 1, 2) and as_day(None) is None
    assert as_day(date(2026, 1, 2)) == date(2026, 1, 2)
