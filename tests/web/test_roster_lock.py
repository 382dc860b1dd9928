"""Refreshing the roster waits on the LMS (up to LTI_NRPS_MAX_PAGES answers) without holding SQLite's write lock."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.models.person import Person
from tests.conftest import file_database, fresh_app
from tests.factories import make_cohort
from tests.sqlite_lock import write_elsewhere
from tests.web.course_pages import commit, launch


@pytest.fixture
def app(request, tmp_path):
    """The suite's app on a SQLite file: the in-memory database has one connection, so nothing to lock out."""
    if not file_database(tmp_path):
        pytest.skip("SQLite only: its write lock covers the whole database; PostgreSQL locks rows")
    yield from fresh_app(request, file_database(tmp_path))


def test_while_the_lms_sends_the_roster_other_writers_do_not_wait(app, platform, monkeypatch):
    teacher = launch(app, platform, platform.instructor.sub)
    cohort = make_cohort(teacher.course)
    commit()
    someone = db.session.scalar(select(Person.id))
    db.session.rollback()
    written, answer = [], platform.handle

    def slow_lms(method, url, headers, body):
        if "/memberships" in url:
            written.append(write_elsewhere(someone))
        return answer(method, url, headers, body)

    monkeypatch.setattr(platform, "handle", slow_lms)
    refreshed = teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh")
    assert refreshed.status_code == 302
    assert written and all(written), written
