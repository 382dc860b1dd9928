"""The outbound guard (lti/outbound.py) through the HTTP layer: /lti/register, launches and service calls refuse
every address the tool may not call, and prove it by real servers on 127.0.0.1 that accept nothing."""
from __future__ import annotations

import logging

import pytest
import requests
import requests_mock
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.lti.http import make_session
from lti_app.lti.models import Deployment, LtiContext, Platform
from lti_app.lti.outbound import REFUSED, AddressRefused, public
from tests.conftest import fresh_app
from tests.factories import make_cohort
from tests.lti.local_servers import Listener, PlatformServer, Resolver, closed_port, moodle_at, refuse_connections, serve
from tests.lti_platform import LMS, LmsBrowser, register_test_lms, route_to
from tests.web.course_pages import commit, launch

PUBLIC = "93.184.216.34"  # an address of example.com: public, and never connected to here
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
EXCEPTION_NAMES = ("SSLError", "ConnectionError", "ConnectTimeout", "InvalidIPAddress", "gaierror", "Errno")
QUICK = {"LTI_HTTP_CONNECT_TIMEOUT": 0.5, "LTI_HTTP_READ_TIMEOUT": 0.5}


@pytest.fixture
def app(request):
    """Testing's private hosts (localhost, 127.0.0.1, ::1), with short timeouts."""
    yield from fresh_app(request, QUICK)


@pytest.fixture
def strict_app(request):
    """No private host listed (production's default)."""
    yield from fresh_app(request, {**QUICK, "LTI_PRIVATE_HOSTS": []})


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def connections(monkeypatch):
    """Every address urllib3 connects to; each attempt fails at once (nothing here may reach the network)."""
    return refuse_connections(monkeypatch)


def resolve(monkeypatch, **names) -> Resolver:
    resolver = Resolver(names)
    monkeypatch.setattr("socket.getaddrinfo", resolver)
    return resolver


def register(client, config_url: str):
    return client.get("/lti/register", query_string={"openid_configuration": config_url, "registration_token": "t"})


def refused_page(page, status: int = 400, code: str = "RegistrationAddressRefused", says: str = REFUSED) -> str:
    html = page.get_data(as_text=True)
    assert page.status_code == status, html
    assert f"<code>{code}</code>" in html and says in html
    assert not [name for name in EXCEPTION_NAMES if name in html]  # no exception class: nothing tells ports apart
    assert db.session.scalar(select(Platform)) is None
    return html


# -- registration: numeric and private addresses, names that resolve to them ------------------------------------
@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "0177.0.0.1", "0x7f.1"])
def test_numeric_forms_of_loopback_do_not_match_the_listed_127_0_0_1_and_are_refused(app, listener, host):
    assert "127.0.0.1" in app.config["LTI_PRIVATE_HOSTS"]
    refused_page(register(app.test_client(), f"https://{host}:{listener.port}/mod/lti/openid-configuration.php"))
    with pytest.raises(AddressRefused):  # and the session refuses them by itself too, on HTTPS and HTTP
        make_session(0.5, 0.5, app.config["LTI_PRIVATE_HOSTS"]).get(f"http://{host}:{listener.port}/x")
    assert listener.accepted == 0


NOT_PUBLIC = [
    "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "169.254.169.254", "10.0.0.1", "172.16.0.1", "192.168.1.1",
    "0.0.0.0", "[::]", "100.64.0.1", "224.0.0.1", "[ff02::1]", "[ff0e::1]", "240.0.0.1", "255.255.255.255",
    "[fe80::1]", "[fc00::1]", "[fec0::1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[::127.0.0.1]", "192.0.2.1",
]


@pytest.mark.parametrize("host", NOT_PUBLIC)
def test_a_configuration_url_on_an_address_that_is_not_public_is_refused_without_a_connection(strict_app, listener, host):
    refused_page(register(strict_app.test_client(), f"https://{host}:{listener.port}/openid-configuration"))
    with pytest.raises(AddressRefused):
        make_session(0.5, 0.5).get(f"https://{host}:{listener.port}/openid-configuration")
    assert listener.accepted == 0


def test_a_name_that_resolves_to_loopback_is_refused_alike_for_an_open_port_a_closed_one_and_an_unknown_name(
        strict_app, listener, monkeypatch):
    resolver = resolve(monkeypatch, **{"intranet.test": [["127.0.0.1"]], "nowhere.test": None})
    client, closed = strict_app.test_client(), closed_port()
    pages = {
        label: refused_page(register(client, f"https://{host}:{port}/openid-configuration")).replace(f"{host}:{port}", "HOST")
        for label, host, port in [("open", "intranet.test", listener.port), ("closed", "intranet.test", closed),
                                  ("unknown", "nowhere.test", listener.port)]
    }
    assert pages["open"] == pages["closed"] == pages["unknown"]
    assert resolver.asked == ["intranet.test", "intranet.test", "nowhere.test"]
    assert listener.accepted == 0


def test_a_name_resolving_to_a_private_address_first_is_refused(strict_app, listener, monkeypatch, connections):
    resolve(monkeypatch, **{"mixed.test": [["10.1.2.3", PUBLIC]]})
    refused_page(register(strict_app.test_client(), f"https://mixed.test:{listener.port}/openid-configuration"))
    assert connections == [] and listener.accepted == 0


@pytest.mark.parametrize("address", ["::127.0.0.1", "fec0::1", "100.64.0.1", "ff0e::1"])
def test_a_name_resolving_to_an_address_the_library_alone_would_let_through_is_refused(
        strict_app, monkeypatch, connections, address):
    resolve(monkeypatch, **{"odd.test": [[address]]})
    refused_page(register(strict_app.test_client(), "https://odd.test/openid-configuration"))
    assert connections == []


def test_dns_rebinding_connects_to_the_address_that_was_checked(strict_app, listener, monkeypatch, connections):
    """The name answers a public address, then loopback: the connection goes to the checked public address."""
    resolver = resolve(monkeypatch, **{"rebind.test": [[PUBLIC, "127.0.0.1"], ["127.0.0.1"]]})
    page = register(strict_app.test_client(), f"https://rebind.test:{listener.port}/openid-configuration")
    refused_page(page, 502, "PlatformConfigurationUnavailable", "could not be reached")
    assert connections == [(PUBLIC, listener.port)]
    assert resolver.asked == ["rebind.test"]  # one lookup: the connection was made to its (checked) answer
    assert listener.accepted == 0


def test_the_rule_judges_mapped_and_embedded_addresses_and_lets_public_ones_pass():
    import ipaddress

    assert public(ipaddress.ip_address(PUBLIC)) and public(ipaddress.ip_address("2606:4700::1"))
    assert public(ipaddress.ip_address(f"::ffff:{PUBLIC}"))
    assert not any(public(ipaddress.ip_address(host.strip("[]"))) for host in NOT_PUBLIC)


def test_through_a_proxy_the_address_is_still_checked_and_the_proxy_tunnels_to_it(monkeypatch, listener):
    """With HTTPS_PROXY the tool resolves and judges the name itself and asks the proxy for the checked address."""
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{listener.port}")
    resolve(monkeypatch, **{"lms.example": [[PUBLIC]], "intranet.test": [["127.0.0.1"]]})
    session = make_session(0.5, 0.5)
    with pytest.raises(AddressRefused):
        session.get("https://intranet.test/secrets")
    assert listener.accepted == 0
    with pytest.raises(requests.RequestException):  # the "proxy" hangs up after reading the request
        session.get("https://lms.example/jwks")
    assert [first.split(b" ")[:2] for first in listener.received] == [[b"CONNECT", f"{PUBLIC}:443".encode()]]


# -- redirects are never followed -----------------------------------------------------------------------------
def test_a_redirect_to_another_address_is_not_followed(app, listener):
    server = PlatformServer(lambda *request: (302, {"Location": f"http://127.0.0.1:{listener.port}/meta-data"}, ""))
    try:
        page = register(app.test_client(), f"{server.base}/mod/lti/openid-configuration.php")
        refused_page(page, 502, "PlatformConfigurationUnavailable", "answered HTTP 302")
        answer = make_session(0.5, 0.5, ["127.0.0.1"]).get(f"{server.base}/x")  # requests' default: follow
        assert answer.status_code == 302 and not answer.history
    finally:
        server.close()
    assert len(server.requests) == 2 and listener.accepted == 0


# -- LTI_PRIVATE_HOSTS: a test Moodle over HTTP on loopback ---------------------------------------------------------
def register_with_local_moodle(app) -> tuple:
    """Register from a Moodle-shaped platform served over plain HTTP on 127.0.0.1: the page and the server."""
    server = PlatformServer(lambda *request: answer(*request))
    moodle = moodle_at(server.base)
    answer = serve(moodle)
    try:
        return app.test_client().get(moodle.register_url(moodle.issue_token())), server
    finally:
        server.close()


def test_a_listed_host_is_reached_over_plain_http_and_registered(app):
    page, server = register_with_local_moodle(app)
    assert page.status_code == 200, page.get_data(as_text=True)
    platform = db.session.scalar(select(Platform))
    assert (platform.issuer, platform.key_set_url) == (server.base, f"{server.base}/mod/lti/certs.php")
    assert [d.deployment_id for d in platform.deployments] == ["7"]
    assert [method for method, _ in server.requests] == ["GET", "POST"]


def test_the_same_host_is_refused_when_the_list_is_empty(strict_app):
    page, server = register_with_local_moodle(strict_app)
    refused_page(page, says="is not an HTTPS URL")
    assert server.requests == [] and db.session.scalar(select(Deployment)) is None


# -- service URLs: only on the platform's hosts ---------------------------------------------------------------
def test_a_launch_naming_services_on_a_foreign_host_succeeds_without_keeping_them(app, platform, caplog):
    browser = LmsBrowser(app.test_client(), platform)
    foreign = {NRPS: {"context_memberships_url": "https://evil.test/memberships", "service_versions": ["2.0"]},
               AGS: {"scope": [], "lineitems": "https://evil.test/lineitems"}}
    with caplog.at_level(logging.WARNING, logger="lti_app.lti.registrations"):
        assert browser.launch(platform.learners[0].sub, **foreign).status_code == 200
    row = db.session.scalar(select(LtiContext))
    assert row is None or (row.memberships_url, row.lineitems_url) == (None, None)
    assert "'evil.test'" in caplog.text and "NRPS" in caplog.text and "AGS" in caplog.text


def test_services_on_a_host_the_platform_s_launches_named_are_kept(app, platform):
    school = "https://school.test"
    claims = {NRPS: {"context_memberships_url": f"{school}/api/memberships", "service_versions": ["2.0"]},
              "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {"return_url": f"{school}/courses/1"}}
    assert LmsBrowser(app.test_client(), platform).launch(platform.learners[0].sub, **claims).status_code == 200
    assert db.session.scalar(select(LtiContext.memberships_url)) == f"{school}/api/memberships"


def test_a_stored_foreign_service_url_is_refused_at_call_time_without_a_request(app, platform):
    teacher = launch(app, platform, platform.instructor.sub)
    cohort = make_cohort(teacher.course)
    db.session.scalar(select(LtiContext)).memberships_url = "https://evil.test/memberships"  # stored before the rule
    commit()
    tokens = len(platform.token_requests)
    refreshed = teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh", follow_redirects=True)
    assert "is not on one of the platform" in refreshed.get_data(as_text=True)
    assert len(platform.token_requests) == tokens  # not even a token was asked for


# -- key set and token URLs on private addresses ------------------------------------------------------------------
@pytest.fixture
def strict_lms(strict_app):
    """The test LMS registered in the strict app; requests to hosts other than https://lms.test go out for real."""
    lms = register_test_lms()
    with requests_mock.Mocker(real_http=True) as mocker:
        route_to(lms, mocker)
        yield lms


@pytest.mark.parametrize("key_set_url", ["https://keys.internal.test:{port}/jwks", "https://[::ffff:127.0.0.1]:{port}/jwks",
                                         "http://lms.test/jwks"])
def test_a_launch_with_a_key_set_on_a_private_address_is_refused_without_a_connection(
        strict_app, strict_lms, listener, monkeypatch, connections, key_set_url):
    resolve(monkeypatch, **{"keys.internal.test": [["127.0.0.1"]]})
    strict_lms.registration.key_set_url = key_set_url.format(port=listener.port)
    db.session.commit()
    page = LmsBrowser(strict_app.test_client(), strict_lms).launch(strict_lms.learners[0].sub)
    html = page.get_data(as_text=True)
    assert page.status_code == 502 and "PlatformAddressRefused" in html and "LTI_PRIVATE_HOSTS" in html
    assert not [name for name in EXCEPTION_NAMES if name in html]
    assert connections == [] and listener.accepted == 0


def test_a_token_url_on_a_private_address_is_refused_without_a_connection(strict_app, strict_lms, listener, monkeypatch, connections):
    resolve(monkeypatch, **{"token.internal.test": [["10.0.0.9"]]})
    teacher = launch(strict_app, strict_lms, strict_lms.instructor.sub)
    cohort = make_cohort(teacher.course)
    strict_lms.registration.auth_token_url = "https://token.internal.test/token"
    commit()
    refreshed = teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh", follow_redirects=True)
    assert f"token URL {REFUSED}" in refreshed.get_data(as_text=True)
    assert connections == [] and listener.accepted == 0
    assert strict_lms.token_requests == []


def test_an_unreachable_service_names_no_exception(app, platform, monkeypatch):
    teacher = launch(app, platform, platform.instructor.sub)
    cohort = make_cohort(teacher.course)
    commit()
    monkeypatch.setattr(platform, "handle", lambda *a: (_ for _ in ()).throw(requests.exceptions.SSLError("bad handshake")))
    html = teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh", follow_redirects=True).get_data(as_text=True)
    assert "could not be reached" in html and "SSLError" not in html and "handshake" not in html


def test_a_line_item_url_is_kept_only_on_the_platform_s_hosts(app, platform, caplog):
    from lti_app.lti.registrations import own_service_url

    row = platform.registration
    with caplog.at_level(logging.WARNING, logger="lti_app.lti.registrations"):
        assert own_service_url(row, f"{LMS}/lineitems/7", "AGS line item URL") == f"{LMS}/lineitems/7"
        assert own_service_url(row, "https://LMS.test./lineitems/7", "AGS line item URL") == "https://LMS.test./lineitems/7"
        assert own_service_url(row, "https://lms.test.evil.test/lineitems/7", "AGS line item URL") is None
    assert "'lms.test.evil.test'" in caplog.text
