"""The grade outbox: record scores with the grade (same transaction), read their sync status, move rows along.

``record_score`` is what grading and completion call; the tasks package sends the rows after the commit
(``lti_app.tasks.grades``), claiming them in batches and recording their outcomes in bulk
(``grade_claims``). Rows of one (person, target, target id) go out strictly in creation order. The ``mark_*``
functions move one row along (an instructor's action, a test's setup). Everything here flushes; nothing commits.
The rows a transaction writes or makes due are noted on the session (``take_recorded``) for the request's one
commit point, which sends them after its commit and drops them after a rollback.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, insert, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.grade_states import (
    NOTHING_YET, GradeState, GradeTarget, Marking, Progress, SyncStatus, backoff_seconds, status_label,
)
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.reflection import ReflectionAssignment
from lti_app.mentoring.domain.texts import _

OUTSTANDING = (GradeState.PENDING, GradeState.FAILED)
E = TypeVar("E", GradeTarget, Progress, Marking)
RECORDED_KEY = "grade_outbox_ids"  # key in ``db.session.info``: rows to send after the commit


def _one_of(kind: type[E], value: str, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(f"Unknown {what} {value!r}: one of {', '.join(k.value for k in kind)}") from None


def score_values(
    *, course_id: int, person_id: int, target: str, target_id: int, activity_progress: str, grading_progress: str,
    score_given: float | None = None, score_maximum: float | None = None, comment: str | None = None,
) -> dict[str, Any]:
    """The columns of a new score to send after the commit, checked (refuses an unknown target or progress).

    ``target`` is a ``GradeTarget``, ``activity_progress`` a ``Progress``, ``grading_progress`` a ``Marking``
    (members or their values)."""
    target = _one_of(GradeTarget, target, "grade target")
    progress = _one_of(Progress, activity_progress, "progress")
    marking = _one_of(Marking, grading_progress, "grading state")
    if score_given is not None and (score_maximum is None or score_maximum <= 0 or score_given < 0):
        raise InvalidInput("A score needs a positive maximum and cannot be negative", field="score_given")
    return {"course_id": course_id, "person_id": person_id, "target": target.value, "target_id": target_id,
            "activity_progress": progress.value, "grading_progress": marking.value, "score_given": score_given,
            "score_maximum": score_maximum, "comment": comment or None, "state": GradeState.PENDING, "attempts": 0,
            "next_attempt_at": utcnow()}


def record_score(**score: Any) -> GradeOutbox:
    """Add a score to send after the commit (flushes; the arguments of ``score_values``). Later rows of the same
    person and column go out later."""
    entry = GradeOutbox(**score_values(**score))
    db.session.add(entry)
    db.session.flush()
    _remember([entry.id])
    return entry


def _remember(ids: Iterable[int]) -> None:
    """Note rows this transaction wrote or made due, for the commit point to send after its commit."""
    db.session.info.setdefault(RECORDED_KEY, []).extend(ids)


def take_recorded() -> list[int]:
    """The rows noted since the last call (each once, in order), forgetting them: after a commit, to send them;
    after a rollback, to drop them."""
    return list(dict.fromkeys(db.session.info.pop(RECORDED_KEY, [])))


def record_scores(scores: Sequence[dict[str, Any]]) -> dict[int, int]:
    """Add one score per person on one column (each the arguments of ``score_values``) in one INSERT, and read their
    ids back in one query: {person id: outbox id}. For jobs that complete a whole cohort at once."""
    rows = [score_values(**score) for score in scores]
    if not rows:
        return {}
    columns = {(row["target"], row["target_id"]) for row in rows}
    people = [row["person_id"] for row in rows]
    if len(columns) != 1 or len(set(people)) != len(people):
        raise InvalidInput("Scores written together are one per person, on one column")
    (target, target_id), = columns
    db.session.execute(insert(GradeOutbox), rows)
    ids = dict(db.session.execute(
        select(GradeOutbox.person_id, func.max(GradeOutbox.id))
        .where(GradeOutbox.target == target, GradeOutbox.target_id == target_id, GradeOutbox.person_id.in_(people))
        .group_by(GradeOutbox.person_id)).all())
    _remember(ids.values())
    return ids


def _status_of(rows: Sequence[GradeOutbox]) -> SyncStatus:
    """The status of a key's newest score (superseded rows are history, not news)."""
    live = [r for r in rows if r.state is not GradeState.SUPERSEDED] or list(rows)
    newest = live[-1]
    blocked = newest.state is GradeState.PENDING and any(
        r.state is GradeState.PENDING and r.id < newest.id and r.attempts > 0 for r in rows)
    label = status_label(newest.state, sent_at=newest.sent_at, attempts=newest.attempts,
                         next_attempt_at=newest.next_attempt_at, last_error=newest.last_error,
                         last_status_code=newest.last_status_code, blocked=blocked)
    return SyncStatus(newest.state.value, label)


def sync_statuses(target: GradeTarget | str, target_id: int, person_ids: Iterable[int]) -> dict[int, SyncStatus]:
    """{person id: the sync status of their newest score on this column}; "none" for people with no score yet."""
    ids = list(dict.fromkeys(person_ids))
    rows = db.session.scalars(
        select(GradeOutbox).where(GradeOutbox.target == GradeTarget(target).value, GradeOutbox.target_id == target_id,
                                  GradeOutbox.person_id.in_(ids)).order_by(GradeOutbox.id)).all()
    by_person: dict[int, list[GradeOutbox]] = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    nothing_yet = SyncStatus(NOTHING_YET.state, _(NOTHING_YET.label))
    return {pid: _status_of(by_person[pid]) if pid in by_person else nothing_yet for pid in ids}


def entry_status(entry: GradeOutbox) -> SyncStatus:
    """The status of one row on its own (for lists of rows)."""
    return _status_of([entry])


def pending_ids(now: datetime | None = None) -> list[int]:
    """Ids of pending rows due by ``now`` (default: now), oldest first: what a resend works through."""
    moment = now or utcnow()
    return list(db.session.scalars(
        select(GradeOutbox.id).where(GradeOutbox.state == GradeState.PENDING, GradeOutbox.next_attempt_at <= moment)
        .order_by(GradeOutbox.id)))


def mark_sent(entry: GradeOutbox, lineitem_url: str, now: datetime | None = None) -> GradeOutbox:
    """The LMS accepted the score."""
    entry.state, entry.sent_at, entry.lineitem_url = GradeState.SENT, now or utcnow(), lineitem_url
    entry.attempts += 1
    entry.last_error = entry.last_status_code = None
    db.session.flush()
    return entry


def mark_retry(entry: GradeOutbox, error: str, status_code: int | None, *, base: int, cap: int,
               now: datetime | None = None) -> GradeOutbox:
    """The LMS was down, slow or busy: stays pending, tried again after a longer wait each time."""
    entry.attempts += 1
    entry.next_attempt_at = (now or utcnow()) + timedelta(seconds=backoff_seconds(entry.attempts, base, cap))
    entry.last_error, entry.last_status_code = error[:2000], status_code
    db.session.flush()
    return entry


def mark_failed(entry: GradeOutbox, error: str, status_code: int | None) -> GradeOutbox:
    """The LMS refused the score (or cannot take it): kept with the reason, sent again only on request."""
    entry.attempts += 1
    entry.state, entry.last_error, entry.last_status_code = GradeState.FAILED, error[:2000], status_code
    db.session.flush()
    return entry


def mark_not_sendable(entry: GradeOutbox, reason: str) -> GradeOutbox:
    """Platforms refuse scores for anyone who is not a learner: such rows are kept, never sent."""
    entry.state, entry.last_error, entry.last_status_code = GradeState.NOT_SENDABLE, reason, None
    db.session.flush()
    return entry


def mark_superseded(entry: GradeOutbox) -> GradeOutbox:
    """A newer score of the same person and column was sent first; this one stays history."""
    entry.state = GradeState.SUPERSEDED
    db.session.flush()
    return entry


def outstanding_in_course(course_id: int, limit: int = 200) -> list[GradeOutbox]:
    """The course's rows still pending or refused, oldest first."""
    return list(db.session.scalars(
        select(GradeOutbox).where(GradeOutbox.course_id == course_id, GradeOutbox.state.in_(OUTSTANDING))
        .order_by(GradeOutbox.id).limit(limit)))


def retry_entries(course_id: int, entry_ids: Iterable[int] | None = None) -> list[int]:
    """Make the course's refused or waiting rows (all, or these ids) due now; returns their ids (flushes)."""
    query = select(GradeOutbox).where(GradeOutbox.course_id == course_id, GradeOutbox.state.in_(OUTSTANDING))
    if entry_ids is not None:
        wanted = list(entry_ids)
        query = query.where(GradeOutbox.id.in_(wanted))
    rows = db.session.scalars(query.order_by(GradeOutbox.id)).all()
    if entry_ids is not None and not rows:
        raise NotFound(_("There is no grade waiting or refused with that number in this course."))
    now = utcnow()
    for row in rows:
        row.state, row.next_attempt_at = GradeState.PENDING, now
    db.session.flush()
    _remember(row.id for row in rows)
    return [row.id for row in rows]


def count_by_state(course_id: int | None = None) -> dict[str, int]:
    """{state: rows} for every state (0 where none), over one course or all."""
    query = select(GradeOutbox.state, func.count(GradeOutbox.id)).group_by(GradeOutbox.state)
    if course_id is not None:
        query = query.where(GradeOutbox.course_id == course_id)
    counts = dict.fromkeys((s.value for s in GradeState), 0)
    counts.update({state.value: n for state, n in db.session.execute(query)})
    return counts


def target_titles(entries: Iterable[GradeOutbox]) -> dict[tuple[str, int], str]:
    """{(target, target id): what the column is called} for a list of rows (two queries at most)."""
    wanted: dict[GradeTarget, set[int]] = {target: set() for target in GradeTarget}
    for entry in entries:
        wanted[GradeTarget(entry.target)].add(entry.target_id)
    titles = {}
    if wanted[GradeTarget.REFLECTION]:
        for a_id, title in db.session.execute(select(ReflectionAssignment.id, ReflectionAssignment.title)
                                              .where(ReflectionAssignment.id.in_(wanted[GradeTarget.REFLECTION]))):
            titles[(GradeTarget.REFLECTION.value, a_id)] = f"Reflection: {title}"
    if wanted[GradeTarget.PROGRAMME]:
        for c_id, name in db.session.execute(select(Cohort.id, Cohort.name)
                                             .where(Cohort.id.in_(wanted[GradeTarget.PROGRAMME]))):
            titles[(GradeTarget.PROGRAMME.value, c_id)] = f"{name}: mentoring programme"
    return titles
