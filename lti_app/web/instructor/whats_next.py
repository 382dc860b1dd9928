"""The instructor home's "What's next" for the course: pairs at risk, requests waiting, reflections to grade,
grade syncs that failed, and roster members not enrolled while enrolment is open; each line links to its page.

A template global (``course_next_lines``) so the home page only includes ``instructor/_whats_next.html``. The
roster is read from its cache only (the home never calls the LMS): before the roster page was opened the line
asks to check who has not enrolled.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, url_for

from lti_app.extensions import cache, utcnow
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.whats_next import Item
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.services.course_next import course_next_for
from lti_app.mentoring.services.participants import enrolled_subjects
from lti_app.web.instructor.roster import CACHE_PREFIX, not_enrolled
from lti_app.web.learner.whats_next import Line

bp = Blueprint("whats_next", __name__)  # no routes: registered for its template global

PAGES: dict[str, Callable[[Item], str]] = {
    "pairs": lambda i: url_for("instructor.pairs.health", cohort_id=i.ids["cohort_id"], attention="at_risk"),
    "requests": lambda i: url_for("instructor.matching_modes.overview", cohort_id=i.ids["cohort_id"]),
    "grading": lambda i: url_for("instructor.reflections.assignments", cohort_id=i.ids["cohort_id"]),
    "grades": lambda i: url_for("instructor.completion.settings", cohort_id=i.ids["cohort_id"]) + "#sync-title",
    "roster": lambda i: url_for("instructor.participants.roster", cohort_id=i.ids["cohort_id"]),
}


def _not_enrolled(cohorts: list[Cohort]) -> dict[int, int]:
    open_ones = [c for c in cohorts if c.state is CohortState.ENROLMENT_OPEN]
    roster = cache.get(f"{CACHE_PREFIX}{open_ones[0].course_id}") if open_ones else None
    if roster is None:
        return {}
    return {c.id: len(not_enrolled(roster, enrolled_subjects(c))) for c in open_ones}


@bp.app_template_global("course_next_lines")
def course_next_lines(cohorts: list[Cohort]) -> list[Line]:
    """The coordinator's lines for the course's cohorts, each with its link."""
    items = course_next_for(cohorts, utcnow().date(), _not_enrolled(cohorts))
    return [Line(i, PAGES[i.page](i) if i.page in PAGES else None) for i in items]
