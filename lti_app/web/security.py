"""Response headers: framing only by registered platforms, no sniffing, a strict content policy."""
from __future__ import annotations

import time

from flask import Flask, Response, current_app
from sqlalchemy import select

from lti_app.extensions import cache, db
from lti_app.lti.models import Platform

FRAME_ANCESTORS_CACHE_KEY = "web:frame-ancestors"
# Every response carries the header: each process also keeps the list a few seconds, sparing a cache round trip
# per request (a full launch is five requests). The shared copy lives a minute anyway.
_MEMO = "rementor_frame_ancestors"
MEMO_SECONDS = 10.0


def platform_origins() -> list[str]:
    """The origins of every active platform (issuer, login host, origins seen in launches), cached briefly."""
    memo = current_app.extensions.get(_MEMO)
    if memo is not None and memo[0] > time.monotonic():
        return memo[1]
    origins = cache.get(FRAME_ANCESTORS_CACHE_KEY)
    if origins is None:
        platforms = db.session.scalars(select(Platform).where(Platform.active.is_(True))).all()
        origins = sorted({origin for platform in platforms for origin in platform.origins()})
        cache.set(FRAME_ANCESTORS_CACHE_KEY, origins, timeout=60)
    current_app.extensions[_MEMO] = (time.monotonic() + MEMO_SECONDS, origins)
    return origins


def forget_platform_origins() -> None:
    """Drop the cached origins (after a platform is added or changed)."""
    current_app.extensions.pop(_MEMO, None)
    cache.delete(FRAME_ANCESTORS_CACHE_KEY)


def register(app: Flask) -> None:
    """Add the security headers to every response."""
    extra = app.config.get("FRAME_ANCESTORS_EXTRA", [])

    @app.after_request
    def headers(response: Response) -> Response:
        ancestors = " ".join(["'self'", *platform_origins(), *extra])
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"form-action 'self' https: http:; frame-ancestors {ancestors}",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
