"""Two session cookies: the LTI one that travels in the LMS iframe, and the operator's own under ``/admin``.

The LTI session cookie must be ``SameSite=None; Secure; Partitioned`` to reach the tool inside a cross-site
iframe. The operators' pages are never framed, so their session has a cookie of its own: another name,
``SameSite=Strict``, path ``/admin``, not partitioned, signed with another salt. Each request opens exactly
one of the two, chosen by its path, so a course page never sees the operator's session (nor its CSRF token),
and the operators' pages never read or rewrite a course session.

A request from an LMS frame that keeps no cookie carries a frame token instead (``web/frame_session.py``): its
session is the server-side one of that token, and no cookie is read or set.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from lti_app.web import frame_session

ADMIN_PREFIX = "/admin"
ADMIN_SALT = "rementor-admin-session"
LTI_SALT = SecureCookieSessionInterface.salt


def is_admin_path(path: str) -> bool:
    """Whether ``path`` (without the script root) is one of the operators' pages."""
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def _for_admin() -> bool:
    return bool(request) and is_admin_path(request.path)


class AudienceSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the operator's own cookie on the ``/admin`` pages."""

    def open_session(self, app: Flask, request: Request) -> Any:
        """A frame request's server-side session (never on /admin), else the cookie's."""
        if not _for_admin():
            framed = frame_session.open_frame_session(request)
            if framed is not None:
                return framed
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """A frame session is kept server-side and sets no cookie."""
        if not frame_session.save_frame_session(app, session):
            super().save_session(app, session, response)

    def get_cookie_name(self, app: Flask) -> str:
        """The operator's cookie name under /admin, the LTI session cookie's elsewhere."""
        return app.config["ADMIN_SESSION_COOKIE_NAME"] if _for_admin() else super().get_cookie_name(app)

    def get_cookie_path(self, app: Flask) -> str:
        """``/admin`` (below the script root) for the operator's cookie."""
        if _for_admin():
            return request.script_root + ADMIN_PREFIX
        return super().get_cookie_path(app)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """``Strict`` for the operator's cookie: the operators' pages are never reached from another site."""
        return "Strict" if _for_admin() else super().get_cookie_samesite(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        """The operator's cookie is first-party only, never partitioned."""
        return False if _for_admin() else super().get_cookie_partitioned(app)

    def get_cookie_httponly(self, app: Flask) -> bool:
        """No script ever reads either cookie."""
        return True if _for_admin() else super().get_cookie_httponly(app)

    def get_cookie_domain(self, app: Flask) -> str | None:
        """The operator's cookie stays on this host (no SESSION_COOKIE_DOMAIN widening)."""
        return None if _for_admin() else super().get_cookie_domain(app)

    @property
    def salt(self) -> str:  # type: ignore[override]
        """Another salt for the operator's cookie, so that neither cookie's value is accepted as the other."""
        return ADMIN_SALT if _for_admin() else LTI_SALT


def register(app: Flask) -> None:
    """Use the two-cookie session for every request."""
    app.session_interface = AudienceSessionInterface()
    frame_session.register(app)
