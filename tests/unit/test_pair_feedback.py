"""Feedback rounds, fit-check answers and what an instructor may read, as pure rules."""
from __future__ import annotations

from datetime import date

import pytest

from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.pair_feedback import (
    Content, FitAnswer, Visibility, current_round, instructor_visibility, round_due_on,
)

PUBLISHED = date(2026, 3, 1)


@pytest.mark.parametrize(("today", "interval", "expected"), [
    (date(2026, 2, 20), 30, 0),  # before publishing
    (PUBLISHED, 30, 0),
    (date(2026, 3, 30), 30, 0),  # day 29
    (date(2026, 3, 31), 30, 1),  # day 30: round 1 falls due
    (date(2026, 4, 29), 30, 1),
    (date(2026, 4, 30), 30, 2),
    (date(2026, 3, 15), 7, 2),
])
def test_the_open_round_counts_whole_intervals_since_publishing(today, interval, expected):
    assert current_round(PUBLISHED, interval, today) == expected


def test_round_n_falls_due_n_intervals_after_publishing():
    assert [round_due_on(PUBLISHED, 30, n) for n in (1, 2)] == [date(2026, 3, 31), date(2026, 4, 30)]
    assert current_round(PUBLISHED, 30, round_due_on(PUBLISHED, 30, 3)) == 3


def test_only_help_and_a_new_partner_flag_the_pair():
    assert [a.flags_pair for a in FitAnswer] == [False, True, True]
    assert FitAnswer.WANT_NEW_PARTNER.flag == "Asks for a new partner" and FitAnswer.GOING_WELL.flag == ""


V, R, H = Visibility.VISIBLE, Visibility.WITH_REASON, Visibility.HIDDEN
MATRIX = {
    PrivacySetting.STATUS_ONLY: {Content.STATUS: V, Content.GOALS: H, Content.MEETING_NOTES: H, Content.FEEDBACK: H},
    PrivacySetting.GOALS_AND_STATUS: {Content.STATUS: V, Content.GOALS: V, Content.MEETING_NOTES: H, Content.FEEDBACK: H},
    PrivacySetting.EVERYTHING_WITH_LOG: {Content.STATUS: V, Content.GOALS: V, Content.MEETING_NOTES: R, Content.FEEDBACK: R},
}


@pytest.mark.parametrize("privacy", list(PrivacySetting))
@pytest.mark.parametrize("content", list(Content))
def test_the_privacy_setting_decides_what_an_instructor_reads(privacy, content):
    assert instructor_visibility(privacy, content) is MATRIX[privacy][content]
