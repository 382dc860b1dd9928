"""A cohort's Surveys page for instructors: settings, the question editor of each survey, results per version
under the anonymity threshold, and named answers where the privacy setting allows it (logged).

A blueprint nested in ``instructor``: its guard (staff of this course) runs first; the cohort is found in the
course (``cohort_in_course``) and a question in the survey's current version, so any other id answers 404.
GETs only read: a cohort's surveys are made with the cohort; one without any (made before that) is shown with the
default questions, read-only, and gets them saved by its first POST, in that POST's one commit.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _

from lti_app.mentoring.domain.surveys import SurveyKind, default_questions_shown
from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.services import cohorts, survey_admin, surveys
from lti_app.web.course_pages import form_status, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.instructor.survey_forms import NamesForm, QuestionForm, SurveySettingsForm
from lti_app.web.unit_of_work import act, save

bp = Blueprint("surveys", __name__, url_prefix="/cohorts/<id:cohort_id>/surveys")


def _stored(cohort, kind: SurveyKind):
    """The survey as saved, or a 404 for a question id of a survey that has no saved questions yet."""
    survey = surveys.stored_survey(cohort.id, kind)
    if survey is None:
        raise NotFound(_("There is no such question in this survey."))
    return survey


def _overview(cohort, form: SurveySettingsForm):
    settings = surveys.current_settings(cohort.id)
    found = {kind: surveys.stored_survey(cohort.id, kind) for kind in SurveyKind}
    return render_page("instructor/surveys/index.html", form_status(form), cohort=cohort, form=form, surveys=found,
                       rounds={k: survey_admin.round_counts(s) if s else [] for k, s in found.items()},
                       results={k: survey_admin.results(s, settings.anonymity_threshold) if s else []
                                for k, s in found.items()},
                       threshold=settings.anonymity_threshold)


@bp.route("/", methods=["GET", "POST"])
def index(course_id: int, cohort_id: int):
    """The settings (saved on POST) and each survey's rounds and results."""
    cohort = cohorts.cohort_in_course(course_id, cohort_id)
    form = SurveySettingsForm(obj=surveys.current_settings(cohort.id))
    if form.validate_on_submit():
        if save(form, survey_admin.update_settings, cohort, **form.to_fields()) is not None:
            flash(_("The survey settings are saved; rounds nobody has answered follow the new schedule."), "ok")
            return redirect(url_for(".index", cohort_id=cohort.id), 303)
    return _overview(cohort, form)


def _editor(cohort, kind: SurveyKind, form: QuestionForm | None = None, names=None, names_form=None,
            editing: int | None = None):
    survey = surveys.stored_survey(cohort.id, kind)  # None: the defaults, shown read-only until a first change
    edit_forms = {q.id: QuestionForm(formdata=None, prefix=f"q{q.id}", obj=q, kind=q.kind.value,
                                     audience=q.audience.value, labels="\n".join(q.labels), choices="\n".join(q.choices))
                  for q in (survey.current.questions if survey else ())}
    if editing is not None and form is not None:
        edit_forms[editing] = form  # the submitted values with their errors
    add_form = form if editing is None and form is not None else QuestionForm(formdata=None)
    return render_page("instructor/surveys/questions.html", form_status(form or names_form or ConfirmForm()),
                       cohort=cohort, survey=survey, defaults=default_questions_shown(), kind=kind, form=add_form,
                       edit_forms=edit_forms, confirm=ConfirmForm(), names=names,
                       names_form=names_form or NamesForm(formdata=None), may_open_names=survey_admin.may_open_names(cohort),
                       accesses=survey_admin.names_accesses(survey) if survey else [])


@bp.get("/<kind>/")
def questions(course_id: int, cohort_id: int, kind: str):
    """The questions of one survey's current version, and the log of named-answer openings."""
    return _editor(cohorts.cohort_in_course(course_id, cohort_id), survey_admin.survey_kind(kind))


@bp.post("/<kind>/questions")
def add_question(course_id: int, cohort_id: int, kind: str):
    """Add a question (a new version once the survey has answers)."""
    cohort, kind_ = cohorts.cohort_in_course(course_id, cohort_id), survey_admin.survey_kind(kind)
    form = QuestionForm()
    if form.validate_on_submit():
        if save(form, survey_admin.add_question_to, cohort, kind_, **form.to_fields()):
            flash(_("The question is added."), "ok")
            return redirect(url_for(".questions", cohort_id=cohort.id, kind=kind_.value), 303)
    return _editor(cohort, kind_, form)


@bp.post("/<kind>/questions/<id:question_id>")
def edit_question(course_id: int, cohort_id: int, kind: str, question_id: int):
    """Change a question (a new version once the survey has answers)."""
    cohort, kind_ = cohorts.cohort_in_course(course_id, cohort_id), survey_admin.survey_kind(kind)
    survey = _stored(cohort, kind_)
    survey_admin.question_in(survey, question_id)  # another id: 404 before the form is read
    form = QuestionForm(prefix=f"q{question_id}")
    if form.validate_on_submit():
        if save(form, survey_admin.edit_question, survey, question_id, **form.to_fields()):
            flash(_("The question is changed."), "ok")
            return redirect(url_for(".questions", cohort_id=cohort.id, kind=kind_.value), 303)
    return _editor(cohort, kind_, form, editing=question_id)


@bp.post("/<kind>/questions/<id:question_id>/remove")
def remove_question(course_id: int, cohort_id: int, kind: str, question_id: int):
    """Remove a question (from a new version once the survey has answers)."""
    cohort, kind_ = cohorts.cohort_in_course(course_id, cohort_id), survey_admin.survey_kind(kind)
    survey = _stored(cohort, kind_)
    survey_admin.question_in(survey, question_id)
    if ConfirmForm().validate_on_submit() and act(survey_admin.remove_question, survey, question_id) is not None:
        flash(_("The question is removed."), "ok")
    return redirect(url_for(".questions", cohort_id=cohort.id, kind=kind_.value), 303)


@bp.post("/<kind>/names")
def open_names(course_id: int, cohort_id: int, kind: str):
    """Show who answered what, where the privacy setting allows it, with the reason logged."""
    cohort, kind_ = cohorts.cohort_in_course(course_id, cohort_id), survey_admin.survey_kind(kind)
    form, names = NamesForm(), None
    if form.validate_on_submit():
        names = save(form, survey_admin.open_names_of, cohort, kind_, g.membership.person, form.reason.data)
    return _editor(cohort, kind_, names=names, names_form=form)
