"""The grade outbox in batches: claim the due rows that may go next, then record a whole batch's outcomes at once.

A row may go next when it is pending, due (``next_attempt_at`` has passed) and no older row of its key (person,
target, target id) is still pending, so a later score never overtakes an earlier one, whoever sends it. Claiming
moves the rows' ``next_attempt_at`` to the end of a lease in one ``UPDATE … RETURNING`` that the caller commits
before anything is sent: another worker, which only claims due rows, cannot take them. On PostgreSQL the rows
being claimed are also locked ``FOR UPDATE SKIP LOCKED``, so two claims at the same moment pick different rows;
SQLite has one writer at a time and the second claim, a write from its first statement, reads after the first
commits. A worker that dies in the middle of a batch leaves its rows to come due again when the lease ends.

A batch costs the same number of queries whatever its size: one claim, one load, one write of the outcomes.
Everything here flushes or executes; nothing commits.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, select, update
from sqlalchemy.orm import aliased

from lti_app.extensions import db
from lti_app.mentoring.domain.grade_states import GradeState, backoff_seconds
from lti_app.mentoring.models.course import CourseRole, Membership
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.person import Person

# What happened to one claimed row: sent, retry (tried, to try again after the backoff), failed (refused),
# not_sendable, superseded, deferred (not tried: its LMS was found down, it waits as long as the row that was),
# released (not tried this time, due again at once).
KINDS = ("sent", "retry", "failed", "not_sendable", "superseded", "deferred", "released")
STATE_OF_KIND = {"sent": GradeState.SENT, "failed": GradeState.FAILED, "not_sendable": GradeState.NOT_SENDABLE,
                 "superseded": GradeState.SUPERSEDED}
TRIED = ("sent", "retry", "failed")


@dataclass(frozen=True)
class Outcome:
    """The outcome of one claimed row (``until``: when a deferred row is due again)."""

    kind: str
    error: str | None = None
    status_code: int | None = None
    lineitem_url: str | None = None
    until: datetime | None = None

    @property
    def state(self) -> GradeState:
        """The row's state once the outcome is recorded."""
        return STATE_OF_KIND.get(self.kind, GradeState.PENDING)


@dataclass(frozen=True)
class Claimed:
    """A claimed row with what sending it needs: the person, their role in the course, and whether a newer score
    of the same key was already sent (then this one is history, never sent)."""

    entry: GradeOutbox
    person: Person
    role: CourseRole | None
    overtaken: bool


def _same_key(other: Any) -> Any:
    return and_(other.person_id == GradeOutbox.person_id, other.target == GradeOutbox.target,
                other.target_id == GradeOutbox.target_id)


def _of_keys(entry_ids: Sequence[int] | None) -> list[Any]:
    """Only the rows whose key is the key of one of ``entry_ids`` (all rows when None)."""
    if entry_ids is None:
        return []
    given = aliased(GradeOutbox)
    return [exists().where(given.id.in_(list(entry_ids)), _same_key(given))]


def claim_due(now: datetime, *, limit: int, lease_seconds: int, of_ids: Sequence[int] | None = None) -> list[int]:
    """Claim up to ``limit`` rows that may go next (of the keys of ``of_ids`` when given), oldest first; their ids."""
    older = aliased(GradeOutbox)
    # the head of its key: the oldest pending row (a min() on the key's index, cheap whatever the planner knows)
    oldest_pending = (select(func.min(older.id))
                      .where(_same_key(older), older.state == GradeState.PENDING).scalar_subquery())
    heads = (select(GradeOutbox.id)
             .where(GradeOutbox.state == GradeState.PENDING, GradeOutbox.next_attempt_at <= now, *_of_keys(of_ids),
                    GradeOutbox.id == oldest_pending)
             .order_by(GradeOutbox.id).limit(limit).with_for_update(skip_locked=True)
             # PostgreSQL rescans an IN (subquery) per row, and rows this statement already updated no longer lock,
             # so LIMIT would let every due row through: a CTE taken once keeps the batch to its size.
             .cte("heads").prefix_with("MATERIALIZED", dialect="postgresql"))
    # the heads are locked and rechecked where they are chosen: joining on the id alone lets the planner go from
    # them to the primary key, however few rows its statistics expect
    claim = (update(GradeOutbox).where(GradeOutbox.id == heads.c.id)
             .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
             .returning(GradeOutbox.id).execution_options(synchronize_session=False))
    return sorted(db.session.scalars(claim))


def load_claimed(entry_ids: Sequence[int]) -> list[Claimed]:
    """The claimed rows, oldest first, with their person, role and whether they were overtaken (one query)."""
    newer = aliased(GradeOutbox)
    overtaken = exists().where(_same_key(newer), newer.state == GradeState.SENT, newer.id > GradeOutbox.id)
    rows = db.session.execute(
        select(GradeOutbox, Person, Membership.role, overtaken.correlate(GradeOutbox))
        .join(Person, Person.id == GradeOutbox.person_id)
        .outerjoin(Membership, and_(Membership.person_id == GradeOutbox.person_id,
                                    Membership.course_id == GradeOutbox.course_id))
        .where(GradeOutbox.id.in_(list(entry_ids))).order_by(GradeOutbox.id)
        .execution_options(populate_existing=True))
    return [Claimed(entry, person, role, bool(late)) for entry, person, role, late in rows]


def _values(entry: GradeOutbox, outcome: Outcome, now: datetime, base: int, cap: int) -> dict[str, Any]:
    attempts = entry.attempts + (1 if outcome.kind in TRIED else 0)
    values = {"b_id": entry.id, "b_state": outcome.state, "b_attempts": attempts, "b_next": now,
              "b_error": entry.last_error, "b_code": entry.last_status_code, "b_sent_at": entry.sent_at,
              "b_url": outcome.lineitem_url or entry.lineitem_url}
    if outcome.kind == "sent":
        values.update(b_sent_at=now, b_error=None, b_code=None)
    elif outcome.kind == "retry":
        values["b_next"] = now + timedelta(seconds=backoff_seconds(attempts, base, cap))
    elif outcome.kind == "deferred":
        values["b_next"] = outcome.until or now
    if outcome.kind not in ("sent", "released", "superseded"):
        values.update(b_error=(outcome.error or "")[:2000] or None, b_code=outcome.status_code)
    return values


def record_outcomes(outcomes: Iterable[tuple[GradeOutbox, Outcome]], *, now: datetime, base: int, cap: int) -> None:
    """Write the outcomes of a batch in one statement (executed once per row by the driver, one round of SQL)."""
    params = [_values(entry, outcome, now, base, cap) for entry, outcome in outcomes]
    if not params:
        return
    table = GradeOutbox.__table__
    statement = (table.update().where(table.c.id == bindparam("b_id"))
                 .values(state=bindparam("b_state"), attempts=bindparam("b_attempts"),
                         next_attempt_at=bindparam("b_next"), last_error=bindparam("b_error"),
                         last_status_code=bindparam("b_code"), sent_at=bindparam("b_sent_at"),
                         lineitem_url=bindparam("b_url")))
    db.session.execute(statement, params)
    db.session.expire_all()  # the rows changed behind the session's back


def pending_in_keys(entry_ids: Sequence[int]) -> int:
    """How many rows of the keys of ``entry_ids`` are still pending (due or not, claimed or not)."""
    return db.session.scalar(select(func.count(GradeOutbox.id))
                             .where(GradeOutbox.state == GradeState.PENDING, *_of_keys(entry_ids))) or 0
