"""Logging meetings: held (never in the future), inside the pair's time, once per form, action items become tasks."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.workspace import Meeting, Task
from lti_app.mentoring.services import meetings
from lti_app.mentoring.services.meetings import MeetingFields
from tests.factories_workspace import TODAY, at_midnight, make_agreement, make_pair, make_running_cohort, seats


@pytest.fixture
def pair(app):
    found = make_pair()
    db.session.commit()
    return found


def held(pair, **overrides) -> MeetingFields:
    values = {"held_on": TODAY - timedelta(days=2), "duration_minutes": 50, "channel": "video",
              "topics": "Which AI tools my students use", "notes": "<p>Good <em>start</em></p><img src=x onerror=alert(1)>",
              "action_items": "- Try the transcript tool\n\n* Share the syllabus\n", "action_owner_enrolment_id": pair.mentee_enrolment_id}
    values.update(overrides)
    return MeetingFields(**values)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_meeting_is_logged_with_sanitised_notes_and_its_action_items_become_tasks(pair):
    mentor, _ = seats(pair)
    make_agreement(pair, cadence_days=7)
    meeting, created = meetings.log_meeting(mentor, held(pair), "form-1", TODAY)
    assert created and meeting.logged_by_enrolment_id == pair.mentor_enrolment_id
    assert meeting.notes == "<p>Good <em>start</em></p>"
    items = db.session.scalars(select(Task).order_by(Task.id)).all()
    assert [t.title for t in items] == ["Try the transcript tool", "Share the syllabus"]
    assert {(t.owner_enrolment_id, t.meeting_id, t.due_on) for t in items} == {
        (pair.mentee_enrolment_id, meeting.id, TODAY + timedelta(days=5))}  # due by the next meeting of the cadence


def test_the_same_meeting_form_submitted_twice_logs_one_meeting_and_one_set_of_tasks(pair):
    mentor, _ = seats(pair)
    first, _ = meetings.log_meeting(mentor, held(pair), "form-1", TODAY)
    again, created = meetings.log_meeting(mentor, held(pair), "form-1", TODAY)
    assert (again.id, created, count(Meeting), count(Task)) == (first.id, False, 1, 2)
    meetings.log_meeting(mentor, held(pair, topics="Second meeting"), "form-2", TODAY)
    assert count(Meeting) == 2


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"held_on": TODAY + timedelta(days=1)}, "held_on", "in the future"),
    ({"held_on": TODAY - timedelta(days=31)}, "held_on", "could first meet on"),
    ({"held_on": None}, "held_on", "Give the date"),
    ({"duration_minutes": 4}, "duration_minutes", "from 5 to 480"),
    ({"duration_minutes": 481}, "duration_minutes", "from 5 to 480"),
    ({"channel": "telepathy"}, "channel", "Choose how you met"),
    ({"topics": " "}, "topics", "Write what you talked about"),
    ({"action_owner_enrolment_id": 424242}, "action_owner_enrolment_id", "you or your partner"),
    ({"action_items": "\n".join(f"item {i}" for i in range(21))}, "action_items", "Keep to 20 action items"),
])
def test_bad_meetings_are_refused_on_their_field_and_nothing_is_written(pair, overrides, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        meetings.log_meeting(seats(pair)[1], held(pair, **overrides), "form-x", TODAY)
    assert refused.value.field == field
    assert (count(Meeting), count(Task)) == (0, 0)


def test_a_meeting_before_the_pair_was_published_is_refused_even_inside_the_programme(app):
    cohort = make_running_cohort()
    pair = make_pair(cohort, published_at=at_midnight(TODAY - timedelta(days=10)))
    with pytest.raises(InvalidInput, match="could first meet on"):
        meetings.log_meeting(seats(pair)[0], held(pair, held_on=TODAY - timedelta(days=11)), None, TODAY)
    meeting, _ = meetings.log_meeting(seats(pair)[0], held(pair, held_on=TODAY - timedelta(days=10)), None, TODAY)
    assert meeting.held_on == TODAY - timedelta(days=10)


def test_a_meeting_after_the_programme_ended_is_refused(app):
    cohort = make_running_cohort(starts_on=TODAY - timedelta(days=100), ends_on=TODAY - timedelta(days=5))
    pair = make_pair(cohort)
    with pytest.raises(InvalidInput, match="The programme ended on"):
        meetings.log_meeting(seats(pair)[0], held(pair, held_on=TODAY - timedelta(days=2)), None, TODAY)


def test_action_items_without_an_owner_are_refused_but_a_meeting_without_items_needs_none(pair):
    with pytest.raises(InvalidInput, match="you or your partner"):
        meetings.log_meeting(seats(pair)[0], held(pair, action_owner_enrolment_id=None), None, TODAY)
    meeting, _ = meetings.log_meeting(seats(pair)[0], held(pair, action_items="", action_owner_enrolment_id=None), None, TODAY)
    assert meeting.action_items == [] and meetings.meetings_of_pair(pair) == [meeting]


def test_action_item_lines_drop_bullets_numbers_and_blank_lines():
    assert meetings.action_item_lines("1. One\n2) Two\n  - Three  \n\n•  Four\nFive") == ["One", "Two", "Three", "Four", "Five"]
