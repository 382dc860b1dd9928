"""Quiet pairs on the instructor's pair health page: the proposals to close, each with a reason to give.

A template global (``quiet_proposals``) so the page only includes ``instructor/pairs/_quiet_pairs.html``. Closing
posts to the existing ``instructor.pairs.end`` (``pair_admin.end_pair``, the history kept); the pair's page then
offers the re-match of either partner (``instructor.pairs.repair``). Nothing closes without the instructor.
"""
from __future__ import annotations

from flask import Blueprint
from flask_babel import ngettext

from lti_app.extensions import utcnow
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.services.quiet_pairs import Proposal, proposals_of
from lti_app.web.instructor.pairs_forms import EndPairForm

bp = Blueprint("quiet_pairs", __name__)  # no routes: registered for its template globals


@bp.app_template_global("quiet_proposals")
def quiet_proposals(cohort: Cohort) -> list[Proposal]:
    """The cohort's pairs quiet long enough to propose closing."""
    return proposals_of(cohort, utcnow().date())


@bp.app_template_global("quiet_end_form")
def quiet_end_form(days: int) -> EndPairForm:
    """An end form with the reason proposed (the instructor may change it)."""
    form = EndPairForm(formdata=None)
    form.reason.data = ngettext("No activity in the pair for %(num)d day.", "No activity in the pair for %(num)d days.",
                                days)
    return form
