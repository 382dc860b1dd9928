"""Registrations of platforms, their deployments, and the tool's own signing keys."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow


class Platform(db.Model):
    """An LMS registration: one (issuer, client_id) pair. Many clients may share one issuer (Canvas)."""

    __tablename__ = "lti_platform"
    __table_args__ = (
        UniqueConstraint("issuer", "client_id"),
        CheckConstraint("key_set_url IS NOT NULL OR key_set IS NOT NULL", name="has_key_set"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    auth_audience: Mapped[str | None] = mapped_column(String(1000))
    key_set_url: Mapped[str | None] = mapped_column(String(1000))
    key_set: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    # None while a dynamic registration awaits an operator's approval; set when approved (or added by an operator).
    approved_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # Origins that may frame the tool for this platform, learnt from signed launches (Canvas pages live on
    # the institution's own domain, not on the issuer's).
    frame_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The newest successful launch (to the minute: see lti.launch_stats), for the operators' dashboard.
    last_launch_at: Mapped[datetime | None] = mapped_column()

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="Deployment.id"
    )

    @classmethod
    def find(cls, issuer: str, client_id: str | None) -> Platform | None:
        """Find the registration for ``issuer`` and ``client_id``; without a client id, the issuer's only one."""
        query = select(cls).where(cls.issuer == issuer)
        if client_id:
            return db.session.scalar(query.where(cls.client_id == client_id))
        found = db.session.scalars(query.limit(2)).all()
        return found[0] if len(found) == 1 else None

    @classmethod
    def ids_of_issuer(cls, issuer: str) -> list[int]:
        """The ids of every registration of ``issuer`` (active or not): one LMS, whatever its clients."""
        return list(db.session.scalars(select(cls.id).where(cls.issuer == issuer).order_by(cls.id)))

    @classmethod
    def ids_of_same_lms(cls, platform_id: int) -> list[int]:
        """The ids of every registration of the issuer of registration ``platform_id`` (itself included)."""
        issuer = select(cls.issuer).where(cls.id == platform_id).scalar_subquery()
        return list(db.session.scalars(select(cls.id).where(cls.issuer == issuer).order_by(cls.id)))

    @property
    def pending(self) -> bool:
        """Waiting for an operator's approval."""
        return self.approved_at is None

    def origins(self) -> set[str]:
        """Every origin of this platform: issuer, login host and the origins seen in its launches."""
        found = {origin_of(self.issuer), origin_of(self.auth_login_url), *(self.frame_origins or [])}
        return {origin for origin in found if origin}

    def __repr__(self) -> str:
        return f"<Platform {self.issuer} client {self.client_id}>"


def origin_of(url: str | None) -> str | None:
    """scheme://host[:port] of an http(s) URL, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL"
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


class Deployment(db.Model):
    """A deployment of the tool inside a platform (a site, a sub-account, a course)."""

    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # None while a deployment first seen in a launch (Canvas) awaits an operator's approval.
    approved_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="deployments")

    @classmethod
    def ids_of_same_lms(cls, platform_id: int) -> list[int]:
        """The ids of every registration of the issuer of registration ``platform_id`` (itself included)."""
        issuer = select(cls.issuer).where(cls.id == platform_id).scalar_subquery()
        return list(db.session.scalars(select(cls.id).where(cls.issuer == issuer).order_by(cls.id)))

    @property
    def pending(self) -> bool:
        """Waiting for an operator's approval."""
        return self.approved_at is None

    def __repr__(self) -> str:
        return f"<Deployment {self.deployment_id} of platform {self.platform_id}>"


class ToolKey(db.Model):
    """An RSA key pair of the tool. The newest active key signs; every active key is published."""

    __tablename__ = "lti_tool_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(100), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the key stops being published: None = no retirement planned; in the future = retirement scheduled
    # (the overlap after a rotation); in the past = retired.
    retired_at: Mapped[datetime | None] = mapped_column()

    @property
    def active(self) -> bool:
        """A key is active (published) until its retirement time has come."""
        return self.retired_at is None or self.retired_at > utcnow()

    @property
    def retiring(self) -> bool:
        """Still published, with its retirement scheduled."""
        return self.retired_at is not None and self.active

    def __repr__(self) -> str:
        return f"<ToolKey {self.kid}{'' if self.active else ' retired'}>"


class LtiContext(db.Model):
    """The LTI service endpoints an LMS course's launches carry (NRPS roster, AGS line items), kept fresh by each
    launch.

    Services run long after a launch (roster refresh, grade passback from a worker), so the endpoints are
    stored per LMS course rather than read from an expired launch. The course is named as the LMS names it (its
    issuer and context id), whichever registration of the LMS the launch came through; ``platform_id`` is the
    registration of the newest launch, whose credentials call the services. The programme's course is joined to
    it by the same two names (``tasks.course_contexts``): no LTI table points at a programme table.
    """

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("issuer", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str] = mapped_column(String(255))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    memberships_url: Mapped[str | None] = mapped_column(String(1000))
    lineitems_url: Mapped[str | None] = mapped_column(String(1000))
    # The column the LMS made for the activity itself (Moodle with "Accept grades from the tool"), from the
    # newest launch of a link that is not a placed reflection: the programme's grade goes there.
    activity_lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the way back into the course the LMS gave (launch_presentation.return_url, without session parameters): the
    # link of the course's e-mail notices
    course_link: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    platform: Mapped[Platform] = relationship()

    def __repr__(self) -> str:
        return f"<LtiContext {self.issuer} {self.context_id}>"
