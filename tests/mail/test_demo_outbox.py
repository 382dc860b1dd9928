"""The demo's outbox page lists what would have been sent; it exists only where the demo is enabled."""
from __future__ import annotations

import pytest

from lti_app.extensions import db
from lti_app.mentoring.services import mail_outbox
from tests.conftest import fresh_app
from tests.factories import make_person, make_platform


@pytest.fixture
def app(request):
    yield from fresh_app(request, {"DEMO_ENABLED": True, "MAIL_DELIVERY": "database"})


def test_the_outbox_page_shows_what_would_have_been_sent(app, client):
    assert b"No notice yet" in client.get("/demo/outbox/").data
    person = make_person(make_platform(), email="learner@example.test")
    mail_outbox.note_mail(person_id=person.id, kind="pairs_published", occasion="pair:1:round:1",
                          subject="Your partner <Ada>", body_text="You are the mentee of Ada.", body_html="<p>x</p>",
                          course_link="https://lms.test/course/1")
    db.session.commit()
    page = client.get("/demo/outbox/")
    assert page.status_code == 200
    assert b"Your partner &lt;Ada&gt;" in page.data and b"learner@example.test" in page.data
    assert b"https://lms.test/course/1" in page.data


def test_without_the_demo_there_is_no_outbox_page(request):
    for app in fresh_app(request, {"DEMO_ENABLED": False}):
        assert app.test_client().get("/demo/outbox/").status_code == 404
