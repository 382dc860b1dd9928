"""The signed unsubscribe link of every mail: works without a launch, refuses forged and expired tokens clearly."""
from __future__ import annotations

import re

import itsdangerous.timed
import pytest

from lti_app.extensions import db
from lti_app.mentoring.domain.mail_notices import MailChoice
from lti_app.mentoring.services import mail_outbox
from lti_app.tasks import mail
from tests.factories import make_person, make_platform


@pytest.fixture
def person(app):
    person = make_person(make_platform(), email="learner@example.test")
    db.session.commit()
    return person


def _token(person_id: int) -> str:
    return mail.unsubscribe_token(person_id)


def _confirm(client, token: str):
    """Open the confirm page and submit its form (with the CSRF token it carries)."""
    page = client.get(f"/mail/unsubscribe/{token}")
    csrf = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
    return client.post(f"/mail/unsubscribe/{token}", data={"csrf_token": csrf.group(1).decode() if csrf else ""})


def test_get_shows_a_confirm_page_and_changes_nothing(app, client, person):
    response = client.get(f"/mail/unsubscribe/{_token(person.id)}")
    assert response.status_code == 200
    assert b"Unsubscribe</button>" in response.data and b'name="csrf_token"' in response.data
    assert mail_outbox.choice_of(person.id) is MailChoice.EVERY


def test_the_confirm_form_unsubscribes(app, client, person):
    response = _confirm(client, _token(person.id))
    assert response.status_code == 200 and b"You are unsubscribed" in response.data
    db.session.expire_all()
    assert mail_outbox.choice_of(person.id) is MailChoice.NONE
    # a second submit is harmless
    assert _confirm(client, _token(person.id)).status_code == 200
    assert mail_outbox.choice_of(person.id) is MailChoice.NONE


def test_the_confirm_form_needs_its_csrf_token(app, client, person):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/mail/unsubscribe/{_token(person.id)}", data={})
    assert response.status_code == 400
    assert mail_outbox.choice_of(person.id) is MailChoice.EVERY


def test_rfc_8058_one_click_post_without_cookies_or_csrf(app, person):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client(use_cookies=False)
    response = client.post(f"/mail/one-click/{_token(person.id)}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert mail_outbox.choice_of(person.id) is MailChoice.NONE


def test_one_click_get_leads_to_the_confirm_page_and_other_posts_are_refused(app, client, person):
    token = _token(person.id)
    assert client.get(f"/mail/one-click/{token}").headers["Location"].endswith(f"/mail/unsubscribe/{token}")
    assert client.post(f"/mail/one-click/{token}", data={"x": "1"}).status_code == 400
    assert mail_outbox.choice_of(person.id) is MailChoice.EVERY


@pytest.mark.parametrize("path", ["unsubscribe", "one-click"])
@pytest.mark.parametrize("token", ["forged", "eyJwIjoxfQ.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb", "x" * 1000, "%00", "1"])
def test_forged_or_malformed_tokens_get_a_clear_page(app, client, person, path, token):
    if path == "unsubscribe":
        response = client.get(f"/mail/{path}/{token}")
    else:
        response = client.post(f"/mail/{path}/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert b"This link is not valid" in response.data
    assert mail_outbox.choice_of(person.id) is MailChoice.EVERY


def test_a_token_signed_with_another_key_is_refused(app, client, person):
    other = itsdangerous.URLSafeTimedSerializer("another-secret", salt=mail.UNSUBSCRIBE_SALT).dumps({"p": person.id})
    response = client.get(f"/mail/unsubscribe/{other}")
    assert response.status_code == 400 and b"This link is not valid" in response.data


def test_a_token_of_another_purpose_is_refused(app, client, person):
    other = itsdangerous.URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something-else").dumps({"p": person.id})
    assert client.get(f"/mail/unsubscribe/{other}").status_code == 400
    wrong_shape = itsdangerous.URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=mail.UNSUBSCRIBE_SALT).dumps("p")
    assert client.get(f"/mail/unsubscribe/{wrong_shape}").status_code == 400


def test_an_expired_token_is_refused(app, client, person, monkeypatch):
    now = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: now(self) - app.config["MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS"] - 10)
    token = _token(person.id)
    monkeypatch.undo()
    for response in (client.get(f"/mail/unsubscribe/{token}"),
                     client.post(f"/mail/one-click/{token}", data={"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 400 and b"This link has expired" in response.data
    assert mail_outbox.choice_of(person.id) is MailChoice.EVERY


def test_the_clock_can_be_injected_into_reading_a_token(app, person):
    from datetime import timedelta

    from lti_app.extensions import utcnow

    token = _token(person.id)
    assert mail.read_unsubscribe_token(token, now=utcnow()) == person.id
    later = utcnow() + timedelta(seconds=app.config["MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS"] + 5)
    with pytest.raises(mail.BadUnsubscribeLink) as refused:
        mail.read_unsubscribe_token(token, now=later)
    assert refused.value.expired


def test_a_removed_person_gets_the_unsubscribed_page(app, client, person):
    token = _token(person.id)
    db.session.delete(person)
    db.session.commit()
    assert b"You are unsubscribed" in client.get(f"/mail/unsubscribe/{token}").data
    assert client.post(f"/mail/one-click/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
