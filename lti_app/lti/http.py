"""One outbound HTTP session for all platform calls: guarded, named, with a timeout, never redirected.

Canvas refuses service requests without a User-Agent; requests has no default timeout, so a platform
that hangs would hang our worker without one. Every connection goes through ``outbound.GuardedAdapter``
(only public addresses, and the listed private hosts), and redirects are never followed, so a redirect cannot
lead to an unchecked host: a 3xx reaches the caller like any other status. The proxy settings of the environment
are read once per host.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests

from lti_app.lti.outbound import GuardedAdapter, host_names

USER_AGENT = "ReMentor-LTI/0.1"


class TimeoutSession(requests.Session):
    """A requests session that applies a default (connect, read) timeout to every request and calls only the hosts
    the outbound rule allows (``private_hosts``: the names listed in ``LTI_PRIVATE_HOSTS``)."""

    def __init__(self, timeout: tuple[float, float], private_hosts: Iterable[str] = ()) -> None:
        super().__init__()
        self.timeout = timeout
        self.private_hosts = host_names(private_hosts)
        self.headers["User-Agent"] = USER_AGENT
        self.mount("https://", GuardedAdapter(True, self.private_hosts))
        self.mount("http://", GuardedAdapter(False, self.private_hosts))
        self._environment: dict[tuple, dict[str, Any]] = {}

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """``requests.Session.request`` with the session's timeout unless the call gives one."""
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Send without ever following a redirect, whatever the caller asked."""
        kwargs["allow_redirects"] = False
        return super().send(request, **kwargs)

    def merge_environment_settings(self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        """requests reads the proxy variables on every request (a scan of the whole environment, a third of a score
        POST's client time): a session reads them once per scheme and host."""
        if not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        key = (*urlsplit(url)[:2], stream, verify, cert, tuple(sorted((proxies or {}).items())))
        found = self._environment.get(key)
        if found is None:
            found = self._environment[key] = super().merge_environment_settings(url, proxies, stream, verify, cert)
        return {**found, "proxies": dict(found["proxies"])}


def make_session(connect_timeout: float, read_timeout: float, private_hosts: Iterable[str] = ()) -> TimeoutSession:
    """A session for platform calls with the configured timeouts and the operator's private hosts."""
    return TimeoutSession((connect_timeout, read_timeout), private_hosts)
