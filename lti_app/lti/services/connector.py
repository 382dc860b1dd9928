"""The service connector: OAuth 2 client-credentials tokens (1EdTech Security Framework §4) and service calls.

pylti1p3next's own connectors either crash on restored launches (the base class) or cache tokens per
process under a key without the client id (so two Canvas clients sharing an issuer would swap tokens).
Ours caches in the shared cache under (issuer, client_id, token URL, scopes), expiring a minute early,
and parses ``Link`` headers leniently: unquoted ``rel=next`` (valid per RFC 8288) and the typographic
quotes Moodle 4.5 sends on line-item containers are followed too.

Each refusal is one whole sentence, translated where it is read (``_l``): an instructor's page shows it in the
instructor's language; what is stored or logged is written in English (``tasks.grade_sending``, the roster's log).
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any, Sequence

import requests
from flask_babel import LazyString, lazy_gettext as _l
from pylti1p3.exception import LtiServiceException
from pylti1p3.service_connector import ServiceConnector, TServiceConnectorResponse
from requests_hardened.ip_filter import InvalidIPAddress

from lti_app.extensions import cache
from lti_app.lti import errors
from lti_app.lti.outbound import PlatformAddressRefused, host_of

TOKEN_EXPIRY_MARGIN_SECONDS = 60
# A token read from the shared cache has at least the margin left, so a connector may keep it for less than that.
TOKEN_MEMO_SECONDS = 30
_NEXT_LINK = re.compile(r"<([^>]*)>\s*;[^,]*?\brel\s*=\s*[\"'“”]?next[\"'“”]?", re.IGNORECASE)


def next_link(link_header: str | None) -> str | None:
    """The ``rel=next`` target of a Link header, quoted or not, or None."""
    if not link_header:
        return None
    match = _NEXT_LINK.search(link_header.replace("\n", " "))
    return match.group(1) if match else None


class ServiceError(errors.LaunchError):
    """A platform service answered with an error (4xx): the message is the platform's."""

    status = 502
    title = _l("The LMS refused a request from ReMentor")

    def __init__(self, detail: str | LazyString, status_code: int | None = None, body: str = "") -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.body = body[:2000]

    @property
    def message(self) -> str | LazyString:
        """The platform's reason in one short line (from its error body, in the platform's words), else our
        sentence for the failure (translated where it is shown)."""
        return refusal_message(self.body) or self.detail


def refusal_message(body: str, limit: int = 300) -> str:
    """The useful part of a platform's error body: the JSON ``error``/``message`` when there is one, else the text."""
    text = (body or "").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("error", "message", "reason", "errors", "detail"):
            if data.get(key):
                found = data[key]
                text = found if isinstance(found, str) else json.dumps(found)
                break
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ForeignServiceUrl(errors.LaunchError):
    """A service URL on a host that is not the platform's (see registrations.platform_hosts)."""

    status = 502
    title = _l("The LMS named a service address that is not its own")
    advice = _l("Launch ReMentor again from the course so that the LMS tells it its service addresses again.")


class ToolServiceConnector(ServiceConnector):
    """Token cache in the shared cache, lenient pagination, named errors for unreachable platforms.

    Service calls go only to ``service_hosts`` (``platform_client.connector_for`` sets the platform's hosts,
    ``registrations.platform_hosts``; without it, the hosts of the registration's own URLs).
    """

    service_hosts: frozenset[str] | None = None

    def _allowed_hosts(self) -> frozenset[str]:
        if self.service_hosts is not None:
            return self.service_hosts
        registration = self._registration
        urls = (registration.get_issuer(), registration.get_auth_login_url(), registration.get_auth_token_url(),
                registration.get_key_set_url())
        return frozenset(filter(None, map(host_of, urls)))

    def _scope_key(self, scopes: Sequence[str]) -> str:
        registration = self._registration
        parts = [
            registration.get_issuer() or "",
            registration.get_client_id() or "",
            registration.get_auth_token_url() or "",
            *sorted(scopes),
        ]
        return "lti:token:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        return cache.get(scope_key)

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        lifetime = int(expires_in or 0) - TOKEN_EXPIRY_MARGIN_SECONDS
        if lifetime > 0:
            cache.set(scope_key, access_token, timeout=lifetime)

    def get_access_token(self, scopes: Sequence[str]) -> str:
        """A token for ``scopes``: kept on this connector for half a minute (a batch of scores asks once), else
        from the shared cache, else from the platform."""
        key = self._scope_key(scopes)
        memo = self.__dict__.setdefault("_token_memo", {})
        kept = memo.get(key)
        if kept is not None and kept[1] > time.monotonic():
            return kept[0]
        token = self._fetch_access_token(scopes)
        memo[key] = (token, time.monotonic() + TOKEN_MEMO_SECONDS)
        return token

    def _fetch_access_token(self, scopes: Sequence[str]) -> str:
        try:
            return super().get_access_token(scopes)
        except InvalidIPAddress as exc:
            raise PlatformAddressRefused(_l("The platform's token URL points to an address the tool may not call "
                                            "(private, reserved or unknown).")) from exc
        except requests.RequestException as exc:
            raise errors.PlatformUnavailable(_l("The platform's token endpoint could not be reached.")) from exc
        except LtiServiceException as exc:
            raise _token_refused(exc.response) from exc
        except (KeyError, TypeError) as exc:
            raise errors.PlatformUnavailable(
                _l("The platform's token endpoint answered without an access token.")) from exc

    def make_service_request(
        self,
        scopes: Sequence[str],
        url: str,
        *,
        is_post: bool = False,
        data: str | None = None,
        content_type: str = "application/json",
        accept: str = "application/json",
        case_insensitive_headers: bool = False,
        method: str | None = None,
    ) -> TServiceConnectorResponse:
        """One authorised call; 5xx and network failures raise PlatformUnavailable, 3xx and 4xx ServiceError, a URL
        on another host than the platform's ForeignServiceUrl (all before any connection)."""
        host = host_of(url)
        if host not in self._allowed_hosts():
            raise ForeignServiceUrl(_l("The service URL on %(host)s is not on one of the platform's hosts.",
                                       host=repr(host or url)))
        headers = {"Authorization": "Bearer " + self.get_access_token(scopes), "Accept": accept}
        verb = method or ("POST" if is_post else "GET")
        if verb in {"POST", "PUT"}:
            headers["Content-Type"] = content_type
        try:
            response = self._requests_session.request(verb, url, data=data or None, headers=headers)
        except InvalidIPAddress as exc:
            raise PlatformAddressRefused(_l("The service URL %(url)s points to an address the tool may not call "
                                            "(private, reserved or unknown).", url=url)) from exc
        except requests.RequestException as exc:
            raise errors.PlatformUnavailable(_l("The platform could not be reached at %(url)s.", url=url)) from exc
        status = response.status_code
        if status >= 500:
            raise errors.PlatformUnavailable(_l("The platform answered %(status)s at %(url)s.", status=status, url=url))
        if not response.ok or status >= 300:
            raise ServiceError(_l("The platform answered %(status)s at %(url)s.", status=status, url=url), status,
                               response.text)
        return {
            "headers": response.headers if case_insensitive_headers else dict(response.headers),
            "body": _json_or_none(response),
            "next_page_url": next_link(response.headers.get("link")),
        }


def _json_or_none(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise errors.PlatformUnavailable(
            _l("The platform answered with something other than JSON at %(url)s.", url=response.url)) from exc


def _token_refused(response: requests.Response) -> errors.LaunchError:
    """What the token endpoint's answer without a token means: a 5xx or an answer that is not JSON, an unavailable
    platform; any other status, a refusal that keeps the platform's own reason (``ServiceError.message``)."""
    status = response.status_code
    if response.ok:
        return errors.PlatformUnavailable(_l("The platform's token endpoint did not answer with JSON."))
    if status >= 500:
        return errors.PlatformUnavailable(_l("The platform's token endpoint answered HTTP %(status)s.", status=status))
    return ServiceError(_l("The platform refused an access token (HTTP %(status)s).", status=status), status,
                        response.text or "")
