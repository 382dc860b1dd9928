"""Builders for surveys: an open (or closed) round of a cohort's pulse or exit survey, and an answer."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.surveys import SurveyKind
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.survey import SurveyAnswer, SurveyRound
from lti_app.mentoring.services import surveys


def make_round(cohort: Cohort, kind: SurveyKind = SurveyKind.PULSE, *, days_open: int = 7, opened_days_ago: int = 1,
               **overrides: Any) -> SurveyRound:
    """A round opened ``opened_days_ago`` and closing ``days_open`` days from now (negative: closed)."""
    survey = surveys.survey_of(cohort.id, kind)
    now = utcnow()
    fields: dict[str, Any] = {"number": surveys._next_number(survey.id), "opens_at": now - timedelta(days=opened_days_ago),
                              "closes_at": now + timedelta(days=days_open)}
    fields.update(overrides)
    row = SurveyRound(survey_id=survey.id, **fields)
    db.session.add(row)
    db.session.flush()
    return row


def make_answer(round_: SurveyRound, enrolment: Enrolment, role: str = "mentee", **values: Any) -> SurveyAnswer:
    """An answer to ``round_`` with these values by question code."""
    survey = round_.survey
    row = SurveyAnswer(round_id=round_.id, enrolment_id=enrolment.id, version_id=survey.current.id, role=role,
                       values=values)
    db.session.add(row)
    db.session.flush()
    return row
