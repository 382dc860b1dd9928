"""A mentoring cohort of a course (a pilot, then wider rounds) and its skill catalogue."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_settings import PrivacySetting, cadence_label, default_matching_settings
from lti_app.mentoring.domain.cohort_state import CohortState, enrolment_refusal
from lti_app.mentoring.domain.skills import SkillCategory, shown_label
from lti_app.mentoring.models.course import Course


def enum_column(enum_class: type[enum.Enum], length: int = 40) -> Enum:
    """A portable enum column storing the member's value (VARCHAR, no native type), as Membership does."""
    return Enum(
        enum_class, native_enum=False, length=length, validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Cohort(db.Model):
    """One round of the programme in a course: dates, capacities, rules and the skills people choose from."""

    __tablename__ = "cohort"
    __table_args__ = (
        UniqueConstraint("course_id", "name"),
        CheckConstraint("enrolment_opens_on <= enrolment_closes_on", name="enrolment_window_in_order"),
        CheckConstraint("starts_on <= ends_on", name="programme_dates_in_order"),
        CheckConstraint("enrolment_closes_on <= ends_on", name="enrolment_closes_by_the_end"),
        CheckConstraint("mentor_capacity BETWEEN 1 AND 20", name="mentor_capacity_range"),
        CheckConstraint("mentors_per_mentee BETWEEN 1 AND 5", name="mentors_per_mentee_range"),
        CheckConstraint("meeting_cadence_days BETWEEN 1 AND 92", name="meeting_cadence_range"),
        CheckConstraint("feedback_interval_days BETWEEN 7 AND 92", name="feedback_interval_range"),
        CheckConstraint("quiet_after_days BETWEEN 14 AND 365", name="quiet_after_range"),
        CheckConstraint("quiet_warning_days BETWEEN 1 AND 30 AND quiet_warning_days < quiet_after_days",
                        name="quiet_warning_range"),
        CheckConstraint("inactivity_days IS NULL OR inactivity_days BETWEEN 1 AND 365", name="inactivity_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[CohortState] = mapped_column(enum_column(CohortState), default=CohortState.DRAFT)
    enrolment_opens_on: Mapped[date]
    enrolment_closes_on: Mapped[date]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    meeting_cadence_days: Mapped[int] = mapped_column(default=14)
    feedback_interval_days: Mapped[int] = mapped_column(default=30, server_default="30")  # partners give feedback every this many days
    quiet_after_days: Mapped[int] = mapped_column(default=90, server_default="90")  # no activity this long: propose closing
    quiet_warning_days: Mapped[int] = mapped_column(default=7, server_default="7")  # the pair is warned this long before
    # days without activity before the partners' nudge (twice: the instructors' alert); None: MAIL_INACTIVITY_DAYS
    inactivity_days: Mapped[int | None] = mapped_column(default=None)
    mentor_capacity: Mapped[int] = mapped_column(default=2)  # mentees per mentor
    mentors_per_mentee: Mapped[int] = mapped_column(default=1)
    ground_rules: Mapped[str] = mapped_column(Text)
    privacy: Mapped[PrivacySetting] = mapped_column(enum_column(PrivacySetting), default=PrivacySetting.STATUS_ONLY)
    matching_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=default_matching_settings)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    skills: Mapped[list[CohortSkill]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortSkill.position"
    )

    @property
    def cadence_label(self) -> str:
        """The meeting cadence in words."""
        return cadence_label(self.meeting_cadence_days)

    def enrolment_refusal(self, today: date) -> str | None:
        """Why nobody may enrol today, or None when enrolment is open and today is inside the window."""
        return enrolment_refusal(self.state, self.enrolment_opens_on, self.enrolment_closes_on, today)

    def skill(self, code: str) -> CohortSkill | None:
        """The catalogue entry with ``code``, if this cohort offers it."""
        return next((s for s in self.skills if s.code == code), None)

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r} {self.state.value}>"


class CohortSkill(db.Model):
    """A skill of a cohort's catalogue: picked from the default catalogue or added by the instructor."""

    __tablename__ = "cohort_skill"
    __table_args__ = (UniqueConstraint("cohort_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(120))
    category: Mapped[SkillCategory] = mapped_column(enum_column(SkillCategory, 30))
    position: Mapped[int] = mapped_column(default=0)

    cohort: Mapped[Cohort] = relationship(back_populates="skills")

    @property
    def label_shown(self) -> str:
        """The label in the reader's language if it is a default one, else as the instructor wrote it."""
        return shown_label(self.code, self.category, self.label)

    def __repr__(self) -> str:
        return f"<CohortSkill {self.code!r} of cohort {self.cohort_id}>"
