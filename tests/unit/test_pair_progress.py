"""The pair's clock and progress from plain dates and counts: cadence, overdue, expected meetings, goal progress."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from lti_app.mentoring.domain import pair_progress as p

START, END = date(2026, 3, 2), date(2026, 8, 31)


def test_the_clock_starts_at_the_programme_start_or_the_publication_if_later():
    assert p.first_meeting_day(START, START - timedelta(days=10)) == START
    assert p.first_meeting_day(START, START + timedelta(days=4)) == START + timedelta(days=4)
    assert p.first_meeting_day(START, None) == START


def test_the_next_meeting_is_due_one_cadence_after_the_last_one_or_after_the_start():
    assert p.next_meeting_due(START, None, 14, END) == date(2026, 3, 16)
    assert p.next_meeting_due(START, date(2026, 4, 1), 14, END) == date(2026, 4, 15)


def test_no_meeting_is_due_after_the_programme_ends():
    assert p.next_meeting_due(START, END - timedelta(days=3), 14, END) is None


@pytest.mark.parametrize(("today", "overdue"), [
    (date(2026, 3, 15), False), (date(2026, 3, 16), False), (date(2026, 3, 17), True),
])
def test_a_pair_is_overdue_only_once_the_due_day_has_passed(today, overdue):
    assert p.is_overdue(date(2026, 3, 16), today) is overdue


def test_nothing_is_overdue_when_nothing_is_due():
    assert p.is_overdue(None, date(2030, 1, 1)) is False


@pytest.mark.parametrize(("today", "expected"), [
    (START - timedelta(days=5), 0), (START, 0), (START + timedelta(days=13), 0), (START + timedelta(days=14), 1),
    (START + timedelta(days=43), 3), (END + timedelta(days=100), (END - START).days // 14),
])
def test_expected_meetings_count_whole_cadences_up_to_today_or_the_end(today, expected):
    assert p.expected_meetings(START, 14, today, END) == expected


def test_dates_outside_the_programme_are_refused_with_the_boundary():
    assert p.date_refusal(START, START, END) is None and p.date_refusal(END, START, END) is None
    assert p.date_refusal(START - timedelta(days=1), START, END, "The due date") == \
        "The due date is before the programme starts (2 March 2026)."
    assert "after the programme ends (31 August 2026)" in p.date_refusal(END + timedelta(days=1), START, END)


def test_a_meeting_in_the_future_or_before_the_pair_could_meet_is_refused():
    today = date(2026, 4, 10)
    assert p.meeting_date_refusal(today, START, END, today) is None
    assert "in the future" in p.meeting_date_refusal(today + timedelta(days=1), START, END, today)
    assert "could first meet on 2 March 2026" in p.meeting_date_refusal(START - timedelta(days=1), START, END, today)
    assert "ended on 31 August 2026" in p.meeting_date_refusal(END + timedelta(days=1), START, END, END + timedelta(days=9))


@pytest.mark.parametrize(("done", "total", "percent"), [(0, 0, 0), (0, 3, 0), (1, 3, 33), (2, 3, 67), (3, 3, 100)])
def test_progress_from_tasks_is_the_share_done(done, total, percent):
    assert p.goal_progress("tasks", done, total, 2, 4, None) == percent


@pytest.mark.parametrize(("rating", "percent"), [(None, 0), (1, 0), (2, 0), (3, 50), (4, 100), (5, 100)])
def test_progress_from_ratings_runs_from_baseline_to_target_and_is_clamped(rating, percent):
    assert p.goal_progress("rating", 0, 0, 2, 4, rating) == percent


def test_a_target_at_the_baseline_is_reached_or_not():
    assert p.rating_progress(5, 5, 5) == 100 and p.rating_progress(5, 5, 4) == 0


def test_end_ratings_supersede_the_current_rating():
    assert p.latest_rating(3, None, None) == 3
    assert p.latest_rating(3, 5, None) == 5
    assert p.latest_rating(3, 5, 4) == 4  # the mean, rounded down: never overstated


def test_a_goal_is_done_at_full_progress_or_once_both_rated_it_at_the_end():
    assert p.goal_done(100, None, None) and p.goal_done(40, 3, 3)
    assert not p.goal_done(99, 4, None)


def test_re_rating_opens_at_the_target_date_or_two_weeks_before_the_end():
    assert p.rerating_opens_on(date(2026, 5, 1), END) == date(2026, 5, 1)
    assert p.rerating_opens_on(END, END) == END - timedelta(weeks=2)
