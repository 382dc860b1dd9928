"""Builders for the matching-mode tests: a cohort in a mode with enrolment closed, mentors and mentees who fit."""
from __future__ import annotations

import dataclasses
from typing import Any

from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.course import Course
from lti_app.mentoring.services.matching import pairing as matching
from tests.factories import make_cohort
from tests.integration.test_matching_services import make_mentee, make_mentor

__all__ = ["make_mentee", "make_mentor", "mode_cohort", "set_mode"]


def set_mode(cohort: Cohort, mode: MatchMode, **changes: Any) -> Cohort:
    """Store ``mode`` (and any other settings ``changes``) in the cohort's matching settings."""
    current = matching.settings_of(cohort)
    return matching.save_settings(cohort, dataclasses.replace(current, mode=mode, **changes))


def mode_cohort(mode: MatchMode, course: Course | None = None, **overrides: Any) -> Cohort:
    """A cohort whose enrolment has closed, pairs made in ``mode``, each mentor taking one mentee unless told."""
    fields = {"state": CohortState.ENROLMENT_CLOSED, "mentor_capacity": 1} | overrides
    return set_mode(make_cohort(course, **fields), mode)
