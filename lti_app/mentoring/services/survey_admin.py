"""The instructor's side of a cohort's surveys: settings, the question editor (a version with answers is never
edited: a change makes a new version), results per version under the anonymity rule, and named answers, opened
only where the cohort's privacy setting allows confidential content, with the opening logged. Flushes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain import surveys as domain
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.surveys import Audience, QuestionFigure, QuestionKind, SurveyKind
from lti_app.mentoring.domain.texts import _
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.survey import (
    Survey, SurveyAnswer, SurveyNamesAccess, SurveyQuestion, SurveyRound, SurveySettings, SurveyVersion,
)
from lti_app.mentoring.services import surveys

REASON_MIN, REASON_MAX = 10, 500


def survey_kind(value: str) -> SurveyKind:
    """The survey kind named in a URL; NotFound for anything else."""
    try:
        return SurveyKind(value)
    except ValueError:
        raise NotFound(_("There is no such survey.")) from None


def update_settings(cohort: Cohort, **fields: Any) -> SurveySettings:
    """Save the survey settings and move the rounds nobody answered yet to the new schedule. Flushes."""
    settings = surveys.settings_of(cohort.id)
    for name, value in fields.items():
        setattr(settings, name, value)
    surveys.sync_rounds(cohort)
    return settings


def _has_answers(version_id: int) -> bool:
    return bool(db.session.scalar(select(func.count(SurveyAnswer.id)).where(SurveyAnswer.version_id == version_id)))


def _editable(survey: Survey) -> SurveyVersion:
    """The current version, or a copy of it as a new version when it already has answers."""
    current = survey.current
    if not _has_answers(current.id):
        return current
    copy = SurveyVersion(number=current.number + 1)
    copy.questions = [surveys.question_copy(q, q.position) for q in current.questions]
    survey.versions.append(copy)
    db.session.flush()
    return copy


def question_in(survey: Survey, question_id: int) -> SurveyQuestion:
    """A question of the survey's current version; NotFound for any other id."""
    found = next((q for q in survey.current.questions if q.id == question_id), None)
    if found is None:
        raise NotFound(_("There is no such question in this survey."))
    return found


def _check(fields: dict[str, Any]) -> dict[str, Any]:
    if fields["kind"] is QuestionKind.CHOICE and len(fields["choices"]) < 2:
        raise InvalidInput(_("Give at least two choices, one a line."), field="choices")
    if fields["kind"] is QuestionKind.LIKERT and fields["labels"] and len(fields["labels"]) != 5:
        raise InvalidInput(_("Give five labels, one a line, or none."), field="labels")
    return fields


def add_question(survey: Survey, **fields: Any) -> SurveyQuestion:
    """Add a question at the end (in a new version if the current one has answers). Flushes."""
    version = _editable(survey)
    codes = {q.code for v in survey.versions for q in v.questions}
    code = next(f"q{n}" for n in range(1, 10_000) if f"q{n}" not in codes)
    question = SurveyQuestion(position=len(version.questions) + 1, code=code, **_check(fields))
    version.questions.append(question)
    db.session.flush()
    return question


def add_question_to(cohort: Cohort, survey_kind: SurveyKind, **fields: Any) -> SurveyQuestion:
    """``add_question`` to the cohort's survey of ``survey_kind``, its default questions saved first if it had none."""
    return add_question(surveys.survey_of(cohort.id, survey_kind), **fields)


def edit_question(survey: Survey, question_id: int, **fields: Any) -> SurveyQuestion:
    """Change a question (in a new version if the current one has answers; its code stays). Flushes."""
    code = question_in(survey, question_id).code
    version = _editable(survey)
    question = next(q for q in version.questions if q.code == code)
    for name, value in _check(fields).items():
        setattr(question, name, value)
    db.session.flush()
    return question


def remove_question(survey: Survey, question_id: int) -> None:
    """Remove a question (from a new version if the current one has answers). Flushes."""
    code = question_in(survey, question_id).code
    version = _editable(survey)
    if len(version.questions) <= 1:
        raise InvalidInput(_("A survey keeps at least one question."))
    version.questions.remove(next(q for q in version.questions if q.code == code))
    db.session.flush()


@dataclass(frozen=True)
class QuestionResult:
    """One question of a version: its figure and, for free text, the answers without names (None under N)."""

    question: SurveyQuestion
    figure: QuestionFigure
    texts: list[str] | None = None


@dataclass(frozen=True)
class VersionResult:
    """The results of one version: how many answered it, and each question's result."""

    version: SurveyVersion
    answered: int
    shown: bool
    questions: list[QuestionResult] = field(default_factory=list)


def results(survey: Survey, threshold: int) -> list[VersionResult]:
    """Each version's results, newest first; no figure and no text where fewer than ``threshold`` answered."""
    by_version: dict[int, list[dict[str, Any]]] = {}
    for version_id, values in db.session.execute(
            select(SurveyAnswer.version_id, SurveyAnswer.values).join(SurveyRound)
            .where(SurveyRound.survey_id == survey.id)):
        by_version.setdefault(version_id, []).append(values)
    found = []
    for version in reversed(survey.versions):
        given = by_version.get(version.id, [])
        shown = not domain.below_threshold(len(given), threshold)
        questions = []
        for q in version.questions:
            values = [v.get(q.code) for v in given]
            texts = sorted(str(v) for v in values if v) if q.kind is QuestionKind.TEXT and shown else None
            questions.append(QuestionResult(q, domain.aggregate(values, q.kind, threshold), texts))
        found.append(VersionResult(version, len(given), shown, questions))
    return found


def round_counts(survey: Survey) -> list[tuple[SurveyRound, int]]:
    """Each round of the survey with how many answered it."""
    rows = db.session.execute(select(SurveyRound, func.count(SurveyAnswer.id)).outerjoin(SurveyAnswer)
                              .where(SurveyRound.survey_id == survey.id).group_by(SurveyRound.id)
                              .order_by(SurveyRound.opens_at)).all()
    return [(r, n) for r, n in rows]


def may_open_names(cohort: Cohort) -> bool:
    """Whether the cohort's privacy setting allows opening confidential content (and so named answers)."""
    return cohort.privacy is PrivacySetting.EVERYTHING_WITH_LOG


@dataclass(frozen=True)
class NamedAnswer:
    """One answer with the name of who gave it."""

    name: str
    round_number: int
    values: dict[str, Any]
    late: bool


def _log_names(cohort: Cohort, found: list[Survey], viewer: Person, reason: str) -> list[SurveyNamesAccess]:
    """Refuse unless the privacy setting allows names and the reason is given; else log one opening per survey."""
    if not may_open_names(cohort):
        raise InvalidInput(_("This cohort's privacy setting (“%(setting)s”) keeps answers anonymous.",
                             setting=cohort.privacy.label))
    text = " ".join((reason or "").split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise InvalidInput(_("Give a reason of %(min)d to %(max)d characters (it is logged).", min=REASON_MIN,
                             max=REASON_MAX), field="reason")
    rows = [SurveyNamesAccess(survey_id=s.id, person_id=viewer.id, viewer_name=viewer.display_name[:200], reason=text)
            for s in found]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def log_names_download(cohort: Cohort, viewer: Person, reason: str) -> list[SurveyNamesAccess]:
    """Log that ``viewer`` downloads the named answers of all the cohort's surveys for ``reason``, as opening them
    on the results page is logged (one row per survey). Refused as ``open_names`` is. Flushes."""
    found = list(db.session.scalars(select(Survey).where(Survey.cohort_id == cohort.id).order_by(Survey.id)))
    return _log_names(cohort, found, viewer, reason)


def open_names(cohort: Cohort, survey: Survey, viewer: Person, reason: str) -> list[NamedAnswer]:
    """Log that ``viewer`` opens the survey's named answers for ``reason`` and return them. Flushes."""
    _log_names(cohort, [survey], viewer, reason)
    rows = db.session.execute(select(SurveyAnswer, SurveyRound.number, Person).join(SurveyRound)
                              .join(Enrolment, Enrolment.id == SurveyAnswer.enrolment_id).join(Person)
                              .where(SurveyRound.survey_id == survey.id).order_by(SurveyRound.number, Person.id)).all()
    # plain values: the commit that follows expires the rows, and the page must not reload them one by one
    return [NamedAnswer(p.display_name, n, dict(a.values), a.late) for a, n, p in rows]


def open_names_of(cohort: Cohort, kind: SurveyKind, viewer: Person, reason: str) -> list[NamedAnswer]:
    """``open_names`` of the cohort's survey of ``kind`` (saved with the default questions first if it had none)."""
    return open_names(cohort, surveys.survey_of(cohort.id, kind), viewer, reason)


def names_accesses(survey: Survey) -> list[SurveyNamesAccess]:
    """Every opening of the survey's named answers, newest first."""
    return list(db.session.scalars(select(SurveyNamesAccess).where(SurveyNamesAccess.survey_id == survey.id)
                                   .order_by(SurveyNamesAccess.opened_at.desc(), SurveyNamesAccess.id.desc())))


def audience_of(value: str) -> Audience:
    """An audience from a form value."""
    return Audience(value)
