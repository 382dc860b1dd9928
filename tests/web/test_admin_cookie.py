"""The operator's /admin pages have their own session cookie, apart from the LTI cookie that travels in the iframe."""
from __future__ import annotations

import pytest

from lti_app.extensions import db
from lti_app.web.operators.auth import SESSION_KEY
from tests.conftest import fresh_app
from tests.factories import make_operator
from tests.web.admin_client import admin_session, own_csrf_token, sign_in
from tests.web.course_pages import launch

LTI_COOKIE = "rementor_session"
ADMIN_COOKIE = "rementor_admin"


@pytest.fixture
def operator(app):
    row = make_operator("ops@rementor.test")
    db.session.commit()
    return row


def set_cookies(response) -> dict[str, str]:
    """Each Set-Cookie header of ``response`` by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def attributes(header: str) -> set[str]:
    """The attributes of one Set-Cookie header, lower-cased (``samesite=strict``, ``httponly``...)."""
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_signing_in_sets_the_operator_cookie_strict_and_only_for_admin(client, operator):
    response = sign_in(client, operator.email)
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert LTI_COOKIE not in cookies
    admin = attributes(cookies[ADMIN_COOKIE])
    assert {"samesite=strict", "path=/admin", "httponly", "secure"} <= admin
    assert "partitioned" not in admin and not any(a.startswith("domain=") for a in admin)
    assert client.get("/admin/").status_code == 200


def test_the_lti_cookie_keeps_its_cross_site_attributes(app, platform):
    staff = launch(app, platform, platform.instructor.sub)
    cookie = staff.client.get_cookie(LTI_COOKIE, domain="tool.test")
    assert cookie is not None
    assert cookie.path == "/" and cookie.secure and cookie.http_only and cookie.same_site == "None"
    assert staff.client.get_cookie(ADMIN_COOKIE, domain="tool.test", path="/admin") is None


def test_admin_pages_leave_the_lti_cookie_untouched(app, platform, operator):
    staff = launch(app, platform, platform.instructor.sub)
    before = staff.client.get_cookie(LTI_COOKIE, domain="tool.test").value
    responses = [staff.client.get("/admin/login"), sign_in(staff.client, operator.email), staff.client.get("/admin/")]
    assert [LTI_COOKIE in set_cookies(r) for r in responses] == [False, False, False]
    assert staff.client.get_cookie(LTI_COOKIE, domain="tool.test").value == before
    with staff.client.session_transaction() as lti_session:
        assert SESSION_KEY not in lti_session and lti_session["courses"]
    assert staff.get("instructor/").status_code == 200  # the course session still works beside the operator's


def test_a_course_page_does_not_see_the_operator_session(app, operator, platform):
    client = app.test_client()
    assert sign_in(client, operator.email).status_code == 302
    page = client.get("/courses/1/instructor/")
    assert page.status_code in {401, 403} and "ops@rementor.test" not in page.get_data(as_text=True)
    assert ADMIN_COOKIE not in set_cookies(page)
    with client.session_transaction() as lti_session:  # what the course pages read
        assert SESSION_KEY not in lti_session


def test_an_operator_session_planted_in_the_lti_cookie_opens_no_admin_page(app, operator):
    client = app.test_client()
    sign_in(client, operator.email)
    with admin_session(client) as session:
        stolen = dict(session)
    other = app.test_client()
    with other.session_transaction() as lti_session:
        lti_session.update(stolen)
    assert other.get("/admin/").status_code == 403


def test_neither_cookie_value_is_accepted_under_the_other_name(app, operator):
    client = app.test_client()
    sign_in(client, operator.email)
    admin_value = client.get_cookie(ADMIN_COOKIE, domain="tool.test", path="/admin").value
    with admin_session(client) as session:
        entry = dict(session)
    as_lti = app.test_client()
    as_lti.set_cookie(LTI_COOKIE, admin_value, domain="tool.test")
    with as_lti.session_transaction() as lti_session:
        assert SESSION_KEY not in lti_session  # another salt: the operator's value does not open as an LTI session
        lti_session.update(entry)  # now an LTI-signed cookie holding a live operator session
    lti_value = as_lti.get_cookie(LTI_COOKIE, domain="tool.test").value
    as_admin = app.test_client()
    as_admin.set_cookie(ADMIN_COOKIE, lti_value, domain="tool.test", path="/admin")
    assert as_admin.get("/admin/").status_code == 403
    assert client.get("/admin/").status_code == 200  # the genuine cookie still works


def test_each_cookie_has_its_own_csrf_token(app, platform, operator):
    staff = launch(app, platform, platform.instructor.sub)
    course_token = staff.csrf_token()
    with own_csrf_token():
        refused = staff.client.post("/admin/login", data={"csrf_token": course_token, "email": operator.email,
                                                            "password": "correct horse battery staple"})
    assert refused.status_code == 400
    assert staff.client.get("/admin/").status_code == 403


@pytest.fixture
def plain_http_app(request):
    yield from fresh_app(request, {"SESSION_COOKIE_SECURE": False, "SESSION_COOKIE_SAMESITE": "Lax",
                                   "SESSION_COOKIE_PARTITIONED": False, "PREFERRED_URL_SCHEME": "http"})


def test_in_development_the_operator_cookie_is_not_secure(plain_http_app):
    make_operator("dev@rementor.test")
    db.session.commit()
    client = plain_http_app.test_client()
    response = sign_in(client, "dev@rementor.test")
    admin = attributes(set_cookies(response)[ADMIN_COOKIE])
    assert "secure" not in admin and {"samesite=strict", "path=/admin"} <= admin
    assert client.get("/admin/").status_code == 200
