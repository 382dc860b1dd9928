"""Instructor pages of a cohort's published pairs: their health, one pair's facts (and, as the privacy setting
allows, what the pair wrote), ending a pair, re-pairing a person, starting and closing the programme.

A blueprint nested in ``instructor``: its guard (staff of this course) runs first for every view here.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _, ngettext

from lti_app.extensions import utcnow
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.services import cohorts, fit_checks, pair_admin, pair_health, pair_privacy
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.instructor.forms import PairFilterForm
from lti_app.web.instructor.pairs_forms import CloseCohortForm, EndPairForm, OpenContentForm, RepairForm
from lti_app.web.pagination import requested_page
from lti_app.web.unit_of_work import act, save

bp = Blueprint("pairs", __name__, url_prefix="/cohorts/<id:cohort_id>/pairs")


def _today() -> date:
    return utcnow().date()


def _pair(course_id: int, cohort_id: int, pair_id: int) -> tuple[Cohort, Pair]:
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    return cohort, pair_health.pair_of_cohort(cohort, pair_id)


def _to(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


def _first_error(form) -> str:
    return next(iter(m for messages in form.errors.values() for m in messages), _("Please check the form."))


@bp.get("/")
def health(course_id: int, cohort_id: int):
    """One page of the published pairs with their health (filtered); flagged and overdue first; counts of all on top."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    filters = PairFilterForm(request.args)
    health = pair_health.health_page(cohort, _today(), filters.to_filter(), requested_page())
    return render_page("instructor/pairs/health.html", cohort=cohort, health=health, filters=filters,
                       confirm=ConfirmForm(), close=CloseCohortForm())


@bp.get("/<id:pair_id>")
def pair(course_id: int, cohort_id: int, pair_id: int):
    """One pair's facts, its goals where privacy allows, the log of openings and the instructor's actions."""
    cohort, found = _pair(course_id, cohort_id, pair_id)
    return render_page("instructor/pairs/pair.html", cohort=cohort, row=pair_health.pair_row(found, _today()),
                       goals=pair_privacy.goals_for_instructor(found), visibility=pair_privacy.visibility(cohort.privacy),
                       accesses=pair_privacy.accesses_of(found.id), ending=pair_health.ending_of(found),
                       end_form=EndPairForm(), confirm=ConfirmForm())


@bp.route("/<id:pair_id>/confidential/<content>", methods=["GET", "POST"])
def confidential(course_id: int, cohort_id: int, pair_id: int, content: str):
    """Open the pair's meeting notes or feedback by giving a reason (logged, shown to the pair); each opening logs."""
    cohort, found = _pair(course_id, cohort_id, pair_id)
    kind = pair_privacy.confidential(content)
    pair_privacy.check_may_open(found, kind)  # refused (403) where the privacy setting keeps it closed
    form = OpenContentForm()
    if form.validate_on_submit():
        # the log row and the reading go together: rendered, never redirected to a GET
        if opened := save(form, pair_privacy.open_confidential, found, g.membership.person, kind, form.reason.data):
            return render_page("instructor/pairs/content.html", cohort=cohort, pair=found, opened=opened)
    return render_page("instructor/pairs/open.html", form_status(form), cohort=cohort, pair=found, kind=kind, form=form)


@bp.post("/<id:pair_id>/end")
def end(course_id: int, cohort_id: int, pair_id: int):
    """End a pair with a reason; both partners then see it as ended."""
    cohort, found = _pair(course_id, cohort_id, pair_id)
    form = EndPairForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
    elif act(pair_admin.end_pair, found, g.membership.person, form.reason.data):
        flash(_("The pair has ended. You can now find a new partner for either of them."), "ok")
    return _to(".pair", cohort_id=cohort.id, pair_id=found.id)


@bp.post("/<id:pair_id>/fit-checks/<id:fit_check_id>/handled")
def handled(course_id: int, cohort_id: int, pair_id: int, fit_check_id: int):
    """Mark a request for help or a new partner as dealt with: the flag goes down."""
    cohort, found = _pair(course_id, cohort_id, pair_id)
    if ConfirmForm().validate_on_submit() and act(fit_checks.handle_fit_check, found, fit_check_id):
        flash(_("Marked as handled."), "ok")
    return _to(".pair", cohort_id=cohort.id, pair_id=found.id)


@bp.route("/<id:pair_id>/repair/<side>", methods=["GET", "POST"])
def repair(course_id: int, cohort_id: int, pair_id: int, side: str):
    """The candidates for a new partner of the pair's mentor or mentee (best first, with reasons); pick one."""
    cohort, found = _pair(course_id, cohort_id, pair_id)
    form = RepairForm()
    if form.validate_on_submit():
        new = act(pair_admin.repair_person, cohort, found, side, form.partner.data)
        if new is not None:
            flash(_("%(mentor)s and %(mentee)s are now paired.", mentor=new.mentor.person.display_name,
                    mentee=new.mentee.person.display_name), "ok")
            return _to(".pair", cohort_id=cohort.id, pair_id=new.id)
        return _to(".repair", cohort_id=cohort.id, pair_id=found.id, side=side)
    return render_page("instructor/pairs/repair.html", cohort=cohort, pair=found, form=form,
                       options=pair_admin.repair_options(cohort, found, side))


@bp.post("/start")
def start(course_id: int, cohort_id: int):
    """The programme of a matched cohort begins."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    if ConfirmForm().validate_on_submit() and act(pair_admin.start_programme, cohort):
        flash(_("The programme is running."), "ok")
    return _to(".health", cohort_id=cohort.id)


@bp.post("/close")
def close(course_id: int, cohort_id: int):
    """Finish the cohort: every active pair ends."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = CloseCohortForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
    elif (ended := act(pair_admin.close_cohort, cohort, g.membership.person)) is not None:
        flash(ngettext("The cohort is finished; %(num)d active pair ended.",
                       "The cohort is finished; %(num)d active pairs ended.", len(ended)), "ok")
    return _to(".health", cohort_id=cohort.id)
