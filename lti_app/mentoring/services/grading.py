"""Grading reflections: the submissions of an assignment for its staff, and a grade (or regrade). Flush, never commit.

A grade is a score from 0 to the assignment's points, with a score per rubric criterion when the assignment
has a rubric (the criteria's scores add up to the score; without a score given, their sum is the score) and
an optional comment. Every grade writes a grade-outbox row in the same transaction (completed,
its grade final, with the score, the maximum and the comment). Drafts are the writer's own: staff see that one
exists, never its text, and cannot grade it. The grading page carries the version it was read at, so a grade
given to a text that has since been revised (or regraded by someone else) is refused.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.grade_states import GradeTarget, Marking, Progress, SyncStatus
from lti_app.mentoring.domain.reflections import MAX_COMMENT_LENGTH, SubmissionStatus, check_grade
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.grade_outbox import record_score, sync_statuses
from lti_app.mentoring.services import mail_notices
from lti_app.mentoring.services.paging import Page, page_of_list
from lti_app.mentoring.services.reflections import Writer, writers_of
from lti_app.mentoring.services.submissions import Saved, check_version, flush_or_stale
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import N_, _

STALE_GRADER = N_("This reflection changed after you opened it (the participant revised it, or someone else graded it), "
                "so your grade was not saved. Read it again, then grade.")


@dataclass(frozen=True)
class GradeFields:
    """What a grader gives: a score (None: the rubric's sum), the rubric scores in criterion order, a comment."""

    score: float | None
    rubric_scores: tuple[float, ...] | None = None
    comment: str = ""


@dataclass(frozen=True)
class SubmissionRow:
    """One participant of an assignment's list: their reflection (None: not started) and its gradebook sync."""

    enrolment: Enrolment
    submission: Submission | None
    sync: SyncStatus


# labels are msgids: translate them where they are shown
SUBMISSION_STATES = {"submitted": N_("Submitted, to grade"), "graded": N_("Graded"),
                     "missing": N_("Not submitted (none or a draft)")}


@dataclass(frozen=True)
class SubmissionFilter:
    """What the grader narrows the list to: a key of ``SUBMISSION_STATES`` (None: everyone), and a name search."""

    state: str | None = None
    search: str = ""


@dataclass(frozen=True)
class SubmissionList:
    """One page of an assignment's participants, and figures over all of them whatever the filter."""

    page: Page[SubmissionRow]
    everyone: int  # asked to write it, or wrote it
    missing: int  # of those, nothing handed in


def _state_of(status: SubmissionStatus | None) -> str:
    if status is SubmissionStatus.GRADED:
        return "graded"
    return "submitted" if status is SubmissionStatus.SUBMITTED else "missing"


def _rows(assignment: ReflectionAssignment, writers: Sequence[Writer]) -> list[SubmissionRow]:
    """The rows of these writers: their enrolments with people, reflections and gradebook sync (three queries)."""
    ids = [w.enrolment_id for w in writers]
    loaded = {e.id: e for e in db.session.scalars(select(Enrolment).options(joinedload(Enrolment.person)).where(
        Enrolment.id.in_(ids)))} if ids else {}
    enrolments = [loaded[i] for i in ids]
    found = {s.enrolment_id: s for s in db.session.scalars(select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.enrolment_id.in_(ids)))} if ids else {}
    statuses = sync_statuses(GradeTarget.REFLECTION, assignment.id, [e.person_id for e in enrolments])
    return [SubmissionRow(e, found.get(e.id), statuses[e.person_id]) for e in enrolments]


def submissions_page(assignment: ReflectionAssignment, where: SubmissionFilter, number: int | None) -> SubmissionList:
    """One page of ``submissions_for_grading``, filtered, in a fixed number of queries (the page's people and texts only)."""
    states = dict(db.session.execute(select(Submission.enrolment_id, Submission.status).where(
        Submission.assignment_id == assignment.id)).all())
    writers = writers_of(assignment, list(states))
    chosen = [w for w in writers if (where.state is None or _state_of(states.get(w.enrolment_id)) == where.state)
              and (not where.search or where.search.casefold() in w.searched)]
    page = page_of_list(chosen, number)
    rows = _rows(assignment, page.items)
    missing = sum(_state_of(states.get(w.enrolment_id)) == "missing" for w in writers)
    return SubmissionList(Page(rows, page.total, page.number, page.size), len(writers), missing)


def submissions_for_grading(assignment: ReflectionAssignment) -> list[SubmissionRow]:
    """Everyone asked to write the assignment, plus anyone else who wrote it (e.g. since withdrawn), by name."""
    written = list(db.session.scalars(select(Submission.enrolment_id).where(Submission.assignment_id == assignment.id)))
    return _rows(assignment, writers_of(assignment, written))


def submission_in_course(course_id: int, submission_id: int) -> Submission:
    """A reflection of the course, for its staff; NotFound for another course's."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.assignment.cohort.course_id != course_id:
        raise NotFound(_("There is no such reflection in this course."))
    return submission


def sync_of(submission: Submission) -> SyncStatus:
    """The gradebook sync of the writer's newest score on this assignment."""
    person_id = submission.enrolment.person_id
    return sync_statuses(GradeTarget.REFLECTION, submission.assignment_id, [person_id])[person_id]


def _comment(text: str) -> str:
    comment = text.strip().replace("\r\n", "\n")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput(_("Keep the comment under %(max)s characters.", max=texts.number(MAX_COMMENT_LENGTH)),
                           field="comment")
    return comment


def _same_grade(submission: Submission, score: float, rubric: Sequence[float] | None, comment: str) -> bool:
    return (submission.status is SubmissionStatus.GRADED and submission.score == score
            and (submission.rubric_scores or None) == (list(rubric) if rubric else None) and (submission.comment or "") == comment)


def grade_submission(submission: Submission, fields: GradeFields, *, grader_person_id: int, expected_version: int,
                     now: datetime | None = None) -> Saved:
    """Grade (or regrade) a submitted reflection. Flushes, with its outbox row."""
    assignment = submission.assignment
    if not submission.is_submitted:
        raise InvalidInput(_("This reflection is still a draft: it can be graded once it is submitted."), field="score")
    score = check_grade(assignment.points, assignment.criteria, fields.score, fields.rubric_scores)
    comment = _comment(fields.comment)
    if _same_grade(submission, score, fields.rubric_scores, comment):
        return Saved(submission)  # the same grade again (a double click): one grade, one outbox row
    check_version(submission, expected_version, STALE_GRADER, field=None)
    submission.status, submission.score, submission.comment = SubmissionStatus.GRADED, score, comment or None
    submission.rubric_scores = list(fields.rubric_scores) if fields.rubric_scores else None
    submission.graded_at, submission.graded_by_person_id = now or utcnow(), grader_person_id
    flush_or_stale(STALE_GRADER, field=None)
    entry = record_score(course_id=assignment.cohort.course_id, person_id=submission.enrolment.person_id,
                         target=GradeTarget.REFLECTION, target_id=assignment.id, activity_progress=Progress.COMPLETED,
                         grading_progress=Marking.FINAL, score_given=score, score_maximum=assignment.points,
                         comment=comment or None)
    mail_notices.note_grade_posted(submission)  # the writer is told, with the grade's transaction
    return Saved(submission, (entry.id,))
