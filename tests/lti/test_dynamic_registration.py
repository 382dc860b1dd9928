"""LTI Dynamic Registration at /lti/register against simulated Moodle 4.x and Canvas platforms (requests-mock)."""
from __future__ import annotations

import logging

import pytest
import requests
import requests_mock
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.lti.claims import ALL_SERVICE_SCOPES
from lti_app.lti.models import Deployment, Platform
from lti_app.lti.outbound import REFUSED
from tests.conftest import fresh_app
from tests.lti import simulated_lms
from tests.lti.simulated_lms import CANVAS, CANVAS_SSO, MOODLE, TOOL_CONFIGURATION

TOOL = "https://tool.test"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def strict_client(request):
    """A client of an app with no private hosts listed (production's default)."""
    for app in fresh_app(request, {"LTI_PRIVATE_HOSTS": []}):
        yield app.test_client()


@pytest.fixture
def mocker():
    with requests_mock.Mocker() as m:
        yield m


@pytest.fixture
def moodle(mocker):
    return simulated_lms.moodle().install(mocker)


@pytest.fixture
def canvas(mocker):
    return simulated_lms.canvas().install(mocker)


def sent_to(mocker: requests_mock.Mocker, platform: simulated_lms.SimulatedPlatform) -> list:
    """The requests the tool sent to ``platform``'s own origin."""
    return [r for r in mocker.request_history if r.url.startswith(platform.issuer)]


def refused(page, status: int, code: str, *fragments: str) -> str:
    """The registration error page: its status, its code, what it says, and nothing stored."""
    html = page.get_data(as_text=True)
    assert page.status_code == status, html
    assert f"<code>{code}</code>" in html
    for fragment in fragments:
        assert fragment in html, fragment
    assert "Nothing was registered with ReMentor" in html
    assert (count(Platform), count(Deployment)) == (0, 0)
    assert "frame-ancestors 'self' https:" in page.headers["Content-Security-Policy"]
    return html


# -- Moodle -------------------------------------------------------------------------------------------------
def test_a_moodle_registration_is_stored_pending_with_its_deployment(client, moodle):
    page = client.get(moodle.register_url(moodle.issue_token()))
    html = page.get_data(as_text=True)

    assert page.status_code == 200, html
    assert "Registered, awaiting approval by the ReMentor operator" in html
    platform = db.session.scalar(select(Platform))
    assert (platform.issuer, platform.client_id, platform.name) == (MOODLE, "moodle-client-7", "Moodle at moodle.test")
    assert (platform.auth_login_url, platform.auth_token_url, platform.key_set_url) == (
        f"{MOODLE}/mod/lti/auth.php", f"{MOODLE}/mod/lti/token.php", f"{MOODLE}/mod/lti/certs.php",
    )
    assert platform.pending and platform.active and platform.auth_audience is None
    assert [(d.deployment_id, d.pending) for d in platform.deployments] == [("7", True)]


def test_the_registration_page_closes_the_platform_dialog_from_a_script_file(client, moodle):
    page = client.get(moodle.register_url(moodle.issue_token()))
    html = page.get_data(as_text=True)
    assert '<script src="/static/js/registration-close.js"></script>' in html
    assert 'id="registration-done"' in html and "<script>" not in html
    assert "frame-ancestors 'self' https:" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    with client.get("/static/js/registration-close.js") as script:
        assert 'subject: "org.imsglobal.lti.close"' in script.get_data(as_text=True)
    assert 'data-close-targets="https://moodle.test"' in html


def test_the_tool_sends_the_token_and_a_registration_moodle_accepts(client, mocker, moodle):
    token = moodle.issue_token()
    client.get(moodle.register_url(token))
    config_get, registration_post = sent = sent_to(mocker, moodle)
    assert all(r.headers["Authorization"] == f"Bearer {token}" for r in sent)
    assert config_get.method == "GET" and registration_post.method == "POST"
    assert registration_post.headers["Content-Type"] == "application/json"
    assert "User-Agent" in registration_post.headers

    body = moodle.received[0]
    assert body["application_type"] == "web" and body["response_types"] == ["id_token"]
    assert body["grant_types"] == ["implicit", "client_credentials"]
    assert body["token_endpoint_auth_method"] == "private_key_jwt"
    assert (body["initiate_login_uri"], body["redirect_uris"], body["jwks_uri"]) == (
        f"{TOOL}/lti/login", [f"{TOOL}/lti/launch"], f"{TOOL}/lti/jwks",
    )
    assert body["client_name"] == "ReMentor" and body["logo_uri"] == f"{TOOL}/static/img/rementor.svg"
    assert body["scope"].split() == list(ALL_SERVICE_SCOPES)
    tool = body[TOOL_CONFIGURATION]
    assert tool["domain"] == "tool.test" and tool["target_link_uri"] == f"{TOOL}/lti/launch"
    assert tool["claims"] == ["sub", "iss", "name", "given_name", "family_name", "email", "locale"]
    assert [m["type"] for m in tool["messages"]] == ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]
    assert tool["description"].startswith("Reverse mentoring")
    assert tool["https://canvas.instructure.com/lti/privacy_level"] == "public"


def test_the_logo_offered_to_platforms_is_served(client):
    with client.get("/static/img/rementor.svg") as logo:
        assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"


# -- Canvas -------------------------------------------------------------------------------------------------
def test_a_canvas_registration_is_stored_pending_without_a_deployment(client, mocker, canvas):
    token = canvas.issue_token()
    page = client.get(canvas.register_url(token))
    html = page.get_data(as_text=True)

    assert page.status_code == 200, html
    assert "awaiting approval by the ReMentor operator" in html and "recorded at its first launch" in html
    platform = db.session.scalar(select(Platform))
    assert (platform.issuer, platform.client_id, platform.name) == (CANVAS, "10000000000042", "Test University")
    assert (platform.auth_login_url, platform.auth_token_url, platform.key_set_url) == (
        f"{CANVAS_SSO}/api/lti/authorize_redirect", f"{CANVAS_SSO}/login/oauth2/token", f"{CANVAS_SSO}/api/lti/security/jwks",
    )
    # Canvas publishes authorization_server as a bare host but checks aud against its token URL.
    assert platform.auth_audience is None
    assert platform.pending and platform.deployments == []
    config_get = sent_to(mocker, canvas)[0]
    assert config_get.method == "GET" and config_get.headers["Authorization"] == f"Bearer {token}"
    placements = {m["type"]: m["placements"] for m in canvas.received[0][TOOL_CONFIGURATION]["messages"]}
    assert placements == {"LtiResourceLinkRequest": ["course_navigation"],
                          "LtiDeepLinkingRequest": ["link_selection", "assignment_selection"]}


def test_another_platform_s_authorization_server_becomes_the_token_audience(client, mocker):
    moodle = simulated_lms.moodle()
    moodle.configuration["authorization_server"] = "https://moodle.test/mod/lti/token.php#aud"
    moodle.install(mocker)
    assert client.get(moodle.register_url(moodle.issue_token())).status_code == 200
    assert db.session.scalar(select(Platform)).auth_audience == "https://moodle.test/mod/lti/token.php#aud"


# -- approval -----------------------------------------------------------------------------------------------
def test_an_issuer_listed_for_automatic_approval_is_active_at_once(app, client, moodle):
    app.config["REGISTRATION_AUTO_APPROVE_ISSUERS"] = [MOODLE]
    page = client.get(moodle.register_url(moodle.issue_token()))
    assert page.status_code == 200 and "Registered and active" in page.get_data(as_text=True)
    platform = db.session.scalar(select(Platform))
    assert not platform.pending and not platform.deployments[0].pending


def test_an_issuer_not_listed_for_automatic_approval_stays_pending(app, client, canvas):
    app.config["REGISTRATION_AUTO_APPROVE_ISSUERS"] = [MOODLE]
    assert client.get(canvas.register_url(canvas.issue_token())).status_code == 200
    assert db.session.scalar(select(Platform)).pending


def test_the_auto_approve_setting_is_read_from_the_environment():
    from tests.unit.test_settings import _development_setting

    listed = _development_setting("REGISTRATION_AUTO_APPROVE_ISSUERS", {"REGISTRATION_AUTO_APPROVE_ISSUERS": " https://moodle.test , https://lms.example.edu"})
    assert listed == "['https://moodle.test', 'https://lms.example.edu']"
    assert _development_setting("REGISTRATION_AUTO_APPROVE_ISSUERS", {"REGISTRATION_AUTO_APPROVE_ISSUERS": ""}) == "[]"


# -- bad input: a clear page, nothing stored ------------------------------------------------------------------
def test_a_missing_registration_token_is_refused_before_any_request(client, mocker, moodle):
    refused(client.get(moodle.register_url(None)), 400, "RegistrationRequestInvalid", "no registration_token", "Add LTI Advantage")
    assert mocker.request_history == []


def test_a_missing_configuration_url_is_refused(client, moodle):
    page = client.get("/lti/register", query_string={"registration_token": moodle.issue_token()})
    refused(page, 400, "RegistrationRequestInvalid", "no openid_configuration")


@pytest.mark.parametrize(
    "config_url, says",
    [
        pytest.param("http://moodle.test/mod/lti/openid-configuration.php", "not an HTTPS URL", id="plain-http"),
        pytest.param("https://127.0.0.1/mod/lti/openid-configuration.php", REFUSED, id="loopback"),
        pytest.param("https://10.0.0.8/openid-configuration", REFUSED, id="private-network"),
        pytest.param("https://localhost/openid-configuration", REFUSED, id="localhost"),
        pytest.param("file:///etc/passwd", "not an HTTPS URL", id="file"),
        pytest.param("https://[::1/openid-configuration", "not a URL", id="broken-ipv6"),
    ],
)
def test_a_configuration_url_that_is_not_public_https_is_never_fetched(strict_client, mocker, moodle, config_url, says):
    page = strict_client.get(moodle.register_url(moodle.issue_token(), config_url))
    html = refused(page, 400, "RegistrationAddressRefused", says)
    assert "LTI_PRIVATE_HOSTS" in html
    assert mocker.request_history == []


def test_an_expired_registration_token_is_refused_before_any_request(client, mocker, moodle):
    page = client.get(moodle.register_url(moodle.issue_token(expires_in=-3600)))
    refused(page, 403, "RegistrationTokenRejected", "The registration token has expired", "expire after about an hour")
    assert mocker.request_history == []


def test_a_token_canvas_refuses_for_its_configuration_is_named(client, canvas):
    refused(client.get(canvas.register_url("not-a-token-canvas-issued")), 403, "RegistrationTokenRejected", "HTTP 401")


def test_a_moodle_token_used_a_second_time_is_refused_and_stores_nothing_more(client, moodle):
    token = moodle.issue_token()
    assert client.get(moodle.register_url(token)).status_code == 200
    db.session.execute(Deployment.__table__.delete())
    db.session.execute(Platform.__table__.delete())
    db.session.commit()
    refused(client.get(moodle.register_url(token)), 403, "RegistrationTokenRejected", "token_already_used")


def test_the_registration_token_never_reaches_a_page_or_the_log(client, mocker, caplog):
    canvas = simulated_lms.canvas(issuer="https://elsewhere.test").install(mocker)
    token = canvas.issue_token()
    config_url = f"{canvas.config_url}?registration_token={token}"  # Canvas repeats the token in this URL
    mocker.get(config_url, json=canvas.configuration)
    with caplog.at_level(logging.INFO):
        html = refused(client.get(canvas.register_url(token, config_url)), 403, "IssuerMismatch")
    assert token not in html and token not in caplog.text
    assert "/api/lti/security/openid-configuration" in html


@pytest.mark.parametrize(
    "answer, status, code, says",
    [
        pytest.param({"exc": requests.ConnectionError}, 502, "PlatformConfigurationUnavailable", "could not be reached", id="unreachable"),
        pytest.param({"exc": requests.Timeout}, 502, "PlatformConfigurationUnavailable", "could not be reached", id="timeout"),
        pytest.param({"exc": requests.exceptions.SSLError}, 502, "PlatformConfigurationUnavailable", "could not be reached", id="tls"),
        pytest.param({"status_code": 500, "text": "oops"}, 502, "PlatformConfigurationUnavailable", "HTTP 500", id="server-error"),
        pytest.param({"status_code": 302, "headers": {"Location": "http://169.254.169.254/"}}, 502,
                     "PlatformConfigurationUnavailable", "HTTP 302", id="redirect-not-followed"),
        pytest.param({"text": "<html>Moodle</html>"}, 502, "InvalidPlatformConfiguration", "not JSON", id="not-json"),
        pytest.param({"json": ["issuer"]}, 502, "InvalidPlatformConfiguration", "not a JSON object", id="not-an-object"),
        pytest.param({"text": "{" + " " * 300_000 + "}"}, 502, "InvalidPlatformConfiguration", "larger than", id="too-large"),
    ],
)
def test_an_unreachable_or_unreadable_configuration_is_refused(client, mocker, moodle, answer, status, code, says):
    mocker.get(moodle.config_url, **answer)
    refused(client.get(moodle.register_url(moodle.issue_token())), status, code, says)
    assert not moodle.received


@pytest.mark.parametrize(
    "change, says",
    [
        pytest.param({"registration_endpoint": None}, "lacks registration_endpoint", id="no-registration-endpoint"),
        pytest.param({"jwks_uri": ""}, "lacks jwks_uri", id="empty-jwks-uri"),
        pytest.param({simulated_lms.PLATFORM_CONFIGURATION: None}, "not an LTI platform configuration", id="plain-openid"),
        pytest.param({"jwks_uri": "http://moodle.test/mod/lti/certs.php"}, "jwks_uri", id="key-set-over-http"),
        pytest.param({"authorization_endpoint": "https://192.168.1.5/auth.php"}, REFUSED, id="private-login"),
        pytest.param({"token_endpoint": "https://2130706433/token.php"}, REFUSED, id="numeric-loopback-token"),
        pytest.param({"registration_endpoint": "https://[::ffff:10.0.0.1]/register"}, REFUSED, id="mapped-private-registration"),
    ],
)
def test_an_invalid_configuration_is_refused_before_registering(client, mocker, change, says):
    moodle = simulated_lms.moodle()
    for key, value in change.items():
        if value is None:
            del moodle.configuration[key]
        else:
            moodle.configuration[key] = value
    mocker.get(moodle.config_url, json=moodle.configuration)
    mocker.post(f"{MOODLE}/mod/lti/openid-registration.php", status_code=500)
    refused(client.get(moodle.register_url(moodle.issue_token())), 502, "InvalidPlatformConfiguration", says)
    assert not [r for r in mocker.request_history if r.method == "POST"]


@pytest.mark.parametrize(
    "config_url, issuer",
    [
        pytest.param("https://moodle.test/mod/lti/openid-configuration.php", "https://other-moodle.test", id="another-host"),
        pytest.param("https://moodle.test/mod/lti/openid-configuration.php", "http://moodle.test", id="another-scheme"),
        pytest.param("https://moodle.test/mod/lti/openid-configuration.php", "https://moodle.test:8443", id="another-port"),
        pytest.param("https://canvas.instructure.com.evil.test/openid", CANVAS, id="lookalike-prefix"),
        # Canvas builds its configuration URL on the issuer's host in production; a school domain serving a
        # configuration that claims the shared issuer is not Canvas.
        pytest.param("https://school.instructure.com/api/lti/security/openid-configuration", CANVAS, id="canvas-issuer-elsewhere"),
    ],
)
def test_a_configuration_naming_an_issuer_on_another_origin_is_refused(client, mocker, config_url, issuer):
    platform = simulated_lms.moodle()
    platform.configuration["issuer"] = issuer
    mocker.get(config_url, json=platform.configuration)
    mocker.post(platform.registration_endpoint, status_code=500)
    refused(client.get(platform.register_url(platform.issue_token(), config_url)), 403, "IssuerMismatch", "another origin")
    assert not [r for r in mocker.request_history if r.method == "POST"]


def test_an_issuer_under_a_path_on_the_same_origin_is_accepted(client, mocker):
    moodle = simulated_lms.moodle()
    moodle.config_url = f"{MOODLE}/moodle/mod/lti/openid-configuration.php"
    moodle.configuration["issuer"] = f"{MOODLE}/moodle"
    moodle.install(mocker)
    assert client.get(moodle.register_url(moodle.issue_token())).status_code == 200
    assert db.session.scalar(select(Platform)).issuer == f"{MOODLE}/moodle"


@pytest.mark.parametrize(
    "answer, says",
    [
        pytest.param({"status_code": 400, "text": "missing required attribute domain"}, "missing required attribute domain", id="moodle-400"),
        pytest.param({"status_code": 422, "json": {"errors": ["invalid scope"]}}, "HTTP 422", id="canvas-422"),
        pytest.param({"status_code": 200, "json": {"client_name": "ReMentor"}}, "without a client_id", id="no-client-id"),
        pytest.param({"status_code": 200, "text": "<html>ok</html>"}, "did not answer with JSON", id="not-json"),
        pytest.param({"exc": requests.ConnectionError}, "could not be reached", id="unreachable"),
    ],
)
def test_a_platform_rejecting_the_registration_leaves_nothing_stored(client, mocker, canvas, answer, says):
    mocker.post(canvas.registration_endpoint, **answer)
    refused(client.get(canvas.register_url(canvas.issue_token())), 502, "RegistrationRefused", says)


def test_a_second_registration_of_the_same_client_changes_nothing(client, canvas):
    assert client.get(canvas.register_url(canvas.issue_token())).status_code == 200
    first = db.session.scalar(select(Platform))
    first.name, first.frame_origins = "Renamed by the operator", ["https://school.instructure.com"]
    db.session.commit()

    page = client.get(canvas.register_url(canvas.issue_token()))
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "<code>DuplicateRegistration</code>" in html
    assert "already registered" in html
    db.session.expire_all()
    assert count(Platform) == 1 and count(Deployment) == 0
    kept = db.session.scalar(select(Platform))
    assert (kept.name, kept.frame_origins, kept.pending) == ("Renamed by the operator", ["https://school.instructure.com"], True)


def test_a_second_client_of_the_same_issuer_is_a_new_registration(client, mocker, canvas):
    assert client.get(canvas.register_url(canvas.issue_token())).status_code == 200
    canvas.client_id = "10000000000099"
    assert client.get(canvas.register_url(canvas.issue_token())).status_code == 200
    assert sorted(db.session.scalars(select(Platform.client_id))) == ["10000000000042", "10000000000099"]
