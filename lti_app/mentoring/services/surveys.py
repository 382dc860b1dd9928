"""A cohort's surveys: settings, the default questions, rounds kept in step with the schedule, what is due to a
person, and their answer (one per round, changeable until the round closes, marked late after it).

Flushes, never commits. Rounds are created when the schedule says they should exist (``sync_rounds``), so a
change of settings moves rounds nobody has answered yet and leaves the answered ones as they were.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lti_app.extensions import db
from lti_app.mentoring.domain import surveys as domain
from lti_app.mentoring.domain.surveys import QuestionKind, RoundWindow, SurveyKind
from lti_app.mentoring.domain.whats_next import Item
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.survey import (
    Survey, SurveyAnswer, SurveyQuestion, SurveyRound, SurveySettings, SurveyVersion,
)
from lti_app.mentoring.domain.texts import N_, _


def settings_of(cohort_id: int) -> SurveySettings:
    """The cohort's survey settings, made with the defaults the first time. Flushes."""
    found = db.session.scalar(select(SurveySettings).where(SurveySettings.cohort_id == cohort_id))
    if found is None:
        found = SurveySettings(cohort_id=cohort_id, pulse_enabled=True,
                               pulse_first_after_days=domain.DEFAULT_FIRST_AFTER_DAYS,
                               pulse_every_days=domain.DEFAULT_EVERY_DAYS,
                               anonymity_threshold=domain.DEFAULT_ANONYMITY_THRESHOLD, accept_late=True, time_zone="UTC")
        db.session.add(found)
        db.session.flush()
    return found


def current_settings(cohort_id: int) -> SurveySettings:
    """The cohort's survey settings for reading: the saved ones, or the defaults (not added) before any."""
    found = db.session.scalar(select(SurveySettings).where(SurveySettings.cohort_id == cohort_id))
    return found or SurveySettings(cohort_id=cohort_id, pulse_enabled=True,
                                   pulse_first_after_days=domain.DEFAULT_FIRST_AFTER_DAYS,
                                   pulse_every_days=domain.DEFAULT_EVERY_DAYS,
                                   anonymity_threshold=domain.DEFAULT_ANONYMITY_THRESHOLD, accept_late=True,
                                   time_zone="UTC")


def question_copy(question: Any, position: int) -> SurveyQuestion:
    """A new question row from a ``QuestionSpec`` or another version's question (same fields, new position)."""
    return SurveyQuestion(position=position, code=question.code, text=question.text, kind=question.kind,
                          required=question.required, audience=question.audience, labels=list(question.labels),
                          choices=list(question.choices))


def stored_survey(cohort_id: int, kind: SurveyKind) -> Survey | None:
    """The cohort's survey of ``kind`` as saved, or None (pages then show the defaults). Never writes."""
    return db.session.scalar(select(Survey).where(Survey.cohort_id == cohort_id, Survey.kind == kind))


def _new_survey(cohort_id: int, kind: SurveyKind, questions: Sequence[Any]) -> Survey:
    survey = Survey(cohort_id=cohort_id, kind=kind)
    survey.versions = [SurveyVersion(number=1, questions=[question_copy(q, i) for i, q in enumerate(questions, 1)])]
    db.session.add(survey)
    return survey


def survey_of(cohort_id: int, kind: SurveyKind) -> Survey:
    """The cohort's survey of ``kind``, made with the default questions as version 1 if it has none. Flushes."""
    found = stored_survey(cohort_id, kind)
    if found is None:
        found = _new_survey(cohort_id, kind, domain.default_questions())
        db.session.flush()
    return found


def create_surveys(cohort_id: int, like: int | None = None) -> list[Survey]:
    """A new cohort's pulse and exit surveys: the current questions and the saved survey settings of cohort
    ``like`` (a cohort copied for its next round) where it has them, else the default questions. Flushes."""
    made = []
    for kind in SurveyKind:
        source = stored_survey(like, kind) if like is not None else None
        made.append(_new_survey(cohort_id, kind, source.current.questions if source else domain.default_questions()))
    saved = db.session.scalar(select(SurveySettings).where(SurveySettings.cohort_id == like)) if like else None
    if saved is not None:
        db.session.add(SurveySettings(cohort_id=cohort_id, **{name: getattr(saved, name) for name in SETTINGS_COPIED}))
    db.session.flush()
    return made


SETTINGS_COPIED = ("pulse_enabled", "pulse_first_after_days", "pulse_every_days", "anonymity_threshold", "accept_late",
                   "time_zone")


def _pulse_windows(cohort: Cohort, settings: SurveySettings) -> list[RoundWindow]:
    published = db.session.scalar(select(func.min(Pair.published_at)).where(
        Pair.cohort_id == cohort.id, Pair.published_at.is_not(None)))
    published_on = published.date() if published else None
    return domain.pulse_schedule(published_on, cohort.starts_on, cohort.ends_on,
                                 first_after_days=settings.pulse_first_after_days,
                                 every_days=settings.pulse_every_days, time_zone=settings.time_zone,
                                 enabled=settings.pulse_enabled)


def _answered_round_ids(survey_id: int) -> set[int]:
    return set(db.session.scalars(select(SurveyAnswer.round_id).join(SurveyRound).where(
        SurveyRound.survey_id == survey_id).distinct()))


def sync_rounds(cohort: Cohort) -> None:
    """Make the pulse rounds and the final exit round match the schedule; answered rounds stay. Flushes."""
    settings = settings_of(cohort.id)
    pulse = survey_of(cohort.id, SurveyKind.PULSE)
    answered = _answered_round_ids(pulse.id)
    existing = {r.number: r for r in db.session.scalars(select(SurveyRound).where(SurveyRound.survey_id == pulse.id))}
    wanted = {w.number: w for w in _pulse_windows(cohort, settings)}
    for number, row in existing.items():
        if row.id not in answered and number not in wanted:
            db.session.delete(row)
    for number, window in wanted.items():
        row = existing.get(number)
        if row is None:
            db.session.add(SurveyRound(survey_id=pulse.id, number=number, opens_at=window.opens_at,
                                       closes_at=window.closes_at))
        elif row.id not in answered:
            row.opens_at, row.closes_at = window.opens_at, window.closes_at
    exit_survey = survey_of(cohort.id, SurveyKind.EXIT)
    final = db.session.scalar(select(SurveyRound).where(SurveyRound.survey_id == exit_survey.id,
                                                        SurveyRound.pair_id.is_(None)))
    window = domain.exit_round(cohort.ends_on, settings.time_zone)
    if final is None:
        db.session.add(SurveyRound(survey_id=exit_survey.id, number=_next_number(exit_survey.id),
                                   opens_at=window.opens_at, closes_at=window.closes_at, reason=window.reason))
    elif final.id not in _answered_round_ids(exit_survey.id):
        final.opens_at, final.closes_at = window.opens_at, window.closes_at
    db.session.flush()


def _next_number(survey_id: int) -> int:
    return (db.session.scalar(select(func.max(SurveyRound.number)).where(SurveyRound.survey_id == survey_id)) or 0) + 1


def open_exit_for_pair(pair: Pair, reason: str, now: datetime) -> SurveyRound:
    """A pair ended early: an exit round for its two people, with the reason. Flushes."""
    settings = settings_of(pair.cohort_id)
    survey = survey_of(pair.cohort_id, SurveyKind.EXIT)
    window = domain.early_exit_round(now, reason, _next_number(survey.id), settings.time_zone)
    row = SurveyRound(survey_id=survey.id, number=window.number, opens_at=window.opens_at,
                      closes_at=window.closes_at, pair_id=pair.id, reason=reason)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class DueSurvey:
    """A round a person is asked to answer, and their answer so far."""

    round: SurveyRound
    kind: SurveyKind
    answer: SurveyAnswer | None
    is_open: bool
    accepts_late: bool

    @property
    def can_answer(self) -> bool:
        """Whether an answer may be given or changed now."""
        return self.is_open or (self.answer is None and self.accepts_late)


def role_of(enrolment: Enrolment) -> str:
    """"mentor" when the person mentors in a published pair of the cohort, else "mentee"."""
    mentors = db.session.scalar(select(func.count(Pair.id)).where(
        Pair.mentor_enrolment_id == enrolment.id, Pair.status.in_((PairStatus.ACTIVE, PairStatus.ENDED))))
    return "mentor" if mentors else "mentee"


def _pair_ids_of(enrolment: Enrolment) -> list[int]:
    return list(db.session.scalars(select(Pair.id).where(or_(
        Pair.mentor_enrolment_id == enrolment.id, Pair.mentee_enrolment_id == enrolment.id))))


def due_for(enrolment: Enrolment, now: datetime) -> list[DueSurvey]:
    """The opened rounds of the person's cohort that ask them (pulse and final exit for everyone in a pair, an
    early exit for the two people of its pair), unanswered or still open, newest first."""
    pair_ids = _pair_ids_of(enrolment)
    if not pair_ids or not enrolment.is_active:
        return []
    settings = current_settings(enrolment.cohort_id)
    rows = db.session.execute(
        select(SurveyRound, Survey.kind, SurveyAnswer).join(Survey, Survey.id == SurveyRound.survey_id)
        .outerjoin(SurveyAnswer, (SurveyAnswer.round_id == SurveyRound.id) & (SurveyAnswer.enrolment_id == enrolment.id))
        .where(Survey.cohort_id == enrolment.cohort_id, SurveyRound.opens_at <= now,
               or_(SurveyRound.pair_id.is_(None), SurveyRound.pair_id.in_(pair_ids)))
        .order_by(SurveyRound.opens_at.desc())).all()
    found = [DueSurvey(r, kind, answer, r.closes_at > now, settings.accept_late) for r, kind, answer in rows]
    return [d for d in found if d.can_answer or d.answer is not None and d.is_open]


ANSWER_SURVEY = {"pulse": N_("Answer the pulse survey (%(cohort)s)"), "exit": N_("Answer the exit survey (%(cohort)s)")}


def whats_next_items(course_id: int, person_id: int, now: datetime) -> list[Item]:
    """The survey rounds the person has not answered yet in the course's cohorts, as lines of the learner's
    "What's next" (a closed round that still takes a late answer is shown as overdue since it closed)."""
    enrolments = db.session.scalars(select(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id).where(
        Cohort.course_id == course_id, Enrolment.person_id == person_id,
        Enrolment.status == EnrolmentStatus.ENROLLED).options(joinedload(Enrolment.cohort))).all()
    return [Item("survey", _(ANSWER_SURVEY[due.kind.value], cohort=enrolment.cohort.name), "survey",
                 {"cohort_id": enrolment.cohort_id, "round_id": due.round.id}, due.round.closes_at.date(),
                 overdue=not due.is_open)
            for enrolment in enrolments for due in due_for(enrolment, now) if due.answer is None]


def round_for(enrolment: Enrolment, round_id: int, now: datetime) -> DueSurvey:
    """One round the person is asked; NotFound for any other id (another cohort, another pair's exit, not open)."""
    for due in due_for(enrolment, now):
        if due.round.id == round_id:
            return due
    raise NotFound(_("There is no such survey for you."))


def questions_for(survey_id: int, role: str) -> tuple[SurveyVersion, list[SurveyQuestion]]:
    """The current version of a survey and its questions asked of ``role``."""
    version = db.session.scalars(select(SurveyVersion).where(SurveyVersion.survey_id == survey_id)
                                 .order_by(SurveyVersion.number.desc())).first()
    return version, [q for q in version.questions if q.audience.includes(role)]


def _values(questions: list[SurveyQuestion], raw: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for question in questions:
        value = domain.valid_answer(question.kind, raw.get(question.code, ""), tuple(question.choices))
        if value is None and (raw.get(question.code) or "").strip():
            raise InvalidInput(_("This answer is not one of the choices."), field=question.code)
        if value is None and question.required:
            raise InvalidInput(_("Please answer this question."), field=question.code)
        if value is not None:
            values[question.code] = value
    return values


def answer_round(enrolment: Enrolment, due: DueSurvey, raw: dict[str, str], now: datetime) -> tuple[SurveyAnswer, bool]:
    """Store or change the person's answer to a round; returns it and whether it is new. A second submit (a
    double click, another tab) changes the one answer. Refused once the round closed and the answer was given,
    or when late answers are not accepted. Flushes."""
    if not due.can_answer:
        raise InvalidInput(_("This round has closed; your answer can no longer be changed."))
    role = role_of(enrolment)
    version, questions = questions_for(due.round.survey_id, role)
    values = _values(questions, raw)
    existing = _answer(due.round.id, enrolment.id)
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = SurveyAnswer(round_id=due.round.id, enrolment_id=enrolment.id, version_id=version.id,
                                        role=role, values=values, late=domain.is_late(now, due.round.closes_at),
                                        created_at=now, updated_at=now)
                db.session.add(existing)
            return existing, True
        except IntegrityError:  # the other submit got there first: change that one
            existing = _answer(due.round.id, enrolment.id)
    existing.values, existing.version_id, existing.updated_at = values, version.id, now
    db.session.flush()
    return existing, False


def _answer(round_id: int, enrolment_id: int) -> SurveyAnswer | None:
    return db.session.scalar(select(SurveyAnswer).where(SurveyAnswer.round_id == round_id,
                                                        SurveyAnswer.enrolment_id == enrolment_id))


def numeric(kind: QuestionKind) -> bool:
    """Whether a question kind has a mean (for templates)."""
    return kind.numeric
