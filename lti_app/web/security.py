"""Response headers: framing only by registered platforms, no sniffing, a strict content policy, HSTS over HTTPS.

Forms may post to the tool itself and to the registered platforms' origins (``form-action``): the deep-linking
return page posts to the platform, and a page that posts elsewhere names the exact target with
``allow_form_action``. ``Strict-Transport-Security`` goes on HTTPS responses only (after ProxyFix, so behind
the TLS proxy too) when ``HSTS_SECONDS`` > 0.
"""
from __future__ import annotations

import time

from flask import Flask, Response, current_app, request
from sqlalchemy import select

from lti_app.extensions import cache, db
from lti_app.lti.models import Platform, origin_of
from lti_app.lti.registration_cache import FRAME_ANCESTORS_CACHE_KEY, FRAME_ANCESTORS_MEMO, forget_frame_origins

# Every response carries the header: each process also keeps the list a few seconds, sparing a cache round trip
# per request (a full launch is five requests). The shared copy lives a minute anyway. Any committed change to a
# platform or a deployment drops both copies in the process that made it (lti/registration_cache.py), and the
# shared one for every process.
_MEMO = FRAME_ANCESTORS_MEMO
MEMO_SECONDS = 10.0
_FORM_TARGETS = "rementor.form_action"  # in the WSGI environ: one request's own, never shared


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
    """Drop the cached origins (after a platform is added or changed; a commit that changes one does it too)."""
    forget_frame_origins()


def allow_form_action(url: str) -> None:
    """Let this response's page post a form to ``url``'s origin (e.g. the platform's deep-linking return URL)."""
    origin = origin_of(url)
    if origin:
        request.environ.setdefault(_FORM_TARGETS, []).append(origin)


def content_policy(extra: list[str]) -> str:
    """The Content-Security-Policy of a page the registered platforms (and ``extra`` origins) may frame."""
    platforms = [*platform_origins(), *extra]
    ancestors = " ".join(["'self'", *platforms])
    targets = " ".join(dict.fromkeys(["'self'", *platforms, *request.environ.get(_FORM_TARGETS, [])]))
    return (
        f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"form-action {targets}; frame-ancestors {ancestors}"
    )


def register(app: Flask) -> None:
    """Add the security headers to every response."""
    extra = app.config.get("FRAME_ANCESTORS_EXTRA", [])
    hsts_seconds = int(app.config.get("HSTS_SECONDS") or 0)

    @app.after_request
    def headers(response: Response) -> Response:
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = content_policy(extra)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if hsts_seconds > 0 and request.is_secure:
            response.headers["Strict-Transport-Security"] = f"max-age={hsts_seconds}; includeSubDomains"
        return response
