"""What partners say about their pairing (feedback each round, the fit check) and what the instructor did with it
(confidential content opened, with the reason; a pair ended, with the reason).

Guards in the database: one feedback per partner and round, one fit check per partner, one ending per pair, so a
double submit or a second tab can never write a second row.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.pair_feedback import Content, FitAnswer
from lti_app.mentoring.models.cohort import enum_column
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.domain.texts import N_, _

# the reasons the programme itself gives (kept in English in the row, translated where they are shown)
CLOSED_REASON = N_("The cohort was closed.")
PROGRAMME_REASONS = frozenset({CLOSED_REASON})


class Feedback(db.Model):
    """One partner's feedback about the pairing in one round: what works, what does not, one thing to change."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("pair_id", "author_enrolment_id", "round_number"),
        CheckConstraint("round_number >= 1", name="round_number_positive"),
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    author_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    round_number: Mapped[int]
    working: Mapped[str] = mapped_column(Text)  # plain text
    not_working: Mapped[str] = mapped_column(Text)
    change: Mapped[str] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)  # 1 (poor) to 5 (excellent), optional
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pair: Mapped[Pair] = relationship()
    author: Mapped[Enrolment] = relationship()

    def __repr__(self) -> str:
        return f"<Feedback {self.id} pair {self.pair_id} round {self.round_number} by {self.author_enrolment_id}>"


class FitCheck(db.Model):
    """A partner's answer to the fit check after the first meeting, with an optional comment to the instructor."""

    __tablename__ = "fit_check"
    __table_args__ = (UniqueConstraint("pair_id", "author_enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    author_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    answer: Mapped[FitAnswer] = mapped_column(enum_column(FitAnswer, 30))
    comment: Mapped[str] = mapped_column(Text, default="")  # plain text, for the instructor only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]  # the instructor has dealt with the request

    pair: Mapped[Pair] = relationship()
    author: Mapped[Enrolment] = relationship()

    @property
    def is_open_flag(self) -> bool:
        """A request for help or a new partner the instructor has not dealt with yet."""
        return self.answer.flags_pair and self.handled_at is None

    def __repr__(self) -> str:
        return f"<FitCheck {self.id} pair {self.pair_id} {self.answer.value}>"


class ContentAccess(db.Model):
    """An instructor opened a pair's confidential content: who, when, what and why. The pair sees every row."""

    __tablename__ = "content_access"
    __table_args__ = (CheckConstraint("content IN ('meeting_notes', 'feedback')", name="confidential_content"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    viewer_name: Mapped[str] = mapped_column(String(200))  # kept as it was, should the person go
    content: Mapped[Content] = mapped_column(enum_column(Content, 20))
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ContentAccess {self.id} pair {self.pair_id} {self.content.value}>"


class PairEnding(db.Model):
    """Why and by whom an instructor ended a pair (the pair keeps its status and ``ended_at``)."""

    __tablename__ = "pair_ending"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    ended_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def reason_shown(self) -> str:
        """The reason for a page: the programme's own reasons in the reader's language, an instructor's as written."""
        return _(self.reason) if self.reason in PROGRAMME_REASONS else self.reason

    def __repr__(self) -> str:
        return f"<PairEnding pair {self.pair_id}>"
