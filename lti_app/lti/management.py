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

from lti_app.extensions import db
from lti_app.lti import outbound, sessions
from lti_app.lti.models import Deployment, Platform


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


def check_called_urls(**urls: str | None) -> None:
    """The URLs the tool itself calls (token, key set), by the outbound rule an operator's entry must meet too:
    ValueError naming the first one it refuses, at once rather than at the next launch or grade."""
    private_hosts = outbound.host_names(current_app.config["LTI_PRIVATE_HOSTS"])
    for what, url in urls.items():
        if url and (why := outbound.refusal(url, private_hosts)):
            raise ValueError(f"The {what.replace('_', ' ')} {url!r} {why}. A test LMS on a private network or over "
                             "plain HTTP must be listed in the LTI_PRIVATE_HOSTS setting.")


def all_platforms() -> list[Platform]:
    """Every registration with its deployments, in the order they were added."""
    query = select(Platform).options(selectinload(Platform.deployments)).order_by(Platform.id)
    return list(db.session.scalars(query))


def _flush(conflict: str) -> None:
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
    conflict = f"Issuer {fields.issuer!r} with client ID {fields.client_id!r} is already registered."
    if taken:
        raise RegistrationConflict(conflict)
    if not fields.key_set_url and not platform.key_set:
        raise ValueError("A key set URL is needed: this registration has no inline key set.")
    check_called_urls(token_URL=fields.auth_token_url, key_set_URL=fields.key_set_url)
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
    conflict = f"Deployment {deployment_id!r} is already registered for this platform."
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
