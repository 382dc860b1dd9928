"""Operators sign in at /admin/login; everyone else, LTI learners and instructors included, gets 403 on /admin."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from lti_app.extensions import db
from lti_app.operators.services import set_operator_password
from lti_app.web.operators.auth import SESSION_KEY
from tests.factories import make_operator
from tests.lti_platform import LmsBrowser
from tests.web.admin_client import admin_post, admin_session, sign_in

PUBLIC = {"admin.login"}


@pytest.fixture
def operator(app):
    row = make_operator("ops@rementor.test")
    db.session.commit()
    return row


def admin_rules(app):
    """Every (URL, method) of the operators' pages, with 1 for each id."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and rule.endpoint not in PUBLIC:
            url = rule.build({arg: 1 for arg in rule.arguments})[1]
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                yield rule.endpoint, url, method


def test_the_sign_in_page_is_open_to_anyone(client):
    page = client.get("/admin/login")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)


def test_an_operator_signs_in_and_reaches_every_page(client, operator, platform):
    signed_in = sign_in(client, operator.email)
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/admin/")
    for path in ("/admin/", f"/admin/platforms/{platform.registration_id}", f"/admin/platforms/{platform.registration_id}/edit", "/admin/keys"):
        assert client.get(path).status_code == 200, path
    assert operator.last_login_at is not None


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, operator):
    wrong = sign_in(client, operator.email, "not the password")
    unknown = sign_in(client, "nobody@rementor.test", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    message = "That e-mail address and password do not match an operator account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get("/admin/").status_code == 403


def test_five_failures_lock_the_account_and_then_the_right_password_is_refused_too(client, operator):
    statuses = [sign_in(client, operator.email, "not the password").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = sign_in(client, operator.email)
    assert locked.status_code == 429 and "locked" in locked.get_data(as_text=True)
    assert client.get("/admin/").status_code == 403


def test_an_idle_session_times_out_on_the_server(client, operator, app):
    sign_in(client, operator.email)
    assert client.get("/admin/").status_code == 200
    with admin_session(client) as session:
        entry = session[SESSION_KEY]
        session[SESSION_KEY] = {**entry, "seen": entry["seen"] - app.config["OPERATOR_SESSION_SECONDS"] - 1}
    ended = client.get("/admin/")
    assert ended.status_code == 403 and "session has ended" in ended.get_data(as_text=True)
    with admin_session(client) as session:
        assert SESSION_KEY not in session


def test_a_session_ends_after_its_maximum_age_even_when_busy(client, operator, app):
    sign_in(client, operator.email)
    with admin_session(client) as session:
        entry = session[SESSION_KEY]
        session[SESSION_KEY] = {**entry, "since": entry["since"] - app.config["OPERATOR_SESSION_MAX_SECONDS"] - 1}
    assert client.get("/admin/").status_code == 403


def test_signing_out_ends_the_session_even_for_a_copy_of_the_cookie(client, operator, app):
    sign_in(client, operator.email)
    with admin_session(client) as session:
        copied = dict(session)
    assert admin_post(client, "/admin/logout").status_code == 302
    assert client.get("/admin/").status_code == 403
    thief = app.test_client()
    with admin_session(thief) as session:
        session.update(copied)
    assert thief.get("/admin/").status_code == 403


def test_a_deactivated_operator_loses_an_open_session(client, operator):
    sign_in(client, operator.email)
    operator.active = False
    db.session.commit()
    assert client.get("/admin/").status_code == 403


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(client, operator):
    sign_in(client, operator.email)
    set_operator_password(operator, "a brand new passphrase")
    db.session.commit()
    assert client.get("/admin/").status_code == 403


def test_operator_pages_are_never_framed_nor_cached(client, operator, platform):
    for page in (client.get("/admin/login"), client.get("/admin/")):
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert page.headers["Cache-Control"] == "no-store"
    assert "https://lms.test" in client.get("/lti/jwks").headers["Content-Security-Policy"]


def test_after_signing_in_the_operator_goes_where_they_were_going_but_never_off_site(client, operator):
    assert sign_in(client, operator.email, next_path="/admin/keys").headers["Location"].endswith("/admin/keys")
    for target in ("https://evil.test/admin/", "//evil.test/admin/", "/courses/1/"):
        response = sign_in(client, operator.email, next_path=target)
        assert urlsplit(response.headers["Location"]).path == "/admin/", target


def test_a_visitor_without_a_session_gets_403_and_a_way_to_sign_in(client):
    page = client.get("/admin/keys")
    html = page.get_data(as_text=True)
    assert page.status_code == 403 and "/admin/login?next=/admin/keys" in html


@pytest.mark.parametrize("who", ["learner", "instructor"])
def test_a_launched_learner_or_instructor_gets_403_on_every_admin_route(app, platform, who):
    # CSRF is off so that the authorisation answers every POST (tests/web/test_csrf.py covers the tokens).
    app.config["WTF_CSRF_ENABLED"] = False
    browser = LmsBrowser(app.test_client(), platform)
    person = platform.learners[0] if who == "learner" else platform.instructor
    assert browser.launch(person.sub).status_code == 200
    checked = []
    for endpoint, url, method in admin_rules(app):
        response = browser.client.open(url, method=method, data={"retire_after_hours": "1", "kid": "x", "deployment_id": "d"})
        assert response.status_code == 403, (endpoint, method, response.status_code)
        checked.append(endpoint)
    assert {"admin.dashboard", "admin.rotate", "admin.approve", "admin.edit_platform", "admin.logout"} <= set(checked)
    assert browser.client.get("/admin/login").status_code == 200
