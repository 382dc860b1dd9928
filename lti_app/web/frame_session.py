"""The tool's session in an LMS iframe that keeps no cookie: a per-launch token that the page holds.

A launch verified through the platform's postMessage storage (``lti/platform_storage.py``) happened in a frame
that keeps no cookie of ours (Safari, Chrome without third-party cookies), so the session it opens cannot live
in the session cookie. It lives server-side instead, under a random *frame token*:

- The token is made by that verified launch only, for that launch's session record (``lti_browser_session``):
  everything that ends a session (a new launch of the person, an operator, the absolute lifetime) ends it here too,
  because every course page checks that record whatever carried the session.
- It is never in a URL. Each page of the frame carries it in a ``<meta>`` element, and ``frame-session.js``
  sends it back: links and GET forms become small POSTs (``_rm_nav=get`` and ``_rm_frame``) that
  ``FrameNavigation`` turns back into the GET they stand for, with the token as the ``X-ReMentor-Frame`` header;
  POST forms get the token as a hidden field beside their CSRF token; script requests send the header. A link
  copied out of the frame, a referrer, a browser history entry or a proxy log therefore holds no token: nobody
  can adopt the session from an address (the hand-over to a new window, which does travel in a URL, stays
  one-time and asks its reader to confirm whose session it is; see ``web/launch/routes.py``).
- CSRF stays as on every page: the CSRF token lives in the frame's session, a POST needs both tokens, and a
  page on another site knows neither.
- Short-lived: the token lives ``LTI_FRAME_SESSION_SECONDS`` after its last use (idle), and never beyond the
  session record's own lifetime. A redirect to our own pages is answered, for a frame request, with a page that
  carries the token to the next address (a browser follows a redirect without it). Pages of a frame are never
  cached (``no-store``).

Browsers whose frame keeps our cookie never see any of this: no ``lti_storage_target``, no token, the cookie flow
and the new-window fallback are unchanged.
"""
from __future__ import annotations

import hashlib
import secrets
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask, Request, Response, current_app, has_request_context, render_template, request, session
from flask.sessions import SecureCookieSession, SessionMixin
from werkzeug.exceptions import HTTPException

from lti_app.extensions import cache

HEADER = "X-ReMentor-Frame"
FIELD = "_rm_frame"
NAV_FIELD = "_rm_nav"
PREFIX = "lti:frame:"
_ENVIRON_HEADER = "HTTP_X_REMENTOR_FRAME"
_STARTED = "rementor.frame_token"  # in the WSGI environ: the token a storage launch made in this request
_NAV_BODY_MAX = 512  # a navigation POST holds two short fields


class FrameSession(SecureCookieSession):
    """A session kept server-side under a frame token (None: a frame request whose token is unknown or expired)."""

    def __init__(self, initial: Any = None, token: str | None = None) -> None:
        super().__init__(initial)
        self.token = token


def _key(token: str) -> str:
    return PREFIX + hashlib.sha256(token.encode()).hexdigest()  # a dump of the cache opens no session


def token_of(req: Request) -> str | None:
    """The frame token a request carries (header, or a POST form's hidden field), if any."""
    token = req.headers.get(HEADER)
    if not token and req.method == "POST" and req.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        try:
            token = req.form.get(FIELD)
        except HTTPException:  # a body the form parser refuses (too large): the view's own reading answers it
            return None
    return token if token and 20 <= len(token) <= 100 else None


def open_frame_session(req: Request) -> FrameSession | None:
    """The frame session of a frame request; None for a request that carries no frame token (use the cookie)."""
    token = token_of(req)
    if token is None:
        return None
    data = cache.get(_key(token))
    return FrameSession(data, token=token) if isinstance(data, dict) else FrameSession()


def save_frame_session(app: Flask, session: SessionMixin) -> bool:
    """Keep a frame's session for another idle period (never a cookie); False for a cookie session."""
    if not isinstance(session, FrameSession) and _STARTED not in request.environ:
        return False
    token = current_token()
    if token is not None:
        cache.set(_key(token), dict(session), timeout=int(app.config["LTI_FRAME_SESSION_SECONDS"]))
    return True


def start() -> str:
    """Make this request's (empty: its frame sent no cookie) session a new frame session; its token."""
    token = secrets.token_urlsafe(32)
    session.clear()
    request.environ[_STARTED] = token
    return token


def current_token() -> str | None:
    """The frame token of this request's session, when it is a live frame session."""
    if not has_request_context():
        return None
    started = request.environ.get(_STARTED)
    if started is not None:
        return started
    opened = session
    return opened.token if isinstance(opened, FrameSession) else None


class FrameNavigation:
    """WSGI middleware: a frame's navigation POST (``_rm_nav=get`` + token) is the GET it stands for.

    Only small url-encoded bodies are looked at; any other POST reaches the app untouched (its body restored).
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") == "POST" and str(environ.get("CONTENT_TYPE", "")).startswith(
            "application/x-www-form-urlencoded"
        ):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if 0 < length <= _NAV_BODY_MAX:
                body = environ["wsgi.input"].read(length)
                fields = parse_qs(body.decode("latin-1"), keep_blank_values=True)
                tokens = fields.get(FIELD, [])
                if fields.get(NAV_FIELD) == ["get"] and len(tokens) == 1 and set(fields) == {NAV_FIELD, FIELD}:
                    environ["REQUEST_METHOD"] = "GET"
                    environ[_ENVIRON_HEADER] = tokens[0]
                    environ["CONTENT_LENGTH"] = "0"
                    environ.pop("CONTENT_TYPE", None)
                    body = b""
                environ["wsgi.input"] = BytesIO(body)
        return self.wsgi_app(environ, start_response)


def _is_ours(location: str) -> bool:
    parts = urlsplit(location)
    return not parts.netloc or parts.netloc == request.host


def register(app: Flask) -> None:
    """Frame navigation in front of the app, the token in every frame page, redirects carried on."""
    app.wsgi_app = FrameNavigation(app.wsgi_app)  # type: ignore[method-assign]

    @app.context_processor
    def frame_token() -> dict[str, Any]:
        return {"frame_token": current_token()}

    @app.after_request
    def carry_on(response: Response) -> Response:
        if current_token() is None:
            return response
        location = response.headers.get("Location")
        if response.status_code in {301, 302, 303} and location and _is_ours(location):
            response = current_app.make_response((render_template("launch/frame_next.html", next=location), 200))
        response.headers["Cache-Control"] = "no-store"
        return response
