"""What is due for a learner: the pure rule of the learner home's "What's next"."""
from datetime import date, datetime, timezone

import pytest

from lti_app.mentoring.domain.whats_next import (ChoosingFacts, Item, PairFacts, ReflectionFacts, learner_today,
                                                 whats_next)

START, END = date(2026, 3, 2), date(2026, 6, 26)


def pair(**changes) -> PairFacts:
    facts = dict(pair_id=7, cohort_name="Spring", role="mentee", partner_name="Ada", partner_active=True,
                 starts_on=START, ends_on=END, published_on=date(2026, 2, 20), cadence_days=14, last_meeting_on=None,
                 agreement_signed_by_me=True, feedback_interval_days=30)
    facts.update(changes)
    return PairFacts(**facts)


def kinds(items: list[Item]) -> list[str]:
    return [i.kind for i in items]


@pytest.mark.parametrize(("now", "zone", "day"), [
    (datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), "Europe/Berlin", date(2026, 3, 2)),
    (datetime(2026, 3, 2, 3, 0, tzinfo=timezone.utc), "America/Los_Angeles", date(2026, 3, 1)),
    (datetime(2026, 3, 2, 3, 0), "America/Los_Angeles", date(2026, 3, 1)),  # naive means UTC
    (datetime(2026, 3, 1, 11, 30, tzinfo=timezone.utc), "Pacific/Kiritimati", date(2026, 3, 2)),  # UTC+14
    (datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), "Not/AZone", date(2026, 3, 1)),  # unknown: UTC
    (datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), None, date(2026, 3, 1)),
])
def test_the_learners_day_is_the_day_in_their_time_zone(now, zone, day):
    assert learner_today(now, zone) == day


def test_summer_time_moves_the_day_boundary():
    # Berlin is UTC+1 in winter and UTC+2 from 29 March 2026: 22:30 UTC is still the same day in winter, the next in summer
    assert learner_today(datetime(2026, 3, 28, 22, 30, tzinfo=timezone.utc), "Europe/Berlin") == date(2026, 3, 28)
    assert learner_today(datetime(2026, 3, 29, 22, 30, tzinfo=timezone.utc), "Europe/Berlin") == date(2026, 3, 30)
    # New York: UTC-5 in winter, UTC-4 from 8 March 2026
    assert learner_today(datetime(2026, 3, 8, 4, 30, tzinfo=timezone.utc), "America/New_York") == date(2026, 3, 7)
    assert learner_today(datetime(2026, 3, 9, 4, 30, tzinfo=timezone.utc), "America/New_York") == date(2026, 3, 9)


def test_a_meeting_falls_due_one_cadence_after_the_last_or_after_the_start():
    [item] = whats_next([pair()], [], [], date(2026, 3, 5))
    assert (item.kind, item.due_on, item.overdue, item.ids) == ("meeting", date(2026, 3, 16), False, {"pair_id": 7})
    [item] = whats_next([pair(last_meeting_on=date(2026, 3, 10))], [], [], date(2026, 3, 12))
    assert item.due_on == date(2026, 3, 24)


def test_an_overdue_meeting_says_since_when_and_comes_first():
    items = whats_next([pair()], [ReflectionFacts(3, "Spring", "Week 4", START, date(2026, 3, 27), False)], [],
                       date(2026, 3, 20))
    assert kinds(items) == ["meeting", "reflection"]
    assert items[0].overdue and items[0].due_on == date(2026, 3, 16) and "overdue" in items[0].label


def test_before_the_programme_starts_the_agreement_and_first_meeting_are_ahead_not_late():
    items = whats_next([pair(agreement_signed_by_me=False)], [], [], date(2026, 2, 25))
    assert kinds(items) == ["agreement", "meeting"]
    assert not any(i.overdue for i in items)
    assert items[0].due_on == START and items[1].due_on == date(2026, 3, 16)


def test_an_unsigned_agreement_is_overdue_once_the_pair_could_meet():
    [agreement, _] = whats_next([pair(agreement_signed_by_me=False)], [], [], date(2026, 3, 3))
    assert agreement.kind == "agreement" and agreement.overdue


def test_a_pair_published_after_the_start_counts_from_its_publication():
    [item] = whats_next([pair(published_on=date(2026, 4, 1))], [], [], date(2026, 4, 2))
    assert item.due_on == date(2026, 4, 15)


def test_a_finished_programme_asks_nothing():
    assert whats_next([pair(agreement_signed_by_me=False)], [], [], date(2026, 6, 27)) == []


def test_no_meeting_is_due_after_the_end():
    given = frozenset(range(1, 5))
    assert kinds(whats_next([pair(last_meeting_on=date(2026, 6, 20), feedback_rounds_given=given)], [], [],
                            date(2026, 6, 21))) == []


def test_a_withdrawn_partner_asks_nothing_more_of_the_pair():
    assert whats_next([pair(partner_active=False, agreement_signed_by_me=False)], [], [], date(2026, 3, 20)) == []


def test_a_feedback_round_is_due_until_given():
    today = date(2026, 4, 2)  # 31 days after the start: round 1
    items = whats_next([pair(last_meeting_on=date(2026, 3, 30))], [], [], today)
    assert kinds(items) == ["feedback", "meeting"]
    assert items[0].due_on == date(2026, 4, 1) and "round 1" in items[0].label
    given = whats_next([pair(last_meeting_on=date(2026, 3, 30), feedback_rounds_given=frozenset({1}))], [], [], today)
    assert kinds(given) == ["meeting"]


def test_reflections_show_two_weeks_ahead_until_submitted_or_closed():
    r = ReflectionFacts(3, "Spring", "Midpoint", date(2026, 3, 1), date(2026, 4, 30), False)
    assert whats_next([], [r], [], date(2026, 4, 10)) == []
    [item] = whats_next([], [r], [], date(2026, 4, 16))
    assert (item.page, item.ids, item.due_on, item.overdue) == ("reflection", {"assignment_id": 3}, date(2026, 4, 30), False)
    assert whats_next([], [r], [], date(2026, 5, 1)) == []  # closed
    late = ReflectionFacts(3, "Spring", "Midpoint", date(2026, 3, 1), date(2026, 4, 30), False, accept_late=True)
    assert whats_next([], [late], [], date(2026, 5, 1))[0].overdue
    done = ReflectionFacts(3, "Spring", "Midpoint", date(2026, 3, 1), date(2026, 4, 30), True)
    assert whats_next([], [done], [], date(2026, 4, 29)) == []
    not_open = ReflectionFacts(3, "Spring", "Midpoint", date(2026, 4, 25), date(2026, 4, 30), False)
    assert whats_next([], [not_open], [], date(2026, 4, 20)) == []


def test_requests_waiting_and_rankings_to_submit():
    items = whats_next([], [], [ChoosingFacts(4, "Spring", requests_waiting=2),
                               ChoosingFacts(5, "Autumn", ranking_open=True),
                               ChoosingFacts(6, "Winter", ranking_open=True, ranking_submitted=True)], date(2026, 3, 1))
    assert kinds(items) == ["ranking", "requests"]
    assert items[1].label.startswith("2 mentees' requests wait") and items[1].ids == {"cohort_id": 4}
    assert whats_next([], [], [ChoosingFacts(4, "S", requests_waiting=1)], START)[0].label.startswith("1 mentee's")


def test_other_modules_add_items_through_extra():
    survey = Item("survey", "Answer the mid-programme survey", "survey", {"cohort_id": 4}, date(2026, 3, 3))
    items = whats_next([pair()], [], [], date(2026, 3, 2), extra=[survey])
    assert kinds(items) == ["survey", "meeting"]
