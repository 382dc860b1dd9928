"""A class opening the tool at once: concurrent launches all succeed, on a file database and on PostgreSQL.

On SQLite a deferred ``BEGIN`` that reads and then writes fails with "database is locked" when another connection
committed in between; writing requests therefore begin ``IMMEDIATE`` and wait for the lock (busy timeout).
"""
from __future__ import annotations

import threading

import pytest
import requests_mock
from sqlalchemy import func, select

from lti_app.demo.course import LEARNER, STUDENT, DemoPerson
from lti_app.extensions import db
from lti_app.mentoring.models.course import Membership
from lti_app.mentoring.models.person import Person
from tests.conftest import file_database, fresh_app
from tests.lti_platform import LmsBrowser, register_test_lms, route_to

BROWSERS = 12
LAUNCHES_EACH = 3


@pytest.fixture
def app(request, tmp_path):
    """The suite's app on a SQLite file (not the in-memory database: one connection per thread) unless DATABASE_URL is set."""
    yield from fresh_app(request, file_database(tmp_path))


def _learners(count: int) -> tuple[DemoPerson, ...]:
    return tuple(DemoPerson(f"c-{n}", f"Learner{n}", "Concurrent", f"c{n}@example.edu", (LEARNER, STUDENT)) for n in range(count))


def test_a_class_launching_at_once_gets_in_without_one_error(app):
    people = _learners(BROWSERS)
    lms = register_test_lms(people=people)
    barrier, statuses, failures = threading.Barrier(BROWSERS), [], []

    def browse(person: DemoPerson) -> None:
        browser = LmsBrowser(app.test_client(), lms)
        barrier.wait()
        for _ in range(LAUNCHES_EACH):  # the first launch creates the person and membership, the next ones refresh them
            try:
                statuses.append(browser.launch(person.sub).status_code)
            except Exception as error:  # noqa: BLE001 - a crash in a thread must fail the test, not vanish
                failures.append(repr(error))

    with requests_mock.Mocker() as mocker:
        route_to(lms, mocker)
        threads = [threading.Thread(target=browse, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert failures == []
    assert statuses == [200] * (BROWSERS * LAUNCHES_EACH)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == BROWSERS
    assert db.session.scalar(select(func.count()).select_from(Membership)) == BROWSERS
