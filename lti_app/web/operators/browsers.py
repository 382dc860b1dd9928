"""Browsers an operator has signed in from: they still get in while someone else's guessing locks the account.

After a successful sign-in the browser keeps a signed cookie naming the operator and a stamp of their
password (``SameSite=Strict``, path ``/admin``, HttpOnly). While the account is locked out, the right
password is still accepted from a browser holding that cookie, so an attacker who guesses from many
addresses slows guessing for everyone but cannot keep a known operator out. A new password makes the older
cookies worthless; a stranger's browser, whatever its address, stays locked out.
"""
from __future__ import annotations

import hashlib

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from lti_app.operators.models import Operator
from lti_app.web.cookies import ADMIN_PREFIX

COOKIE_NAME = "rementor_admin_browser"
TRUST_SECONDS = 90 * 24 * 3600
_SALT = "rementor-operator-browser"


def password_stamp(operator: Operator) -> str:
    """Changes with the operator's password, so that a new password ends what the old one opened."""
    return hashlib.sha256(operator.password_hash.encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)  # type: ignore[arg-type]


def is_trusted(operator: Operator) -> bool:
    """Whether this browser signed in as ``operator`` (with the current password) in the last 90 days."""
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return False
    try:
        claim = _serializer().loads(token, max_age=TRUST_SECONDS)
    except BadData:
        return False
    return isinstance(claim, dict) and claim.get("o") == operator.id and claim.get("v") == password_stamp(operator)


def remember_browser(response: Response, operator: Operator) -> Response:
    """Mark this browser as one ``operator`` signs in from."""
    response.set_cookie(
        COOKIE_NAME, _serializer().dumps({"o": operator.id, "v": password_stamp(operator)}),
        max_age=TRUST_SECONDS, path=request.script_root + ADMIN_PREFIX, samesite="Strict", httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
