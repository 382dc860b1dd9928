"""A person as the LMS knows them: one per (platform, subject)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.extensions import db, utcnow


class Person(db.Model):
    """Someone who launched the tool, or a roster member an instructor reminded to enrol before their first launch
    (``services.enrol_reminders``: name and e-mail from NRPS; the launch then finds and completes this row).
    Keyed by the platform's stable ``sub``, never by e-mail."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The tenant this person belongs to (the LMS registration); a plain id for the programme.
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(255))
    family_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(35))  # the LMS's language for them, from each launch
    language: Mapped[str | None] = mapped_column(String(8))  # the one they chose in the tool; None: follow the LMS
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def display_name(self) -> str:
        """The best name the platform shared, else a neutral label."""
        full = " ".join(part for part in (self.given_name, self.family_name) if part)
        return self.name or full or self.email or "Participant"

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.subject!r}>"
