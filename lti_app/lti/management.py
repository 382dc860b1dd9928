"""What an operator changes on registrations by hand: endpoints, on/off, deployments. Flushes, never commits.

Approval of pending registrations and deployments lives in ``lti.approvals``; the CLI and ``/admin`` both
come here, so that the same rules hold whichever door an operator uses.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from lti_app.extensions import db
from lti_app.lti import outbound, sessions
from lti_app.lti.models import Deployment, Platform
from lti_app.lti.platform_keys import key_set_url_refused


PRIVATE_HOSTS_ADVICE = _l("A test LMS on a private network or over plain HTTP must be listed in the LTI_PRIVATE_HOSTS "
                          "setting.")


class RegistrationConflict(ValueError):
    """The change would give two registrations one (issuer, client ID), or a platform one deployment ID twice."""


@dataclass(frozen=True)
class PlatformFields:
    """The values of a registration an operator may edit."""

    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    auth_audience: str | None = None
    key_set_url: str | None = None


def check_called_urls(*, token_url: str | None, key_set_url: str | None) -> None:
    """The URLs the tool itself calls (token, key set), by the outbound rule an operator's entry must meet too:
    ValueError naming the first one it refuses, at once rather than at the next launch or grade. Its message is two
    whole sentences in the operator's language (English on the command line): what is wrong, and the way out."""
    private_hosts = outbound.host_names(current_app.config["LTI_PRIVATE_HOSTS"])
    for refused, url in ((_token_url_refused, token_url), (key_set_url_refused, key_set_url)):
        why = outbound.refusal(url, private_hosts) if url else None
        if why is not None:
            sentence = refused(url, why)
            raise ValueError(LazyString(lambda: f"{sentence} {PRIVATE_HOSTS_ADVICE}"))


def _token_url_refused(url: str, reason: outbound.Refusal) -> LazyString:
    """An operator's token URL that the tool may not call, one whole sentence per reason (the key set URL's are
    ``platform_keys.key_set_url_refused``, which a launch says too)."""
    if reason is outbound.Refusal.NOT_HTTPS:
        return _l("The platform's token URL %(url)s is not an HTTPS URL.", url=url)
    if reason is outbound.Refusal.REFUSED:
        return _l("The platform's token URL %(url)s points to an address the tool may not call (private, reserved or "
                  "unknown).", url=url)
    return _l("The platform's token URL %(url)s is not a URL.", url=url)


def all_platforms() -> list[Platform]:
    """Every registration with its deployments, in the order they were added."""
    query = select(Platform).options(selectinload(Platform.deployments)).order_by(Platform.id)
    return list(db.session.scalars(query))


def _flush(conflict: LazyString) -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise RegistrationConflict(conflict) from exc


def update_platform(platform: Platform, fields: PlatformFields) -> Platform:
    """Change a registration's name, identity and endpoints; a key set URL replaces an inline key set. Flushes."""
    taken = db.session.scalar(
        select(Platform.id).where(
            Platform.issuer == fields.issuer, Platform.client_id == fields.client_id, Platform.id != platform.id
        )
    )
    conflict = _l("Issuer %(issuer)s with client ID %(client_id)s is already registered.", issuer=repr(fields.issuer),
                  client_id=repr(fields.client_id))
    if taken:
        raise RegistrationConflict(conflict)
    if not fields.key_set_url and not platform.key_set:
        raise ValueError(_l("A key set URL is needed: this registration has no inline key set."))
    check_called_urls(token_url=fields.auth_token_url, key_set_url=fields.key_set_url)
    platform.name, platform.issuer, platform.client_id = fields.name, fields.issuer, fields.client_id
    platform.auth_login_url, platform.auth_token_url = fields.auth_login_url, fields.auth_token_url
    platform.auth_audience = fields.auth_audience or None
    if fields.key_set_url:
        platform.key_set_url, platform.key_set = fields.key_set_url, None
    _flush(conflict)
    return platform


def set_platform_active(platform: Platform, active: bool) -> Platform:
    """Allow or refuse launches from a registration (nothing is deleted); switching off ends its sessions. Flushes."""
    platform.active = active
    db.session.flush()
    if not active:
        sessions.end_platform_sessions(platform.id)
    return platform


def add_deployment(platform: Platform, deployment_id: str, name: str | None = None) -> Deployment:
    """Register a deployment ID for a platform; added by an operator, it is approved and active. Flushes."""
    conflict = _l("Deployment %(deployment)s is already registered for this platform.", deployment=repr(deployment_id))
    if any(d.deployment_id == deployment_id for d in platform.deployments):
        raise RegistrationConflict(conflict)
    deployment = Deployment(platform=platform, deployment_id=deployment_id, name=name or None)
    db.session.add(deployment)
    _flush(conflict)
    return deployment


def set_deployment_active(deployment: Deployment, active: bool) -> Deployment:
    """Allow or refuse launches through one deployment; switching off ends its sessions. Flushes."""
    deployment.active = active
    db.session.flush()
    if not active:
        sessions.end_deployment_sessions(deployment.id)
    return deployment
