"""Each person chooses their e-mail on their own page, as a learner or as an instructor."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.mail_notices import MailChoice
from lti_app.mentoring.models.course import Membership
from lti_app.mentoring.services import mail_outbox
from tests.web.course_pages import launch


def _person_id(session) -> int:
    return db.session.scalar(select(Membership.person_id).where(Membership.course_id == session.course_id)
                             .order_by(Membership.id.desc()))


@pytest.mark.parametrize("who, side", [("learner", "learner"), ("instructor", "instructor")])
def test_a_person_chooses_every_notice_a_digest_or_none(app, platform, who, side):
    sub = platform.learners[0].sub if who == "learner" else platform.instructor.sub
    session = launch(app, platform, sub)
    home = session.get(f"{side}/")
    assert f"/courses/{session.course_id}/{side}/mail".encode() in home.data
    page = session.get(f"{side}/mail")
    assert page.status_code == 200
    every = re.search(rb'<input[^>]*value="every"[^>]*>', page.data).group(0)
    assert b"checked" in every  # the default
    saved = session.post(f"{side}/mail", {"choice": "digest"})
    assert saved.status_code == 303
    person_id = _person_id(session)
    assert mail_outbox.choice_of(person_id) is MailChoice.DIGEST
    again = session.post(f"{side}/mail", {"choice": "digest"})  # a double submit
    assert again.status_code == 303 and mail_outbox.choice_of(person_id) is MailChoice.DIGEST
    assert session.post(f"{side}/mail", {"choice": "none"}).status_code == 303
    assert mail_outbox.choice_of(person_id) is MailChoice.NONE
    assert b"Your e-mail choice is saved." in session.get(f"{side}/mail").data


@pytest.mark.parametrize("data", [{}, {"choice": "sometimes"}, {"choice": ""}, {"choice": "x" * 5000}])
def test_a_wrong_choice_is_shown_on_the_form_and_changes_nothing(app, platform, data):
    session = launch(app, platform, platform.learners[0].sub)
    response = session.post("learner/mail", data)
    assert response.status_code == 422
    assert mail_outbox.choice_of(_person_id(session)) is MailChoice.EVERY


def test_two_values_take_the_first_and_never_fail(app, platform):
    session = launch(app, platform, platform.learners[0].sub)
    assert session.post("learner/mail", {"choice": ["none", "every"]}).status_code == 303
    assert mail_outbox.choice_of(_person_id(session)) is MailChoice.NONE
