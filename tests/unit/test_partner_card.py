"""The partner card's pure parts: the partner's local time and the weekly overlap across zones and summer time."""
from datetime import date, datetime, timezone

from lti_app.mentoring.domain.partner_card import local_now, overlap_blocks, overlap_week


def test_local_time_of_the_partner():
    now = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    assert local_now(now, "Europe/Berlin").hour == 14  # summer: UTC+2
    assert local_now(datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc), "Europe/Berlin").hour == 13
    assert local_now(datetime(2026, 1, 1, 12, 0), "Asia/Kolkata").strftime("%H:%M") == "17:30"  # naive is UTC
    assert local_now(now, "Not/AZone").hour == 12


def test_same_zone_overlap_is_the_blocks_in_common():
    rows = overlap_week(["mon_morning", "tue_evening"], "Europe/Paris", ["mon_morning", "wed_morning"], "Europe/Paris",
                        date(2026, 3, 2))
    assert overlap_blocks(rows) == ["mon_morning"]
    monday = rows[0]
    assert monday.day == "Monday" and [c.mine for c in monday.cells] == [True, False, False]
    assert rows[2].cells[0].theirs and not rows[2].cells[0].mine


def test_a_partner_hours_away_shows_in_the_viewers_blocks():
    # Berlin morning 08-12 (UTC+1 in winter) = 07-11 UTC = New York 02-06: no overlap with New York mornings;
    # New York evening 17-21 (UTC-5) = 22-02 UTC = Berlin 23-03: not a Berlin block either
    rows = overlap_week(["mon_morning"], "Europe/Berlin", ["mon_morning", "mon_evening"], "America/New_York", date(2026, 1, 5))
    assert overlap_blocks(rows) == []
    # New York morning 08-12 = 13-17 UTC = Berlin 14-18: the Berlin afternoon and evening
    rows = overlap_week(["mon_afternoon", "mon_evening"], "Europe/Berlin", ["mon_morning"], "America/New_York",
                        date(2026, 1, 5))
    assert overlap_blocks(rows) == ["mon_afternoon", "mon_evening"]


def test_summer_time_on_one_side_moves_the_overlap():
    # New York morning 08-12. Before US summer time (8 March 2026, UTC-5) it is 13-17 UTC, Berlin (UTC+1) 14-18: it
    # touches the Berlin evening (17-21). The week after (UTC-4) it is 12-16 UTC, Berlin 13-17: no longer.
    before = overlap_week(["mon_evening"], "Europe/Berlin", ["mon_morning"], "America/New_York", date(2026, 3, 2))
    after = overlap_week(["mon_evening"], "Europe/Berlin", ["mon_morning"], "America/New_York", date(2026, 3, 9))
    assert overlap_blocks(before) == ["mon_evening"] and overlap_blocks(after) == []


def test_a_block_that_crosses_midnight_wraps_to_the_next_day():
    # Sydney Tuesday morning 08-12 in January (UTC+11) is Monday 21:00-01:00 UTC = Monday 21-Tuesday 01 in London:
    # no London block (they end at 21)
    assert overlap_blocks(overlap_week(["mon_evening"], "Europe/London", ["tue_morning"], "Australia/Sydney",
                                       date(2026, 1, 5))) == []
    # Honolulu (UTC-10) Monday evening 17-21 is Tuesday 03-07 UTC = Tuesday 12-16 in Tokyo (UTC+9): the afternoon
    assert overlap_blocks(overlap_week(["tue_afternoon", "mon_afternoon"], "Asia/Tokyo", ["mon_evening"],
                                       "Pacific/Honolulu", date(2026, 1, 5))) == ["tue_afternoon"]


def test_unknown_zones_are_taken_as_utc():
    rows = overlap_week(["mon_morning"], "Nowhere", ["mon_morning"], "", date(2026, 1, 5))
    assert overlap_blocks(rows) == ["mon_morning"]
