"""The tool's RSA signing keys: creation, rotation, retirement and the public JWKS.

The newest active key signs (deep-linking responses, service client assertions); every active key is
published at ``/lti/jwks`` so that a platform that cached an older key keeps verifying during rotation.
A rotation may schedule the older keys' retirement after an overlap the operator chooses: a key stays
published until its ``retired_at`` has come, so nothing has to run at that moment.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import or_, select

from lti_app.extensions import db, utcnow
from lti_app.lti.models import ToolKey

KEY_SIZE = 2048


class KeyError_(LookupError):
    """No such key, or an operation that would leave the tool without a signing key."""


def _public_jwk(private_pem: str) -> dict:
    """The public JWK of a private PEM, with its RFC 7638 thumbprint as ``kid`` (a copy: callers may change it)."""
    return dict(_parsed_public_jwk(private_pem))


@lru_cache(maxsize=16)
def _parsed_public_jwk(private_pem: str) -> dict:
    """Cached: loading an RSA private key checks it, which takes tens of milliseconds (the JWKS serves it often)."""
    jwk = JWK.from_pem(private_pem.encode())
    public = json.loads(jwk.export_public())
    public.update({"kid": jwk.thumbprint(), "alg": "RS256", "use": "sig"})
    return public


def generate_private_pem() -> str:
    """A new 2048-bit RSA private key in PKCS#8 PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def add_key(private_pem: str | None = None) -> ToolKey:
    """Store a key (a new one unless ``private_pem`` is given); it becomes the signing key. Flushes."""
    pem = private_pem or generate_private_pem()
    public = _public_jwk(pem)
    if db.session.scalar(select(ToolKey).where(ToolKey.kid == public["kid"])):
        raise KeyError_(f"Key {public['kid']} is already stored")
    key = ToolKey(kid=public["kid"], private_key_pem=pem, public_jwk=public)
    db.session.add(key)
    db.session.flush()
    return key


def active_keys() -> list[ToolKey]:
    """Every key still published (not retired, or retiring later), newest first."""
    published = or_(ToolKey.retired_at.is_(None), ToolKey.retired_at > utcnow())
    query = select(ToolKey).where(published).order_by(ToolKey.created_at.desc(), ToolKey.id.desc())
    return list(db.session.scalars(query))


def all_keys() -> list[ToolKey]:
    """Every stored key, retired ones included, newest first."""
    return list(db.session.scalars(select(ToolKey).order_by(ToolKey.created_at.desc(), ToolKey.id.desc())))


def signing_key() -> ToolKey:
    """The key that signs: the newest active one."""
    keys = active_keys()
    if not keys:
        raise KeyError_("The tool has no active key; run `flask --app lti_app keys rotate`")
    return keys[0]


def ensure_key(private_pem: str | None = None) -> tuple[ToolKey, bool]:
    """Return the signing key, creating one first when there is none. Flushes."""
    keys = active_keys()
    if keys:
        return keys[0], False
    return add_key(private_pem), True


def rotate_key(retire_after: timedelta | None = None) -> tuple[ToolKey, list[ToolKey]]:
    """Add a new signing key; the older active keys stay published until retired. Flushes.

    With ``retire_after``, the older keys' retirement is scheduled that long from now (the overlap during
    which platforms that cached them keep verifying); a retirement scheduled earlier is kept.
    """
    previous = active_keys()
    key = add_key()
    if retire_after is not None:
        when = utcnow() + retire_after
        for old in previous:
            if old.retired_at is None or old.retired_at > when:
                old.retired_at = when
        db.session.flush()
    return key, previous


def retire_key(kid: str, when: datetime | None = None) -> ToolKey:
    """Retire the key ``kid`` now, or schedule it for ``when``. Flushes.

    A key that is already retired stays so; the tool must keep at least one key whose retirement is not
    scheduled, so that it can always sign.
    """
    key = db.session.scalar(select(ToolKey).where(ToolKey.kid == kid))
    if key is None:
        raise KeyError_(f"No key with kid {kid!r}")
    if not key.active:
        raise KeyError_(f"Key {kid} is already retired")
    active = active_keys()
    if [k.kid for k in active] == [kid]:
        raise KeyError_("That is the only active key; rotate first so that the tool can still sign")
    if not any(k.retired_at is None for k in active if k.kid != kid):
        raise KeyError_("Every other key is retiring too; rotate first so that the tool can still sign")
    now = utcnow()
    key.retired_at = when if when is not None and when > now else now
    db.session.flush()
    return key


def public_jwks() -> dict:
    """The JWKS document: every active public key."""
    return {"keys": [key.public_jwk for key in active_keys()]}
