"""The learner home's "What's next": what is due across the learner's cohorts, each line linked to its page.

A template global (``whats_next_lines``) so the home page only includes ``learner/_whats_next.html``. The rule is
``mentoring/domain/whats_next.py``; the facts come from ``mentoring/services/whats_next.py``. A module that adds
a kind of line (a survey due) adds its page to ``PAGES`` and passes its items to ``whats_next_for(extra=...)``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, g, url_for

from lti_app.extensions import utcnow
from lti_app.mentoring.domain.whats_next import Item
from lti_app.mentoring.services import surveys
from lti_app.mentoring.services.whats_next import whats_next_for

bp = Blueprint("whats_next", __name__)  # no routes: registered for its template global

PAGES: dict[str, Callable[[Item], str]] = {
    "agreement": lambda i: url_for("learner.workspace.agreement", pair_id=i.ids["pair_id"]),
    "meeting": lambda i: url_for("learner.workspace.log_meeting", pair_id=i.ids["pair_id"]),
    "feedback": lambda i: url_for("learner.feedback.overview", pair_id=i.ids["pair_id"]),
    "reflection": lambda i: url_for("learner.reflections.write", assignment_id=i.ids["assignment_id"]),
    "requests": lambda i: url_for("learner.choosing.requests", cohort_id=i.ids["cohort_id"]),
    "ranking": lambda i: url_for("learner.choosing.ranking", cohort_id=i.ids["cohort_id"]),
    "survey": lambda i: url_for("learner.surveys.answer", cohort_id=i.ids["cohort_id"], round_id=i.ids["round_id"]),
}


@dataclass(frozen=True)
class Line:
    """One line as the page shows it."""

    item: Item
    href: str | None


@bp.app_template_global("whats_next_lines")
def whats_next_lines() -> tuple[list[Line], str | None]:
    """The launched learner's lines and the time zone their dates are in."""
    course_id, person_id, now = g.membership.course_id, g.membership.person_id, utcnow()
    items, zone = whats_next_for(course_id, person_id, now, extra=surveys.whats_next_items(course_id, person_id, now))
    return [Line(i, PAGES[i.page](i) if i.page in PAGES else None) for i in items], zone

