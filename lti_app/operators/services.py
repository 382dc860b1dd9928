"""Operator accounts: create, change password, (de)activate, unlock, and sign in with lock-out.

Every function flushes and leaves the commit to its caller. A sign-in answers the same way for an unknown
address and a wrong password, and takes as long (a dummy hash is checked), so that the page cannot be used
to learn which addresses hold accounts; unknown addresses are even "locked" after as many failures, in the
cache, for the same reason.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache as memoise

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from lti_app.extensions import cache, db, utcnow
from lti_app.operators.models import Operator

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing megabytes on every attempt would be a cheap denial of service
_UNKNOWN_PREFIX = "operators:unknown-failures:"


class OperatorError(ValueError):
    """An operator command cannot be done as asked (duplicate address, weak password, no such operator)."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the operator when it succeeded; ``locked`` when refused for too many failures."""

    operator: Operator | None
    locked: bool = False


def normalise_email(email: str) -> str:
    """The form an address is stored and looked up in."""
    return email.strip().lower()


def find_operator(email: str) -> Operator | None:
    """The operator with this address, if any."""
    return db.session.scalar(select(Operator).where(Operator.email == normalise_email(email)))


def get_operator(email: str) -> Operator:
    """The operator with this address, or OperatorError."""
    operator = find_operator(email)
    if operator is None:
        raise OperatorError(f"No operator with the address {normalise_email(email)!r}.")
    return operator


def _password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise OperatorError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise OperatorError(f"The password must have at most {MAX_PASSWORD_LENGTH} characters.")
    return generate_password_hash(password)


def create_operator(email: str, password: str) -> Operator:
    """A new, active operator. Flushes."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 255 or any(c.isspace() for c in address):
        raise OperatorError(f"{email!r} is not an e-mail address.")
    if find_operator(address):
        raise OperatorError(f"An operator with the address {address!r} already exists.")
    operator = Operator(email=address, password_hash=_password_hash(password))
    db.session.add(operator)
    db.session.flush()
    return operator


def set_operator_password(operator: Operator, password: str) -> Operator:
    """Give the operator a new password; this also lifts a lock-out. Flushes."""
    operator.password_hash = _password_hash(password)
    return unlock_operator(operator)


def unlock_operator(operator: Operator) -> Operator:
    """Lift a lock-out and forget the failed attempts. Flushes."""
    operator.failed_logins = 0
    operator.locked_until = None
    db.session.flush()
    return operator


def set_operator_active(operator: Operator, active: bool) -> Operator:
    """Allow or refuse the operator's sign-ins (an inactive operator's open session ends too). Flushes."""
    operator.active = active
    db.session.flush()
    return operator


@memoise
def _dummy_hash() -> str:
    return generate_password_hash("not the password of anyone")


def _fingerprint(address: str) -> str:
    return _UNKNOWN_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def sign_in_operator(
    email: str, password: str, *, max_failures: int, lockout: timedelta, now: datetime | None = None,
    trusted: Callable[[Operator], bool] = lambda operator: False,
) -> SignIn:
    """Check an address and password; count failures and lock the account at ``max_failures``. Flushes.

    ``trusted(operator)``: whether the asking browser is one the operator signed in from before. While the
    account is locked only such a browser is heard, and its success leaves the lock in place: guessing from
    many addresses locks out strangers, never the operator in their own browser.
    """
    now = now or utcnow()
    password = password[:MAX_PASSWORD_LENGTH + 1]
    operator = find_operator(email)
    if operator is None:
        check_password_hash(_dummy_hash(), password)
        return _unknown_address_failed(normalise_email(email), max_failures, lockout)
    locked = operator.is_locked(now)
    if locked and not trusted(operator):
        check_password_hash(_dummy_hash(), password)
        return SignIn(None, locked=True)
    if not check_password_hash(operator.password_hash, password) or not operator.active:
        return SignIn(None) if locked else _failed(operator, max_failures, lockout, now)
    if not locked:
        operator.failed_logins, operator.locked_until = 0, None
    operator.last_login_at = now
    db.session.flush()
    return SignIn(operator)


def _failed(operator: Operator, max_failures: int, lockout: timedelta, now: datetime) -> SignIn:
    # An SQL increment, so that parallel guesses cannot each read the same count.
    operator.failed_logins = Operator.failed_logins + 1
    db.session.flush()
    if operator.failed_logins >= max_failures:
        operator.failed_logins, operator.locked_until = 0, now + lockout
        db.session.flush()
        return SignIn(None, locked=True)
    return SignIn(None)


def _unknown_address_failed(address: str, max_failures: int, lockout: timedelta) -> SignIn:
    key = _fingerprint(address)
    failures = int(cache.get(key) or 0)
    if failures >= max_failures:
        return SignIn(None, locked=True)
    cache.set(key, failures + 1, timeout=int(lockout.total_seconds()))
    return SignIn(None, locked=failures + 1 >= max_failures)
