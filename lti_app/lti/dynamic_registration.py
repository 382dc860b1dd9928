"""LTI Dynamic Registration 1.0 (imsglobal.org/spec/lti-dr/v1p0), the tool's side; LTI_NOTES §4.

The platform opens ``/lti/register?openid_configuration=…&registration_token=…``; we fetch the platform's
OpenID configuration, check it, post our client registration (``tool_profile.registration_request``) and
store the answer as a Platform (with its Deployment when the platform names one), pending the operator's
approval unless the issuer is listed in ``REGISTRATION_AUTO_APPROVE_ISSUERS``.

Written directly instead of on ``pylti1p3.dynamic_registration.DynamicRegistration``, which sends no
token with the configuration request (Canvas requires it), accepts any issuer, validates with ``assert``
and has no timeouts. Checks added here:
- the configuration URL's origin (scheme, host, port) must equal the issuer's. An exact origin, not
  django-lti's ``url.startswith(issuer)``, which accepts ``https://canvas.instructure.com.evil.test``.
  Hosted Canvas passes without an exception: in production Canvas builds the configuration URL on the
  issuer's host (canvas-lms ``DynamicRegistrationController#oidc_configuration_url``), even though the
  administrator works on the school's own domain; self-hosted Canvas and Moodle serve it from the issuer;
- every platform URL we fetch or store passes the outbound rule (lti/outbound.py: HTTPS on a public address, or
  a host the operator listed in ``LTI_PRIVATE_HOSTS``; the configuration URL comes from an unauthenticated
  request: an SSRF surface); no redirects are followed; documents are size-limited; a failure to connect says
  "could not be reached" whatever the cause, so that pages tell no open port from a closed one;
- the registration token goes only to the checked configuration and registration endpoints, never into
  logs or pages (Canvas also puts it in the configuration URL's query, so URLs are shown without query).

Platform quirks:
- Moodle 4.x: the configuration needs no token (sending it is harmless); the token is single use (a second
  POST answers 401 ``token_already_used``); the answer carries ``deployment_id`` (the tool type id); the new
  tool is *pending* in Moodle too until its administrator activates it.
- Moodle's re-registration ("Update" on the tool's card; ``startltiadvregistration.php?type=…``): the token's
  ``scope`` is ``reg-update`` (a new one's is ``reg``) and its ``sub`` the tool type id; Moodle updates the
  existing tool and answers with its existing client id. The registration of that client id is then updated in
  place (endpoints and key set, a new deployment id added; name and approval stay) instead of refused as a
  duplicate. The token is not verified (we hold no Moodle key for it), but the client id that is updated is the one
  the platform's own registration endpoint answered, on the issuer's checked origin.
- Canvas: the answer has no ``deployment_id``: every installation by client ID makes a deployment that we
  first see in a launch (see ``approvals.record_pending_deployment``). Canvas publishes
  ``authorization_server`` as a bare host while its token endpoint checks ``aud`` against the token URL
  (canvas-lms ``ClientCredentialsProvider``), so for Canvas the audience stays the token URL.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from requests_hardened.ip_filter import InvalidIPAddress

from lti_app.extensions import db, utcnow
from lti_app.lti import approvals, claims, errors, outbound
from lti_app.lti.http import TimeoutSession, make_session
from lti_app.lti.models import Deployment, Platform, origin_of

MAX_DOCUMENT_BYTES = 256 * 1024
UPDATE_SCOPES = frozenset({"reg-update", "update"})  # Moodle's constant, and the plain word some platforms use
REQUIRED_FIELDS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")


@dataclass(frozen=True)
class PlatformConfiguration:
    """The parts of a platform's OpenID configuration that ReMentor uses."""

    url: str
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    authorization_server: str | None = None
    product: str | None = None
    account_name: str | None = None

    @property
    def audience(self) -> str | None:
        """The ``aud`` of our client assertions when it is not the token URL (never for Canvas, see above)."""
        return None if self.product == "canvas" else self.authorization_server

    @property
    def display_name(self) -> str:
        """A name operators recognise: Canvas' account name, else "Moodle at moodle.example.edu"."""
        if self.account_name:
            return self.account_name[:200]
        return f"{(self.product or 'LMS').capitalize()} at {urlsplit(self.issuer).netloc}"[:200]


@dataclass(frozen=True)
class ClientRegistration:
    """The platform's answer to our registration."""

    client_id: str
    deployment_id: str | None
    scopes: tuple[str, ...]


def shown(url: str) -> str:
    """A URL fit for pages and logs: without its query, where Canvas puts the registration token."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL": still without its query
        return url.split("?", 1)[0].split("#", 1)[0][:300]
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def configuration_url_refused(url: str, reason: outbound.Refusal) -> LazyString:
    """The page's sentence for a configuration URL the tool may not call, one whole sentence per reason."""
    if reason is outbound.Refusal.NOT_HTTPS:
        return _l("The configuration URL %(url)s is not an HTTPS URL.", url=repr(shown(url)))
    if reason is outbound.Refusal.REFUSED:
        return _l("The configuration URL %(url)s points to an address the tool may not call (private, reserved or "
                  "unknown).", url=repr(shown(url)))
    return _l("The configuration URL %(url)s is not a URL.", url=repr(shown(url)))


def field_refused(field: str, url: str, reason: outbound.Refusal) -> LazyString:
    """The page's sentence for a URL in the configuration's ``field`` (a JSON name such as ``token_endpoint``,
    shown as it is) that the tool may not call, one whole sentence per reason."""
    if reason is outbound.Refusal.NOT_HTTPS:
        return _l("The configuration's %(field)s %(url)s is not an HTTPS URL.", field=field, url=repr(shown(url)))
    if reason is outbound.Refusal.REFUSED:
        return _l("The configuration's %(field)s %(url)s points to an address the tool may not call (private, "
                  "reserved or unknown).", field=field, url=repr(shown(url)))
    return _l("The configuration's %(field)s %(url)s is not a URL.", field=field, url=repr(shown(url)))


def check_url(url: str, error: type[errors.RegistrationError], private_hosts: frozenset[str], field: str | None = None) -> str:
    """``url`` if the tool may call it (``outbound.refusal``: HTTPS on a public address, or a listed private host).

    ``field``: the configuration's field that holds ``url``; None for the configuration URL itself.
    """
    reason = outbound.refusal(url, private_hosts)
    if reason is None:
        return url
    raise error(configuration_url_refused(url, reason) if field is None else field_refused(field, url, reason))


def check_request(openid_configuration: str | None, registration_token: str | None, private_hosts: frozenset[str]) -> None:
    """The initiation request names a configuration URL and carries an unexpired registration token."""
    if not openid_configuration:
        raise errors.RegistrationRequestInvalid(_l("The request has no openid_configuration parameter."))
    if not registration_token:
        raise errors.RegistrationRequestInvalid(_l("The request has no registration_token parameter."))
    check_url(openid_configuration, outbound.RegistrationAddressRefused, private_hosts)
    try:  # Tokens are opaque by the spec, but Moodle's and Canvas' are JWTs: refuse an expired one early.
        expires = jwt.decode(registration_token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return
    if isinstance(expires, (int, float)) and expires < time.time() - current_app.config["LTI_CLOCK_LEEWAY_SECONDS"]:
        raise errors.RegistrationTokenRejected(_l("The registration token has expired."))


def _configuration_document(response: requests.Response) -> Any:
    """The configuration's JSON, read no further than ``MAX_DOCUMENT_BYTES``."""
    body = b""
    for chunk in response.iter_content(64 * 1024):
        body += chunk
        if len(body) > MAX_DOCUMENT_BYTES:
            raise errors.InvalidPlatformConfiguration(
                _l("The configuration is larger than %(size)s KiB.", size=MAX_DOCUMENT_BYTES // 1024))
    try:
        return json.loads(body)
    except ValueError as exc:
        raise errors.InvalidPlatformConfiguration(_l("The configuration is not JSON.")) from exc


def fetch_configuration(url: str, token: str, session: TimeoutSession) -> PlatformConfiguration:
    """GET the platform's OpenID configuration (with the token as bearer) and check it by the session's rule."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    try:
        with session.get(url, headers=headers, allow_redirects=False, stream=True) as response:
            if response.status_code in (401, 403):
                raise errors.RegistrationTokenRejected(
                    _l("%(url)s refused the registration token (HTTP %(status)s).", url=shown(url), status=response.status_code)
                )
            if response.status_code != 200:
                raise errors.PlatformConfigurationUnavailable(
                    _l("%(url)s answered HTTP %(status)s.", url=shown(url), status=response.status_code))
            document = _configuration_document(response)
    except InvalidIPAddress as exc:
        raise outbound.RegistrationAddressRefused(configuration_url_refused(url, outbound.Refusal.REFUSED)) from exc
    except requests.RequestException as exc:
        raise errors.PlatformConfigurationUnavailable(_l("%(url)s could not be reached.", url=shown(url))) from exc
    return parse_configuration(url, document, session.private_hosts)


def parse_configuration(url: str, document: Any, private_hosts: frozenset[str]) -> PlatformConfiguration:
    """The configuration's fields, after the issuer and URL checks."""
    if not isinstance(document, dict):
        raise errors.InvalidPlatformConfiguration(_l("The configuration is not a JSON object."))
    missing = [name for name in REQUIRED_FIELDS if not isinstance(document.get(name), str) or not document[name]]
    if missing:
        raise errors.InvalidPlatformConfiguration(_l("The configuration lacks %(fields)s.", fields=", ".join(missing)))
    platform = document.get(claims.PLATFORM_CONFIGURATION)
    if not isinstance(platform, dict):
        raise errors.InvalidPlatformConfiguration(_l("The configuration is not an LTI platform configuration."))
    check_issuer(url, document["issuer"])
    for name in REQUIRED_FIELDS:
        check_url(document[name], errors.InvalidPlatformConfiguration, private_hosts, field=name)
    return PlatformConfiguration(
        url=url,
        **{name: document[name] for name in REQUIRED_FIELDS},
        authorization_server=_str(document.get("authorization_server")),
        product=(_str(platform.get("product_family_code")) or "").lower() or None,
        account_name=_str(platform.get(claims.CANVAS_ACCOUNT_NAME)),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def check_issuer(url: str, issuer: str) -> None:
    """The configuration must come from its issuer's own origin."""
    if origin_of(url) is None or origin_of(url) != origin_of(issuer):
        raise errors.IssuerMismatch(
            _l("The configuration at %(url)s names the issuer %(issuer)s, on another origin.", url=shown(url), issuer=repr(issuer)))


def register_client(configuration: PlatformConfiguration, token: str, body: dict[str, Any], session: TimeoutSession) -> ClientRegistration:
    """POST our client registration to the platform (once: Moodle's token is single use)."""
    endpoint = configuration.registration_endpoint
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    try:
        response = session.post(endpoint, json=body, headers=headers, allow_redirects=False)
    except InvalidIPAddress as exc:
        raise errors.InvalidPlatformConfiguration(
            field_refused("registration_endpoint", endpoint, outbound.Refusal.REFUSED)) from exc
    except requests.RequestException as exc:
        raise errors.RegistrationRefused(_l("%(url)s could not be reached.", url=shown(endpoint))) from exc
    said = response.text.strip()[:300]
    if response.status_code in (401, 403):
        raise errors.RegistrationTokenRejected(
            _l("%(url)s refused the registration token: %(said)s.", url=shown(endpoint), said=said or response.status_code))
    if not 200 <= response.status_code < 300:
        raise errors.RegistrationRefused(_l("%(url)s answered HTTP %(status)s: %(said)s.", url=shown(endpoint),
                                              status=response.status_code, said=said or _l("no details")))
    try:
        answer = response.json()
    except ValueError as exc:
        raise errors.RegistrationRefused(_l("%(url)s did not answer with JSON.", url=shown(endpoint))) from exc
    return parse_registration(answer, endpoint)


def parse_registration(answer: Any, endpoint: str) -> ClientRegistration:
    """The client id, the deployment id (Moodle) and the granted scopes of the platform's answer."""
    client_id = answer.get("client_id") if isinstance(answer, dict) else None
    if not isinstance(client_id, (str, int)) or isinstance(client_id, bool) or not str(client_id):
        raise errors.RegistrationRefused(_l("%(url)s answered without a client_id.", url=shown(endpoint)))
    tool = answer.get(claims.TOOL_CONFIGURATION)
    deployment_id = tool.get("deployment_id") if isinstance(tool, dict) else None
    scope = answer.get("scope")
    return ClientRegistration(
        client_id=str(client_id),
        deployment_id=str(deployment_id) if isinstance(deployment_id, (str, int)) and str(deployment_id) else None,
        scopes=tuple(scope.split()) if isinstance(scope, str) else (),
    )


def is_update(registration_token: str) -> bool:
    """The token asks to update an existing registration (Moodle: ``scope`` ``reg-update``)."""
    try:
        scope = jwt.decode(registration_token, options={"verify_signature": False}).get("scope")
    except jwt.PyJWTError:
        return False
    return isinstance(scope, str) and bool(UPDATE_SCOPES & set(scope.split()))


def update_registration(platform: Platform, configuration: PlatformConfiguration, registration: ClientRegistration,
                        auto_approve_issuers: list[str]) -> Platform:
    """The platform's re-registration of ``platform``: its endpoints as the platform now gives them, and a
    deployment id it had not named yet (pending unless auto-approved). Flushes."""
    platform.auth_login_url = configuration.authorization_endpoint
    platform.auth_token_url = configuration.token_endpoint
    platform.auth_audience = configuration.audience
    platform.key_set_url = configuration.jwks_uri
    platform.key_set = None
    known = {deployment.deployment_id for deployment in platform.deployments}
    if registration.deployment_id and registration.deployment_id not in known:
        auto = approvals.auto_approved(configuration.issuer, auto_approve_issuers)
        platform.deployments.append(Deployment(deployment_id=registration.deployment_id,
                                               approved_at=utcnow() if auto else approvals.NOT_APPROVED))
    db.session.flush()
    return platform


def store_registration(configuration: PlatformConfiguration, registration: ClientRegistration, *,
                       auto_approve_issuers: list[str], update: bool = False) -> Platform:
    """Store the new registration (pending unless auto-approved) with its deployment, if any. Flushes.

    A client id already registered for the issuer is refused and leaves the existing registration as it is,
    unless the platform re-registers (``update``): then that registration is updated in place.
    """
    existing = Platform.find(configuration.issuer, registration.client_id)
    if existing is not None and update:
        return update_registration(existing, configuration, registration, auto_approve_issuers)
    if existing is not None:
        raise errors.DuplicateRegistration(
            _l("Issuer %(issuer)s with client ID %(client_id)s is already registered.", issuer=repr(configuration.issuer),
               client_id=repr(registration.client_id))
        )
    auto = approvals.auto_approved(configuration.issuer, auto_approve_issuers)
    approved_at = utcnow() if auto else approvals.NOT_APPROVED
    platform = Platform(
        name=configuration.display_name,
        issuer=configuration.issuer,
        client_id=registration.client_id,
        auth_login_url=configuration.authorization_endpoint,
        auth_token_url=configuration.token_endpoint,
        auth_audience=configuration.audience,
        key_set_url=configuration.jwks_uri,
        approved_at=approved_at,
    )
    if registration.deployment_id:
        platform.deployments = [Deployment(deployment_id=registration.deployment_id, approved_at=approved_at)]
    db.session.add(platform)
    db.session.flush()
    return platform


def register_tool(openid_configuration: str | None, registration_token: str | None, body: dict[str, Any]) -> Platform:
    """The whole registration: check the request, fetch and check the configuration, register, store. Flushes.

    Every failure raises a named RegistrationError before anything is stored.
    """
    config = current_app.config
    session = make_session(config["LTI_HTTP_CONNECT_TIMEOUT"], config["LTI_HTTP_READ_TIMEOUT"], config["LTI_PRIVATE_HOSTS"])
    with session:
        check_request(openid_configuration, registration_token, session.private_hosts)
        assert openid_configuration and registration_token
        configuration = fetch_configuration(openid_configuration, registration_token, session)
        registration = register_client(configuration, registration_token, body, session)
    return store_registration(configuration, registration, auto_approve_issuers=config["REGISTRATION_AUTO_APPROVE_ISSUERS"],
                              update=is_update(registration_token))
