"""A cohort's surveys (pulse and exit): their settings, question versions, questions, rounds and answers.

Guards in the database: one survey per cohort and kind, one settings row per cohort, one answer per person and
round (a double submit or a second tab can never write a second one). A version that has answers is never edited;
editing its questions makes a new version.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.surveys import (
    DEFAULT_ANONYMITY_THRESHOLD, DEFAULT_EVERY_DAYS, DEFAULT_FIRST_AFTER_DAYS, Audience, QuestionKind, SurveyKind,
    shown_text,
)
from lti_app.mentoring.models.cohort import enum_column


class SurveySettings(db.Model):
    """A cohort's survey settings: the pulse schedule, whether it runs, and the anonymity threshold."""

    __tablename__ = "survey_settings"
    __table_args__ = (
        CheckConstraint("pulse_first_after_days BETWEEN 1 AND 365", name="pulse_first_after_range"),
        CheckConstraint("pulse_every_days BETWEEN 7 AND 365", name="pulse_every_range"),
        CheckConstraint("anonymity_threshold BETWEEN 1 AND 50", name="anonymity_threshold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    pulse_enabled: Mapped[bool] = mapped_column(default=True)
    pulse_first_after_days: Mapped[int] = mapped_column(default=DEFAULT_FIRST_AFTER_DAYS)
    pulse_every_days: Mapped[int] = mapped_column(default=DEFAULT_EVERY_DAYS)
    anonymity_threshold: Mapped[int] = mapped_column(default=DEFAULT_ANONYMITY_THRESHOLD)
    accept_late: Mapped[bool] = mapped_column(default=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")

    def __repr__(self) -> str:
        return f"<SurveySettings cohort {self.cohort_id}>"


class Survey(db.Model):
    """The pulse or the exit survey of one cohort."""

    __tablename__ = "survey"
    __table_args__ = (UniqueConstraint("cohort_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind, 20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyVersion.number")

    @property
    def current(self) -> SurveyVersion:
        """The version new answers use."""
        return self.versions[-1]

    def __repr__(self) -> str:
        return f"<Survey {self.id} cohort {self.cohort_id} {self.kind.value}>"


class SurveyVersion(db.Model):
    """One version of a survey's questions; frozen once it has answers."""

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("survey_id", "number"), CheckConstraint("number >= 1", name="number_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="versions")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="SurveyQuestion.position")

    def __repr__(self) -> str:
        return f"<SurveyVersion {self.id} survey {self.survey_id} v{self.number}>"


class SurveyQuestion(db.Model):
    """A question of one version: its kind, labels or choices, whether required, and who is asked."""

    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))  # stays the same across versions ("satisfaction", "q7")
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, 20))
    required: Mapped[bool] = mapped_column(default=True)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience, 20), default=Audience.BOTH)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)

    version: Mapped[SurveyVersion] = relationship(back_populates="questions")

    @property
    def text_shown(self) -> str:
        """The question in the reader's language if it is a default one, else as the coordinator wrote it."""
        return shown_text(self.text)

    @property
    def labels_shown(self) -> list[str]:
        return [shown_text(label) for label in self.labels or []]

    def __repr__(self) -> str:
        return f"<SurveyQuestion {self.id} {self.code}>"


class SurveyRound(db.Model):
    """One round of a survey: when it is open; an exit round of a pair ended early names the pair and why."""

    __tablename__ = "survey_round"
    __table_args__ = (UniqueConstraint("survey_id", "number"), CheckConstraint("opens_at < closes_at",
                                                                               name="round_in_order"))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    survey: Mapped[Survey] = relationship()

    def __repr__(self) -> str:
        return f"<SurveyRound {self.id} survey {self.survey_id} #{self.number}>"


class SurveyAnswer(db.Model):
    """One person's answers in one round (values by question code), changeable until the round closes."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("round_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # "mentor" or "mentee" when answered
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    late: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[SurveyRound] = relationship()

    def __repr__(self) -> str:
        return f"<SurveyAnswer {self.id} round {self.round_id} by {self.enrolment_id}>"


class SurveyNamesAccess(db.Model):
    """An instructor opened the named answers of a cohort's survey: who, when and why (as ContentAccess for notes)."""

    __tablename__ = "survey_names_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    viewer_name: Mapped[str] = mapped_column(String(200))  # kept as it was, should the person go
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SurveyNamesAccess {self.id} survey {self.survey_id}>"
