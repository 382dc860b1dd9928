"""Instructor pages of one cohort's matching: settings, run, the draft (pin, forbid, swap, pair by hand), publish,
and each new round of a matched or running cohort (rotation).

A blueprint nested in ``instructor``: its guard (staff of this course) runs first for every view here. A cohort
bigger than ``MATCHING_INLINE_LIMIT`` is matched by a background job (``tasks.matching_job``).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _, ngettext

from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.errors import MentoringError
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.services import cohorts, rotation
from lti_app.mentoring.services.matching import pairing as matching, draft as matching_draft, edits as matching_edits, modes as matching_modes, runs as matching_runs
from lti_app.mentoring.services.paging import PAGE_SIZE
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.instructor import matching_progress
from lti_app.web.instructor.matching_forms import (
    DIRECTION_LABELS, DIRECTION_WORDS, AllowPairForm, HandPairForm, MatchingSettingsForm, PublishForm, RoundPublishForm, SwapForm,
)
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import act, save

bp = Blueprint("matching", __name__, url_prefix="/cohorts/<id:cohort_id>/matching")
bp.register_blueprint(matching_progress.bp)


def _back(cohort_id: int):
    return redirect(url_for(".proposal", cohort_id=cohort_id), code=303)


@bp.get("/")
def proposal(course_id: int, cohort_id: int):
    """The draft (or published) pairs, 50 a page with filters and search, the totals, who is left unpaired and why."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    run, published = matching_runs.latest_run(cohort), rotation.published_round(cohort)
    busy = run is not None and run.state.busy  # the run replaces the draft: nothing to read until it is done
    args = request.args
    filters = matching_draft.DraftFilter.parse(args.get("show"), args.get("below"), args.get("q"))
    draft = None if busy else matching_draft.draft_page(cohort, filters, requested_page())
    return render_page(
        "instructor/matching.html", cohort=cohort, draft=draft, filters=filters, shows=matching_draft.shown_filters(),
        run_stage=run and matching_runs.stage_text(run), run_error=run and matching_runs.error_text(run),
        published_round=published, run=run, busy=busy, has_draft=bool(draft and draft.has_draft),
        active=matching_draft.active_count(cohort) if published else 0,
        forbidden=[] if busy else matching_edits.forbidden_pairs(cohort), hand=HandPairForm(), confirm=ConfirmForm(),
        publish=RoundPublishForm(round=published + 1) if published else PublishForm())


@bp.route("/settings", methods=["GET", "POST"])
def settings(course_id: int, cohort_id: int):
    """Rules, weights and directions, threshold and fairness of the cohort's matching."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    current = matching.settings_of(cohort)
    form = MatchingSettingsForm.for_settings(current)
    # a refusal keeps the form as the instructor filled it, the message by its field, with the refusal's status
    if form.validate_on_submit() and save(form, _change_settings, cohort, form.to_settings(current), refused=MentoringError):
        flash(_("The matching settings are saved. Run the matching to see their effect."), "ok")
        return _back(cohort.id)
    status = form.refusal.status if getattr(form, "refusal", None) else form_status(form)
    return render_page("instructor/matching_settings.html", status, cohort=cohort, form=form,
                       direction_words=DIRECTION_WORDS, direction_labels=DIRECTION_LABELS)


def _change_settings(cohort: Cohort, wanted: MatchSettings) -> Cohort:
    """Check the change of mode is allowed, then store the settings."""
    matching_modes.check_settings_change(cohort, wanted.mode)
    return matching.save_settings(cohort, wanted)


@bp.post("/run")
def run(course_id: int, cohort_id: int):
    """Run (or rerun) the matching, or start a new round once published; pins kept, forbidden pairs never made."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if not ConfirmForm().validate_on_submit():
        return _back(cohort.id)
    if matching_runs.needs_background(cohort, current_app.config["MATCHING_INLINE_LIMIT"]):
        matching_progress.run_in_background(cohort)
    elif found := act(matching.run_matching, cohort):
        flash(proposed_message(found.totals.pairs, [u.message for u in found.unmatched]), "ok")
    return _back(cohort.id)


def proposed_message(pairs: int, reasons: list[str]) -> str:
    """What a run proposed, in a sentence; with no pair, the first reason why."""
    if pairs:
        return ngettext("The matching proposes %(num)d pair. Review it, then publish.",
                        "The matching proposes %(num)d pairs. Review them, then publish.", pairs)
    if reasons:
        return _("The matching proposes no pairs. For example: %(reason)s", reason=reasons[0])
    return _("The matching proposes no pairs.")


@bp.post("/pairs/pin")
def pin(course_id: int, cohort_id: int):
    """Keep the ticked proposed pairs through reruns."""
    return _change_pairs(course_id, cohort_id, matching_edits.pin_pair,
                         lambda n: ngettext("Pinned: reruns keep this pair.", "Pinned: reruns keep these %(num)d pairs.", n))


@bp.post("/pairs/unpin")
def unpin(course_id: int, cohort_id: int):
    """Let the next run decide the ticked pairs again."""
    return _change_pairs(course_id, cohort_id, matching_edits.unpin_pair,
                         lambda n: ngettext("Unpinned: the next run decides this pair again.",
                                            "Unpinned: the next run decides these %(num)d pairs again.", n))


@bp.post("/pairs/forbid")
def forbid(course_id: int, cohort_id: int):
    """Never pair the two people of each ticked pair; the pairs leave the draft."""
    return _change_pairs(course_id, cohort_id, matching_edits.forbid_pair,
                         lambda n: ngettext("Forbidden: this pair will not be made again. Rerun to fill the gap.",
                                            "Forbidden: these %(num)d pairs will not be made again. Rerun to fill the gap.",
                                            n))


def _ticked() -> list[int]:
    """The pair ids ticked in the draft's one form (``pair_id``, once per ticked row), in order, each once."""
    values = [v for v in request.form.getlist("pair_id") if v.isdigit() and len(v) <= 12]
    return list(dict.fromkeys(int(v) for v in values))[:PAGE_SIZE]


def _change_pairs(course_id: int, cohort_id: int, service, done):
    """One action on the ticked pairs: run the service on each, flash the outcome (``done`` of how many pairs), back to
    the draft."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if not ConfirmForm().validate_on_submit():
        return _back(cohort.id)
    if not (ticked := _ticked()):
        flash(_("Tick one or more pairs of the draft first."), "error")
        return _back(cohort.id)
    pairs = [matching_edits.proposed_pair(cohort, pair_id) for pair_id in ticked]
    if act(matching_edits.edit_pairs, service, cohort, pairs) is not None:
        flash(done(len(pairs)), "ok")
    return _back(cohort.id)


@bp.post("/pairs/swap")
def swap(course_id: int, cohort_id: int):
    """Swap the partners of two draft pairs (ticked, or chosen as ``first`` and ``second``); both are pinned."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = SwapForm()
    chosen = _ticked() or [v for v in (form.first.data, form.second.data) if v is not None]
    if not form.validate_on_submit() or len(chosen) != 2:
        flash(_("Tick exactly two pairs of the draft to swap their partners."), "error")
        return _back(cohort.id)
    first, second = (matching_edits.proposed_pair(cohort, pair_id) for pair_id in chosen)
    if found := act(matching_edits.swap_partners, cohort, first, second):
        one, other = found
        flash(_("Swapped: %(mentor1)s with %(mentee1)s and %(mentor2)s with %(mentee2)s. Both pairs are pinned.",
                mentor1=one.mentor.person.display_name, mentee1=one.mentee.person.display_name,
                mentor2=other.mentor.person.display_name, mentee2=other.mentee.person.display_name), "ok")
    return _back(cohort.id)


@bp.post("/forbidden/allow")
def allow(course_id: int, cohort_id: int):
    """Take a pair off the forbidden list; the next run may make it again."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = AllowPairForm()
    if form.validate_on_submit() and (key := form.key()) is not None:
        allowed = act(matching_edits.allow_pair, cohort, *key)
        if allowed is not None:
            flash(_("Allowed again: the next run may pair these two.") if allowed
                  else _("That pair was not forbidden."), "ok")
    else:
        flash(_("Choose a forbidden pair to allow again."), "error")
    return _back(cohort.id)


@bp.post("/pairs/by-hand")
def by_hand(course_id: int, cohort_id: int):
    """Pair a mentor and a mentee as the instructor chooses or types them (the pair is pinned)."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = HandPairForm()
    if not form.validate_on_submit():
        flash(_("Choose a mentor and a mentee from the lists, or type their names."), "error")
        return _back(cohort.id)
    if pair := act(matching_edits.pair_typed, cohort, form.mentor.data, form.mentee.data):
        flash(_("%(mentor)s and %(mentee)s are paired and pinned.", mentor=pair.mentor.person.display_name,
                mentee=pair.mentee.person.display_name), "ok")
    return _back(cohort.id)


@bp.post("/publish")
def publish(course_id: int, cohort_id: int):
    """Publish the draft: the pairs become active (a new round ends the previous one) and participants see them."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    new_round = cohort.state.matching_inputs_locked
    form = RoundPublishForm() if new_round else PublishForm()
    if new_round and form.round.data is None:  # the page showed the first draft: a colleague published it just now
        flash(_("The pairs of this cohort are already published (perhaps by a colleague just now)."), "error")
    elif not form.validate_on_submit():
        flash(_("Tick the box to confirm you want to publish the pairs."), "error")
    elif found := (act(rotation.publish_round, cohort, form.round.data) if new_round
                   else act(matching.publish_pairs, cohort)):
        published = ngettext("%(num)d pair is published: participants now see their partner and why.",
                             "%(num)d pairs are published: participants now see their partner and why.", len(found))
        if new_round:
            published = " ".join((published, _("The previous round's pairs have ended.")))
        flash(published, "ok")
    return _back(cohort.id)
