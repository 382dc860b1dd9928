"""Programme completion: a cohort's rules, and the record that a participant completed (so it is sent once)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment


class CohortCompletion(db.Model):
    """When a participant has completed the programme, and the grade the programme's gradebook column then gets."""

    __tablename__ = "cohort_completion"
    __table_args__ = (
        CheckConstraint("min_meetings BETWEEN 0 AND 200", name="min_meetings_range"),
        CheckConstraint("score_maximum > 0 AND score_maximum <= 10000", name="score_maximum_range"),
        CheckConstraint("grade_points >= 0 AND grade_points <= score_maximum", name="grade_points_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    min_meetings: Mapped[int] = mapped_column(default=0)
    require_goals_rerated: Mapped[bool] = mapped_column(default=False)
    require_all_reflections: Mapped[bool] = mapped_column(default=False)
    grade_points: Mapped[float] = mapped_column(default=100)  # the score given on completion
    score_maximum: Mapped[float] = mapped_column(default=100)
    # the programme's gradebook column, once found or created in the LMS
    lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship()

    def __repr__(self) -> str:
        return f"<CohortCompletion cohort {self.cohort_id} {'on' if self.enabled else 'off'}>"


class Completion(db.Model):
    """A participant completed the programme: written once, with the outbox row that tells the LMS."""

    __tablename__ = "completion"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("grade_outbox.id", ondelete="SET NULL"))

    enrolment: Mapped[Enrolment] = relationship()

    def __repr__(self) -> str:
        return f"<Completion enrolment {self.enrolment_id} at {self.completed_at:%Y-%m-%d}>"
