"""A pair's feedback rounds, fit check and the log of instructors' openings, for its two partners.

A blueprint nested in ``learner`` (its guard, a participant of this course, runs first); every pair is found
through ``pair_for_partner``, so any other id answers 404. ``feedback_links_of(seat)`` feeds the workspace's
``_feedback_links.html`` partial.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _

from lti_app.extensions import utcnow
from lti_app.mentoring.domain.pair_feedback import FitAnswer
from lti_app.mentoring.models.feedback import ContentAccess
from lti_app.mentoring.services import feedback, fit_checks, pair_privacy
from lti_app.mentoring.services.feedback import FeedbackOverview
from lti_app.mentoring.services.fit_checks import FitCheckState
from lti_app.mentoring.services.pairs import PairSeat, pair_for_partner
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.learner.feedback_forms import FitCheckForm, FeedbackForm
from lti_app.web.unit_of_work import save

bp = Blueprint("feedback", __name__, url_prefix="/pairs/<id:pair_id>")


@dataclass(frozen=True)
class FeedbackLinks:
    """What the workspace shows about feedback: the rounds, the fit check, the instructors' openings."""

    overview: FeedbackOverview
    fit_check: FitCheckState
    accesses: list[ContentAccess]


@bp.app_template_global("feedback_links_of")
def feedback_links_of(seat: PairSeat) -> FeedbackLinks:
    """The feedback facts of one partner's pair, for the workspace's partial."""
    return FeedbackLinks(feedback.feedback_overview(seat, _today()), fit_checks.fit_check_state(seat),
                         pair_privacy.accesses_of(seat.pair.id))


def _today() -> date:
    return utcnow().date()


def _seat(course_id: int, pair_id: int) -> PairSeat:
    return pair_for_partner(course_id, pair_id, g.membership.person_id)


def _to_overview(pair_id: int):
    return redirect(url_for(".overview", pair_id=pair_id), code=303)


@bp.get("/feedback/")
def overview(course_id: int, pair_id: int):
    """The feedback rounds so far: what this partner gave and what was given to them."""
    seat = _seat(course_id, pair_id)
    return render_page("learner/feedback/overview.html", seat=seat, overview=feedback.feedback_overview(seat, _today()),
                       fit_check=fit_checks.fit_check_state(seat))


@bp.route("/feedback/<id:round_number>", methods=["GET", "POST"])
def give(course_id: int, pair_id: int, round_number: int):
    """Give one round's feedback (once; a second submit shows the one given)."""
    seat = _seat(course_id, pair_id)
    if feedback.feedback_for_round(seat, round_number) is not None:
        flash(_("You have given your feedback for round %(number)s; here it is.", number=round_number), "ok")
        return _to_overview(pair_id)
    feedback.check_round_open(seat, round_number, _today())  # a round not yet due: a message, nothing written
    form = FeedbackForm()
    if form.validate_on_submit():
        if given := save(form, feedback.give_feedback, seat, round_number, form.to_fields(), _today()):
            _feedback, created = given
            flash(_("Thank you: your partner can now read your feedback.") if created
                  else _("You have given your feedback for round %(number)s; here it is.", number=round_number), "ok")
            return _to_overview(pair_id)
    return render_page("learner/feedback/give.html", form_status(form), seat=seat, form=form, round_number=round_number,
                       due_on=feedback.due_on(seat.pair, round_number))


@bp.route("/fit-check", methods=["GET", "POST"])
def fit_check(course_id: int, pair_id: int):
    """The fit check after the first meeting: going well, help wanted, or a new partner wanted."""
    seat = _seat(course_id, pair_id)
    state = fit_checks.fit_check_state(seat)
    form = FitCheckForm()
    if state.open and form.validate_on_submit():
        if found := save(form, fit_checks.answer_fit_check, seat, FitAnswer(form.answer.data), form.comment.data or ""):
            flash(_("Thank you. Your instructor will be in touch.") if found.answer.flags_pair
                  else _("Thank you: glad it is going well."), "ok")
            return _to_overview(pair_id)
    elif not state.open and form.is_submitted():
        flash(state.refusal, "error")  # a second answer, or one before any meeting: nothing written
        return redirect(url_for(".fit_check", pair_id=pair_id), code=303)
    return render_page("learner/feedback/fit_check.html", form_status(form), seat=seat, form=form, state=state)


@bp.get("/privacy")
def privacy(course_id: int, pair_id: int):
    """What the cohort lets instructors read, and every time an instructor opened the pair's notes or feedback."""
    seat = _seat(course_id, pair_id)
    return render_page("learner/feedback/privacy.html", seat=seat, accesses=pair_privacy.accesses_of(pair_id),
                       visibility=pair_privacy.visibility(seat.pair.cohort.privacy))
