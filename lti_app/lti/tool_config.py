"""pylti1p3's tool configuration, read from our registration tables.

Always "many clients per issuer": every hosted Canvas shares the issuer https://canvas.instructure.com,
so a registration is found by (issuer, client_id). Unknown, inactive or unapproved registrations and
deployments raise our named launch errors rather than returning None, so the user learns which one it was.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask_babel import lazy_gettext as _l
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from lti_app.extensions import db
from lti_app.lti import approvals, errors, keys
from lti_app.lti.models import Platform
from lti_app.lti.registration_cache import (
    DeploymentRecord,
    PlatformRecord,
    RegistrationCache,
    deployment_key,
    platform_key,
)


@lru_cache(maxsize=16)
def _public_pem(private_pem: str) -> str:
    """The public PEM of a private key (cached: parsing RSA keys is not free)."""
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class ToolRegistration(Registration):
    """A Registration whose tool key is read only when something is signed (logins and launches never sign)."""

    def _signing_pem(self) -> str:
        if self._tool_private_key is None:
            self._tool_private_key = keys.signing_key().private_key_pem
        return self._tool_private_key

    def get_tool_private_key(self) -> str:
        return self._signing_pem()

    def get_tool_public_key(self) -> str:
        return _public_pem(self._signing_pem())


def registration_for(platform: Platform | PlatformRecord) -> Registration:
    """A pylti1p3 Registration for ``platform``, signing with our current key."""
    registration = (
        ToolRegistration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_key_set(platform.key_set)
    )
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    return registration


def _platform_record(issuer: str, client_id: str | None, records: RegistrationCache) -> PlatformRecord | None:
    key = platform_key(issuer, client_id)
    record = records.get(key)
    if record is None:
        row = Platform.find(issuer, client_id)
        if row is None:
            return None
        record = PlatformRecord.of(row)
        records.put(key, record)
    return record


def find_platform(issuer: str, client_id: str | None, records: RegistrationCache | None = None) -> PlatformRecord:
    """The active registration for (issuer, client_id), or a named error."""
    platform = _platform_record(issuer, client_id, records or RegistrationCache())
    if platform is None:
        raise errors.UnknownPlatform(
            _l("Issuer %(issuer)s with client ID %(client_id)s is not registered.", issuer=repr(issuer), client_id=repr(client_id)))
    if not platform.active:
        raise errors.InactivePlatform(
            _l("The registration of %(issuer)s (client ID %(client_id)s) is inactive.", issuer=repr(issuer), client_id=repr(client_id)),
            platform_id=platform.id,
        )
    if platform.pending:
        raise errors.PlatformAwaitingApproval(
            _l("The registration of %(issuer)s (client ID %(client_id)s) awaits approval by ReMentor's operator.",
               issuer=repr(issuer), client_id=repr(client_id)),
            platform_id=platform.id,
        )
    return platform


def _deployment_record(platform: PlatformRecord, deployment_id: str, records: RegistrationCache) -> DeploymentRecord:
    key = deployment_key(platform.id, deployment_id)
    record = records.get(key)
    if record is not None:
        return record
    row = approvals.find_deployment_row(platform, deployment_id)
    if row is None:
        if not current_app.config["LTI_RECORD_UNKNOWN_DEPLOYMENTS"]:
            raise errors.UnknownDeployment(
                _l("Deployment ID %(deployment)s is not registered for %(issuer)s.", deployment=repr(deployment_id),
                   issuer=repr(platform.issuer))
            )
        # Not cached: the flush that records it makes every cached record stale anyway.
        row = approvals.record_pending_deployment(db.session.get(Platform, platform.id), deployment_id)
        return DeploymentRecord.of(row)
    record = DeploymentRecord.of(row)
    records.put(key, record)
    return record


def find_deployment(
    platform: PlatformRecord, deployment_id: str, records: RegistrationCache | None = None
) -> DeploymentRecord:
    """The active, approved deployment ``deployment_id`` of ``platform``, or a named error.

    An unknown deployment of an approved platform is recorded as pending (flushed; the launch view commits
    it) when ``LTI_RECORD_UNKNOWN_DEPLOYMENTS`` is on, and the launch is refused until the operator approves
    it. Canvas makes a new deployment for every installation by client ID and never announces it.
    """
    deployment = _deployment_record(platform, deployment_id, records or RegistrationCache())
    if not deployment.active:
        raise errors.InactiveDeployment(_l("Deployment ID %(deployment)s of %(issuer)s is inactive.",
                                            deployment=repr(deployment_id), issuer=repr(platform.issuer)))
    if deployment.pending:
        raise errors.DeploymentAwaitingApproval(
            _l("Deployment ID %(deployment)s of %(issuer)s awaits approval by ReMentor's operator.",
               deployment=repr(deployment_id), issuer=repr(platform.issuer)),
            platform_id=platform.id,
        )
    return deployment


class DatabaseToolConf(ToolConfAbstract):
    """Registrations and deployments (cached records, else the database); remembers what the last lookups found."""

    def __init__(self) -> None:
        super().__init__()
        self.platform: PlatformRecord | None = None
        self.deployment: DeploymentRecord | None = None
        self.records = RegistrationCache()

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_params(self, iss: str, client_id: str | None, *args: Any, **kwargs: Any) -> Registration:
        """Find the registration, raising UnknownPlatform or InactivePlatform."""
        self.platform = find_platform(iss, client_id, self.records)
        return registration_for(self.platform)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LtiDeployment:
        """Find the deployment, raising UnknownDeployment or InactiveDeployment."""
        platform = self.platform or find_platform(iss, client_id, self.records)
        self.deployment = find_deployment(platform, deployment_id, self.records)
        return LtiDeployment().set_deployment_id(deployment_id)

    def find_registration(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        raise NotImplementedError("ReMentor always allows many clients per issuer")

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        raise NotImplementedError("ReMentor always allows many clients per issuer")

    def get_jwks(self, iss: str | None = None, client_id: str | None = None, **kwargs: Any) -> list[dict]:
        """Every active public key of the tool (one key set serves every platform)."""
        return keys.public_jwks()["keys"]
