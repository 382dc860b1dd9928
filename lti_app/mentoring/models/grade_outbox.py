"""The grade outbox: one row per score to send to the LMS, written in the transaction of the grade itself.

Rows are never rewritten into a newer score: each grade or status change adds a row, and rows of one
(person, target, target id) are sent strictly in creation order. A row older than one already sent is
marked superseded and never sent (sending it would put an old score back in the gradebook).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.grade_states import GradeState, GradeTarget, Marking, Progress
from lti_app.mentoring.models.cohort import enum_column
from lti_app.mentoring.models.person import Person


def _one_of(column: str, values: type[enum.Enum]) -> str:
    # the migrated table also allows the other AGS progress words of its first version; nothing writes them
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class GradeOutbox(db.Model):
    """One score for one person on one gradebook column (a reflection assignment or the programme), to send."""

    __tablename__ = "grade_outbox"
    __table_args__ = (
        CheckConstraint(_one_of("target", GradeTarget), name="known_target"),
        CheckConstraint(_one_of("activity_progress", Progress), name="known_activity_progress"),
        CheckConstraint(_one_of("grading_progress", Marking), name="known_grading_progress"),
        CheckConstraint("score_given IS NULL OR score_maximum IS NOT NULL", name="maximum_with_score"),
        CheckConstraint("score_given IS NULL OR score_given >= 0", name="score_not_negative"),
        CheckConstraint("score_maximum IS NULL OR score_maximum > 0", name="maximum_positive"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # the send order of one person's scores on one column, and what is due for resending
        Index("ix_grade_outbox_person_target", "person_id", "target", "target_id", "id"),
        Index("ix_grade_outbox_state_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(20))  # a GradeTarget value: an assignment's column, or a cohort's
    target_id: Mapped[int]
    activity_progress: Mapped[str] = mapped_column(String(20))  # a Progress value
    grading_progress: Mapped[str] = mapped_column(String(20))  # a Marking value
    score_given: Mapped[float | None]
    score_maximum: Mapped[float | None]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[GradeState] = mapped_column(enum_column(GradeState, 20), default=GradeState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status_code: Mapped[int | None]
    sent_at: Mapped[datetime | None]
    # the gradebook column the score went to (or was last tried on)
    lineitem_url: Mapped[str | None] = mapped_column(String(1000))

    person: Mapped[Person] = relationship()

    @property
    def key(self) -> tuple[int, str, int]:
        """(person, target, target id): the scores that must go out in order."""
        return (self.person_id, self.target, self.target_id)

    @property
    def progress(self) -> Progress:
        """How far the participant is with what the score is about (the stored value, as the programme's state)."""
        return Progress(self.activity_progress)

    def __repr__(self) -> str:
        return f"<GradeOutbox {self.id} {self.target} {self.target_id} person {self.person_id} {self.state.value}>"
