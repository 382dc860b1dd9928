"""Moodle's re-registration (the tool card's "Update"): a registration token with scope "reg-update" updates the
existing registration in place instead of adding a second one or being refused as a duplicate."""
from __future__ import annotations

import secrets
import time

import jwt
import pytest
import requests_mock
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.lti.dynamic_registration import is_update
from lti_app.lti.models import Deployment, Platform
from tests.lti import simulated_lms
from tests.lti.simulated_lms import MOODLE


def token(platform: simulated_lms.SimulatedPlatform, scope: str, sub: str = "7") -> str:
    """A Moodle registration token (startltiadvregistration.php: sub is the tool type id on an update)."""
    value = jwt.encode({"sub": sub, "scope": scope, "iat": int(time.time()), "exp": int(time.time()) + 3600,
                        "jti": secrets.token_hex(8)}, "a-platform-secret-of-at-least-32-bytes", algorithm="HS256")
    platform.tokens.add(value)
    return value


@pytest.fixture
def moodle():
    with requests_mock.Mocker() as mocker:
        yield simulated_lms.moodle().install(mocker)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def registered(client, moodle) -> Platform:
    page = client.get(moodle.register_url(token(moodle, "reg", sub="new-client")))
    assert page.status_code == 200, page.get_data(as_text=True)
    platform = db.session.scalar(select(Platform))
    platform.name = "University Moodle (named by the operator)"
    platform.approved_at = db.func.now()
    platform.deployments[0].approved_at = db.func.now()
    db.session.commit()
    return platform


def test_an_update_token_updates_the_registration_in_place(client, moodle):
    platform = registered(client, moodle)
    moodle.configuration["token_endpoint"] = f"{MOODLE}/mod/lti/token2.php"
    moodle.configuration["jwks_uri"] = f"{MOODLE}/mod/lti/certs2.php"

    page = client.get(moodle.register_url(token(moodle, "reg-update")))
    assert page.status_code == 200, page.get_data(as_text=True)
    assert "Registered and active" in page.get_data(as_text=True)
    assert (count(Platform), count(Deployment)) == (1, 1)
    db.session.expire_all()
    row = db.session.get(Platform, platform.id)
    assert (row.auth_token_url, row.key_set_url) == (f"{MOODLE}/mod/lti/token2.php", f"{MOODLE}/mod/lti/certs2.php")
    assert row.name == "University Moodle (named by the operator)" and not row.pending
    assert [(d.deployment_id, d.pending) for d in row.deployments] == [("7", False)]


def test_an_update_naming_a_new_deployment_adds_it_pending(client, moodle):
    registered(client, moodle)
    moodle.deployment_id = "8"
    page = client.get(moodle.register_url(token(moodle, "reg-update", sub="8")))
    assert page.status_code == 200, page.get_data(as_text=True)
    rows = db.session.scalars(select(Deployment).order_by(Deployment.id)).all()
    assert [(d.deployment_id, d.pending) for d in rows] == [("7", False), ("8", True)]


def test_a_new_registration_token_for_a_registered_client_is_still_refused(client, moodle):
    registered(client, moodle)
    page = client.get(moodle.register_url(token(moodle, "reg")))
    assert page.status_code >= 400
    assert "<code>DuplicateRegistration</code>" in page.get_data(as_text=True)
    assert (count(Platform), count(Deployment)) == (1, 1)


def test_an_update_for_a_client_not_yet_registered_registers_it(client, moodle):
    page = client.get(moodle.register_url(token(moodle, "reg-update")))
    assert page.status_code == 200, page.get_data(as_text=True)
    assert count(Platform) == 1 and db.session.scalar(select(Platform)).pending


@pytest.mark.parametrize("value, expected", [
    ("reg-update", True), ("update", True), ("reg", False), (None, False),
])
def test_the_token_scope_is_read_from_the_token(value, expected):
    claims = {"sub": "7"} if value is None else {"sub": "7", "scope": value}
    assert is_update(jwt.encode(claims, "a-platform-secret-of-at-least-32-bytes", algorithm="HS256")) is expected
    assert is_update("not-a-jwt") is False
