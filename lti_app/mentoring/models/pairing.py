"""A mentor-mentee pair of a cohort: proposed by the matching (or by hand), then published (active), later ended.

A cohort's pairs come in rounds: round 1 is the first publish; rotation adds round 2, 3... whose publish ends
the previous round's active pairs. Guards in the database: a pair of people appears at most once per cohort,
whatever the round (``UniqueConstraint`` without the round: that is the rotation rule, never the same pair
twice), so a publish that ran twice could not double it either; the other half of that guarantee is
``publish_pairs`` / ``publish_round``, which lock the cohort row and refuse a second publish.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.models.cohort import Cohort, enum_column
from lti_app.mentoring.models.enrolment import Enrolment


class PairStatus(str, enum.Enum):
    """Where a pair is: a draft of the instructor's, live for the participants, or over."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class Pair(db.Model):
    """One mentor and one mentee of a cohort, with the score and the reasons the matching gave them."""

    __tablename__ = "pair"
    __table_args__ = (
        UniqueConstraint("cohort_id", "mentor_enrolment_id", "mentee_enrolment_id"),
        CheckConstraint("round >= 1", name="round_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    mentor_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    mentee_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    status: Mapped[PairStatus] = mapped_column(enum_column(PairStatus, 20), default=PairStatus.PROPOSED)
    score: Mapped[float]
    # [{"criterion": ..., "share": points, "sentence": ...}] worded for the instructor (third person)
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    pinned: Mapped[bool] = mapped_column(default=False)
    round: Mapped[int] = mapped_column(default=1, server_default="1")  # 1 = the first publish, then each rotation
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    mentor: Mapped[Enrolment] = relationship(foreign_keys=[mentor_enrolment_id])
    mentee: Mapped[Enrolment] = relationship(foreign_keys=[mentee_enrolment_id])

    def __repr__(self) -> str:
        return (f"<Pair {self.id} {self.mentor_enrolment_id}→{self.mentee_enrolment_id} {self.status.value} "
                f"round {self.round}>")
