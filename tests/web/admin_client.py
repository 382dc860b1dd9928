"""Driving the operators' pages through the test client: sign in, and post with the session's CSRF token.

The test suite keeps one app context open for a whole test, so ``g`` outlives a request, and Flask-WTF
caches the CSRF token of the last request's session there. The helpers drop that cached token around the
operator's requests, so that a test can mix an operator's browser with an LMS user's.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from flask import g

from tests.factories import OPERATOR_PASSWORD
from tests.lti_platform import forms_of


@contextmanager
def own_csrf_token() -> Iterator[None]:
    """Requests inside use the CSRF token of their own browser's session, not one cached by another browser."""
    g.pop("csrf_token", None)
    try:
        yield
    finally:
        g.pop("csrf_token", None)


def _from(address: str | None) -> dict[str, str]:
    """Headers of a request from ``address`` as the proxy reports it (needs PROXY_FIX_HOPS=1)."""
    return {"X-Forwarded-For": address} if address else {}


def csrf_token(client: Any, address: str | None = None) -> str:
    """This browser's CSRF token, read from the sign-in page's form."""
    with own_csrf_token():
        form = next(f for f in forms_of(client.get("/admin/login", headers=_from(address))) if "csrf_token" in f.fields)
    return form.fields["csrf_token"]


def sign_in(
    client: Any, email: str, password: str = OPERATOR_PASSWORD, next_path: str | None = None, address: str | None = None,
) -> Any:
    """Post the sign-in form (from the client ``address`` behind the proxy, when given); the response."""
    query = {"next": next_path} if next_path else None
    data = {"csrf_token": csrf_token(client, address), "email": email, "password": password}
    with own_csrf_token():
        return client.post("/admin/login", data=data, query_string=query, headers=_from(address))


def admin_session(client: Any) -> Any:
    """``session_transaction`` on the operator's own cookie (the one sent to ``/admin``)."""
    return client.session_transaction("/admin/")


def admin_post(client: Any, path: str, **data: Any) -> Any:
    """Post to an operators' page as its own form does (with the CSRF token)."""
    token = csrf_token(client)
    with own_csrf_token():
        return client.post(path, data={"csrf_token": token, **data})
