"""Instructor pages of the matching modes other than the engine's: self-select requests, mutual rankings.

A blueprint nested in ``instructor``: its guard (staff of this course) runs first for every view here. The pairs
these modes make land in the draft of the matching page, where the instructor reviews and publishes them.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _, ngettext

from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.services import cohorts, mutual_ranking
from lti_app.mentoring.services.matching import pairing as matching, modes as matching_modes
from lti_app.web.course_pages import render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import act

bp = Blueprint("matching_modes", __name__, url_prefix="/cohorts/<id:cohort_id>/matching-modes")


@bp.get("/")
def overview(course_id: int, cohort_id: int):
    """Where the cohort's choosing stands: requests and answers, or who has ranked and the stable matching."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    mode, sides = matching_modes.mode_of(cohort), matching.sides_of(cohort)
    selecting = mode is MatchMode.SELF_SELECT
    requests = matching_modes.requests_page(cohort, requested_page()) if selecting else None
    counts = matching_modes.request_counts(cohort) if selecting else {}
    progress = mutual_ranking.ranking_progress(cohort) if mode is MatchMode.MUTUAL else None
    preview, refusal = None, None
    if mode is MatchMode.MUTUAL and cohort.state is CohortState.ENROLMENT_CLOSED:
        try:
            preview = mutual_ranking.stable_proposal(cohort, sides)
        except InvalidInput as refused:
            refusal = refused.message
    return render_page("instructor/matching_modes.html", cohort=cohort, mode=mode, requests=requests, counts=counts,
                       names=sides.names, progress=progress, preview=preview, refusal=refusal, confirm=ConfirmForm())


@bp.post("/stable")
def compute(course_id: int, cohort_id: int):
    """Replace the draft's unpinned pairs with the stable matching of the rankings."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if ConfirmForm().validate_on_submit() and (found := act(mutual_ranking.compute_stable_matching, cohort)):
        t = found.totals
        flash(ngettext("The stable matching proposes %(num)d pair; %(mentees)s and %(mentors)s are left unpaired "
                       "(see why below). Review the pairs on the matching page, then publish.",
                       "The stable matching proposes %(num)d pairs; %(mentees)s and %(mentors)s are left unpaired "
                       "(see why below). Review the pairs on the matching page, then publish.", t.pairs,
                       mentees=ngettext("%(num)d mentee", "%(num)d mentees", t.unmatched_mentees),
                       mentors=ngettext("%(num)d mentor", "%(num)d mentors", t.unmatched_mentors)), "ok")
    return redirect(url_for(".overview", cohort_id=cohort.id), code=303)
