"""Sending one batch of claimed grade outbox rows to the LMS: the HTTP side of grade sync.

A ``Senders`` lives for one drain, all its batches: per platform one connector, hence one HTTP session whose
connections are reused and one access token per set of scopes; per course one AGS client; the columns already
known. What it needs from the database it reads per batch, for all the batch's rows at once.

Each outcome is decided here and written by the caller in bulk: 2xx → sent; 5xx, a timeout, an unreachable LMS
or a 409 (Moodle keeps one score per second and answers 409 to a second one in the same second) → retry after
the backoff; any other 4xx → failed, with the platform's message. Scores only go to learners (Moodle answers 400
and Canvas 422 for anyone else): others are not sendable. The first row of a platform that cannot be reached or
answers 5xx marks it down for the drain: its other rows are not tried (no timeout each) and wait as long as that
row does, so during an outage the LMS is asked once per backoff step, not once per score.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lti_app.extensions import outside_write_lock
from lti_app.lti.errors import LaunchError, PlatformUnavailable
from lti_app.lti.registrations import ags_endpoint
from lti_app.lti.services.ags import AgsClient, Score, next_timestamps
from lti_app.lti.services.connector import ServiceError, ToolServiceConnector
from lti_app.lti.services.platform_client import connector_for
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.grade_states import Marking, Progress, backoff_seconds
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services.grade_claims import Claimed, Outcome
from lti_app.tasks.course_contexts import course_contexts
from lti_app.tasks.grade_columns import NO_GRADE_SERVICE, ColumnUnavailable, column_for, kept_columns

log = logging.getLogger(__name__)
# Worth another try later: a timeout, a conflict on the timestamp (Moodle's one-second resolution), rate limits.
RETRYABLE_STATUS = frozenset({408, 409, 425, 429})
RELEASED = Outcome("released")
# The programme's words for a score in the LMS's (an AGS score's activityProgress and gradingProgress).
AGS_ACTIVITY = {Progress.STARTED: "Started", Progress.SUBMITTED: "Submitted", Progress.COMPLETED: "Completed"}
AGS_GRADING = {Marking.PENDING: "PendingManual", Marking.FINAL: "FullyGraded"}


@dataclass
class Senders:
    """Connectors, AGS clients and known columns for one drain; ``down``: platform id → the outcome its rows get."""

    connectors: dict[int, ToolServiceConnector] = field(default_factory=dict)
    clients: dict[int, tuple[int, AgsClient] | None] = field(default_factory=dict)
    columns: dict[tuple[str, int], str] = field(default_factory=dict)
    down: dict[int, Outcome] = field(default_factory=dict)

    def prepare(self, entries: Sequence[GradeOutbox]) -> None:
        """Read, for all these rows at once, the courses' endpoints and the columns not known yet."""
        courses = {e.course_id for e in entries} - self.clients.keys()
        if courses:
            contexts = course_contexts(courses)
            for course_id in courses:
                row = contexts.get(course_id)
                if row is None or not row.lineitems_url:
                    self.clients[course_id] = None
                    continue
                if row.platform_id not in self.connectors:
                    self.connectors[row.platform_id] = connector_for(row.platform)
                self.clients[course_id] = (row.platform_id, AgsClient(self.connectors[row.platform_id], ags_endpoint(row)))
        unknown = [e for e in entries if (e.target, e.target_id) not in self.columns]
        if unknown:
            self.columns.update(kept_columns(unknown))

    def client(self, course_id: int) -> tuple[int, AgsClient]:
        """(platform id, AGS client) of a prepared course."""
        found = self.clients.get(course_id)
        if found is None:
            raise ColumnUnavailable(NO_GRADE_SERVICE)
        return found

    def column(self, client: AgsClient, entry: GradeOutbox) -> str:
        """The row's line item URL, found or created in the LMS the first time (flushes)."""
        key = (entry.target, entry.target_id)
        if key not in self.columns:
            self.columns[key] = column_for(client, entry)
        return self.columns[key]


def _not_learner_reason(claimed: Claimed) -> str | None:
    """Why a score is not for the LMS, in English like every stored reason (``_failure``): the role's name too."""
    if claimed.role is CourseRole.LEARNER:
        return None
    with texts.in_language("en"):
        who = f"a {claimed.role.label.lower()} in" if claimed.role else "not a member of"
    return f"{claimed.person.display_name} is {who} the course; the LMS takes grades for learners only"


def _failure(exc: Exception, entry: GradeOutbox) -> Outcome:
    """What a failure to send means for the row. Its reason is written in English whoever's request sends the
    score: the row's ``last_error`` is one language for the log and the operator, and the instructor reads it as
    the technical detail after a translated status (``grade_states.status_label``)."""
    with texts.in_language("en"):
        return _outcome(exc, entry)


def _outcome(exc: Exception, entry: GradeOutbox) -> Outcome:
    if isinstance(exc, PlatformUnavailable):
        return Outcome("retry", str(exc.detail))
    if isinstance(exc, ServiceError):
        return Outcome("retry" if exc.status_code in RETRYABLE_STATUS else "failed", str(exc.message), exc.status_code)
    if isinstance(exc, (ColumnUnavailable, PermissionError, ValueError, LaunchError)):
        return Outcome("failed", str(exc))
    # an unknown failure must not lose the score: keep it pending, loudly
    log.error("Sending grade outbox row %s failed unexpectedly", entry.id, exc_info=exc)
    return Outcome("retry", f"Unexpected error: {exc}")


class _Batch:
    """One batch on its way: the rows ready to post, and each row's outcome."""

    def __init__(self, senders: Senders, now: datetime, backoff: dict[str, int], deadline: float) -> None:
        self.senders, self.now, self.backoff, self.deadline = senders, now, backoff, deadline
        self.outcomes: dict[int, tuple[GradeOutbox, Outcome]] = {}
        self.ready: list[tuple[Claimed, int, AgsClient, str]] = []

    def settle(self, entry: GradeOutbox, outcome: Outcome) -> None:
        """Decide the row's outcome."""
        self.outcomes[entry.id] = (entry, outcome)

    def waits(self, entry: GradeOutbox, platform_id: int) -> bool:
        """Settle a row that is not tried now (its LMS is down, or the drain's time is up); True if so."""
        if platform_id in self.senders.down:
            self.settle(entry, self.senders.down[platform_id])
        elif time.monotonic() > self.deadline:
            self.settle(entry, RELEASED)
        return entry.id in self.outcomes

    def failed(self, entry: GradeOutbox, platform_id: int | None, exc: Exception) -> None:
        """Settle a row whose sending failed; an unreachable platform is down for the rest of the drain."""
        outcome = _failure(exc, entry)
        if isinstance(exc, PlatformUnavailable) and platform_id is not None:
            wait = backoff_seconds(entry.attempts + 1, **self.backoff)
            self.senders.down[platform_id] = Outcome("deferred", outcome.error, None,
                                                     until=self.now + timedelta(seconds=wait))
        self.settle(entry, outcome)

    def resolve(self, claimed: Claimed) -> None:
        """Settle a row that needs no sending, or find its client and column (HTTP only for a new column)."""
        entry, platform_id = claimed.entry, None
        if claimed.overtaken:
            return self.settle(entry, Outcome("superseded"))
        reason = _not_learner_reason(claimed)
        if reason:
            return self.settle(entry, Outcome("not_sendable", reason))
        try:
            platform_id, client = self.senders.client(entry.course_id)
            if not self.waits(entry, platform_id):
                self.ready.append((claimed, platform_id, client, self.senders.column(client, entry)))
        except Exception as exc:
            self.failed(entry, platform_id, exc)

    def post_all(self) -> None:
        """Post the ready rows in order, with timestamps taken for all of them at once."""
        stamps = next_timestamps([(url, claimed.person.subject) for claimed, _, _, url in self.ready])
        for (claimed, platform_id, client, url), stamp in zip(self.ready, stamps):
            entry = claimed.entry
            if self.waits(entry, platform_id):
                continue
            try:
                score = Score(claimed.person.subject, AGS_ACTIVITY[Progress(entry.activity_progress)],
                              AGS_GRADING[Marking(entry.grading_progress)], entry.score_given, entry.score_maximum,
                              entry.comment)
                client.post_score(url, score, learner=True, timestamp=stamp)
            except Exception as exc:
                self.failed(entry, platform_id, exc)
            else:
                self.settle(entry, Outcome("sent", lineitem_url=url))


def send_batch(batch: Sequence[Claimed], senders: Senders, *, now: datetime, backoff: dict[str, int],
               deadline: float) -> list[tuple[GradeOutbox, Outcome]]:
    """Send a batch of claimed rows, oldest first; each row's outcome (nothing is written here but new columns)."""
    senders.prepare([claimed.entry for claimed in batch])
    work = _Batch(senders, now, backoff, deadline)
    for claimed in batch:
        work.resolve(claimed)  # a new column is created while its row is locked, so two workers never make two
    with outside_write_lock():
        work.post_all()
    return [work.outcomes[claimed.entry.id] for claimed in batch]
