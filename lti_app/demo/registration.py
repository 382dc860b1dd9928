"""The demo LMS as the tool knows it (a Platform row made by ``demo seed``) and as it runs (one DemoPlatform per app).

Everything lives at ``DEMO_BASE_URL`` (default http://127.0.0.1:5000): the tool's login and launch URLs
and the platform's issuer ``<DEMO_BASE_URL>/demo/platform``, so the whole flow stays on one origin
whichever host name the start page was opened with. The platform's key set is stored inline in the
Platform row, so a launch never makes the dev server call itself; the platform's private key is the
PEM file ``DEMO_PLATFORM_KEY_FILE`` (created by ``demo seed``).
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select

from lti_app.demo import DemoPlatform, public_jwks
from lti_app.extensions import db
from lti_app.lti import keys
from lti_app.lti.models import Deployment, Platform
from lti_app.web.security import forget_platform_origins

CLIENT_ID = "rementor-demo-client"
DEPLOYMENT_ID = "demo-deployment"
NAME = "ReMentor demo LMS"
PLATFORM_PATH = "/demo/platform"
_EXTENSION = "rementor.demo_platform"


def base_url() -> str:
    """Where the demo (tool and platform) is reached."""
    return str(current_app.config["DEMO_BASE_URL"]).rstrip("/")


def issuer() -> str:
    """The demo platform's issuer."""
    return base_url() + PLATFORM_PATH


def key_file() -> Path:
    return Path(current_app.config["DEMO_PLATFORM_KEY_FILE"])


def read_platform_key() -> str | None:
    """The demo platform's private key PEM, or None before ``demo seed``."""
    path = key_file()
    return path.read_text() if path.exists() else None


def ensure_platform_key() -> tuple[str, bool]:
    """The demo platform's private key, created (mode 0600) when absent; (pem, created)."""
    existing = read_platform_key()
    if existing:
        return existing, False
    pem = keys.generate_private_pem()
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(pem)
    return pem, True


def registration() -> Platform | None:
    """The demo LMS's Platform row, if seeded: the one at this address, else the one seeded at another address
    (``seed`` then moves it here, with its course and people)."""
    found = db.session.scalars(select(Platform).where(
        Platform.client_id == CLIENT_ID, Platform.issuer.endswith(PLATFORM_PATH)).order_by(Platform.id)).all()
    return next((p for p in found if p.issuer == issuer()), found[0] if found else None)


def seed() -> list[str]:
    """Idempotently register the demo LMS: tool key, platform key file, Platform row, deployment. Commits."""
    done: list[str] = []
    tool_key_file = Path(current_app.config["TOOL_KEY_FILE"])
    tool_key, created = keys.ensure_key(tool_key_file.read_text() if tool_key_file.exists() else None)
    done.append(f"{'Created' if created else 'Kept'} the tool's signing key {tool_key.kid}.")
    pem, created = ensure_platform_key()
    done.append(f"{'Created' if created else 'Kept'} the demo platform's key in {key_file()}.")

    platform = registration()
    fields = {
        "issuer": issuer(), "name": NAME, "auth_login_url": issuer() + "/auth", "auth_token_url": issuer() + "/token",
        "key_set_url": None, "key_set": public_jwks(pem), "auth_audience": None, "active": True,
    }
    if platform is None:
        platform = Platform(client_id=CLIENT_ID, **fields)
        db.session.add(platform)
        done.append(f"Registered the demo LMS: issuer {issuer()}, client ID {CLIENT_ID}, key set stored inline.")
    else:
        changed = [name for name, value in fields.items() if getattr(platform, name) != value]
        if "issuer" in changed:  # seeded at another address: the origins seen there frame nothing here
            platform.frame_origins = []
        for name in changed:
            setattr(platform, name, fields[name])
        done.append(f"{'Updated ' + ', '.join(changed) + ' of' if changed else 'Kept'} the demo LMS registration ({issuer()}).")
    db.session.flush()

    deployment = db.session.scalar(
        select(Deployment).where(Deployment.platform_id == platform.id, Deployment.deployment_id == DEPLOYMENT_ID)
    )
    if deployment is None:
        db.session.add(Deployment(platform=platform, deployment_id=DEPLOYMENT_ID, name="Demo course deployment"))
        done.append(f"Added deployment {DEPLOYMENT_ID}.")
    else:
        if not deployment.active:
            deployment.active = True
        done.append(f"Kept deployment {DEPLOYMENT_ID}.")
    db.session.commit()
    forget_platform_origins()
    current_app.extensions.pop(_EXTENSION, None)
    return done


def current_platform() -> DemoPlatform | None:
    """The running demo LMS (kept per app: its gradebook lives in memory), or None before ``demo seed``."""
    row = registration()
    pem = read_platform_key()
    if row is None or pem is None:
        return None
    platform: DemoPlatform | None = current_app.extensions.get(_EXTENSION)
    if platform is None or platform.private_key_pem != pem or platform.issuer != row.issuer:
        platform = DemoPlatform(
            private_key_pem=pem, issuer=row.issuer, client_id=row.client_id, deployment_id=DEPLOYMENT_ID,
            tool_login_url=base_url() + url_for("launch.login"), tool_launch_url=base_url() + url_for("launch.launch"),
        )
        current_app.extensions[_EXTENSION] = platform
    platform.tool_jwks = keys.public_jwks()  # the tool's current keys, straight from its database
    return platform
