"""The mail outbox: one row per notice to one person, written in the transaction of the event it tells about, and
each person's choice of what to receive.

(person, kind, occasion) is unique: the same notice is never written, so never sent, twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.mail_notices import MailChoice, MailState
from lti_app.mentoring.models.cohort import enum_column
from lti_app.mentoring.models.person import Person


class MailOutbox(db.Model):
    """One notice (subject, plain text, HTML, the link back into the course) for one person."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "occasion", name="uq_mail_outbox_notice"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_mail_outbox_state_due", "state", "next_attempt_at"),
        Index("ix_mail_outbox_person_sent", "person_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    occasion: Mapped[str] = mapped_column(String(200))  # what makes this notice one of its kind: a pair, a date...
    to_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    course_link: Mapped[str | None] = mapped_column(String(2000))  # the launch URL the LMS gave, never a session
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[MailState] = mapped_column(enum_column(MailState, 20), default=MailState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<MailOutbox {self.id} {self.kind} {self.occasion} person {self.person_id} {self.state.value}>"


class MailPreference(db.Model):
    """What one person chose to receive; no row means every notice."""

    __tablename__ = "mail_preference"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    choice: Mapped[MailChoice] = mapped_column(enum_column(MailChoice, 20), default=MailChoice.EVERY)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Announcement(db.Model):
    """An instructor's message to a cohort: mailed to its participants and shown as a banner in the tool."""

    __tablename__ = "cohort_announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    author_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
