"""A run of a big cohort's matching in a background job: queued, running (with its progress), then done or failed.

Guards in the database: at most one queued or running run per cohort (a partial unique index); the other half is
``start_run``, which takes the cohort's row lock and refuses a second run with a clear message.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.models.cohort import Cohort, enum_column
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.domain.texts import N_

WAITING = N_("Waiting for a worker")  # the stage of a queued run, kept in the row


class RunState(str, enum.Enum):
    """Where a background run is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def busy(self) -> bool:
        """Queued or running: the draft is about to be replaced, so nobody edits it meanwhile."""
        return self in (RunState.QUEUED, RunState.RUNNING)


BUSY_SQL = "state IN ('queued', 'running')"


class MatchingRun(db.Model):
    """One background run of a cohort's matching: who asked, how far it is, and how it ended."""

    __tablename__ = "matching_run"
    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        Index("ix_matching_run_one_busy_per_cohort", "cohort_id", unique=True,
              postgresql_where=text(BUSY_SQL), sqlite_where=text(BUSY_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    state: Mapped[RunState] = mapped_column(enum_column(RunState, 20), default=RunState.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    stage: Mapped[str] = mapped_column(String(200), default=WAITING)  # English: translate where it is shown
    error: Mapped[str | None] = mapped_column(Text)
    pairs: Mapped[int | None]  # how many pairs the draft holds, once done
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    requested_by: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<MatchingRun {self.id} cohort {self.cohort_id} {self.state.value} {self.progress}%>"
