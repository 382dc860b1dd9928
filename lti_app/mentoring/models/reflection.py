"""Reflection assignments of a cohort and the participants' submissions to them.

An assignment is placed in the course by deep linking as a resource link with its own gradebook column:
its resource id is ``reflection-<id>`` with the tag ``reflection``, and ``lineitem_url`` keeps the column's
AGS address once a launch of the placed link has told us (the grade outbox sends scores there).

A submission is one participant's reflection (one per enrolment and assignment, guarded by a unique
constraint, so a double submit cannot make two). ``version`` is SQLAlchemy's version counter: a page carries
the version it was read at, and a stale edit (another tab, a grade in between) is refused rather than
silently overwriting.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.grade_states import GradeTarget
from lti_app.mentoring.domain.reflections import Audience, Criterion, RevisePolicy, SubmissionStatus
from lti_app.mentoring.models.cohort import Cohort, enum_column
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.person import Person

REFLECTION_TAG = GradeTarget.REFLECTION.value  # the line item tag, and the grade outbox's target name


class ReflectionAssignment(db.Model):
    """A reflection the participants of a cohort (mentors, mentees or both) are asked to write."""

    __tablename__ = "reflection_assignment"
    __table_args__ = (
        UniqueConstraint("cohort_id", "title"),
        CheckConstraint("opens_on <= due_on", name="dates_in_order"),
        CheckConstraint("points > 0 AND points <= 1000", name="points_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    prompt: Mapped[str] = mapped_column(Text)  # sanitised rich text
    audience: Mapped[Audience] = mapped_column(enum_column(Audience, 20), default=Audience.BOTH)
    opens_on: Mapped[date]
    due_on: Mapped[date]
    points: Mapped[float]
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{title, description, points}]
    accept_late: Mapped[bool] = mapped_column(default=False)
    revise_until: Mapped[RevisePolicy] = mapped_column(enum_column(RevisePolicy, 20), default=RevisePolicy.UNTIL_DUE)
    lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    # when deep linking last sent it to the course (its column is known from the first launch of the placed link)
    placed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship()

    @property
    def criteria(self) -> list[Criterion]:
        """The rubric's criteria (empty without a rubric)."""
        return [Criterion.from_dict(row) for row in self.rubric or []]

    @property
    def resource_id(self) -> str:
        """The line item's resource id on the platform."""
        return f"{REFLECTION_TAG}-{self.id}"

    def __repr__(self) -> str:
        return f"<ReflectionAssignment {self.id} {self.title!r} cohort {self.cohort_id}>"


class Submission(db.Model):
    """One participant's reflection for one assignment: a draft, then submitted, then graded."""

    __tablename__ = "reflection_submission"
    __table_args__ = (
        UniqueConstraint("assignment_id", "enrolment_id"),
        CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
        CheckConstraint("status <> 'graded' OR score IS NOT NULL", name="graded_has_a_score"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_a_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("reflection_assignment.id", ondelete="CASCADE"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")  # sanitised rich text
    status: Mapped[SubmissionStatus] = mapped_column(enum_column(SubmissionStatus, 20), default=SubmissionStatus.DRAFT)
    submitted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None]
    rubric_scores: Mapped[list[float] | None] = mapped_column(JSON)  # one per rubric criterion, in order
    comment: Mapped[str | None] = mapped_column(Text)  # plain text from the grader
    graded_at: Mapped[datetime | None]
    graded_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    assignment: Mapped[ReflectionAssignment] = relationship()
    enrolment: Mapped[Enrolment] = relationship()
    graded_by: Mapped[Person | None] = relationship()

    @property
    def is_submitted(self) -> bool:
        """Submitted or graded: the writer has handed it in."""
        return self.status is not SubmissionStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Submission {self.id} assignment {self.assignment_id} enrolment {self.enrolment_id} {self.status.value}>"
