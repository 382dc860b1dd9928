"""A dated snapshot of a course's roster from the LMS (NRPS): which learners were active members that day.

Taken on every roster refresh and by ``flask --app lti_app roster sync`` (daily, from cron); the dashboard reads
them to compare participants with the rest of the course (retention at the programme's end). Only LMS user ids
are kept, the same ids ``Person.subject`` holds, never names.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.extensions import db, utcnow


class RosterSnapshot(db.Model):
    """The course's learners on one day: those active and those the LMS lists as inactive."""

    __tablename__ = "roster_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    active_user_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    inactive_user_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    truncated: Mapped[bool] = mapped_column(default=False)  # the LMS had more pages than were read

    def __repr__(self) -> str:
        return f"<RosterSnapshot course {self.course_id} {self.taken_at:%Y-%m-%d} {len(self.active_user_ids)} active>"
