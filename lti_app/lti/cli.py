"""Operator commands for the LTI plumbing: ``flask --app lti_app platform|deployment|keys ...``.

Each prints what it did and exits non-zero with a clear message on bad input. Registered by ``lti_app.cli``.
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db, utcnow
from lti_app.lti import approvals, keys
from lti_app.lti.management import check_called_urls, set_deployment_active, set_platform_active
from lti_app.lti.models import Deployment, Platform

platform_cli = AppGroup("platform", help="LMS registrations (issuer + client ID).")
deployment_cli = AppGroup("deployment", help="Deployments of a registration.")
keys_cli = AppGroup("keys", help="The tool's signing keys.")


def _url(value: str, field: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise click.BadParameter(f"{value!r} is not an http(s) URL", param_hint=field)
    return value


def _platform(issuer: str, client_id: str | None) -> Platform:
    platform = Platform.find(issuer, client_id)
    if platform is None:
        raise click.ClickException(
            f"No registration for issuer {issuer!r}" + (f" and client ID {client_id!r}" if client_id else "")
            + ("" if client_id else " (or several: give --client-id)")
        )
    return platform


def _deployment(platform: Platform, deployment_id: str) -> Deployment:
    deployment = approvals.find_deployment_row(platform, deployment_id)
    if deployment is None:
        raise click.ClickException(
            f"Deployment {deployment_id!r} is not known for {platform.issuer!r} (client {platform.client_id})."
        )
    return deployment


def _commit(message: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise click.ClickException(message) from exc


@platform_cli.command("add")
@click.option("--name", required=True, help="A name operators recognise, e.g. 'University Moodle'.")
@click.option("--issuer", required=True, help="The platform's issuer (Moodle: its wwwroot).")
@click.option("--client-id", required=True)
@click.option("--auth-login-url", required=True, help="OIDC authorisation endpoint.")
@click.option("--token-url", required=True, help="OAuth 2 token endpoint.")
@click.option("--key-set-url", help="The platform's JWKS URL.")
@click.option("--key-set-file", type=click.Path(exists=True, dir_okay=False), help="A JWKS JSON file instead of a URL.")
@click.option("--audience", help="Token audience when it differs from the token URL.")
@click.option("--deployment-id", "deployment_ids", multiple=True, help="Deployment IDs to register now.")
def platform_add(name, issuer, client_id, auth_login_url, token_url, key_set_url, key_set_file, audience, deployment_ids):
    """Register a platform (LMS) by hand."""
    _url(issuer, "--issuer"), _url(auth_login_url, "--auth-login-url"), _url(token_url, "--token-url")
    if bool(key_set_url) == bool(key_set_file):
        raise click.UsageError("Give exactly one of --key-set-url and --key-set-file.")
    key_set = None
    if key_set_file:
        key_set = json.loads(Path(key_set_file).read_text())
        if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
            raise click.BadParameter("the file is not a JWKS document", param_hint="--key-set-file")
    else:
        _url(key_set_url, "--key-set-url")
    try:
        check_called_urls(token_url=token_url, key_set_url=key_set_url)
    except ValueError as refused:
        raise click.ClickException(str(refused)) from refused
    if db.session.scalar(select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)):
        raise click.ClickException(f"Issuer {issuer!r} with client ID {client_id!r} is already registered.")
    platform = Platform(
        name=name, issuer=issuer, client_id=client_id, auth_login_url=auth_login_url, auth_token_url=token_url,
        key_set_url=key_set_url, key_set=key_set, auth_audience=audience,
    )
    platform.deployments = [Deployment(deployment_id=d) for d in dict.fromkeys(deployment_ids)]
    db.session.add(platform)
    _commit(f"Issuer {issuer!r} with client ID {client_id!r} is already registered.")
    click.echo(f"Added platform {platform.id}: {name} ({issuer}, client {client_id}), deployments: {', '.join(deployment_ids) or 'none'}")


@platform_cli.command("list")
def platform_list():
    """List every registration with its deployments."""
    platforms = db.session.scalars(select(Platform).order_by(Platform.id)).all()
    if not platforms:
        click.echo("No platforms registered.")
    for p in platforms:
        state = ("active" if p.active else "inactive") + (", pending approval" if p.pending else "")
        click.echo(f"{p.id}\t{state}\t{p.name}\t{p.issuer}\tclient {p.client_id}")
        for d in p.deployments:
            pending = ", pending approval" if d.pending else ""
            click.echo(f"\t- deployment {d.deployment_id} ({'active' if d.active else 'inactive'}{pending})")


def _set_active(issuer: str, client_id: str | None, active: bool) -> None:
    platform = _platform(issuer, client_id)
    set_platform_active(platform, active)  # switching off also ends the platform's sessions
    db.session.commit()
    click.echo(f"Platform {platform.id} ({platform.issuer}, client {platform.client_id}) is now {'active' if active else 'inactive'}.")


@platform_cli.command("activate")
@click.argument("issuer")
@click.option("--client-id")
def platform_activate(issuer, client_id):
    """Allow launches from a registration."""
    _set_active(issuer, client_id, True)


@platform_cli.command("deactivate")
@click.argument("issuer")
@click.option("--client-id")
def platform_deactivate(issuer, client_id):
    """Refuse launches from a registration and end its open sessions (nothing is deleted)."""
    _set_active(issuer, client_id, False)


@deployment_cli.command("add")
@click.argument("issuer")
@click.argument("deployment_id")
@click.option("--client-id")
@click.option("--name")
def deployment_add(issuer, deployment_id, client_id, name):
    """Register a deployment ID for a platform."""
    platform = _platform(issuer, client_id)
    if any(d.deployment_id == deployment_id for d in platform.deployments):
        raise click.ClickException(f"Deployment {deployment_id!r} is already registered for {issuer!r}.")
    db.session.add(Deployment(platform=platform, deployment_id=deployment_id, name=name))
    _commit(f"Deployment {deployment_id!r} is already registered for {issuer!r}.")
    click.echo(f"Added deployment {deployment_id} to platform {platform.id} ({issuer}, client {platform.client_id}).")


@deployment_cli.command("deactivate")
@click.argument("issuer")
@click.argument("deployment_id")
@click.option("--client-id")
def deployment_deactivate(issuer, deployment_id, client_id):
    """Refuse launches through a deployment and end its open sessions."""
    platform = _platform(issuer, client_id)
    deployment = _deployment(platform, deployment_id)
    set_deployment_active(deployment, False)
    db.session.commit()
    click.echo(f"Deployment {deployment_id} of {issuer} (client {platform.client_id}) is now inactive.")


@platform_cli.command("pending")
def platform_pending():
    """List registrations and deployments awaiting approval."""
    platforms, deployments = approvals.pending_platforms(), approvals.pending_deployments()
    if not platforms and not deployments:
        click.echo("Nothing awaits approval.")
    for p in platforms:
        found = ", ".join(d.deployment_id for d in p.deployments) or "none yet"
        click.echo(f"platform\t{p.issuer}\tclient {p.client_id}\t{p.name}\tdeployments: {found}")
    for d in deployments:
        click.echo(f"deployment\t{d.platform.issuer}\tclient {d.platform.client_id}\tdeployment {d.deployment_id}")


@platform_cli.command("approve")
@click.argument("issuer")
@click.option("--client-id")
def platform_approve(issuer, client_id):
    """Approve a registration (and the deployment that came with it)."""
    platform = _platform(issuer, client_id)
    if not platform.pending:
        click.echo(f"Platform {platform.id} ({platform.issuer}, client {platform.client_id}) was already approved.")
        return
    approvals.approve_platform(platform)
    db.session.commit()
    click.echo(f"Approved platform {platform.id} ({platform.issuer}, client {platform.client_id}).")


@deployment_cli.command("approve")
@click.argument("issuer")
@click.argument("deployment_id")
@click.option("--client-id")
def deployment_approve(issuer, deployment_id, client_id):
    """Approve a deployment first seen in a launch."""
    platform = _platform(issuer, client_id)
    deployment = _deployment(platform, deployment_id)
    if not deployment.pending:
        click.echo(f"Deployment {deployment_id} of {issuer} was already approved.")
        return
    approvals.approve_deployment(deployment)
    db.session.commit()
    note = " The platform itself still awaits approval (`platform approve`)." if platform.pending else ""
    click.echo(f"Approved deployment {deployment_id} of {issuer} (client {platform.client_id}).{note}")


@keys_cli.command("ensure")
def keys_ensure():
    """Create the tool's first signing key if there is none (from TOOL_KEY_FILE when it exists)."""
    key_file = Path(current_app.config["TOOL_KEY_FILE"])
    pem = key_file.read_text() if key_file.exists() else None
    key, created = keys.ensure_key(pem)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Kept'} signing key {key.kid}.")


@keys_cli.command("rotate")
@click.option(
    "--retire-after", "retire_after", type=click.FloatRange(min=0, max=24 * 30), metavar="HOURS",
    help="Retire the older keys this many hours from now (the overlap; 24 is plenty). Without it they stay until `keys retire`.",
)
def keys_rotate(retire_after):
    """Add a new signing key at once; older keys stay published beside it for the overlap."""
    overlap = None if retire_after is None else timedelta(hours=retire_after)
    key, previous = keys.rotate_key(overlap)
    db.session.commit()
    click.echo(f"New signing key {key.kid}.")
    for old in previous:
        if not old.active:
            click.echo(f"Retired {old.kid}; it is no longer published.")
        elif old.retired_at is not None:
            click.echo(f"Still published until {old.retired_at:%Y-%m-%d %H:%M} UTC, then retired: {old.kid}.")
        else:
            click.echo(f"Still published until retired: {old.kid} (run `keys retire {old.kid}` after the overlap).")


# Key ids are base64url thumbprints and may start with "-": take such a word as the KID, not as an option.
@keys_cli.command("retire", context_settings={"ignore_unknown_options": True})
@click.argument("kid")
@click.option("--after", type=click.FloatRange(min=0, max=24 * 30), default=0, metavar="HOURS", help="Retire later, not now.")
def keys_retire(kid, after):
    """Stop publishing a key, now or after some hours."""
    try:
        key = keys.retire_key(kid, utcnow() + timedelta(hours=after))
    except keys.KeyError_ as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if key.active:
        click.echo(f"Key {kid} stays published until {key.retired_at:%Y-%m-%d %H:%M} UTC, then retires.")
    else:
        click.echo(f"Retired key {kid}; it is no longer published.")


@keys_cli.command("list")
def keys_list():
    """List the keys, newest first."""
    for key in db.session.scalars(select(keys.ToolKey).order_by(keys.ToolKey.created_at.desc())):
        state = "active" if key.retired_at is None else f"{'retires' if key.active else 'retired'} {key.retired_at:%Y-%m-%d %H:%M}"
        click.echo(f"{key.kid}\t{state}\tcreated {key.created_at:%Y-%m-%d %H:%M}")
