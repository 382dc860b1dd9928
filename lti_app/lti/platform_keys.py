"""The platform's public keys: cached in the shared cache, fetched with a timeout, refetched once on an unknown kid.

Platforms rotate their keys (D2L hourly, Moodle and Canvas on demand). A fixed-lifetime cache without a refetch on
an unknown ``kid`` breaks launches until it expires; fetching on every launch costs a round trip per launch. The
forced refetch is rate-limited per key set URL so that a forged ``kid`` cannot make us hammer the platform.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import requests
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from requests_hardened.ip_filter import InvalidIPAddress

from lti_app.extensions import cache
from lti_app.lti import errors
from lti_app.lti.http import TimeoutSession, make_session
from lti_app.lti.outbound import PlatformAddressRefused, Refusal, host_names, refusal

_sessions = threading.local()


def http_session() -> TimeoutSession:
    """The outbound session with the configured timeouts and private hosts, one per thread (connections are reused)."""
    config = current_app.config
    timeout = (config["LTI_HTTP_CONNECT_TIMEOUT"], config["LTI_HTTP_READ_TIMEOUT"])
    private_hosts = host_names(config["LTI_PRIVATE_HOSTS"])
    session = getattr(_sessions, "session", None)
    if session is None or session.timeout != timeout or session.private_hosts != private_hosts:
        session = _sessions.session = make_session(*timeout, private_hosts)
    return session


def find_key(keys: Iterable[Mapping[str, Any]], kid: str) -> Mapping[str, Any] | None:
    for key in keys:
        if key.get("kid") == kid and key.get("alg", "RS256") == "RS256" and key.get("kty") == "RSA":
            return key
    return None


def _keyset_cache_key(url: str) -> str:
    return "lti:keyset:" + hashlib.sha256(url.encode()).hexdigest()


def may_refetch(url: str) -> bool:
    """At most one forced refetch per key set URL per interval (cache.add is atomic)."""
    interval = current_app.config["LTI_KEYSET_REFETCH_INTERVAL_SECONDS"]
    return bool(cache.add(_keyset_cache_key(url) + ":refetch", 1, timeout=interval))


def key_set_url_refused(url: str, reason: Refusal) -> LazyString:
    """The launch page's sentence for a key set URL the tool may not call, one whole sentence per reason."""
    if reason is Refusal.NOT_HTTPS:
        return _l("The platform's key set URL %(url)s is not an HTTPS URL.", url=url)
    if reason is Refusal.REFUSED:
        return _l("The platform's key set URL %(url)s points to an address the tool may not call (private, reserved "
                  "or unknown).", url=url)
    return _l("The platform's key set URL %(url)s is not a URL.", url=url)


def key_set(url: str, session: requests.Session, refresh: bool = False) -> dict[str, Any]:
    """The platform's JWKS from the shared cache, fetched (with a timeout) when absent or on ``refresh``.

    A URL the tool may not call (lti/outbound.py) raises PlatformAddressRefused without a connection.
    """
    reason = refusal(url, getattr(session, "private_hosts", frozenset()))
    if reason is not None:
        raise PlatformAddressRefused(key_set_url_refused(url, reason))
    key = _keyset_cache_key(url)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    key_set = _fetch(url, session)
    if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
        raise errors.PlatformUnavailable(_l("The platform's key set at %(url)s is not a JWKS document.", url=url))
    cache.set(key, key_set, timeout=current_app.config["LTI_KEYSET_CACHE_SECONDS"])
    return key_set


def _fetch(url: str, session: requests.Session) -> Any:
    try:
        response = session.get(url)
        body = response.content
    except InvalidIPAddress as exc:
        raise PlatformAddressRefused(key_set_url_refused(url, Refusal.REFUSED)) from exc
    except requests.RequestException as exc:
        raise errors.PlatformUnavailable(_l("The platform's key set at %(url)s could not be reached.", url=url)) from exc
    if response.status_code != 200:
        raise errors.PlatformUnavailable(
            _l("The platform's key set at %(url)s answered HTTP %(status)s.", url=url, status=response.status_code))
    try:
        return json.loads(body)
    except ValueError as exc:
        raise errors.PlatformUnavailable(_l("The platform's key set at %(url)s is not JSON.", url=url)) from exc
