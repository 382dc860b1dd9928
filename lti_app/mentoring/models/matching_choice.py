"""What participants choose in the matching modes other than the engine's: mentor requests and rankings.

Self-select: a mentee asks one mentor at a time (``MentorRequest``); the mentor accepts or declines. Guards in the
database: one request per mentee and mentor (a withdrawn request is reopened, never doubled) and at most one open
request per mentee (a partial unique index), so a double submit or a second tab cannot add another. A request
carries a ``version`` (optimistic concurrency): an answer given from a page read before the request changed is
refused instead of overwriting it.

Mutual ranking: each participant's ordered list of the other side (``Ranking``), one row per ranked person, each
rank given once per ranker.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.models.cohort import enum_column
from lti_app.mentoring.models.enrolment import Enrolment

MESSAGE_LENGTH = 500


class RequestStatus(str, enum.Enum):
    """Where a mentee's request to a mentor is."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class MentorRequest(db.Model):
    """A mentee asking a mentor to mentor them (self-select mode), with an optional short message."""

    __tablename__ = "mentor_request"
    __table_args__ = (
        UniqueConstraint("mentee_enrolment_id", "mentor_enrolment_id"),
        Index("ix_mentor_request_one_open_per_mentee", "mentee_enrolment_id", unique=True,
              postgresql_where=text("status = 'requested'"), sqlite_where=text("status = 'requested'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    mentee_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    mentor_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, 20), default=RequestStatus.REQUESTED)
    message: Mapped[str] = mapped_column(String(MESSAGE_LENGTH), default="")
    note: Mapped[str | None] = mapped_column(String(200))  # why the tool closed it, e.g. the mentor's places filled
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    mentee: Mapped[Enrolment] = relationship(foreign_keys=[mentee_enrolment_id])
    mentor: Mapped[Enrolment] = relationship(foreign_keys=[mentor_enrolment_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        """Waiting for the mentor's answer."""
        return self.status is RequestStatus.REQUESTED

    def __repr__(self) -> str:
        return f"<MentorRequest {self.id} {self.mentee_enrolment_id}→{self.mentor_enrolment_id} {self.status.value}>"


class Ranking(db.Model):
    """One place in a participant's ranking of the other side (mutual mode): rank 1 is their first choice."""

    __tablename__ = "ranking"
    __table_args__ = (
        UniqueConstraint("ranker_enrolment_id", "ranked_enrolment_id"),
        UniqueConstraint("ranker_enrolment_id", "rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    ranker_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    ranked_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    ranked_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Ranking {self.ranker_enrolment_id}: #{self.rank} {self.ranked_enrolment_id}>"
