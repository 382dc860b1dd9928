""""Add to my calendar": the .ics of the next meeting or the series, in the viewer's zone, for the pair only."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from icalendar import Calendar
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.models.person import Person
from tests.factories_workspace import TODAY, make_agreement, make_meeting, make_pair, make_running_cohort
from tests.web.course_pages import OTHER_COURSE, commit, launch


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


@pytest.fixture
def cal(app, platform):
    mentor, mentee = launch(app, platform, platform.learners[0].sub), launch(app, platform, platform.learners[1].sub)
    stranger = launch(app, platform, platform.learners[2].sub)
    cohort = make_running_cohort(mentor.course, name="Spring pilot")
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub))
    pair.mentor.time_zone, pair.mentee.time_zone = "America/New_York", "Europe/Berlin"
    make_agreement(pair, cadence_days=21)
    make_meeting(pair, held_on=TODAY - timedelta(days=3))
    commit()
    return SimpleNamespace(mentor=mentor, mentee=mentee, stranger=stranger, pair=pair, cohort=cohort,
                           base=f"learner/pairs/{pair.id}/calendar/")


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/calendar" and "attachment" in response.headers["Content-Disposition"]
    return Calendar.from_ical(response.get_data())


def test_the_next_meeting_in_the_viewers_zone(cal):
    calendar = parsed(cal.mentor.get(cal.base + "next.ics"))
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "America/New_York" and event["dtstart"].params["TZID"] == "America/New_York"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert start.date() >= TODAY + timedelta(days=18) - timedelta(days=1)  # 21 days after the last meeting (local day)
    assert "Mentoring meeting with" in str(event["summary"]) and "rrule" not in event
    other = parsed(cal.mentee.get(cal.base + "next.ics")).walk("VEVENT")[0]
    assert str(other.decoded("dtstart").tzinfo) == "Europe/Berlin"


def test_the_series_repeats_at_the_agreed_cadence_until_the_end(cal):
    [event] = parsed(cal.mentor.get(cal.base + "series.ics")).walk("VEVENT")
    rule = event["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [3]
    assert rule["UNTIL"][0].date() <= cal.cohort.ends_on + timedelta(days=1)


def test_a_cadence_in_days_repeats_daily(cal):
    from lti_app.mentoring.models.workspace import Agreement
    db.session.scalar(select(Agreement).where(Agreement.pair_id == cal.pair.id)).cadence_days = 10
    commit()
    rule = parsed(cal.mentor.get(cal.base + "series.ics")).walk("VEVENT")[0]["rrule"]
    assert rule["FREQ"] == ["DAILY"] and rule["INTERVAL"] == [10]


def test_only_the_pair_gets_the_files(cal, app, platform):
    assert cal.stranger.get(cal.base + "next.ics").status_code == 404
    assert cal.stranger.get(cal.base + "series.ics").status_code == 404
    teacher = launch(app, platform, platform.instructor.sub)
    assert teacher.get(cal.base + "next.ics").status_code == 403
    elsewhere = launch(app, platform, platform.learners[0].sub, **OTHER_COURSE)
    assert elsewhere.get(cal.base + "next.ics").status_code == 404


@pytest.mark.parametrize("path", ["learner/pairs/0/calendar/next.ics", "learner/pairs/99999999999999999999/calendar/next.ics",
                                  "learner/pairs/abc/calendar/next.ics", "CAL/calendar/weekly.ics", "CAL/calendar/next.ics/x"])
def test_bad_ids_and_paths_are_404(cal, path):
    assert cal.mentor.get(path.replace("CAL", f"learner/pairs/{cal.pair.id}")).status_code == 404


def test_no_file_once_the_pair_ended_or_the_partner_withdrew(cal):
    cal.pair.status = PairStatus.ENDED
    commit()
    assert cal.mentor.get(cal.base + "next.ics").status_code == 404
    cal.pair.status = PairStatus.ACTIVE
    cal.pair.mentee.status = EnrolmentStatus.WITHDRAWN
    commit()
    assert cal.mentor.get(cal.base + "series.ics").status_code == 404


def test_the_card_links_to_both_files(cal):
    html = cal.mentor.get(f"learner/pairs/{cal.pair.id}/").get_data(as_text=True)
    assert f'{cal.base}next.ics"' in html and f'{cal.base}series.ics"' in html
