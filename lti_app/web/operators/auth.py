"""The operator's session: kept in Flask's session under its own key, apart from the LTI course sessions.

The signed cookie carries the operator id, a random session id, and when the session began and was last
used. The server refuses a session idle for longer than ``OPERATOR_SESSION_SECONDS`` or older than
``OPERATOR_SESSION_MAX_SECONDS``, and also looks the session id up in the shared cache, so that signing
out (or the idle time passing) ends the session even for a copy of the cookie taken earlier. Deactivating
the operator or changing their password ends their open sessions too.
"""
from __future__ import annotations

import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, g, session

from lti_app.extensions import cache, db
from lti_app.operators.models import Operator
from lti_app.operators.services import SignIn, sign_in_operator
from lti_app.web.operators.browsers import is_trusted, password_stamp

SESSION_KEY = "operator"
_SID_PREFIX = "admin:session:"


def check_credentials(email: str, password: str) -> SignIn:
    """Check an operator's address and password under the configured lock-out rules (a browser the operator
    signed in from before still gets in while the account is locked). Flushes."""
    config = current_app.config
    return sign_in_operator(
        email, password,
        max_failures=config["OPERATOR_MAX_FAILED_LOGINS"],
        lockout=timedelta(seconds=config["OPERATOR_LOCKOUT_SECONDS"]), trusted=is_trusted,
    )


def _idle_seconds() -> int:
    return int(current_app.config["OPERATOR_SESSION_SECONDS"])


def begin_session(operator: Operator) -> None:
    """Open an operator session in this browser (replacing any earlier one)."""
    end_session()
    sid, now = secrets.token_urlsafe(24), int(time.time())
    session[SESSION_KEY] = {"id": operator.id, "sid": sid, "since": now, "seen": now, "v": password_stamp(operator)}
    cache.set(_SID_PREFIX + sid, operator.id, timeout=_idle_seconds())


def end_session() -> None:
    """Close this browser's operator session, if any."""
    entry = session.pop(SESSION_KEY, None)
    if entry:
        cache.delete(_SID_PREFIX + entry["sid"])


def _still_valid(entry: dict, now: float) -> bool:
    config = current_app.config
    return (
        now - entry["seen"] <= config["OPERATOR_SESSION_SECONDS"]
        and now - entry["since"] <= config["OPERATOR_SESSION_MAX_SECONDS"]
        and cache.get(_SID_PREFIX + entry["sid"]) == entry["id"]
    )


def current_operator() -> Operator | None:
    """The operator signed in in this browser, after sliding the idle timer; None (session ended) otherwise.

    Sets ``g.operator_session_ended`` when a session existed but timed out, was signed out elsewhere, or
    its operator was deactivated, so that the page can say why.
    """
    entry = session.get(SESSION_KEY)
    if not entry:
        return None
    now = time.time()
    operator = db.session.get(Operator, entry["id"]) if _still_valid(entry, now) else None
    if operator is None or not operator.active or entry.get("v") != password_stamp(operator):
        end_session()
        g.operator_session_ended = True
        return None
    session[SESSION_KEY] = {**entry, "seen": int(now)}
    cache.set(_SID_PREFIX + entry["sid"], operator.id, timeout=_idle_seconds())
    return operator


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path of the admin pages on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin/") or target.startswith("//"):
        return None
    return target
