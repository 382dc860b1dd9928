"""Fixtures of the language tests."""
from __future__ import annotations

import pytest

from tests.factories_workspace import make_goal, make_meeting, make_pair, make_running_cohort
from tests.web.course_pages import commit, launch


@pytest.fixture
def german(app, platform):
    """The course's instructor, launched from a German LMS, and a running cohort with one pair that met and has a
    goal rated at the end (``teacher.pair_id``)."""
    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    cohort = make_running_cohort(teacher.course, name="Pilot")
    pair = make_pair(cohort)
    make_meeting(pair)
    make_goal(pair, end_rating_owner=4)
    commit()
    teacher.pair_id = pair.id
    return teacher, cohort
