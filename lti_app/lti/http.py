"""One outbound HTTP session for all platform calls: a User-Agent and a timeout on every request.

Canvas refuses service requests without a User-Agent; requests has no default timeout, so a platform
that hangs would hang our worker without one. The proxy settings of the environment are read once per host.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

USER_AGENT = "ReMentor-LTI/0.1"


class TimeoutSession(requests.Session):
    """A requests session that applies a default (connect, read) timeout to every request."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = USER_AGENT
        self._environment: dict[tuple, dict[str, Any]] = {}

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """``requests.Session.request`` with the session's timeout unless the call gives one."""
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)

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


def make_session(connect_timeout: float, read_timeout: float) -> TimeoutSession:
    """A session for platform calls with the configured timeouts."""
    return TimeoutSession((connect_timeout, read_timeout))
