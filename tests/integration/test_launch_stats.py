"""Launch statistics: refusals counted in the cache by platform, day and code; the newest launch on the platform."""
from __future__ import annotations

from datetime import timedelta

from lti_app.extensions import db, utcnow
from lti_app.lti import launch_stats
from tests.factories import make_platform
from tests.queries import counted_queries


def test_refusals_are_counted_by_platform_and_code_over_the_last_seven_days(app):
    now = utcnow()
    for days_ago, platform_id, code in [
        (0, 1, "InvalidToken"), (0, 1, "InvalidToken"), (3, 1, "LaunchExpired"), (6, 1, "InvalidToken"),
        (7, 1, "InvalidToken"),  # outside the window
        (0, 2, "UnknownDeployment"),
    ]:
        launch_stats.count_launch_error(platform_id, code, now=now - timedelta(days=days_ago))
    counts = launch_stats.launch_error_counts([1, 2, 3], now=now)
    assert counts == {1: {"InvalidToken": 3, "LaunchExpired": 1}, 2: {"UnknownDeployment": 1}, 3: {}}


def test_the_named_launch_errors_are_all_known_codes(app):
    codes = launch_stats.error_codes()
    assert {"UnknownPlatform", "InactivePlatform", "InactiveDeployment", "InvalidToken", "ReplayedLaunch"} <= set(codes)


def _stamp(platform):
    db.session.refresh(platform)
    return platform.last_launch_at


def test_the_newest_launch_is_stamped_at_most_once_a_minute(app):
    platform = make_platform()
    first = utcnow().replace(microsecond=0)
    assert launch_stats.note_launch(platform.id, now=first) and _stamp(platform) == first
    db.session.commit()
    assert not launch_stats.note_launch(platform.id, now=first + timedelta(seconds=30))
    assert launch_stats.note_launch(platform.id, now=first + timedelta(seconds=61))
    assert _stamp(platform) == first + timedelta(seconds=61)


def test_a_stamp_another_process_wrote_within_the_minute_is_not_moved(app):
    platform = make_platform()
    first = utcnow().replace(microsecond=0)
    platform.last_launch_at = first
    db.session.commit()
    # This process has no stamp in its cache: the UPDATE's own condition keeps the newer stamp.
    assert not launch_stats.note_launch(platform.id, now=first + timedelta(seconds=30))
    assert _stamp(platform) == first


def test_a_launch_within_the_minute_of_a_committed_stamp_sends_no_query(app):
    platform_id, first = make_platform().id, utcnow()
    launch_stats.note_launch(platform_id, now=first)
    db.session.commit()
    with counted_queries() as seen:
        assert not launch_stats.note_launch(platform_id, now=first + timedelta(seconds=10))
    assert seen.count == 0, str(seen)
