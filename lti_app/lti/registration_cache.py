"""Registrations and deployments as plain records in the shared cache: every login and every launch reads them.

A record is stored with the registrations' *generation*, a token that any flush changing a platform or a
deployment replaces, and replaces again after the commit: a record read before a change (even one a concurrent
request cached between that flush and that commit) no longer matches and is read again from the database. So
deactivating a platform or a deployment refuses the very next launch. Unknown registrations are never cached.

By default only a cache that every process shares (Redis) holds records: with the in-process cache, a
``flask platform deactivate`` run in another process could not reach the server's copy. The setting
``LTI_REGISTRATION_CACHE_SECONDS`` (read with a default, 0 = off) overrides that.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cachelib import NullCache, SimpleCache
from flask import current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lti_app.extensions import cache, db
from lti_app.lti.models import Deployment, Platform, origin_of

GENERATION_KEY = "lti:registrations:generation"
# The origins allowed to frame the tool (web/security.py keeps them, shared a minute and per process a few
# seconds): dropped with the records whenever a registration changes, whoever changed it (CLI, /admin, a
# registration, a launch recording an origin).
FRAME_ANCESTORS_CACHE_KEY = "web:frame-ancestors"
FRAME_ANCESTORS_MEMO = "rementor_frame_ancestors"
SHARED_CACHE_SECONDS = 300
_CHANGED = "lti_registrations_changed"
_ON_COMMIT = "lti_on_commit"
# A platform's newest-launch stamp is written by launches themselves and is no part of a record.
_NOT_RECORDED = frozenset({"last_launch_at", "deployments"})


@dataclass(frozen=True)
class PlatformRecord:
    """What a login or a launch needs of a registration (duck-compatible with Platform for those uses)."""

    id: int
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    auth_audience: str | None
    key_set_url: str | None
    key_set: dict[str, Any] | None
    active: bool
    pending: bool
    frame_origins: tuple[str, ...]

    @classmethod
    def of(cls, row: Platform) -> PlatformRecord:
        """The record of a Platform row."""
        return cls(row.id, row.name, row.issuer, row.client_id, row.auth_login_url, row.auth_token_url,
                   row.auth_audience, row.key_set_url, row.key_set, row.active, row.pending,
                   tuple(row.frame_origins or ()))

    def origins(self) -> set[str]:
        """Every origin of this platform (see Platform.origins)."""
        found = {origin_of(self.issuer), origin_of(self.auth_login_url), *self.frame_origins}
        return {origin for origin in found if origin}


@dataclass(frozen=True)
class DeploymentRecord:
    """What a launch needs of a deployment."""

    id: int
    platform_id: int
    deployment_id: str
    active: bool
    pending: bool

    @classmethod
    def of(cls, row: Deployment) -> DeploymentRecord:
        """The record of a Deployment row."""
        return cls(row.id, row.platform_id, row.deployment_id, row.active, row.pending)


def cache_seconds() -> int:
    """How long a record is kept: the setting, else five minutes in a shared cache and 0 (off) in a per-process one."""
    configured = current_app.config.get("LTI_REGISTRATION_CACHE_SECONDS")
    if configured is not None:
        return int(configured)
    return 0 if isinstance(cache.cache, (SimpleCache, NullCache)) else SHARED_CACHE_SECONDS


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()


def platform_key(issuer: str, client_id: str | None) -> str:
    """The cache key of the registration (issuer, client_id); None = the issuer's only one."""
    return "lti:registration:platform:" + _digest(issuer, client_id or "")


def deployment_key(platform_id: int, deployment_id: str) -> str:
    """The cache key of a platform's deployment."""
    return f"lti:registration:deployment:{platform_id}:" + _digest(deployment_id)


class RegistrationCache:
    """The records one request reads; the generation is read once, before the first database lookup."""

    def __init__(self) -> None:
        self.seconds = cache_seconds()
        self._generation: str | None = None

    def get(self, key: str) -> Any | None:
        """The record under ``key`` when it belongs to the current generation, else None."""
        if not self.seconds:
            return None
        if self._generation is None:
            self._generation, stored = cache.get_many(GENERATION_KEY, key)
            if self._generation is None:
                cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=0)
                self._generation = cache.get(GENERATION_KEY)
        else:
            stored = cache.get(key)
        if stored and stored[0] == self._generation:
            return stored[1]
        return None

    def put(self, key: str, record: Any) -> None:
        """Keep ``record`` under ``key`` for the generation read before it was looked up."""
        if self.seconds and self._generation is not None:
            cache.set(key, (self._generation, record), timeout=self.seconds)


def forget_registrations() -> None:
    """Make every cached record stale (a registration or a deployment changed)."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=0)


def forget_frame_origins() -> None:
    """Drop the cached list of origins allowed to frame the tool: this process's copy and the shared one."""
    current_app.extensions.pop(FRAME_ANCESTORS_MEMO, None)
    cache.delete(FRAME_ANCESTORS_CACHE_KEY)


def _changes_a_record(obj: object) -> bool:
    if not isinstance(obj, (Platform, Deployment)):
        return False
    state = inspect(obj)
    if state.pending or state.deleted or state.was_deleted:
        return True
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in _NOT_RECORDED)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: Any) -> None:
    if any(_changes_a_record(obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True
        forget_registrations()


def on_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction is committed (dropped if it rolls back)."""
    db.session.info.setdefault(_ON_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # after_commit also follows a savepoint's release; only the outermost commit makes the change visible.
    if session.in_nested_transaction():
        return
    if session.info.pop(_CHANGED, False):
        forget_registrations()
        forget_frame_origins()
    for callback in session.info.pop(_ON_COMMIT, ()):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_ON_COMMIT, None)
