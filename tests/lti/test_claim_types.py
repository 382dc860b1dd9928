"""Every claim the tool reads, with a value of every JSON type: a named 4xx refusal that writes nothing, or (an optional
claim) the value ignored and the launch accepted; never a 500. Through the HTTP layer, after a real OIDC login: the
token as the test LMS signs it, and the same body unsigned (before the signature only the claims that find the
registration are read). Also payloads and headers that are not JSON objects, and login parameters of the wrong shape.

One app and one registered LMS serve the whole module (a launch takes a few milliseconds, an app a few hundred).
"""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from jwt.algorithms import RSAAlgorithm
import pytest
import requests_mock
from sqlalchemy import func, select

from lti_app.demo import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST
from lti_app.extensions import db
from lti_app.mentoring.models.course import Course, Membership
from lti_app.mentoring.models.person import Person
from tests.conftest import fresh_app
from tests.lti_platform import LMS, cached_pem, cookie_check_next, path_of, register_test_lms, route_to

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

SAMPLES: dict[str, Any] = {
    "null": None, "true": True, "zero": 0, "decimal": 1.5, "infinity": float("inf"), "string": "string",
    "empty-list": [], "list": ["a", "b"], "empty-object": {}, "object": {"a": "b"}, "nul-in-string": "a\x00b",
    "lone-surrogate": "\ud800", "5k-string": "x" * 5000,
}
# Which samples are of each kind (null is absence, left to the presence checks: any named outcome will do).
FITTING = {
    "string": {"string"}, "url": set(), "strings": {"empty-list", "list"}, "audience": {"string", "list"},
    "number": {"zero", "decimal"}, "object": {"empty-object", "object"}, "flag": {"true"},
    "scalar": {"true", "zero", "decimal", "string"}, "any": set(SAMPLES),
}
REFUSE, IGNORE = "refuse", "ignore"
RS256 = RSAAlgorithm(RSAAlgorithm.SHA256)
STANDARD: Any = object()
TOKEN_CLAIMS = {"iss", "aud", "azp", "sub", "exp", "iat", "nbf", "jti"}  # read before the signature (PyJWT reads jti)

# (path in the id_token, kind, what a value of another kind does)
CLAIMS: list[tuple[tuple[str, ...], str, str]] = [
    (("iss",), "string", REFUSE), (("aud",), "audience", REFUSE), (("azp",), "string", REFUSE),
    (("exp",), "number", REFUSE), (("iat",), "number", REFUSE), (("nbf",), "number", REFUSE), (("jti",), "string", REFUSE),
    (("sub",), "string", REFUSE), (("nonce",), "string", REFUSE), ((LTI + "deployment_id",), "string", REFUSE),
    ((LTI + "message_type",), "string", REFUSE), ((LTI + "version",), "string", REFUSE),
    ((LTI + "target_link_uri",), "url", REFUSE), ((LTI + "roles",), "strings", REFUSE),
    ((LTI + "context",), "object", REFUSE), ((LTI + "context", "id"), "string", REFUSE),
    ((LTI + "context", "title"), "string", IGNORE), ((LTI + "context", "label"), "string", IGNORE),
    ((LTI + "context", "type"), "strings", IGNORE),
    ((LTI + "resource_link",), "object", REFUSE), ((LTI + "resource_link", "id"), "string", REFUSE),
    ((LTI + "resource_link", "title"), "string", IGNORE),
    (("name",), "string", IGNORE), (("given_name",), "string", IGNORE), (("family_name",), "string", IGNORE),
    (("email",), "string", IGNORE), (("locale",), "string", IGNORE),
    ((LTI + "launch_presentation",), "object", IGNORE), ((LTI + "launch_presentation", "return_url"), "url", IGNORE),
    ((LTI + "launch_presentation", "document_target"), "string", IGNORE),
    ((LTI + "launch_presentation", "locale"), "string", IGNORE),
    ((LTI + "custom",), "object", IGNORE), ((LTI + "custom", "rementor_target"), "scalar", IGNORE),
    ((AGS,), "object", IGNORE), ((AGS, "scope"), "strings", IGNORE), ((AGS, "lineitems"), "url", IGNORE),
    ((AGS, "lineitem"), "url", IGNORE),
    ((NRPS,), "object", IGNORE), ((NRPS, "context_memberships_url"), "url", IGNORE),
    ((LTI + "tool_platform",), "object", IGNORE), ((LTI + "tool_platform", "url"), "url", IGNORE),
    ((LTI + "tool_platform", "product_family_code"), "string", IGNORE),
    ((DL,), "object", REFUSE), ((DL, "deep_link_return_url"), "url", REFUSE), ((DL, "accept_types"), "strings", REFUSE),
    ((DL, "accept_presentation_document_targets"), "strings", IGNORE), ((DL, "accept_multiple"), "flag", IGNORE),
    ((DL, "title"), "string", IGNORE), ((DL, "data"), "any", IGNORE),
]


@pytest.fixture(scope="module")
def app(request):
    """One app for the module (the cases only read, or write rows that no other case counts on)."""
    yield from fresh_app(request)


@pytest.fixture(scope="module")
def lms(app):
    """The test LMS, registered once and answering the tool's key set requests."""
    lms = register_test_lms()
    with requests_mock.Mocker() as mocker:
        route_to(lms, mocker)
        yield lms


def rows() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Person, Course, Membership))


def to_platform(client, lms, message_type: str) -> dict[str, str]:
    """Login initiation and cookie check in ``client``: the authentication request the tool sends the LMS."""
    sub = lms.instructor.sub if message_type == DEEP_LINKING_REQUEST else lms.learners[0].sub
    url, _ = lms.login_initiation(sub, message_type)
    answer = client.get(path_of(cookie_check_next(client.get(path_of(url)))))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))


@dataclass
class Login:
    """A browser after a real OIDC login, and the id_token body its LMS would sign for it."""

    client: Any
    auth: dict[str, str]
    body: dict[str, Any]

    def post(self, token: str) -> Any:
        """Form-post ``token`` with this login's state to the launch URL, as the LMS's page does."""
        return self.client.post(path_of(self.auth["redirect_uri"]), data={"id_token": token, "state": self.auth["state"]})


@pytest.fixture(scope="module")
def bodies(app, lms) -> dict[str, str]:
    """The body the LMS signs for each message type (later logins differ in nonce and times; signing is slow)."""
    signed = {kind: lms.authorize(to_platform(app.test_client(), lms, kind)) for kind in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)}
    return {kind: json.dumps(body_of(form["fields"]["id_token"])) for kind, form in signed.items()}


def new_login(app, lms, body: str, message_type: str) -> Login:
    """A fresh browser's real login, with ``body`` as the LMS would sign it for this login (its nonce, now)."""
    client = app.test_client()
    auth = to_platform(client, lms, message_type)
    now = int(time.time())
    return Login(client, auth, {**json.loads(body), "nonce": auth["nonce"], "iat": now, "exp": now + 600})


@pytest.fixture
def login(app, lms, bodies):
    """``login(message_type)``: a fresh browser's login."""
    return lambda message_type=RESOURCE_LINK_REQUEST: new_login(app, lms, bodies[message_type], message_type)


@pytest.fixture(scope="module")
def one_login(app, lms, bodies) -> Login:
    """One login for the unsigned tokens: each is refused before its nonce would be spent, so the login serves them all."""
    return new_login(app, lms, bodies[RESOURCE_LINK_REQUEST], RESOURCE_LINK_REQUEST)


def body_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


@lru_cache(maxsize=None)
def _platform_key() -> Any:
    return RS256.prepare_key(cached_pem("platform"))


def with_value(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of ``body`` whose claim at ``path`` is ``value`` (JSON null included)."""
    body = json.loads(json.dumps(body))
    parent = body
    for name in path[:-1]:
        parent = parent.setdefault(name, {})
    parent[path[-1]] = value
    return body


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(lms, body: Any, header: Any = STANDARD, signed: bool = True) -> str:
    """A token over any JSON (PyJWT refuses some of the shapes tried here): RS256 with the LMS key, or unsigned."""
    if header is STANDARD:
        header = {"alg": "RS256" if signed else "none", "typ": "JWT", "kid": lms.kid}
    return signed_as_text(b64(json.dumps(header).encode()), json.dumps(body), signed)


def signed_as_text(header: str, payload: str, signed: bool = True) -> str:
    """The token of an encoded header and a payload's JSON text, RS256-signed or not."""
    signing_input = f"{header}.{b64(payload.encode())}"
    return signing_input + "." + (b64(RS256.sign(signing_input.encode(), _platform_key())) if signed else "")


def named(page, code: str | None = None) -> str:
    """The error code the page names (asserting a 4xx page that names one, ``code`` if given)."""
    html = page.get_data(as_text=True)
    assert 400 <= page.status_code < 500, (page.status_code, html[:300])
    assert "<code>" in html, html[:300]
    found = html.split("<code>", 1)[1].split("</code>", 1)[0]
    assert code is None or found == code, (found, html[:600])
    return found


CASES = [
    pytest.param(path, kind, wrong, sample, id=f"{'.'.join(p.rsplit('/', 1)[-1] for p in path)}={sample}")
    for path, kind, wrong in CLAIMS for sample in SAMPLES
]


@pytest.mark.parametrize("path, kind, wrong, sample", CASES)
def test_a_signed_launch_with_a_claim_of_any_type_is_refused_by_name_or_goes_on(login, lms, path, kind, wrong, sample):
    browser = login(DEEP_LINKING_REQUEST if path[0] == DL else RESOURCE_LINK_REQUEST)
    before = rows()
    page = browser.post(sign(lms, with_value(browser.body, path, SAMPLES[sample])))
    if sample == "null" or sample in FITTING[kind]:
        assert page.status_code == 303 or named(page)
    elif wrong == REFUSE:
        named(page, "InvalidClaim")
    else:
        assert page.status_code == 303, page.get_data(as_text=True)[:600]
    if page.status_code != 303:
        assert rows() == before


@pytest.mark.parametrize("path, kind, wrong, sample", CASES)
def test_an_unsigned_launch_reads_only_what_finds_the_registration(one_login, lms, path, kind, wrong, sample):
    before = rows()
    page = one_login.post(sign(lms, with_value(one_login.body, path, SAMPLES[sample]), signed=False))
    if path[0] not in TOKEN_CLAIMS:
        named(page, "InvalidToken")
    elif sample == "null" or sample in FITTING[kind]:
        named(page)
    else:
        named(page, "InvalidClaim")
    assert rows() == before


NOT_OBJECTS = {"list": [1, 2], "string": "payload", "number": 7, "null": None, "true": True}


@pytest.mark.parametrize("shape", NOT_OBJECTS)
@pytest.mark.parametrize("part", ["header", "payload"])
def test_a_token_whose_header_or_payload_is_not_an_object_is_refused(login, lms, part, shape):
    browser = login()
    payload = NOT_OBJECTS[shape] if part == "payload" else browser.body
    header = NOT_OBJECTS[shape] if part == "header" else STANDARD
    named(browser.post(sign(lms, payload, header)), "InvalidToken")


@pytest.mark.parametrize("header", [{"alg": ["RS256"]}, {"alg": "RS256", "kid": {"k": 1}}, {"alg": "RS256", "kid": "k" * 300}])
def test_a_header_naming_its_key_or_algorithm_in_another_shape_is_refused(login, lms, header):
    browser = login()
    named(browser.post(sign(lms, browser.body, header)), "InvalidToken")


@pytest.mark.parametrize("path, value", [
    (("iss",), [LMS]), (("aud",), {"a": 1}), ((LTI + "context",), "course"), ((LTI + "context",), ["c"]),
])
def test_the_shapes_the_attack_reported_are_named(login, lms, path, value):
    """iss a list (was a database error), aud an object (a TypeError), context a string or a list (AttributeError)."""
    browser = login()
    named(browser.post(sign(lms, with_value(browser.body, path, value))), "InvalidClaim")


def test_an_ignored_value_is_dropped_and_the_launch_goes_on(login, lms):
    browser = login()
    body = with_value(with_value(browser.body, ("name",), 42), ("locale",), ["fr"])
    assert browser.post(sign(lms, body)).status_code == 303
    person = db.session.scalar(select(Person).where(Person.subject == lms.learners[0].sub))
    assert person.name in (None, lms.learners[0].name) and person.locale in (None, "en")  # not "42" nor "['fr']"


def test_a_large_claim_is_ignored_and_a_ten_megabyte_one_too(login, lms):
    for size in (300_000, 10_000_000):
        browser = login()
        page = browser.post(sign(lms, with_value(browser.body, ("family_name",), "x" * size)))
        assert page.status_code in (303, 413)
    person = db.session.scalar(select(Person).where(Person.subject == lms.learners[0].sub))
    assert person.family_name in (None, lms.learners[0].family_name)


LOGIN_PARAMS = {"iss": LMS, "login_hint": "someone", "lti1p3_new_window": "1"}


@pytest.mark.parametrize(
    "params",
    [
        {"iss": "a\x00b"}, {"iss": "x" * 256}, {"client_id": "c\x00"}, {"client_id": "c" * 300},
        {"login_hint": "h\x00"}, {"login_hint": "h" * 5000}, {"lti_message_hint": "m" * 9000},
        {"lti_deployment_id": "d\x00"}, {"target_link_uri": "http://["}, {"target_link_uri": "not a URL"},
        {"target_link_uri": "https://tool.test:port/lti/launch"}, {"lti1p3_new_window": None, "iss": "a\x00"},
    ],
    ids=lambda p: ",".join(f"{k}={str(v)[:12]!r}" for k, v in p.items()),
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_login_parameters_of_the_wrong_shape_are_refused(app, lms, method, params):
    """Each is text from a form or a query string; too long, a NUL or not a URL where one is needed: refused."""
    fields = {k: v for k, v in {**LOGIN_PARAMS, **params}.items() if v is not None}
    client = app.test_client()
    page = client.get("/lti/login", query_string=fields) if method == "GET" else client.post("/lti/login", data=fields)
    named(page, "InvalidLogin")


@pytest.mark.parametrize("depth", [50, 100_000])
def test_a_deeply_nested_claim_is_no_crash(login, lms, depth):
    """JSON nested past the parser's recursion limit is an unreadable token; a merely deep unknown claim is kept."""
    browser = login()
    header = sign(lms, browser.body).split(".")[0]
    nested = "[" * depth + "]" * depth
    page = browser.post(signed_as_text(header, json.dumps(browser.body)[:-1] + f', "https://example.test/nested": {nested}}}'))
    if depth > 10_000:
        named(page, "InvalidToken")
    else:
        assert page.status_code == 303
