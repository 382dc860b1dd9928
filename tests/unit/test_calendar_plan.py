"""When "Add to my calendar" puts the next meeting: by the cadence, at a time both are free, in the viewer's zone."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from lti_app.mentoring.domain.calendar_plan import meeting_plan

BASE = dict(anchor=date(2026, 3, 2), cadence_days=14, ends_on=date(2026, 6, 26), time_zone="Europe/Berlin")


def test_the_next_meeting_is_due_by_the_cadence_at_the_first_common_block():
    plan = meeting_plan(**BASE, last_meeting_on=date(2026, 3, 10), now=datetime(2026, 3, 12, 9, tzinfo=timezone.utc),
                        common_blocks=["wed_afternoon", "tue_morning"])
    # due Tuesday 24 March: the Tuesday morning block, 08:00 in Berlin (UTC+1 before 29 March)
    assert plan.starts_at == datetime(2026, 3, 24, 8, tzinfo=ZoneInfo("Europe/Berlin"))
    assert plan.starts_at.utcoffset().total_seconds() == 3600 and plan.minutes == 60 and plan.every_days is None


def test_after_summer_time_the_local_hour_stays():
    plan = meeting_plan(**BASE, last_meeting_on=date(2026, 3, 24), now=datetime(2026, 3, 25, tzinfo=timezone.utc),
                        common_blocks=["tue_morning"])
    assert plan.starts_at.hour == 8 and plan.starts_at.utcoffset().total_seconds() == 7200  # 7 April, summer


def test_overdue_is_planned_from_today_and_never_in_the_past():
    now = datetime(2026, 4, 1, 13, tzinfo=timezone.utc)  # Wednesday 15:00 in Berlin
    plan = meeting_plan(**BASE, last_meeting_on=None, now=now, common_blocks=["wed_morning", "thu_evening"])
    assert plan.starts_at == datetime(2026, 4, 2, 17, tzinfo=ZoneInfo("Europe/Berlin"))
    noon = meeting_plan(**BASE, last_meeting_on=None, now=now)  # no common block: noon, tomorrow once noon has passed
    assert noon.starts_at == datetime(2026, 4, 2, 12, tzinfo=ZoneInfo("Europe/Berlin"))


def test_a_series_repeats_at_the_cadence_until_the_end():
    plan = meeting_plan(**BASE, last_meeting_on=None, now=datetime(2026, 3, 1, tzinfo=timezone.utc), series=True)
    assert plan.starts_at.date() == date(2026, 3, 16) and plan.every_days == 14 and plan.until == date(2026, 6, 26)


def test_no_plan_after_the_programme():
    assert meeting_plan(**BASE, last_meeting_on=date(2026, 6, 20), now=datetime(2026, 6, 21, tzinfo=timezone.utc)) is None
    assert meeting_plan(**BASE, last_meeting_on=None, now=datetime(2026, 6, 27, tzinfo=timezone.utc)) is None


def test_a_common_block_after_the_end_falls_back_to_noon_on_the_due_day():
    plan = meeting_plan(anchor=date(2026, 3, 2), cadence_days=14, ends_on=date(2026, 3, 16), time_zone="UTC",
                        last_meeting_on=None, now=datetime(2026, 3, 10, tzinfo=timezone.utc), common_blocks=["fri_morning"])
    assert plan.starts_at == datetime(2026, 3, 16, 12, tzinfo=ZoneInfo("UTC"))
