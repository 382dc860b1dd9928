"""Security headers: form-action limited to the tool and the registered platforms, HSTS on HTTPS responses only."""
from __future__ import annotations

import pytest
from flask import render_template_string

from lti_app.demo import DEEP_LINKING_REQUEST
from lti_app.demo.platform import DemoPlatform
from lti_app.extensions import db
from lti_app.lti.models import origin_of
from lti_app.web.security import allow_form_action
from tests.conftest import fresh_app
from tests.factories import make_operator, make_platform
from tests.lti_platform import forms_of, path_of
from tests.web.admin_client import sign_in

YEAR = 365 * 24 * 3600


def directive(response, name: str) -> list[str]:
    """The sources of one directive of the response's Content-Security-Policy."""
    for part in response.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {response.headers['Content-Security-Policy']}")


def test_tool_pages_post_forms_only_to_the_tool_and_the_registered_platforms(client):
    make_platform(issuer="https://moodle.uni.test", auth_login_url="https://moodle.uni.test/mod/lti/auth.php")
    make_platform(issuer="https://canvas.instructure.com", auth_login_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
                  frame_origins=["https://school.instructure.com"])
    make_platform(issuer="https://off.test", active=False)
    db.session.commit()
    targets = directive(client.get("/lti/jwks"), "form-action")
    assert set(targets) == {
        "'self'", "https://moodle.uni.test", "https://canvas.instructure.com", "https://sso.canvaslms.com",
        "https://school.instructure.com",
    }
    assert "https:" not in targets and "http:" not in targets


def test_admin_pages_post_forms_only_to_themselves(client):
    make_platform(issuer="https://moodle.uni.test")
    make_operator("ops@rementor.test")
    db.session.commit()
    sign_in(client, "ops@rementor.test")
    page = client.get("/admin/")
    assert page.status_code == 200
    assert directive(page, "form-action") == ["'self'"] and directive(page, "frame-ancestors") == ["'none'"]


@pytest.fixture
def hsts_app(request):
    yield from fresh_app(request, {"HSTS_SECONDS": YEAR, "PROXY_FIX_HOPS": 1})


def test_hsts_on_https_responses_only(hsts_app):
    client = hsts_app.test_client()
    secure = client.get("/healthz")  # the test client speaks https://tool.test
    assert secure.headers["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    assert "Strict-Transport-Security" in client.get("/admin/login").headers
    plain = client.get("/healthz", base_url="http://tool.test")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers


def test_hsts_follows_the_proxys_scheme(hsts_app):
    client = hsts_app.test_client()
    behind_tls = client.get("/healthz", base_url="http://tool.test", headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.headers["Strict-Transport-Security"].startswith(f"max-age={YEAR}")
    plain = client.get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def test_no_hsts_when_the_setting_is_zero(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_the_deep_linking_return_form_posts_where_the_csp_allows(browser, client, platform):
    picker = browser.launch(platform.instructor.sub, DEEP_LINKING_REQUEST)
    (choice,) = forms_of(picker)
    answer = client.post(path_of(choice.action), data=choice.fields)
    (back,) = forms_of(answer)
    assert back.action == platform.deep_link_return_url
    assert origin_of(back.action) in directive(answer, "form-action")


def test_a_return_url_on_an_origin_the_platform_never_named_is_allowed_on_that_page(browser, client, platform, monkeypatch):
    school = "https://school.example.edu/courses/1/deep_linking_response"  # Canvas: the school's own domain
    monkeypatch.setattr(DemoPlatform, "deep_link_return_url", property(lambda self: school))
    (choice,) = forms_of(browser.launch(platform.instructor.sub, DEEP_LINKING_REQUEST))
    answer = client.post(path_of(choice.action), data=choice.fields)
    assert forms_of(answer)[0].action == school
    assert "https://school.example.edu" in directive(answer, "form-action")


@pytest.fixture
def app_with_a_page_posting_off_site(request):
    for app in fresh_app(request, own=True):

        @app.get("/test/posts-to-the-lms")
        def posts_to_the_lms():
            allow_form_action("https://school.example.edu/courses/1/deep_linking_response?x=1")
            return render_template_string('<form method="post" action="https://school.example.edu/courses/1/x"></form>')

        yield app


def test_a_page_names_its_own_form_target_for_that_response_only(app_with_a_page_posting_off_site):
    client = app_with_a_page_posting_off_site.test_client()
    page = client.get("/test/posts-to-the-lms")
    assert directive(page, "form-action") == ["'self'", "https://school.example.edu"]
    assert directive(client.get("/healthz"), "form-action") == ["'self'"]
