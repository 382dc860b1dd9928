"""Builders for reflections: assignments, pairs that put people on a side, submissions; each flushes what it makes."""
from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.reflections import (
    Audience,
    Criterion,
    RevisePolicy,
    SubmissionStatus,
)
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.reflections import AssignmentFields

_seq = count(1)
RUBRIC = (Criterion("Insight", "What you learnt and why it matters", 6.0), Criterion("Evidence", "Examples from meetings", 4.0))


def assignment_fields(cohort: Cohort, **overrides: Any) -> AssignmentFields:
    """Fields of a 10-point reflection for both sides, open today, due in a week (inside ``cohort``'s window)."""
    today = utcnow().date()
    fields: dict[str, Any] = {
        "title": f"Reflection {next(_seq)}", "prompt": "What did you learn from your partner this month?",
        "audience": Audience.BOTH, "opens_on": max(today, cohort.enrolment_opens_on), "due_on": today + timedelta(days=7),
        "points": 10.0, "rubric": (), "accept_late": False, "revise_until": RevisePolicy.UNTIL_DUE,
    }
    fields.update(overrides)
    return AssignmentFields(**fields)


def make_assignment(cohort: Cohort, **overrides: Any) -> ReflectionAssignment:
    """A reflection assignment written directly (no service rules): open since yesterday, due in a week, 10 points."""
    today = utcnow().date()
    fields: dict[str, Any] = {
        "cohort_id": cohort.id, "title": f"Reflection {next(_seq)}", "prompt": "<p>What did you learn?</p>",
        "audience": Audience.BOTH, "opens_on": today - timedelta(days=1), "due_on": today + timedelta(days=7),
        "points": 10.0, "rubric": [], "accept_late": False, "revise_until": RevisePolicy.UNTIL_DUE,
    }
    if "rubric" in overrides:
        overrides["rubric"] = [c.to_dict() if isinstance(c, Criterion) else c for c in overrides["rubric"]]
    fields.update(overrides)
    assignment = ReflectionAssignment(**fields)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def make_submission(assignment: ReflectionAssignment, enrolment: Enrolment,
                    status: SubmissionStatus = SubmissionStatus.SUBMITTED, **overrides: Any) -> Submission:
    """A reflection written directly: submitted on time by default (or a draft, or graded with ``score=``)."""
    fields: dict[str, Any] = {
        "assignment_id": assignment.id, "enrolment_id": enrolment.id, "body": "<p>I learnt a lot.</p>",
        "status": status, "submitted_at": None if status is SubmissionStatus.DRAFT else utcnow(),
    }
    fields.update(overrides)
    submission = Submission(**fields)
    db.session.add(submission)
    db.session.flush()
    return submission
