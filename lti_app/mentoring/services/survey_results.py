"""Survey figures for the dashboard, as plain dataclasses: per cohort, per kind, per round the answered and
eligible counts and the mean of each numeric question (None under the cohort's anonymity threshold), and the
people whose latest pulse answer is low (``domain.surveys.is_low_pulse``: 2 or less for satisfaction or usefulness;
only their number where fewer than the threshold answered the pulse).

A fixed number of queries whatever the cohorts' sizes; means are computed in Python by the domain's ``aggregate``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain import surveys as domain
from lti_app.mentoring.domain.surveys import SATISFACTION, SurveyKind
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.survey import Survey, SurveyAnswer, SurveyQuestion, SurveyRound, SurveySettings, SurveyVersion


@dataclass(frozen=True)
class RoundSummary:
    """One round: who answered of who was asked, and the mean of each numeric question (None under N)."""

    round_id: int
    number: int
    opens_at: datetime
    closes_at: datetime
    answered: int
    eligible: int
    late: int
    means: dict[str, float | None] = field(default_factory=dict)
    pair_id: int | None = None


@dataclass(frozen=True)
class KindSummary:
    """One survey of a cohort and its rounds, oldest first."""

    kind: SurveyKind
    rounds: list[RoundSummary] = field(default_factory=list)


@dataclass(frozen=True)
class AtRiskPerson:
    """Someone whose latest pulse answer is low."""

    enrolment_id: int
    name: str
    satisfaction: int | None
    usefulness: int | None = None


@dataclass(frozen=True)
class CohortSummary:
    """A cohort's survey figures; ``at_risk`` is empty (only ``at_risk_count`` given) under the threshold."""

    cohort_id: int
    threshold: int
    kinds: list[KindSummary]
    at_risk_count: int
    at_risk: list[AtRiskPerson]
    headline: domain.Headline | None = None  # over all the answers of the rounds summarised


def _participation(cohort_ids: list[int]) -> dict[int, list[tuple[int, int, Any, Any]]]:
    """Per cohort: (mentor, mentee, published_at, ended_at) of each published pair."""
    found: dict[int, list[tuple[int, int, Any, Any]]] = defaultdict(list)
    for row in db.session.execute(select(Pair.cohort_id, Pair.mentor_enrolment_id, Pair.mentee_enrolment_id,
                                         Pair.published_at, Pair.ended_at)
                                  .where(Pair.cohort_id.in_(cohort_ids),
                                         Pair.status.in_((PairStatus.ACTIVE, PairStatus.ENDED)))):
        found[row[0]].append(tuple(row[1:]))
    return found


def _eligible(pairs: list[tuple[int, int, Any, Any]], round_: SurveyRound) -> int:
    if round_.pair_id is not None:
        return 2
    people = set()
    for mentor, mentee, published, ended in pairs:
        if published is not None and published < round_.closes_at and (ended is None or ended >= round_.opens_at):
            people.update((mentor, mentee))
    return len(people)


def summary(cohort_ids: list[int], since: datetime | None = None, until: datetime | None = None) -> list[CohortSummary]:
    """The survey figures of these cohorts; rounds opening in [since, until) when given."""
    cohort_ids = list(cohort_ids)
    if not cohort_ids:
        return []
    thresholds = dict(db.session.execute(select(SurveySettings.cohort_id, SurveySettings.anonymity_threshold)
                                         .where(SurveySettings.cohort_id.in_(cohort_ids))).all())
    query = (select(SurveyRound, Survey.cohort_id, Survey.kind).join(Survey)
             .where(Survey.cohort_id.in_(cohort_ids)).order_by(SurveyRound.opens_at, SurveyRound.id))
    if since is not None:
        query = query.where(SurveyRound.opens_at >= since)
    if until is not None:
        query = query.where(SurveyRound.opens_at < until)
    rounds = db.session.execute(query).all()
    numeric = defaultdict(set)
    for survey_id, code, kind in db.session.execute(
            select(SurveyVersion.survey_id, SurveyQuestion.code, SurveyQuestion.kind).join(SurveyVersion)
            .join(Survey).where(Survey.cohort_id.in_(cohort_ids))):
        if kind.numeric:
            numeric[survey_id].add(code)
    answers = defaultdict(list)
    for round_id, enrolment_id, values, late in db.session.execute(
            select(SurveyAnswer.round_id, SurveyAnswer.enrolment_id, SurveyAnswer.values, SurveyAnswer.late)
            .where(SurveyAnswer.round_id.in_([r.id for r, _, _ in rounds]))):
        answers[round_id].append((enrolment_id, values, late))
    pairs = _participation(cohort_ids)
    by_cohort: dict[int, dict[SurveyKind, list[RoundSummary]]] = {c: {k: [] for k in SurveyKind} for c in cohort_ids}
    latest: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    everyone: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for round_, cohort_id, kind in rounds:
        threshold = thresholds.get(cohort_id, domain.DEFAULT_ANONYMITY_THRESHOLD)
        given = answers.get(round_.id, [])
        everyone[cohort_id].extend((enrolment_id, values) for enrolment_id, values, _ in given)
        means = {code: domain.aggregate([v.get(code) for _, v, _ in given], domain.QuestionKind.SCALE, threshold).mean
                 for code in sorted(numeric[round_.survey_id])}
        by_cohort[cohort_id][kind].append(RoundSummary(round_.id, round_.number, round_.opens_at, round_.closes_at,
                                                       len(given), _eligible(pairs[cohort_id], round_),
                                                       sum(1 for *_, late in given if late), means, round_.pair_id))
        if kind is SurveyKind.PULSE:
            for enrolment_id, values, _ in given:  # rounds come oldest first: the last one seen is the latest
                latest[cohort_id][enrolment_id] = values or {}
    return _with_at_risk(cohort_ids, by_cohort, latest, thresholds, everyone)


def _with_at_risk(cohort_ids, by_cohort, latest, thresholds, everyone) -> list[CohortSummary]:
    risky = {c: domain.at_risk(latest[c]) for c in cohort_ids}
    shown = {c: not domain.below_threshold(len(latest[c]), thresholds.get(c, domain.DEFAULT_ANONYMITY_THRESHOLD))
             for c in cohort_ids}
    wanted = [e for c in cohort_ids if shown[c] for e in risky[c]]
    names = dict(db.session.execute(select(Enrolment.id, Person).join(Person).where(Enrolment.id.in_(wanted))).all()
                 ) if wanted else {}
    found = []
    for c in cohort_ids:
        people = [AtRiskPerson(e, names[e].display_name, latest[c][e].get(SATISFACTION), latest[c][e].get("usefulness"))
                  for e in risky[c]] if shown[c] else []
        found.append(CohortSummary(c, thresholds.get(c, domain.DEFAULT_ANONYMITY_THRESHOLD),
                                   [KindSummary(k, by_cohort[c][k]) for k in SurveyKind], len(risky[c]), people,
                                   domain.headline(everyone[c], thresholds.get(c, domain.DEFAULT_ANONYMITY_THRESHOLD))))
    return found


@dataclass(frozen=True)
class LatestPulse:
    """Of a cohort's pulse survey, over all its rounds (a state: "now", whatever the dashboard's date range): who
    gave a low latest answer (enrolment ids, for the at-risk decision, never shown as such), how many people have
    answered it at all, and the cohort's anonymity threshold."""

    low: frozenset[int] = frozenset()
    answered: int = 0
    threshold: int = domain.DEFAULT_ANONYMITY_THRESHOLD


def latest_pulse(cohort_ids: list[int]) -> dict[int, LatestPulse]:
    """Cohort id → its ``LatestPulse``, in two queries whatever the cohorts' sizes."""
    cohort_ids = list(cohort_ids)
    if not cohort_ids:
        return {}
    thresholds = dict(db.session.execute(select(SurveySettings.cohort_id, SurveySettings.anonymity_threshold)
                                         .where(SurveySettings.cohort_id.in_(cohort_ids))).all())
    latest: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for cohort_id, enrolment_id, values in db.session.execute(
            select(Survey.cohort_id, SurveyAnswer.enrolment_id, SurveyAnswer.values)
            .join(SurveyRound, SurveyRound.id == SurveyAnswer.round_id).join(Survey, Survey.id == SurveyRound.survey_id)
            .where(Survey.cohort_id.in_(cohort_ids), Survey.kind == SurveyKind.PULSE)
            .order_by(SurveyRound.opens_at, SurveyRound.id)):
        latest[cohort_id][enrolment_id] = values or {}  # oldest round first: the last one seen is the latest
    return {c: LatestPulse(frozenset(domain.at_risk(latest[c])), len(latest[c]),
                           thresholds.get(c, domain.DEFAULT_ANONYMITY_THRESHOLD)) for c in cohort_ids}
