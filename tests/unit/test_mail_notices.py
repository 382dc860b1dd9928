"""The pure rules of mail notices: backoff, the one-mail-an-hour rule, what each choice receives."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from lti_app.mentoring.domain.mail_notices import MailChoice, backoff_seconds, earliest_send, goes_now


def test_backoff_doubles_up_to_the_cap():
    assert [backoff_seconds(n, 60, 600) for n in range(0, 6)] == [0, 60, 120, 240, 480, 600]
    assert backoff_seconds(10_000, 60, 600) == 600  # no overflow


def test_one_mail_per_gap_outside_the_digest():
    now = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
    assert earliest_send(now, None, "grade_posted", 3600) == now
    assert earliest_send(now, now - timedelta(minutes=20), "grade_posted", 3600) == now + timedelta(minutes=40)
    assert earliest_send(now, now - timedelta(hours=2), "grade_posted", 3600) == now
    assert earliest_send(now, now - timedelta(minutes=1), "digest", 3600) == now


def test_the_gap_is_an_hour_of_real_time_across_a_summer_time_change():
    berlin = ZoneInfo("Europe/Berlin")
    last = datetime(2026, 3, 29, 1, 30, tzinfo=berlin)  # 30 min before the clocks jump from 02:00 to 03:00
    now = datetime(2026, 3, 29, 3, 10, tzinfo=berlin)  # 40 real minutes later
    when = earliest_send(now, last, "grade_posted", 3600)
    assert when == datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)  # 03:30 in Berlin, one real hour later
    assert when.astimezone(berlin).hour == 3 and when > now


def test_what_each_choice_receives():
    assert goes_now(None, "grade_posted") and goes_now(MailChoice.EVERY, "digest")
    assert not goes_now("digest", "grade_posted") and goes_now("digest", "digest")
    assert not goes_now(MailChoice.NONE, "grade_posted") and not goes_now("none", "digest")
