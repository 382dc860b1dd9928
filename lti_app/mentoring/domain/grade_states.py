"""Grades in the programme's own words: what a score is about, the states of an outbox row, the backoff between
attempts, the label a page shows.

A score says where a participant is (``Progress``: submitted, completed) and whether its grade is final or still
to be given (``Marking``); its column is a reflection assignment's or the cohort's programme (``GradeTarget``).
The LMS's own words for these (AGS ``activityProgress``/``gradingProgress``) are chosen where scores are sent
(``lti_app.tasks.grade_sending``). The values are what the outbox rows store.

An outbox row is written with the grade (same transaction) and sent after the commit:
pending → sent | failed (the LMS refused it) | not_sendable (not a learner) | superseded (a newer
score for the same person and column was sent first). A platform that is down or answers 5xx leaves the row
pending, with its next attempt further away each time.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class GradeTarget(str, enum.Enum):
    """The gradebook column a score goes to: a reflection assignment's, or the programme's of a cohort."""

    REFLECTION = "reflection"
    PROGRAMME = "programme"


class Progress(str, enum.Enum):
    """How far the participant is with what the score is about."""

    STARTED = "Started"
    SUBMITTED = "Submitted"
    COMPLETED = "Completed"


class Marking(str, enum.Enum):
    """Whether the score's grade is given (final) or still to come from an instructor (pending)."""

    PENDING = "PendingManual"
    FINAL = "FullyGraded"


class GradeState(str, enum.Enum):
    """Where one outbox row is."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"
    NOT_SENDABLE = "not_sendable"

    @property
    def final(self) -> bool:
        """Nothing more will be sent for a row in this state (unless someone asks to retry a failed one)."""
        return self is not GradeState.PENDING


@dataclass(frozen=True)
class SyncStatus:
    """What a page shows next to a grade: the state of its newest score and a sentence about it."""

    state: str
    label: str

    @property
    def is_problem(self) -> bool:
        """Refused by the LMS or not sendable: the instructor has something to look at."""
        return self.state in (GradeState.FAILED.value, GradeState.NOT_SENDABLE.value)


NOTHING_YET = SyncStatus("none", "nothing sent yet")
WAITING_FIRST_SEND = "waiting to send (usually sent within seconds: reload this page to see it sent)"


def backoff_seconds(attempts: int, base: int, cap: int) -> int:
    """Wait before the next try after ``attempts`` failed ones: base, 2×base, 4×base … at most ``cap``."""
    return int(min(cap, base * 2 ** max(attempts - 1, 0)))


def retry_schedule(retries: int, base: int, cap: int) -> list[int]:
    """The waits of ``retries`` successive retries (what a job queue is told)."""
    return [backoff_seconds(n, base, cap) for n in range(1, retries + 1)]


def short_time(moment: datetime) -> str:
    """21 Nov 14:02 UTC."""
    return f"{moment.day} {moment:%b %H:%M} UTC"


def status_label(
    state: GradeState, *, sent_at: datetime | None = None, attempts: int = 0, next_attempt_at: datetime | None = None,
    last_error: str | None = None, last_status_code: int | None = None, blocked: bool = False,
) -> str:
    """A sentence for the instructor: "sent 21 Nov 14:02 UTC", "waiting to send (attempt 2, next at …)", …"""
    if state is GradeState.SENT:
        return f"sent {short_time(sent_at)}" if sent_at else "sent"
    if state is GradeState.FAILED:
        code = f" ({last_status_code})" if last_status_code else ""
        return f"refused by the LMS{code}: {last_error or 'no reason given'}"
    if state is GradeState.NOT_SENDABLE:
        return f"not sent: {last_error or 'only learners of the course receive grades in the LMS'}"
    if state is GradeState.SUPERSEDED:
        return "replaced by a newer score"
    if blocked:
        return "waiting to send (after an earlier score for the same person)"
    if attempts == 0:
        # The page does not refresh itself: it says when the instructor will see the score sent.
        return WAITING_FIRST_SEND
    when = f", next at {short_time(next_attempt_at)}" if next_attempt_at else ""
    return f"waiting to send (attempt {attempts + 1}{when})" + (f": {last_error}" if last_error else "")
