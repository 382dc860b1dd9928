"""Sign-in throttling per client address with Flask-Limiter; nothing else in the tool is rate limited.

The operator sign-in POST may fail ``SIGN_IN_RATE_LIMIT`` times per client address (a moving window; a
successful sign-in is not counted). The counts live in memory, or in Redis when ``REDIS_URL`` is set, under
``CACHE_KEY_PREFIX`` so that several tools can share one Redis. The client address is the one ProxyFix took
from ``X-Forwarded-For``; IPv6 clients count by their /64 network, since one host commonly holds a whole /64.
Guessing across many addresses is slowed by the account lock-out instead (lti_app.operators.services).
"""
from __future__ import annotations

import ipaddress
import time

from flask import Flask, Response, current_app, render_template, request
from flask_limiter import Limiter, RateLimitExceeded

from lti_app.extensions import db

SIGN_IN_ENDPOINT = "admin.login"
_EXTENSION = "rementor_limiter"


def client_key() -> str:
    """The client's address (its /64 network for IPv6) that sign-in attempts are counted under."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def _not_signed_in(response: Response) -> bool:
    """Every answer but a successful sign-in (a redirect) counts as an attempt."""
    return response.status_code != 302


def _storage(app: Flask) -> tuple[str, dict[str, str]]:
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        return redis_url, {"key_prefix": f"{app.config['CACHE_KEY_PREFIX']}limits"}
    return "memory://", {}


def sign_in_limiter() -> Limiter:
    """This app's limiter."""
    return current_app.extensions[_EXTENSION]


def register(app: Flask) -> None:
    """A limiter for this app, on the operator sign-in POST only, and the 429 page it answers with."""
    storage_uri, options = _storage(app)
    # One limiter per app (not a module global): its storage and settings belong to this app alone.
    limiter = Limiter(
        client_key, storage_uri=storage_uri, storage_options=options, strategy="moving-window",
        swallow_errors=True,  # Redis down: sign-ins go on, still under the account lock-out
    )
    limiter.init_app(app)
    app.extensions[_EXTENSION] = limiter
    view = app.view_functions[SIGN_IN_ENDPOINT]
    app.view_functions[SIGN_IN_ENDPOINT] = limiter.limit(
        app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"], deduct_when=_not_signed_in,
    )(view)
    app.register_error_handler(RateLimitExceeded, too_many_requests)


def _retry_after_seconds() -> int:
    current = sign_in_limiter().current_limit
    if current is None:
        return 60
    # the storage rounds the window's end up to a whole second: never say more than the window itself
    return max(1, min(current.limit.get_expiry(), current.reset_at - int(time.time())))


def too_many_requests(error: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    """The 429 page: in the tool's look, saying when to try again (also in ``Retry-After``)."""
    db.session.rollback()
    seconds = _retry_after_seconds()
    minutes = max(1, (seconds + 30) // 60)  # to the nearest minute: the window ends within a second of a whole one
    when = time.strftime("%H:%M UTC", time.gmtime(time.time() + seconds))
    current_app.logger.warning("sign-in throttled for %s (%s)", client_key(), error.limit.limit)
    page = render_template("errors/too_many_requests.html", minutes=minutes, seconds=seconds, when=when)
    return page, 429, {"Retry-After": str(seconds)}
