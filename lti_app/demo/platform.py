"""DemoPlatform: an LMS stand-in built on lti1p3platform (the platform side of LTI 1.3), in plain Python.

It plays the part Moodle or Canvas plays for the tool: third-party login initiation, the OIDC
authorisation endpoint that signs the id_token, its JWKS, the OAuth 2 token endpoint, AGS and NRPS
(``services.py``) and the deep-linking return. Where lti1p3platform is lenient it is stricter, like a
real platform: the redirect_uri must be the registered launch URL, the client assertion's iss, sub,
aud and jti are checked, and a deep-linking response must be addressed to it and echo its ``data``.

Its blueprint (``lti_app.demo.routes``) serves it over HTTP in development; the tests call it directly
and route the tool's outbound requests to ``handle``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from lti1p3platform.exceptions import (
    InvalidKeySetUrl,
    LtiDeepLinkingResponseException,
    LtiException,
    PreflightRequestValidationException,
)
from lti1p3platform.registration import Registration

from lti_app.demo.adapters import DictRequest, Launch, Login, PlatformConf, SigningRegistration, private_key, public_pem
from lti_app.demo.course import COURSE_OFFERING, DEMO_PEOPLE, DemoCourse, DemoPerson
from lti_app.demo.placements import PlacedLink, place
from lti_app.demo.services import ServicesMixin
from lti_app.demo.tokens import TokenEndpointMixin

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
DEPLOYMENT_ID_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
DL_DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
# A login that offered postMessage storage says so in its message hint: "<hint>;storage=<frame name>".
STORAGE_HINT = ";storage="
LOCALE_HINT = ";locale="  # a launch in another language than the person's own
STORAGE_FRAME = "post_message_forwarding"  # Canvas's name for its storage frame
_DEFAULT: Any = object()


class AuthorizationError(Exception):
    """The platform refuses the tool's authentication request (an OIDC error code and a description)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description = error, description


class DeepLinkingRejected(ValueError):
    """The deep-linking response JWT is not acceptable."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class DemoPlatform(ServicesMixin, TokenEndpointMixin):
    """An LMS with one course, twelve people, a gradebook and a roster, registered with one tool."""

    def __init__(
        self, *, private_key_pem: str, issuer: str, client_id: str, deployment_id: str, tool_login_url: str,
        tool_launch_url: str, tool_jwks: dict[str, Any] | None = None, tool_jwks_url: str | None = None,
        course: DemoCourse | None = None, people: tuple[DemoPerson, ...] = DEMO_PEOPLE,
        page_size: int | None = 5, link_style: str = "quoted",
    ) -> None:
        self.private_key_pem, self.issuer, self.client_id = private_key_pem, issuer.rstrip("/"), client_id
        self.deployment_id, self.tool_login_url, self.tool_launch_url = deployment_id, tool_login_url, tool_launch_url
        self.tool_jwks, self.tool_jwks_url = tool_jwks, tool_jwks_url
        self.course, self.people = course or DemoCourse(), tuple(people)
        self.people_by_sub = {p.sub: p for p in self.people}
        self.page_size, self.link_style = page_size, link_style
        self.public_key_pem = public_pem(private_key_pem)
        public = Registration.get_jwk(self.public_key_pem)
        self.kid: str = public["kid"]
        self.public_jwk = {k: public[k] for k in ("kty", "kid", "n", "e", "alg", "use")}
        self.deep_link_data = f"rementor-demo:{self.course.context_id}"
        # state a test can inspect
        self.token_requests: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []
        self.scores: list[dict[str, Any]] = []
        self.results: dict[str, dict[str, dict[str, Any]]] = {}
        self.placed_items: list[dict[str, Any]] = []
        self.placed_links: dict[str, PlacedLink] = {}  # resource link id → the link deep linking placed
        self._seen_jti: set[str] = set()
        self._line_item_numbers = iter(range(2, 1_000_000))
        self.line_items: dict[str, dict[str, Any]] = {"1": {
            "id": f"{self.lineitems_url}/1", "label": "Programme participation", "scoreMaximum": 100,
            "resourceLinkId": self.course.resource_link_id, "tag": "participation",
        }}

    # -- addresses ------------------------------------------------------------------------------------
    @property
    def auth_url(self) -> str:
        return self.issuer + "/auth"

    @property
    def token_url(self) -> str:
        return self.issuer + "/token"

    @property
    def jwks_url(self) -> str:
        return self.issuer + "/jwks"

    @property
    def deep_link_return_url(self) -> str:
        return self.issuer + "/deep-link-return"

    @property
    def lineitems_url(self) -> str:
        return f"{self.issuer}/courses/{self.course.context_id}/lineitems"

    @property
    def memberships_url(self) -> str:
        return f"{self.issuer}/courses/{self.course.context_id}/memberships"

    # -- people ---------------------------------------------------------------------------------------
    def person(self, sub: str) -> DemoPerson:
        try:
            return self.people_by_sub[sub]
        except KeyError:
            raise KeyError(f"No user {sub!r} in the demo LMS") from None

    def of_kind(self, kind: str) -> list[DemoPerson]:
        return [p for p in self.people if p.kind == kind]

    @property
    def instructor(self) -> DemoPerson:
        return self.of_kind("instructor")[0]

    @property
    def teaching_assistant(self) -> DemoPerson:
        return self.of_kind("teaching_assistant")[0]

    @property
    def learners(self) -> list[DemoPerson]:
        return self.of_kind("learner")

    def next_line_item_number(self) -> int:
        return next(self._line_item_numbers)

    def now(self) -> int:
        """The platform's clock (epoch seconds) for iat/exp."""
        return int(time.time())

    # -- keys and signing -----------------------------------------------------------------------------
    def conf(self, overrides: Mapping[str, Any] | None = None) -> PlatformConf:
        """lti1p3platform's platform configuration for this registration."""
        registration = (
            SigningRegistration(self, overrides).set_iss(self.issuer).set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id).set_oidc_login_url(self.tool_login_url)
            .set_launch_url(self.tool_launch_url).set_deeplink_launch_url(self.tool_launch_url)
            .set_platform_private_key(self.private_key_pem).set_platform_public_key(self.public_key_pem)
        )
        if self.tool_jwks:
            registration.set_tool_key_set(self.tool_jwks)  # type: ignore[arg-type]
        elif self.tool_jwks_url:
            registration.set_tool_key_set_url(self.tool_jwks_url)
        return PlatformConf(registration=registration)

    def jwks(self) -> dict[str, Any]:
        return {"keys": self.conf().get_jwks()["keys"]}

    def sign(self, payload: Mapping[str, Any], kid: Any = _DEFAULT, alg: str = "RS256", key: Any = None) -> str:
        """Any token: RS*/PS* with the platform key (or ``key``), HS* (default secret: the public PEM), or ``none``."""
        kid = self.kid if kid is _DEFAULT else kid
        header = {"alg": alg, "typ": "JWT", **({"kid": kid} if kid is not None else {})}
        if alg == "none" or alg.startswith("HS"):
            signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(dict(payload)).encode())}"
            if alg == "none":
                return signing_input + "."
            secret = key if key is not None else self.public_key_pem
            secret = secret.encode() if isinstance(secret, str) else secret
            digest = getattr(hashlib, "sha" + alg[2:])
            return signing_input + "." + _b64(hmac.new(secret, signing_input.encode(), digest).digest())
        extra = {"kid": kid} if kid is not None else {}
        return jwt.encode(dict(payload), key or private_key(self.private_key_pem), algorithm=alg, headers=extra)

    # -- login and launch -----------------------------------------------------------------------------
    def login_initiation(self, user_id: str, message_type: str = RESOURCE_LINK_REQUEST, method: str = "GET",
                         link: str | None = None, storage_target: str | None = None,
                         locale: str | None = None) -> tuple[str, dict[str, str]]:
        """The third-party login initiation: (URL, params). GET: the URL carries the params; POST: form fields.
        ``link``: a placed link's resource link id (default: where ReMentor lives in the course).
        ``storage_target``: offer the platform's postMessage storage, in the frame of that name (login and launch
        carry ``lti_storage_target``; the message hint remembers it for the launch). ``locale``: launch in this
        language instead of the person's own (the hint remembers it too)."""
        self.person(user_id)
        if message_type not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST):
            raise ValueError(f"Unsupported message type {message_type!r}")
        login = Login(DictRequest({}), self.conf())
        if link is not None and link not in self.placed_links:
            raise KeyError(f"No placed link {link!r} in the demo course")
        hint = "deep-linking" if message_type == DEEP_LINKING_REQUEST else f"resource-link:{link or self.course.resource_link_id}"
        if storage_target:
            hint += STORAGE_HINT + storage_target
        if locale:
            hint += LOCALE_HINT + locale
        login.set_lti_message_hint(hint=hint)
        if message_type == DEEP_LINKING_REQUEST:
            login.set_deeplinking_launch_url()
        url = login.initiate_login(user_id)
        if storage_target:
            url += "&" + urlencode({"lti_storage_target": storage_target})
        params = dict(parse_qsl(urlsplit(url).query))
        return (self.tool_login_url, params) if method.upper() == "POST" else (url, params)

    def _check_auth_request(self, q: Mapping[str, str]) -> str:
        """Refuse an authentication request a real platform would refuse; return the lti_message_hint."""
        checks = [
            (q.get("client_id") == self.client_id, "unauthorized_client", f"Unknown client_id {q.get('client_id')!r}"),
            (q.get("redirect_uri") == self.tool_launch_url, "invalid_request", f"redirect_uri {q.get('redirect_uri')!r} is not registered"),
            (q.get("response_type") == "id_token", "unsupported_response_type", "response_type must be id_token"),
            ("openid" in q.get("scope", "").split(), "invalid_scope", "scope must include openid"),
            (q.get("response_mode") == "form_post", "invalid_request", "response_mode must be form_post"),
            (q.get("prompt") == "none", "invalid_request", "prompt must be none"),
            (bool(q.get("nonce")), "invalid_request", "nonce is missing"),
            (bool(q.get("state")), "invalid_request", "state is missing"),
            (q.get("login_hint") in self.people_by_sub, "login_required", f"login_hint {q.get('login_hint')!r} is not a user here"),
        ]
        for ok, error, description in checks:
            if not ok:
                raise AuthorizationError(error, description)
        hint = q.get("lti_message_hint", "").split(";")[0]
        match = re.fullmatch(r"resource-link:(.+)|deep-linking", hint)
        if not match or (match.group(1) and match.group(1) not in (self.course.resource_link_id, *self.placed_links)):
            raise AuthorizationError("invalid_request", f"Unknown lti_message_hint {hint!r}")
        return hint

    def authorize(self, query: Mapping[str, Any], **claim_overrides: Any) -> dict[str, Any]:
        """Check the tool's authentication request and sign the id_token: {action, fields: {id_token, state}}."""
        q = {k: str(v) for k, v in dict(query).items()}
        hint = self._check_auth_request(q)
        person, course = self.people_by_sub[q["login_hint"]], self.course
        launch = Launch(DictRequest({"get_data": q}), self.conf(claim_overrides))
        launch.set_user_data(person.sub, list(person.roles), person.name, person.email)
        launch.set_launch_context_claim(course.context_id, [COURSE_OFFERING], course.title, course.label)
        launch.set_launch_presentation_claim("iframe", f"{self.issuer}/courses/{course.context_id}")
        placed = self.placed_links.get(hint.removeprefix("resource-link:"))
        lineitem = None if hint == "deep-linking" else (placed.lineitem_url if placed else self.line_items["1"]["id"])
        launch.set_ags(self.lineitems_url, lineitem)
        launch.set_nrps(self.memberships_url)
        launch.set_extra_claims({
            "given_name": person.given_name, "family_name": person.family_name,
            "locale": _hint_part(q.get("lti_message_hint", ""), LOCALE_HINT) or person.locale,
            AGS_ENDPOINT: {**launch.extra_claims[AGS_ENDPOINT], "scope": list(AGS_SCOPES)},
            "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
                "guid": f"{self.issuer}#demo", "name": "ReMentor demo LMS", "product_family_code": "rementor-demo", "version": "1.0",
            },
        })
        if hint == "deep-linking":
            launch.set_dl(self.deep_link_return_url, title="Add an activity to " + course.title,
                          description="Choose what to place in the course", accept_types={"ltiResourceLink"},
                          extra_data=self.deep_link_data)  # type: ignore[arg-type]
        elif placed is not None:
            launch.set_resource_link_claim(placed.resource_link_id, placed.title, placed.title)
            launch.set_extra_claims({**launch.extra_claims, CUSTOM_CLAIM: dict(placed.custom)})
        else:
            launch.set_resource_link_claim(course.resource_link_id, "Where ReMentor lives in the course", course.resource_link_title)
        try:
            data = launch.lti_launch()
        except PreflightRequestValidationException as exc:
            raise AuthorizationError("invalid_request", "The authentication request is incomplete") from exc
        fields = {"id_token": data["id_token"], "state": data["state"]}
        storage_target = _hint_part(q.get("lti_message_hint", ""), STORAGE_HINT)
        if storage_target:
            fields["lti_storage_target"] = storage_target
        return {"action": data["launch_url"], "fields": fields}

    # -- deep linking ---------------------------------------------------------------------------------
    def validate_deep_linking_response(self, token: str) -> list[dict[str, Any]]:
        """Verify the tool's LtiDeepLinkingResponse and return (and remember) its content items."""
        conf = self.conf()
        conf.set_accepted_deeplinking_types(["ltiResourceLink"])
        try:
            items = conf.validate_deeplinking_resp({"JWT": token})
        except (LtiException, LtiDeepLinkingResponseException, InvalidKeySetUrl, jwt.InvalidTokenError, KeyError) as exc:
            raise DeepLinkingRejected(str(exc) or type(exc).__name__) from exc
        body = jwt.decode(token, options={"verify_signature": False})
        aud = body.get("aud")
        if body.get("iss") != self.client_id:
            raise DeepLinkingRejected("iss is not the tool's client_id")
        if self.issuer not in (aud if isinstance(aud, list) else [aud]):
            raise DeepLinkingRejected("aud is not this platform")
        if body.get(DEPLOYMENT_ID_CLAIM) != self.deployment_id:
            raise DeepLinkingRejected("deployment_id is not this deployment")
        if body.get(DL_DATA_CLAIM) != self.deep_link_data:
            raise DeepLinkingRejected("data was not echoed")
        self.placed_items.extend(items)
        for item in items:
            link = place(item, len(self.placed_links) + 1, self.lineitems_url, self._add_line_item)
            self.placed_links[link.resource_link_id] = link
        return items

    def _add_line_item(self, fields: dict[str, Any]) -> str:
        number = str(self.next_line_item_number())
        self.line_items[number] = {**fields, "id": f"{self.lineitems_url}/{number}"}
        return self.line_items[number]["id"]


def _hint_part(hint: str, marker: str) -> str:
    """The value after ``marker`` in a message hint (``resource-link:x;storage=frame;locale=es-ES``), or ""."""
    return hint.partition(marker)[2].split(";")[0]
