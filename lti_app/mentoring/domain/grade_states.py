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

from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import N_, _


class GradeTarget(str, enum.Enum):
    """The gradebook column a score goes to: a reflection assignment's, or the programme's of a cohort."""

    REFLECTION = "reflection"
    PROGRAMME = "programme"


class Progress(str, enum.Enum):
    """How far the participant is with what the score is about."""

    STARTED = "Started"
    SUBMITTED = "Submitted"
    COMPLETED = "Completed"

    @property
    def label(self) -> str:
        """The state in the reader's words (a page lists a score not yet given by it)."""
        return _(PROGRESS_LABELS[self])


PROGRESS_LABELS = {Progress.STARTED: N_("Started"), Progress.SUBMITTED: N_("Submitted"),
                   Progress.COMPLETED: N_("Completed")}


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


NOTHING_YET = SyncStatus("none", N_("nothing sent yet"))  # its label is a msgid: translate it where it is shown
WAITING_FIRST_SEND = N_("waiting to send (usually sent within seconds: reload this page to see it sent)")


def backoff_seconds(attempts: int, base: int, cap: int) -> int:
    """Wait before the next try after ``attempts`` failed ones: base, 2×base, 4×base … at most ``cap``."""
    return int(min(cap, base * 2 ** max(attempts - 1, 0)))


def retry_schedule(retries: int, base: int, cap: int) -> list[int]:
    """The waits of ``retries`` successive retries (what a job queue is told)."""
    return [backoff_seconds(n, base, cap) for n in range(1, retries + 1)]


def short_time(moment: datetime) -> str:
    """21 Nov 14:02 UTC (the day and month in the reader's language)."""
    clock = moment.strftime("%H:%M")
    return _("%(day)s %(time)s UTC", day=texts.day_month_short(moment.date()), time=clock)


def status_label(
    state: GradeState, *, sent_at: datetime | None = None, attempts: int = 0, next_attempt_at: datetime | None = None,
    last_error: str | None = None, last_status_code: int | None = None, blocked: bool = False,
) -> str:
    """A sentence for the instructor: "sent 21 Nov 14:02 UTC", "waiting to send (attempt 2, next at …)", …"""
    if state is GradeState.SENT:
        return _("sent %(time)s", time=short_time(sent_at)) if sent_at else _("sent")
    if state is GradeState.FAILED:
        reason = last_error or _("no reason given")
        if last_status_code:
            return _("refused by the LMS (%(code)s): %(reason)s", code=last_status_code, reason=reason)
        return _("refused by the LMS: %(reason)s", reason=reason)
    if state is GradeState.NOT_SENDABLE:
        return _("not sent: %(reason)s", reason=last_error or _("only learners of the course receive grades in the LMS"))
    if state is GradeState.SUPERSEDED:
        return _("replaced by a newer score")
    if blocked:
        return _("waiting to send (after an earlier score for the same person)")
    if attempts == 0:
        # The page does not refresh itself: it says when the instructor will see the score sent.
        return _(WAITING_FIRST_SEND)
    if next_attempt_at:
        waiting = _("waiting to send (attempt %(attempt)d, next at %(time)s)", attempt=attempts + 1,
                    time=short_time(next_attempt_at))
    else:
        waiting = _("waiting to send (attempt %(attempt)d)", attempt=attempts + 1)
    return _("%(status)s: %(reason)s", status=waiting, reason=last_error) if last_error else waiting
