"""Builders for feedback, fit checks and pairs published a given number of days ago (on top of factories_workspace)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from lti_app.extensions import db
from lti_app.mentoring.domain.pair_feedback import FitAnswer
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.feedback import Feedback, FitCheck
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.services.feedback import FeedbackFields
from tests.factories_workspace import TODAY, at_midnight, make_pair, make_running_cohort


def published_days_ago(days: int, cohort=None, **overrides: Any) -> Pair:
    """An active pair published ``days`` days ago, of a running cohort (by default one whose programme started that
    day, so that the pair's feedback rounds count from its publication)."""
    if cohort is None:
        starts = TODAY - timedelta(days=days)
        cohort = make_running_cohort(starts_on=starts, enrolment_opens_on=starts - timedelta(days=30),
                                     enrolment_closes_on=starts - timedelta(days=10))
    return make_pair(cohort, published_at=at_midnight(TODAY - timedelta(days=days)), **overrides)


def fields(**overrides: Any) -> FeedbackFields:
    """Three good answers and a satisfaction of 4."""
    values: dict[str, Any] = {"working": "We meet on time.", "not_working": "Too little practice.",
                              "change": "Try the tools between meetings.", "satisfaction": 4}
    values.update(overrides)
    return FeedbackFields(**values)


def make_feedback(pair: Pair, author: Enrolment, round_number: int = 1, **overrides: Any) -> Feedback:
    """One feedback written directly (no service rules)."""
    values: dict[str, Any] = {"pair_id": pair.id, "author_enrolment_id": author.id, "round_number": round_number,
                              "working": "Good", "not_working": "Nothing", "change": "More"}
    values.update(overrides)
    found = Feedback(**values)
    db.session.add(found)
    db.session.flush()
    return found


def make_fit_check(pair: Pair, author: Enrolment, answer: FitAnswer = FitAnswer.WANT_HELP, **overrides: Any) -> FitCheck:
    """One fit-check answer written directly (no service rules)."""
    found = FitCheck(pair_id=pair.id, author_enrolment_id=author.id, answer=answer, **overrides)
    db.session.add(found)
    db.session.flush()
    return found
