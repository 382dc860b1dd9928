"""A pair's workspace: the agreement both sign, goals with skills, milestones and tasks, and the meetings they log.

Guards in the database: one agreement per pair; ratings 1-5 and meeting durations in range; a ``form_token``
unique per pair (per goal for milestones) so a form submitted twice creates one row. Rows partners edit
together carry a ``version`` (SQLAlchemy's optimistic ``version_id_col``): an UPDATE against a version that
changed meanwhile matches no row and is refused instead of overwriting.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.profile_fields import Channel
from lti_app.mentoring.models.cohort import enum_column
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.domain.texts import N_, _

TOKEN_LENGTH = 64


class ProgressFrom(str, enum.Enum):
    """What a goal's progress is measured by."""

    TASKS = "tasks"
    RATING = "rating"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(PROGRESS_LABELS[self.value])


PROGRESS_LABELS = {"tasks": N_("Tasks completed"), "rating": N_("Ratings against the target")}


class Agreement(db.Model):
    """The ground rules a pair agrees: channel, cadence, confidentiality, no role switching, expectations; both sign."""

    __tablename__ = "agreement"
    __table_args__ = (CheckConstraint("cadence_days BETWEEN 1 AND 92", name="cadence_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 20))
    cadence_days: Mapped[int]
    confidentiality: Mapped[bool] = mapped_column(default=True)
    no_role_switching: Mapped[bool] = mapped_column(default=True)
    mentor_expectations: Mapped[str] = mapped_column(Text, default="")
    mentee_expectations: Mapped[str] = mapped_column(Text, default="")
    mentor_signed_at: Mapped[datetime | None]
    mentee_signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the terms last changed
    version: Mapped[int] = mapped_column(nullable=False)

    pair: Mapped[Pair] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def fully_signed(self) -> bool:
        """Both partners signed the terms as they read now."""
        return self.mentor_signed_at is not None and self.mentee_signed_at is not None

    def signed_at(self, role: str) -> datetime | None:
        """When the partner in ``role`` ("mentor" or "mentee") signed, or None."""
        return self.mentor_signed_at if role == "mentor" else self.mentee_signed_at

    def expectations(self, role: str) -> str:
        """The expectations the partner in ``role`` wrote."""
        return self.mentor_expectations if role == "mentor" else self.mentee_expectations

    def __repr__(self) -> str:
        return f"<Agreement of pair {self.pair_id} v{self.version} signed={self.fully_signed}>"


class Goal(db.Model):
    """A goal of one partner (both sides learn), from a baseline rating to a target by a date, tied to skills."""

    __tablename__ = "goal"
    __table_args__ = (
        UniqueConstraint("pair_id", "form_token"),
        CheckConstraint("baseline_rating BETWEEN 1 AND 5", name="baseline_range"),
        CheckConstraint("target_rating BETWEEN 1 AND 5", name="target_range"),
        CheckConstraint("current_rating IS NULL OR current_rating BETWEEN 1 AND 5", name="current_range"),
        CheckConstraint("end_rating_owner IS NULL OR end_rating_owner BETWEEN 1 AND 5", name="end_owner_range"),
        CheckConstraint("end_rating_partner IS NULL OR end_rating_partner BETWEEN 1 AND 5", name="end_partner_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    owner_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # sanitised rich text
    baseline_rating: Mapped[int]
    target_rating: Mapped[int]
    target_on: Mapped[date]
    progress_from: Mapped[ProgressFrom] = mapped_column(enum_column(ProgressFrom, 10), default=ProgressFrom.TASKS)
    current_rating: Mapped[int | None]
    end_rating_owner: Mapped[int | None]
    end_rating_partner: Mapped[int | None]
    form_token: Mapped[str | None] = mapped_column(String(TOKEN_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    pair: Mapped[Pair] = relationship()
    owner: Mapped[Enrolment] = relationship()
    skills: Mapped[list[GoalSkill]] = relationship(back_populates="goal", cascade="all, delete-orphan",
                                                   order_by="GoalSkill.position")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="goal", cascade="all, delete-orphan",
                                                       order_by="(Milestone.due_on, Milestone.id)")
    tasks: Mapped[list[Task]] = relationship(back_populates="goal", order_by="Task.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def skill_codes(self) -> list[str]:
        """The codes of the skills this goal is tied to, first one first."""
        return [s.skill_code for s in self.skills]

    @property
    def rerated(self) -> bool:
        """Both partners gave their end rating."""
        return self.end_rating_owner is not None and self.end_rating_partner is not None

    def __repr__(self) -> str:
        return f"<Goal {self.id} of pair {self.pair_id} {self.title!r}>"


class GoalSkill(db.Model):
    """One skill of the cohort's catalogue a goal is tied to (by code, as the catalogue names it)."""

    __tablename__ = "goal_skill"
    __table_args__ = (UniqueConstraint("goal_id", "skill_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    skill_code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)

    goal: Mapped[Goal] = relationship(back_populates="skills")


class Milestone(db.Model):
    """A step on the way to a goal, due on a date of the programme."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("goal_id", "form_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]
    form_token: Mapped[str | None] = mapped_column(String(TOKEN_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="milestones")


class Meeting(db.Model):
    """A meeting the pair held: when, how long, how, what about, and notes (sanitised rich text)."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("pair_id", "form_token"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    duration_minutes: Mapped[int]
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 20))
    topics: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")  # sanitised rich text
    logged_by_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    form_token: Mapped[str | None] = mapped_column(String(TOKEN_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    pair: Mapped[Pair] = relationship()
    logged_by: Mapped[Enrolment] = relationship()
    action_items: Mapped[list[Task]] = relationship(back_populates="meeting", order_by="Task.id")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Meeting {self.id} of pair {self.pair_id} on {self.held_on}>"


class Task(db.Model):
    """Something one partner will do, perhaps for a goal or from a meeting's action items, perhaps by a date."""

    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("pair_id", "form_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date | None]
    done_at: Mapped[datetime | None]
    form_token: Mapped[str | None] = mapped_column(String(TOKEN_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    goal: Mapped[Goal | None] = relationship(back_populates="tasks")
    meeting: Mapped[Meeting | None] = relationship(back_populates="action_items")
    owner: Mapped[Enrolment] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_done(self) -> bool:
        """The task was completed (and not reopened since)."""
        return self.done_at is not None

    def __repr__(self) -> str:
        return f"<Task {self.id} of pair {self.pair_id} {self.title!r} done={self.is_done}>"
