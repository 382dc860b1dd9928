"""The pulse schedule, exit rounds and aggregates of surveys, against hand-computed figures."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from lti_app.mentoring.domain.surveys import (
    QuestionKind, aggregate, at_risk, default_questions, early_exit_round, exit_round, pulse_schedule, valid_answer,
)

UTC = timezone.utc


def test_the_default_pulse_opens_30_days_after_publishing_then_every_60_until_the_end():
    rounds = pulse_schedule(date(2026, 1, 1), date(2026, 1, 1), date(2026, 7, 1), first_after_days=30, every_days=60)
    assert [r.opens_at.date() for r in rounds] == [date(2026, 1, 31), date(2026, 4, 1), date(2026, 5, 31)]
    assert [r.number for r in rounds] == [1, 2, 3]
    assert rounds[0].closes_at == datetime(2026, 2, 14, tzinfo=UTC)


def test_no_round_opens_before_the_programme_starts_or_after_it_ends():
    rounds = pulse_schedule(date(2026, 1, 1), date(2026, 3, 1), date(2026, 3, 10), first_after_days=30, every_days=60)
    assert [r.opens_at.date() for r in rounds] == [date(2026, 3, 1)]
    assert rounds[0].closes_at == datetime(2026, 3, 11, tzinfo=UTC)  # by the end of the last day, not 14 days
    assert pulse_schedule(date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 20), first_after_days=30,
                          every_days=60) == []


def test_a_pulse_turned_off_or_pairs_not_published_has_no_rounds():
    args = dict(first_after_days=30, every_days=60)
    assert pulse_schedule(None, date(2026, 1, 1), date(2026, 12, 1), **args) == []
    assert pulse_schedule(date(2026, 1, 1), date(2026, 1, 1), date(2026, 12, 1), enabled=False, **args) == []


def test_rounds_open_at_local_midnight_in_berlin_across_summer_time():
    rounds = pulse_schedule(date(2026, 2, 1), date(2026, 2, 1), date(2026, 12, 1), first_after_days=30,
                            every_days=60, time_zone="Europe/Berlin")
    # 3 March is winter time (UTC+1); 2 May is summer time (UTC+2)
    assert rounds[0].opens_at == datetime(2026, 3, 2, 23, tzinfo=UTC)
    assert rounds[1].opens_at == datetime(2026, 5, 1, 22, tzinfo=UTC)
    # the first round closes on 17 March at midnight, before the change on 29 March
    assert rounds[0].closes_at == datetime(2026, 3, 16, 23, tzinfo=UTC)


def test_rounds_open_at_local_midnight_in_new_york_and_a_round_spanning_the_change_keeps_local_midnight():
    rounds = pulse_schedule(date(2026, 1, 1), date(2026, 1, 1), date(2026, 12, 31), first_after_days=66,
                            every_days=60, time_zone="America/New_York")
    first = rounds[0]  # opens 8 March 2026, the day summer time starts
    assert first.opens_at == datetime(2026, 3, 8, 5, tzinfo=UTC)  # EST, UTC-5
    assert first.closes_at == datetime(2026, 3, 22, 4, tzinfo=UTC)  # EDT, UTC-4
    assert (first.closes_at - first.opens_at).total_seconds() == 14 * 86400 - 3600


def test_the_exit_round_opens_on_the_last_day_and_an_early_one_carries_the_reason():
    final = exit_round(date(2026, 6, 30), "Europe/Berlin")
    assert final.opens_at == datetime(2026, 6, 29, 22, tzinfo=UTC)
    early = early_exit_round(datetime(2026, 4, 2, 10, tzinfo=UTC), "Moved team", 2, "Europe/Berlin")
    assert early.reason == "Moved team" and early.number == 2 and early.opens_at < early.closes_at


def test_aggregates_show_no_figure_below_the_threshold():
    assert aggregate([4, 5, 3, 4], QuestionKind.LIKERT, 5).mean is None
    figure = aggregate([4, 5, 3, 4, 2], QuestionKind.LIKERT, 5)
    assert figure.mean == 3.6 and figure.shown and figure.counts["4"] == 2
    assert aggregate([], QuestionKind.SCALE, 1).mean is None
    assert aggregate(["a", None, ""], QuestionKind.TEXT, 1).answered == 1


@pytest.mark.parametrize("kind, raw, expected", [
    (QuestionKind.LIKERT, "5", 5), (QuestionKind.LIKERT, "6", None), (QuestionKind.LIKERT, "x", None),
    (QuestionKind.SCALE, "0", 0), (QuestionKind.SCALE, "11", None), (QuestionKind.SCALE, "-1", None),
    (QuestionKind.TEXT, "  hi ", "hi"), (QuestionKind.TEXT, "", None), (QuestionKind.CHOICE, "b", "b"),
    (QuestionKind.CHOICE, "z", None),
])
def test_answers_are_checked_by_kind(kind, raw, expected):
    assert valid_answer(kind, raw, ("a", "b")) == expected


def test_the_default_set_and_the_at_risk_list():
    codes = [q.code for q in default_questions()]
    assert codes == ["satisfaction", "usefulness", "progress", "learned", "taught", "recommend"]
    assert at_risk({1: {"satisfaction": 2}, 2: {"satisfaction": 3}, 3: {"satisfaction": None},
                    4: {"satisfaction": 1}}) == [1, 4]


def test_the_headline_shows_figures_from_the_threshold_of_different_people_on():
    from lti_app.mentoring.domain.surveys import headline
    answers = [(1, {"satisfaction": 5, "recommend": 10}), (2, {"satisfaction": 4, "recommend": 9}),
               (3, {"satisfaction": 2, "recommend": 3}), (4, {"satisfaction": 3, "recommend": 7}),
               (5, {"satisfaction": 1, "recommend": 8}), (1, {"satisfaction": 5, "recommend": 0, "learned": "x"})]
    found = headline(answers, 5)
    assert (found.responses, found.people, found.satisfaction) == (6, 5, 3.33)
    assert found.recommend == round(100 * (2 - 2) / 6)  # promoters 10, 9; detractors 3, 0; 7 and 8 passive
    assert headline(answers[:3] + [(1, {"recommend": 10})] * 5, 3).recommend == round(100 * (7 - 1) / 8)
    few = headline(answers * 3, 6)  # 18 answers, but from 5 people
    assert few.responses == 18 and few.satisfaction is None and few.recommend is None
    assert headline([], 5) == headline([], 5).__class__(0, 0, None, None, 5)
    assert headline([(1, {"satisfaction": "4", "recommend": None})], 1).satisfaction is None
