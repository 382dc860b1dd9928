"""May the tool call this URL? One rule for every outbound call (registration, key sets, tokens, AGS, NRPS).

Every URL the tool fetches or posts to reaches it from outside an operator's hands: the registration's
configuration URL comes from an unauthenticated request, the key set, token and service URLs from platforms.
The rule:
- HTTPS, to a public address: not loopback, private, link-local, unique-local or site-local, multicast,
  reserved, unspecified, CGNAT, documentation, 6to4 or NAT64 (an IPv4-mapped IPv6 address is judged as IPv4);
- unless the URL's host name is listed in ``LTI_PRIVATE_HOSTS``: then any address, and plain HTTP too. Only
  host names exactly as written in the URL match (case and a final dot aside): the numeric forms the resolver
  also accepts (``2130706433``, ``0x7f000001``, ``127.1``, ``0177.0.0.1``) do not match an entry ``127.0.0.1``;
  they are judged by the address the resolver makes of them, so they are refused.

``GuardedAdapter`` enforces it on every connection: requests-hardened's adapter resolves the name once, and the
connection goes to that address, pinned (urllib3 gets the address, not the name: no second lookup, so DNS
rebinding cannot swap it); we judge that very address by the rule above (the library's own check lets
site-local and reserved IPv6 ranges through, such as the IPv4-compatible ``::127.0.0.1``). The other addresses the name may have are never used, so they
are not judged either (a second lookup to judge them could answer differently anyway). A name that does not
resolve is refused like a private one, with the same words, so that pages tell nothing about internal names.
Redirects are never followed (``http.TimeoutSession``). With ``HTTPS_PROXY`` set the check still happens here and
the proxy is asked to CONNECT to the checked address; plain HTTP through a proxy would let the proxy resolve
the name, but plain HTTP is only allowed for listed hosts.
"""
from __future__ import annotations

import enum
import ipaddress
import logging
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import SplitResult, urlsplit

import requests
from flask_babel import lazy_gettext as _l
from requests.adapters import HTTPAdapter
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES, InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from lti_app.lti import errors

log = logging.getLogger(__name__)


class Refusal(enum.StrEnum):
    """Why the tool may not call a URL. Its value is the English reason, for the one text that stays English after
    a host (the guard's own exception, read in logs); pages say each reason in whole translated sentences of their
    own (``dynamic_registration``, ``platform_keys``, ``management``, ``services.connector``), never by gluing
    these words."""

    NOT_A_URL = "is not a URL"
    NOT_HTTPS = "is not an HTTPS URL"
    REFUSED = "points to an address the tool may not call (private, reserved or unknown)"


REFUSED = Refusal.REFUSED  # the English words of a refusal by address, whichever check made it
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(InvalidIPAddress):
    """The URL's host is not one the tool may call (a RequestException: callers that catch those catch it)."""


class RegistrationAddressRefused(errors.RegistrationRequestInvalid):
    """A registration's configuration URL that the tool may not call."""

    title = _l("ReMentor may not call your LMS at this address")
    advice = _l(
        "ReMentor calls an LMS only over HTTPS on a public address. A test LMS on a private network or over plain "
        "HTTP must be listed by ReMentor's operator in the LTI_PRIVATE_HOSTS setting, under the host name it has in "
        "this address."
    )


class PlatformAddressRefused(errors.PlatformUnavailable):
    """A platform URL (key set, token, service) that the tool may not call."""

    title = _l("ReMentor may not call this LMS address")
    advice = _l(
        "The LMS's registration names a URL on a private or reserved address, or over plain HTTP. Tell ReMentor's "
        "operator: a test LMS on a private network must be listed in the LTI_PRIVATE_HOSTS setting."
    )


def host_names(hosts: Iterable[str]) -> frozenset[str]:
    """The listed host names, as compared: lower case, without a final dot or IPv6 brackets."""
    return frozenset(filter(None, (_name(host) for host in hosts)))


def _name(host: str | None) -> str:
    return (host or "").strip().strip("[]").rstrip(".").lower()


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL"
        return None


def host_of(url: str | None) -> str | None:
    """The host name of a URL as compared (lower case, no final dot), or None."""
    parts = _split(url) if isinstance(url, str) else None
    return (_name(parts.hostname) or None) if parts else None


def listed(url: str, private_hosts: frozenset[str]) -> bool:
    """Whether the URL's host name is one the operator allowed although private."""
    return host_of(url) in private_hosts


def public(address: Address) -> bool:
    """Whether the tool may connect to ``address`` (IPv4-mapped IPv6 judged as its IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return public(address.ipv4_mapped)
        if address.is_site_local:
            return False
    if not address.is_global or address.is_multicast or address.is_reserved:
        return False
    return not any(address in network for network in EXTRA_BLOCKED_NET_RANGES)


def literal_address(host: str) -> Address | None:
    """The address a numeric host stands for, read the way the resolver reads it (``127.1`` is 127.0.0.1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def refusal(url: Any, private_hosts: frozenset[str]) -> Refusal | None:
    """Why the tool may not call ``url`` without resolving it (scheme, numeric and ``localhost`` hosts), or None.

    Host names are judged by their addresses when a connection is made (``GuardedAdapter``).
    """
    parts = _split(url) if isinstance(url, str) else None
    if parts is None:
        return Refusal.NOT_A_URL
    if listed(url, private_hosts):
        return None if parts.scheme in {"https", "http"} else Refusal.NOT_HTTPS
    if parts.scheme != "https" or not parts.hostname:
        return Refusal.NOT_HTTPS
    host = _name(parts.hostname)
    address = literal_address(host)
    if host == "localhost" or host.endswith(".localhost") or (address is not None and not public(address)):
        return Refusal.REFUSED
    return None


class GuardedAdapter(IPFilterAdapter):
    """requests-hardened's IP-pinning adapter with our rule: listed hosts pass, every other address is judged."""

    def __init__(self, https: bool, private_hosts: frozenset[str]) -> None:
        super().__init__(is_https_proto=https)
        self.private_hosts = private_hosts

    def build_connection_pool_key_attributes(self, request: requests.PreparedRequest, verify: Any, cert: Any = None) -> Any:
        """The pool key with the checked address as the host to connect to (Host header and TLS name unchanged)."""
        url = request.url or ""
        if listed(url, self.private_hosts):
            return HTTPAdapter.build_connection_pool_key_attributes(self, request, verify, cert)
        host = urlsplit(url).hostname
        if refusal(url, self.private_hosts):
            raise self._refused(host, "is refused by its URL alone (plain HTTP, or a non-public address)")
        try:
            host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        except InvalidIPAddress as exc:
            raise self._refused(host, f"resolves to {exc}") from exc
        except requests.ConnectionError as exc:  # the library's "Failed to resolve domain"
            raise self._refused(host, "does not resolve") from exc
        address = ipaddress.ip_address(host_params["host"].strip("[]"))
        if not public(address):
            raise self._refused(host, f"resolves to {address}")
        return host_params, pool_kwargs

    @staticmethod
    def _refused(host: str | None, why: str) -> AddressRefused:
        log.warning("outbound call refused: host %s %s (not in LTI_PRIVATE_HOSTS)", host, why)
        return AddressRefused(f"{host} {REFUSED}")
