"""Instructor pages of one cohort's matching: settings, run, the draft (pin, forbid, swap, pair by hand), publish,
and each new round of a matched or running cohort (rotation).

A blueprint nested in ``instructor``: its guard (staff of this course) runs first for every view here. A cohort
bigger than ``MATCHING_INLINE_LIMIT`` is matched by a background job (``matching_jobs``).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for

from lti_app.extensions import db
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.services import cohorts, enrolments, matching, matching_edits, matching_runs, rotation
from lti_app.web.course_pages import commit_or_flash, form_status, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.instructor import matching_jobs
from lti_app.web.instructor.matching_forms import (
    AllowPairForm, HandPairForm, MatchingSettingsForm, PairForm, PublishForm, RoundPublishForm, SwapForm,
)

bp = Blueprint("matching", __name__, url_prefix="/cohorts/<int:cohort_id>/matching")
bp.register_blueprint(matching_jobs.bp)


def _back(cohort_id: int):
    return redirect(url_for(".proposal", cohort_id=cohort_id), code=303)


@bp.get("/")
def proposal(course_id: int, cohort_id: int):
    """The draft (or published) pairs with scores and reasons, who is left unpaired and why, the totals."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    pairs, current = matching.current_proposal(cohort)
    sides, published = matching.sides_of(cohort), rotation.published_round(cohort)
    has_draft = bool(pairs) and pairs[0].status is PairStatus.PROPOSED
    return render_page(
        "instructor/matching.html", cohort=cohort, pairs=pairs, proposal=current, names=sides.names,
        has_draft=has_draft, published_round=published, run=matching_runs.latest_run(cohort),
        active=matching.pairs_of(cohort, PairStatus.ACTIVE) if has_draft else [],
        forbidden=matching_edits.forbidden_pairs(cohort), hand=HandPairForm.for_sides(sides),
        swap=SwapForm.for_pairs(pairs if has_draft else [], sides.names), confirm=ConfirmForm(),
        publish=RoundPublishForm(round=published + 1) if published else PublishForm())


@bp.route("/settings", methods=["GET", "POST"])
def settings(course_id: int, cohort_id: int):
    """Rules, weights and directions, threshold and fairness of the cohort's matching."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    current = matching.settings_of(cohort)
    form = MatchingSettingsForm.for_settings(current)
    if form.validate_on_submit():
        matching.check_drafting(cohort)
        matching.save_settings(cohort, form.to_settings(current))
        db.session.commit()
        flash("The matching settings are saved. Run the matching to see their effect.", "ok")
        return _back(cohort.id)
    return render_page("instructor/matching_settings.html", form_status(form), cohort=cohort, form=form)


@bp.post("/run")
def run(course_id: int, cohort_id: int):
    """Run (or rerun) the matching, or start a new round once published; pins kept, forbidden pairs never made."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if not ConfirmForm().validate_on_submit():
        return _back(cohort.id)
    if matching_runs.needs_background(cohort, current_app.config["MATCHING_INLINE_LIMIT"]):
        matching_jobs.run_in_background(cohort)
    elif found := commit_or_flash(matching.run_matching, cohort):
        flash(proposed_message(found.totals.pairs, [u.message for u in found.unmatched]), "ok")
    return _back(cohort.id)


def proposed_message(pairs: int, reasons: list[str]) -> str:
    """What a run proposed, in a sentence; with no pair, the first reason why."""
    if pairs:
        return f"The matching proposes {pairs} pairs. Review them, then publish."
    return "The matching proposes no pairs." + (f" For example: {reasons[0]}" if reasons else "")


@bp.post("/pairs/pin")
def pin(course_id: int, cohort_id: int):
    """Keep one proposed pair through reruns."""
    return _change_pair(course_id, cohort_id, matching_edits.pin_pair, "Pinned: reruns keep this pair.")


@bp.post("/pairs/unpin")
def unpin(course_id: int, cohort_id: int):
    """Let the next run decide one pair again."""
    return _change_pair(course_id, cohort_id, matching_edits.unpin_pair, "Unpinned: the next run decides this pair again.")


@bp.post("/pairs/forbid")
def forbid(course_id: int, cohort_id: int):
    """Never pair these two; the pair leaves the draft."""
    return _change_pair(course_id, cohort_id, matching_edits.forbid_pair,
                        "Forbidden: these two will not be paired. Rerun to fill the gap.")


def _change_pair(course_id: int, cohort_id: int, service, done: str):
    """One button on a pair (its id in the form): run the service, flash the outcome, back to the draft."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = PairForm()
    if form.validate_on_submit() and form.pair_id.data is not None:
        pair = matching_edits.proposed_pair(cohort, form.pair_id.data)
        if commit_or_flash(service, cohort, pair):
            flash(done, "ok")
    return _back(cohort.id)


@bp.post("/pairs/swap")
def swap(course_id: int, cohort_id: int):
    """Swap the partners of two draft pairs; both new pairs are pinned."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = SwapForm.for_pairs(matching.pairs_of(cohort, PairStatus.PROPOSED))
    if not form.validate_on_submit():
        flash("Choose two pairs of the draft to swap their partners.", "error")
        return _back(cohort.id)
    first = matching_edits.proposed_pair(cohort, form.first.data)
    second = matching_edits.proposed_pair(cohort, form.second.data)
    if found := commit_or_flash(matching_edits.swap_partners, cohort, first, second):
        names = " and ".join(f"{p.mentor.person.display_name} with {p.mentee.person.display_name}" for p in found)
        flash(f"Swapped: {names}. Both pairs are pinned.", "ok")
    return _back(cohort.id)


@bp.post("/forbidden/allow")
def allow(course_id: int, cohort_id: int):
    """Take a pair off the forbidden list; the next run may make it again."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = AllowPairForm()
    if form.validate_on_submit() and None not in (form.mentor_id.data, form.mentee_id.data):
        allowed = commit_or_flash(matching_edits.allow_pair, cohort, form.mentor_id.data, form.mentee_id.data)
        if allowed is not None:
            flash("Allowed again: the next run may pair these two." if allowed
                  else "That pair was not forbidden.", "ok")
    return _back(cohort.id)


@bp.post("/pairs/by-hand")
def by_hand(course_id: int, cohort_id: int):
    """Pair a mentor and a mentee as the instructor chooses (the pair is pinned)."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = HandPairForm.for_sides(matching.sides_of(cohort))
    if not form.validate_on_submit():
        flash("Choose a mentor and a mentee from the lists.", "error")
        return _back(cohort.id)
    mentor = enrolments.enrolment_in_cohort(cohort, form.mentor.data)
    mentee = enrolments.enrolment_in_cohort(cohort, form.mentee.data)
    if commit_or_flash(matching_edits.pair_by_hand, cohort, mentor, mentee):
        flash(f"{mentor.person.display_name} and {mentee.person.display_name} are paired and pinned.", "ok")
    return _back(cohort.id)


@bp.post("/publish")
def publish(course_id: int, cohort_id: int):
    """Publish the draft: the pairs become active (a new round ends the previous one) and participants see them."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    new_round = cohort.state.matching_inputs_locked
    form = RoundPublishForm() if new_round else PublishForm()
    if new_round and form.round.data is None:  # the page showed the first draft: a colleague published it just now
        flash("The pairs of this cohort are already published (perhaps by a colleague just now).", "error")
    elif not form.validate_on_submit():
        flash("Tick the box to confirm you want to publish the pairs.", "error")
    elif found := (commit_or_flash(rotation.publish_round, cohort, form.round.data) if new_round
                   else commit_or_flash(matching.publish_pairs, cohort)):
        ended = " The previous round's pairs have ended." if new_round else ""
        flash(f"{len(found)} pairs are published: participants now see their partner and why.{ended}", "ok")
    return _back(cohort.id)
