"""The programme dashboard: a cohort's funnel, matching health, activity and outcomes, the course's cohorts side by
side, a one-page printable report, and CSV downloads of every table and of the raw data.

Blueprints nested in ``instructor`` (its guard, staff of this course, runs first). Charts are SVG rendered on the
server (``charts``), each beside its data table. ``?from=`` / ``?to=`` (ISO dates) narrow the event figures; a
date that cannot be read answers 400. Pages only read: no commit. The one POST, the survey answers with names,
commits only the log of that download (``survey_admin.log_names_download``) before streaming it.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup

from lti_app.extensions import cache, utcnow
from lti_app.mentoring.domain.programme_facts import BadPeriod, Period
from lti_app.mentoring.domain.programme_metrics import ROLES, ProgrammeMetrics
from lti_app.mentoring.domain.programme_retention import SELF_SELECTION
from lti_app.mentoring.domain.programme_tables import (
    Mean, Month, fewer_than, percent, retention_table, role_word, survey_table, tables,
)
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.services import cohorts, programme_dashboard, roster_snapshots, survey_admin, survey_results
from lti_app.mentoring.services.programme_exports import EXPORTS, survey_answers, survey_answers_header
from lti_app.tasks.course_contexts import course_context
from lti_app.web.course_pages import render_page
from lti_app.web.csv_stream import csv_response, file_name
from lti_app.web.instructor.charts import bar_chart, line_chart
from lti_app.web.instructor.roster import CACHE_PREFIX
from lti_app.web.instructor.survey_forms import NamesForm
from lti_app.web.unit_of_work import save

bp = Blueprint("dashboard", __name__, url_prefix="/cohorts/<id:cohort_id>/dashboard")
course_bp = Blueprint("course_dashboard", __name__, url_prefix="/dashboard")

NO_ROSTER = _l("Your LMS does not share this course's roster with ReMentor, so the dashboard cannot compare "
             "participants with the rest of the course. Ask your LMS administrator to allow the Names and Role "
             "Provisioning Services (NRPS) for ReMentor, then launch it again.")
ROSTER_NOT_LOADED = _l("The course roster has not been loaded lately: open “Who has not enrolled yet” on the cohort "
                     "page to load it, then come back.")


def _period() -> Period:
    try:
        return Period.parse(request.args.get("from"), request.args.get("to"))
    except BadPeriod as error:
        abort(400, description=str(error))


def _roster(course_id: int) -> tuple[int | None, str | None]:
    """Learners on the course roster (as last loaded) and, when there is none, what to do about it."""
    services = course_context(course_id)
    if services is None or not services.memberships_url:
        return None, str(NO_ROSTER)
    roster = cache.get(f"{CACHE_PREFIX}{course_id}")
    if roster is None:  # not loaded lately: the latest snapshot (refresh or `roster sync`) stands in
        latest = roster_snapshots.latest_learners(course_id)
        return (latest, None) if latest is not None else (None, str(ROSTER_NOT_LOADED))
    return sum(p.active and p.role is CourseRole.LEARNER for p in roster.people), None


def charts_of(metrics: ProgrammeMetrics) -> dict[str, Markup]:
    """The dashboard's charts, by the name of the table each one draws."""
    stages = [s for s in metrics.funnel if s.key != "roster"]
    months = metrics.activity.months
    skills = metrics.outcomes.skills
    return {
        "funnel": bar_chart(_("Funnel by role"), _("Participants at each stage, mentors and mentees (now)."),
                            [s.label for s in stages],
                            [(_("Mentors"), [s.mentor for s in stages]), (_("Mentees"), [s.mentee for s in stages])]),
        "scores": bar_chart(_("Match scores"), _("Active pairs in each band of the matching score."),
                            [label for label, _n in metrics.matching.score_bands],
                            [(_("Pairs"), [n for _label, n in metrics.matching.score_bands])]),
        "activity": line_chart(_("Meetings per pair per month"), _("Meetings held per active pair each month, against "
                               "what the cadence asks."), [Month(x.month).shown() for x in months],
                               [(_("Held"), [round(x.per_pair, 2) for x in months]),
                                (_("Cadence asks"), [x.expected_per_pair for x in months])]),
        "skills": bar_chart(_("Goal ratings, baseline and end"), _("Mean self-rating (1-5) at the start and at the end, "
                            "per skill and role."),
                            [_("%(skill)s (%(role)s)", skill=s.label, role=role_word(s.role)) for s in skills],
                            [(_("Baseline"), [s.baseline for s in skills]), (_("End"), [s.end for s in skills])],
                            horizontal=True),
    }


def _midnight(day, days_after: int = 0):
    """The UTC midnight starting ``day`` (+ ``days_after``), or None for an open end of the range."""
    return None if day is None else datetime.combine(day + timedelta(days=days_after), time.min, tzinfo=timezone.utc)


def _dashboard_context(course_id: int, cohort_id: int, *, with_charts: bool = True) -> dict:
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    period = _period()
    size, roster_note = _roster(course_id)
    surveys = survey_results.summary([cohort.id], _midnight(period.start), _midnight(period.end, 1))
    metrics = programme_dashboard.cohort_metrics(cohort, utcnow().date(), period, roster_size=size,
                                                  quiet_days=current_app.config["DASHBOARD_AT_RISK_DAYS"],
                                                  surveys=surveys)
    found = tables(metrics) | {"surveys": survey_table(metrics.surveys)}
    kept = roster_snapshots.cohort_retention(cohort)
    if kept is not None:
        found["retention"] = retention_table(kept)
    return dict(cohort=cohort, metrics=metrics, tables=found, charts=charts_of(metrics) if with_charts else {},
                period=period, roster_note=roster_note, exports=EXPORTS, roles=ROLES, range_args=_range_args(period),
                retention=kept, no_roster=str(NO_ROSTER), may_open_names=survey_admin.may_open_names(cohort),
                names_form=NamesForm(formdata=None))


def _range_args(period: Period) -> dict[str, str]:
    return {k: v.isoformat() for k, v in (("from", period.start), ("to", period.end)) if v is not None}


@bp.get("/")
def show(course_id: int, cohort_id: int):
    """The cohort's dashboard: each chart beside its table, with their downloads."""
    return render_page("instructor/dashboard/cohort.html", **_dashboard_context(course_id, cohort_id))


@bp.get("/report")
def report(course_id: int, cohort_id: int):
    """One printable page for leadership: the headline figures and the funnel, outcomes and activity."""
    return render_page("instructor/dashboard/report.html", **_dashboard_context(course_id, cohort_id))


@bp.get("/table.csv")
def table_csv(course_id: int, cohort_id: int):
    """One table of the dashboard (``?name=funnel`` ...) as CSV."""
    context = _dashboard_context(course_id, cohort_id, with_charts=False)
    table = context["tables"].get(request.args.get("name", "funnel"))
    if table is None:
        abort(404, description=_("There is no such table on the dashboard."))
    return csv_response(file_name(context["cohort"].name, table.name), table.header, table.rows)


@bp.get("/data.csv")
def data_csv(course_id: int, cohort_id: int):
    """Raw data of the cohort (``?name=participants``, pairs, meetings, goals, reflections, completion), streamed."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    export = EXPORTS.get(request.args.get("name", "participants"))
    if export is None:
        abort(404, description=_("There is no such download."))
    return csv_response(file_name(cohort.name, export.name), export.header, export.rows(cohort))


@bp.post("/survey-answers.csv")
def named_survey_answers(course_id: int, cohort_id: int):
    """The survey answers with names, where the privacy setting allows it: the reason is logged (one row per
    survey, as on the results page) and committed before the download starts; else back to the dashboard."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = NamesForm()
    if form.validate_on_submit():
        if save(form, survey_admin.log_names_download, cohort, g.membership.person, form.reason.data) is not None:
            return csv_response(file_name(cohort.name, "survey-answers-with-names"), survey_answers_header(),
                                survey_answers(cohort, named=True))
        flash(form.refusal.message, "error")
    else:
        flash(_("Give a reason of %(min)d to %(max)d characters to download the answers with names (it is logged).",
                min=survey_admin.REASON_MIN, max=survey_admin.REASON_MAX), "error")
    return redirect(url_for(".show", cohort_id=cohort.id, _anchor="downloads-title"), 303)


def _side_by_side(course_id: int) -> dict:
    period = _period()
    found: list[Cohort] = cohorts.cohorts_of(course_id)
    size, roster_note = _roster(course_id)
    rows = programme_dashboard.course_metrics(found, utcnow().date(), period, roster_size=size,
                                              quiet_days=current_app.config["DASHBOARD_AT_RISK_DAYS"])
    surveys = {s.cohort_id: s.headline for s in survey_results.summary([c.id for c in found], _midnight(period.start),
                                                                        _midnight(period.end, 1))}
    return dict(rows=[(c, m, tables(m)) for c, m in rows], period=period, roster_note=roster_note,
                range_args=_range_args(period), surveys=surveys, retention=roster_snapshots.cohorts_retention(found))


COMPARISON_HEADER = (_l("cohort"), _l("starts on"), _l("ends on"), _l("enrolled"), _l("matched"), _l("first meeting"),
                     _l("at least 3 meetings"), _l("completed"), _l("completion rate"), _l("active pairs"),
                     _l("meetings in range"), _l("at risk"), _l("reflection submission rate"),
                     _l("survey answers in range"), _l("mean satisfaction (1-5)"),
                     _l("recommend (NPS-style, -100 to 100)"), _l("participants still active"),
                     _l("withdrawn participants still active"), _l("non-participants still active"))


def comparison_header() -> tuple[str, ...]:
    """The side-by-side table's header in the reader's language (the columns in the same order)."""
    return tuple(str(column) for column in COMPARISON_HEADER)


def _survey_cells(headline) -> tuple:
    """Answers given, mean satisfaction and the recommendation score; under the threshold, words, never a figure."""
    if headline is None:
        return 0, "", ""
    hidden = fewer_than(headline.threshold)
    return (headline.responses, hidden if headline.satisfaction is None else Mean(headline.satisfaction),
            hidden if headline.recommend is None else headline.recommend)


def _retention_cells(kept) -> tuple:
    """The share still active at the programme's end of each group; blank without a roster snapshot."""
    return ("", "", "") if kept is None else tuple(percent(g.share) for g in kept.groups)


def _comparison_rows(context) -> list[tuple]:
    found = []
    for cohort, m, _tables in context["rows"]:
        stage = {s.key: s.total for s in m.funnel}
        found.append((cohort.name, cohort.starts_on, cohort.ends_on, stage["enrolled"], stage["matched"],
                      stage["first_meeting"], stage["three_meetings"], stage["completed"],
                      percent(m.outcomes.completion_rate), m.matching.active_pairs, m.activity.meetings,
                      m.activity.at_risk_total, percent(m.outcomes.submission_rate),
                      *_survey_cells(context["surveys"].get(cohort.id)),
                      *_retention_cells(context["retention"].get(cohort.id))))
    return found


@course_bp.get("/")
def course(course_id: int):
    """The course's cohorts side by side: the pilot against the later cohorts."""
    context = _side_by_side(course_id)
    rows = context["rows"]
    chart = bar_chart(_("Cohorts side by side"), _("Participants enrolled, matched, meeting at least 3 times and "
                      "completed, per cohort."), [c.name for c, _m, _t in rows],
                      [(label, [next(s.total for s in m.funnel if s.key == key) for _c, m, _t in rows])
                       for key, label in (("enrolled", _("Enrolled")), ("matched", _("Matched")),
                                          ("three_meetings", _("3+ meetings")), ("completed", _("Completed")))])
    return render_page("instructor/dashboard/course.html", chart=chart, header=comparison_header(),
                       caveat=_(SELF_SELECTION),
                       comparison=_comparison_rows(context), **context)


@course_bp.get("/cohorts.csv")
def course_csv(course_id: int):
    """The side-by-side table as CSV."""
    context = _side_by_side(course_id)
    return csv_response(file_name("cohorts", "side-by-side"), comparison_header(), _comparison_rows(context))
