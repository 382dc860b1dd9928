"""Test-side glue for the demo LMS: the ``platform`` fixture and a browser that drives the real LTI flow.

``platform`` builds a DemoPlatform for issuer https://lms.test, registers it with the tool (Platform row
with key_set_url https://lms.test/jwks, one deployment) and routes every request the tool sends to
https://lms.test/ (JWKS, token, AGS, NRPS) to it through requests-mock.

``LmsBrowser(client, platform).launch(user_id, ...)`` does what a browser inside the LMS does: login
initiation → cookie-check page → its ``data-next`` URL → 302 to the platform's auth endpoint →
``platform.authorize`` → form-post of id_token + state to /lti/launch → /lti/continue → the landing page.
Every step's response stays on ``browser.flow`` so negative tests can replay the launch POST.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests_mock

from lti_app.demo import RESOURCE_LINK_REQUEST, DemoPlatform
from lti_app.extensions import db
from lti_app.lti import keys
from lti_app.lti.claims import LaunchContext
from lti_app.lti.launch import restore_launch
from lti_app.lti.models import Deployment, Platform

LMS = "https://lms.test"
TOOL = "https://tool.test"
CLIENT_ID = "rementor-client-1"
DEPLOYMENT_ID = "deployment-1"


@dataclass(frozen=True)
class FromNow:
    """A time claim relative to the moment the token is signed (not to when the test module was imported)."""

    seconds: int

    def resolve(self) -> int:
        return int(time.time()) + self.seconds


def resolve_times(overrides: dict[str, Any]) -> dict[str, Any]:
    """Claim overrides with every FromNow turned into epoch seconds now."""
    return {k: v.resolve() if isinstance(v, FromNow) else v for k, v in overrides.items()}


@lru_cache(maxsize=None)
def cached_pem(name: str) -> str:
    """One RSA key per name for the whole session (generating keys is the slow part of a test)."""
    return keys.generate_private_pem()


class RegisteredLms(DemoPlatform):
    """A DemoPlatform registered with the tool under test."""

    registration_id: int

    @property
    def registration(self) -> Platform:
        """The tool's Platform row for this LMS."""
        return db.session.get(Platform, self.registration_id)


def make_test_lms(**options: Any) -> RegisteredLms:
    """A DemoPlatform at https://lms.test for the tool at https://tool.test (tool key must exist)."""
    settings: dict[str, Any] = {
        "private_key_pem": cached_pem("platform"), "issuer": LMS, "client_id": CLIENT_ID,
        "deployment_id": DEPLOYMENT_ID, "tool_login_url": f"{TOOL}/lti/login",
        "tool_launch_url": f"{TOOL}/lti/launch", "tool_jwks": keys.public_jwks(),
    }
    settings.update(options)
    return RegisteredLms(**settings)


def route_to(lms: DemoPlatform, mocker: requests_mock.Mocker) -> None:
    """Send every request to the LMS's origin to ``lms.handle``."""

    def answer(request: Any, context: Any) -> str:
        response = lms.handle(request.method, request.url, dict(request.headers), request.body or b"")
        context.status_code = response.status
        context.headers.update(response.headers)
        return "" if response.body is None else json.dumps(response.body)

    origin = re.escape(f"{urlsplit(lms.issuer).scheme}://{urlsplit(lms.issuer).netloc}")
    mocker.register_uri(requests_mock.ANY, re.compile(f"^{origin}(/|$)"), text=answer)


def register_test_lms(**options: Any) -> RegisteredLms:
    """The test LMS (``make_test_lms(**options)``) registered with the tool: its Platform row and one deployment, committed."""
    keys.ensure_key(cached_pem("tool"))
    db.session.commit()
    lms = make_test_lms(**options)
    row = Platform(
        name="Test LMS", issuer=LMS, client_id=CLIENT_ID, auth_login_url=lms.auth_url,
        auth_token_url=lms.token_url, key_set_url=lms.jwks_url,
    )
    row.deployments = [Deployment(deployment_id=DEPLOYMENT_ID)]
    db.session.add(row)
    db.session.flush()
    lms.registration_id = row.id
    db.session.commit()  # and no transaction left open: on SQLite it would hold the write lock
    return lms


@pytest.fixture
def platform(app):
    """The demo LMS, registered with the tool and answering the tool's outbound calls."""
    lms = register_test_lms()
    with requests_mock.Mocker() as mocker:
        route_to(lms, mocker)
        yield lms


# -- reading pages --------------------------------------------------------------------------------------
@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]
    attrs: dict[str, str]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.data_next: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-next" in a:
            self.data_next = a["data-next"]
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower(), {}, a))
        elif tag in ("input", "button") and self.forms and a.get("name"):
            self.forms[-1].fields[a["name"]] = a.get("value", "")


def parse_page(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


def forms_of(response: Any) -> list[Form]:
    """The forms of an HTML response (attribute values already unescaped by the parser)."""
    return parse_page(response.get_data(as_text=True)).forms


def cookie_check_next(response: Any) -> str:
    """The URL the cookie-check page continues to."""
    found = parse_page(response.get_data(as_text=True)).data_next
    assert found, "no data-next on the cookie-check page"
    return found


def path_of(url: str) -> str:
    """The path and query of an absolute URL, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- the browser ----------------------------------------------------------------------------------------
@dataclass
class LaunchFlow:
    """Every step of one launch."""

    login: Any = None
    login_next: str | None = None
    to_platform: Any = None
    auth_query: dict[str, str] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    launch: Any = None
    continued: Any = None
    final: Any = None


class LmsBrowser:
    """A browser that launches the tool from the demo LMS through the Flask test client."""

    def __init__(self, client: Any, lms: DemoPlatform) -> None:
        self.client, self.lms = client, lms
        self.flow = LaunchFlow()

    def launch(
        self, user_id: str, message_type: str = RESOURCE_LINK_REQUEST, method: str = "GET", *, follow: bool = True,
        **claim_overrides: Any,
    ) -> Any:
        """Run the whole flow; returns the last response (the landing page, or the first failure).

        With ``follow=False`` it stops at the launch POST's answer (the continue step is left to the caller).
        """
        self.flow = flow = LaunchFlow()
        url, params = self.lms.login_initiation(user_id, message_type, method)
        if method.upper() == "POST":
            flow.login = self.client.post(path_of(url), data=params)
        else:
            flow.login = self.client.get(path_of(url))
        flow.final = flow.login
        if flow.login.status_code != 200:
            return flow.final
        flow.login_next = cookie_check_next(flow.login)
        flow.to_platform = flow.final = self.client.get(path_of(flow.login_next))
        if flow.to_platform.status_code != 302:
            return flow.final
        location = flow.to_platform.headers["Location"]
        assert location.startswith(self.lms.auth_url + "?"), location
        flow.auth_query = dict(parse_qsl(urlsplit(location).query))
        flow.form = self.lms.authorize(flow.auth_query, **resolve_times(claim_overrides))
        return self.post_launch(follow=follow)

    def post_launch(self, fields: dict[str, str] | None = None, follow: bool = True) -> Any:
        """(Re)post the id_token and state to the launch URL and follow the continue step."""
        flow = self.flow
        flow.launch = flow.final = self.client.post(path_of(flow.form["action"]), data=fields or flow.form["fields"])
        if flow.launch.status_code != 303 or not follow:
            return flow.final
        flow.continued = flow.final = self.client.get(path_of(flow.launch.headers["Location"]))
        if flow.continued.status_code == 302:
            flow.final = self.client.get(path_of(flow.continued.headers["Location"]))
        return flow.final


    def context(self) -> LaunchContext:
        """The tool's view of the newest launch of this browser (restored from the server-side cache)."""
        with self.client.session_transaction() as session:
            entries = list(session.get("courses", {}).values())
        assert entries, "this browser has not launched the tool"
        with self.client.application.test_request_context(base_url=TOOL):
            return restore_launch(entries[-1]["l"]).context()


def launch(client: Any, lms: DemoPlatform, user_id: str, message_type: str = RESOURCE_LINK_REQUEST, method: str = "GET", **claim_overrides: Any) -> Any:
    """One launch of ``user_id`` from ``lms``; the final response."""
    return LmsBrowser(client, lms).launch(user_id, message_type, method, **claim_overrides)


@pytest.fixture
def browser(client, platform) -> LmsBrowser:
    """A browser in the demo LMS, pointed at the tool."""
    return LmsBrowser(client, platform)
