"""A participant's reflection: save a draft, submit it, revise it. Flush, never commit.

When writing is allowed is ``domain.reflections.write_refusal`` (opening day, due day in the writer's time
zone, late work, revision policy, graded). Submitting writes a grade-outbox row in the same transaction
(submitted, its grade pending) the first time the reflection is handed in; a draft writes none, and a
revision leaves the status (and so the gradebook) as it is.

Double submits and stale pages: the page carries the version it was read at (0 before the first save). The
same text sent again (a double click, a reload) changes nothing and writes nothing; different text from a page
read before the last change is refused (``StaleSubmission``), so a second tab never overwrites the first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.grade_states import GradeTarget, Marking, Progress
from lti_app.mentoring.domain.reflections import MAX_BODY_LENGTH, SubmissionStatus, as_html, local_day, write_refusal
from lti_app.mentoring.domain.rich_text import is_blank, sanitise
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.grade_outbox import record_score
from lti_app.mentoring.services.reflections import submission_of
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import N_, _


class StaleSubmission(InvalidInput):
    """The reflection changed since this page was read (in another window, or it was graded); nothing was written."""

    status = 409


@dataclass(frozen=True)
class Saved:
    """A reflection as written, and the ids of the grade-outbox rows written with it (to send after the commit)."""

    submission: Submission
    outbox_ids: tuple[int, ...] = ()


def today_of(enrolment: Enrolment, now: datetime | None = None) -> date:
    """The writer's own calendar day (their enrolment's time zone)."""
    return local_day(now or utcnow(), enrolment.time_zone)


def writing_refusal(assignment: ReflectionAssignment, enrolment: Enrolment, submission: Submission | None,
                    now: datetime | None = None) -> str | None:
    """Why the participant cannot save or submit this reflection now, or None."""
    return write_refusal(status=submission.status if submission else None, opens_on=assignment.opens_on,
                         due_on=assignment.due_on, accept_late=assignment.accept_late,
                         revise_until=assignment.revise_until, today=today_of(enrolment, now))


def _clean(body: str) -> str:
    clean = sanitise(as_html(body))
    if len(clean) > MAX_BODY_LENGTH:
        raise InvalidInput(_("Keep your reflection under %(max)s characters.", max=texts.number(MAX_BODY_LENGTH)),
                           field="body")
    return clean


def check_version(submission: Submission | None, expected_version: int, message: str, field: str | None = "body") -> None:
    """StaleSubmission with ``message`` unless the page was read at the reflection's current version."""
    if (submission.version if submission is not None else 0) != expected_version:
        raise StaleSubmission(_(message), field=field)


def flush_or_stale(message: str, field: str | None = "body") -> None:
    """Flush; a concurrent change of the same row (its version moved under us) becomes StaleSubmission."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleSubmission(_(message), field=field) from None


STALE_WRITER = N_("Your reflection changed in another window (or was graded) after you opened this page, so this "
                "version was not saved. Copy anything you want to keep, then reload the page.")


def _write(assignment: ReflectionAssignment, enrolment: Enrolment, submission: Submission | None,
           changes: dict[str, Any]) -> Submission:
    """Apply ``changes`` to the reflection, creating it when there is none (a racing twin: StaleSubmission). Flushes."""
    if submission is not None:
        for name, value in changes.items():
            setattr(submission, name, value)
        flush_or_stale(STALE_WRITER)
        return submission
    submission = Submission(assignment_id=assignment.id, enrolment_id=enrolment.id, **changes)
    db.session.add(submission)
    try:  # no savepoint: on SQLite (pysqlite) releasing one that opened the transaction would commit it early
        db.session.flush()
    except IntegrityError:  # the caller rolls the whole request back, as for every refusal
        raise StaleSubmission(_(STALE_WRITER), field="body") from None
    return submission


def _refuse_if_closed(assignment: ReflectionAssignment, enrolment: Enrolment, submission: Submission | None,
                      now: datetime) -> None:
    refusal = writing_refusal(assignment, enrolment, submission, now)
    if refusal:
        raise InvalidInput(refusal, field="body")


def save_draft(assignment: ReflectionAssignment, enrolment: Enrolment, body: str, expected_version: int,
               now: datetime | None = None) -> Saved:
    """Keep the text as a draft (nothing is sent to the gradebook). Flushes."""
    now = now or utcnow()
    clean, submission = _clean(body), submission_of(assignment.id, enrolment.id)
    if submission is not None and submission.status is SubmissionStatus.DRAFT and submission.body == clean:
        return Saved(submission)  # the same draft again: nothing to change
    check_version(submission, expected_version, STALE_WRITER)
    if submission is not None and submission.is_submitted:
        raise InvalidInput(_("Your reflection is already submitted: submit your changes as a revision."), field="body")
    _refuse_if_closed(assignment, enrolment, submission, now)
    return Saved(_write(assignment, enrolment, submission, {"body": clean, "status": SubmissionStatus.DRAFT}))


def submit_reflection(assignment: ReflectionAssignment, enrolment: Enrolment, body: str, expected_version: int,
                      now: datetime | None = None) -> Saved:
    """Hand the reflection in (or a revision of it); late when past the due day. Flushes, with its outbox row."""
    now = now or utcnow()
    clean, submission = _clean(body), submission_of(assignment.id, enrolment.id)
    if is_blank(clean):
        raise InvalidInput(_("Write your reflection before you submit it."), field="body")
    if submission is not None and submission.is_submitted and submission.body == clean:
        return Saved(submission)  # submitted twice (a double click, a reload): one submission, one outbox row
    check_version(submission, expected_version, STALE_WRITER)
    _refuse_if_closed(assignment, enrolment, submission, now)
    first = submission is None or submission.status is SubmissionStatus.DRAFT
    submission = _write(assignment, enrolment, submission, {
        "body": clean, "status": SubmissionStatus.SUBMITTED, "submitted_at": now,
        "late": today_of(enrolment, now) > assignment.due_on})
    if not first:
        return Saved(submission)
    entry = record_score(course_id=assignment.cohort.course_id, person_id=enrolment.person_id, target=GradeTarget.REFLECTION,
                         target_id=assignment.id, activity_progress=Progress.SUBMITTED, grading_progress=Marking.PENDING)
    return Saved(submission, (entry.id,))


def submission_of_writer(course_id: int, submission_id: int, person_id: int) -> Submission:
    """One of ``person_id``'s own reflections in the course; NotFound for anyone else's or another course's."""
    submission = db.session.get(Submission, submission_id)
    if (submission is None or submission.enrolment.person_id != person_id
            or submission.assignment.cohort.course_id != course_id):
        raise NotFound(_("There is no such reflection of yours in this course."))
    return submission
